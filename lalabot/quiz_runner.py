"""The clock of quiz rounds: one task per round opens questions, waits, closes, reveals, ends.

The adapters (Discord, console) supply a `RoundPresenter` that shows what happens. The loop
asks the core round what to do next (`Round.resume`), so a fresh round and one resumed after a
crash take the same path. A presenter failure (Discord answering 500, say) is logged and the
round goes on; the round itself lives in SQLite, so a killed process resumes it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable
from typing import Protocol

from lalabot.core.quiz import (
    AnswerResult,
    OpenQuestion,
    QuizError,
    Results,
    ResumeAction,
    Reveal,
    Round,
)
from lalabot.quiz_service import QuizService

__all__ = ["RoundPresenter", "RoundRunner"]

log = logging.getLogger(__name__)


class RoundPresenter(Protocol):
    async def show_question(self, round_: Round, question: OpenQuestion) -> int | None:
        """Show a question; return the id of the message that carries it, if any."""

    async def show_reveal(self, round_: Round, reveal: Reveal, message_id: int | None) -> None:
        """Show the answer, who got it and the points."""

    async def show_results(self, round_: Round, results: Results) -> None:
        """Show the final standings."""

    async def show_paused(self, round_: Round) -> None:
        """Tell the players the bot is going away and the round will resume."""


class RoundRunner:
    def __init__(
        self,
        service: QuizService,
        presenter: RoundPresenter,
        *,
        rng: random.Random,
        gap_seconds: float = 4.0,
    ) -> None:
        self.service = service
        self.presenter = presenter
        self.rng = rng
        self.gap_seconds = gap_seconds
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._wake: dict[int, asyncio.Event] = {}

    def launch(self, round_id: int, *, resumed: bool = False) -> asyncio.Task[None]:
        wake = self._wake.setdefault(round_id, asyncio.Event())
        task = asyncio.create_task(self._drive(round_id, wake, resumed), name=f"round-{round_id}")
        self._tasks[round_id] = task
        task.add_done_callback(lambda t: self._ended(round_id, t))
        return task

    def _ended(self, round_id: int, task: asyncio.Task[None]) -> None:
        self._tasks.pop(round_id, None)
        self._wake.pop(round_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("round %d stopped on an error", round_id, exc_info=task.exception())

    async def resume_all(self) -> int:
        """Launch every round the database holds as running; how many there were."""
        rounds = await self.service.load_running()
        for round_ in rounds:
            if round_.id not in self._tasks:
                self.launch(round_.id, resumed=True)
        if rounds:
            log.info("resumed %d quiz rounds", len(rounds))
        return len(rounds)

    def answered(self, round_id: int, result: AnswerResult) -> None:
        """Tell the round a player answered: it closes early once everyone has."""
        if result.everyone_answered and round_id in self._wake:
            self._wake[round_id].set()

    async def close_now(self, round_id: int) -> None:
        """Close the open question at once (the console's single player has answered)."""
        await self.service.close_question(round_id)
        if round_id in self._wake:
            self._wake[round_id].set()

    async def stop(self, round_id: int) -> Results:
        """Stop a round now; its loop shows the reveal and the results."""
        results = await self.service.stop(round_id)
        if round_id in self._wake:
            self._wake[round_id].set()
        else:
            self.launch(round_id)
        return results

    async def shutdown(self) -> None:
        """Stop driving rounds (they stay running in SQLite) and tell their players."""
        tasks = list(self._tasks.items())
        for _, task in tasks:
            task.cancel()
        for round_id, task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
            with contextlib.suppress(Exception):
                round_ = self.service.live(round_id)
                await self._show(self.presenter.show_paused(round_), "pause notice", round_id)
            self.service.forget(round_id)

    async def wait(self, round_id: int) -> None:
        """Until the round's loop ends (for the console and tests)."""
        task = self._tasks.get(round_id)
        if task is not None:
            await asyncio.shield(task)

    async def _show(self, shown: Awaitable[object], what: str, round_id: int) -> object:
        try:
            return await shown
        except Exception:
            log.warning("could not show the %s of round %d", what, round_id, exc_info=True)
            return None

    async def _sleep(self, wake: asyncio.Event, seconds: float) -> None:
        """Until `seconds` have passed or the round is woken. (asyncio.timeout, not wait_for,
        which on Python 3.11 wraps the wait in a task of its own: every sleeping round kept
        one, with its context and futures, for the collector to walk.)"""
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await wake.wait()

    async def _drive(self, round_id: int, wake: asyncio.Event, resumed: bool) -> None:
        service = self.service
        if resumed:
            round_ = service.live(round_id)
            first = round_.resume(service.clock())
            if first.action is ResumeAction.CLOSE:
                # down for longer than the question lasted: end with the results so far
                await service.stop(round_id)
            elif first.action is ResumeAction.CONTINUE and first.question_index is not None:
                messages = service.message_ids(round_id)
                if first.question_index not in messages:
                    shown = round_.open_question_view()
                    if shown is not None:
                        await self._post_question(round_, shown)
        while True:
            wake.clear()
            round_ = service.live(round_id)
            step = round_.resume(service.clock())
            try:
                if await self._step(round_, step.action, step.remaining, wake):
                    return
            except QuizError as refused:  # stopped in between: look again
                log.debug("round %d: %s", round_id, refused.message)

    async def _step(
        self, round_: Round, action: ResumeAction, remaining: float, wake: asyncio.Event
    ) -> bool:
        """Take one step of a round; True once it has ended."""
        service, round_id = self.service, round_.id
        if action is ResumeAction.NEXT:
            shown = await service.open_question(round_id, self.rng)
            await self._post_question(round_, shown)
        elif action is ResumeAction.CONTINUE:
            await self._sleep(wake, remaining)
        elif action is ResumeAction.CLOSE:
            await service.close_question(round_id)
        elif action is ResumeAction.REVEAL:
            reveal = round_.reveal()
            messages = service.message_ids(round_id)
            await self._show(
                self.presenter.show_reveal(round_, reveal, messages.get(reveal.index)),
                "reveal",
                round_id,
            )
            del reveal  # not kept through the gap: it holds every answer and award
            await service.mark_revealed(round_id)
            if not round_.round_over:
                await self._sleep(wake, self.gap_seconds)
        elif action is ResumeAction.FINISH:
            await service.finish(round_id)
        else:  # DONE
            results = await service.finalise(round_id)  # scores stored, channel free
            await self._show(self.presenter.show_results(round_, results), "results", round_id)
            log.info("round %d ended (%s)", round_id, results.reason)
            return True
        return False

    async def _post_question(self, round_: Round, shown: OpenQuestion) -> None:
        message_id = await self._show(
            self.presenter.show_question(round_, shown), "question", round_.id
        )
        if isinstance(message_id, int):
            await self.service.set_message(round_.id, shown.index, message_id)
