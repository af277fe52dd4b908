"""Quiz rounds end to end: both modes, several players, stop, one round per channel, faults."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lalabot.bot.client import LalaBot
from tests.conftest import SEEDS
from tests.e2e.conftest import Running
from tests.fakediscord import FakeDiscord, InteractionHandle, Member, StoredMessage


def _title(message: StoredMessage) -> str:
    return str(message.embeds[0]["title"]) if message.embeds else ""


async def _question(fake: FakeDiscord, number: int, total: int) -> StoredMessage:
    return await fake.wait_for_message(
        predicate=lambda m: _title(m) == f"Question {number} of {total}", timeout=15
    )


def _round_id(message: StoredMessage) -> int:
    return int(message.custom_ids()[0].split(":")[2])


def _letters(bot: LalaBot, message: StoredMessage) -> tuple[str, str]:
    """(custom_id of the right button, custom_id of a wrong one) for a question message."""
    round_ = bot.service.quiz.live(_round_id(message))
    answer = round_.questions[round_.current_index or 0].answer
    right = wrong = ""
    for button in message.buttons():
        if button["label"].split(": ", 1)[1] == answer[:76]:
            right = button["custom_id"]
        else:
            wrong = button["custom_id"]
    assert right
    assert wrong
    return right, wrong


async def _say(handle: InteractionHandle) -> str:
    callback = await handle.response()
    assert callback.data is not None
    assert callback.ephemeral, callback.data
    return str(callback.data["content"])


async def _start(fake: FakeDiscord, member: Member, **options: Any) -> InteractionHandle:
    return await fake.invoke(
        "quiz start", member=member, channel=fake.guild.channel("trivia"), options=options
    )


async def test_a_whole_round_with_buttons_and_several_players(running: Running) -> None:
    fake, bot = running.fake, running.bot
    seb, keith, amy = (fake.guild.member(n) for n in ("sebastian", "keith", "amy"))
    start = await _start(fake, seb, questions=3, seconds=10)
    assert not (await start.response()).ephemeral
    assert start.message is not None
    assert "started a quiz" in start.message.content
    start.message.assert_no_pings()

    q1 = await _question(fake, 1, 3)
    assert "<t:" in q1.embeds[0]["description"]
    assert len(q1.buttons()) == 4
    right, wrong = _letters(bot, q1)
    assert (await _say(await fake.click(q1, right, member=seb))).startswith("Locked in")
    assert "already answered" in await _say(await fake.click(q1, wrong, member=seb))
    assert (await _say(await fake.click(q1, wrong, member=keith))).startswith("Locked in")

    # question 1 closes on its deadline; the buttons are disabled and the right one marked
    revealed = await fake.wait_for_edit(q1, lambda m: "closed" in _title(m), timeout=15)
    assert all(b.get("disabled") for b in revealed.buttons())
    marked = [b for b in revealed.buttons() if b.get("style") == 3]
    assert [b["custom_id"] for b in marked] == [right]
    assert f"<@{seb.id}>" in revealed.embeds[0]["description"]
    assert "Did you know?" in revealed.embeds[0]["description"]
    revealed.assert_no_pings()

    # later questions close as soon as every player has answered
    for number in (2, 3):
        question = await _question(fake, number, 3)
        right, wrong = _letters(bot, question)
        await _say(await fake.click(question, right, member=seb))
        await _say(await fake.click(question, right if number == 3 else wrong, member=keith))
        await fake.wait_for_edit(question, lambda m: "closed" in _title(m), timeout=5)

    results = await fake.wait_for_message(predicate=lambda m: "🏆" in _title(m), timeout=10)
    lines = results.embeds[0]["description"].splitlines()
    assert lines[0].startswith("🥇")
    assert f"<@{seb.id}>" in lines[0]
    assert f"<@{keith.id}>" in lines[1]
    assert "3/3 right" in lines[0]
    assert "1/3 right" in lines[1]
    results.assert_no_pings()
    assert f"<@{amy.id}>" not in results.embeds[0]["description"]
    # the disabled buttons of the three reveals are not kept by discord.py for good
    assert bot.persistent_views == []

    # the round counts towards this server's leaderboard and stats
    board = await fake.invoke("leaderboard", member=amy, channel=fake.guild.channel("general"))
    await board.response()
    assert board.message is not None
    text = board.message.embeds[0]["description"]
    assert text.index(f"<@{seb.id}>") < text.index(f"<@{keith.id}>")
    stats = await fake.invoke("stats", member=keith, channel=fake.guild.channel("general"))
    await stats.response()
    assert stats.message is not None
    fields = {f["name"]: f["value"] for f in stats.message.embeds[0]["fields"]}
    assert fields["Rounds played"] == "1"
    assert fields["Wins"] == "0"  # sebastian won
    assert fields["Right answers"].startswith("1 of 3")
    assert fields["Rank"].startswith("#2 of 2")


async def test_typed_answers_through_a_modal(running: Running) -> None:
    fake, bot = running.fake, running.bot
    seb, keith = fake.guild.member("sebastian"), fake.guild.member("keith")
    await (await _start(fake, seb, questions=2, seconds=10, mode="typed")).response()
    q1 = await _question(fake, 1, 2)
    assert [b["label"] for b in q1.buttons()] == ["Answer"]
    round_ = bot.service.quiz.live(_round_id(q1))
    answer = round_.questions[0].answer

    opened = await fake.click(q1, q1.custom_ids()[0], member=seb)
    assert (await opened.response()).type == 9  # a modal
    submitted = await fake.submit_modal(
        opened,
        member=seb,
        values={
            opened.modal["components"][0]["components"][0]["custom_id"]: f"  {answer.upper()}!  "
        }
        if opened.modal
        else {},
    )
    assert (await _say(submitted)).startswith("Locked in")

    # keith opens the box but time runs out while he types
    late = await fake.click(q1, q1.custom_ids()[0], member=keith)
    await late.response()
    revealed = await fake.wait_for_edit(q1, lambda m: "closed" in _title(m), timeout=15)
    assert f"<@{seb.id}>" in revealed.embeds[0]["description"]
    assert late.modal is not None
    too_late = await fake.submit_modal(
        late,
        member=keith,
        values={late.modal["components"][0]["components"][0]["custom_id"]: "whatever"},
    )
    assert "closed" in (await _say(too_late)).lower()
    await _question(fake, 2, 2)


async def test_one_round_per_channel_and_who_may_stop_it(running: Running) -> None:
    fake = running.fake
    seb, keith, amy = (fake.guild.member(n) for n in ("sebastian", "keith", "amy"))
    await (await _start(fake, seb, questions=5, seconds=60)).response()
    q1 = await _question(fake, 1, 5)

    again = await _start(fake, keith)
    text = await _say(again)
    assert "already running here" in text
    assert f"/{q1.channel_id}/" in text

    refused = await fake.invoke("quiz stop", member=keith, channel=fake.guild.channel("trivia"))
    assert "Only the member who started" in await _say(refused)

    right, _ = _letters(running.bot, q1)
    await _say(await fake.click(q1, right, member=keith))
    stop = await fake.invoke("quiz stop", member=amy, channel=fake.guild.channel("trivia"))
    assert not (await stop.response()).ephemeral
    results = await fake.wait_for_message(predicate=lambda m: "🏆" in _title(m), timeout=10)
    assert "stopped" in _title(results)
    assert f"<@{keith.id}>" in results.embeds[0]["description"]
    assert "1 of 5 questions" in results.embeds[0]["footer"]["text"]

    # the channel is free again
    restart = await _start(fake, seb, questions=1, seconds=10)
    assert not (await restart.response()).ephemeral
    await fake.invoke("quiz stop", member=seb, channel=fake.guild.channel("trivia"))


async def test_a_failed_edit_does_not_end_the_round_and_late_clicks_are_refused(
    running: Running,
) -> None:
    fake, bot = running.fake, running.bot
    seb, keith = fake.guild.member("sebastian"), fake.guild.member("keith")
    channel = fake.guild.channel("trivia")
    await (await _start(fake, seb, questions=2, seconds=10)).response()
    q1 = await _question(fake, 1, 2)
    right, _ = _letters(bot, q1)
    await _say(await fake.click(q1, right, member=seb))
    fake.inject("PATCH", rf"/channels/{channel.id}/messages/{q1.id}$", 503)
    q2 = await _question(fake, 2, 2)  # the reveal edit failed, the round went on
    q1_now = next(m for m in fake.messages(channel) if m.id == q1.id)
    assert not any(b.get("disabled") for b in q1_now.buttons())
    late = await fake.click(q1, right, member=keith)  # the buttons were never disabled
    assert "closed" in (await _say(late)).lower()
    right2, _ = _letters(bot, q2)
    await _say(await fake.click(q2, right2, member=seb))
    await fake.wait_for_message(predicate=lambda m: "🏆" in _title(m), timeout=15)


def _spawn(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "lalabot", "run"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.slow
async def test_a_killed_bot_resumes_its_rounds_and_loses_no_answer(
    fake: FakeDiscord, bot_db: Path
) -> None:
    env = {
        **os.environ,
        **fake.env(),
        "LALABOT_DB_PATH": str(bot_db),
        "LALABOT_SEEDS_DIR": str(SEEDS),
        "LALABOT_LOG_LEVEL": "WARNING",
    }
    seb, keith, amy = (fake.guild.member(n) for n in ("sebastian", "keith", "amy"))
    trivia, general = fake.guild.channel("trivia"), fake.guild.channel("general")
    first = _spawn(env, bot_db.parent)
    try:
        await fake.wait_commands_synced(["quiz"], guild=fake.guild, timeout=30)
        await fake.wait_ready(timeout=30)
        # a long question in #trivia survives the crash; a short one in #general does not
        await (
            await fake.invoke(
                "quiz start", member=seb, channel=trivia, options={"questions": 3, "seconds": 60}
            )
        ).response()
        await (
            await fake.invoke(
                "quiz start", member=seb, channel=general, options={"questions": 3, "seconds": 10}
            )
        ).response()
        long_q = await fake.wait_for_message(trivia.id, lambda m: "Question 1" in _title(m))
        short_q = await fake.wait_for_message(general.id, lambda m: "Question 1" in _title(m))
        for question in (long_q, short_q):
            buttons = question.custom_ids()
            assert (await _say(await fake.click(question, buttons[0], member=seb))).startswith(
                "Locked in"
            )
            assert (await _say(await fake.click(question, buttons[1], member=keith))).startswith(
                "Locked in"
            )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    await asyncio.sleep(10.5)  # longer than #general's question lasts
    second = _spawn(env, bot_db.parent)
    try:
        await fake.wait_identified(2, timeout=30)
        # #general: down longer than its question: closed with the results so far
        results = await fake.wait_for_message(general.id, lambda m: "🏆" in _title(m), timeout=15)
        text = results.embeds[0]["description"]
        assert f"<@{seb.id}>" in text
        assert f"<@{keith.id}>" in text
        assert "1 of 3 questions" in results.embeds[0]["footer"]["text"]
        # #trivia: the question goes on; the answers given before the crash are still there
        buttons = long_q.custom_ids()
        assert "already answered" in await _say(await fake.click(long_q, buttons[2], member=seb))
        assert "already answered" in await _say(await fake.click(long_q, buttons[2], member=keith))
        assert (await _say(await fake.click(long_q, buttons[3], member=amy))).startswith(
            "Locked in"
        )
        await (await fake.invoke("quiz stop", member=seb, channel=trivia)).response()
        final = await fake.wait_for_message(trivia.id, lambda m: "🏆" in _title(m), timeout=15)
        standings = final.embeds[0]["description"]
        for member in (seb, keith, amy):
            assert standings.count(f"<@{member.id}>") == 1
            line = next(li for li in standings.splitlines() if f"<@{member.id}>" in li)
            assert "/1 right" in line  # one answer each: none lost, none counted twice
    finally:
        second.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(second.wait, 20) == 0


async def test_a_gateway_reconnect_does_not_end_the_round(running: Running) -> None:
    fake, bot = running.fake, running.bot
    seb, keith = fake.guild.member("sebastian"), fake.guild.member("keith")
    await (await _start(fake, seb, questions=2, seconds=30)).response()
    q1 = await _question(fake, 1, 2)
    right, wrong = _letters(bot, q1)
    await _say(await fake.click(q1, right, member=seb))
    await fake.drop_gateway()
    await fake.wait_resumed(timeout=10)
    assert (await _say(await fake.click(q1, wrong, member=keith))).startswith("Locked in")
    stop = await fake.invoke("quiz stop", member=seb, channel=fake.guild.channel("trivia"))
    await stop.response()
    results = await fake.wait_for_message(predicate=lambda m: "🏆" in _title(m), timeout=10)
    text = results.embeds[0]["description"]
    assert f"<@{seb.id}>" in text
    assert f"<@{keith.id}>" in text
