"""Cogs, each given its collaborators in its constructor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from lalabot.bot.client import LalaBot

__all__ = ["build_cogs", "persistent_items"]


def build_cogs(bot: LalaBot) -> list[commands.Cog]:
    from lalabot.bot.cogs.about import AboutCog
    from lalabot.bot.cogs.facts import FactsCog
    from lalabot.bot.cogs.leaderboard import LeaderboardCog
    from lalabot.bot.cogs.quiz import QuizCog

    return [AboutCog(bot), FactsCog(bot), QuizCog(bot), LeaderboardCog(bot)]


def persistent_items() -> list[type[discord.ui.DynamicItem[Any]]]:
    """Components whose custom_id carries their state: they keep working after a restart."""
    from lalabot.bot.cogs.facts import AnotherFactButton, TopicPageButton
    from lalabot.bot.cogs.leaderboard import BoardPageButton
    from lalabot.bot.cogs.quiz import AnswerButton, TypedAnswerButton

    return [AnotherFactButton, AnswerButton, TypedAnswerButton, TopicPageButton, BoardPageButton]
