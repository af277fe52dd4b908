from __future__ import annotations

import asyncio
import gc

from lalabot.bot.gc_policy import THRESHOLDS, tuned_collector
from tests.e2e.conftest import Running


async def test_the_collector_is_tuned_and_the_ready_heap_frozen_then_restored(
    running: Running,
) -> None:
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    async with tuned_collector(running.bot):
        assert gc.get_threshold() == THRESHOLDS
        for _ in range(100):  # the bot is ready: the freeze follows at once
            if gc.get_freeze_count():
                break
            await asyncio.sleep(0.01)
        assert gc.get_freeze_count() > 1000
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
