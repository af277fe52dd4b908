"""The bot: intents, mentions policy, set-up of stores, cogs, persistent components and sync."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from lalabot.bot.errors import report_error
from lalabot.bot.lookups import RecentLookups
from lalabot.bot.sync import SyncState, apply_sync_policy
from lalabot.config import Settings
from lalabot.quiz_runner import RoundRunner
from lalabot.service import LalaService

__all__ = ["LalaBot", "LalaTree"]

log = logging.getLogger(__name__)


class LalaTree(app_commands.CommandTree["LalaBot"]):
    async def on_error(
        self, interaction: discord.Interaction[LalaBot], error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)


# Interactions arrive whatever the intents; the guilds intent alone keeps channels and servers
# known. Nothing privileged, and no per-message gateway traffic to parse.
INTENTS = discord.Intents(guilds=True)

# lalabot never joins voice: silence discord.py's start-up warnings about voice libraries.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


class LalaBot(commands.Bot):
    """lalabot on Discord. Given a service, it uses it; otherwise it opens (and owns) one."""

    def __init__(
        self,
        settings: Settings,
        *,
        service: LalaService | None = None,
        rng: random.Random | None = None,
        sync_commands: bool = True,
        quiz_gap_seconds: float = 4.0,
        **options: Any,
    ) -> None:
        options.setdefault("chunk_guilds_at_startup", False)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=INTENTS,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=LalaTree,
            **options,
        )
        self.settings = settings
        self._service = service
        self._owns_service = service is None
        self.rng = rng or random.Random()
        self.recent_lookups = RecentLookups()  # /topic queries, for their page buttons
        self.sync_commands = sync_commands
        self.sync_result: str | None = None
        self._quiz_runner: RoundRunner | None = None
        self.quiz_gap_seconds = quiz_gap_seconds
        self.started_at = time.monotonic()

    @property
    def service(self) -> LalaService:
        if self._service is None:
            raise RuntimeError("the bot is not set up yet")
        return self._service

    @property
    def quiz_runner(self) -> RoundRunner:
        if self._quiz_runner is None:
            raise RuntimeError("the bot is not set up yet")
        return self._quiz_runner

    async def setup_hook(self) -> None:
        if self._service is None:
            self._service = await LalaService.open(self.settings)
        await self._service.ensure_questions()
        from lalabot.bot.cogs.quiz import DiscordRoundPresenter

        self._quiz_runner = RoundRunner(
            self._service.quiz,
            DiscordRoundPresenter(self),
            rng=self.rng,
            gap_seconds=self.quiz_gap_seconds,
        )
        from lalabot.bot.cogs import build_cogs, persistent_items  # they import this module

        for cog in build_cogs(self):
            await self.add_cog(cog)
        self.add_dynamic_items(*persistent_items())
        await self._quiz_runner.resume_all()
        if self.sync_commands:
            assert self.application_id is not None
            self.sync_result = await apply_sync_policy(
                self.tree,
                application_id=self.application_id,
                state=SyncState(self.settings.db_path.parent / "command-sync.json"),
                dev_guild_id=self.settings.dev_guild_id,
            )

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("ready as %s (%d) in %d servers", self.user, self.user.id, len(self.guilds))

    async def close(self) -> None:
        try:
            if self._quiz_runner is not None:
                await self._quiz_runner.shutdown()
            await super().close()
        finally:
            if self._owns_service and self._service is not None:
                await self._service.close()
                self._service = None
