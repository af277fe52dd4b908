"""Locked-in answers, written by group commit: every answer that arrives while a write is in
flight goes into the next single transaction, so a burst of clicks costs one commit."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from lalabot.store.db import Database

__all__ = ["AnswerLog", "LoggedAnswer"]

log = logging.getLogger(__name__)


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
        self._pending: list[tuple[LoggedAnswer, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, answer: LoggedAnswer) -> None:
        """Returns once the answer is committed; raises if it could not be."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((answer, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="answer-log")
        await future

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self._db.transaction() as conn:
                    await conn.executemany(
                        "INSERT INTO round_answers"
                        " (round_id, question_index, player_id, given, at) VALUES (?, ?, ?, ?, ?)",
                        [
                            (a.round_id, a.question_index, a.player_id, a.given, a.at)
                            for a, _ in batch
                        ],
                    )
            except Exception as error:  # the whole batch failed: each caller hears of it
                log.warning("could not store %d answers: %s", len(batch), error)
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
            else:
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)

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
