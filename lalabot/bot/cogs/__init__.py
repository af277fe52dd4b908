"""Cogs, each given its collaborators in its constructor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

if TYPE_CHECKING:
    from lalabot.bot.client import LalaBot

__all__ = ["build_cogs"]


def build_cogs(bot: LalaBot) -> list[commands.Cog]:
    from lalabot.bot.cogs.about import AboutCog

    return [AboutCog(bot)]
