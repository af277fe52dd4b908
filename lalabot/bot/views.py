"""Base classes for views, modals and persistent buttons: errors reach the player, privately."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import discord

from lalabot.bot.errors import report_error

__all__ = ["LalaModal", "LalaView", "OwnedPager", "SentResponse", "guarded"]

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


@dataclass(frozen=True, slots=True)
class SentResponse:
    """Enough to edit a message an interaction's response sent, for as long as the
    interaction's token lasts (15 minutes): a few numbers, where the interaction itself would
    keep its member, data and more alive while a pager waits out its timeout."""

    client: discord.Client
    application_id: int
    token: str
    message_id: int

    async def edit(self, *, view: discord.ui.View) -> None:
        webhook = discord.Webhook.partial(self.application_id, self.token, client=self.client)
        await webhook.edit_message(self.message_id, view=view)


class OwnedPager(LalaView):
    """◀ ▶ over pages that only the member who asked may turn; disabled when it times out.

    Subclasses say where they are (`page`, `pages`) and how to show another page (`turn_to`,
    which must answer the interaction, typically with `edit_message(..., view=self)`)."""

    refusal = "Only the person who asked can turn these pages."

    def __init__(self, *, owner_id: int, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.sent: SentResponse | None = None

    async def show(self, interaction: discord.Interaction[Any], embed: discord.Embed) -> None:
        """Answer the command with the first page and these buttons."""
        callback = await interaction.response.send_message(embed=embed, view=self)
        if callback.message_id is not None:
            self.sent = SentResponse(
                client=interaction.client,
                application_id=interaction.application_id,
                token=interaction.token,
                message_id=callback.message_id,
            )

    @property
    def page(self) -> int:
        raise NotImplementedError

    @property
    def pages(self) -> int:
        raise NotImplementedError

    async def turn_to(self, interaction: discord.Interaction[Any], page: int) -> None:
        raise NotImplementedError

    def refresh_buttons(self) -> None:
        self.previous.disabled = self.page <= 0
        self.next.disabled = self.page >= self.pages - 1

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(self.refusal, ephemeral=True)
            return False
        return True

    async def _turn(self, interaction: discord.Interaction[Any], step: int) -> None:
        await self.turn_to(interaction, min(max(0, self.page + step), self.pages - 1))

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[OwnedPager]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[OwnedPager]
    ) -> None:
        await self._turn(interaction, +1)

    async def on_timeout(self) -> None:
        self.previous.disabled = self.next.disabled = True
        if self.sent is not None:
            try:
                await self.sent.edit(view=self)
            except discord.HTTPException as exc:
                log.info("could not disable an expired pager: %s", exc)
