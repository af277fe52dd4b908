"""Embeds, built to fit Discord's limits whatever the text."""

from __future__ import annotations

import discord

from lalabot.core.facts import TOPICS, Fact
from lalabot.core.search import SearchResult

__all__ = [
    "BRAND_COLOUR",
    "DESCRIPTION_LIMIT",
    "ENDING_WARNING",
    "PAGE_SIZE",
    "about_embed",
    "clip",
    "fact_embed",
    "fact_text",
    "format_duration",
    "inert",
    "not_found_text",
    "results_embed",
]

ENDING_WARNING = "⚠️ Spoilers: this is about how the film ends."
SPOILER_COLOUR = discord.Colour(0x2B2D31)
_TOPIC_NAMES = {t.slug: t.name for t in TOPICS}

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


def inert(text: str, limit: int = 80) -> str:
    """A player's text made safe to echo: one line, shortened, markdown and mentions escaped."""
    flat = clip(" ".join(text.split()), limit)
    return discord.utils.escape_mentions(discord.utils.escape_markdown(flat))


def fact_text(fact: Fact, *, show_spoilers: bool, limit: int) -> str:
    """A fact's text for Discord: markdown escaped, clipped, spoiler-tagged unless shown."""
    room = limit - 4 if fact.spoiler and not show_spoilers else limit
    body = clip(discord.utils.escape_markdown(fact.text), room)
    if fact.spoiler and not show_spoilers:
        return f"||{body.replace('||', '| |')}||"
    return body


def _topics(fact: Fact) -> str:
    return ", ".join(_TOPIC_NAMES.get(slug, slug) for slug in fact.topics) or "—"


def fact_embed(fact: Fact, *, show_spoilers: bool) -> discord.Embed:
    embed = discord.Embed(
        title="Did you know?",
        description=fact_text(fact, show_spoilers=show_spoilers, limit=DESCRIPTION_LIMIT - 100),
        colour=SPOILER_COLOUR if fact.spoiler else BRAND_COLOUR,
    )
    embed.add_field(name="Topics", value=_topics(fact))
    if fact.spoiler:
        embed.add_field(name="Spoiler", value="About the ending")
    embed.set_footer(text=clip(f"Source: {fact.source} · fact {fact.id}", 2048))
    return embed


PAGE_SIZE = 5
_PER_FACT_LIMIT = 700  # five of them fit the 4,096 description with room for the header


def results_embed(
    result: SearchResult, *, page: int, show_spoilers: bool, page_size: int = PAGE_SIZE
) -> discord.Embed:
    """One page of lookup results: the best facts, the total count and where we are."""
    pages = max(1, -(-result.total // page_size))
    about = result.subject or result.corrected_query or result.query
    title = f"{inert(about, 120)} — {result.total:,} fact{'s' if result.total != 1 else ''}"
    lines: list[str] = []
    if any(f.fact.spoiler for f in result.facts) or "ending" in (result.subject or "").casefold():
        lines.append(ENDING_WARNING)
    if result.corrected_query and result.corrected_query != result.query:
        lines.append(f"Showing results for **{inert(result.corrected_query)}**.")
    start = page * page_size
    for number, scored in enumerate(result.facts, start=start + 1):
        text = fact_text(scored.fact, show_spoilers=show_spoilers, limit=_PER_FACT_LIMIT)
        lines.append(f"**{number}.** {text}\n-# {_topics(scored.fact)} · {scored.fact.id}")
    description = "\n\n".join(lines)
    embed = discord.Embed(
        title=clip(title, TITLE_LIMIT),
        description=clip(description, DESCRIPTION_LIMIT),
        colour=BRAND_COLOUR,
    )
    shown_to = start + len(result.facts)
    embed.set_footer(
        text=f"Page {page + 1} of {pages} · facts {start + 1}–{shown_to} of {result.total:,}"
    )
    return embed


def not_found_text(result: SearchResult) -> str:
    text = f"Nothing found for “{inert(result.query)}”."
    if result.suggestions:
        text += " Did you mean " + ", ".join(f"**{inert(s, 60)}**" for s in result.suggestions[:5])
        text += "?"
    return text + " Try a name (`Emma Stone`), a song (`City of Stars`) or a topic (`Awards`)."
