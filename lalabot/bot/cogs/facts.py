"""/fact, the "Another fact" button, /topic with paging, and /settings for spoilers."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from lalabot.bot.context import bot_of, require_manage_guild
from lalabot.bot.embeds import (
    ENDING_WARNING,
    PAGE_SIZE,
    fact_embed,
    not_found_text,
    results_embed,
)
from lalabot.bot.views import PAGE_TURNS, guarded, owner_only, page_turn_button, turned
from lalabot.core.facts import TOPICS, topic_by_name
from lalabot.errors import UserFacingError

if TYPE_CHECKING:
    from lalabot.bot.client import LalaBot

__all__ = ["AnotherFactButton", "FactsCog", "TopicPageButton", "topic_pager"]

log = logging.getLogger(__name__)

TOPIC_REFUSAL = "Only the person who asked can turn these pages. Try `/topic` yourself!"


class AnotherFactButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"lalabot:fact:(?P<topic>[a-z-]{0,24})"
):
    """Persistent: the topic lives in the custom_id, so it works after a restart."""

    def __init__(self, topic: str | None) -> None:
        self.topic = topic or ""
        super().__init__(
            discord.ui.Button(
                label="Another fact",
                emoji="🎹",
                style=discord.ButtonStyle.primary,
                custom_id=f"lalabot:fact:{self.topic}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnotherFactButton:
        return cls(match["topic"] if topic_by_name(match["topic"]) else None)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, send_fact(interaction, self.topic or None))


def fact_view(topic: str | None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnotherFactButton(topic))
    return view


async def send_fact(interaction: discord.Interaction[Any], topic: str | None) -> None:
    bot = bot_of(interaction)
    fact = await bot.service.next_fact(interaction.guild_id, bot.rng, topic)
    show = await bot.service.show_spoilers(interaction.guild_id)
    resolved = topic_by_name(topic) if topic else None
    await interaction.response.send_message(
        embed=fact_embed(fact, show_spoilers=show),
        view=fact_view(resolved.slug if resolved else None),
    )


class TopicPageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"lalabot:topic:(?P<lookup>\d{1,20}):(?P<owner>\d{1,20}):(?P<page>\d{1,6}):(?P<way>prev|next)",
):
    """◀ or ▶ over a /topic lookup's results. The custom_id holds the lookup's id, who asked,
    the page shown and the way; the query itself is in the bot's recent lookups."""

    def __init__(
        self,
        lookup_id: int,
        owner_id: int,
        page: int,
        way: str,
        *,
        disabled: bool = False,
        button: discord.ui.Button[Any] | None = None,
    ) -> None:
        self.lookup_id, self.owner_id, self.page, self.way = lookup_id, owner_id, page, way
        custom_id = f"lalabot:topic:{lookup_id}:{owner_id}:{page}:{way}"
        super().__init__(button or page_turn_button(custom_id, way, disabled=disabled))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TopicPageButton:
        button = item if isinstance(item, discord.ui.Button) else None
        lookup, owner, page = int(match["lookup"]), int(match["owner"]), int(match["page"])
        return cls(lookup, owner, page, match["way"], button=button)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return await owner_only(interaction, self.owner_id, TOPIC_REFUSAL)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction[Any]) -> None:
        bot = bot_of(interaction)
        query = bot.recent_lookups.get(self.lookup_id)
        if query is None:
            raise UserFacingError("This lookup has expired: run `/topic` again.")
        page = turned(self.page, self.way)
        result = await bot.service.search(query, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        pages = _pages(result.total)
        if page >= pages:  # fewer facts than when the page was shown
            page = pages - 1
            result = await bot.service.search(query, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        show = await bot.service.show_spoilers(interaction.guild_id)
        await interaction.response.edit_message(
            embed=results_embed(result, page=page, show_spoilers=show),
            view=topic_pager(self.lookup_id, self.owner_id, page, pages),
        )


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def topic_pager(lookup_id: int, owner_id: int, page: int, pages: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for way in PAGE_TURNS:
        last = page <= 0 if way == "prev" else page >= pages - 1
        view.add_item(TopicPageButton(lookup_id, owner_id, page, way, disabled=last))
    return view


async def _topic_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    folded = current.casefold().strip()
    return [
        app_commands.Choice(name=t.name, value=t.slug)
        for t in TOPICS
        if not folded or folded in t.name.casefold() or t.slug.startswith(folded)
    ][:25]


class FactsCog(commands.Cog):
    settings = app_commands.Group(
        name="settings",
        description="lalabot settings for this server",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: LalaBot) -> None:
        self.bot = bot

    @app_commands.command(name="fact", description="A random La La Land fact")
    @app_commands.describe(topic="Only facts about this topic")
    @app_commands.autocomplete(topic=_topic_autocomplete)
    async def fact(self, interaction: discord.Interaction, topic: str | None = None) -> None:
        await send_fact(interaction, topic)

    @app_commands.command(name="topic", description="Look up facts about a subject")
    @app_commands.describe(query="A name, a song, a place, a topic or a question")
    async def topic(self, interaction: discord.Interaction, query: str) -> None:
        result = await self.bot.service.search(query, limit=PAGE_SIZE)
        if not result.facts:
            await interaction.response.send_message(not_found_text(result), ephemeral=True)
            return
        show = await self.bot.service.show_spoilers(interaction.guild_id)
        self.bot.recent_lookups.remember(interaction.id, query)
        pages = _pages(result.total)
        await interaction.response.send_message(
            embed=results_embed(result, page=0, show_spoilers=show),
            view=topic_pager(interaction.id, interaction.user.id, 0, pages),
        )

    @topic.autocomplete("query")
    async def _query_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = await self.bot.service.suggest(current, 25)
        return [app_commands.Choice(name=name[:100], value=value[:100]) for name, value in pairs]

    @settings.command(name="spoilers", description="Show or hide spoilers about the ending")
    @app_commands.describe(mode="show: spoiler facts appear plainly; hide: behind spoiler tags")
    async def spoilers(
        self, interaction: discord.Interaction, mode: Literal["show", "hide"]
    ) -> None:
        guild_id = require_manage_guild(interaction)
        await self.bot.service.set_show_spoilers(guild_id, mode == "show")
        text = (
            "Spoilers are now **shown**: facts about the ending appear plainly."
            if mode == "show"
            else "Spoilers are now **hidden**: facts about the ending appear behind spoiler tags."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @settings.command(name="view", description="See this server's lalabot settings")
    async def view(self, interaction: discord.Interaction) -> None:
        guild_id = require_manage_guild(interaction)
        show = await self.bot.service.show_spoilers(guild_id)
        await interaction.response.send_message(
            f"**Spoilers:** {'shown' if show else 'hidden behind spoiler tags'}.\n"
            f"{ENDING_WARNING if not show else ''}".strip(),
            ephemeral=True,
        )
