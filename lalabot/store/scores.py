"""Per-server scores: recording finished rounds, seasons, leaderboards, stats, export, forget.

Every board is ordered and ranked by SQLite (indexes, ``ORDER BY ... LIMIT``, window
functions); only the rows of one page reach Python. See ``migrations/0006_scores.sql``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass

import aiosqlite

from lalabot.core.leaderboard import (
    ACCURACY_MIN_ANSWERS,
    PAGE_SIZE,
    Board,
    BoardLine,
    ExportedAnswer,
    ExportedRound,
    Period,
    PlayerData,
    PlayerStats,
    SeasonTotals,
    Sort,
    clamp_page,
    competition_ranks,
    is_win,
)
from lalabot.store.db import Database

__all__ = ["AnswerRecord", "PlayerResult", "RoundRecord", "ScoreStore"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlayerResult:
    player_id: int
    points: int
    right: int
    answered: int
    best_streak: int
    rank: int


@dataclass(frozen=True)
class AnswerRecord:
    player_id: int
    question_id: str
    topic: str
    correct: bool
    points: int
    answered_at: float  # unix seconds


@dataclass(frozen=True)
class RoundRecord:
    round_id: int
    guild_id: int
    channel_id: int
    finished_at: float  # unix seconds
    players: tuple[PlayerResult, ...]
    answers: tuple[AnswerRecord, ...]


# How each sort orders score_totals (each has an index in exactly this order) and which
# column decides the rank. Only these constants are ever formatted into SQL.
_PRIMARY = {
    Sort.POINTS: "points",
    Sort.WINS: "wins",
    Sort.STREAK: "best_streak",
    Sort.ACCURACY: "accuracy",
}
_ORDER = {
    Sort.POINTS: "points DESC, wins DESC, player_id",
    Sort.WINS: "wins DESC, points DESC, player_id",
    Sort.STREAK: "best_streak DESC, points DESC, player_id",
    Sort.ACCURACY: "accuracy DESC, answered DESC, player_id",
}
_ELIGIBLE = f"answered >= {int(ACCURACY_MIN_ANSWERS)}"
_LINE_COLUMNS = "player_id, rounds, wins, points, right_answers, answered, best_streak"

_CURRENT_SEASON = "SELECT COALESCE(MAX(season), 1) FROM score_seasons WHERE guild_id = ?"

_UPSERT_TOTAL = """
INSERT INTO score_totals (guild_id, season, player_id, rounds, wins, points, right_answers,
                          answered, best_streak, first_played_at, last_played_at)
VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (guild_id, season, player_id) DO UPDATE SET
    rounds = rounds + 1,
    wins = wins + excluded.wins,
    points = points + excluded.points,
    right_answers = right_answers + excluded.right_answers,
    answered = answered + excluded.answered,
    best_streak = MAX(best_streak, excluded.best_streak),
    first_played_at = MIN(first_played_at, excluded.first_played_at),
    last_played_at = MAX(last_played_at, excluded.last_played_at)
"""

# Week and month boards rank on only what decides the order (2-3 aggregates: a narrower sort
# for GROUP BY), then read the full figures of the page's players from score_results_by_player.
_PERIOD_RANKING = {
    Sort.POINTS: ("SUM(points)", "SUM(won)", "1"),
    Sort.WINS: ("SUM(won)", "SUM(points)", "1"),
    Sort.STREAK: ("MAX(best_streak)", "SUM(points)", "1"),
    Sort.ACCURACY: (
        "CAST(SUM(right_answers) AS REAL) / SUM(answered)",
        "SUM(answered)",
        f"SUM(answered) >= {int(ACCURACY_MIN_ANSWERS)}",
    ),
}

_PERIOD_BOARD = """
WITH agg AS MATERIALIZED (
    SELECT player_id, {value} AS value, {tie} AS tie, {eligible} AS eligible
    FROM score_results
    WHERE guild_id = :guild AND season = :season AND finished_at >= :since
    GROUP BY +player_id  -- "+": never walk score_results_by_player to skip this small sort
), page AS (
    SELECT * FROM agg WHERE eligible
    ORDER BY value DESC, tie DESC, player_id LIMIT :size OFFSET :offset
)
SELECT 0 AS part, player_id, value, tie, eligible,
       (SELECT COUNT(*) FROM agg o WHERE o.eligible AND o.value > page.value) + 1 AS rank
FROM page
UNION ALL
SELECT 1, player_id, value, tie, eligible,
       CASE WHEN eligible
            THEN (SELECT COUNT(*) FROM agg o WHERE o.eligible AND o.value > agg.value) + 1 END
FROM agg WHERE player_id = :viewer
UNION ALL
SELECT 2, NULL, NULL, NULL, NULL, (SELECT COUNT(*) FROM agg WHERE eligible)
ORDER BY part, value DESC, tie DESC, player_id
"""

_PERIOD_FIGURES = """
SELECT player_id, COUNT(*) AS rounds, SUM(won) AS wins, SUM(points) AS points,
       SUM(right_answers) AS right_answers, SUM(answered) AS answered,
       MAX(best_streak) AS best_streak
FROM score_results
WHERE player_id IN ({marks}) AND guild_id = ? AND season = ? AND finished_at >= ?
GROUP BY player_id
"""

_STATS = """
SELECT t.rounds, t.wins, t.points, t.right_answers, t.answered, t.best_streak,
       t.first_played_at, t.last_played_at,
       (SELECT COUNT(*) FROM score_totals o
        WHERE o.guild_id = t.guild_id AND o.season = t.season AND o.points > t.points) + 1,
       (SELECT COUNT(*) FROM score_totals o WHERE o.guild_id = t.guild_id AND o.season = t.season),
       (SELECT a.topic FROM score_answers a
        WHERE a.guild_id = t.guild_id AND a.player_id = t.player_id AND a.season = t.season
          AND a.correct = 1 AND a.topic != ''
        GROUP BY a.topic ORDER BY COUNT(*) DESC, a.topic LIMIT 1)
FROM score_totals t
WHERE t.guild_id = ? AND t.season = ? AND t.player_id = ?
"""


def _check(record: RoundRecord) -> None:
    players = Counter(p.player_id for p in record.players)
    twice = [player for player, n in players.items() if n > 1]
    if twice:
        raise ValueError(f"round {record.round_id}: players listed twice: {twice}")
    answers = Counter((a.player_id, a.question_id) for a in record.answers)
    again = [key for key, n in answers.items() if n > 1]
    if again:
        raise ValueError(f"round {record.round_id}: answered twice (player, question): {again}")
    strangers = {a.player_id for a in record.answers} - set(players)
    if strangers:
        log.warning(
            "round %d in guild %d: answers from players without a result: %s",
            record.round_id,
            record.guild_id,
            sorted(strangers),
        )


def _line(row: aiosqlite.Row, rank: int | None) -> BoardLine:
    return BoardLine(
        player_id=int(row["player_id"]),
        rank=rank,
        rounds=int(row["rounds"]),
        wins=int(row["wins"]),
        points=int(row["points"]),
        right=int(row["right_answers"]),
        answered=int(row["answered"]),
        best_streak=int(row["best_streak"]),
    )


class ScoreStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- recording -----------------------------------------------------------------------------

    async def record_round(self, record: RoundRecord, *, now: float | None = None) -> None:
        """Store a finished round's results in its server's current season, in one transaction.
        Idempotent per (guild_id, round_id): recording a round again changes nothing.
        A record that contradicts itself (a player listed twice) is a ValueError."""
        async with self._db.transaction() as conn:
            await self.write_round(conn, record, now=time.time() if now is None else now)

    async def write_round(
        self, conn: aiosqlite.Connection, record: RoundRecord, *, now: float
    ) -> bool:
        """`record_round` inside a transaction the caller holds. False if already recorded."""
        _check(record)
        async with conn.execute(_CURRENT_SEASON, (record.guild_id,)) as cur:
            row = await cur.fetchone()
        season = int(row[0]) if row else 1
        async with conn.execute(
            "INSERT INTO score_rounds (guild_id, round_id, season, channel_id, finished_at,"
            " players, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id, round_id) DO NOTHING RETURNING season",
            (
                record.guild_id,
                record.round_id,
                season,
                record.channel_id,
                record.finished_at,
                len(record.players),
                now,
            ),
        ) as cur:
            fresh = await cur.fetchone()
        if fresh is None:
            log.debug("round %d of guild %d already recorded", record.round_id, record.guild_id)
            return False
        count = len(record.players)
        wins = {p.player_id: int(is_win(p.rank, count)) for p in record.players}
        g, f = record.guild_id, record.finished_at
        await conn.executemany(
            "INSERT INTO score_results (guild_id, season, finished_at, round_id, player_id,"
            " points, right_answers, answered, best_streak, rank, won)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (g, season, f, record.round_id, p.player_id, p.points, p.right, p.answered,
                 p.best_streak, p.rank, wins[p.player_id])
                for p in record.players
            ],
        )  # fmt: skip
        await conn.executemany(
            _UPSERT_TOTAL,
            [
                (g, season, p.player_id, wins[p.player_id], p.points, p.right, p.answered,
                 p.best_streak, f, f)
                for p in record.players
            ],
        )  # fmt: skip
        await conn.executemany(
            "INSERT INTO score_answers (guild_id, player_id, season, round_id, question_id,"
            " topic, correct, points, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (g, a.player_id, season, record.round_id, a.question_id, a.topic,
                 int(a.correct), a.points, a.answered_at)
                for a in record.answers
            ],
        )  # fmt: skip
        return True

    # -- seasons -------------------------------------------------------------------------------

    async def current_season(self, guild_id: int) -> int:
        async with self._db.conn.execute(_CURRENT_SEASON, (guild_id,)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 1

    async def season_started_at(self, guild_id: int, season: int) -> float | None:
        """When a reset started the season; None for season 1 (it starts with the first round)."""
        async with self._db.conn.execute(
            "SELECT started_at FROM score_seasons WHERE guild_id = ? AND season = ?",
            (guild_id, season),
        ) as cur:
            row = await cur.fetchone()
        return float(row[0]) if row else None

    async def new_season(
        self, guild_id: int, *, expected: int, by: int, now: float | None = None
    ) -> int | None:
        """Start the season after `expected`; None (and no change) if the server is no longer
        in season `expected` (someone else reset first)."""
        async with self._db.transaction() as conn:
            async with conn.execute(_CURRENT_SEASON, (guild_id,)) as cur:
                row = await cur.fetchone()
            current = int(row[0]) if row else 1
            if current != expected:
                return None
            await conn.execute(
                "INSERT INTO score_seasons (guild_id, season, started_at, started_by)"
                " VALUES (?, ?, ?, ?)",
                (guild_id, current + 1, time.time() if now is None else now, by),
            )
        log.info("guild %d: season %d started by %d", guild_id, current + 1, by)
        return current + 1

    # -- boards --------------------------------------------------------------------------------

    async def board(
        self,
        guild_id: int,
        *,
        season: int | None = None,
        period: Period = Period.ALL,
        sort: Sort = Sort.POINTS,
        now: float | None = None,
        page: int = 0,
        viewer_id: int | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Board:
        """One page of a server's board for a season (default: the current one), with the
        viewer's own line wherever it is. Pages past the end show the last page."""
        current = await self.current_season(guild_id)
        chosen = current if season is None else season
        since = period.since(time.time() if now is None else now)
        if since is None:
            total, lines, viewer = await self._totals_board(
                guild_id, chosen, sort, page, page_size, viewer_id
            )
        else:
            total, lines, viewer = await self._period_board(
                guild_id, chosen, sort, since, page, page_size, viewer_id
            )
        return Board(
            guild_id=guild_id,
            season=chosen,
            current_season=current,
            period=period,
            sort=sort,
            page=clamp_page(page, total, page_size),
            total=total,
            lines=lines,
            viewer_id=viewer_id,
            viewer=viewer,
            page_size=page_size,
        )

    async def _totals_board(
        self,
        guild_id: int,
        season: int,
        sort: Sort,
        page: int,
        page_size: int,
        viewer_id: int | None,
    ) -> tuple[int, tuple[BoardLine, ...], BoardLine | None]:
        """All time: ORDER BY ... LIMIT on the sort's index; ranks by counting on it."""
        conn = self._db.conn
        primary = _PRIMARY[sort]
        where = "guild_id = ? AND season = ?"
        if sort is Sort.ACCURACY:
            where += f" AND {_ELIGIBLE}"
        async with conn.execute(
            f"SELECT COUNT(*) FROM score_totals WHERE {where}", (guild_id, season)
        ) as cur:
            row = await cur.fetchone()
        total = int(row[0]) if row else 0
        page = clamp_page(page, total, page_size)
        async with conn.execute(
            f"SELECT {_LINE_COLUMNS}, {primary} AS value FROM score_totals WHERE {where}"
            f" ORDER BY {_ORDER[sort]} LIMIT ? OFFSET ?",
            (guild_id, season, page_size, page * page_size),
        ) as cur:
            rows = list(await cur.fetchall())
        lines: tuple[BoardLine, ...] = ()
        if rows:
            first_rank = await self._rank(guild_id, season, sort, rows[0]["value"])
            ranks = competition_ranks(first_rank, page * page_size + 1, [r["value"] for r in rows])
            lines = tuple(_line(r, rank) for r, rank in zip(rows, ranks, strict=True))
        viewer = next((line for line in lines if line.player_id == viewer_id), None)
        if viewer is None and viewer_id is not None:
            async with conn.execute(
                f"SELECT {_LINE_COLUMNS}, {primary} AS value, {_ELIGIBLE} AS eligible"
                " FROM score_totals WHERE guild_id = ? AND season = ? AND player_id = ?",
                (guild_id, season, viewer_id),
            ) as cur:
                mine = await cur.fetchone()
            if mine is not None:
                ranked = sort is not Sort.ACCURACY or bool(mine["eligible"])
                rank = await self._rank(guild_id, season, sort, mine["value"]) if ranked else None
                viewer = _line(mine, rank)
        return total, lines, viewer

    async def _rank(self, guild_id: int, season: int, sort: Sort, value: object) -> int:
        where = "guild_id = ? AND season = ?"
        if sort is Sort.ACCURACY:
            where += f" AND {_ELIGIBLE}"
        async with self._db.conn.execute(
            f"SELECT COUNT(*) + 1 FROM score_totals WHERE {where} AND {_PRIMARY[sort]} > ?",
            (guild_id, season, value),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 1

    async def _period_board(
        self,
        guild_id: int,
        season: int,
        sort: Sort,
        since: float,
        page: int,
        page_size: int,
        viewer_id: int | None,
    ) -> tuple[int, tuple[BoardLine, ...], BoardLine | None]:
        """A window of time: one aggregate over the season's results in it, ranked by window
        functions; only the page, the viewer and the leader come back."""
        value, tie, eligible = _PERIOD_RANKING[sort]
        sql = _PERIOD_BOARD.format(value=value, tie=tie, eligible=eligible)
        params: dict[str, object] = {
            "guild": guild_id,
            "season": season,
            "since": since,
            "viewer": viewer_id,
            "size": page_size,
        }

        async def run(at: int) -> list[aiosqlite.Row]:
            params["offset"] = at * page_size
            async with self._db.conn.execute(sql, params) as cur:
                return list(await cur.fetchall())

        rows = await run(page)
        total = int(rows[-1]["rank"])  # the last part is the count of ranked players
        clamped = clamp_page(page, total, page_size)
        if clamped != page:
            rows = await run(clamped)
        on_page = [(int(r["player_id"]), int(r["rank"])) for r in rows if r["part"] == 0]
        mine = next(
            ((int(r["player_id"]), None if r["rank"] is None else int(r["rank"]))
             for r in rows if r["part"] == 1),
            None,
        )  # fmt: skip
        wanted = [player for player, _ in on_page] + ([mine[0]] if mine else [])
        figures: dict[int, aiosqlite.Row] = {}
        if wanted:
            async with self._db.conn.execute(
                _PERIOD_FIGURES.format(marks=", ".join("?" * len(wanted))),
                (*wanted, guild_id, season, since),
            ) as cur:
                figures = {int(r["player_id"]): r async for r in cur}
        lines = tuple(_line(figures[player], rank) for player, rank in on_page)
        viewer = _line(figures[mine[0]], mine[1]) if mine else None
        return total, lines, viewer

    # -- players -------------------------------------------------------------------------------

    async def player_stats(self, guild_id: int, player_id: int, season: int) -> PlayerStats | None:
        """A player's figures for one season of one server; None if they have none."""
        async with self._db.conn.execute(_STATS, (guild_id, season, player_id)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return PlayerStats(
            guild_id=guild_id,
            player_id=player_id,
            season=season,
            rounds=int(row[0]),
            wins=int(row[1]),
            points=int(row[2]),
            right=int(row[3]),
            answered=int(row[4]),
            best_streak=int(row[5]),
            first_played_at=float(row[6]),
            last_played_at=float(row[7]),
            rank=int(row[8]),
            ranked_players=int(row[9]),
            favourite_topic=str(row[10]) if row[10] is not None else None,
        )

    async def seasons_played(self, guild_id: int, player_id: int) -> list[int]:
        async with self._db.conn.execute(
            "SELECT season FROM score_totals WHERE guild_id = ? AND player_id = ? ORDER BY season",
            (guild_id, player_id),
        ) as cur:
            return [int(r[0]) async for r in cur]

    async def player_data(self, guild_id: int, player_id: int) -> PlayerData:
        """Everything stored about a player in a server, oldest first."""
        conn, key = self._db.conn, (guild_id, player_id)
        async with conn.execute(
            "SELECT season, rounds, wins, points, right_answers, answered, best_streak,"
            " first_played_at, last_played_at FROM score_totals"
            " WHERE guild_id = ? AND player_id = ? ORDER BY season",
            key,
        ) as cur:
            seasons = tuple(
                [
                    SeasonTotals(
                        season=int(r[0]),
                        rounds=int(r[1]),
                        wins=int(r[2]),
                        points=int(r[3]),
                        right=int(r[4]),
                        answered=int(r[5]),
                        best_streak=int(r[6]),
                        first_played_at=float(r[7]),
                        last_played_at=float(r[8]),
                    )
                    async for r in cur
                ]
            )
        async with conn.execute(
            "SELECT r.season, r.round_id, s.channel_id, r.finished_at, r.points,"
            " r.right_answers, r.answered, r.best_streak, r.rank, r.won"
            " FROM score_results r JOIN score_rounds s"
            "   ON s.guild_id = r.guild_id AND s.round_id = r.round_id"
            " WHERE r.guild_id = ? AND r.player_id = ? ORDER BY r.finished_at, r.round_id",
            key,
        ) as cur:
            rounds = tuple(
                [
                    ExportedRound(
                        season=int(r[0]),
                        round_id=int(r[1]),
                        channel_id=int(r[2]),
                        finished_at=float(r[3]),
                        points=int(r[4]),
                        right=int(r[5]),
                        answered=int(r[6]),
                        best_streak=int(r[7]),
                        rank=int(r[8]),
                        won=bool(r[9]),
                    )
                    async for r in cur
                ]
            )
        async with conn.execute(
            "SELECT season, round_id, question_id, topic, correct, points, answered_at"
            " FROM score_answers WHERE guild_id = ? AND player_id = ?"
            " ORDER BY answered_at, round_id, question_id",
            key,
        ) as cur:
            answers = tuple(
                [
                    ExportedAnswer(
                        season=int(r[0]),
                        round_id=int(r[1]),
                        question_id=str(r[2]),
                        topic=str(r[3]),
                        correct=bool(r[4]),
                        points=int(r[5]),
                        answered_at=float(r[6]),
                    )
                    async for r in cur
                ]
            )
        return PlayerData(guild_id, player_id, seasons, rounds, answers)

    async def forget_player(self, guild_id: int, player_id: int) -> int:
        """Delete every score and answer of a player in a server (all seasons). Returns how
        many round results were deleted. Their rounds stay recorded, so replaying a record
        of one of them does not bring the scores back."""
        key = (guild_id, player_id)
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM score_answers WHERE guild_id = ? AND player_id = ?", key
            )
            async with conn.execute(
                "DELETE FROM score_results WHERE guild_id = ? AND player_id = ?", key
            ) as cur:
                removed = cur.rowcount
            await conn.execute("DELETE FROM score_totals WHERE guild_id = ? AND player_id = ?", key)
        log.info("guild %d: scores of player %d deleted (%d rounds)", guild_id, player_id, removed)
        return max(0, removed)
