"""Per-server settings and fact decks."""

from __future__ import annotations

import random
import time

import aiosqlite

from lalabot.store.db import Database

__all__ = ["GuildStore"]


class GuildStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def show_spoilers(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return False
        async with self._db.conn.execute(
            "SELECT show_spoilers FROM guild_settings WHERE guild_id = ?", (guild_id,)
        ) as cur:
            row = await cur.fetchone()
        return bool(row[0]) if row else False

    async def set_show_spoilers(
        self, guild_id: int, show: bool, *, now: float | None = None
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, show_spoilers, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET show_spoilers = excluded.show_spoilers,"
                " updated_at = excluded.updated_at",
                (guild_id, int(show), time.time() if now is None else now),
            )

    async def draw_fact(self, guild_id: int, topic: str | None, rng: random.Random) -> int | None:
        """The rowid of the next fact of this server's deck for the topic; None if none exist.

        Every fact of the scope is shown once before any repeats; the deck lives in SQLite so
        it survives restarts. Facts added after a deal join the next deal."""
        scope = topic or ""
        async with self._db.transaction() as conn:
            drawn = await self._pop(conn, guild_id, scope)
            if drawn is not None:
                return drawn
            if scope:
                sql = "SELECT fact_rowid FROM fact_topics WHERE topic = ? ORDER BY fact_rowid"
                args: list[object] = [scope]
            else:
                sql, args = "SELECT rowid FROM facts ORDER BY rowid", []
            async with conn.execute(sql, args) as cur:
                rowids = [int(r[0]) async for r in cur]
            if not rowids:
                return None
            rng.shuffle(rowids)
            await conn.executemany(
                "INSERT INTO fact_decks (guild_id, scope, seq, fact_rowid) VALUES (?, ?, ?, ?)",
                [(guild_id, scope, seq, rowid) for seq, rowid in enumerate(rowids)],
            )
            return await self._pop(conn, guild_id, scope)

    @staticmethod
    async def _pop(conn: aiosqlite.Connection, guild_id: int, scope: str) -> int | None:
        async with conn.execute(
            "DELETE FROM fact_decks WHERE (guild_id, scope, seq) ="
            " (SELECT guild_id, scope, seq FROM fact_decks WHERE guild_id = ? AND scope = ?"
            "  ORDER BY seq LIMIT 1) RETURNING fact_rowid",
            (guild_id, scope),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None
