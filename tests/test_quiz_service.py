"""The quiz service and runner over a real SQLite file, with a presenter that records."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

import pytest

from lalabot.core.quiz import (
    AlreadyAnswered,
    OpenQuestion,
    QuestionClosed,
    Results,
    ResumeAction,
    Reveal,
    Round,
)
from lalabot.errors import NotFoundError, UserFacingError
from lalabot.quiz_runner import RoundRunner
from lalabot.quiz_service import RoundAlreadyRunning, RoundOptions
from lalabot.service import LalaService


@dataclass
class Recorder:
    """A presenter that keeps what it was asked to show (an adapter of our own, not a mock)."""

    questions: list[OpenQuestion] = field(default_factory=list)
    reveals: list[Reveal] = field(default_factory=list)
    results: list[Results] = field(default_factory=list)
    shown: asyncio.Event = field(default_factory=asyncio.Event)

    async def show_question(self, round_: Round, question: OpenQuestion) -> int | None:
        self.questions.append(question)
        self.shown.set()
        return 1000 + question.index

    async def show_reveal(self, round_: Round, reveal: Reveal, message_id: int | None) -> None:
        assert message_id == 1000 + reveal.index
        self.reveals.append(reveal)

    async def show_results(self, round_: Round, results: Results) -> None:
        self.results.append(results)

    async def show_paused(self, round_: Round) -> None:
        pass

    async def next_question(self) -> OpenQuestion:
        self.shown.clear()
        await asyncio.wait_for(self.shown.wait(), 5)
        return self.questions[-1]


async def _start(service: LalaService, channel: int = 7, **options: object) -> Round:
    await service.ensure_questions()
    return await service.quiz.start(
        guild_id=1,
        channel_id=channel,
        starter_id=99,
        options=RoundOptions(**{"questions": 3, "seconds": 10, **options}),  # type: ignore[arg-type]
        rng=random.Random(5),
    )


async def _asking(service: LalaService) -> tuple[Round, OpenQuestion]:
    """A two-question round with its first question open (60 s, so it stays open)."""
    round_ = await _start(service, questions=2, seconds=60)
    return round_, await service.quiz.open_question(round_.id, random.Random(1))


async def test_options_are_checked(seeded_service: LalaService) -> None:
    service = seeded_service
    with pytest.raises(UserFacingError, match="1 to 50"):
        await _start(service, questions=51)
    with pytest.raises(UserFacingError, match="10 to 120"):
        await _start(service, seconds=5)
    with pytest.raises(NotFoundError):
        await _start(service, topic="@everyone")
    round_ = await _start(service, topic="Music & songs", difficulty="hard")
    assert len(round_.questions) == 3


async def test_one_round_per_channel(seeded_service: LalaService) -> None:
    service = seeded_service
    first = await _start(service)
    with pytest.raises(RoundAlreadyRunning) as caught:
        await _start(service)
    assert caught.value.round_id == first.id
    assert (await _start(service, channel=8)).id != first.id


async def test_questions_do_not_repeat_in_a_server(seeded_service: LalaService) -> None:
    service = seeded_service
    seen: list[str] = []
    for channel in range(5):
        round_ = await _start(
            service, channel=channel, questions=10, topic="dance", difficulty=None
        )
        seen += [q.id for q in round_.questions]
    total = len(await service.questions.candidates(topic="dance"))
    assert len(set(seen[:total])) == min(total, len(seen))


async def test_a_round_runs_to_the_end_and_scores_once(seeded_service: LalaService) -> None:
    service = seeded_service
    recorder = Recorder()
    round_ = await _start(service, questions=2)
    runner = RoundRunner(service.quiz, recorder, rng=random.Random(2), gap_seconds=0)
    runner.launch(round_.id)
    for _ in range(2):
        shown = await recorder.next_question()
        right = shown.labelled[shown.choices.index(shown.question.answer)][0]
        result = await service.quiz.answer(round_.id, shown.index, 11, right)
        runner.answered(round_.id, result)
        await service.quiz.answer(round_.id, shown.index, 12, "A" if right != "A" else "B")
        with pytest.raises(AlreadyAnswered):
            await service.quiz.answer(round_.id, shown.index, 11, right)
        await runner.close_now(round_.id)
    await asyncio.wait_for(runner.wait(round_.id), 5)
    assert len(recorder.reveals) == 2
    [results] = recorder.results
    assert [s.player_id for s in results.standings] == [11, 12]
    assert results.standings[0].right == 2
    with pytest.raises(QuestionClosed):
        await service.quiz.answer(round_.id, 1, 13, "A")
    stored = await service.quiz.store.get(round_.id)
    assert stored is not None
    assert stored.state == "finished"
    assert await service.quiz.running_in(7) is None


async def test_a_stopped_round_keeps_the_answers_so_far(seeded_service: LalaService) -> None:
    service = seeded_service
    recorder = Recorder()
    round_ = await _start(service, questions=5, seconds=60)
    runner = RoundRunner(service.quiz, recorder, rng=random.Random(2), gap_seconds=0)
    runner.launch(round_.id)
    shown = await recorder.next_question()
    await service.quiz.answer(round_.id, shown.index, 11, "A")
    await runner.stop(round_.id)
    await asyncio.wait_for(runner.wait(round_.id), 5)
    [results] = recorder.results
    assert results.questions_asked == 1
    assert [s.player_id for s in results.standings] == [11]


async def test_a_round_resumes_from_sqlite_after_a_crash(seeded_service: LalaService) -> None:
    service = seeded_service
    recorder = Recorder()
    round_ = await _start(service, questions=2, seconds=60)
    runner = RoundRunner(service.quiz, recorder, rng=random.Random(2), gap_seconds=0)
    runner.launch(round_.id)
    shown = await recorder.next_question()
    await service.quiz.answer(round_.id, shown.index, 11, "B")
    await runner.shutdown()  # the process goes away; SQLite keeps the round

    fresh = LalaService(service.db, seeds_dir=service.seeds_dir)
    again = Recorder()
    resumed = RoundRunner(fresh.quiz, again, rng=random.Random(3), gap_seconds=0)
    assert await resumed.resume_all() == 1
    with pytest.raises(AlreadyAnswered):
        await fresh.quiz.answer(round_.id, shown.index, 11, "C")
    await resumed.stop(round_.id)
    await asyncio.wait_for(resumed.wait(round_.id), 5)
    [results] = again.results
    assert results.standings[0].player_id == 11
    assert results.standings[0].answered == 1


async def test_a_restart_after_a_reveal_shows_it_again_and_goes_on(
    seeded_service: LalaService,
) -> None:
    service = seeded_service
    round_, shown = await _asking(service)
    quiz = service.quiz
    await quiz.answer(round_.id, shown.index, 11, "B")
    reveal = await quiz.close_question(round_.id)
    await quiz.mark_revealed(round_.id)  # shown, but not stored on its own
    quiz.forget(round_.id)  # the process goes away

    fresh = LalaService(service.db, seeds_dir=service.seeds_dir)
    [again] = await fresh.quiz.load_running()
    step = again.resume(fresh.quiz.clock())
    assert step.action is ResumeAction.REVEAL
    assert step.question_index == 0
    assert again.reveal() == reveal  # the same scores, recomputed from the stored answers
    await fresh.quiz.mark_revealed(round_.id)
    second = await fresh.quiz.open_question(round_.id, random.Random(2))
    assert second.index == 1


async def test_a_burst_of_answers_in_one_round_shares_a_commit(
    seeded_service: LalaService,
) -> None:
    """The round's lock does not span the commit: sixteen players answering at once wait
    for one group commit together, not for sixteen in a row."""
    service = seeded_service
    round_, shown = await _asking(service)
    commits = service.db.group_commits
    players = range(100, 116)
    results = await asyncio.gather(
        *(service.quiz.answer(round_.id, shown.index, p, "A") for p in players)
    )
    assert [r.player_id for r in results] == list(players)
    assert service.db.group_commits - commits <= 2
    stored = await service.db.conn.execute_fetchall(
        "SELECT player_id FROM round_answers WHERE round_id = ? ORDER BY player_id", (round_.id,)
    )
    assert [int(row[0]) for row in stored] == list(players)


async def test_an_answer_whose_write_fails_is_not_taken(seeded_service: LalaService) -> None:
    service = seeded_service
    round_, shown = await _asking(service)
    db = service.db.conn
    await db.execute(
        "CREATE TEMP TRIGGER refuse_13 BEFORE INSERT ON round_answers"
        " WHEN NEW.player_id = 13 BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(Exception, match="disk trouble"):
        await service.quiz.answer(round_.id, shown.index, 13, "A")
    assert service.quiz.live(round_.id).answers(shown.index) == ()
    await db.execute("DROP TRIGGER refuse_13")
    result = await service.quiz.answer(round_.id, shown.index, 13, "B")  # may answer again
    assert result.given == "B"
    assert [a.given for a in service.quiz.live(round_.id).answers(shown.index)] == ["B"]
    assert [tuple(r) for r in await db.execute_fetchall("SELECT given FROM round_answers")] == [
        ("B",)
    ]


async def _round_rows(service: LalaService, round_id: int) -> tuple[list[int], str, int]:
    db = service.db.conn
    answers = await db.execute_fetchall(
        "SELECT player_id FROM round_answers WHERE round_id = ? ORDER BY player_id", (round_id,)
    )
    [row] = await db.execute_fetchall(
        "SELECT snapshot, starter_id FROM rounds WHERE id = ?", (round_id,)
    )
    return [int(a[0]) for a in answers], str(row[0]), int(row[1])


async def test_forgetting_a_player_takes_them_out_of_ended_rounds(
    seeded_service: LalaService,
) -> None:
    service, quiz = seeded_service, seeded_service.quiz
    round_, _ = await _asking(service)
    await quiz.answer(round_.id, 0, 11, "B")
    await quiz.answer(round_.id, 0, 12, "C")
    await quiz.close_question(round_.id)
    await quiz.stop(round_.id)
    await quiz.finalise(round_.id)
    assert (await _round_rows(service, round_.id))[0] == [11, 12]

    await service.forget_player(1, 11)
    answers, snapshot, starter = await _round_rows(service, round_.id)
    assert answers == [12]
    assert '"player_id":11' not in snapshot
    assert '"player_id":12' in snapshot
    assert starter == 99
    assert not (await service.scores.player_data(1, 12)).empty  # the other player keeps theirs
    assert (await service.scores.player_data(1, 11)).empty

    await service.forget_player(1, 1)  # "player_id":1 is a prefix of 12: 12 must stay
    assert '"player_id":12' in (await _round_rows(service, round_.id))[1]

    await service.forget_player(1, 99)  # the starter
    _, snapshot, starter = await _round_rows(service, round_.id)
    assert starter == 0
    assert '"starter_id":0' in snapshot
    assert (await _round_rows(service, round_.id))[0] == [12]


async def test_forgetting_a_player_in_a_running_round_is_refused(
    seeded_service: LalaService,
) -> None:
    service, quiz = seeded_service, seeded_service.quiz
    round_, _ = await _asking(service)
    await quiz.answer(round_.id, 0, 11, "B")
    with pytest.raises(UserFacingError, match="still running"):
        await service.forget_player(1, 11)
    with pytest.raises(UserFacingError, match="still running"):
        await service.forget_player(1, 99)  # started it
    assert (await _round_rows(service, round_.id))[0] == [11]
    await service.forget_player(2, 11)  # another server: nothing to wait for
