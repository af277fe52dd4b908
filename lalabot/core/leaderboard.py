"""Leaderboard rules: periods, sorts, wins, the accuracy threshold, ranks, pages and the data
export format. Pure: no Discord, no I/O; time is a parameter.

* **Periods** are rolling windows ending ``now``: ``week`` is the last 7 days, ``month`` the last
  30 days, ``all`` the whole season. Rolling, not calendar: servers span every time zone, and a
  board that empties on the 1st of the month (or on a Monday) rewards nobody.
* **Seasons.** Every board and every stat is within one season of one server (default: the
  current one). A reset starts the next season; older ones stay readable.
* **Sorts.** Each has a primary value that decides the rank (ties share it: 1, 1, 3) and
  tie-breaks that only decide the order of display: points (then wins), wins (then points),
  accuracy (then answers given), streak (then points); the player id last, for stable pages.
* **Accuracy** ranks only players with at least :data:`ACCURACY_MIN_ANSWERS` answers.
* **A win** is first place in a round with at least two players; a tie for first shares it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "ACCURACY_MIN_ANSWERS",
    "DAY",
    "EXPORT_FORMAT",
    "PAGE_SIZE",
    "Board",
    "BoardLine",
    "ExportedAnswer",
    "ExportedRound",
    "Period",
    "PlayerData",
    "PlayerStats",
    "SeasonTotals",
    "Sort",
    "accuracy",
    "clamp_page",
    "competition_ranks",
    "is_win",
    "page_count",
]

ACCURACY_MIN_ANSWERS = 20
"""Players with fewer answers (in the period) are not ranked by accuracy."""

PAGE_SIZE = 10
"""Players per leaderboard page."""

DAY = 86_400.0
EXPORT_FORMAT = "lalabot-player-data"


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    ALL = "all"

    @property
    def days(self) -> int | None:
        return {Period.WEEK: 7, Period.MONTH: 30}.get(self)

    def since(self, now: float) -> float | None:
        """The earliest finish time (unix seconds) that counts; None for the whole season."""
        days = self.days
        return None if days is None else now - days * DAY

    @property
    def label(self) -> str:
        return {Period.WEEK: "last 7 days", Period.MONTH: "last 30 days"}.get(self, "all time")


class Sort(StrEnum):
    POINTS = "points"
    WINS = "wins"
    ACCURACY = "accuracy"
    STREAK = "streak"

    @property
    def label(self) -> str:
        return {Sort.STREAK: "best streak"}.get(self, self.value)


def is_win(rank: int, players: int) -> bool:
    """First place (shared by a tie) in a round that had someone to beat."""
    return rank == 1 and players >= 2


def accuracy(right: int, answered: int) -> float | None:
    return right / answered if answered > 0 else None


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    """Pages needed for `total` ranked players; an empty board still has one (empty) page."""
    return max(1, -(-total // page_size))


def clamp_page(page: int, total: int, page_size: int = PAGE_SIZE) -> int:
    return min(max(0, page), page_count(total, page_size) - 1)


def competition_ranks(first_rank: int, first_position: int, keys: Sequence[object]) -> list[int]:
    """Ranks (1, 1, 3 style) of consecutive board rows, from the rank of the first row.

    `first_position` is the 1-based position of the first row on the whole board; a row that
    ties the row before it shares its rank, any other row is ranked by its position."""
    ranks: list[int] = []
    for index, key in enumerate(keys):
        if index == 0:
            ranks.append(first_rank)
        elif key == keys[index - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(first_position + index)
    return ranks


@dataclass(frozen=True, slots=True)
class BoardLine:
    """One player's figures on a board; `rank` is None when they are not ranked (accuracy
    with too few answers)."""

    player_id: int
    rank: int | None
    rounds: int
    wins: int
    points: int
    right: int
    answered: int
    best_streak: int

    @property
    def accuracy(self) -> float | None:
        return accuracy(self.right, self.answered)


@dataclass(frozen=True, slots=True)
class Board:
    guild_id: int
    season: int
    current_season: int
    period: Period
    sort: Sort
    page: int  # 0-based, already clamped to the pages that exist
    total: int  # ranked players
    lines: tuple[BoardLine, ...]
    viewer_id: int | None
    viewer: BoardLine | None  # the viewer's figures, wherever they are (None: no scores)
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)

    @property
    def viewer_on_page(self) -> bool:
        return any(line.player_id == self.viewer_id for line in self.lines)

    @property
    def first_position(self) -> int:
        return self.page * self.page_size + 1


@dataclass(frozen=True, slots=True)
class PlayerStats:
    guild_id: int
    player_id: int
    season: int
    rounds: int
    wins: int
    points: int
    right: int
    answered: int
    best_streak: int
    favourite_topic: str | None  # the topic slug with most right answers
    rank: int  # by points, all time, this season
    ranked_players: int
    first_played_at: float
    last_played_at: float

    @property
    def accuracy(self) -> float | None:
        return accuracy(self.right, self.answered)


@dataclass(frozen=True, slots=True)
class SeasonTotals:
    season: int
    rounds: int
    wins: int
    points: int
    right: int
    answered: int
    best_streak: int
    first_played_at: float
    last_played_at: float


@dataclass(frozen=True, slots=True)
class ExportedRound:
    season: int
    round_id: int
    channel_id: int
    finished_at: float
    points: int
    right: int
    answered: int
    best_streak: int
    rank: int
    won: bool


@dataclass(frozen=True, slots=True)
class ExportedAnswer:
    season: int
    round_id: int
    question_id: str
    topic: str
    correct: bool
    points: int
    answered_at: float


@dataclass(frozen=True, slots=True)
class PlayerData:
    """Everything stored about one player in one server."""

    guild_id: int
    player_id: int
    seasons: tuple[SeasonTotals, ...]
    rounds: tuple[ExportedRound, ...]
    answers: tuple[ExportedAnswer, ...]

    @property
    def empty(self) -> bool:
        return not (self.seasons or self.rounds or self.answers)

    def to_json(self, *, exported_at: float) -> bytes:
        """The export file: UTF-8 JSON; ids as strings (snowflakes overflow JavaScript numbers),
        times as ISO 8601 in UTC."""
        document: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "version": 1,
            "exported_at": _iso(exported_at),
            "guild_id": str(self.guild_id),
            "player_id": str(self.player_id),
            "seasons": [
                {
                    "season": s.season,
                    "rounds": s.rounds,
                    "wins": s.wins,
                    "points": s.points,
                    "right_answers": s.right,
                    "answered": s.answered,
                    "best_streak": s.best_streak,
                    "first_played_at": _iso(s.first_played_at),
                    "last_played_at": _iso(s.last_played_at),
                }
                for s in self.seasons
            ],
            "rounds": [
                {
                    "season": r.season,
                    "round_id": str(r.round_id),
                    "channel_id": str(r.channel_id),
                    "finished_at": _iso(r.finished_at),
                    "points": r.points,
                    "right_answers": r.right,
                    "answered": r.answered,
                    "best_streak": r.best_streak,
                    "rank": r.rank,
                    "won": r.won,
                }
                for r in self.rounds
            ],
            "answers": [
                {
                    "season": a.season,
                    "round_id": str(a.round_id),
                    "question_id": a.question_id,
                    "topic": a.topic or None,
                    "correct": a.correct,
                    "points": a.points,
                    "answered_at": _iso(a.answered_at),
                }
                for a in self.answers
            ],
        }
        return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")
