"""Base classes for views, modals and persistent buttons: errors reach the player, privately."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord

from lalabot.bot.errors import report_error

__all__ = ["LalaModal", "LalaView", "guarded"]

log = logging.getLogger(__name__)


class LalaView(discord.ui.View):
    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error)


class LalaModal(discord.ui.Modal):
    async def on_error(  # type: ignore[override]  # discord.py: Modal drops the item
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await report_error(interaction, error)


async def guarded(interaction: discord.Interaction[Any], work: Awaitable[None]) -> None:
    """Run a DynamicItem's work, answering any error like a command's.

    discord.py only logs exceptions from a DynamicItem's callback (it has no on_error)."""
    try:
        await work
    except Exception as error:
        await report_error(interaction, error)
