"""/leaderboard, /stats, /leaderboard-admin reset|remove and /mydata export|forget.

Discord does not let a command have both options and subcommands, so the viewing commands keep
exactly their specified form (``/leaderboard [period] [sort] [season]``, ``/stats [member]``)
and the rest live in two groups: ``/leaderboard-admin`` (Manage Server by default, and checked
here too, since server admins can change who sees a command) and ``/mydata`` (a player's own
data in this server). Everything destructive asks first, with buttons only the asker can press.
"""

from __future__ import annotations

import gzip
import io
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from lalabot.bot.context import bot_of, guild_id_of, require_manage_guild
from lalabot.bot.leaderboard_embeds import board_embed, empty_board_text, stats_embed
from lalabot.bot.views import PAGE_TURNS, LalaView, guarded, owner_only, page_turn_button, turned
from lalabot.core.leaderboard import Board
from lalabot.errors import UserFacingError

if TYPE_CHECKING:
    from lalabot.bot.client import LalaBot

__all__ = ["BoardKey", "BoardPageButton", "ConfirmView", "LeaderboardCog", "board_pager"]

log = logging.getLogger(__name__)

BOARD_REFUSAL = "Only the person who asked can turn these pages. Try `/leaderboard` yourself!"
CONFIRM_TIMEOUT = 60.0
MAX_SEASON = 1_000_000

Outcome = tuple[str, str | None]
"""What a confirmed action tells the asker privately, and what it announces in the channel."""


class BoardPageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=(
        r"lalabot:board:(?P<owner>\d{1,20}):(?P<period>[a-z]{1,10}):(?P<sort>[a-z]{1,10})"
        r":(?P<season>\d{1,7}):(?P<now>\d{1,12}):(?P<page>\d{1,6}):(?P<way>prev|next)"
    ),
):
    """◀ or ▶ over a board. The custom_id holds all of it: who asked, the period, sort and
    season, the moment it was asked (a week stays the same week while the pages turn), the
    page shown and the way."""

    def __init__(
        self,
        key: BoardKey,
        page: int,
        way: str,
        *,
        disabled: bool = False,
        button: discord.ui.Button[Any] | None = None,
    ) -> None:
        self.key, self.page, self.way = key, page, way
        custom_id = (
            f"lalabot:board:{key.owner_id}:{key.period}:{key.sort}:{key.season}:{key.now}"
            f":{page}:{way}"
        )
        super().__init__(button or page_turn_button(custom_id, way, disabled=disabled))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> BoardPageButton:
        key = BoardKey(
            int(match["owner"]),
            match["period"],
            match["sort"],
            int(match["season"]),
            int(match["now"]),
        )
        button = item if isinstance(item, discord.ui.Button) else None
        return cls(key, int(match["page"]), match["way"], button=button)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return await owner_only(interaction, self.key.owner_id, BOARD_REFUSAL)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction[Any]) -> None:
        key = self.key
        board = await bot_of(interaction).service.leaderboard(
            guild_id_of(interaction),
            period=key.period,
            sort=key.sort,
            season=key.season,
            page=turned(self.page, self.way),
            viewer_id=key.owner_id,
            now=float(key.now),
        )
        await interaction.response.edit_message(
            embed=board_embed(board), view=board_pager(board, key)
        )


@dataclass(frozen=True, slots=True)
class BoardKey:
    """Which board a pager shows, whatever its page."""

    owner_id: int
    period: str
    sort: str
    season: int
    now: int


def board_pager(board: Board, key: BoardKey) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for way in PAGE_TURNS:
        last = board.page <= 0 if way == "prev" else board.page >= board.pages - 1
        view.add_item(BoardPageButton(key, board.page, way, disabled=last))
    return view


class ConfirmView(LalaView):
    """A yes/no question (ephemeral) that only the asker may answer; it expires quietly."""

    def __init__(
        self,
        *,
        origin: discord.Interaction[Any],
        confirm_label: str,
        action: Callable[[discord.Interaction[Any]], Awaitable[Outcome]],
        admin_only: bool = False,
    ) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.origin = origin
        self.owner_id = origin.user.id
        self.action = action
        self.admin_only = admin_only
        self.confirm.label = confirm_label
        self.done = False

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                "Only the person who asked can answer this.", ephemeral=True
            )
            return False
        if self.admin_only:
            require_manage_guild(interaction)  # permissions may have changed meanwhile
        return True

    async def _finish(self, interaction: discord.Interaction[Any], text: str) -> None:
        self.done = True
        self.stop()
        await interaction.response.edit_message(content=text, view=None)

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ConfirmView]
    ) -> None:
        if self.done:  # a second click that raced the first
            await interaction.response.send_message("That's already done.", ephemeral=True)
            return
        self.done = True
        try:
            text, announcement = await self.action(interaction)
        except UserFacingError as error:
            text, announcement = error.message, None
        await self._finish(interaction, text)
        if announcement:
            await interaction.followup.send(announcement)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ConfirmView]
    ) -> None:
        await self._finish(interaction, "Cancelled: nothing changed.")

    async def on_timeout(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            await self.origin.edit_original_response(
                content="This question expired: nothing changed.", view=None
            )
        except discord.HTTPException as exc:
            log.info("could not expire a confirmation: %s", exc)


def _season_list(seasons: list[int]) -> str:
    if len(seasons) == 1:
        return f"season {seasons[0]}"
    return "seasons " + ", ".join(str(s) for s in seasons[:-1]) + f" and {seasons[-1]}"


class LeaderboardCog(commands.Cog):
    admin = app_commands.Group(
        name="leaderboard-admin",
        description="Start a new leaderboard season, or remove a member's scores",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    mydata = app_commands.Group(
        name="mydata",
        description="What lalabot stores about you in this server",
        guild_only=True,
    )

    def __init__(self, bot: LalaBot) -> None:
        self.bot = bot

    # -- viewing -------------------------------------------------------------------------------

    @app_commands.command(name="leaderboard", description="This server's best trivia players")
    @app_commands.guild_only()
    @app_commands.describe(
        period="week: last 7 days · month: last 30 days · all: the whole season (default)",
        sort="What ranks players (default: points); accuracy needs 20+ answers",
        season="An earlier season's board (default: the current season)",
    )
    @app_commands.choices(
        period=[
            app_commands.Choice(name="week (last 7 days)", value="week"),
            app_commands.Choice(name="month (last 30 days)", value="month"),
            app_commands.Choice(name="all (the whole season)", value="all"),
        ],
        sort=[
            app_commands.Choice(name="points", value="points"),
            app_commands.Choice(name="wins", value="wins"),
            app_commands.Choice(name="accuracy (20+ answers)", value="accuracy"),
            app_commands.Choice(name="best streak", value="streak"),
        ],
    )
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        period: app_commands.Choice[str] | None = None,
        sort: app_commands.Choice[str] | None = None,
        season: app_commands.Range[int, 1, MAX_SEASON] | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        now = int(time.time())  # whole seconds: the page buttons carry it
        board = await self.bot.service.leaderboard(
            guild_id,
            period=period.value if period else "all",
            sort=sort.value if sort else "points",
            season=season,
            viewer_id=interaction.user.id,
            now=now,
        )
        if not board.lines:
            await interaction.response.send_message(empty_board_text(board), ephemeral=True)
            return
        if board.pages == 1:
            await interaction.response.send_message(embed=board_embed(board))
            return
        key = BoardKey(interaction.user.id, board.period.value, board.sort.value, board.season, now)
        await interaction.response.send_message(
            embed=board_embed(board), view=board_pager(board, key)
        )

    @app_commands.command(name="stats", description="A player's trivia stats in this server")
    @app_commands.guild_only()
    @app_commands.describe(member="Whose stats (default: yours)")
    async def stats(
        self, interaction: discord.Interaction, member: discord.User | None = None
    ) -> None:
        guild_id = guild_id_of(interaction)
        target = member or interaction.user
        if target.bot:
            raise UserFacingError("Bots don't play trivia, so they have no stats.")
        service = self.bot.service
        found = await service.player_stats(guild_id, target.id)
        current = await service.current_season(guild_id)
        if found is None:
            await interaction.response.send_message(
                await self._no_stats_text(guild_id, target, interaction.user.id, current),
                ephemeral=True,
            )
            return
        await interaction.response.send_message(embed=stats_embed(found, current_season=current))

    async def _no_stats_text(
        self, guild_id: int, target: discord.abc.User, asker_id: int, current: int
    ) -> str:
        you = target.id == asker_id
        who = "You" if you else target.mention
        earlier = await self.bot.service.seasons_played(guild_id, target.id)
        if earlier:
            return (
                f"{who} {'have' if you else 'has'} no scores in season {current} yet."
                f" Earlier: {_season_list(earlier)}, see `/leaderboard season:{earlier[-1]}`."
            )
        if you:
            return "You haven't played a round in this server yet. Join a quiz to get on the board!"
        return f"{who} hasn't played a round in this server yet."

    # -- admin ---------------------------------------------------------------------------------

    @admin.command(name="reset", description="Start a new season: everyone starts from zero")
    async def reset(self, interaction: discord.Interaction) -> None:
        guild_id = require_manage_guild(interaction)
        service = self.bot.service
        current = await service.current_season(guild_id)
        admin_id = interaction.user.id

        async def start(_: discord.Interaction[Any]) -> Outcome:
            season = await service.start_new_season(guild_id, expected=current, by=admin_id)
            return (
                f"Season {season} has begun. Season {current} stays on"
                f" `/leaderboard season:{current}`.",
                f"🎬 **Season {season} begins!** The leaderboard starts again from zero;"
                f" season {current} stays on `/leaderboard season:{current}`.",
            )

        view = ConfirmView(
            origin=interaction,
            confirm_label=f"Start season {current + 1}",
            action=start,
            admin_only=True,
        )
        await interaction.response.send_message(
            f"Start **season {current + 1}**? Everyone's scores start again from zero. Season"
            f" {current} is kept: `/leaderboard season:{current}` will still show it.",
            view=view,
            ephemeral=True,
        )

    @admin.command(name="remove", description="Delete a member's scores in this server")
    @app_commands.describe(member="Whose scores to delete (every season)")
    async def remove(self, interaction: discord.Interaction, member: discord.User) -> None:
        guild_id = require_manage_guild(interaction)
        service = self.bot.service
        seasons = await service.seasons_played(guild_id, member.id)
        if not seasons:
            raise UserFacingError(f"{member.mention} has no scores in this server.")
        who = member.mention

        async def delete(_: discord.Interaction[Any]) -> Outcome:
            rounds = await service.forget_player(guild_id, member.id)
            return f"Removed {who}'s scores: {rounds:,} round results, every season.", None

        view = ConfirmView(
            origin=interaction, confirm_label="Remove scores", action=delete, admin_only=True
        )
        await interaction.response.send_message(
            f"Remove all of {who}'s scores in this server ({_season_list(seasons)})? They leave"
            " every leaderboard here, old seasons included. This can't be undone.",
            view=view,
            ephemeral=True,
        )

    # -- a player's own data -------------------------------------------------------------------

    @mydata.command(name="export", description="Download everything lalabot stores about you")
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        data = await self.bot.service.export_player_data(guild_id, interaction.user.id)
        if data is None:
            await interaction.response.send_message(
                "lalabot stores nothing about you in this server.", ephemeral=True
            )
            return
        name = f"lalabot-{guild_id}-{interaction.user.id}.json"
        if len(data) > interaction.filesize_limit - 1024:  # a very long history: compress it
            data, name = gzip.compress(data), name + ".gz"
        await interaction.response.send_message(
            "Everything lalabot stores about you in this server: your totals per season,"
            " every round and every answer.",
            file=discord.File(io.BytesIO(data), filename=name),
            ephemeral=True,
        )

    @mydata.command(name="forget", description="Delete everything lalabot stores about you")
    async def forget(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        service = self.bot.service
        player_id = interaction.user.id
        data = await service.player_data(guild_id, player_id)
        if data.empty:
            raise UserFacingError("lalabot stores nothing about you in this server.")

        async def delete(_: discord.Interaction[Any]) -> Outcome:
            await service.forget_player(guild_id, player_id)
            return "Done: everything lalabot stored about you in this server is deleted.", None

        seasons = [s.season for s in data.seasons]
        view = ConfirmView(origin=interaction, confirm_label="Delete my data", action=delete)
        await interaction.response.send_message(
            f"Delete everything lalabot stores about you in this server: {len(data.rounds):,}"
            f" rounds and {len(data.answers):,} answers ({_season_list(seasons)})? Your scores"
            " leave every leaderboard here, old seasons included. This can't be undone."
            " (`/mydata export` first if you'd like a copy.)",
            view=view,
            ephemeral=True,
        )
