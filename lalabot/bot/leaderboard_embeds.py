"""Embeds and texts for /leaderboard and /stats. Players appear as mentions (``<@id>``): Discord
shows their name without notifying them, and no members intent is needed."""

from __future__ import annotations

import discord

from lalabot.bot.embeds import BRAND_COLOUR
from lalabot.core.facts import TOPICS
from lalabot.core.leaderboard import (
    ACCURACY_MIN_ANSWERS,
    Board,
    BoardLine,
    Period,
    PlayerStats,
    Sort,
)

__all__ = ["board_embed", "empty_board_text", "stats_embed"]

_TOPIC_NAMES = {t.slug: t.name for t in TOPICS}
_MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
_SORT_TITLES = {
    Sort.POINTS: "Points",
    Sort.WINS: "Wins",
    Sort.ACCURACY: "Accuracy",
    Sort.STREAK: "Best streak",
}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _where(board: Board) -> str:
    season = "" if board.season == board.current_season else f" of season {board.season}"
    return {
        Period.WEEK: f"in the last 7 days{season}",
        Period.MONTH: f"in the last 30 days{season}",
    }.get(board.period, "this season" if not season else f"in season {board.season}")


def _figures(line: BoardLine, sort: Sort) -> str:
    if sort is Sort.WINS:
        return f"**{_plural(line.wins, 'win')}** · {line.points:,} pts"
    if sort is Sort.ACCURACY:
        return f"**{_percent(line.accuracy)}** · {line.right:,}/{line.answered:,} right"
    if sort is Sort.STREAK:
        return f"**{line.best_streak:,} in a row** · {line.points:,} pts"
    return f"**{line.points:,} pts** · {_plural(line.wins, 'win')} · {_percent(line.accuracy)}"


def _place(rank: int | None) -> str:
    if rank is None:
        return "—"
    return _MEDALS.get(rank, f"**{rank}.**")


def board_embed(board: Board) -> discord.Embed:
    """One page: up to ten players, the viewer's own rank when it is elsewhere, where we are."""
    lines = []
    for line in board.lines:
        you = " ← you" if line.player_id == board.viewer_id else ""
        lines.append(f"{_place(line.rank)} <@{line.player_id}> — {_figures(line, board.sort)}{you}")
    title = f"🏆 Leaderboard — {_SORT_TITLES[board.sort]}, {board.period.label}"
    if board.season != board.current_season:
        title += f" (season {board.season})"
    embed = discord.Embed(title=title, description="\n".join(lines), colour=BRAND_COLOUR)
    if not board.viewer_on_page:
        embed.add_field(name="You", value=_viewer_text(board), inline=False)
    footer = f"Season {board.season}"
    if board.season != board.current_season:
        footer += " (archived)"
    footer += f" · page {board.page + 1} of {board.pages} · {_plural(board.total, 'player')}"
    if board.sort is Sort.ACCURACY:
        footer += f" · accuracy ranks players with {ACCURACY_MIN_ANSWERS}+ answers"
    embed.set_footer(text=footer)
    return embed


def _viewer_text(board: Board) -> str:
    mine = board.viewer
    if mine is None:
        return f"No scores {_where(board)} yet."
    if mine.rank is None:
        return (
            f"Not ranked by accuracy yet: it takes {ACCURACY_MIN_ANSWERS} answers"
            f" and you have {mine.answered:,} ({_percent(mine.accuracy)} right)."
        )
    return f"#{mine.rank:,} of {board.total:,} — {_figures(mine, board.sort)}"


def empty_board_text(board: Board) -> str:
    if board.sort is Sort.ACCURACY:
        return (
            f"Nobody has {ACCURACY_MIN_ANSWERS} answers {_where(board)} yet, so nobody is ranked"
            " by accuracy. Try `sort: points`."
        )
    return f"No scores {_where(board)} yet. Play a quiz round to get on the board!"


def stats_embed(stats: PlayerStats, *, current_season: int) -> discord.Embed:
    embed = discord.Embed(
        title="📊 Player stats",
        description=(
            f"<@{stats.player_id}> in this server, season {stats.season}"
            f" · last played <t:{int(stats.last_played_at)}:R>"
        ),
        colour=BRAND_COLOUR,
    )
    embed.add_field(name="Rounds played", value=f"{stats.rounds:,}")
    embed.add_field(name="Wins", value=f"{stats.wins:,}")
    embed.add_field(name="Points", value=f"{stats.points:,}")
    embed.add_field(
        name="Right answers",
        value=f"{stats.right:,} of {stats.answered:,} ({_percent(stats.accuracy)})",
    )
    embed.add_field(name="Best streak", value=f"{stats.best_streak:,} in a row")
    topic = stats.favourite_topic
    embed.add_field(name="Favourite topic", value=_TOPIC_NAMES.get(topic, topic) if topic else "—")
    embed.add_field(
        name="Rank",
        value=f"#{stats.rank:,} of {stats.ranked_players:,} by points, all time this season",
        inline=False,
    )
    embed.set_footer(text=f"Season {current_season} · /leaderboard for everyone")
    return embed
