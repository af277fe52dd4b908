"""Base classes for views, modals and persistent buttons: errors reach the player, privately."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import discord

from lalabot.bot.errors import report_error

__all__ = [
    "PAGE_TURNS",
    "LalaModal",
    "LalaView",
    "guarded",
    "owner_only",
    "page_turn_button",
    "turned",
]


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


PAGE_TURNS = ("prev", "next")  # the ways a pager's ◀ and ▶ turn


def page_turn_button(custom_id: str, way: str, *, disabled: bool) -> discord.ui.Button[Any]:
    """The ◀ or ▶ of a pager whose state lives in its custom_id (a DynamicItem): nothing is
    kept in memory per pager, and its pages still turn after a restart."""
    return discord.ui.Button(
        label="◀" if way == "prev" else "▶",
        style=discord.ButtonStyle.secondary,
        custom_id=custom_id,
        disabled=disabled,
    )


def turned(page: int, way: str) -> int:
    """The page a ◀ or ▶ on `page` leads to (the caller clamps it to the pages there are)."""
    return max(0, page + (1 if way == "next" else -1))


async def owner_only(interaction: discord.Interaction[Any], owner_id: int, refusal: str) -> bool:
    """A DynamicItem's check that only the member who asked turns the pages; others are told
    why, privately."""
    if interaction.user.id != owner_id:
        await interaction.response.send_message(refusal, ephemeral=True)
        return False
    return True
