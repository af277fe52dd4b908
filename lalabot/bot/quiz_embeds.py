"""Quiz messages: a question with its countdown, its reveal, and the final standings."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from lalabot.bot.embeds import BRAND_COLOUR, clip, inert
from lalabot.core.quiz import OpenQuestion, Results, Reveal, Round, Standing

__all__ = ["question_embed", "results_embed", "reveal_embed", "starting_text"]

REVEAL_COLOUR = discord.Colour(0x2E8B57)
MEDALS = ("🥇", "🥈", "🥉")


def _prompt(text: str) -> str:
    return clip(discord.utils.escape_markdown(text), 1500)


def question_embed(round_: Round, shown: OpenQuestion) -> discord.Embed:
    lines = [f"**{_prompt(shown.question.prompt)}**", ""]
    if shown.choices:
        lines += [f"**{letter}.** {clip(choice, 200)}" for letter, choice in shown.labelled]
        lines.append("")
        lines.append("Pick a button below. One answer each.")
    else:
        lines.append("Press **Answer** and type your answer. One answer each.")
    lines.append(f"Closes <t:{int(shown.deadline)}:R>.")
    embed = discord.Embed(
        title=f"Question {shown.number} of {shown.total}",
        description="\n".join(lines),
        colour=BRAND_COLOUR,
    )
    embed.set_footer(text=f"Round {round_.id} · {int(round_.seconds)} s per question")
    return embed


def _did_you_know(text: str | None, spoiler: bool, show_spoilers: bool) -> str | None:
    if not text:
        return None
    body = clip(discord.utils.escape_markdown(text), 900)
    if spoiler and not show_spoilers:
        body = f"||{body.replace('||', '| |')}||"
    return f"**Did you know?** {body}"


def reveal_embed(reveal: Reveal, *, show_spoilers: bool) -> discord.Embed:
    question = reveal.question
    answer = clip(question.answer, 200)
    if reveal.correct_letter:
        answer = f"{reveal.correct_letter}. {answer}"
    lines = [
        f"**{_prompt(question.prompt)}**",
        "",
        f"✅ **{discord.utils.escape_markdown(answer)}**",
    ]
    if reveal.right:
        shown = [f"<@{pid}> +{reveal.awards[pid].total}" for pid in reveal.right[:20]]
        more = len(reveal.right) - len(shown)
        lines.append("Got it: " + ", ".join(shown) + (f" and {more} more" if more > 0 else ""))
    elif reveal.answers:
        lines.append("Nobody got this one.")
    else:
        lines.append("Nobody answered.")
    wrong = len(reveal.answers) - len(reveal.right)
    if wrong > 0:
        lines.append(f"{wrong} wrong answer{'s' if wrong != 1 else ''}.")
    fact = _did_you_know(question.fact_text, question.spoiler, show_spoilers)
    if fact:
        lines += ["", fact]
    if reveal.auto_stopped:
        lines += ["", "No answers for three questions in a row, so the round stops here."]
    return discord.Embed(
        title=f"Question {reveal.number} of {reveal.total}: closed",
        description=clip("\n".join(lines), 4000),
        colour=REVEAL_COLOUR,
    )


def _standing_line(standing: Standing) -> str:
    medal = MEDALS[standing.rank - 1] if standing.rank <= len(MEDALS) else f"**{standing.rank}.**"
    return (
        f"{medal} <@{standing.player_id}> — **{standing.points}** pts · "
        f"{standing.right}/{standing.answered} right · best streak {standing.best_streak}"
    )


def results_embed(results: Results) -> discord.Embed:
    reason = {
        "completed": "Round over!",
        "stopped": "Round stopped.",
        "auto_stopped": "Round stopped: nobody was answering.",
        "cancelled": "Round cancelled.",
    }.get(results.reason.value if results.reason else "", "Round over!")
    standings: Sequence[Standing] = results.standings
    if standings:
        shown = [_standing_line(s) for s in standings[:25]]
        if len(standings) > 25:
            shown.append(f"…and {len(standings) - 25} more players.")
        body = "\n".join(shown)
    else:
        body = "Nobody answered a question. Maybe next time!"
    embed = discord.Embed(
        title=f"🏆 {reason}",
        description=clip(body, 4000),
        colour=BRAND_COLOUR,
    )
    embed.set_footer(
        text=f"{results.questions_asked} of {results.questions_total} questions asked"
        " · scores count towards /leaderboard"
    )
    return embed


def starting_text(
    round_: Round, *, starter_id: int, topic: str | None, difficulty: str | None
) -> str:
    about = []
    if topic:
        about.append(inert(topic, 40))
    if difficulty:
        about.append(difficulty)
    filters = f" ({', '.join(about)})" if about else ""
    mode = "buttons" if round_.mode == "buttons" else "typed answers"
    return (
        f"🎬 <@{starter_id}> started a quiz: **{len(round_.questions)} questions**{filters},"
        f" {int(round_.seconds)} s each, {mode}. Anyone here can play!"
    )
