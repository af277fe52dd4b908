"""Facts, their documents, topics and entities."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import aiosqlite

from lalabot.core.facts import TOPICS, Entity, EntityKind, Fact
from lalabot.store.db import Database

__all__ = ["DocumentFacts", "FactStore", "ImportCounts"]

_TOPIC_NAMES = {t.slug: t.name for t in TOPICS}


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """A document's new content: what replaces whatever the store holds for it."""

    name: str
    sha256: str
    kind: str
    facts: tuple[Fact, ...]


@dataclass(slots=True)
class ImportCounts:
    added: int = 0
    kept: int = 0
    removed: int = 0
    skipped_duplicates: int = 0


_FACT_COLUMNS = "f.rowid, f.id, f.text, f.document, f.spoiler"


class FactStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- documents -----------------------------------------------------------------------------

    async def document_hashes(self) -> dict[str, str]:
        async with self._db.conn.execute("SELECT name, sha256 FROM documents") as cur:
            return {row["name"]: row["sha256"] async for row in cur}

    async def replace_documents(
        self, documents: Sequence[DocumentFacts], *, now: float | None = None
    ) -> ImportCounts:
        """Replace each document's facts in one transaction; unchanged facts keep their rows."""
        counts = ImportCounts()
        stamp = time.time() if now is None else now
        async with self._db.transaction() as conn:
            for document in documents:
                await conn.execute(
                    "INSERT INTO documents (name, sha256, kind, imported_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256,"
                    " kind = excluded.kind, imported_at = excluded.imported_at",
                    (document.name, document.sha256, document.kind, stamp),
                )
                await self._replace_facts(conn, document, counts)
        return counts

    async def _replace_facts(
        self, conn: aiosqlite.Connection, document: DocumentFacts, counts: ImportCounts
    ) -> None:
        async with conn.execute(
            "SELECT rowid, id, document FROM facts WHERE id IN (SELECT value FROM json_each(?))"
            " OR document = ?",
            (json.dumps([f.id for f in document.facts]), document.name),
        ) as cur:
            existing = {row["id"]: (row["rowid"], row["document"]) async for row in cur}
        wanted = {f.id for f in document.facts}
        stale = [
            rowid
            for fid, (rowid, doc) in existing.items()
            if doc == document.name and fid not in wanted
        ]
        await conn.executemany("DELETE FROM facts WHERE rowid = ?", [(r,) for r in stale])
        counts.removed += len(stale)
        for position, fact in enumerate(document.facts):
            found = existing.get(fact.id)
            if found is not None and found[1] != document.name:
                counts.skipped_duplicates += 1  # the same fact already came from another document
                continue
            topics_text = " ".join(f"{slug} {_TOPIC_NAMES.get(slug, slug)}" for slug in fact.topics)
            entities_text = " ; ".join(e.name for e in fact.entities)
            if found is None:
                cur = await conn.execute(
                    "INSERT INTO facts (id, document, position, text, spoiler, topics, entities)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        fact.id,
                        document.name,
                        position,
                        fact.text,
                        int(fact.spoiler),
                        topics_text,
                        entities_text,
                    ),
                )
                rowid = cur.lastrowid
                assert rowid is not None
                counts.added += 1
            else:
                rowid = found[0]
                await conn.execute(
                    "UPDATE facts SET position = ?, text = ?, spoiler = ?, topics = ?, entities = ?"
                    " WHERE rowid = ?",
                    (position, fact.text, int(fact.spoiler), topics_text, entities_text, rowid),
                )
                await conn.execute("DELETE FROM fact_topics WHERE fact_rowid = ?", (rowid,))
                await conn.execute("DELETE FROM fact_entities WHERE fact_rowid = ?", (rowid,))
                counts.kept += 1
            await conn.executemany(
                "INSERT INTO fact_topics (topic, fact_rowid, rank) VALUES (?, ?, ?)",
                [(slug, rowid, rank) for rank, slug in enumerate(fact.topics)],
            )
            for entity_position, entity in enumerate(fact.entities):
                await conn.execute(
                    "INSERT INTO entities (name, kind) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                    (entity.name, entity.kind.value),
                )
                await conn.execute(
                    "INSERT OR IGNORE INTO fact_entities (entity_id, fact_rowid, position)"
                    " SELECT id, ?, ? FROM entities WHERE name = ?",
                    (rowid, entity_position, entity.name),
                )
        await conn.execute(
            "DELETE FROM entities WHERE id NOT IN (SELECT entity_id FROM fact_entities)"
        )

    # -- reading facts -------------------------------------------------------------------------

    async def count(self, topic: str | None = None) -> int:
        if topic is None:
            sql, args = "SELECT count(*) FROM facts", []
        else:
            sql, args = "SELECT count(*) FROM fact_topics WHERE topic = ?", [topic]
        rows = list(await self._db.conn.execute_fetchall(sql, args))
        return int(rows[0][0]) if rows else 0

    async def list_facts(self, topic: str | None = None) -> list[Fact]:
        if topic is None:
            sql = f"SELECT {_FACT_COLUMNS} FROM facts f ORDER BY f.document, f.position"
            args: tuple[object, ...] = ()
        else:
            sql = (
                f"SELECT {_FACT_COLUMNS} FROM fact_topics t JOIN facts f ON f.rowid = t.fact_rowid"
                " WHERE t.topic = ? ORDER BY f.document, f.position"
            )
            args = (topic,)
        return await self._load(sql, args)

    async def get(self, fact_id: str) -> Fact | None:
        facts = await self._load(f"SELECT {_FACT_COLUMNS} FROM facts f WHERE f.id = ?", (fact_id,))
        return facts[0] if facts else None

    async def by_rowids(self, rowids: Sequence[int]) -> list[Fact]:
        """Facts in the order of the given rowids (missing ones are left out)."""
        by_rowid = dict(
            await self._load_pairs(
                f"SELECT {_FACT_COLUMNS} FROM facts f"
                " WHERE f.rowid IN (SELECT value FROM json_each(?))",
                (json.dumps(list(rowids)),),
            )
        )
        return [by_rowid[r] for r in rowids if r in by_rowid]

    async def random(self, rng: random.Random, topic: str | None = None) -> Fact | None:
        total = await self.count(topic)
        if total == 0:
            return None
        offset = rng.randrange(total)
        if topic is None:
            sql = f"SELECT {_FACT_COLUMNS} FROM facts f ORDER BY f.rowid LIMIT 1 OFFSET ?"
            args: tuple[object, ...] = (offset,)
        else:
            sql = (
                f"SELECT {_FACT_COLUMNS} FROM fact_topics t JOIN facts f ON f.rowid = t.fact_rowid"
                " WHERE t.topic = ? ORDER BY t.fact_rowid LIMIT 1 OFFSET ?"
            )
            args = (topic, offset)
        facts = await self._load(sql, args)
        return facts[0] if facts else None

    async def topic_counts(self) -> dict[str, int]:
        counts = {t.slug: 0 for t in TOPICS}
        for row in await self._db.conn.execute_fetchall(
            "SELECT topic, count(*) AS n FROM fact_topics GROUP BY topic"
        ):
            counts[row["topic"]] = int(row["n"])
        return counts

    async def entities(self) -> list[tuple[Entity, int]]:
        """Every entity with the number of facts that mention it, most mentioned first."""
        rows = await self._db.conn.execute_fetchall(
            "SELECT e.name, e.kind, count(*) AS n FROM entities e"
            " JOIN fact_entities fe ON fe.entity_id = e.id GROUP BY e.id ORDER BY n DESC, e.name"
        )
        return [(Entity(r["name"], EntityKind(r["kind"])), int(r["n"])) for r in rows]

    async def _load(self, sql: str, args: Iterable[object]) -> list[Fact]:
        return [fact for _, fact in await self._load_pairs(sql, args)]

    async def _load_pairs(self, sql: str, args: Iterable[object]) -> list[tuple[int, Fact]]:
        """(rowid, fact) in the query's order, with topics and entities in two more queries
        (each query one trip to the database thread: `execute_fetchall`)."""
        rows = list(await self._db.conn.execute_fetchall(sql, tuple(args)))
        if not rows:
            return []
        rowids = [int(r["rowid"]) for r in rows]
        ids_json = json.dumps(rowids)
        topics: dict[int, list[str]] = {r: [] for r in rowids}
        for row in await self._db.conn.execute_fetchall(
            "SELECT fact_rowid, topic FROM fact_topics"
            " WHERE fact_rowid IN (SELECT value FROM json_each(?)) ORDER BY fact_rowid, rank",
            (ids_json,),
        ):
            topics[row["fact_rowid"]].append(row["topic"])
        entities: dict[int, list[Entity]] = {r: [] for r in rowids}
        for row in await self._db.conn.execute_fetchall(
            "SELECT fe.fact_rowid, e.name, e.kind FROM fact_entities fe"
            " JOIN entities e ON e.id = fe.entity_id"
            " WHERE fe.fact_rowid IN (SELECT value FROM json_each(?))"
            " ORDER BY fe.fact_rowid, fe.position",
            (ids_json,),
        ):
            entities[row["fact_rowid"]].append(Entity(row["name"], EntityKind(row["kind"])))
        return [
            (
                int(r["rowid"]),
                Fact(
                    id=r["id"],
                    text=r["text"],
                    source=r["document"],
                    topics=tuple(topics[int(r["rowid"])]),
                    entities=tuple(entities[int(r["rowid"])]),
                    spoiler=bool(r["spoiler"]),
                ),
            )
            for r in rows
        ]
