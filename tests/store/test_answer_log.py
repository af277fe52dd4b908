from __future__ import annotations

import asyncio
import sqlite3

import pytest

from lalabot.store.answer_log import AnswerLog, LoggedAnswer
from lalabot.store.db import Database
from lalabot.store.rounds import RoundStore


async def _round(db: Database) -> int:
    return await RoundStore(db).create(guild_id=1, channel_id=2, starter_id=3, options={}, now=0.0)


async def test_a_burst_of_answers_is_committed_and_read_back(db: Database) -> None:
    round_id = await _round(db)
    log = AnswerLog(db)
    commits: list[str] = []
    await db.conn.set_trace_callback(
        lambda sql: commits.append(sql) if sql.startswith("COMMIT") else None
    )
    answers = [LoggedAnswer(round_id, 0, player, "B", float(player)) for player in range(50)]
    await asyncio.gather(*(log.enqueue(answer) for answer in answers))
    await db.conn.set_trace_callback(None)
    logged = await log.for_round(round_id)
    assert [a.player_id for a in logged] == list(range(50))
    assert 1 <= len(commits) < 50  # grouped: far fewer commits than answers


async def test_a_failed_batch_is_reported_to_every_writer(db: Database) -> None:
    round_id = await _round(db)
    log = AnswerLog(db)
    await log.enqueue(LoggedAnswer(round_id, 0, 7, "A", 1.0))
    results = await asyncio.gather(
        log.enqueue(LoggedAnswer(round_id, 0, 7, "C", 2.0)),  # the same player twice: refused
        log.enqueue(LoggedAnswer(round_id, 0, 8, "D", 2.0)),
        return_exceptions=True,
    )
    assert all(isinstance(r, sqlite3.IntegrityError) for r in results)
    assert [(a.player_id, a.given) for a in await log.for_round(round_id)] == [(7, "A")]
    with pytest.raises(sqlite3.IntegrityError):
        await log.enqueue(LoggedAnswer(round_id + 1000, 0, 9, "A", 3.0))  # no such round
