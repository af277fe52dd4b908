"""A multiplayer quiz round as a state machine: no Discord, no clock, no dice of its own.

Every call takes the time as ``now`` (seconds, a float from any monotonic-enough clock that the
caller keeps consistent across restarts, e.g. wall-clock seconds) and the shuffle takes a
``random.Random``. The adapter drives it::

    rnd = Round.create(id=..., guild_id=..., channel_id=..., starter_id=..., questions=qs,
                       mode="buttons", seconds=20.0, now=now)
    shown = rnd.open_question(now, rng)            # post the question, its choices, the deadline
    rnd.answer(player, "B", now)                   # per click or message; QuizError -> tell them
    reveal = rnd.close_if_due(now)                 # poll; or rnd.close(now) to close at once
    rnd.mark_revealed(now)                         # once the reveal is posted
    if reveal.round_over: results = rnd.finish(now)  # else open the next question

Question states: ``open -> closed -> revealed``. Round states: ``running -> finished`` (all
questions done, :meth:`Round.stop`, or auto-stop) or ``running -> cancelled``.

Rules:

* **Deadline.** A question opened at ``t`` takes answers while ``now < t + seconds``; at and after
  the deadline it is due to close.
* **Everyone answered.** The players of a round are those who have answered at least one earlier
  question of it. The first question therefore only closes on its deadline (nobody is known yet;
  the starter is not assumed to play); every later question is also due to close as soon as all
  known players have answered it. Newcomers never hold a question open.
* **Scoring** (:mod:`lalabot.core.scoring`) happens once, when the question closes, from the
  answers recorded with their times; the awards are stored with the question, so closing again,
  restoring a snapshot or resuming never scores twice. A known player who did not answer loses
  their streak.
* **Auto-stop.** When :data:`AUTO_STOP_EMPTY_QUESTIONS` questions in a row close without a single
  answer, the round finishes by itself at that close (reason ``auto_stopped``); the reveal says
  ``round_over`` and :meth:`Round.finish` returns the results.
* **Stop and cancel** close an open question first (its recorded answers count), then end the
  round; stop reports ``stopped``, cancel ``cancelled``.
* **Standings** rank by points, then right answers, then the least total time taken over right
  answers (to the millisecond); players equal on all three share a rank (1, 1, 3).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, TypeVar, cast

from lalabot.core.answers import is_correct
from lalabot.core.scoring import Award, points_for

__all__ = [
    "AUTO_STOP_EMPTY_QUESTIONS",
    "LETTERS",
    "AlreadyAnswered",
    "AnswerResult",
    "EndReason",
    "InvalidChoice",
    "Mode",
    "NotRunning",
    "OpenQuestion",
    "QuestionClosed",
    "QuestionState",
    "QuizError",
    "QuizQuestion",
    "RecordedAnswer",
    "Results",
    "Resume",
    "ResumeAction",
    "Reveal",
    "Round",
    "RoundState",
    "SnapshotError",
    "Standing",
    "WrongState",
]

Mode = Literal["buttons", "typed"]
MODES: tuple[Mode, ...] = ("buttons", "typed")

LETTERS = ("A", "B", "C", "D")
"""Button labels; a buttons-mode question has two to four choices."""

AUTO_STOP_EMPTY_QUESTIONS = 3
"""A round stops by itself after this many questions in a row nobody answered."""

MAX_STORED_TEXT = 200
"""Typed answers are kept (for the snapshot) up to this many characters."""

SNAPSHOT_VERSION = 2  # 2: no awards or elapsed times (both recomputed on load)
_READABLE_VERSIONS = (1, 2)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class QuizError(Exception):
    """A refused action; ``message`` is safe to show to the player."""

    default_message = "That can't be done right now."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class NotRunning(QuizError):
    default_message = "This quiz is over."


class QuestionClosed(QuizError):
    default_message = "Too late: this question is closed."


class AlreadyAnswered(QuizError):
    default_message = "You have already answered this question."


class InvalidChoice(QuizError):
    default_message = "That is not one of the choices."


class WrongState(QuizError):
    """The caller asked for a step out of order (e.g. open a question while one is open)."""

    default_message = "The quiz is not ready for that yet."


class SnapshotError(ValueError):
    """A snapshot that :meth:`Round.from_snapshot` cannot read."""


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


class QuestionState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    REVEALED = "revealed"


class RoundState(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class EndReason(StrEnum):
    COMPLETED = "completed"
    STOPPED = "stopped"
    AUTO_STOPPED = "auto_stopped"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    """One question. ``choices`` (buttons mode) holds the answer among two to four options."""

    id: str
    prompt: str
    answer: str
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    fact_text: str | None = None
    spoiler: bool = False

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.answer, *self.aliases)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "prompt": self.prompt,
            "answer": self.answer,
            "aliases": list(self.aliases),
            "choices": list(self.choices),
            "fact_text": self.fact_text,
            "spoiler": self.spoiler,
        }

    @classmethod
    def from_json(cls, data: object) -> QuizQuestion:
        d = _mapping(data, "question")
        fact_text = d.get("fact_text")
        if fact_text is not None and not isinstance(fact_text, str):
            raise SnapshotError("question.fact_text must be a string or null")
        return cls(
            id=_get(d, "id", str),
            prompt=_get(d, "prompt", str),
            answer=_get(d, "answer", str),
            aliases=_strings(d.get("aliases"), "aliases"),
            choices=_strings(d.get("choices"), "choices"),
            fact_text=fact_text,
            spoiler=_get(d, "spoiler", bool),
        )


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    player_id: int
    given: str  # the letter in buttons mode, the text (cut to MAX_STORED_TEXT) in typed mode
    at: float
    elapsed: float
    correct: bool


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    """What to show for a freshly opened question."""

    index: int  # 0-based
    number: int  # 1-based
    total: int
    question: QuizQuestion
    mode: Mode
    choices: tuple[str, ...]  # in the shuffled order shown, labelled LETTERS; () when typed
    opened_at: float
    deadline: float

    @property
    def labelled(self) -> tuple[tuple[str, str], ...]:
        return tuple(zip(LETTERS, self.choices, strict=False))


@dataclass(frozen=True, slots=True)
class AnswerResult:
    player_id: int
    question_index: int
    given: str
    correct: bool
    elapsed: float
    everyone_answered: bool  # the question is now due to close


@dataclass(frozen=True, slots=True)
class Reveal:
    """A closed question: the right answer, who answered and what they won."""

    index: int
    number: int
    total: int
    question: QuizQuestion
    correct_letter: str | None  # buttons mode
    choices: tuple[str, ...]  # buttons mode: in the order shown, labelled LETTERS; () when typed
    answers: tuple[RecordedAnswer, ...]  # in answer order
    right: tuple[int, ...]  # player ids, fastest first
    awards: Mapping[int, Award]  # every player who answered
    streaks: Mapping[int, int]  # every known player's streak after this question
    closed_at: float
    round_over: bool  # no question follows: call Round.finish
    auto_stopped: bool


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    player_id: int
    points: int
    right: int
    answered: int
    best_streak: int
    answer_time: float  # seconds taken over right answers, the last tie-break


@dataclass(frozen=True, slots=True)
class Results:
    round_id: int
    state: RoundState
    reason: EndReason | None  # None while running
    questions_asked: int  # closed questions
    questions_total: int
    standings: tuple[Standing, ...]
    finished_at: float | None

    @property
    def podium(self) -> tuple[Standing, ...]:
        return tuple(s for s in self.standings if s.rank <= 3)


class ResumeAction(StrEnum):
    CONTINUE = "continue"  # the question is open: keep taking answers for `remaining` seconds
    CLOSE = "close"  # the question is due (deadline passed while down): call close(now)
    REVEAL = "reveal"  # closed but not shown: post reveal(), then mark_revealed(now)
    NEXT = "next"  # open the next question
    FINISH = "finish"  # the last question is done: call finish(now)
    DONE = "done"  # the round has ended


@dataclass(frozen=True, slots=True)
class Resume:
    action: ResumeAction
    question_index: int | None
    remaining: float = 0.0


_Given = tuple[str, float, bool]  # an answer as kept: given, at, correct
_Points = tuple[int, int, int, int, int]  # an award as kept: its fields in order
_STREAK_AFTER = 4  # where Award.streak_after is in _Points


@dataclass(slots=True)
class _Slot:
    """The run of one asked question.

    Answers and awards are kept as plain tuples of plain values, which the garbage collector
    stops tracking after their first collection; :class:`RecordedAnswer` and :class:`Award`
    are built when asked for. A live round keeps them until it ends, and as instances they
    were a third of the objects every full collection walked (README, Performance).
    """

    index: int
    opened_at: float
    deadline: float
    choice_order: tuple[str, ...]
    state: QuestionState = QuestionState.OPEN
    given: dict[int, _Given] = field(default_factory=dict)  # player id -> answer, in order
    closed_at: float | None = None
    points: dict[int, _Points] | None = None  # player id -> award, once closed
    # who answered an earlier question: fixed once this one is open (earlier ones are closed),
    # worked out on the first answer rather than on every one
    known: frozenset[int] | None = field(default=None, compare=False, repr=False)

    def recorded(self) -> tuple[RecordedAnswer, ...]:
        opened = self.opened_at
        return tuple(
            RecordedAnswer(pid, given, at, max(0.0, at - opened), correct)
            for pid, (given, at, correct) in self.given.items()
        )

    def record(self, answer: RecordedAnswer) -> None:
        self.given[answer.player_id] = (answer.given, answer.at, answer.correct)

    def awards(self) -> dict[int, Award] | None:
        if self.points is None:
            return None
        return {pid: Award(*points) for pid, points in self.points.items()}

    def score(self, awards: Mapping[int, Award]) -> None:
        self.points = {
            pid: (a.base, a.speed_bonus, a.streak_bonus, a.total, a.streak_after)
            for pid, a in awards.items()
        }


# --------------------------------------------------------------------------------------------
# The round
# --------------------------------------------------------------------------------------------


class Round:
    """One quiz round in one channel. Build with :meth:`create` or :meth:`from_snapshot`."""

    def __init__(
        self,
        *,
        id: int,
        guild_id: int,
        channel_id: int,
        starter_id: int,
        questions: Sequence[QuizQuestion],
        mode: Mode,
        seconds: float,
        created_at: float,
        state: RoundState = RoundState.RUNNING,
        reason: EndReason | None = None,
        finished_at: float | None = None,
        slots: Sequence[_Slot] = (),
    ) -> None:
        self.id = id
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.starter_id = starter_id
        self.questions: tuple[QuizQuestion, ...] = tuple(questions)
        self.mode: Mode = mode
        self.seconds = seconds
        self.created_at = created_at
        self.state = state
        self.reason = reason
        self.finished_at = finished_at
        self._slots: list[_Slot] = list(slots)

    @classmethod
    def create(
        cls,
        *,
        id: int,
        guild_id: int,
        channel_id: int,
        starter_id: int,
        questions: Sequence[QuizQuestion],
        mode: Mode,
        seconds: float,
        now: float,
    ) -> Round:
        """A new running round; raises ``ValueError`` for an unplayable setup."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"seconds per question must be positive, not {seconds!r}")
        if not questions:
            raise ValueError("a round needs at least one question")
        if mode == "buttons":
            for q in questions:
                if not 2 <= len(q.choices) <= len(LETTERS):
                    raise ValueError(f"question {q.id}: buttons mode needs 2 to 4 choices")
                if len(set(q.choices)) != len(q.choices) or q.answer not in q.choices:
                    raise ValueError(
                        f"question {q.id}: choices must be distinct and hold the answer"
                    )
        return cls(
            id=id,
            guild_id=guild_id,
            channel_id=channel_id,
            starter_id=starter_id,
            questions=questions,
            mode=mode,
            seconds=float(seconds),
            created_at=now,
        )

    # ---- looking -------------------------------------------------------------------------

    @property
    def current_index(self) -> int | None:
        """The index of the last opened question, or None before the first."""
        return self._slots[-1].index if self._slots else None

    @property
    def question_state(self) -> QuestionState | None:
        return self._slots[-1].state if self._slots else None

    @property
    def is_last(self) -> bool:
        """Whether the current question is the round's last."""
        return self.current_index == len(self.questions) - 1

    @property
    def next_question(self) -> QuizQuestion | None:
        """The question :meth:`open_question` would open now, if any."""
        if self.state is not RoundState.RUNNING or self._open_slot() is not None:
            return None
        if len(self._slots) >= len(self.questions):
            return None
        return self.questions[len(self._slots)]

    @property
    def round_over(self) -> bool:
        """No further question will be opened."""
        if self.state is not RoundState.RUNNING:
            return True
        return self._open_slot() is None and len(self._slots) >= len(self.questions)

    @property
    def players(self) -> frozenset[int]:
        """Everyone who has answered any question of this round (the open one included)."""
        return frozenset(pid for slot in self._slots for pid in slot.given)

    def known_players(self) -> frozenset[int]:
        """The players the current question waits for: those who answered an earlier one."""
        return frozenset(pid for slot in self._slots[:-1] for pid in slot.given)

    def answers(self, index: int | None = None) -> tuple[RecordedAnswer, ...]:
        """The answers recorded for a question (default: the current one), in answer order."""
        slot = self._slot(index)
        return slot.recorded() if slot else ()

    def open_question_view(self) -> OpenQuestion | None:
        """The open question as shown, e.g. to re-post it after a restart."""
        slot = self._open_slot()
        return self._view(slot) if slot else None

    def everyone_answered(self) -> bool:
        slot = self._open_slot()
        return slot is not None and self._everyone_answered(slot)

    def is_due(self, now: float) -> bool:
        """Whether the open question should close now (deadline reached or everyone answered)."""
        slot = self._open_slot()
        return slot is not None and (now >= slot.deadline or self._everyone_answered(slot))

    # ---- playing -------------------------------------------------------------------------

    def open_question(self, now: float, rng: random.Random) -> OpenQuestion:
        """Open the next question; buttons mode shows its choices in an order drawn from rng."""
        self._require_running()
        if self._open_slot() is not None:
            raise WrongState("A question is already open.")
        if len(self._slots) >= len(self.questions):
            raise WrongState("There are no more questions.")
        if self._slots:
            self._slots[-1].state = QuestionState.REVEALED
        index = len(self._slots)
        order: tuple[str, ...] = ()
        if self.mode == "buttons":
            shuffled = list(self.questions[index].choices)
            rng.shuffle(shuffled)
            order = tuple(shuffled)
        slot = _Slot(index=index, opened_at=now, deadline=now + self.seconds, choice_order=order)
        self._slots.append(slot)
        return self._view(slot)

    def answer(self, player_id: int, choice_or_text: str, now: float) -> AnswerResult:
        """Record a player's one answer to the open question: a letter, or typed text."""
        self._require_running()
        slot = self._open_slot()
        if slot is None or now >= slot.deadline:
            raise QuestionClosed
        if player_id in slot.given:
            raise AlreadyAnswered
        question = self.questions[slot.index]
        if self.mode == "buttons":
            letter = choice_or_text.strip().upper()
            letters = LETTERS[: len(slot.choice_order)]
            if letter not in letters:
                raise InvalidChoice(f"Pick one of {', '.join(letters)}.")
            given = letter
            correct = slot.choice_order[letters.index(letter)] == question.answer
        else:
            if not choice_or_text.strip():
                raise InvalidChoice("Type an answer.")
            given = choice_or_text[:MAX_STORED_TEXT]
            correct = is_correct(choice_or_text, question.accepted)
        recorded = RecordedAnswer(
            player_id=player_id,
            given=given,
            at=now,
            elapsed=max(0.0, now - slot.opened_at),
            correct=correct,
        )
        slot.record(recorded)
        return AnswerResult(
            player_id=player_id,
            question_index=slot.index,
            given=given,
            correct=correct,
            elapsed=recorded.elapsed,
            everyone_answered=self._everyone_answered(slot),
        )

    def withdraw(self, player_id: int, question_index: int) -> bool:
        """Take back a player's answer to the open question (its write failed, so it was
        never taken); True if there was one. An answer to a question that has closed since
        stays: the close counted it, and the close's own save records it."""
        slot = self._open_slot()
        if slot is None or slot.index != question_index:
            return False
        return slot.given.pop(player_id, None) is not None

    def close_if_due(self, now: float) -> Reveal | None:
        """Close the open question if :meth:`is_due`; the reveal, or None."""
        return self.close(now) if self.is_due(now) else None

    def close(self, now: float) -> Reveal:
        """Close the current question now and score it; again on a closed one: the same reveal."""
        if not self._slots:
            raise WrongState("No question has been asked yet.")
        slot = self._slots[-1]
        if slot.state is QuestionState.OPEN:
            self._require_running()
            self._score(slot, now)
            if self._trailing_empty() >= AUTO_STOP_EMPTY_QUESTIONS and not self.is_last:
                self._end(RoundState.FINISHED, EndReason.AUTO_STOPPED, now)
        return self._reveal(slot)

    def reveal(self, index: int | None = None) -> Reveal:
        """The reveal of a closed question (default: the current one)."""
        slot = self._slot(index)
        if slot is None or slot.points is None:
            raise WrongState("That question has not been closed.")
        return self._reveal(slot)

    def mark_revealed(self, now: float) -> None:
        """Note that the current question's reveal has been shown (for :meth:`resume`)."""
        del now  # part of the uniform signature; nothing depends on when
        if not self._slots or self._slots[-1].state is QuestionState.OPEN:
            raise WrongState("No closed question to reveal.")
        self._slots[-1].state = QuestionState.REVEALED

    def finish(self, now: float) -> Results:
        """End a round whose last question is closed; on an ended round, its results again."""
        if self.state is RoundState.RUNNING:
            if not self.round_over:
                raise WrongState("The quiz still has questions; stop it instead.")
            self._end(RoundState.FINISHED, EndReason.COMPLETED, now)
        return self.results()

    def stop(self, now: float) -> Results:
        """End the round early; an open question is closed first and its answers count."""
        self._require_running()
        self._close_open(now)
        self._end(RoundState.FINISHED, EndReason.STOPPED, now)
        return self.results()

    def cancel(self, now: float) -> Results:
        """Abandon the round (like stop, but reported as cancelled)."""
        self._require_running()
        self._close_open(now)
        self._end(RoundState.CANCELLED, EndReason.CANCELLED, now)
        return self.results()

    def results(self) -> Results:
        """Standings over the closed questions so far."""
        closed = [s for s in self._slots if s.points is not None]
        points: dict[int, int] = {}
        right: dict[int, int] = {}
        answered: dict[int, int] = {}
        best: dict[int, int] = {}
        millis: dict[int, int] = {}
        for slot in closed:
            awards = slot.awards()
            assert awards is not None
            for recorded in slot.recorded():
                pid, award = recorded.player_id, awards[recorded.player_id]
                points[pid] = points.get(pid, 0) + award.total
                answered[pid] = answered.get(pid, 0) + 1
                right[pid] = right.get(pid, 0) + recorded.correct
                best[pid] = max(best.get(pid, 0), award.streak_after)
                if recorded.correct:
                    millis[pid] = millis.get(pid, 0) + round(recorded.elapsed * 1000)
                else:
                    millis.setdefault(pid, 0)

        def key(pid: int) -> tuple[int, int, int]:
            return (-points[pid], -right[pid], millis[pid])

        standings: list[Standing] = []
        previous: tuple[int, int, int] | None = None
        rank = 0
        for position, pid in enumerate(sorted(points, key=lambda p: (key(p), p)), start=1):
            if key(pid) != previous:
                rank, previous = position, key(pid)
            standings.append(
                Standing(
                    rank=rank,
                    player_id=pid,
                    points=points[pid],
                    right=right[pid],
                    answered=answered[pid],
                    best_streak=best[pid],
                    answer_time=millis[pid] / 1000,
                )
            )
        return Results(
            round_id=self.id,
            state=self.state,
            reason=self.reason,
            questions_asked=len(closed),
            questions_total=len(self.questions),
            standings=tuple(standings),
            finished_at=self.finished_at,
        )

    def resume(self, now: float) -> Resume:
        """What to do after a restart at ``now``; changes nothing."""
        slot = self._slots[-1] if self._slots else None
        index = slot.index if slot else None
        if slot is not None and slot.state is QuestionState.CLOSED:
            return Resume(ResumeAction.REVEAL, index)
        if self.state is not RoundState.RUNNING:
            return Resume(ResumeAction.DONE, index)
        if slot is not None and slot.state is QuestionState.OPEN:
            if self.is_due(now):
                return Resume(ResumeAction.CLOSE, index)
            return Resume(ResumeAction.CONTINUE, index, remaining=slot.deadline - now)
        if self.round_over:
            return Resume(ResumeAction.FINISH, index)
        return Resume(ResumeAction.NEXT, index)

    # ---- persistence ---------------------------------------------------------------------

    def to_snapshot(self) -> dict[str, object]:
        """Everything about the round as JSON-ready data (ints, floats, strings, lists, dicts)."""
        return {
            "version": SNAPSHOT_VERSION,
            "id": self.id,
            "guild_id": self.guild_id,
            "channel_id": self.channel_id,
            "starter_id": self.starter_id,
            "mode": self.mode,
            "seconds": self.seconds,
            "created_at": self.created_at,
            "state": self.state.value,
            "reason": self.reason.value if self.reason else None,
            "finished_at": self.finished_at,
            "questions": [q.to_json() for q in self.questions],
            "slots": [_slot_to_json(slot) for slot in self._slots],
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, object]) -> Round:
        """The round :meth:`to_snapshot` saved; raises :class:`SnapshotError` if unreadable."""
        d = _mapping(data, "snapshot")
        if d.get("version") not in _READABLE_VERSIONS:
            raise SnapshotError(f"unsupported snapshot version {d.get('version')!r}")
        mode = d.get("mode")
        if mode not in MODES:
            raise SnapshotError(f"unknown mode {mode!r}")
        questions = tuple(QuizQuestion.from_json(q) for q in _list(d.get("questions"), "questions"))
        slots = [_slot_from_json(s) for s in _list(d.get("slots"), "slots")]
        if not questions or len(slots) > len(questions):
            raise SnapshotError("snapshot has no questions or more asked than it has")
        for position, slot in enumerate(slots):
            if slot.index != position:
                raise SnapshotError("snapshot questions are out of order")
            if slot.state is QuestionState.OPEN and position != len(slots) - 1:
                raise SnapshotError("only the last question can be open")
        reason = d.get("reason")
        try:
            round_ = cls(
                id=_get(d, "id", int),
                guild_id=_get(d, "guild_id", int),
                channel_id=_get(d, "channel_id", int),
                starter_id=_get(d, "starter_id", int),
                questions=questions,
                mode=mode,
                seconds=_number(d, "seconds"),
                created_at=_number(d, "created_at"),
                state=RoundState(_get(d, "state", str)),
                reason=EndReason(_get(d, "reason", str)) if reason is not None else None,
                finished_at=_optional_number(d, "finished_at"),
                slots=slots,
            )
        except ValueError as exc:
            raise SnapshotError(str(exc)) from exc
        for slot in slots:  # scores are not stored: scoring the same answers gives them again
            if slot.state is not QuestionState.OPEN:
                slot.score(round_._awards(slot))
        return round_

    # ---- inside --------------------------------------------------------------------------

    def _require_running(self) -> None:
        if self.state is not RoundState.RUNNING:
            raise NotRunning

    def _open_slot(self) -> _Slot | None:
        if self._slots and self._slots[-1].state is QuestionState.OPEN:
            return self._slots[-1]
        return None

    def _slot(self, index: int | None) -> _Slot | None:
        if index is None:
            return self._slots[-1] if self._slots else None
        return self._slots[index] if 0 <= index < len(self._slots) else None

    def _everyone_answered(self, slot: _Slot) -> bool:
        if slot.known is None:
            slot.known = frozenset(pid for s in self._slots[: slot.index] for pid in s.given)
        return bool(slot.known) and slot.known <= slot.given.keys()

    def _view(self, slot: _Slot) -> OpenQuestion:
        return OpenQuestion(
            index=slot.index,
            number=slot.index + 1,
            total=len(self.questions),
            question=self.questions[slot.index],
            mode=self.mode,
            choices=slot.choice_order,
            opened_at=slot.opened_at,
            deadline=slot.deadline,
        )

    def _streaks_before(self, index: int) -> dict[int, int]:
        """Every known player's streak going into question ``index``."""
        streaks: dict[int, int] = {}
        for slot in self._slots[:index]:
            points = slot.points or {}
            for pid in streaks.keys() | points.keys():
                streaks[pid] = points[pid][_STREAK_AFTER] if pid in points else 0
        return streaks

    def _awards(self, slot: _Slot) -> dict[int, Award]:
        streaks = self._streaks_before(slot.index)
        return {
            a.player_id: points_for(a.correct, a.elapsed, self.seconds, streaks.get(a.player_id, 0))
            for a in slot.recorded()
        }

    def _score(self, slot: _Slot, now: float) -> None:
        slot.score(self._awards(slot))
        slot.closed_at = now
        slot.state = QuestionState.CLOSED

    def _close_open(self, now: float) -> None:
        slot = self._open_slot()
        if slot is not None:
            self._score(slot, now)

    def _trailing_empty(self) -> int:
        count = 0
        for slot in reversed(self._slots):
            if slot.given or slot.points is None:
                break
            count += 1
        return count

    def _end(self, state: RoundState, reason: EndReason, now: float) -> None:
        self.state = state
        self.reason = reason
        self.finished_at = now

    def _reveal(self, slot: _Slot) -> Reveal:
        awards = slot.awards()
        assert awards is not None
        assert slot.closed_at is not None
        question = self.questions[slot.index]
        letter = None
        if slot.choice_order:
            letter = LETTERS[slot.choice_order.index(question.answer)]
        answers = slot.recorded()
        right = sorted((a for a in answers if a.correct), key=lambda a: a.elapsed)
        streaks = self._streaks_before(slot.index + 1)
        round_over = slot is self._slots[-1] and self.round_over
        return Reveal(
            index=slot.index,
            number=slot.index + 1,
            total=len(self.questions),
            question=question,
            correct_letter=letter,
            choices=slot.choice_order,
            answers=answers,
            right=tuple(a.player_id for a in right),
            awards=awards,
            streaks=streaks,
            closed_at=slot.closed_at,
            round_over=round_over,
            auto_stopped=round_over and self.reason is EndReason.AUTO_STOPPED,
        )


# --------------------------------------------------------------------------------------------
# Snapshot helpers
# --------------------------------------------------------------------------------------------


def _slot_to_json(slot: _Slot) -> dict[str, object]:
    """A question's run as stored: its answers, but not their scores or elapsed times, which
    follow from the answers (a snapshot is written after every step, so it is kept small)."""
    return {
        "index": slot.index,
        "state": slot.state.value,
        "opened_at": slot.opened_at,
        "deadline": slot.deadline,
        "choice_order": list(slot.choice_order),
        "answers": [
            {"player_id": pid, "given": given, "at": at, "correct": correct}
            for pid, (given, at, correct) in slot.given.items()
        ],
        "closed_at": slot.closed_at,
    }


def _slot_from_json(data: object) -> _Slot:
    """A stored question run, without its awards (`Round.from_snapshot` scores it)."""
    d = _mapping(data, "question run")
    given: dict[int, _Given] = {}
    for item in _list(d.get("answers"), "answers"):
        a = _mapping(item, "answer")
        player_id = _get(a, "player_id", int)
        if player_id in given:
            raise SnapshotError("a player answered a question twice")
        given[player_id] = (_get(a, "given", str), _number(a, "at"), _get(a, "correct", bool))
    try:
        state = QuestionState(_get(d, "state", str))
    except ValueError as exc:
        raise SnapshotError(str(exc)) from exc
    closed_at = _optional_number(d, "closed_at")
    if (state is QuestionState.OPEN) != (closed_at is None):
        raise SnapshotError("a question has a closing time exactly when it is closed")
    return _Slot(
        index=_get(d, "index", int),
        opened_at=_number(d, "opened_at"),
        deadline=_number(d, "deadline"),
        choice_order=_strings(d.get("choice_order"), "choice_order"),
        state=state,
        given=given,
        closed_at=closed_at,
    )


def _mapping(value: object, what: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise SnapshotError(f"{what} must be an object")
    return cast(Mapping[str, object], value)


def _list(value: object, what: str) -> list[object]:
    if not isinstance(value, list | tuple):
        raise SnapshotError(f"{what} must be a list")
    return list(value)


def _strings(value: object, what: str) -> tuple[str, ...]:
    items = _list(value, what)
    if not all(isinstance(item, str) for item in items):
        raise SnapshotError(f"{what} must hold strings")
    return tuple(cast(list[str], items))


_T = TypeVar("_T")


def _get(data: Mapping[str, object], key: str, kind: type[_T]) -> _T:
    value = data.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SnapshotError(f"{key} must be {kind.__name__}")
    return value


def _number(data: Mapping[str, object], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SnapshotError(f"{key} must be a number")
    return float(value)


def _optional_number(data: Mapping[str, object], key: str) -> float | None:
    return None if data.get(key) is None else _number(data, key)
