from __future__ import annotations

import random
from pathlib import Path

from lalabot.core.facts import Fact, fact_id_for
from lalabot.store.db import Database
from lalabot.store.facts import DocumentFacts, FactStore
from lalabot.store.guilds import GuildStore


def _fact(text: str, *topics: str) -> Fact:
    return Fact(id=fact_id_for(text), text=text, source="pack.txt", topics=topics)


PACK = [_fact(f"Music fact number {i} about the score.", "music") for i in range(7)] + [
    _fact(f"Cast fact number {i} about the actors.", "cast") for i in range(5)
]


async def _seed(db: Database) -> None:
    await FactStore(db).replace_documents([DocumentFacts("pack.txt", "h", "list", tuple(PACK))])


async def test_a_deck_shows_every_fact_of_its_topic_once_before_repeating(db: Database) -> None:
    await _seed(db)
    guilds, rng = GuildStore(db), random.Random(7)
    first_deal = [await guilds.draw_fact(1, "music", rng) for _ in range(7)]
    assert len(set(first_deal)) == 7
    facts = await FactStore(db).by_rowids([r for r in first_deal if r is not None])
    assert all("music" in f.topics for f in facts)
    second_deal = [await guilds.draw_fact(1, "music", rng) for _ in range(7)]
    assert set(second_deal) == set(first_deal)


async def test_decks_are_per_server_and_per_topic(db: Database) -> None:
    await _seed(db)
    guilds, rng = GuildStore(db), random.Random(1)
    every = [await guilds.draw_fact(1, None, rng) for _ in range(12)]
    assert len(set(every)) == 12
    assert await guilds.draw_fact(2, "cast", rng) is not None  # server 2 has its own deck
    assert await guilds.draw_fact(1, "awards", rng) is None  # no facts: no deck


async def test_a_deck_survives_a_restart(db_path: Path) -> None:
    db = await Database.open(db_path)
    await _seed(db)
    seen = [await GuildStore(db).draw_fact(9, "cast", random.Random(3)) for _ in range(3)]
    await db.close()
    db = await Database.open(db_path)
    try:
        rest = [await GuildStore(db).draw_fact(9, "cast", random.Random(4)) for _ in range(2)]
    finally:
        await db.close()
    assert len(set(seen + rest)) == 5


async def test_spoiler_setting_defaults_to_hidden(db: Database) -> None:
    guilds = GuildStore(db)
    assert await guilds.show_spoilers(5) is False
    await guilds.set_show_spoilers(5, True)
    assert await guilds.show_spoilers(5) is True
    assert await guilds.show_spoilers(6) is False
    await guilds.set_show_spoilers(5, False)
    assert await guilds.show_spoilers(5) is False


async def test_removed_facts_are_skipped_and_new_ones_join_the_next_deal(db: Database) -> None:
    await _seed(db)
    guilds, facts, rng = GuildStore(db), FactStore(db), random.Random(5)
    first = await guilds.draw_fact(1, "cast", rng)
    assert first is not None
    survivors = tuple(
        f for f in PACK if "Cast fact number 4" not in f.text and "Cast fact number 3" not in f.text
    )
    newcomer = _fact("Cast fact number 9 about a cameo.", "cast")
    await facts.replace_documents([DocumentFacts("pack.txt", "h2", "list", (*survivors, newcomer))])
    alive = {f.id for f in await facts.list_facts("cast")}
    rest: list[int] = []
    while len(rest) < 3:
        drawn = await guilds.draw_fact(1, "cast", rng)
        assert drawn is not None
        rest.append(drawn)
    shown = await facts.by_rowids(rest)
    assert len({f.id for f in shown}) == 3
    assert all(f.id in alive for f in shown)  # removed facts are never drawn
