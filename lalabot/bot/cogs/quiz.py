"""/quiz start and /quiz stop, the answer buttons and modal, and how rounds look on Discord."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from lalabot.bot.cogs.facts import _topic_autocomplete
from lalabot.bot.context import bot_of
from lalabot.bot.quiz_embeds import question_embed, results_embed, reveal_embed, starting_text
from lalabot.bot.views import LalaModal, guarded
from lalabot.core.quiz import LETTERS, OpenQuestion, Results, Reveal, Round
from lalabot.errors import UserFacingError
from lalabot.quiz_service import RoundOptions

if TYPE_CHECKING:
    from lalabot.bot.client import LalaBot

__all__ = ["AnswerButton", "DiscordRoundPresenter", "QuizCog", "TypedAnswerButton"]

log = logging.getLogger(__name__)


async def _lock_in(
    interaction: discord.Interaction[Any], round_id: int, index: int, given: str, shown: str
) -> None:
    bot = bot_of(interaction)
    result = await bot.service.quiz.answer(round_id, index, interaction.user.id, given)
    await interaction.response.send_message(f"Locked in: **{shown}**", ephemeral=True)
    bot.quiz_runner.answered(round_id, result)


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"lalabot:answer:(?P<round>\d{1,18}):(?P<q>\d{1,2}):(?P<choice>[A-D])",
):
    """One choice of one question; persistent, so it works after a restart."""

    def __init__(
        self,
        round_id: int,
        index: int,
        letter: str,
        label: str = "",
        *,
        button: discord.ui.Button[Any] | None = None,
    ) -> None:
        """A new button, or (``button``) the one a click came from, as discord.py rebuilt it
        from the message: a click needs no second copy."""
        self.round_id, self.index, self.letter = round_id, index, letter
        super().__init__(
            button
            or discord.ui.Button(
                label=(f"{letter}: {label}"[:80] if label else letter),
                style=discord.ButtonStyle.primary,
                custom_id=f"lalabot:answer:{round_id}:{index}:{letter}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        button = item if isinstance(item, discord.ui.Button) else None
        return cls(int(match["round"]), int(match["q"]), match["choice"], button=button)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(
            interaction,
            _lock_in(interaction, self.round_id, self.index, self.letter, self.letter),
        )


class AnswerModal(LalaModal):
    answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Your answer", placeholder="Type it here", max_length=100
    )

    def __init__(self, round_id: int, index: int) -> None:
        super().__init__(
            title=f"Question {index + 1}", custom_id=f"lalabot:typedanswer:{round_id}:{index}"
        )
        self.round_id, self.index = round_id, index

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        text = self.answer.value.strip()
        if not text:
            raise UserFacingError("Type an answer first.")
        shown = discord.utils.escape_mentions(discord.utils.escape_markdown(text[:100]))
        await _lock_in(interaction, self.round_id, self.index, text, shown)


class TypedAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"lalabot:typed:(?P<round>\d{1,18}):(?P<q>\d{1,2})",
):
    def __init__(self, round_id: int, index: int) -> None:
        self.round_id, self.index = round_id, index
        super().__init__(
            discord.ui.Button(
                label="Answer",
                emoji="✍️",
                style=discord.ButtonStyle.primary,
                custom_id=f"lalabot:typed:{round_id}:{index}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TypedAnswerButton:
        return cls(int(match["round"]), int(match["q"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction[Any]) -> None:
        round_ = bot_of(interaction).service.quiz.live(self.round_id)
        if round_.current_index != self.index or round_.open_question_view() is None:
            raise UserFacingError("This question has closed.")
        if any(a.player_id == interaction.user.id for a in round_.answers(self.index)):
            raise UserFacingError("You have already answered this question.")
        await interaction.response.send_modal(AnswerModal(self.round_id, self.index))


def question_view(round_: Round, shown: OpenQuestion) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if shown.choices:
        for letter, choice in shown.labelled:
            view.add_item(AnswerButton(round_.id, shown.index, letter, choice))
    else:
        view.add_item(TypedAnswerButton(round_.id, shown.index))
    return view


def revealed_view(round_: Round, reveal: Reveal) -> discord.ui.View:
    """The question's buttons, disabled, with the right one marked. Nothing listens to them,
    so the view is stopped before it is sent: discord.py keeps every unfinished view with
    enabled or disabled buttons, and a timeout of None, for as long as the bot runs."""
    view = discord.ui.View(timeout=None)
    view.stop()
    if not reveal.choices:
        return view
    for letter, choice in zip(LETTERS, reveal.choices, strict=False):
        right = letter == reveal.correct_letter
        view.add_item(
            discord.ui.Button(
                label=f"{letter}: {choice}"[:80],
                emoji="✅" if right else None,
                style=discord.ButtonStyle.success if right else discord.ButtonStyle.secondary,
                custom_id=f"lalabot:answer:{round_.id}:{reveal.index}:{letter}",
                disabled=True,
            )
        )
    return view


class DiscordRoundPresenter:
    """Shows rounds in their channel with plain channel messages (no 15-minute token limit)."""

    def __init__(self, bot: LalaBot) -> None:
        self.bot = bot

    def _channel(self, round_: Round) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(round_.channel_id, guild_id=round_.guild_id)

    async def show_question(self, round_: Round, question: OpenQuestion) -> int | None:
        message = await self._channel(round_).send(
            embed=question_embed(round_, question), view=question_view(round_, question)
        )
        return message.id

    async def show_reveal(self, round_: Round, reveal: Reveal, message_id: int | None) -> None:
        show = await self.bot.service.show_spoilers(round_.guild_id)
        embed = reveal_embed(reveal, show_spoilers=show)
        channel = self._channel(round_)
        if message_id is None:
            await channel.send(embed=embed)
            return
        await channel.get_partial_message(message_id).edit(
            embed=embed, view=revealed_view(round_, reveal)
        )

    async def show_results(self, round_: Round, results: Results) -> None:
        await self._channel(round_).send(embed=results_embed(results))

    async def show_paused(self, round_: Round) -> None:
        await self._channel(round_).send(
            "⏸️ lalabot is restarting. This round is saved and carries on when it is back."
        )


class QuizCog(commands.Cog):
    quiz = app_commands.Group(
        name="quiz", description="Multiplayer La La Land quiz rounds", guild_only=True
    )

    def __init__(self, bot: LalaBot) -> None:
        self.bot = bot

    @quiz.command(name="start", description="Start a quiz round in this channel")
    @app_commands.describe(
        questions="How many questions (1-50, default 10)",
        topic="Only questions about this topic",
        difficulty="easy, medium or hard",
        seconds="Seconds per question (10-120, default 20)",
        mode="buttons: pick A-D; typed: type the answer",
        spoilers="Include questions that spoil the ending (default false)",
    )
    @app_commands.autocomplete(topic=_topic_autocomplete)
    async def start(
        self,
        interaction: discord.Interaction,
        questions: app_commands.Range[int, 1, 50] = 10,
        topic: str | None = None,
        difficulty: Literal["easy", "medium", "hard"] | None = None,
        seconds: app_commands.Range[int, 10, 120] = 20,
        mode: Literal["buttons", "typed"] = "buttons",
        spoilers: bool = False,
    ) -> None:
        assert interaction.guild_id is not None
        assert interaction.channel_id is not None
        options = RoundOptions(questions, topic, difficulty, seconds, mode, spoilers)
        round_ = await self.bot.service.quiz.start(
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            starter_id=interaction.user.id,
            options=options,
            rng=self.bot.rng,
        )
        await interaction.response.send_message(
            starting_text(
                round_, starter_id=interaction.user.id, topic=topic, difficulty=difficulty
            )
        )
        self.bot.quiz_runner.launch(round_.id)

    @quiz.command(name="stop", description="Stop the round running in this channel")
    async def stop(self, interaction: discord.Interaction) -> None:
        assert interaction.channel_id is not None
        round_ = await self.bot.service.quiz.running_in(interaction.channel_id)
        if round_ is None:
            raise UserFacingError("No round is running in this channel.")
        if interaction.user.id != round_.starter_id and not interaction.permissions.manage_guild:
            raise UserFacingError(
                "Only the member who started the round, or one with Manage Server, can stop it."
            )
        await self.bot.quiz_runner.stop(round_.id)
        await interaction.response.send_message(
            f"⏹️ <@{interaction.user.id}> stopped the round. Results below."
        )
