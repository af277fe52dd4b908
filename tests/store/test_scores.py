"""ScoreStore: recording rounds, wins, periods, sorts, ranks, pages, seasons, forget, export."""

from __future__ import annotations

import json
import re

import pytest

from lalabot.core.leaderboard import (
    ACCURACY_MIN_ANSWERS,
    Board,
    Period,
    Sort,
    clamp_page,
    competition_ranks,
    is_win,
    page_count,
)
from lalabot.errors import NotFoundError, UserFacingError
from lalabot.service import LalaService
from lalabot.store.db import Database, load_migrations
from lalabot.store.scores import AnswerRecord, PlayerResult, RoundRecord, ScoreStore
from tests.conftest import dump

DAY = 86_400.0
NOW = 1_750_000_000.0
G1, G2 = 111, 222

# (player_id, points, right, answered, best_streak, rank)
Result = tuple[int, int, int, int, int, int]


def _round(
    round_id: int,
    at: float,
    results: list[Result],
    *,
    guild: int = G1,
    topics: tuple[str, ...] = ("music",),
) -> RoundRecord:
    """A round whose answers agree with the results: each player's first `right` are right."""
    answers = [
        AnswerRecord(
            player_id=pid,
            question_id=f"q{n}",
            topic=topics[n % len(topics)],
            correct=n < right,
            points=100 if n < right else 0,
            answered_at=at - 60 + n,
        )
        for pid, _, right, answered, _, _ in results
        for n in range(answered)
    ]
    return RoundRecord(
        round_id=round_id,
        guild_id=guild,
        channel_id=guild * 10,
        finished_at=at,
        players=tuple(PlayerResult(*r) for r in results),
        answers=tuple(answers),
    )


@pytest.fixture
def scores(db: Database) -> ScoreStore:
    return ScoreStore(db)


def _ids(board: Board) -> list[int]:
    return [line.player_id for line in board.lines]


def _ranks(board: Board) -> list[int | None]:
    return [line.rank for line in board.lines]


# -- the pure rules ---------------------------------------------------------------------------


def test_a_win_is_first_place_with_someone_to_beat() -> None:
    assert is_win(1, 2)
    assert is_win(1, 9)
    assert not is_win(1, 1)
    assert not is_win(2, 3)


def test_competition_ranks_share_ties_across_a_page_boundary() -> None:
    assert competition_ranks(1, 1, [50, 40, 40, 30]) == [1, 2, 2, 4]
    # page 2 starts at position 11 inside a tie that began at position 9
    assert competition_ranks(9, 11, [7, 7, 6, 6, 5]) == [9, 9, 13, 13, 15]
    assert competition_ranks(1, 1, []) == []


def test_pages_and_periods() -> None:
    assert page_count(0) == 1
    assert page_count(10) == 1
    assert page_count(11) == 2
    assert clamp_page(9, 25) == 2
    assert clamp_page(-3, 25) == 0
    assert Period.WEEK.since(NOW) == NOW - 7 * DAY
    assert Period.MONTH.since(NOW) == NOW - 30 * DAY
    assert Period.ALL.since(NOW) is None


def test_the_accuracy_index_uses_the_same_threshold_as_the_code() -> None:
    sql = next(m.sql for m in load_migrations() if m.name == "scores")
    found = re.search(r"score_totals_by_accuracy[^;]*WHERE answered >= (\d+)", sql)
    assert found is not None
    assert int(found[1]) == ACCURACY_MIN_ANSWERS


# -- recording --------------------------------------------------------------------------------


async def test_recording_a_round_adds_it_to_the_board_and_stats(scores: ScoreStore) -> None:
    await scores.record_round(
        _round(1, NOW - 100, [(10, 500, 5, 6, 4, 1), (20, 300, 3, 6, 2, 2)]), now=NOW
    )
    board = await scores.board(G1, now=NOW)
    assert _ids(board) == [10, 20]
    first = board.lines[0]
    assert (first.rank, first.rounds, first.wins, first.points) == (1, 1, 1, 500)
    assert (first.right, first.answered, first.best_streak) == (5, 6, 4)
    assert board.lines[1].wins == 0
    stats = await scores.player_stats(G1, 20, 1)
    assert stats is not None
    assert (stats.rounds, stats.wins, stats.points, stats.rank, stats.ranked_players) == (
        1,
        0,
        300,
        2,
        2,
    )
    assert stats.accuracy == pytest.approx(0.5)
    assert stats.favourite_topic == "music"


async def test_recording_the_same_round_twice_changes_nothing(
    db: Database, scores: ScoreStore
) -> None:
    record = _round(7, NOW - 100, [(10, 500, 5, 6, 4, 1), (20, 300, 3, 6, 2, 2)])
    await scores.record_round(record, now=NOW)
    before = await dump(db)
    await scores.record_round(record, now=NOW + 5)
    assert await dump(db) == before
    # the same round id in another server is another round
    await scores.record_round(_round(7, NOW - 100, [(10, 1, 1, 1, 1, 1)], guild=G2), now=NOW)
    assert (await scores.board(G1, now=NOW)).lines[0].points == 500


async def test_totals_add_up_over_rounds(scores: ScoreStore) -> None:
    await scores.record_round(_round(1, NOW - 300, [(10, 100, 1, 3, 1, 1), (20, 50, 1, 3, 3, 2)]))
    await scores.record_round(_round(2, NOW - 200, [(10, 200, 2, 3, 5, 1), (20, 10, 0, 3, 0, 2)]))
    line = (await scores.board(G1, now=NOW)).lines[0]
    assert (line.player_id, line.rounds, line.wins, line.points) == (10, 2, 2, 300)
    assert (line.right, line.answered, line.best_streak) == (3, 6, 5)


async def test_ties_for_first_all_win_and_solo_rounds_win_nothing(scores: ScoreStore) -> None:
    await scores.record_round(
        _round(1, NOW - 50, [(10, 300, 3, 3, 3, 1), (20, 300, 3, 3, 3, 1), (30, 100, 1, 3, 1, 3)])
    )
    await scores.record_round(_round(2, NOW - 40, [(30, 900, 9, 9, 9, 1)]))  # alone: no win
    board = await scores.board(G1, sort=Sort.WINS, now=NOW)
    wins = {line.player_id: line.wins for line in board.lines}
    assert wins == {10: 1, 20: 1, 30: 0}
    assert _ranks(board) == [1, 1, 3]


async def test_a_player_listed_twice_is_refused(scores: ScoreStore) -> None:
    with pytest.raises(ValueError, match="twice"):
        await scores.record_round(_round(1, NOW, [(10, 1, 1, 1, 1, 1), (10, 2, 1, 1, 1, 1)]))
    assert (await scores.board(G1, now=NOW)).total == 0


async def test_a_round_nobody_played_is_recorded_and_shows_nothing(scores: ScoreStore) -> None:
    await scores.record_round(_round(1, NOW, []))
    assert (await scores.board(G1, now=NOW)).total == 0


# -- periods and sorts ------------------------------------------------------------------------


async def _three_ages(scores: ScoreStore) -> None:
    await scores.record_round(
        _round(1, NOW - 2 * DAY, [(10, 100, 1, 2, 1, 1), (20, 50, 1, 2, 1, 2)])
    )
    await scores.record_round(
        _round(2, NOW - 20 * DAY, [(20, 400, 4, 4, 4, 1), (30, 1, 0, 2, 0, 2)])
    )
    await scores.record_round(
        _round(3, NOW - 90 * DAY, [(30, 900, 9, 9, 9, 1), (10, 0, 0, 9, 0, 2)])
    )


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period.WEEK, [(10, 100), (20, 50)]),
        (Period.MONTH, [(20, 450), (10, 100), (30, 1)]),
        (Period.ALL, [(30, 901), (20, 450), (10, 100)]),
    ],
)
async def test_periods_are_rolling_windows_ending_now(
    scores: ScoreStore, period: Period, expected: list[tuple[int, int]]
) -> None:
    await _three_ages(scores)
    board = await scores.board(G1, period=period, now=NOW)
    assert [(line.player_id, line.points) for line in board.lines] == expected
    assert board.total == len(expected)
    # a window's figures are sums of that window only
    if period is Period.MONTH:
        assert board.lines[0].rounds == 2
        assert board.lines[0].best_streak == 4


async def test_a_round_just_inside_the_week_counts(scores: ScoreStore) -> None:
    await scores.record_round(_round(1, NOW - 7 * DAY, [(10, 5, 1, 1, 1, 1)]))
    await scores.record_round(_round(2, NOW - 7 * DAY - 1, [(20, 5, 1, 1, 1, 1)]))
    assert _ids(await scores.board(G1, period=Period.WEEK, now=NOW)) == [10]


async def _sortable(scores: ScoreStore, at: float) -> None:
    """Four players with different strengths; 40 has too few answers for accuracy."""
    # round 1: 10 wins by points
    await scores.record_round(
        _round(
            1,
            at,
            [
                (10, 900, 15, 25, 3, 1),  # 60 %
                (20, 500, 18, 20, 8, 2),  # 90 %, longest streak
                (30, 500, 20, 25, 6, 2),  # 80 %
                (40, 100, 5, 5, 5, 4),  # 100 % of only 5 answers
            ],
        )
    )
    # rounds 2 and 3: 30 wins twice with tiny scores
    for rid in (2, 3):
        await scores.record_round(_round(rid, at + rid, [(30, 1, 0, 0, 0, 1), (40, 0, 0, 0, 0, 2)]))


@pytest.mark.parametrize("period", list(Period))
@pytest.mark.parametrize(
    ("sort", "order", "ranks"),
    [
        (Sort.POINTS, [10, 30, 20, 40], [1, 2, 3, 4]),  # 30 and 20 differ by 2 points
        (Sort.WINS, [30, 10, 20, 40], [1, 2, 3, 3]),  # 20 and 40: no wins, points break tie
        (Sort.ACCURACY, [20, 30, 10], [1, 2, 3]),  # 40 has too few answers
        (Sort.STREAK, [20, 30, 40, 10], [1, 2, 3, 4]),
    ],
)
async def test_every_sort_in_every_period(
    scores: ScoreStore, period: Period, sort: Sort, order: list[int], ranks: list[int]
) -> None:
    await _sortable(scores, NOW - DAY)
    board = await scores.board(G1, period=period, sort=sort, now=NOW)
    assert _ids(board) == order
    assert _ranks(board) == ranks
    assert board.total == len(order)


@pytest.mark.parametrize("period", [Period.ALL, Period.MONTH])
async def test_accuracy_needs_twenty_answers(scores: ScoreStore, period: Period) -> None:
    await _sortable(scores, NOW - DAY)
    board = await scores.board(G1, period=period, sort=Sort.ACCURACY, now=NOW, viewer_id=40)
    assert 40 not in _ids(board)
    assert board.viewer is not None
    assert board.viewer.rank is None
    assert board.viewer.answered == 5
    # answer 15 more (all wrong) and 40 is ranked, last
    await scores.record_round(_round(9, NOW - 10, [(40, 0, 0, 15, 0, 1)]))
    board = await scores.board(G1, period=period, sort=Sort.ACCURACY, now=NOW, viewer_id=40)
    assert _ids(board)[-1] == 40
    assert board.viewer is not None
    assert board.viewer.rank == 4


async def test_equal_points_share_a_rank(scores: ScoreStore) -> None:
    await scores.record_round(
        _round(1, NOW - 10, [(10, 70, 1, 1, 1, 1), (20, 70, 1, 1, 1, 1), (30, 10, 0, 1, 0, 3)])
    )
    for period in Period:
        board = await scores.board(G1, period=period, now=NOW)
        assert _ranks(board) == [1, 1, 3]


# -- paging -----------------------------------------------------------------------------------


async def _crowd(scores: ScoreStore, players: int, at: float) -> None:
    """Players 1..n; player p scores 10 * p points, and 16 and 15 tie (150 and 150)."""
    results: list[Result] = []
    for p in range(1, players + 1):
        points = 150 if p == 16 else 10 * p
        results.append((p, points, 1, 1, 1, 1))
    await scores.record_round(_round(1, at, results))


@pytest.mark.parametrize("period", [Period.ALL, Period.WEEK])
async def test_pages_of_ten_with_the_viewer_off_the_page(
    scores: ScoreStore, period: Period
) -> None:
    await _crowd(scores, 25, NOW - 10)
    first = await scores.board(G1, period=period, now=NOW, viewer_id=3)
    assert first.total == 25
    assert first.pages == 3
    assert _ids(first) == [*range(25, 16, -1), 15]  # 15 and 16 tie: lower id first
    assert not first.viewer_on_page
    assert first.viewer is not None
    assert (first.viewer.rank, first.viewer.points) == (23, 30)

    second = await scores.board(G1, period=period, now=NOW, viewer_id=3, page=1)
    assert _ids(second) == [16, *range(14, 5, -1)]
    assert second.lines[0].rank == 10  # 16 and 15 share 10th place across the page break
    assert second.lines[1].rank == 12

    last = await scores.board(G1, period=period, now=NOW, viewer_id=3, page=99)
    assert last.page == 2
    assert _ids(last) == [5, 4, 3, 2, 1]
    assert last.viewer_on_page
    assert last.viewer is not None
    assert last.viewer.rank == 23


async def test_a_viewer_with_no_scores_has_no_line(scores: ScoreStore) -> None:
    await _crowd(scores, 3, NOW - 10)
    for period in Period:
        board = await scores.board(G1, period=period, now=NOW, viewer_id=999)
        assert board.viewer is None
        assert len(board.lines) == 3


async def test_an_empty_board(scores: ScoreStore) -> None:
    for period in Period:
        board = await scores.board(G1, period=period, now=NOW, viewer_id=1, page=3)
        assert (board.total, board.lines, board.viewer, board.page) == (0, (), None, 0)


# -- seasons ----------------------------------------------------------------------------------


async def test_a_reset_starts_a_new_season_and_keeps_the_old(scores: ScoreStore) -> None:
    await _crowd(scores, 3, NOW - 10)
    assert await scores.current_season(G1) == 1
    assert await scores.new_season(G1, expected=1, by=42, now=NOW) == 2
    assert await scores.current_season(G1) == 2
    assert await scores.current_season(G2) == 1  # per server
    assert await scores.season_started_at(G1, 2) == NOW

    fresh = await scores.board(G1, now=NOW)
    assert (fresh.season, fresh.current_season, fresh.total) == (2, 2, 0)
    await scores.record_round(_round(2, NOW, [(1, 5, 1, 1, 1, 1)]))
    fresh = await scores.board(G1, now=NOW)
    assert [(line.player_id, line.points, line.rounds) for line in fresh.lines] == [(1, 5, 1)]

    old = await scores.board(G1, season=1, now=NOW)
    assert _ids(old) == [3, 2, 1]
    assert old.lines[2].points == 10
    stats = await scores.player_stats(G1, 1, 1)
    assert stats is not None
    assert stats.points == 10
    assert await scores.seasons_played(G1, 1) == [1, 2]


async def test_a_second_reset_from_the_same_season_does_nothing(scores: ScoreStore) -> None:
    assert await scores.new_season(G1, expected=1, by=42) == 2
    assert await scores.new_season(G1, expected=1, by=43) is None
    assert await scores.current_season(G1) == 2


# -- players: stats, forget, export -----------------------------------------------------------


async def test_favourite_topic_is_the_one_with_most_right_answers(scores: ScoreStore) -> None:
    record = RoundRecord(
        round_id=1,
        guild_id=G1,
        channel_id=5,
        finished_at=NOW,
        players=(PlayerResult(10, 300, 3, 5, 2, 1),),
        answers=(
            AnswerRecord(10, "a", "cast", True, 100, NOW - 5),
            AnswerRecord(10, "b", "music", True, 100, NOW - 4),
            AnswerRecord(10, "c", "music", True, 100, NOW - 3),
            AnswerRecord(10, "d", "cast", False, 0, NOW - 2),
            AnswerRecord(10, "e", "cast", False, 0, NOW - 1),
        ),
    )
    await scores.record_round(record)
    stats = await scores.player_stats(G1, 10, 1)
    assert stats is not None
    assert stats.favourite_topic == "music"
    assert await scores.player_stats(G1, 99, 1) is None
    assert await scores.player_stats(G2, 10, 1) is None


async def test_forget_deletes_a_player_everywhere_in_one_server_only(
    scores: ScoreStore,
) -> None:
    await scores.record_round(_round(1, NOW - 10, [(10, 5, 1, 2, 1, 1), (20, 3, 1, 2, 1, 2)]))
    await scores.new_season(G1, expected=1, by=1)
    await scores.record_round(_round(2, NOW - 5, [(10, 7, 1, 2, 1, 1), (20, 3, 1, 2, 1, 2)]))
    await scores.record_round(_round(3, NOW - 5, [(10, 9, 1, 2, 1, 1)], guild=G2))

    assert await scores.forget_player(G1, 10) == 2
    data = await scores.player_data(G1, 10)
    assert data.empty
    for season in (1, 2):
        assert _ids(await scores.board(G1, season=season, now=NOW)) == [20]
    assert await scores.player_stats(G1, 10, 2) is None
    assert _ids(await scores.board(G2, now=NOW)) == [10]  # the other server keeps them
    # replaying an already recorded round does not bring the scores back
    await scores.record_round(_round(2, NOW - 5, [(10, 7, 1, 2, 1, 1), (20, 3, 1, 2, 1, 2)]))
    assert _ids(await scores.board(G1, now=NOW)) == [20]
    assert await scores.forget_player(G1, 10) == 0


async def test_player_data_holds_everything_and_exports_as_json(scores: ScoreStore) -> None:
    await scores.record_round(
        _round(1, NOW - 10, [(10, 5, 1, 2, 1, 1), (20, 3, 1, 2, 1, 2)], topics=("cast",))
    )
    await scores.new_season(G1, expected=1, by=1)
    await scores.record_round(_round(2, NOW - 5, [(10, 7, 2, 3, 2, 2), (20, 9, 3, 3, 3, 1)]))
    await scores.record_round(_round(3, NOW, [(10, 1, 1, 1, 1, 1)], guild=G2))

    data = await scores.player_data(G1, 10)
    assert [s.season for s in data.seasons] == [1, 2]
    assert [(r.round_id, r.season, r.won, r.rank) for r in data.rounds] == [
        (1, 1, True, 1),
        (2, 2, False, 2),
    ]
    assert len(data.answers) == 5
    assert {a.round_id for a in data.answers} == {1, 2}

    document = json.loads(data.to_json(exported_at=NOW))
    assert document["format"] == "lalabot-player-data"
    assert (document["guild_id"], document["player_id"]) == (str(G1), "10")
    assert document["rounds"][0]["channel_id"] == str(G1 * 10)
    assert document["rounds"][0]["finished_at"].endswith("+00:00")
    assert document["answers"][0]["topic"] == "cast"
    assert sum(a["correct"] for a in document["answers"]) == 3
    assert [s["points"] for s in document["seasons"]] == [5, 7]


async def test_scores_are_strictly_per_server(scores: ScoreStore) -> None:
    await scores.record_round(_round(1, NOW - 10, [(10, 500, 5, 5, 5, 1), (20, 1, 0, 5, 0, 2)]))
    await scores.record_round(
        _round(1, NOW - 10, [(20, 900, 5, 5, 5, 1), (30, 2, 0, 5, 0, 2)], guild=G2)
    )
    for period in Period:
        for sort in Sort:
            one = await scores.board(G1, period=period, sort=sort, now=NOW)
            two = await scores.board(G2, period=period, sort=sort, now=NOW)
            assert set(_ids(one)) <= {10, 20}
            assert set(_ids(two)) <= {20, 30}
    stats = await scores.player_stats(G2, 20, 1)
    assert stats is not None
    assert (stats.points, stats.wins, stats.rank) == (900, 1, 1)


# -- storage built for scale ------------------------------------------------------------------


async def test_all_time_boards_read_in_index_order(db: Database, scores: ScoreStore) -> None:
    """No temporary sort for all-time pages and rank counts: they walk one index range."""
    from lalabot.store import scores as module

    for sort in Sort:
        where = "guild_id = 1 AND season = 1"
        if sort is Sort.ACCURACY:
            where += f" AND {module._ELIGIBLE}"
        for sql in (
            f"SELECT * FROM score_totals WHERE {where} ORDER BY {module._ORDER[sort]} LIMIT 10",
            f"SELECT COUNT(*) FROM score_totals WHERE {where} AND {module._PRIMARY[sort]} > 5",
        ):
            async with db.conn.execute("EXPLAIN QUERY PLAN " + sql) as cur:
                plan = " / ".join([str(r[3]) async for r in cur])
            assert "USING" in plan
            assert "INDEX" in plan
            assert "TEMP B-TREE" not in plan, plan


async def test_period_boards_read_one_time_range_of_one_server(
    db: Database, scores: ScoreStore
) -> None:
    """Week and month boards read the server's season from `since` on, never its history."""
    from lalabot.store import scores as module

    await _crowd(scores, 30, NOW - 10)
    for analyzed in (False, True):
        if analyzed:
            await db.conn.execute("ANALYZE")
        for sort in Sort:
            value, tie, eligible = module._PERIOD_RANKING[sort]
            sql = module._PERIOD_BOARD.format(value=value, tie=tie, eligible=eligible)
            params = {"guild": G1, "season": 1, "since": NOW - DAY, "viewer": 3}
            params |= {"size": 10, "offset": 0}
            async with db.conn.execute("EXPLAIN QUERY PLAN " + sql, params) as cur:
                plan = [str(r[3]) async for r in cur]
            reads = [step for step in plan if "score_results" in step]
            assert reads == [
                "SEARCH score_results USING PRIMARY KEY (guild_id=? AND season=? AND finished_at>?)"
            ], plan
        figures = module._PERIOD_FIGURES.format(marks="?, ?")
        async with db.conn.execute(
            "EXPLAIN QUERY PLAN " + figures, (1, 2, G1, 1, NOW - DAY)
        ) as cur:
            plan = [str(r[3]) async for r in cur]
        assert any("COVERING INDEX score_results_by_player" in step for step in plan), plan


# -- through the service ----------------------------------------------------------------------


async def test_the_service_refuses_unknown_choices_and_seasons(service: LalaService) -> None:
    await service.record_round(_round(1, NOW - 10, [(10, 5, 1, 1, 1, 1), (20, 1, 0, 1, 0, 2)]))
    with pytest.raises(UserFacingError, match="Unknown period"):
        await service.leaderboard(G1, period="fortnight")
    with pytest.raises(UserFacingError, match="Unknown sort"):
        await service.leaderboard(G1, sort="@everyone")
    with pytest.raises(NotFoundError, match="still in its first season"):
        await service.leaderboard(G1, season=2)
    assert await service.start_new_season(G1, expected=1, by=5) == 2
    with pytest.raises(UserFacingError, match="already reset"):
        await service.start_new_season(G1, expected=1, by=6)
    with pytest.raises(NotFoundError, match="from 1 to 2"):
        await service.leaderboard(G1, season=3)
    old = await service.leaderboard(G1, season=1, period="week", sort="wins", now=NOW)
    assert _ids(old) == [10, 20]
    assert await service.player_stats(G1, 10) is None  # a new season
    assert await service.seasons_played(G1, 10) == [1]
    exported = await service.export_player_data(G1, 10, now=NOW)
    assert exported is not None
    assert json.loads(exported)["seasons"][0]["points"] == 5
    assert await service.forget_player(G1, 10) == 1
    assert await service.export_player_data(G1, 10) is None
