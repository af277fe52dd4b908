"""The fake Discord against the unmodified discord.py client (a tiny bot defined here)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import types
from collections.abc import AsyncIterator
from typing import Any

import discord
import discord.http
import pytest
from discord import app_commands

from tests.fakediscord import (
    DEFAULT_BOT_PERMISSIONS,
    SEND_MESSAGES,
    Channel,
    FakeDiscord,
    StoredMessage,
    limits,
)
from tests.fakediscord.fixtures import discord_py_at_fake, fake_discord  # noqa: F401 (fixtures)

NAMES = ["Mia", "Sebastian", "Keith", "Laura", "Tracy"]


class TinyModal(discord.ui.Modal, title="Tiny form"):
    answer: discord.ui.TextInput[TinyModal] = discord.ui.TextInput(
        label="Your answer", custom_id="answer", max_length=100
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"got {self.answer.value}")


class PressView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Press", custom_id="tiny:press", style=discord.ButtonStyle.primary)
    async def press(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(
            content=f"pressed by {interaction.user.name}", view=None
        )

    @discord.ui.select(
        custom_id="tiny:pick",
        options=[discord.SelectOption(label=n, value=n.lower()) for n in ("Mia", "Seb")],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


class TinyBot(discord.Client):
    """Just enough bot to exercise every protocol path of the fake."""

    def __init__(self) -> None:
        super().__init__(
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            chunk_guilds_at_startup=False,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.tree = app_commands.CommandTree(self)
        self.seen: list[discord.Interaction] = []
        self.errors: list[BaseException] = []
        self.callback_responses: list[discord.InteractionCallbackResponse[Any]] = []
        self.resumed = 0
        self.received: list[discord.Message] = []
        self._add_commands()

    async def on_message(self, message: discord.Message) -> None:
        self.received.append(message)

    async def on_resumed(self) -> None:
        self.resumed += 1

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every IDENTIFY but the first; not here."""

    def _add_commands(self) -> None:
        tree = self.tree

        @tree.command(description="Answers pong")
        async def ping(interaction: discord.Interaction) -> None:
            self.seen.append(interaction)
            self.callback_responses.append(await interaction.response.send_message("pong"))

        @tree.command(description="Answers only you")
        async def secret(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("shh", ephemeral=True)

        @tree.command(description="Shows a button")
        async def buttons(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("press it", view=PressView())

        @tree.command(description="Opens a form")
        async def form(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(TinyModal())

        @tree.command(description="Finds a name")
        @app_commands.describe(query="Part of a name")
        async def search(interaction: discord.Interaction, query: str) -> None:
            await interaction.response.send_message(f"found {query}")

        @search.autocomplete("query")
        async def search_names(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            hits = [n for n in NAMES if current.lower() in n.lower()]
            return [app_commands.Choice(name=n, value=n) for n in hits]

        @tree.command(description="Greets a member, quietly")
        async def greet(
            interaction: discord.Interaction, who: discord.Member, times: int = 1
        ) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send(f"hi {who.mention} x{times}")
            await interaction.followup.send("and again", ephemeral=True)

        @tree.command(description="Sends a file")
        async def poster(interaction: discord.Interaction) -> None:
            file = discord.File(
                io.BytesIO(b"\x89PNG fake"), filename="poster.png", description="A poster"
            )
            await interaction.response.send_message("here", file=file)

        group = app_commands.Group(name="quiz", description="Quiz things")

        @group.command(name="start", description="Starts a quiz")
        async def quiz_start(interaction: discord.Interaction, rounds: int) -> None:
            await interaction.response.send_message(f"quiz of {rounds}")

        tree.add_command(group)

        @tree.command(description="Answers twice at once (a bug)")
        async def twice(interaction: discord.Interaction) -> None:
            results = await asyncio.gather(
                interaction.response.send_message("one"),
                interaction.response.send_message("two"),
                return_exceptions=True,
            )
            self.errors += [r for r in results if isinstance(r, BaseException)]

        @tree.command(description="Answers too late")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)
            try:
                await interaction.response.send_message("late")
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @tree.command(description="Says too much")
        async def long(interaction: discord.Interaction) -> None:
            try:
                await interaction.response.send_message("x" * 2001)
            except discord.HTTPException as exc:
                self.errors.append(exc)


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> FakeDiscord:
    """The default fake world, discord.py pointed at it; no violations allowed at teardown."""
    fake: FakeDiscord = request.getfixturevalue("discord_py_at_fake")
    return fake


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[TinyBot]:
    client = TinyBot()
    await client.login(fake.token or "")
    runner = asyncio.create_task(client.connect())
    try:
        await fake.wait_ready()
        await asyncio.wait_for(client.wait_until_ready(), 5)
        await client.tree.sync()
        yield client
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(runner, 5)


@pytest.fixture
def fast_5xx_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py sleeps 1, 3, 5, 7, 9 s between its five tries on 500/502/504/524; shrink that
    (only inside discord.http) so a test can watch all five."""
    real_sleep = asyncio.sleep

    async def quick_sleep(delay: float, result: Any = None) -> Any:
        return await real_sleep(delay / 200, result)

    shim = types.SimpleNamespace(
        **{name: getattr(asyncio, name) for name in dir(asyncio) if not name.startswith("__")}
    )
    shim.sleep = quick_sleep
    monkeypatch.setattr(discord.http, "asyncio", shim)


def trivia(fake: FakeDiscord) -> Channel:
    return fake.guild.channel("trivia")


# ---------------------------------------------------------------------------------------------


async def test_connects_and_sees_the_guild(fake: FakeDiscord, bot: TinyBot) -> None:
    guild = bot.get_guild(fake.guild.id)
    assert guild is not None
    assert guild.name == "La La Land Fans"
    assert {c.name for c in guild.text_channels} == {"trivia", "general"}
    assert guild.me is not None
    assert guild.me.id == fake.bot.id
    assert guild.owner_id == fake.guild.owner.id
    assert bot.user is not None
    assert bot.user.id == fake.bot.id
    assert bot.application_id == fake.application_id
    assert fake.gateway.identify_count == 1
    assert [r.path for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]


async def test_tree_sync_puts_the_commands(fake: FakeDiscord, bot: TinyBot) -> None:
    commands = await fake.wait_commands_synced({"ping", "search", "quiz"})
    put = fake.requests_to("PUT", r"^/applications/\d+/commands$")
    assert len(put) == 1
    assert put[0].headers["Authorization"] == f"Bot {fake.token}"
    by_name = {c["name"]: c for c in commands}
    assert by_name["quiz"]["options"][0]["type"] == 1
    fetched = await bot.tree.fetch_commands()
    assert {c.name: c.id for c in fetched} == {c["name"]: int(c["id"]) for c in commands}


async def test_invoke_ping(fake: FakeDiscord, bot: TinyBot) -> None:
    seb = fake.guild.member("sebastian")
    handle = await fake.invoke("ping", member=seb, channel=trivia(fake))
    callback = await handle.response()
    assert (callback.status, callback.type, callback.data) == (200, 4, callback.data)
    assert callback.data is not None
    assert callback.data["content"] == "pong"
    assert handle.elapsed is not None
    assert handle.elapsed < 1
    message = await handle.original()
    assert message.content == "pong"
    assert not handle.ephemeral
    assert message.interaction_metadata is not None
    assert message.interaction_metadata["name"] == "ping"
    assert message.allowed_mentions == {"parse": []}
    message.assert_no_pings()
    seen = bot.seen[-1]
    assert seen.user.id == seb.id
    assert seen.channel is not None
    assert seen.channel.id == trivia(fake).id
    assert not seen.permissions.administrator
    assert seen.app_permissions.send_messages
    assert bot.callback_responses[-1].message_id == message.id


async def test_ephemeral_reply_is_stored_with_flag_64(fake: FakeDiscord, bot: TinyBot) -> None:
    handle = await fake.invoke("secret", member=fake.guild.member("keith"), channel=trivia(fake))
    message = await handle.original()
    assert handle.ephemeral
    assert message.ephemeral
    assert message.flags & 64
    assert message in fake.messages(trivia(fake))
    assert message not in fake.messages(trivia(fake), include_ephemeral=False)


async def test_button_click_round_trip(fake: FakeDiscord, bot: TinyBot) -> None:
    amy = fake.guild.member("amy")
    handle = await fake.invoke("buttons", member=amy, channel=trivia(fake))
    message = await handle.original()
    assert message.button("Press")["custom_id"] == "tiny:press"
    click = await fake.click(message, "tiny:press", member=fake.guild.member("keith"))
    callback = await click.response()
    assert (callback.status, callback.type) == (200, 7)
    edited = await fake.wait_for_edit(message, lambda m: m.content.startswith("pressed"))
    assert edited.content == "pressed by keith"
    assert edited.components == []
    assert click.message is edited


async def test_modal_round_trip(fake: FakeDiscord, bot: TinyBot) -> None:
    mia = fake.guild.member("mia")
    handle = await fake.invoke("form", member=mia, channel=trivia(fake))
    callback = await handle.response()
    assert callback.type == 9
    assert handle.modal is not None
    assert handle.modal["title"] == "Tiny form"
    submitted = await fake.submit_modal(handle, values={"answer": "City of Stars"})
    reply = await submitted.original()
    assert reply.content == "got City of Stars"


async def test_autocomplete_round_trip(fake: FakeDiscord, bot: TinyBot) -> None:
    seb = fake.guild.member("sebastian")
    choices = await fake.autocomplete(
        "search", member=seb, channel=trivia(fake), options={"query": "se"}, focused="query"
    )
    assert choices == [{"name": "Sebastian", "value": "Sebastian"}]
    handle = await fake.invoke(
        "search", member=seb, channel=trivia(fake), options={"query": "Sebastian"}
    )
    assert (await handle.original()).content == "found Sebastian"


async def test_user_option_defer_and_followup_and_subcommands(
    fake: FakeDiscord, bot: TinyBot
) -> None:
    keith, mia = fake.guild.member("keith"), fake.guild.member("mia")
    handle = await fake.invoke(
        "greet", member=keith, channel=trivia(fake), options={"who": mia, "times": 2}
    )
    assert (await handle.response()).type == 5
    message = await handle.original()  # the first follow-up replaces the "thinking" message
    assert message.content == f"hi {mia.mention} x2"
    assert message.pings() == []  # AllowedMentions.none() on the client
    (again,) = await handle.followups(1)
    assert again.content == "and again"
    assert again.ephemeral
    quiz = await fake.invoke(
        "quiz start", member=keith, channel=trivia(fake), options={"rounds": 3}
    )
    assert (await quiz.original()).content == "quiz of 3"
    with pytest.raises(ValueError, match="required"):
        await fake.invoke("quiz", subcommand="start", member=keith, channel=trivia(fake))


async def test_second_callback_is_refused_with_40060(fake: FakeDiscord, bot: TinyBot) -> None:
    handle = await fake.invoke("twice", member=fake.guild.member("keith"), channel=trivia(fake))
    await fake.wait_until(lambda: len(handle.callbacks) == 2)
    await fake.wait_until(lambda: bot.errors)
    (exc,) = bot.errors
    assert isinstance(exc, discord.HTTPException)
    assert exc.code == 40060
    assert sorted(c.status for c in handle.callbacks) == [200, 400]
    assert [v.kind for v in fake.take_violations()] == ["already_acknowledged"]


async def test_late_callback_is_refused_with_10062(fake: FakeDiscord, bot: TinyBot) -> None:
    fake.interaction_deadline = 0.2
    handle = await fake.invoke("slow", member=fake.guild.member("keith"), channel=trivia(fake))
    callback = await handle.response()
    assert (callback.status, callback.code) == (404, 10062)
    assert callback.elapsed > 0.2
    await fake.wait_until(lambda: bot.errors)
    assert isinstance(bot.errors[0], discord.NotFound)
    assert bot.errors[0].code == 10062
    assert [v.kind for v in fake.take_violations()] == ["interaction_expired"]


async def test_limit_breach_is_refused_and_recorded(fake: FakeDiscord, bot: TinyBot) -> None:
    handle = await fake.invoke("long", member=fake.guild.member("keith"), channel=trivia(fake))
    callback = await handle.response()
    assert (callback.status, callback.code) == (400, 50035)
    await fake.wait_until(lambda: bot.errors)
    exc = bot.errors[0]
    assert isinstance(exc, discord.HTTPException)
    assert exc.code == 50035
    assert "data.content" in str(exc)
    assert "2000 or fewer" in str(exc)
    channel = bot.get_channel(trivia(fake).id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as raised:
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert raised.value.code == 50035
    violations = fake.take_violations()
    assert [v.kind for v in violations] == ["limits", "limits"]
    assert violations[1].errors == {
        "embeds": {
            "0": {
                "title": {
                    "_errors": [
                        {
                            "code": "BASE_TYPE_MAX_LENGTH",
                            "message": "Must be 256 or fewer in length.",
                        }
                    ]
                }
            }
        }
    }


async def test_injected_429_is_retried(fake: FakeDiscord, bot: TinyBot) -> None:
    fake.inject("POST", r"/interactions/\d+/[^/]+/callback$", 429, times=1, retry_after=0.05)
    fake.inject("POST", r"/channels/\d+/messages$", 429, times=2, retry_after=0.05)
    handle = await fake.invoke("ping", member=fake.guild.member("keith"), channel=trivia(fake))
    assert (await handle.original()).content == "pong"
    assert [r.status for r in fake.requests_to("POST", "/callback$")] == [429, 200]
    channel = bot.get_channel(trivia(fake).id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("after the limit")
    assert [r.status for r in fake.requests_to("POST", r"/channels/\d+/messages$")] == [
        429,
        429,
        200,
    ]
    stored: StoredMessage = await fake.wait_for_message(trivia(fake), lambda m: m.id == sent.id)
    assert stored.content == "after the limit"


async def test_injected_500s_surface_as_server_error(
    fake: FakeDiscord, bot: TinyBot, fast_5xx_retries: None
) -> None:
    channel = bot.get_channel(trivia(fake).id)
    assert isinstance(channel, discord.TextChannel)
    fake.inject("POST", r"/channels/\d+/messages$", 500, times=5)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("never")
    assert [r.status for r in fake.requests_to("POST", r"/channels/\d+/messages$")] == [500] * 5
    fake.inject("POST", r"/channels/\d+/messages$", 503)  # not retried by discord.py
    with pytest.raises(discord.DiscordServerError):
        await channel.send("never either")
    assert fake.messages(trivia(fake)) == []


async def test_gateway_drop_resumes(fake: FakeDiscord, bot: TinyBot) -> None:
    await fake.drop_gateway()
    await fake.wait_resumed()
    await fake.wait_until(lambda: bot.resumed == 1)
    connections = fake.gateway.connections
    assert connections[-1].path == "/gateway-resume"
    handle = await fake.invoke("ping", member=fake.guild.member("keith"), channel=trivia(fake))
    assert (await handle.original()).content == "pong"


async def test_invalid_session_reidentifies(fake: FakeDiscord, bot: TinyBot) -> None:
    fake.invalidate_session()
    await fake.wait_identified(2)
    assert fake.gateway.connections[-1].path == "/gateway"
    handle = await fake.invoke("ping", member=fake.guild.member("keith"), channel=trivia(fake))
    assert (await handle.original()).content == "pong"


async def test_unknown_route_is_recorded(fake: FakeDiscord, bot: TinyBot) -> None:
    with pytest.raises(discord.NotFound):
        await bot.fetch_stage_instance(trivia(fake).id)
    (violation,) = fake.take_violations("unknown_route")
    assert violation.path == f"/stage-instances/{trivia(fake).id}"
    assert fake.requests[-1].status == 404
    assert not fake.requests[-1].known_route


async def test_select_and_guild_commands(fake: FakeDiscord, bot: TinyBot) -> None:
    guild = discord.Object(id=fake.guild.id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    await fake.wait_commands_synced({"buttons"}, guild=fake.guild)
    handle = await fake.invoke("buttons", member=fake.guild.member("amy"), channel=trivia(fake))
    assert handle.payload["data"]["guild_id"] == str(fake.guild.id)
    message = await handle.original()
    picked = await fake.select(message, "tiny:pick", ["seb"], member=fake.guild.member("keith"))
    reply = await picked.original()
    assert reply.content == "picked seb"
    assert reply.ephemeral
    assert reply.interaction_metadata is not None
    assert reply.interaction_metadata["interacted_message_id"] == str(message.id)
    with pytest.raises(ValueError, match="does not offer"):
        await fake.select(message, "tiny:pick", ["keith"], member=fake.guild.member("keith"))


async def test_changes_after_connect_are_dispatched(fake: FakeDiscord, bot: TinyBot) -> None:
    lounge = fake.guild.add_channel("lounge")
    await fake.wait_until(lambda: bot.get_channel(lounge.id))
    await fake.user_message(fake.guild.member("keith"), lounge, "hello")
    await fake.wait_until(lambda: bot.received)
    assert bot.received[0].channel.id == lounge.id
    assert bot.received[0].content == ""  # no message_content intent
    channel = bot.get_channel(lounge.id)
    assert isinstance(channel, discord.TextChannel)
    lounge.set_permissions(fake.bot, DEFAULT_BOT_PERMISSIONS & ~SEND_MESSAGES)
    await fake.wait_until(lambda: not channel.permissions_for(channel.guild.me).send_messages)
    with pytest.raises(discord.Forbidden):
        await channel.send("not allowed")
    assert [v.kind for v in fake.take_violations()] == ["missing_permissions"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (
            {"embeds": [{"description": "d" * 4096}, {"description": "d" * 2000}]},
            "MAX_EMBED_SIZE_EXCEEDED",
        ),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "BASE_TYPE_MAX_LENGTH"),
        (
            {
                "components": [
                    {"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "c"}]}
                ]
                * 6
            },
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "custom_id": f"c{i}", "label": "l"}
                            for i in range(6)
                        ],
                    }
                ]
            },
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {
                "components": [
                    {"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "x" * 101}]}
                ]
            },
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "custom_id": "c", "label": "l" * 81}
                        ],
                    }
                ]
            },
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {
                                "type": 3,
                                "custom_id": "s",
                                "options": [{"label": str(i), "value": str(i)} for i in range(26)],
                            }
                        ],
                    }
                ]
            },
            "BASE_TYPE_MAX_LENGTH",
        ),
        (
            {"allowed_mentions": {"parse": ["users"], "users": ["1"]}},
            "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        ),
    ],
)
def test_message_limits(payload: dict[str, Any], code: str) -> None:
    assert code in {p.code for p in limits.check_message(payload)}


def test_modal_and_autocomplete_limits() -> None:
    row = {"type": 1, "components": [{"type": 4, "custom_id": "a", "label": "l" * 46, "style": 1}]}
    codes = {
        p.code
        for p in limits.check_modal({"title": "t" * 46, "custom_id": "m", "components": [row]})
    }
    assert codes == {"BASE_TYPE_BAD_LENGTH"}
    choices = [{"name": "n", "value": "v"}] * 26
    assert limits.check_choices({"choices": choices})
    assert limits.check_choices({"choices": [{"name": "", "value": "v" * 101}]})
    assert limits.check_choices({"choices": choices[:25]}) == []


async def test_files_are_kept(fake: FakeDiscord, bot: TinyBot) -> None:
    handle = await fake.invoke("poster", member=fake.guild.member("keith"), channel=trivia(fake))
    poster = await handle.original()
    assert [(a.filename, a.data, a.description) for a in poster.attachments] == [
        ("poster.png", b"\x89PNG fake", "A poster")
    ]
    channel = bot.get_channel(trivia(fake).id)
    assert isinstance(channel, discord.TextChannel)
    song = discord.File(io.BytesIO(b"city of stars"), filename="song.txt")
    sent = await channel.send("with a file", file=song)
    assert sent.attachments[0].filename == "song.txt"
    assert await sent.attachments[0].read() == b"city of stars"
    request = fake.requests_to("POST", r"^/channels/\d+/messages$")[-1]
    assert request.json["content"] == "with a file"
    assert [(f.filename, f.data) for f in request.files] == [("song.txt", b"city of stars")]
    await sent.edit(content="no file now", attachments=[])
    stored = await fake.wait_for_edit(sent.id)
    assert stored.attachments == []
    assert stored.content == "no file now"
    assert stored.edited_timestamp is not None
