"""/leaderboard, /stats, /leaderboard-admin and /mydata through the fake Discord.

Quiz rounds are recorded straight through the service (as the quiz does when a round ends), in
two servers, then everything is read back the way players and admins would."""

from __future__ import annotations

import json
import re
import time

import pytest

from lalabot.store.scores import AnswerRecord, PlayerResult, RoundRecord
from tests.e2e.conftest import Running
from tests.fakediscord import FakeDiscord, Guild, Member, StoredMessage

DAY = 86_400.0
_MENTION = re.compile(r"<@(\d+)>")

# (member name, points, right, answered, best streak, rank)
Result = tuple[str, int, int, int, int, int]


class World:
    """Two servers with members, and a way to record rounds in them."""

    def __init__(self, running: Running) -> None:
        self.running = running
        self.fake = running.fake
        self.one = self.fake.guild
        self.two = self.fake.add_guild("Whiplash Society", owner="fletcher")
        self.two.add_channel("trivia")
        self.two.add_member("ryan")
        self.now = time.time()
        self.next_round = 1

    def member(self, name: str, guild: Guild | None = None) -> Member:
        return (guild or self.one).member(name)

    def id_of(self, name: str) -> int:
        for guild in (self.one, self.two):
            for member in guild.members:
                if member.user.username == name:
                    return member.id
        raise KeyError(name)

    async def record(self, guild: Guild, days_ago: float, results: list[Result]) -> None:
        at = self.now - days_ago * DAY
        round_id, self.next_round = self.next_round, self.next_round + 1
        answers = [
            AnswerRecord(
                player_id=self.id_of(name),
                question_id=f"r{round_id}q{n}",
                topic="music" if n % 3 else "cast",
                correct=n < right,
                points=100 if n < right else 0,
                answered_at=at - 100 + n,
            )
            for name, _, right, answered, _, _ in results
            for n in range(answered)
        ]
        await self.running.bot.service.record_round(
            RoundRecord(
                round_id=round_id,
                guild_id=guild.id,
                channel_id=guild.channel("trivia").id,
                finished_at=at,
                players=tuple(
                    PlayerResult(self.id_of(name), *figures) for name, *figures in results
                ),
                answers=tuple(answers),
            )
        )

    async def run(
        self,
        command: str,
        who: str,
        /,
        guild: Guild | None = None,
        **options: object,
    ) -> tuple[StoredMessage, bool]:
        """Invoke a command; return its response message and whether it was ephemeral."""
        where = guild or self.one
        handle = await self.fake.invoke(
            command, member=where.member(who), channel=where.channel("trivia"), options=options
        )
        callback = await handle.response()
        assert callback.accepted, callback
        message = await handle.original()
        message.assert_no_pings()
        return message, callback.ephemeral

    def names(self, message: StoredMessage) -> list[str]:
        by_id = {m.id: m.user.username for g in (self.one, self.two) for m in g.members}
        description = message.embeds[0]["description"]
        return [by_id.get(int(i), i) for i in _MENTION.findall(description)]


@pytest.fixture
async def world(running: Running) -> World:
    world = World(running)
    await world.fake.wait_until(
        lambda: running.bot.get_guild(world.two.id), what="the bot to see the second server"
    )
    return world


async def _standard_rounds(world: World) -> None:
    one, two = world.one, world.two
    await world.record(one, 2, [("sebastian", 500, 5, 6, 4, 1), ("keith", 300, 3, 6, 2, 2)])
    await world.record(one, 20, [("keith", 900, 9, 10, 9, 1), ("amy", 100, 1, 10, 1, 2)])
    await world.record(one, 60, [("amy", 2000, 20, 25, 12, 1), ("mia", 50, 2, 25, 1, 2)])
    # the same sebastian, in another server: none of this may leak into the first
    await world.record(two, 1, [("sebastian", 5000, 30, 30, 30, 1), ("ryan", 10, 1, 30, 1, 2)])


# Who is on each board of the first server, in order (None: nobody is ranked).
EXPECTED: dict[tuple[str, str], list[str] | None] = {
    ("week", "points"): ["sebastian", "keith"],
    ("week", "wins"): ["sebastian", "keith"],
    ("week", "accuracy"): None,  # nobody has 20 answers this week
    ("week", "streak"): ["sebastian", "keith"],
    ("month", "points"): ["keith", "sebastian", "amy"],
    ("month", "wins"): ["keith", "sebastian", "amy"],  # one win each for keith and sebastian
    ("month", "accuracy"): None,
    ("month", "streak"): ["keith", "sebastian", "amy"],
    ("all", "points"): ["amy", "keith", "sebastian", "mia"],
    ("all", "wins"): ["amy", "keith", "sebastian", "mia"],
    ("all", "accuracy"): ["amy", "mia"],  # keith has 16 answers, sebastian 6
    ("all", "streak"): ["amy", "keith", "sebastian", "mia"],
}


async def test_every_period_and_sort_in_two_servers(world: World) -> None:
    await _standard_rounds(world)
    for (period, sort), expected in EXPECTED.items():
        message, ephemeral = await world.run("leaderboard", "keith", period=period, sort=sort)
        if expected is None:
            assert ephemeral
            assert "Nobody has 20 answers" in message.content
            continue
        assert not ephemeral
        assert world.names(message) == expected, (period, sort)
        embed = message.embeds[0]
        assert "page 1 of 1" in embed["footer"]["text"]
        assert message.custom_ids() == []  # one page: no buttons
        if "keith" not in expected:
            assert "keith" not in world.names(message)
            field = next(f for f in embed["fields"] if f["name"] == "You")
            assert "Not ranked by accuracy yet" in field["value"]
            assert "you have 16" in field["value"]

        other, _ = await world.run("leaderboard", "ryan", guild=world.two, period=period, sort=sort)
        assert world.names(other) == ["sebastian", "ryan"]

    ties, _ = await world.run("leaderboard", "keith", sort="wins")
    first_lines = ties.embeds[0]["description"].splitlines()
    assert [line.split()[0] for line in first_lines] == ["🥇", "🥇", "🥇", "**4.**"]
    default, _ = await world.run("leaderboard", "keith")
    assert world.names(default) == EXPECTED[("all", "points")]
    assert "5,000" not in default.embeds[0]["description"]
    assert "**2,100 pts**" in default.embeds[0]["description"]


async def test_stats_for_yourself_another_member_and_nobody(world: World) -> None:
    await _standard_rounds(world)
    mine, ephemeral = await world.run("stats", "keith")
    assert not ephemeral
    embed = mine.embeds[0]
    assert f"<@{world.id_of('keith')}>" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Rounds played"] == "2"
    assert fields["Wins"] == "1"
    assert fields["Points"] == "1,200"
    assert fields["Right answers"] == "12 of 16 (75.0%)"
    assert fields["Best streak"] == "9 in a row"
    assert fields["Favourite topic"] == "Music & songs"
    assert fields["Rank"].startswith("#2 of 4 by points")

    theirs, _ = await world.run("stats", "keith", member=world.member("amy"))
    theirs_fields = {f["name"]: f["value"] for f in theirs.embeds[0]["fields"]}
    assert theirs_fields["Points"] == "2,100"
    assert theirs_fields["Rank"].startswith("#1 of 4")

    elsewhere, _ = await world.run(
        "stats", "ryan", guild=world.two, member=world.id_of("sebastian")
    )
    assert {f["name"]: f["value"] for f in elsewhere.embeds[0]["fields"]}["Points"] == "5,000"

    world.one.add_member("newcomer")
    nobody, ephemeral = await world.run("stats", "keith", member=world.member("newcomer"))
    assert ephemeral
    assert "hasn't played a round in this server yet" in nobody.content
    me_nobody, _ = await world.run("stats", "newcomer")
    assert me_nobody.content.startswith("You haven't played")
    bot, ephemeral = await world.run("stats", "keith", member=world.fake.bot.id)
    assert ephemeral
    assert "Bots don't play" in bot.content


async def test_reset_asks_the_admin_then_starts_a_season_and_keeps_the_old(
    world: World,
) -> None:
    await _standard_rounds(world)
    fake = world.fake
    refused, ephemeral = await world.run("leaderboard-admin reset", "sebastian")
    assert ephemeral
    assert "Manage Server" in refused.content

    question, ephemeral = await world.run("leaderboard-admin reset", "amy")
    assert ephemeral
    assert "season 2" in question.content
    confirm_id, _ = question.custom_ids()
    assert [b["label"] for b in question.buttons()] == ["Start season 2", "Cancel"]

    stranger = await fake.click(question, confirm_id, member=world.member("mia"))
    assert (await stranger.response()).ephemeral
    assert await world.running.bot.service.current_season(world.one.id) == 1

    click = await fake.click(question, confirm_id, member=world.member("amy"))
    assert (await click.response()).type == 7
    done = await fake.wait_for_edit(question)
    assert done.content.startswith("Season 2 has begun")
    assert done.custom_ids() == []
    announcement = await fake.wait_for_message(
        world.one.channel("trivia"), lambda m: "Season 2 begins" in m.content
    )
    assert not announcement.ephemeral
    announcement.assert_no_pings()

    empty, ephemeral = await world.run("leaderboard", "keith")
    assert ephemeral
    assert "No scores this season yet" in empty.content
    await world.record(world.one, 0.1, [("mia", 40, 1, 2, 1, 1), ("keith", 5, 1, 2, 1, 2)])
    fresh, _ = await world.run("leaderboard", "keith")
    assert world.names(fresh) == ["mia", "keith"]
    assert "Season 2 ·" in fresh.embeds[0]["footer"]["text"]

    old, _ = await world.run("leaderboard", "keith", season=1)
    assert world.names(old) == EXPECTED[("all", "points")]
    assert "(season 1)" in old.embeds[0]["title"]
    assert "archived" in old.embeds[0]["footer"]["text"]
    old_week, _ = await world.run("leaderboard", "keith", season=1, period="week", sort="streak")
    assert world.names(old_week) == EXPECTED[("week", "streak")]

    missing, ephemeral = await world.run("leaderboard", "keith", season=3)
    assert ephemeral
    assert "There is no season 3" in missing.content
    assert "season 2" in missing.content

    stats, _ = await world.run("stats", "amy")
    assert "no scores in season 2 yet" in stats.content
    assert "/leaderboard season:1" in stats.content
    # the other server is still in its first season
    assert await world.running.bot.service.current_season(world.two.id) == 1


async def test_confirmations_can_be_cancelled_and_expire(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _standard_rounds(world)
    fake = world.fake
    question, _ = await world.run("leaderboard-admin reset", "amy")
    cancel = await fake.click(question, question.custom_ids()[1], member=world.member("amy"))
    await cancel.response()
    assert (await fake.wait_for_edit(question)).content == "Cancelled: nothing changed."
    assert await world.running.bot.service.current_season(world.one.id) == 1

    monkeypatch.setattr("lalabot.bot.cogs.leaderboard.CONFIRM_TIMEOUT", 0.3)
    expiring, _ = await world.run("mydata forget", "keith")
    expired = await fake.wait_for_edit(expiring, timeout=5)
    assert expired.content == "This question expired: nothing changed."
    assert expired.custom_ids() == []
    stats, _ = await world.run("stats", "keith")
    assert stats.embeds


async def test_an_admin_removes_a_members_scores_in_one_server(world: World) -> None:
    await _standard_rounds(world)
    fake = world.fake
    sebastian = world.id_of("sebastian")
    refused, _ = await world.run("leaderboard-admin remove", "keith", member=sebastian)
    assert "Manage Server" in refused.content

    question, ephemeral = await world.run("leaderboard-admin remove", "amy", member=sebastian)
    assert ephemeral
    assert f"<@{sebastian}>" in question.content
    assert "season 1" in question.content
    click = await fake.click(question, question.custom_ids()[0], member=world.member("amy"))
    await click.response()
    done = await fake.wait_for_edit(question)
    assert "Removed" in done.content
    assert "1 round results" in done.content

    board, _ = await world.run("leaderboard", "keith")
    assert world.names(board) == ["amy", "keith", "mia"]
    other, _ = await world.run("leaderboard", "ryan", guild=world.two)
    assert world.names(other) == ["sebastian", "ryan"]
    again, ephemeral = await world.run("leaderboard-admin remove", "amy", member=sebastian)
    assert ephemeral
    assert "has no scores in this server" in again.content


async def test_pages_of_ten_with_the_askers_rank_off_the_page(world: World) -> None:
    fake = world.fake
    for n in range(15):
        world.one.add_member(f"player{n:02d}")
    crowd: list[Result] = [(f"player{n:02d}", 1000 - 10 * n, 5, 5, 5, n + 1) for n in range(15)]
    await world.record(world.one, 1, [*crowd, ("keith", 1, 0, 5, 0, 16)])

    first, _ = await world.run("leaderboard", "keith")
    names = world.names(first)
    assert names == [f"player{n:02d}" for n in range(10)]
    embed = first.embeds[0]
    assert "page 1 of 2 · 16 players" in embed["footer"]["text"]
    you = next(f for f in embed["fields"] if f["name"] == "You")
    assert you["value"].startswith("#16 of 16")
    assert [b["label"] for b in first.buttons()] == ["◀", "▶"]
    assert first.buttons()[0].get("disabled") is True
    next_id = first.buttons()[1]["custom_id"]

    refused = await fake.click(first, next_id, member=world.member("amy"))
    callback = await refused.response()
    assert callback.ephemeral
    assert callback.data is not None
    assert "Only the person who asked" in callback.data["content"]

    turned = await fake.click(first, next_id, member=world.member("keith"))
    assert (await turned.response()).type == 7
    second = await fake.wait_for_edit(first)
    assert world.names(second) == [*(f"player{n:02d}" for n in range(10, 15)), "keith"]
    assert "page 2 of 2" in second.embeds[0]["footer"]["text"]
    assert "← you" in second.embeds[0]["description"].splitlines()[-1]
    assert not [f for f in second.embeds[0].get("fields") or [] if f["name"] == "You"]
    assert second.buttons()[1].get("disabled") is True

    # the buttons carry the whole board: back to page 1, same board, same period
    back = await fake.click(second, second.buttons()[0]["custom_id"], member=world.member("keith"))
    await back.response()
    again = await fake.wait_for_edit(second)
    assert world.names(again) == names
    assert again.embeds[0]["footer"]["text"] == embed["footer"]["text"]
    assert world.running.bot.persistent_views == []  # nothing kept in memory per pager


async def test_export_holds_everything_and_forget_deletes_it(world: World) -> None:
    await _standard_rounds(world)
    fake = world.fake
    keith = world.id_of("keith")
    exported, ephemeral = await world.run("mydata export", "keith")
    assert ephemeral
    assert len(exported.attachments) == 1
    attachment = exported.attachments[0]
    assert attachment.filename == f"lalabot-{world.one.id}-{keith}.json"
    document = json.loads(attachment.data)
    assert document["player_id"] == str(keith)
    assert document["guild_id"] == str(world.one.id)
    assert [s["points"] for s in document["seasons"]] == [1200]
    assert len(document["rounds"]) == 2
    assert len(document["answers"]) == 16
    assert sum(a["correct"] for a in document["answers"]) == 12

    question, ephemeral = await world.run("mydata forget", "keith")
    assert ephemeral
    assert "2 rounds and 16 answers" in question.content
    click = await fake.click(question, question.custom_ids()[0], member=world.member("keith"))
    await click.response()
    assert "deleted" in (await fake.wait_for_edit(question)).content

    nothing, ephemeral = await world.run("mydata export", "keith")
    assert ephemeral
    assert nothing.content == "lalabot stores nothing about you in this server."
    assert not nothing.attachments
    board, _ = await world.run("leaderboard", "amy")
    assert "keith" not in world.names(board)
    again, _ = await world.run("mydata forget", "keith")
    assert "stores nothing about you" in again.content
    sebastian_elsewhere, _ = await world.run("mydata export", "sebastian")
    assert [
        s["points"] for s in json.loads(sebastian_elsewhere.attachments[0].data)["seasons"]
    ] == [500]


@pytest.mark.parametrize("season", [2, 999_999])
async def test_a_season_that_does_not_exist_is_a_clear_private_error(
    world: World, season: int
) -> None:
    await _standard_rounds(world)
    message, ephemeral = await world.run("leaderboard", "keith", season=season)
    assert ephemeral
    assert f"There is no season {season:,} here" in message.content
    assert "first season" in message.content


async def test_an_empty_server_gets_a_friendly_message(fake: FakeDiscord, world: World) -> None:
    for period in ("week", "month", "all"):
        message, ephemeral = await world.run("leaderboard", "keith", period=period)
        assert ephemeral
        assert message.content.startswith("No scores")
    exported, _ = await world.run("mydata export", "keith")
    assert "stores nothing" in exported.content
    assert not fake.violations
