"""Locked-in answers, written by group commit (`Database.enqueue`): every answer that arrives
while a commit is in flight goes into the next single transaction, so a burst of clicks costs
one commit."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from lalabot.store.db import Database

__all__ = ["AnswerLog", "LoggedAnswer"]


@dataclass(frozen=True, slots=True)
class LoggedAnswer:
    round_id: int
    question_index: int
    player_id: int
    given: str
    at: float


class AnswerLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def enqueue(self, answer: LoggedAnswer) -> asyncio.Future[None]:
        """Queue the answer for the next group commit, in order, without waiting; the future
        resolves once it is committed, or carries the error if it could not be."""
        return self._db.enqueue(
            "INSERT INTO round_answers (round_id, question_index, player_id, given, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (answer.round_id, answer.question_index, answer.player_id, answer.given, answer.at),
        )

    async def for_round(self, round_id: int) -> list[LoggedAnswer]:
        async with self._db.conn.execute(
            "SELECT question_index, player_id, given, at FROM round_answers WHERE round_id = ?"
            " ORDER BY at",
            (round_id,),
        ) as cur:
            rows = await cur.fetchall()
        return [
            LoggedAnswer(
                round_id,
                int(r["question_index"]),
                int(r["player_id"]),
                str(r["given"]),
                float(r["at"]),
            )
            for r in rows
        ]
