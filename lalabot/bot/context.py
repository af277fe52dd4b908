"""Small facts about an interaction that every cog needs: its bot, its server, its rights."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from lalabot.errors import UserFacingError

if TYPE_CHECKING:
    from lalabot.bot.client import LalaBot

__all__ = ["bot_of", "guild_id_of", "require_manage_guild"]


def bot_of(interaction: discord.Interaction[Any]) -> LalaBot:
    from lalabot.bot.client import LalaBot  # the client imports the cogs that import this

    assert isinstance(interaction.client, LalaBot)
    return interaction.client


def guild_id_of(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise UserFacingError("That belongs to a server: use it in a server channel.")
    return interaction.guild_id


def require_manage_guild(interaction: discord.Interaction[Any]) -> int:
    """The server's id, if the member may manage it. Discord hides admin commands from others,
    but a server can override that, so the right is checked here too."""
    guild_id = guild_id_of(interaction)
    if not interaction.permissions.manage_guild:
        raise UserFacingError("Only members with the Manage Server permission can do that.")
    return guild_id
