"""Quiz rounds as a service: start, answer, close, stop — each change stored before it counts.

The round logic is `lalabot.core.quiz.Round`; this layer picks questions, keeps one lock per
round so concurrent clicks are applied one at a time, logs each answer to SQLite before it is
acknowledged, and saves the round's snapshot when a question opens or closes and when the round
ends, so a killed bot loses nothing it acknowledged. Steps a restarted bot simply takes again
(showing a reveal, finishing a round whose questions are all asked) are not saved on their own."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from lalabot.core.facts import topic_by_name
from lalabot.core.quiz import (
    AnswerResult,
    NotRunning,
    OpenQuestion,
    QuestionClosed,
    Results,
    Reveal,
    Round,
    RoundState,
)
from lalabot.errors import NotFoundError, UserFacingError
from lalabot.store.answer_log import AnswerLog, LoggedAnswer
from lalabot.store.db import Database
from lalabot.store.questions import QuestionStore
from lalabot.store.rounds import ChannelBusy, RoundStore
from lalabot.store.scores import AnswerRecord, PlayerResult, RoundRecord, ScoreStore

__all__ = ["QuizService", "RoundAlreadyRunning", "RoundOptions"]

log = logging.getLogger(__name__)

Mode = Literal["buttons", "typed"]
DIFFICULTIES = ("easy", "medium", "hard")
CONSOLE_GUILD = 0
_ROUND_OVER = "Too late: this question is closed, and the quiz is over."


@dataclass(frozen=True, slots=True)
class RoundOptions:
    questions: int = 10
    topic: str | None = None
    difficulty: str | None = None
    seconds: int = 20
    mode: Mode = "buttons"
    spoilers: bool = False

    def checked(self) -> RoundOptions:
        """These options with the topic resolved, or a UserFacingError saying what is wrong."""
        if not 1 <= self.questions <= 50:
            raise UserFacingError("A round has 1 to 50 questions.")
        if not 10 <= self.seconds <= 120:
            raise UserFacingError("Each question lasts 10 to 120 seconds.")
        if self.mode not in ("buttons", "typed"):
            raise UserFacingError("The mode is `buttons` or `typed`.")
        difficulty = (self.difficulty or "").strip().casefold() or None
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise UserFacingError("The difficulty is `easy`, `medium` or `hard`.")
        topic = None
        if self.topic and self.topic.strip():
            found = topic_by_name(self.topic)
            if found is None:
                raise NotFoundError("There is no such topic. Pick one from the list.")
            topic = found.slug
        return RoundOptions(
            self.questions, topic, difficulty, self.seconds, self.mode, self.spoilers
        )


class RoundAlreadyRunning(UserFacingError):
    def __init__(self, round_id: int, guild_id: int, channel_id: int, message_id: int | None):
        where = (
            f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
            if message_id
            else f"<#{channel_id}>"
        )
        super().__init__(f"A round is already running here: {where}")
        self.round_id = round_id


@dataclass(slots=True)
class _Live:
    """A round in memory, with what this process keeps beside it."""

    round: Round
    topics: dict[str, str]  # question id -> topic slug, for the score records
    messages: dict[int, int] = field(default_factory=dict)  # question index -> message id
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one change at a time


class QuizService:
    def __init__(
        self,
        db: Database,
        *,
        questions: QuestionStore,
        scores: ScoreStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = RoundStore(db)
        self.answers = AnswerLog(db)
        self._questions = questions
        self._scores = scores
        self.clock = clock
        self._live: dict[int, _Live] = {}

    # -- starting ------------------------------------------------------------------------------

    async def start(
        self,
        *,
        guild_id: int,
        channel_id: int,
        starter_id: int,
        options: RoundOptions,
        rng: random.Random,
    ) -> Round:
        opts = options.checked()
        candidates = await self._questions.candidates(
            topic=opts.topic, difficulty=opts.difficulty, spoilers=opts.spoilers
        )
        if not candidates:
            raise UserFacingError(
                "No questions match that topic and difficulty; try fewer filters."
            )
        now = self.clock()
        topics = {q.id: q.topic for q in candidates}
        try:
            round_id = await self.store.create(
                guild_id=guild_id,
                channel_id=channel_id,
                starter_id=starter_id,
                options={**asdict(opts), "topics": {}},
                now=now,
            )
        except ChannelBusy as busy:
            messages = self.message_ids(busy.round_id) or busy.messages  # memory is newest
            first = messages[max(messages)] if messages else None
            raise RoundAlreadyRunning(busy.round_id, guild_id, channel_id, first) from None
        try:
            ids = await self.store.pick_unasked(
                guild_id, [q.id for q in candidates], opts.questions, rng, now=now
            )
            by_id = {q.id: q for q in candidates}
            round_ = Round.create(
                id=round_id,
                guild_id=guild_id,
                channel_id=channel_id,
                starter_id=starter_id,
                questions=[by_id[i].to_quiz_question() for i in ids],
                mode=opts.mode,
                seconds=opts.seconds,
                now=now,
            )
            picked_topics = {i: topics[i] for i in ids}
            await self.store.save(
                round_id,
                round_.to_snapshot(),
                state="running",
                now=now,
                options={**asdict(opts), "topics": picked_topics},
            )
        except BaseException:
            await self.store.discard(round_id)
            raise
        self._live[round_id] = _Live(round_, picked_topics)
        log.info("round %d started in channel %d: %d questions", round_id, channel_id, len(ids))
        return round_

    # -- looking -------------------------------------------------------------------------------

    def live(self, round_id: int) -> Round:
        return self._entry(round_id).round

    def _entry(self, round_id: int) -> _Live:
        try:
            return self._live[round_id]
        except KeyError:
            raise NotRunning() from None

    async def load_running(self) -> list[Round]:
        """Every round the database says is running, back in memory (after a restart)."""
        loaded = []
        for stored in await self.store.running():
            if stored.id in self._live:
                loaded.append(self._live[stored.id].round)
                continue
            try:
                round_ = await self._restore(stored.id, stored.snapshot)
            except ValueError:
                log.exception("round %d cannot be resumed; cancelling it", stored.id)
                await self.store.set_state(stored.id, "cancelled", now=self.clock())
                continue
            topics = dict(stored.options.get("topics", {}))
            self._live[stored.id] = _Live(round_, topics, dict(stored.messages))
            loaded.append(round_)
        return loaded

    async def _restore(self, round_id: int, snapshot: Mapping[str, object]) -> Round:
        """A round as stored: its last snapshot, plus the answers logged since."""
        round_ = Round.from_snapshot(snapshot)
        index = round_.current_index
        if index is not None and round_.open_question_view() is not None:
            taken = {a.player_id for a in round_.answers(index)}
            for logged in await self.answers.for_round(round_id):
                if logged.question_index == index and logged.player_id not in taken:
                    round_.answer(logged.player_id, logged.given, logged.at)
                    taken.add(logged.player_id)
        return round_

    def message_ids(self, round_id: int) -> dict[int, int]:
        """Question index -> id of the message that shows it (kept in memory and in SQLite)."""
        entry = self._live.get(round_id)
        return dict(entry.messages) if entry else {}

    async def set_message(self, round_id: int, index: int, message_id: int) -> None:
        if round_id in self._live:  # known at once, while the database write is in flight
            self._live[round_id].messages[index] = message_id
        await self.store.set_message(round_id, index, message_id)

    async def running_in(self, channel_id: int) -> Round | None:
        stored = await self.store.running_in(channel_id)
        entry = self._live.get(stored.id) if stored else None
        return entry.round if entry else None

    # -- playing -------------------------------------------------------------------------------

    async def _save(self, round_: Round) -> None:
        await self.store.save(round_.id, round_.to_snapshot(), state="running", now=self.clock())

    async def open_question(self, round_id: int, rng: random.Random) -> OpenQuestion:
        async with self._entry(round_id).lock:
            round_ = self.live(round_id)
            shown = round_.open_question(self.clock(), rng)
            await self._save(round_)
            return shown

    async def answer(
        self, round_id: int, question_index: int, player_id: int, given: str
    ) -> AnswerResult:
        """Record one answer; it is in SQLite before this returns.

        The round's lock covers taking the answer in memory and queueing its row, not the
        commit: the players of one round wait for their commits together, in one group
        commit, instead of one after another. The queue keeps the order, so a later save of
        the round (a close) commits with the answer or after it."""
        entry = self._live.get(round_id)
        if entry is None:
            raise QuestionClosed(_ROUND_OVER)
        async with entry.lock:
            round_ = entry.round
            if round_.state is not RoundState.RUNNING:
                raise QuestionClosed(_ROUND_OVER)
            if round_.current_index != question_index:
                raise QuestionClosed()
            now = self.clock()
            result = round_.answer(player_id, given, now)
            committed = self.answers.enqueue(
                LoggedAnswer(round_id, question_index, player_id, given, now)
            )
        try:
            await committed
        except Exception:
            # not stored, so not taken: the player may answer again
            async with entry.lock:
                entry.round.withdraw(player_id, question_index)
            raise
        return result

    async def close_question(self, round_id: int) -> Reveal:
        async with self._entry(round_id).lock:
            round_ = self.live(round_id)
            reveal = round_.close(self.clock())
            await self._save(round_)
            return reveal

    async def mark_revealed(self, round_id: int) -> None:
        """Note the reveal as shown, in memory only: the next question's opening (or the end)
        stores it. Lost to a restart, the reveal is shown again, which edits the same message
        to the same content."""
        async with self._entry(round_id).lock:
            self.live(round_id).mark_revealed(self.clock())

    async def finish(self, round_id: int) -> Results:
        """End a round whose questions are all asked, in memory only: `finalise`, its next step,
        stores it. Lost to a restart, the round is finished again."""
        async with self._entry(round_id).lock:
            return self.live(round_id).finish(self.clock())

    async def stop(self, round_id: int) -> Results:
        """End a running round now; answers already given count."""
        async with self._entry(round_id).lock:
            round_ = self.live(round_id)
            results = round_.stop(self.clock())
            await self._save(round_)
            return results

    async def finalise(self, round_id: int) -> Results:
        """Store an ended round's scores (once) and retire it."""
        async with self._entry(round_id).lock:
            round_ = self.live(round_id)
            results = round_.results()
            if round_.guild_id != CONSOLE_GUILD:
                await self._scores.record_round(self._record(round_, results))
            await self.store.save(
                round_id, round_.to_snapshot(), state=round_.state.value, now=self.clock()
            )
            del self._live[round_id]
            return results

    async def abandon(self, channel_id: int) -> None:
        """Cancel whatever round the database says runs in a channel (a console left behind)."""
        stored = await self.store.running_in(channel_id)
        if stored is not None:
            await self.store.set_state(stored.id, "cancelled", now=self.clock())
            self.forget(stored.id)

    def playing(self, guild_id: int, player_id: int) -> bool:
        """Whether a player is in a round still running in a server (started it or answered)."""
        return any(
            entry.round.guild_id == guild_id
            and (entry.round.starter_id == player_id or player_id in entry.round.players)
            for entry in self._live.values()
        )

    def forget(self, round_id: int) -> None:
        """Drop a round from memory without touching the database (at shutdown)."""
        self._live.pop(round_id, None)

    def _record(self, round_: Round, results: Results) -> RoundRecord:
        topics: Mapping[str, str] = self._entry(round_.id).topics
        answers: list[AnswerRecord] = []
        for index in range(results.questions_asked):
            question = round_.questions[index]
            reveal = round_.reveal(index)
            for given in reveal.answers:
                award = reveal.awards.get(given.player_id)
                answers.append(
                    AnswerRecord(
                        player_id=given.player_id,
                        question_id=question.id,
                        topic=topics.get(question.id, ""),
                        correct=given.correct,
                        points=award.total if award else 0,
                        answered_at=given.at,
                    )
                )
        return RoundRecord(
            round_id=round_.id,
            guild_id=round_.guild_id,
            channel_id=round_.channel_id,
            finished_at=results.finished_at or self.clock(),
            players=tuple(
                PlayerResult(
                    player_id=s.player_id,
                    points=s.points,
                    right=s.right,
                    answered=s.answered,
                    best_streak=s.best_streak,
                    rank=s.rank,
                )
                for s in results.standings
            ),
            answers=tuple(answers),
        )
