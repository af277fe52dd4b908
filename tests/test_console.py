from __future__ import annotations

import asyncio
import io
import random
from collections.abc import AsyncIterator

from lalabot.console import play
from lalabot.quiz_service import RoundOptions
from lalabot.service import LalaService


async def _answers(out: io.StringIO, replies: list[list[str]]) -> AsyncIterator[str]:
    """Type each question's replies once it is on the screen."""
    for number, lines in enumerate(replies, start=1):
        for _ in range(200):
            if f"Question {number} of" in out.getvalue():
                break
            await asyncio.sleep(0.01)
        for line in lines:
            yield line + "\n"
    await asyncio.sleep(5)  # then sit there, as a person would


async def test_a_console_round_in_buttons_mode(seeded_service: LalaService) -> None:
    out = io.StringIO()
    results = await asyncio.wait_for(
        play(
            seeded_service,
            RoundOptions(questions=2, seconds=10),
            lines=_answers(out, [["a"], ["Z", "b"]]),
            out=out,
            rng=random.Random(4),
            gap_seconds=0,
        ),
        timeout=20,
    )
    text = out.getvalue()
    assert "Question 1 of 2" in text
    assert "Question 2 of 2" in text
    assert "Pick one of A, B, C, D." in text  # "Z" is refused
    assert text.count("The answer:") == 2
    assert "Round over:" in text
    assert results.standings[0].answered == 2


async def test_a_console_round_with_typed_answers(seeded_service: LalaService) -> None:
    out = io.StringIO()
    await seeded_service.ensure_questions()
    rng = random.Random(9)
    results = await asyncio.wait_for(
        play(
            seeded_service,
            RoundOptions(questions=1, seconds=10, mode="typed"),
            lines=_answers(out, [["no idea"]]),
            out=out,
            rng=rng,
            gap_seconds=0,
        ),
        timeout=20,
    )
    assert "Type your answer" in out.getvalue()
    assert results.standings[0].right == 0


async def test_closing_the_input_ends_the_round_with_results_so_far(
    seeded_service: LalaService,
) -> None:
    async def nothing() -> AsyncIterator[str]:
        for line in ():
            yield line

    out = io.StringIO()
    results = await asyncio.wait_for(
        play(seeded_service, RoundOptions(questions=3, seconds=10), lines=nothing(), out=out),
        timeout=20,
    )
    assert results.questions_asked <= 1
    assert "Round over" in out.getvalue()
