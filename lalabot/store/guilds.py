"""Per-server settings and fact decks."""

from __future__ import annotations

import json
import random
import time

import aiosqlite

from lalabot.store.db import Database

__all__ = ["GuildStore"]


class GuildStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._spoilers: dict[int, bool] = {}  # asked on every fact and reveal; rarely changed

    async def show_spoilers(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return False
        if guild_id not in self._spoilers:
            rows = list(
                await self._db.conn.execute_fetchall(
                    "SELECT show_spoilers FROM guild_settings WHERE guild_id = ?", (guild_id,)
                )
            )
            self._spoilers[guild_id] = bool(rows[0][0]) if rows else False
        return self._spoilers[guild_id]

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
        self._spoilers[guild_id] = show

    async def draw_fact(self, guild_id: int, topic: str | None, rng: random.Random) -> int | None:
        """The rowid of the next fact of this server's deck for the topic; None if none exist.

        Every fact of the scope is shown once before any repeats; the deck lives in SQLite so
        it survives restarts. Facts added after a deal join the next deal; removed ones are
        skipped."""
        scope = topic or ""
        async with self._db.transaction() as conn:
            rows = list(
                await conn.execute_fetchall(
                    "SELECT remaining FROM fact_decks WHERE guild_id = ? AND scope = ?",
                    (guild_id, scope),
                )
            )
            remaining: list[int] = json.loads(rows[0][0]) if rows else []
            drawn = await self._first_existing(conn, remaining)
            if drawn is None:
                remaining = await self._deal(conn, scope, rng)
                drawn = await self._first_existing(conn, remaining)
            if drawn is None:
                return None
            await conn.execute(
                "INSERT INTO fact_decks (guild_id, scope, remaining) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, scope) DO UPDATE SET remaining = excluded.remaining",
                (guild_id, scope, json.dumps(remaining, separators=(",", ":"))),
            )
            return drawn

    @staticmethod
    async def _deal(conn: aiosqlite.Connection, scope: str, rng: random.Random) -> list[int]:
        if scope:
            sql = "SELECT fact_rowid FROM fact_topics WHERE topic = ? ORDER BY fact_rowid"
            args: list[object] = [scope]
        else:
            sql, args = "SELECT rowid FROM facts ORDER BY rowid", []
        rowids = [int(r[0]) for r in await conn.execute_fetchall(sql, args)]
        rng.shuffle(rowids)
        return rowids

    @staticmethod
    async def _first_existing(conn: aiosqlite.Connection, remaining: list[int]) -> int | None:
        """Pop rowids off the front of the deck until one is still a fact."""
        while remaining:
            rowid = remaining.pop(0)
            if await conn.execute_fetchall("SELECT 1 FROM facts WHERE rowid = ?", (rowid,)):
                return rowid
        return None
