"""The question bank in the database: curated and generated questions, kept in step with facts.

:meth:`QuestionStore.sync` is the one writer. It stores the curated questions as given and
rebuilds the generated ones from the facts, in one transaction, and does nothing at all when its
inputs (curated questions, facts, generator version, lalabot version) hash the same as last time,
so it is cheap to call after every import.

A curated question whose fact is gone (a self-hoster removed the seeds, or a seed fact was
reworded) is kept and listed, but :meth:`QuestionStore.candidates` leaves it out: a round never
asks a question whose source fact the bot cannot show.
"""

from __future__ import annotations

import asyncio
import builtins
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import aiosqlite

from lalabot import __version__
from lalabot.core.facts import Fact, topic_by_name
from lalabot.core.questions import (
    DIFFICULTIES,
    GENERATOR_VERSION,
    Difficulty,
    Question,
    Source,
    generate_questions,
)
from lalabot.store.db import Database

__all__ = ["QuestionStore", "SourceFilter", "SyncCounts"]

SourceFilter = Literal["all", "curated", "generated"]

_HASH_KEY = "sync_hash"
_COLUMNS = (
    "q.id, q.source, q.question, q.answer, q.aliases, q.wrong, q.topic, q.difficulty,"
    " q.spoiler, q.fact_id, f.text AS fact_text"
)
_FROM = "questions q LEFT JOIN facts f ON f.id = q.fact_id"
_ORDER = "ORDER BY q.source, q.position"


@dataclass(frozen=True, slots=True)
class SyncCounts:
    """What the bank holds after a sync."""

    curated: int
    generated: int
    orphaned: int  # curated questions whose fact is not among the facts: kept, never asked
    changed: bool  # False when the inputs were unchanged and nothing was written

    @property
    def total(self) -> int:
        return self.curated + self.generated


class QuestionStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        # rounds ask for the same filters again and again: kept until the next sync
        self._candidates: dict[tuple[str | None, str | None, bool], tuple[Question, ...]] = {}

    # -- writing -------------------------------------------------------------------------------

    async def sync(
        self, curated: Sequence[Question], facts: Sequence[Fact], *, seed: int | str = 0
    ) -> SyncCounts:
        """Store ``curated`` and regenerate the generated questions from ``facts``.

        Curated questions are upserted by id (those no longer in ``curated`` are deleted); the
        generated ones are replaced wholesale. Skipped when nothing changed since the last sync.
        """
        self._candidates.clear()
        digest = _inputs_hash(curated, facts, seed)
        fact_ids = {fact.id for fact in facts}
        orphaned = sum(1 for q in curated if q.fact_id not in fact_ids)
        if await self._meta(_HASH_KEY) == digest:
            return SyncCounts(
                curated=await self.count("curated"),
                generated=await self.count("generated"),
                orphaned=orphaned,
                changed=False,
            )
        generated = await asyncio.to_thread(generate_questions, facts, seed=seed)
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM questions WHERE source = 'curated'"
                " AND id NOT IN (SELECT value FROM json_each(?))",
                (json.dumps([q.id for q in curated]),),
            )
            await conn.execute("DELETE FROM questions WHERE source = 'generated'")
            await _upsert(conn, curated, "curated")
            await _upsert(conn, generated, "generated")
            await conn.execute(
                "INSERT INTO question_meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (_HASH_KEY, digest),
            )
        return SyncCounts(
            curated=len({q.id for q in curated}),
            generated=len(generated),
            orphaned=orphaned,
            changed=True,
        )

    # -- reading -------------------------------------------------------------------------------

    async def count(self, source: Source | None = None) -> int:
        sql = "SELECT count(*) FROM questions"
        args: tuple[object, ...] = ()
        if source is not None:
            sql, args = f"{sql} WHERE source = ?", (source,)
        async with self._db.conn.execute(sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def get(self, question_id: str) -> Question | None:
        found = await self._select("WHERE q.id = ?", [question_id])
        return found[0] if found else None

    async def candidates(
        self,
        topic: str | None = None,
        difficulty: str | None = None,
        spoilers: bool = False,
    ) -> builtins.list[Question]:
        """Questions a round may ask: both sources, with the filters, and only those whose fact
        still exists (each comes with ``fact_text``). Spoilers are left out unless asked for."""
        key = (topic, difficulty, spoilers)
        if key not in self._candidates:
            self._candidates[key] = tuple(
                await self._filtered("all", topic, difficulty, spoilers, only_with_fact=True)
            )
        return builtins.list(self._candidates[key])

    async def list(
        self,
        source: SourceFilter = "all",
        topic: str | None = None,
        difficulty: str | None = None,
        spoilers: bool = True,
    ) -> builtins.list[Question]:
        """Every stored question matching the filters, curated first, each in its stored order;
        curated questions whose fact is gone are included (with ``fact_text`` None)."""
        return await self._filtered(source, topic, difficulty, spoilers, only_with_fact=False)

    # -- internals -----------------------------------------------------------------------------

    async def _filtered(
        self,
        source: SourceFilter,
        topic: str | None,
        difficulty: str | None,
        spoilers: bool,
        *,
        only_with_fact: bool,
    ) -> builtins.list[Question]:
        where: builtins.list[str] = []
        args: builtins.list[object] = []
        if source != "all":
            where.append("q.source = ?")
            args.append(source)
        if topic is not None:
            resolved = topic_by_name(topic)
            where.append("q.topic = ?")
            args.append(resolved.slug if resolved else topic)
        if difficulty is not None:
            where.append("q.difficulty = ?")
            args.append(difficulty.strip().casefold())
        if not spoilers:
            where.append("q.spoiler = 0")
        if only_with_fact:
            where.append("f.id IS NOT NULL")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return await self._select(clause, args)

    async def _select(self, clause: str, args: Sequence[object]) -> builtins.list[Question]:
        sql = f"SELECT {_COLUMNS} FROM {_FROM} {clause} {_ORDER}"
        async with self._db.conn.execute(sql, tuple(args)) as cur:
            rows = await cur.fetchall()
        return [_question(row) for row in rows]

    async def _meta(self, key: str) -> str | None:
        async with self._db.conn.execute(
            "SELECT value FROM question_meta WHERE key = ?", (key,)
        ) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None


async def _upsert(
    conn: aiosqlite.Connection, questions: Sequence[Question], source: Source
) -> None:
    await conn.executemany(
        "INSERT INTO questions (id, source, position, question, answer, aliases, wrong, topic,"
        " difficulty, spoiler, fact_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET source = excluded.source,"
        " position = excluded.position, question = excluded.question,"
        " answer = excluded.answer, aliases = excluded.aliases, wrong = excluded.wrong,"
        " topic = excluded.topic, difficulty = excluded.difficulty,"
        " spoiler = excluded.spoiler, fact_id = excluded.fact_id",
        [
            (
                q.id,
                source,
                position,
                q.question,
                q.answer,
                json.dumps(list(q.aliases), ensure_ascii=False),
                json.dumps(list(q.wrong), ensure_ascii=False),
                q.topic,
                q.difficulty,
                int(q.spoiler),
                q.fact_id,
            )
            for position, q in enumerate(questions)
        ],
    )


def _question(row: aiosqlite.Row) -> Question:
    difficulty = str(row["difficulty"])
    level: Difficulty = "medium"
    for known in DIFFICULTIES:
        if known == difficulty:
            level = known
    return Question(
        id=str(row["id"]),
        question=str(row["question"]),
        answer=str(row["answer"]),
        aliases=tuple(str(a) for a in json.loads(row["aliases"])),
        wrong=tuple(str(w) for w in json.loads(row["wrong"])),
        topic=str(row["topic"]),
        difficulty=level,
        spoiler=bool(row["spoiler"]),
        fact_id=str(row["fact_id"]),
        source=cast(Source, str(row["source"])),
        fact_text=None if row["fact_text"] is None else str(row["fact_text"]),
    )


def _inputs_hash(curated: Sequence[Question], facts: Sequence[Fact], seed: int | str) -> str:
    """Everything the bank is built from; equal hashes mean a sync would change nothing."""
    payload = {
        "lalabot": __version__,
        "generator": GENERATOR_VERSION,
        "seed": seed,
        "curated": [[*q.to_json().values(), list(q.wrong)] for q in curated],
        "facts": [
            [
                f.id,
                f.text,
                list(f.topics),
                [[e.name, e.kind.value] for e in f.entities],
                f.spoiler,
            ]
            for f in facts
        ],
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()
