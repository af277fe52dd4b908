"""Fact search against SQLite: exact topic and entity lookups, then FTS5 ranked by bm25.

The text handling (stopwords, synonyms, building MATCH expressions, spelling) lives in
``lalabot.core.search``; this module runs the queries and keeps the in-memory side (the index's
surface vocabulary, the entity and topic names) fresh.

Order of attempts for one query, first that finds anything wins:

1. the whole query names a topic ("music", "Music & songs") -> that topic's facts, main topic
   first, then in document order;
2. the whole query names an entity or one of its aliases ("Emma Stone", "stone", "L.A.") -> the
   facts tagged with it, those that mention it first at the top;
3. FTS5, every term required (AND; a term being an OR group of its synonyms);
4. if that found nothing: terms the index does not know at all are spelling-corrected against
   the vocabulary and the names, and steps 1-3 run again on the corrected query;
5. FTS5 with any term (OR), so a partial match still comes back, best covered first by bm25;
6. nothing: zero hits with "did you mean" suggestions.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lalabot.core.search import (
    MAX_SUGGESTIONS,
    ParsedQuery,
    ScoredFact,
    SearchIndex,
    SearchMode,
    SearchResult,
    Term,
    build_match,
    phrase_match,
)
from lalabot.store.db import Database
from lalabot.store.facts import FactStore

__all__ = ["BM25_WEIGHTS", "MAX_LIMIT", "SearchStore"]

log = logging.getLogger(__name__)

BM25_WEIGHTS: tuple[float, float, float] = (1.0, 0.5, 2.0)
"""bm25 column weights for facts_fts (text, topics, entities).

Entities weigh most: a fact tagged with Emma Stone is about her more surely than one whose text
says "stone". Topics weigh least: the column repeats a handful of words ("music", "songs") over
thousands of facts, so it should break ties rather than decide. The ranking tests in
tests/store/test_search.py are not sensitive to the exact values (they pass with topics from 0.5
to 2 and entities from 1 to 5), but do need topics above 0: "how much money did it make at the
box office" finds its fact only through the "Reception & box office" topic."""

MAX_LIMIT = 50
"""The most results one page may hold."""

_SIGNATURE_SQL = (
    "SELECT (SELECT count(*) FROM documents),"
    " (SELECT coalesce(max(imported_at), 0) FROM documents),"
    " (SELECT coalesce(group_concat(name || ':' || sha256, ','), '')"
    "  FROM (SELECT name, sha256 FROM documents ORDER BY name)),"
    " (SELECT coalesce(max(rowid), 0) FROM facts)"
)


@dataclass(frozen=True, slots=True)
class _Page:
    rowids: list[int]
    scores: list[float]
    total: int


_EMPTY = _Page([], [], 0)


class SearchStore:
    """Searches facts and completes topic and entity names.

    `aliases` maps folded aliases to canonical entity names (pass
    ``lalabot.core.tagging.entity_aliases()``); without it only canonical names are known.

    The in-memory index is rebuilt when the facts change. Every `search` checks a cheap
    signature of the documents table (every import rewrites its rows) and the highest fact
    rowid; `suggest`, which must answer in well under a millisecond, checks it at most every
    `suggest_ttl` seconds. Call `invalidate()` after changing facts by any other route.
    """

    def __init__(
        self,
        db: Database,
        *,
        aliases: Mapping[str, str] | None = None,
        suggest_ttl: float = 1.0,
    ) -> None:
        self._db = db
        self._facts = FactStore(db)
        self._aliases = dict(aliases or {})
        self._suggest_ttl = suggest_ttl
        self._index: SearchIndex | None = None
        self._signature: tuple[object, ...] | None = None
        self._checked_at = 0.0
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """Forget the in-memory index; the next call rebuilds it."""
        self._index = None
        self._signature = None

    # -- public --------------------------------------------------------------------------------

    async def search(self, query: str, *, limit: int = 5, offset: int = 0) -> SearchResult:
        """One page of facts for a player's query; never raises for any text.

        Spoilers are returned like any fact (see `Fact.spoiler`): hiding them is the caller's
        business. `limit` is capped at MAX_LIMIT; `total` counts every match.
        """
        index = await self.index()
        limit = max(0, min(limit, MAX_LIMIT))
        offset = max(0, offset)
        asked = index.parser.parse(query)
        if asked.empty:
            return SearchResult([], 0, asked.text)
        found = await self._named(index, asked, asked.text, limit, offset, None)
        if found is not None:
            return found
        terms = index.with_completion(asked)
        expression = build_match(terms, "AND", asked.boost)
        if expression is None:
            return self._nothing(index, asked, None)
        page = await self._fts(expression, limit, offset)
        if page.total:
            return await self._result(page, asked.text, "fts")
        # Every term required found nothing: are some terms unknown to the index altogether?
        dead = {t.key for t in terms if not await self._alive(index, t)}
        corrections = {
            key: fixed
            for key in dead
            if " " not in key and (fixed := index.corrector.correct(key)) is not None
        }
        parsed, corrected = asked, None
        if corrections:
            corrected = " ".join(corrections.get(w, w) for w in asked.words)
            log.debug("search %r: correcting to %r", asked.text, corrected)
            parsed = index.parser.parse(corrected)
            found = await self._named(index, parsed, asked.text, limit, offset, corrected)
            if found is not None:
                return found
            terms = index.with_completion(parsed)
            expression = build_match(terms, "AND", parsed.boost)
            if expression is not None:
                page = await self._fts(expression, limit, offset)
                if page.total:
                    return await self._result(page, asked.text, "fts", corrected)
        # Still nothing: any term will do, facts with more of them (by bm25) first.
        live = [t for t in terms if t.key not in dead]
        if len(live) > 1 or (live and len(live) < len(terms)):
            expression = build_match(live, "OR", parsed.boost)
            if expression is not None:
                page = await self._fts(expression, limit, offset)
                if page.total:
                    return await self._result(page, asked.text, "fts", corrected)
        return self._nothing(index, asked, corrected)

    async def suggest(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[tuple[str, str]]:
        """Autocomplete: (display name, value) for topics and entities matching `prefix`.

        Answered from memory. Pass the value back to `search` to get that topic's or entity's
        facts.
        """
        index = self._index
        if index is None or time.monotonic() - self._checked_at > self._suggest_ttl:
            index = await self.index()
        return index.names.complete(prefix, limit)

    # -- lookups -------------------------------------------------------------------------------

    async def _named(
        self,
        index: SearchIndex,
        parsed: ParsedQuery,
        asked: str,
        limit: int,
        offset: int,
        corrected: str | None,
    ) -> SearchResult | None:
        """The facts of the topic or entity the whole query names, if it names one with facts."""
        topic = index.topic_for(parsed)
        if topic is not None:
            page = await self._page(
                "SELECT t.fact_rowid, 1.0 / (1 + t.rank), count(*) OVER ()"
                " FROM fact_topics t JOIN facts f ON f.rowid = t.fact_rowid WHERE t.topic = ?"
                " ORDER BY t.rank, f.document, f.position LIMIT ? OFFSET ?",
                (topic.slug, limit, offset),
                "SELECT count(*) FROM fact_topics WHERE topic = ?",
                (topic.slug,),
            )
            if page.total:
                return await self._result(page, asked, "topic", corrected, topic.name)
        entity = index.entity_for(parsed)
        if entity is not None:
            page = await self._entity_page(entity, limit, offset)
            if page.total:
                return await self._result(page, asked, "entity", corrected, entity)
        return None

    async def _entity_page(self, entity: str, limit: int, offset: int) -> _Page:
        """Facts tagged with the entity: those naming it first on top, then by bm25 for its
        name (a fact with fewer other entities and more mentions is more about it).

        Score: (1 + bm25 / (1 + bm25)) / 2 ** (position + 1), so every fact naming the entity
        first scores in [0.5, 1), second in [0.25, 0.5), and so on: the order, as numbers."""
        expression = phrase_match(entity)
        count_sql = (
            "SELECT count(*) FROM entities e JOIN fact_entities fe ON fe.entity_id = e.id"
            " WHERE e.name = ?"
        )
        if expression is None:
            return await self._page(
                "SELECT fe.fact_rowid, 1.0 / (2 << min(fe.position, 60)), count(*) OVER ()"
                " FROM entities e JOIN fact_entities fe ON fe.entity_id = e.id"
                " JOIN facts f ON f.rowid = fe.fact_rowid WHERE e.name = ?"
                " ORDER BY fe.position, f.document, f.position LIMIT ? OFFSET ?",
                (entity, limit, offset),
                count_sql,
                (entity,),
            )
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        return await self._page(
            "WITH m AS MATERIALIZED ("
            f" SELECT rowid, -bm25(facts_fts, {weights}) AS s"
            " FROM facts_fts WHERE facts_fts MATCH ?)"
            " SELECT fe.fact_rowid,"
            " (1.0 + max(m.s, 0) / (1.0 + max(m.s, 0))) / (2 << min(fe.position, 60)) AS score,"
            " count(*) OVER ()"
            " FROM entities e JOIN fact_entities fe ON fe.entity_id = e.id"
            " JOIN m ON m.rowid = fe.fact_rowid"
            " WHERE e.name = ? ORDER BY score DESC, fe.fact_rowid LIMIT ? OFFSET ?",
            (expression, entity, limit, offset),
            count_sql,
            (entity,),
        )

    async def _fts(self, expression: str, limit: int, offset: int) -> _Page:
        """One page of an FTS5 query, best bm25 first, with the total number of matches."""
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        try:
            page = await self._page(
                # bm25() only works directly on the FTS5 scan, hence the subquery for the
                # window function that counts every match.
                "SELECT rowid, score, count(*) OVER () FROM"
                f" (SELECT rowid, -bm25(facts_fts, {weights}) AS score"
                "  FROM facts_fts WHERE facts_fts MATCH ?)"
                " ORDER BY score DESC, rowid LIMIT ? OFFSET ?",
                (expression, limit, offset),
                "SELECT count(*) FROM facts_fts WHERE facts_fts MATCH ?",
                (expression,),
            )
        except sqlite3.OperationalError:
            # Expressions are built from quoted strings only, so this is a bug: say so loudly,
            # but let the player get "nothing found" rather than an error.
            log.exception("search: FTS5 rejected %r", expression)
            return _EMPTY
        log.debug("search: %s -> %d", expression, page.total)
        return page

    async def _alive(self, index: SearchIndex, term: Term) -> bool:
        """Whether any fact matches the term on its own (else it may need correcting)."""
        if any(index.corrector.in_index(form) for form in term.forms):
            return True
        expression = build_match([term])
        if expression is None:
            return False
        try:
            rows = list(
                await self._db.conn.execute_fetchall(
                    "SELECT EXISTS (SELECT 1 FROM facts_fts WHERE facts_fts MATCH ?)",
                    (expression,),
                )
            )
        except sqlite3.OperationalError:
            log.exception("search: FTS5 rejected %r", expression)
            return False
        return bool(rows and rows[0][0])

    async def _page(
        self,
        sql: str,
        args: Sequence[object],
        count_sql: str,
        count_args: Sequence[object],
    ) -> _Page:
        """Rows of (rowid, score, total) for `sql`, whose last two arguments are LIMIT and
        OFFSET. An empty page past the end (or of size 0) gets its total from `count_sql`."""
        rows = list(await self._db.conn.execute_fetchall(sql, tuple(args)))
        if rows:
            return _Page(
                [int(r[0]) for r in rows], [max(float(r[1]), 1e-9) for r in rows], int(rows[0][2])
            )
        if args[-1] == 0 and args[-2] != 0:  # the first page is empty: there is nothing
            return _EMPTY
        counted = list(await self._db.conn.execute_fetchall(count_sql, tuple(count_args)))
        return _Page([], [], int(counted[0][0]) if counted else 0)

    async def _result(
        self,
        page: _Page,
        query: str,
        mode: SearchMode,
        corrected: str | None = None,
        subject: str | None = None,
    ) -> SearchResult:
        facts = await self._facts.by_rowids(page.rowids)
        if len(facts) == len(page.rowids):
            scores = page.scores
        else:  # a fact was deleted in between: keep the scores of those still there
            kept = {
                int(r[0])
                for r in await self._db.conn.execute_fetchall(
                    "SELECT value FROM json_each(?) WHERE value IN (SELECT rowid FROM facts)",
                    (json.dumps(page.rowids),),
                )
            }
            scores = [s for r, s in zip(page.rowids, page.scores, strict=True) if r in kept]
        scored = [ScoredFact(f, s) for f, s in zip(facts, scores, strict=False)]
        log.debug("search %r: %s, %d of %d", query, mode, len(scored), page.total)
        return SearchResult(
            facts=scored,
            total=page.total,
            query=query,
            corrected_query=corrected,
            mode=mode,
            subject=subject,
        )

    @staticmethod
    def _nothing(index: SearchIndex, parsed: ParsedQuery, corrected: str | None) -> SearchResult:
        suggestions: list[str] = []
        if corrected:
            suggestions.append(corrected)
        for name in index.names.closest(" ".join(t.key for t in parsed.terms)):
            if name not in suggestions:
                suggestions.append(name)
        log.debug("search %r: nothing; suggesting %s", parsed.text, suggestions)
        return SearchResult([], 0, parsed.text, corrected, suggestions, "none")

    # -- the in-memory index -------------------------------------------------------------------

    async def index(self) -> SearchIndex:
        """The in-memory index for the facts as they are now, rebuilt if they changed."""
        signature = await self._read_signature()
        self._checked_at = time.monotonic()
        index = self._index
        if index is not None and signature == self._signature:
            return index
        async with self._lock:
            if self._index is not None and signature == self._signature:
                return self._index
            started = time.perf_counter()
            index = await self._build()
            self._index, self._signature = index, signature
            log.info(
                "search index: %d words, %d names in %.3f s",
                len(index.corrector),
                len(index.names),
                time.perf_counter() - started,
            )
            return index

    async def _read_signature(self) -> tuple[object, ...]:
        rows = list(await self._db.conn.execute_fetchall(_SIGNATURE_SQL))
        return tuple(rows[0]) if rows else ()

    async def _build(self) -> SearchIndex:
        vocabulary = {
            str(r[0]): int(r[1])
            for r in await self._db.conn.execute_fetchall("SELECT term, doc FROM facts_words_vocab")
        }
        entities = await self._facts.entities()
        topic_counts = await self._facts.topic_counts()
        return await asyncio.to_thread(
            lambda: SearchIndex(
                vocabulary=vocabulary,
                entities=entities,
                topic_counts=topic_counts,
                aliases=self._aliases,
            )
        )
