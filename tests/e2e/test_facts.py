"""/fact, "Another fact", /topic with paging and autocomplete, /settings, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Running, bot_settings, start_bot, stop_bot
from tests.fakediscord import FakeDiscord, StoredMessage


def _fact_id(message: StoredMessage) -> str:
    return message.embeds[0]["footer"]["text"].rsplit("fact ", 1)[1]


async def test_fact_posts_an_embed_with_a_persistent_another_fact_button(
    running: Running,
) -> None:
    fake = running.fake
    member, channel = fake.guild.member("sebastian"), fake.guild.channel("trivia")
    handle = await fake.invoke("fact", member=member, channel=channel)
    callback = await handle.response()
    assert callback.accepted
    assert not callback.ephemeral
    message = handle.message
    assert message is not None
    embed = message.embeds[0]
    assert embed["title"] == "Did you know?"
    assert embed["description"]
    assert {f["name"] for f in embed["fields"]} >= {"Topics"}
    assert message.custom_ids() == ["lalabot:fact:"]
    message.assert_no_pings()

    click = await fake.click(message, "lalabot:fact:", member=fake.guild.member("keith"))
    assert (await click.response()).accepted
    assert click.message is not None
    assert _fact_id(click.message) != _fact_id(message)


async def test_facts_do_not_repeat_until_the_topic_is_used_up(running: Running) -> None:
    fake = running.fake
    member, channel = fake.guild.member("sebastian"), fake.guild.channel("trivia")
    total = await running.bot.service.facts.count("dance")
    assert 3 <= total <= 60
    seen: list[str] = []
    for _ in range(total):
        handle = await fake.invoke(
            "fact", member=member, channel=channel, options={"topic": "dance"}
        )
        await handle.response()
        assert handle.message is not None
        seen.append(_fact_id(handle.message))
    assert len(set(seen)) == total
    again = await fake.invoke("fact", member=member, channel=channel, options={"topic": "dance"})
    await again.response()
    assert again.message is not None
    assert _fact_id(again.message) in seen
    assert again.message.custom_ids() == ["lalabot:fact:dance"]


async def test_another_fact_button_works_after_a_restart(fake: FakeDiscord, bot_db: Path) -> None:
    settings = bot_settings(fake, bot_db)
    member, channel = fake.guild.member("keith"), fake.guild.channel("trivia")
    first = await start_bot(fake, settings)
    handle = await fake.invoke("fact", member=member, channel=channel, options={"topic": "music"})
    await handle.response()
    message = handle.message
    assert message is not None
    await stop_bot(first)
    second = await start_bot(fake, settings)
    try:
        click = await fake.click(message, "lalabot:fact:music", member=member)
        assert (await click.response()).accepted
        assert click.message is not None
        assert "Music" in click.message.embeds[0]["fields"][0]["value"]
    finally:
        await stop_bot(second)


async def test_unknown_topic_is_an_ephemeral_error(running: Running) -> None:
    fake = running.fake
    handle = await fake.invoke(
        "fact",
        member=fake.guild.member("keith"),
        channel=fake.guild.channel("trivia"),
        options={"topic": "@everyone musci"},
    )
    callback = await handle.response()
    assert callback.ephemeral
    assert callback.data is not None
    assert "no topic" in callback.data["content"]
    assert handle.message is not None
    handle.message.assert_no_pings()


async def test_topic_autocomplete_for_fact(running: Running) -> None:
    fake = running.fake
    choices = await fake.autocomplete(
        "fact",
        member=fake.guild.member("keith"),
        channel=fake.guild.channel("trivia"),
        options={"topic": "mus"},
        focused="topic",
    )
    assert [c["value"] for c in choices] == ["music"]


async def test_topic_lookup_pages_and_only_the_asker_turns_them(running: Running) -> None:
    fake = running.fake
    asker, other = fake.guild.member("sebastian"), fake.guild.member("keith")
    channel = fake.guild.channel("trivia")
    handle = await fake.invoke(
        "topic", member=asker, channel=channel, options={"query": "Ryan Gosling"}
    )
    await handle.response()
    message = handle.message
    assert message is not None
    embed = message.embeds[0]
    assert "Ryan Gosling" in embed["title"]
    assert "Page 1 of" in embed["footer"]["text"]
    first_page = embed["description"]
    labels = [b["label"] for b in message.buttons()]
    assert labels == ["◀", "▶"]
    assert message.buttons()[0].get("disabled") is True

    next_id = message.buttons()[1]["custom_id"]
    refused = await fake.click(message, next_id, member=other)
    callback = await refused.response()
    assert callback.ephemeral
    assert callback.data is not None
    assert "Only the person who asked" in callback.data["content"]

    turned = await fake.click(message, next_id, member=asker)
    assert (await turned.response()).type == 7  # update the message in place
    now = await fake.wait_for_edit(message)
    assert "Page 2 of" in now.embeds[0]["footer"]["text"]
    assert now.embeds[0]["description"] != first_page


async def test_topic_autocomplete_suggests_names_fast(running: Running) -> None:
    fake = running.fake
    choices = await fake.autocomplete(
        "topic",
        member=fake.guild.member("keith"),
        channel=fake.guild.channel("trivia"),
        options={"query": "emma"},
        focused="query",
    )
    names = [c["name"] for c in choices]
    assert "Emma Stone" in names
    assert len(choices) <= 25


async def test_spoilers_are_tagged_unless_the_server_shows_them(running: Running) -> None:
    fake = running.fake
    member, channel = fake.guild.member("sebastian"), fake.guild.channel("trivia")
    handle = await fake.invoke(
        "topic", member=member, channel=channel, options={"query": "the ending"}
    )
    await handle.response()
    assert handle.message is not None
    description = handle.message.embeds[0]["description"]
    assert description.startswith("⚠️")
    assert "||" in description

    refused = await fake.invoke(
        "settings spoilers", member=member, channel=channel, options={"mode": "show"}
    )
    callback = await refused.response()
    assert callback.ephemeral
    assert callback.data is not None
    assert "Manage Server" in callback.data["content"]
    assert await running.bot.service.show_spoilers(fake.guild.id) is False

    admin = fake.guild.member("amy")
    ok = await fake.invoke(
        "settings spoilers", member=admin, channel=channel, options={"mode": "show"}
    )
    assert (await ok.response()).ephemeral
    assert await running.bot.service.show_spoilers(fake.guild.id) is True
    view = await fake.invoke("settings view", member=admin, channel=channel)
    callback = await view.response()
    assert callback.data is not None
    assert "shown" in callback.data["content"]

    shown = await fake.invoke(
        "topic", member=member, channel=channel, options={"query": "the ending"}
    )
    await shown.response()
    assert shown.message is not None
    assert "||" not in shown.message.embeds[0]["description"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("   ", "Type a word"),
        ("x" * 4000, "at most 200"),
        ('"unbalanced (quote AND NEAR(piano gosling', None),
        ("text:piano OR * ^ -gosling", None),
        ("@everyone <@123> <@&456> **bold** `code` ||hidden||", "any"),
        ("zzqqxx vvbbnn", "Nothing found"),
    ],
    ids=["blank", "4000-chars", "fts-syntax", "fts-operators", "mentions-markdown", "nonsense"],
)
async def test_hostile_lookups_are_handled_and_ping_nobody(
    running: Running, query: str, expected: str | None
) -> None:
    fake = running.fake
    handle = await fake.invoke(
        "topic",
        member=fake.guild.member("keith"),
        channel=fake.guild.channel("trivia"),
        options={"query": query},
    )
    callback = await handle.response()
    assert callback.accepted
    assert handle.message is not None
    handle.message.assert_no_pings()
    if expected == "any":  # "bold", "code", "hidden" are words that facts may hold
        text = handle.message.content or handle.message.embeds[0]["title"]
        assert "<@123>" not in text
        assert "@everyone" not in text
    elif expected is None:  # FTS syntax is just words: piano facts come back
        assert not callback.ephemeral
        assert "piano" in handle.message.embeds[0]["description"].lower()
    else:
        assert callback.ephemeral
        assert expected in handle.message.content
        assert "@everyone" not in handle.message.content.replace("@\u200beveryone", "")


async def test_pages_turn_from_the_buttons_alone_until_the_lookup_is_forgotten(
    running: Running,
) -> None:
    """The pager keeps nothing in memory but the query; once that is forgotten (a restart, or
    10,000 newer lookups), a click says so, privately, and changes nothing."""
    fake, bot = running.fake, running.bot
    keith = fake.guild.member("keith")
    handle = await fake.invoke(
        "topic", member=keith, channel=fake.guild.channel("trivia"), options={"query": "piano"}
    )
    await handle.response()
    message = handle.message
    assert message is not None
    assert bot.persistent_views == []  # discord.py keeps no view for it
    next_id = message.buttons()[1]["custom_id"]
    turned = await fake.click(message, next_id, member=keith)
    assert (await turned.response()).type == 7
    second = await fake.wait_for_edit(message)
    assert "Page 2 of" in second.embeds[0]["footer"]["text"]
    assert second.buttons()[0].get("disabled") is False
    back = await fake.click(second, second.buttons()[0]["custom_id"], member=keith)
    await back.response()
    first = await fake.wait_for_edit(second)
    assert "Page 1 of" in first.embeds[0]["footer"]["text"]

    bot.recent_lookups.clear()
    stale = await fake.click(first, first.buttons()[1]["custom_id"], member=keith)
    callback = await stale.response()
    assert callback.ephemeral
    assert callback.data is not None
    assert "expired" in callback.data["content"]
    assert "Page 1 of" in message.embeds[0]["footer"]["text"]
