"""Turning any error from a command, a view or a modal into an ephemeral reply."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

import discord
from discord import app_commands

from lalabot.core.quiz import QuizError
from lalabot.errors import UserFacingError

__all__ = ["explain", "report_error", "send_ephemeral"]

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction answered too late


def _unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ or getattr(error, "original", None)
        if inner is None:
            break
        error = inner
    return error


def explain(error: BaseException, where: str) -> str:
    """The text a player sees for an error; unexpected ones are logged with an error id."""
    error = _unwrap(error)
    if isinstance(error, UserFacingError | QuizError):
        return error.message
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions | app_commands.BotMissingPermissions):
        perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        who = "You need" if isinstance(error, app_commands.MissingPermissions) else "I need"
        return f"{who} the {perms} permission for that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That only works in a server channel."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    error_id = secrets.token_hex(4)
    if isinstance(error, discord.DiscordServerError):
        log.warning("error %s: Discord answered %s in %s", error_id, error.status, where)
        return (
            f"Discord had a problem with that (HTTP {error.status}); nothing was lost."
            f" Please try again in a moment. (error id `{error_id}`)"
        )
    log.error("error %s: unexpected error in %s", error_id, where, exc_info=error)
    return f"Sorry, something went wrong on my side. It has been logged as error `{error_id}`."


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Reply privately, by follow-up when the interaction was already answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not tell the player about an error: %s", exc)


def _describe(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: Mapping[str, Any] = interaction.data or {}
    custom_id = data.get("custom_id")
    return f"component {custom_id}" if custom_id else "interaction"


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    inner = _unwrap(error)
    if isinstance(inner, discord.NotFound) and inner.code == UNKNOWN_INTERACTION:
        # answered too late: Discord already told the player it failed, and will take no reply
        log.warning("an interaction expired before %s answered it", _describe(interaction))
        return
    await send_ephemeral(interaction, explain(error, _describe(interaction)))
