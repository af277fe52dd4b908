"""/about: what this bot is, how much it knows, and whether it is healthy."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from lalabot import PROJECT_URL, __version__
from lalabot.bot.embeds import about_embed

if TYPE_CHECKING:
    from lalabot.bot.client import LalaBot

__all__ = ["AboutCog"]


class AboutCog(commands.Cog):
    def __init__(self, bot: LalaBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="About lalabot: version, facts, uptime")
    async def about(self, interaction: discord.Interaction) -> None:
        service = self.bot.service
        latency = self.bot.latency
        embed = about_embed(
            version=__version__,
            facts=await service.facts.count(),
            questions=await service.question_count(),
            uptime_seconds=time.monotonic() - self.bot.started_at,
            latency_ms=None if not math.isfinite(latency) else latency * 1000,
            servers=len(self.bot.guilds),
            url=PROJECT_URL,
        )
        await interaction.response.send_message(embed=embed)
