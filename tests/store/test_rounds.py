from __future__ import annotations

import asyncio
import random

import pytest

from lalabot.store.db import Database
from lalabot.store.rounds import ChannelBusy, RoundStore


async def _create(store: RoundStore, channel: int = 10) -> int:
    return await store.create(guild_id=1, channel_id=channel, starter_id=5, options={}, now=1.0)


async def test_one_running_round_per_channel_even_when_racing(db: Database) -> None:
    store = RoundStore(db)
    results = await asyncio.gather(*(_create(store) for _ in range(5)), return_exceptions=True)
    ids = [r for r in results if isinstance(r, int)]
    busy = [r for r in results if isinstance(r, ChannelBusy)]
    assert len(ids) == 1
    assert len(busy) == 4
    assert all(b.round_id == ids[0] for b in busy)
    assert await _create(store, channel=11)  # another channel is free


async def test_a_finished_round_frees_its_channel(db: Database) -> None:
    store = RoundStore(db)
    first = await _create(store)
    await store.set_message(first, 0, 999)
    await store.save(first, {"x": 1}, state="finished", now=2.0)
    second = await _create(store)
    assert second != first
    stored = await store.get(first)
    assert stored is not None
    assert stored.state == "finished"
    assert stored.snapshot == {"x": 1}
    assert stored.messages == {0: 999}
    assert [r.id for r in await store.running()] == [second]


async def test_questions_do_not_repeat_until_the_filter_is_used_up(db: Database) -> None:
    store, rng = RoundStore(db), random.Random(3)
    bank = [f"q{i}" for i in range(10)]
    first = await store.pick_unasked(1, bank, 4, rng, now=1.0)
    second = await store.pick_unasked(1, bank, 4, rng, now=2.0)
    assert len(set(first + second)) == 8
    third = await store.pick_unasked(1, bank, 4, rng, now=3.0)
    assert len(set(third)) == 4
    assert set(bank) - set(first + second) <= set(third)  # the last two unasked come first
    other_server = await store.pick_unasked(2, bank, 10, rng, now=4.0)
    assert sorted(other_server) == sorted(bank)


@pytest.mark.parametrize("count", [0, -1])
async def test_asking_for_nothing_picks_nothing(db: Database, count: int) -> None:
    assert await RoundStore(db).pick_unasked(1, ["a"], count, random.Random(1), now=1.0) == []
