"""The recent /topic lookups that page buttons read their query from."""

from __future__ import annotations

import pytest

from lalabot.bot.lookups import RecentLookups


def test_keeps_the_latest_and_forgets_the_least_recently_shown() -> None:
    lookups = RecentLookups(size=3)
    for lookup_id in (1, 2, 3):
        lookups.remember(lookup_id, f"query {lookup_id}")
    assert lookups.get(1) == "query 1"  # shown again: now the most recent
    lookups.remember(4, "query 4")
    assert len(lookups) == 3
    assert lookups.get(2) is None  # the least recently shown went first
    assert [lookups.get(i) for i in (1, 3, 4)] == ["query 1", "query 3", "query 4"]


def test_the_same_lookup_twice_is_one_entry() -> None:
    lookups = RecentLookups(size=2)
    lookups.remember(7, "piano")
    lookups.remember(7, "piano")
    assert len(lookups) == 1
    lookups.clear()
    assert lookups.get(7) is None


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RecentLookups(size=0)
