"""The application service: everything an adapter (Discord, console, CLI) may ask of lalabot."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rapidfuzz import process

from lalabot import sources
from lalabot.config import Settings
from lalabot.core.facts import TOPICS, Fact, Topic, topic_by_name
from lalabot.core.ingest import INGEST_VERSION, extract_facts
from lalabot.core.leaderboard import Board, Period, PlayerData, PlayerStats, Sort
from lalabot.core.questions import Question, load_curated, validate_bank
from lalabot.core.search import SearchResult
from lalabot.core.tagging import entity_aliases
from lalabot.errors import NotFoundError, UserFacingError
from lalabot.quiz_service import QuizService
from lalabot.store.db import Database
from lalabot.store.facts import DocumentFacts, FactStore
from lalabot.store.guilds import GuildStore
from lalabot.store.questions import QuestionStore, SourceFilter, SyncCounts
from lalabot.store.scores import RoundRecord, ScoreStore
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
        self.scores = ScoreStore(db)
        self.questions = QuestionStore(db)
        self.quiz = QuizService(db, questions=self.questions, scores=self.scores)
        self._questions_synced = False
        self._facts_seen = False  # facts were there once: ensure_facts need not count again
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
            fingerprint = f"{document.sha256}:{INGEST_VERSION}"  # same bytes, same pipeline
            if known.get(document.name) == fingerprint:
                summaries.append(DocumentSummary(document.name, "unchanged", "", 0))
                continue
            report = await asyncio.to_thread(extract_facts, document.text, document.name)
            changed.append(
                DocumentFacts(document.name, fingerprint, report.kind.value, report.facts)
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
            await self.sync_questions()
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
        """Import the seeds when the database has no facts yet, so a fresh checkout just works.
        Once facts have been seen, later calls (one per /fact and /topic) cost nothing."""
        if self._facts_seen:
            return
        if await self.facts.count() == 0:
            log.info("no facts yet: importing %s", self.seeds_dir)
            await self.import_documents()
        self._facts_seen = True

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

    # -- questions -----------------------------------------------------------------------------

    async def ensure_questions(self) -> None:
        """Facts imported and the question bank in step with them (once per process)."""
        if not self._questions_synced:
            await self.ensure_facts()
            await self.sync_questions()

    async def sync_questions(self) -> SyncCounts:
        """Store the curated bank and regenerate questions from the facts; cheap if unchanged."""
        counts = await self.questions.sync(load_curated(), await self.facts.list_facts())
        self._questions_synced = True
        return counts

    async def question_count(self) -> int:
        await self.ensure_questions()
        return await self.questions.count()

    async def list_questions(self, source: SourceFilter = "all") -> list[Question]:
        await self.ensure_questions()
        return await self.questions.list(source=source)

    async def check_questions(self) -> list[str]:
        """Problems with the curated bank against the facts as imported; empty when sound."""
        await self.ensure_facts()
        return validate_bank(load_curated(), await self.facts.list_facts())

    async def topics(self) -> list[tuple[Topic, int]]:
        await self.ensure_facts()
        counts = await self.facts.topic_counts()
        return [(topic, counts.get(topic.slug, 0)) for topic in TOPICS]

    # -- scores: leaderboards, seasons, player stats and data ------------------------------

    async def record_round(self, record: RoundRecord) -> None:
        """Store a finished round's scores; recording the same round again changes nothing."""
        await self.scores.record_round(record)

    async def current_season(self, guild_id: int) -> int:
        return await self.scores.current_season(guild_id)

    async def leaderboard(
        self,
        guild_id: int,
        *,
        period: Period | str = Period.ALL,
        sort: Sort | str = Sort.POINTS,
        season: int | None = None,
        page: int = 0,
        viewer_id: int | None = None,
        now: float | None = None,
    ) -> Board:
        """A page of this server's board. A season that does not exist is a NotFoundError."""
        chosen_period = _scores_choice(Period, period, "period")
        chosen_sort = _scores_choice(Sort, sort, "sort")
        if season is not None:
            await self._scores_check_season(guild_id, season)
        return await self.scores.board(
            guild_id,
            season=season,
            period=chosen_period,
            sort=chosen_sort,
            now=time.time() if now is None else now,
            page=page,
            viewer_id=viewer_id,
        )

    async def _scores_check_season(self, guild_id: int, season: int) -> None:
        current = await self.scores.current_season(guild_id)
        if 1 <= season <= current:
            return
        if current == 1:
            raise NotFoundError(
                f"There is no season {season:,} here: this server is still in its first season."
                " Leave `season` out to see it."
            )
        raise NotFoundError(
            f"There is no season {season:,} here: this server is in season {current}."
            f" Pick a season from 1 to {current}, or leave `season` out for the current one."
        )

    async def player_stats(self, guild_id: int, player_id: int) -> PlayerStats | None:
        """A player's figures in this server's current season; None if they have none."""
        season = await self.scores.current_season(guild_id)
        return await self.scores.player_stats(guild_id, player_id, season)

    async def seasons_played(self, guild_id: int, player_id: int) -> list[int]:
        return await self.scores.seasons_played(guild_id, player_id)

    async def start_new_season(self, guild_id: int, *, expected: int, by: int) -> int:
        """Reset the board: season `expected` ends, the next begins; old seasons stay."""
        season = await self.scores.new_season(guild_id, expected=expected, by=by)
        if season is None:
            current = await self.scores.current_season(guild_id)
            raise UserFacingError(
                f"The leaderboard was already reset: this server is now in season {current}."
            )
        return season

    async def player_data(self, guild_id: int, player_id: int) -> PlayerData:
        return await self.scores.player_data(guild_id, player_id)

    async def export_player_data(
        self, guild_id: int, player_id: int, *, now: float | None = None
    ) -> bytes | None:
        """Everything stored about a player in this server, as a JSON file; None if nothing."""
        data = await self.scores.player_data(guild_id, player_id)
        if data.empty:
            return None
        return data.to_json(exported_at=time.time() if now is None else now)

    async def forget_player(self, guild_id: int, player_id: int) -> int:
        """Delete a player's scores and answers in this server, every season, and take them
        out of the logs of its ended rounds. Refused while they are in a running round there,
        whose end would record them again. Returns the number of round results deleted."""
        if self.quiz.playing(guild_id, player_id):
            raise UserFacingError(
                "That player is in a quiz round still running in this server;"
                " try again once it ends."
            )
        await self.quiz.store.forget_player(guild_id, player_id)  # first: scores tell a retry
        return await self.scores.forget_player(guild_id, player_id)


_ScoresEnum = TypeVar("_ScoresEnum", Period, Sort)


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
