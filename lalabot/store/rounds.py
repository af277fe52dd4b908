"""Quiz rounds as they change, and the questions each server has been asked."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from lalabot.store.db import Database

__all__ = ["ChannelBusy", "RoundStore", "StoredRound"]


class ChannelBusy(Exception):
    """A round is already running in that channel."""

    def __init__(self, round_id: int, messages: Mapping[int, int]) -> None:
        super().__init__(f"round {round_id} is running")
        self.round_id = round_id
        self.messages = dict(messages)


@dataclass(frozen=True, slots=True)
class StoredRound:
    id: int
    guild_id: int
    channel_id: int
    state: str
    options: dict[str, Any]
    snapshot: dict[str, Any]
    messages: dict[int, int]


def _without_player(snapshot: dict[str, Any], player_id: int) -> dict[str, Any]:
    """A stored snapshot with one player's answers and scores taken out of every question."""
    if snapshot.get("starter_id") == player_id:
        snapshot["starter_id"] = 0
    for slot in snapshot.get("slots") or []:
        for key in ("answers", "awards"):  # awards: only in version 1 snapshots
            if isinstance(slot.get(key), list):
                slot[key] = [e for e in slot[key] if e.get("player_id") != player_id]
    return snapshot


def _messages(raw: str) -> dict[int, int]:
    return {int(k): int(v) for k, v in json.loads(raw).items()}


class RoundStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        *,
        guild_id: int,
        channel_id: int,
        starter_id: int,
        options: Mapping[str, Any],
        now: float,
    ) -> int:
        """Claim the channel for a new round; raises ChannelBusy if one is running there.

        The round's snapshot is saved right after with `save`, once the core round exists."""
        try:
            async with self._db.transaction() as conn:
                cur = await conn.execute(
                    "INSERT INTO rounds (guild_id, channel_id, starter_id, state, options,"
                    " snapshot, created_at, updated_at) VALUES (?, ?, ?, 'running', ?, '{}', ?, ?)",
                    (guild_id, channel_id, starter_id, json.dumps(dict(options)), now, now),
                )
                assert cur.lastrowid is not None
                return cur.lastrowid
        except sqlite3.IntegrityError:
            running = await self.running_in(channel_id)
            if running is None:  # finished in between: a retry would succeed
                raise
            raise ChannelBusy(running.id, running.messages) from None

    async def save(
        self,
        round_id: int,
        snapshot: Mapping[str, Any],
        *,
        state: str,
        now: float,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        """Store the round as it is now (and its options, when given), by group commit."""
        await self._db.write(
            "UPDATE rounds SET snapshot = ?, state = ?, updated_at = ?,"
            " options = coalesce(?, options) WHERE id = ?",
            (
                orjson.dumps(snapshot).decode(),  # twice a question per round: the fast encoder
                state,
                now,
                None if options is None else json.dumps(dict(options)),
                round_id,
            ),
        )

    async def set_state(self, round_id: int, state: str, *, now: float) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE rounds SET state = ?, updated_at = ? WHERE id = ?", (state, now, round_id)
            )

    async def set_message(self, round_id: int, index: int, message_id: int) -> None:
        await self._db.write(
            "UPDATE rounds SET messages = json_set(messages, '$.' || ?, ?) WHERE id = ?",
            (str(index), message_id, round_id),
        )

    async def forget_player(self, guild_id: int, player_id: int) -> int:
        """Take a player out of the ended rounds of a server: their logged answers, their
        answers (and scores, in old snapshots) in each round's snapshot, and their name as the
        round's starter. Running rounds are left alone (the caller waits for them to end).
        Returns how many rounds were rewritten (a few may have held only a longer id that
        starts with the same digits)."""
        ended = "guild_id = ? AND state != 'running'"
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM round_answers WHERE player_id = ?"
                f" AND round_id IN (SELECT id FROM rounds WHERE {ended})",
                (player_id, guild_id),
            )
            rows = await conn.execute_fetchall(
                f"SELECT id, snapshot FROM rounds WHERE {ended}"
                " AND (starter_id = ? OR instr(snapshot, ?) > 0)",
                (guild_id, player_id, f'"player_id":{player_id}'),
            )
            for row in rows:
                snapshot = _without_player(json.loads(row["snapshot"]), player_id)
                await conn.execute(
                    "UPDATE rounds SET snapshot = ?,"
                    " starter_id = CASE starter_id WHEN ? THEN 0 ELSE starter_id END WHERE id = ?",
                    (json.dumps(snapshot, separators=(",", ":")), player_id, row["id"]),
                )
            return len(list(rows))

    async def discard(self, round_id: int) -> None:
        """Forget a round that never got going (its set-up failed)."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM rounds WHERE id = ?", (round_id,))

    async def get(self, round_id: int) -> StoredRound | None:
        rows = await self._select("WHERE id = ?", (round_id,))
        return rows[0] if rows else None

    async def running(self) -> list[StoredRound]:
        return await self._select("WHERE state = 'running' ORDER BY id", ())

    async def running_in(self, channel_id: int) -> StoredRound | None:
        rows = await self._select("WHERE state = 'running' AND channel_id = ?", (channel_id,))
        return rows[0] if rows else None

    async def _select(self, where: str, args: Sequence[object]) -> list[StoredRound]:
        async with self._db.conn.execute(
            "SELECT id, guild_id, channel_id, state, options, snapshot, messages FROM rounds "
            + where,
            tuple(args),
        ) as cur:
            rows = await cur.fetchall()
        return [
            StoredRound(
                id=r["id"],
                guild_id=r["guild_id"],
                channel_id=r["channel_id"],
                state=r["state"],
                options=json.loads(r["options"]),
                snapshot=json.loads(r["snapshot"]),
                messages=_messages(r["messages"]),
            )
            for r in rows
        ]

    # -- no repeats ----------------------------------------------------------------------------

    async def pick_unasked(
        self,
        guild_id: int,
        candidates: Sequence[str],
        count: int,
        rng: random.Random,
        *,
        now: float,
    ) -> list[str]:
        """`count` question ids from `candidates`, those this server has not been asked first.

        When the unasked ones run out, the server's history for these candidates is cleared
        (the bank for this filter is used up) and the rest are drawn from the whole set. The
        picked ones are recorded as asked, all in one transaction."""
        if not candidates or count <= 0:
            return []
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT question_id FROM asked_questions WHERE guild_id = ?"
                " AND question_id IN (SELECT value FROM json_each(?))",
                (guild_id, json.dumps(list(candidates))),
            ) as cur:
                asked = {row[0] async for row in cur}
            fresh = [q for q in candidates if q not in asked]
            rng.shuffle(fresh)
            picked = fresh[:count]
            if len(picked) < count:
                await conn.execute(
                    "DELETE FROM asked_questions WHERE guild_id = ?"
                    " AND question_id IN (SELECT value FROM json_each(?))",
                    (guild_id, json.dumps(list(candidates))),
                )
                rest = [q for q in candidates if q not in set(picked)]
                rng.shuffle(rest)
                picked += rest[: count - len(picked)]
            await conn.executemany(
                "INSERT INTO asked_questions (guild_id, question_id, asked_at) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, question_id) DO UPDATE SET asked_at = excluded.asked_at",
                [(guild_id, q, now) for q in picked],
            )
            return picked
