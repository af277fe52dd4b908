"""The floor: a minimal discord.py bot that answers every interaction with a one-word ephemeral
reply, to measure what discord.py itself costs per interaction (bench/load.py compares lalabot
with it). It declares commands with lalabot's names and options so the same driver can run them.

Run as a process (bench/load.py does):  python -m bench.floor_bot
Reads DISCORD_TOKEN, LALABOT_DISCORD_API_URL and LALABOT_DISCORD_GATEWAY_URL; SIGTERM closes it.
LALABOT_BENCH_FLOOR_LOOP=uvloop runs it on uvloop, as `lalabot run` is, to compare like with like.
"""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Literal

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

__all__ = ["FloorBot", "main"]


async def _ok(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("ok", ephemeral=True)


class FloorBot(discord.Client):
    def __init__(self) -> None:
        super().__init__(
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            chunk_guilds_at_startup=False,
        )
        self.tree = app_commands.CommandTree(self)
        quiz = app_commands.Group(name="quiz", description="Quiz rounds", guild_only=True)

        @quiz.command(name="start", description="Start a round")
        async def start(
            interaction: discord.Interaction,
            questions: app_commands.Range[int, 1, 50] = 10,
            topic: str | None = None,
            difficulty: Literal["easy", "medium", "hard"] | None = None,
            seconds: app_commands.Range[int, 10, 120] = 20,
            mode: Literal["buttons", "typed"] = "buttons",
            spoilers: bool = False,
        ) -> None:
            await _ok(interaction)

        @quiz.command(name="stop", description="Stop the round")
        async def stop(interaction: discord.Interaction) -> None:
            await _ok(interaction)

        @app_commands.command(name="fact", description="A fact")
        async def fact(interaction: discord.Interaction, topic: str | None = None) -> None:
            await _ok(interaction)

        @app_commands.command(name="topic", description="Look up facts")
        async def topic(interaction: discord.Interaction, query: str) -> None:
            await _ok(interaction)

        self.tree.add_command(quiz)
        self.tree.add_command(fact)
        self.tree.add_command(topic)

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Slash commands are answered by the tree; buttons (no view is stored) here.
        if interaction.type is discord.InteractionType.component:
            await _ok(interaction)


async def main() -> None:
    api, gateway = (
        os.environ.get("LALABOT_DISCORD_API_URL"),
        os.environ.get("LALABOT_DISCORD_GATEWAY_URL"),
    )
    if api:
        discord.http.Route.BASE = api
    if gateway:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    bot = FloorBot()
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []

    def close() -> None:
        if not closing:
            closing.append(loop.create_task(bot.close()))

    loop.add_signal_handler(signal.SIGTERM, close)
    loop.add_signal_handler(signal.SIGINT, close)
    async with bot:
        await bot.start(os.environ["DISCORD_TOKEN"])
    if closing:
        await asyncio.gather(*closing)


if __name__ == "__main__":
    if os.environ.get("LALABOT_BENCH_FLOOR_LOOP") == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(main())
    else:
        asyncio.run(main())
