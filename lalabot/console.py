"""Playing a quiz round in a terminal: the console adapter over the same service and runner."""

from __future__ import annotations

import asyncio
import random
import sys
import textwrap
from collections.abc import AsyncIterator
from typing import TextIO

from lalabot.core.quiz import OpenQuestion, QuizError, Results, Reveal, Round, RoundState
from lalabot.quiz_runner import RoundRunner
from lalabot.quiz_service import CONSOLE_GUILD, RoundOptions
from lalabot.service import LalaService

__all__ = ["ConsolePresenter", "play", "stdin_lines"]

CONSOLE_CHANNEL = 0
PLAYER_ID = 1


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=78, subsequent_indent="   ")


class ConsolePresenter:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def _print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    async def show_question(self, round_: Round, question: OpenQuestion) -> int | None:
        self._print()
        self._print(f"Question {question.number} of {question.total}")
        self._print(_wrap(question.question.prompt))
        for letter, choice in question.labelled:
            self._print(f"  {letter}) {choice}")
        hint = "A, B, C or D" if question.choices else "your answer"
        self._print(f"Type {hint} and press Enter ({int(round_.seconds)} s).")
        return None

    async def show_reveal(self, round_: Round, reveal: Reveal, message_id: int | None) -> None:
        answer = reveal.question.answer
        if reveal.correct_letter:
            answer = f"{reveal.correct_letter}) {answer}"
        award = reveal.awards.get(PLAYER_ID)
        if award is None:
            verdict = "Time's up!"
        elif award.total:
            verdict = f"Right! +{award.total} points"
        else:
            verdict = "Not this time."
        self._print(f"{verdict} The answer: {answer}")
        if reveal.question.fact_text:
            self._print(_wrap(f"Did you know? {reveal.question.fact_text}"))

    async def show_results(self, round_: Round, results: Results) -> None:
        self._print()
        if not results.standings:
            self._print("Round over: no answers. Try again with `lalabot play`!")
            return
        you = results.standings[0]
        self._print(
            f"Round over: {you.points} points, {you.right} of {results.questions_asked} right,"
            f" best streak {you.best_streak}."
        )

    async def show_paused(self, round_: Round) -> None:
        self._print("Stopped.")


async def stdin_lines() -> AsyncIterator[str]:
    """Lines typed on standard input, read without blocking the event loop."""
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return
        yield line


async def play(
    service: LalaService,
    options: RoundOptions,
    *,
    lines: AsyncIterator[str],
    out: TextIO,
    rng: random.Random | None = None,
    gap_seconds: float = 1.0,
) -> Results:
    """Play one round against the clock; returns its results."""
    rng = rng or random.Random()
    await service.ensure_facts()
    quiz = service.quiz
    await quiz.abandon(CONSOLE_CHANNEL)
    round_ = await quiz.start(
        guild_id=CONSOLE_GUILD,
        channel_id=CONSOLE_CHANNEL,
        starter_id=PLAYER_ID,
        options=options,
        rng=rng,
    )
    runner = RoundRunner(quiz, ConsolePresenter(out), rng=rng, gap_seconds=gap_seconds)
    driving = runner.launch(round_.id)

    async def read_answers() -> None:
        async for line in lines:
            text = line.strip()
            index = round_.current_index
            if not text or index is None or round_.state is not RoundState.RUNNING:
                continue
            try:
                await quiz.answer(round_.id, index, PLAYER_ID, text)
                await runner.close_now(round_.id)
            except QuizError as refused:
                print(refused.message, file=out, flush=True)
        if round_.state is RoundState.RUNNING:  # input closed: end with the results so far
            await runner.stop(round_.id)

    reader = asyncio.create_task(read_answers())
    try:
        await driving
    finally:
        reader.cancel()
    return round_.results()
