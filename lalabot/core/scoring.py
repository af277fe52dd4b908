"""Points for one answer: a base for being right, a bonus for speed and one for a streak.

A right answer scores :data:`MAX_POINTS` when given at once, falling linearly to
:data:`BASE_POINTS` at the end of the answer window (later answers are clamped to the end, early
ones to the start). Each right answer before it in an unbroken run adds :data:`STREAK_STEP`, up
to :data:`STREAK_CAP`. A wrong or missing answer scores nothing and resets the streak to 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "BASE_POINTS",
    "MAX_POINTS",
    "STREAK_CAP",
    "STREAK_STEP",
    "Award",
    "points_for",
]

BASE_POINTS = 50
"""What a right answer scores at the very end of the window."""

MAX_POINTS = 100
"""What a right answer scores at 0 seconds, before any streak bonus."""

STREAK_STEP = 10
"""Bonus per right answer already in the player's current streak."""

STREAK_CAP = 50
"""The largest streak bonus (reached with five right answers in a row before this one)."""


@dataclass(frozen=True, slots=True)
class Award:
    """The points one answer earned, in parts; ``streak_after`` is the player's new streak."""

    base: int
    speed_bonus: int
    streak_bonus: int
    total: int
    streak_after: int

    @classmethod
    def nothing(cls) -> Award:
        """A wrong or missing answer: no points, streak back to 0."""
        return cls(base=0, speed_bonus=0, streak_bonus=0, total=0, streak_after=0)


def points_for(correct: bool, elapsed: float, window: float, streak_before: int) -> Award:
    """Score one answer given ``elapsed`` seconds into a ``window``-second question.

    ``streak_before`` is how many right answers in a row the player had before this one.
    """
    if not window > 0:
        raise ValueError(f"the answer window must be positive, not {window!r}")
    if not correct:
        return Award.nothing()
    if math.isnan(elapsed):
        elapsed = window
    left = 1.0 - min(max(elapsed, 0.0), window) / window  # 1.0 at once, 0.0 at the end
    speed_bonus = math.floor((MAX_POINTS - BASE_POINTS) * left + 0.5)
    streak_bonus = min(STREAK_STEP * max(streak_before, 0), STREAK_CAP)
    return Award(
        base=BASE_POINTS,
        speed_bonus=speed_bonus,
        streak_bonus=streak_bonus,
        total=BASE_POINTS + speed_bonus + streak_bonus,
        streak_after=max(streak_before, 0) + 1,
    )
