"""Embeds, built to fit Discord's limits whatever the text."""

from __future__ import annotations

import discord

__all__ = [
    "BRAND_COLOUR",
    "DESCRIPTION_LIMIT",
    "about_embed",
    "clip",
    "format_duration",
]

BRAND_COLOUR = discord.Colour(0x6A4C93)  # the purple of the magic-hour sky
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
TITLE_LIMIT = 256


def clip(text: str, limit: int) -> str:
    """Text cut to fit `limit` characters, at a word boundary where it can, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def format_duration(seconds: float) -> str:
    total = int(seconds)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{n}{unit}" for n, unit in parts if n] or ["0s"]
    return " ".join(shown[:2])


def about_embed(
    *,
    version: str,
    facts: int,
    questions: int,
    uptime_seconds: float,
    latency_ms: float | None,
    servers: int,
    url: str,
) -> discord.Embed:
    embed = discord.Embed(
        title="lalabot",
        description="Trivia about *La La Land* (2016): facts, lookups and quiz rounds.",
        colour=BRAND_COLOUR,
        url=url,
    )
    embed.add_field(name="Version", value=version)
    embed.add_field(name="Facts", value=f"{facts:,}")
    embed.add_field(name="Questions", value=f"{questions:,}")
    embed.add_field(name="Uptime", value=format_duration(uptime_seconds))
    embed.add_field(
        name="Gateway latency", value="—" if latency_ms is None else f"{latency_ms:.0f} ms"
    )
    embed.add_field(name="Servers", value=f"{servers:,}")
    embed.set_footer(text=f"Open source and self-hostable: {url}")
    return embed
