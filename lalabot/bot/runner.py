"""Running the bot as a process: token checks, the Discord endpoint, signals, forced sync."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord
import yarl
from discord.gateway import DiscordWebSocket

from lalabot.bot.client import LalaBot
from lalabot.bot.gc_policy import tuned_collector
from lalabot.bot.sync import SyncState, command_payloads, payload_hash
from lalabot.config import Settings
from lalabot.errors import ConfigError

__all__ = ["force_sync", "point_at_discord", "run_bot"]

log = logging.getLogger(__name__)

_NO_TOKEN = (
    "DISCORD_TOKEN is not set. Create an application at "
    "https://discord.com/developers/applications, open Bot, press Reset Token, "
    "and put the token in .env as DISCORD_TOKEN=... (see README, Self-hosting)."
)
_BAD_TOKEN = (
    "Discord rejected DISCORD_TOKEN. Reset the token on the Bot page of your application at "
    "https://discord.com/developers/applications and update .env."
)


def point_at_discord(settings: Settings) -> None:
    """Talk to the Discord-compatible server the settings name, if any."""
    if settings.api_url:
        discord.http.Route.BASE = settings.api_url
        log.info("using the Discord API at %s", settings.api_url)
    if settings.gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
        log.info("using the Discord gateway at %s", settings.gateway_url)


def _token(settings: Settings) -> str:
    if not settings.token:
        raise ConfigError(_NO_TOKEN)
    return settings.token.reveal()


async def run_bot(settings: Settings) -> int:
    """Run until SIGTERM or SIGINT, then close everything and return 0."""
    token = _token(settings)
    point_at_discord(settings)
    bot = LalaBot(settings)
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []

    def request_close(signame: str) -> None:
        if not closing:
            log.info("%s received: closing", signame)
            closing.append(loop.create_task(bot.close()))

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, request_close, sig.name)
    try:
        async with bot, tuned_collector(bot):
            await bot.start(token)
    except discord.LoginFailure:
        raise ConfigError(_BAD_TOKEN) from None
    except discord.PrivilegedIntentsRequired:
        raise ConfigError(
            "Discord refused the connection for privileged intents; lalabot needs none."
        ) from None
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        if closing:
            await asyncio.gather(*closing)
    log.info("closed cleanly")
    return 0


async def force_sync(settings: Settings, guild_id: int | None) -> str:
    """Sync the commands now, globally or to one guild, whatever the stored hash says."""
    token = _token(settings)
    point_at_discord(settings)
    bot = LalaBot(settings, sync_commands=False)
    try:
        async with bot:
            try:
                await bot.login(token)
            except discord.LoginFailure:
                raise ConfigError(_BAD_TOKEN) from None
            if guild_id is not None:
                guild = discord.Object(id=guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
                return f"synced {len(synced)} commands to server {guild_id}"
            synced = await bot.tree.sync()
            assert bot.application_id is not None
            SyncState(settings.db_path.parent / "command-sync.json").remember(
                bot.application_id, payload_hash(command_payloads(bot.tree))
            )
            return f"synced {len(synced)} global commands"
    finally:
        await bot.close()
