"""The application service: everything an adapter (Discord, console, CLI) may ask of lalabot."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process

from lalabot import sources
from lalabot.config import Settings
from lalabot.core.facts import TOPICS, Fact, Topic, topic_by_name
from lalabot.core.ingest import extract_facts
from lalabot.core.search import SearchResult
from lalabot.core.tagging import entity_aliases
from lalabot.errors import NotFoundError, UserFacingError
from lalabot.store.db import Database
from lalabot.store.facts import DocumentFacts, FactStore
from lalabot.store.guilds import GuildStore
from lalabot.store.search import SearchStore

__all__ = ["MAX_QUERY_CHARS", "DocumentSummary", "ImportSummary", "LalaService"]

MAX_QUERY_CHARS = 200
"""The longest lookup a player may type; Discord lets up to 6,000 through."""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    name: str
    status: str  # "unchanged" | "imported"
    kind: str
    facts: int
    sentences_total: int = 0
    sentences_kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    documents: tuple[DocumentSummary, ...]
    added: int
    kept: int
    removed: int
    skipped_duplicates: int
    seconds: float

    @property
    def changed(self) -> bool:
        return any(d.status != "unchanged" for d in self.documents)


class LalaService:
    """Owns the database and the stores; adapters call its methods and nothing below it."""

    def __init__(self, db: Database, *, seeds_dir: Path) -> None:
        self.db = db
        self.seeds_dir = seeds_dir
        self.facts = FactStore(db)
        self.guilds = GuildStore(db)
        self.search_index = SearchStore(db, aliases=entity_aliases())
        self.started_at = time.monotonic()

    @classmethod
    async def open(cls, settings: Settings) -> LalaService:
        db = await Database.open(settings.db_path)
        return cls(db, seeds_dir=settings.seeds_dir)

    async def close(self) -> None:
        await self.db.close()

    # -- import --------------------------------------------------------------------------------

    async def import_documents(self, paths: Sequence[Path] | None = None) -> ImportSummary:
        """Import documents (default: the seeds folder). All are validated before anything is
        written; changed documents are replaced in one transaction; unchanged ones cost nothing."""
        started = time.perf_counter()
        documents = await asyncio.to_thread(sources.read_all, list(paths or [self.seeds_dir]))
        known = await self.facts.document_hashes()
        summaries: list[DocumentSummary] = []
        changed: list[DocumentFacts] = []
        for document in documents:
            if known.get(document.name) == document.sha256:
                summaries.append(DocumentSummary(document.name, "unchanged", "", 0))
                continue
            report = await asyncio.to_thread(extract_facts, document.text, document.name)
            changed.append(
                DocumentFacts(document.name, document.sha256, report.kind.value, report.facts)
            )
            summaries.append(
                DocumentSummary(
                    name=document.name,
                    status="imported",
                    kind=report.kind.value,
                    facts=len(report.facts),
                    sentences_total=report.sentences_total,
                    sentences_kept=report.sentences_kept,
                    dropped=dict(report.dropped),
                )
            )
        counts = await self.facts.replace_documents(changed) if changed else None
        if changed:
            self.search_index.invalidate()
        summary = ImportSummary(
            documents=tuple(summaries),
            added=counts.added if counts else 0,
            kept=counts.kept if counts else 0,
            removed=counts.removed if counts else 0,
            skipped_duplicates=counts.skipped_duplicates if counts else 0,
            seconds=time.perf_counter() - started,
        )
        log.info(
            "import: %d documents, %d added, %d kept, %d removed in %.3f s",
            len(summaries),
            summary.added,
            summary.kept,
            summary.removed,
            summary.seconds,
        )
        return summary

    async def ensure_facts(self) -> None:
        """Import the seeds when the database has no facts yet, so a fresh checkout just works."""
        if await self.facts.count() == 0:
            log.info("no facts yet: importing %s", self.seeds_dir)
            await self.import_documents()

    # -- facts ---------------------------------------------------------------------------------

    def resolve_topic(self, name: str | None) -> Topic | None:
        """The topic a player means, or a NotFoundError that suggests the closest ones."""
        if name is None or not name.strip():
            return None
        topic = topic_by_name(name)
        if topic is not None:
            return topic
        names = [t.name for t in TOPICS]
        close = [m[0] for m in process.extract(name[:100], names, limit=3, score_cutoff=50)]
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise NotFoundError(
            f"There is no topic called {_quote(name)}.{hint} Topics: {', '.join(names)}."
        )

    async def list_facts(self, topic: str | None = None) -> list[Fact]:
        await self.ensure_facts()
        resolved = self.resolve_topic(topic)
        return await self.facts.list_facts(resolved.slug if resolved else None)

    async def random_fact(self, rng: random.Random, topic: str | None = None) -> Fact:
        await self.ensure_facts()
        resolved = self.resolve_topic(topic)
        fact = await self.facts.random(rng, resolved.slug if resolved else None)
        if fact is None:
            where = f" about {resolved.name}" if resolved else ""
            raise NotFoundError(f"There are no facts{where} yet.")
        return fact

    async def next_fact(
        self, guild_id: int | None, rng: random.Random, topic: str | None = None
    ) -> Fact:
        """The next fact of this server's shuffled deck: none repeats until all were shown."""
        if guild_id is None:
            return await self.random_fact(rng, topic)
        await self.ensure_facts()
        resolved = self.resolve_topic(topic)
        rowid = await self.guilds.draw_fact(guild_id, resolved.slug if resolved else None, rng)
        facts = await self.facts.by_rowids([rowid]) if rowid is not None else []
        if not facts:
            where = f" about {resolved.name}" if resolved else ""
            raise NotFoundError(f"There are no facts{where} yet.")
        return facts[0]

    async def search(self, query: str, *, limit: int = 5, offset: int = 0) -> SearchResult:
        """A page of facts for what a player typed. Empty or overlong queries are refused."""
        if not query or not query.strip():
            raise UserFacingError("Type a word or two to look up, such as `piano` or `Mia`.")
        if len(query) > MAX_QUERY_CHARS:
            raise UserFacingError(
                f"That is {len(query):,} characters; a lookup may be at most {MAX_QUERY_CHARS}."
                " Try a few words."
            )
        await self.ensure_facts()
        return await self.search_index.search(query, limit=limit, offset=offset)

    async def suggest(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """Topic and entity names for autocomplete: (shown name, value)."""
        return await self.search_index.suggest(prefix[:MAX_QUERY_CHARS], limit)

    async def show_spoilers(self, guild_id: int | None) -> bool:
        return await self.guilds.show_spoilers(guild_id)

    async def set_show_spoilers(self, guild_id: int, show: bool) -> None:
        await self.guilds.set_show_spoilers(guild_id, show)

    async def question_count(self) -> int:
        """How many quiz questions there are (the question bank arrives with the quiz)."""
        return 0

    async def topics(self) -> list[tuple[Topic, int]]:
        await self.ensure_facts()
        counts = await self.facts.topic_counts()
        return [(topic, counts.get(topic.slug, 0)) for topic in TOPICS]


def _scores_choice(kind: type[_ScoresEnum], value: _ScoresEnum | str, what: str) -> _ScoresEnum:
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(member.value for member in kind)
        raise UserFacingError(f"Unknown {what} {_quote(str(value))}: use one of {names}.") from None


def _quote(text: str, limit: int = 60) -> str:
    """A user's text, shortened and made inert for echoing back."""
    flat = " ".join(text.split())
    short = flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return "“" + short.replace("`", "'") + "”"
