"""The bot runtime end to end: connect, sync, /about, error handling, signals."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
import time
from pathlib import Path

import discord
import pytest
from discord import app_commands

from lalabot.bot.client import LalaBot
from lalabot.errors import UserFacingError
from tests.e2e.conftest import Running, bot_settings, start_bot, stop_bot
from tests.fakediscord import FakeDiscord


async def test_connects_and_syncs_its_commands_globally(running: Running) -> None:
    commands = await running.fake.wait_commands_synced(["about"])
    assert "about" in {c["name"] for c in commands}
    assert running.bot.sync_result == "global"
    assert running.bot.user is not None
    assert running.bot.intents.message_content is False
    assert running.bot.intents.members is False
    assert running.bot.allowed_mentions is not None
    assert running.bot.allowed_mentions.to_dict()["parse"] == []


async def test_a_second_start_with_unchanged_commands_does_not_sync(
    fake: FakeDiscord, bot_db: Path
) -> None:
    settings = bot_settings(fake, bot_db)
    first = await start_bot(fake, settings)
    await stop_bot(first)
    puts = len(fake.requests_to("PUT", r"/applications/\d+/commands$"))
    assert puts == 1
    second = await start_bot(fake, settings)
    try:
        assert second.bot.sync_result == "unchanged"
        assert len(fake.requests_to("PUT", r"/applications/\d+/commands$")) == puts
    finally:
        await stop_bot(second)


async def test_dev_guild_commands_are_synced_to_that_guild(fake: FakeDiscord, bot_db: Path) -> None:
    settings = bot_settings(fake, bot_db, LALABOT_DEV_GUILD_ID=str(fake.guild.id))
    run = await start_bot(fake, settings)
    try:
        assert run.bot.sync_result == "guild"
        synced = await fake.wait_commands_synced(["about"], guild=fake.guild)
        assert "about" in {c["name"] for c in synced}
    finally:
        await stop_bot(run)


async def test_about_answers_with_an_embed_within_the_deadline(running: Running) -> None:
    fake = running.fake
    handle = await fake.invoke(
        "about", member=fake.guild.member("sebastian"), channel=fake.guild.channel("trivia")
    )
    callback = await handle.response()
    assert callback.accepted
    assert callback.elapsed < 3.0
    message = handle.message
    assert message is not None
    embed = message.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert int(fields["Facts"].replace(",", "")) > 300
    assert fields["Version"]
    assert "github.com" in embed["url"]
    message.assert_no_pings()


def _add_failing_commands(bot: LalaBot) -> None:
    @app_commands.command(name="boom-user", description="raises a UserFacingError")
    async def boom_user(interaction: discord.Interaction) -> None:
        raise UserFacingError("That topic does not exist. Try /topics.")

    @app_commands.command(name="boom", description="raises something unexpected")
    async def boom(interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom in a command")

    @app_commands.command(name="boom-late", description="fails after deferring")
    async def boom_late(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        raise UserFacingError("Deferred, then refused.")

    @app_commands.command(name="post", description="defers, then posts to the channel")
    async def post(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert isinstance(interaction.channel, discord.abc.Messageable)
        await interaction.channel.send("A question for everyone")
        await interaction.followup.send("posted", ephemeral=True)

    @app_commands.command(name="slow", description="answers after the deadline")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.4)
        await interaction.response.send_message("too late")

    for command in (boom_user, boom, boom_late, post, slow):
        bot.tree.add_command(command)


@pytest.fixture
async def failing(fake: FakeDiscord, bot_db: Path) -> Running:
    run = await start_bot(fake, bot_settings(fake, bot_db), _add_failing_commands)
    yield run  # type: ignore[misc]
    await stop_bot(run)


async def test_a_user_facing_error_becomes_an_ephemeral_message(failing: Running) -> None:
    fake = failing.fake
    member, channel = fake.guild.member("keith"), fake.guild.channel("trivia")
    handle = await fake.invoke("boom-user", member=member, channel=channel)
    callback = await handle.response()
    assert callback.ephemeral
    assert callback.data is not None
    assert callback.data["content"] == "That topic does not exist. Try /topics."

    late = await fake.invoke("boom-late", member=member, channel=channel)
    original = await late.original(lambda m: "refused" in m.content)
    assert original.ephemeral


async def test_an_unexpected_error_gets_an_apology_with_a_logged_error_id(
    failing: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = failing.fake
    with caplog.at_level(logging.ERROR, logger="lalabot"):
        handle = await fake.invoke(
            "boom", member=fake.guild.member("keith"), channel=fake.guild.channel("trivia")
        )
        callback = await handle.response()
    assert callback.ephemeral
    assert callback.data is not None
    text = callback.data["content"]
    assert "went wrong" in text
    error_id = text.split("`")[1]
    records = [r for r in caplog.records if error_id in r.getMessage()]
    assert records, "the error id must appear in the log"
    assert records[0].exc_info is not None
    assert "kaboom in a command" in str(records[0].exc_info[1])
    assert "kaboom" not in text


async def test_a_server_error_on_a_send_is_reported_to_the_player(failing: Running) -> None:
    fake = failing.fake
    channel = fake.guild.channel("trivia")
    fake.inject("POST", rf"/channels/{channel.id}/messages$", 503)
    handle = await fake.invoke("post", member=fake.guild.member("keith"), channel=channel)
    original = await handle.original(lambda m: "Discord had a problem" in m.content)
    assert original.ephemeral
    assert "503" in original.content
    assert not [m for m in fake.messages(channel) if m.content == "A question for everyone"]


def test_missing_token_is_a_clear_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lalabot", "run"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": "", "LALABOT_DB_PATH": str(tmp_path / "x.db")},
        check=False,
    )
    assert result.returncode != 0
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_rejected_token_is_a_clear_message_without_the_token(
    fake: FakeDiscord, bot_db: Path
) -> None:
    env = {
        **fake.env(),
        "DISCORD_TOKEN": "not.the.right-token",
        "PATH": "",
        "LALABOT_DB_PATH": str(bot_db),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lalabot",
        "run",
        env=env,
        cwd=bot_db.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    text = (out + err).decode()
    assert proc.returncode != 0
    assert "rejected DISCORD_TOKEN" in text
    assert "not.the.right-token" not in text
    assert "Traceback" not in text
    assert [v.kind for v in fake.take_violations("unauthorized")] == ["unauthorized"]


@pytest.mark.slow
async def test_the_process_exits_0_on_sigterm(
    fake: FakeDiscord, bot_process: subprocess.Popen[str]
) -> None:
    started = time.monotonic()
    await fake.wait_ready(timeout=30)
    await fake.wait_commands_synced(["about"], guild=fake.guild, timeout=30)
    ready_after = time.monotonic() - started
    handle = await fake.invoke(
        "about", member=fake.guild.member("keith"), channel=fake.guild.channel("general")
    )
    assert (await handle.response()).accepted
    bot_process.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(bot_process.wait, 20)
    output = bot_process.stdout.read() if bot_process.stdout else ""
    assert code == 0, output
    assert "closed cleanly" in output
    assert fake.token not in output
    print(f"process start to ready against the fake: {ready_after:.2f} s")


async def test_an_expired_interaction_gets_no_second_failing_reply(failing: Running) -> None:
    fake = failing.fake
    fake.interaction_deadline = 0.2
    handle = await fake.invoke(
        "slow", member=fake.guild.member("keith"), channel=fake.guild.channel("trivia")
    )
    first = await handle.response()
    assert first.code == 10062
    await asyncio.sleep(0.3)
    assert len(handle.callbacks) == 1  # no apology sent into the void
    assert [v.kind for v in fake.take_violations()] == ["interaction_expired"]
