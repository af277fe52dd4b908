from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lalabot.core.scoring import (
    BASE_POINTS,
    MAX_POINTS,
    STREAK_CAP,
    STREAK_STEP,
    Award,
    points_for,
)


@pytest.mark.parametrize(
    ("elapsed", "total"),
    [(0.0, 100), (5.0, 88), (10.0, 75), (15.0, 63), (20.0, 50), (25.0, 50), (-3.0, 100)],
)
def test_speed_falls_linearly_from_100_to_50(elapsed: float, total: int) -> None:
    award = points_for(True, elapsed, 20.0, 0)
    assert award.total == total
    assert award.base == BASE_POINTS
    assert award.base + award.speed_bonus + award.streak_bonus == award.total
    assert award.streak_after == 1


@pytest.mark.parametrize(
    ("streak_before", "bonus"), [(0, 0), (1, 10), (2, 20), (4, 40), (5, 50), (6, 50), (40, 50)]
)
def test_streak_bonus_grows_and_is_capped(streak_before: int, bonus: int) -> None:
    award = points_for(True, 0.0, 10.0, streak_before)
    assert award.streak_bonus == bonus
    assert award.total == MAX_POINTS + bonus
    assert award.streak_after == streak_before + 1


def test_constants() -> None:
    assert (BASE_POINTS, MAX_POINTS, STREAK_STEP, STREAK_CAP) == (50, 100, 10, 50)


def test_wrong_scores_nothing_and_resets_streak() -> None:
    assert points_for(False, 0.0, 10.0, 7) == Award(0, 0, 0, 0, 0)
    assert points_for(False, 0.0, 10.0, 7) == Award.nothing()


def test_window_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        points_for(True, 1.0, 0.0, 0)


def test_nan_elapsed_scores_the_minimum() -> None:
    assert points_for(True, float("nan"), 10.0, 0).total == BASE_POINTS


@given(
    correct=st.booleans(),
    elapsed=st.floats(allow_nan=False, min_value=-1e6, max_value=1e6),
    window=st.floats(min_value=0.1, max_value=600),
    streak=st.integers(min_value=0, max_value=1000),
)
def test_bounds(correct: bool, elapsed: float, window: float, streak: int) -> None:
    award = points_for(correct, elapsed, window, streak)
    assert award.total == award.base + award.speed_bonus + award.streak_bonus
    if correct:
        assert BASE_POINTS <= award.total <= MAX_POINTS + STREAK_CAP
    else:
        assert award.total == 0
        assert award.streak_after == 0


@given(
    a=st.floats(min_value=0, max_value=30),
    b=st.floats(min_value=0, max_value=30),
)
def test_faster_never_scores_less(a: float, b: float) -> None:
    fast, slow = sorted((a, b))
    assert points_for(True, fast, 30.0, 0).total >= points_for(True, slow, 30.0, 0).total
