"""Searching a realistic small fact pack in a real database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lalabot.core.facts import Entity, EntityKind, Fact, fact_id_for
from lalabot.core.search import MAX_SUGGESTIONS, SearchResult
from lalabot.store.db import Database
from lalabot.store.facts import DocumentFacts, FactStore
from lalabot.store.search import MAX_LIMIT, SearchStore

P, S, F, L = EntityKind.PERSON, EntityKind.SONG, EntityKind.FILM, EntityKind.PLACE

# (text, topics, entities, spoiler): paraphrases of the seeds' La La Land trivia.
PACK: list[tuple[str, tuple[str, ...], tuple[tuple[str, EntityKind], ...], bool]] = [
    (
        "Ryan Gosling spent months learning to play the piano, so every piano part in the film"
        " could be shot without a hand double.",
        ("music", "cast"),
        (("Ryan Gosling", P),),
        False,
    ),
    (
        'Emma Stone sang "Audition (The Fools Who Dream)" live on set, with Justin Hurwitz'
        " playing piano in her earpiece.",
        ("music",),
        (("Emma Stone", P), ("Audition (The Fools Who Dream)", S), ("Justin Hurwitz", P)),
        False,
    ),
    (
        'The opening number, "Another Day of Sun", was filmed on a closed freeway interchange in'
        " Los Angeles in 109°F heat.",
        ("filming", "dance"),
        (("Another Day of Sun", S), ("Los Angeles", L)),
        False,
    ),
    (
        "La La Land received 14 Oscar nominations, tying the record held by Titanic and All"
        " About Eve.",
        ("awards",),
        (("La La Land", F), ("Titanic", F), ("All About Eve", F)),
        False,
    ),
    (
        "La La Land won six Oscars, including Best Director for Damien Chazelle and Best Actress"
        " for Emma Stone.",
        ("awards",),
        (("La La Land", F), ("Damien Chazelle", P), ("Emma Stone", P)),
        False,
    ),
    (
        "Sebastian drives a 1982 Buick Riviera convertible, while Mia drives a Toyota Prius.",
        ("design", "easter-eggs"),
        (("Sebastian", P), ("Mia", P)),
        False,
    ),
    (
        "Justin Hurwitz composed the score and wrote the songs; Benj Pasek and Justin Paul wrote"
        " the lyrics.",
        ("music",),
        (("Justin Hurwitz", P), ("Benj Pasek", P), ("Justin Paul", P)),
        False,
    ),
    (
        "The planetarium scene was shot on a set because the crew could not film inside the real"
        " planetarium at Griffith Observatory.",
        ("filming",),
        (("Griffith Observatory", L),),
        False,
    ),
    (
        "Mia and Sebastian dance among the stars in the Griffith Observatory planetarium.",
        ("dance",),
        (("Mia", P), ("Sebastian", P), ("Griffith Observatory", L)),
        False,
    ),
    (
        "Damien Chazelle wrote the screenplay in 2010, years before any studio agreed to make it.",
        ("production",),
        (("Damien Chazelle", P),),
        False,
    ),
    (
        "Mandy Moore choreographed the dances, rehearsing the opening number in a parking lot.",
        ("dance",),
        (("Mandy Moore", P),),
        False,
    ),
    (
        "Filming took 40 days, in more than 60 locations in and near Los Angeles.",
        ("filming", "los-angeles"),
        (("Los Angeles", L),),
        False,
    ),
    (
        "Angels Flight, the funicular railway in downtown L.A., was reopened for one day so the"
        " crew could shoot there.",
        ("los-angeles", "filming"),
        (("Angels Flight", L), ("Los Angeles", L)),
        False,
    ),
    (
        "The title is also a nickname for Los Angeles and for a dreamy state of mind.",
        ("los-angeles",),
        (("Los Angeles", L), ("La La Land", F)),
        False,
    ),
    (
        "Emma Stone liked the canary-yellow rehearsal dress so much that she wore it on film.",
        ("design",),
        (("Emma Stone", P), ("Mia", P)),
        False,
    ),
    (
        "Mary Zophres designed the costumes and found several of the dresses in vintage shops.",
        ("design",),
        (("Mary Zophres", P),),
        False,
    ),
    (
        "John Legend, a trained pianist, had to learn the guitar to play Keith.",
        ("cast", "music"),
        (("John Legend", P), ("Keith", P)),
        False,
    ),
    (
        "J.K. Simmons, who starred in Chazelle's Whiplash, plays the restaurant boss who fires"
        " Sebastian.",
        ("cast",),
        (("J.K. Simmons", P), ("Whiplash", F), ("Sebastian", P)),
        False,
    ),
    (
        "At the Academy Awards ceremony La La Land was wrongly announced as Best Picture instead"
        " of Moonlight.",
        ("awards", "reception"),
        (("La La Land", F), ("Moonlight", F)),
        False,
    ),
    (
        "The film grossed over $440 million worldwide on a budget of $30 million.",
        ("reception",),
        (),
        False,
    ),
    (
        "In the epilogue, Mia imagines the life she and Sebastian could have had together.",
        ("ending",),
        (("Mia", P), ("Sebastian", P)),
        True,
    ),
    (
        "The film opens with the CinemaScope logo, a homage to the widescreen musicals of the"
        " 1950s.",
        ("influences", "easter-eggs"),
        (),
        False,
    ),
    (
        "Jacques Demy's The Umbrellas of Cherbourg was one of Chazelle's main influences.",
        ("influences",),
        (("Jacques Demy", P), ("The Umbrellas of Cherbourg", F), ("Damien Chazelle", P)),
        False,
    ),
    (
        "Ryan Gosling and Emma Stone had already played a couple in Crazy, Stupid, Love. and"
        " Gangster Squad.",
        ("cast",),
        (("Ryan Gosling", P), ("Emma Stone", P), ("Crazy, Stupid, Love.", F)),
        False,
    ),
    (
        "Cinematographer Linus Sandgren shot the film on 35mm film in CinemaScope.",
        ("filming",),
        (("Linus Sandgren", P),),
        False,
    ),
    (
        '"City of Stars" won the Academy Award for Best Original Song.',
        ("music", "awards"),
        (("City of Stars", S),),
        False,
    ),
    (
        'Sebastian sings "City of Stars" on the Hermosa Beach pier.',
        ("music", "filming"),
        (("Sebastian", P), ("City of Stars", S), ("Hermosa Beach", L)),
        False,
    ),
]

ALIASES = {
    "gosling": "Ryan Gosling",
    "ryan": "Ryan Gosling",
    "stone": "Emma Stone",
    "emma": "Emma Stone",
    "chazelle": "Damien Chazelle",
    "hurwitz": "Justin Hurwitz",
    "seb": "Sebastian",
    "la": "Los Angeles",
    "l.a.": "Los Angeles",
    "griffith park observatory": "Griffith Observatory",
    "audition": "Audition (The Fools Who Dream)",
}


def pack_facts() -> tuple[Fact, ...]:
    return tuple(
        Fact(
            id=fact_id_for(text),
            text=text,
            source="pack.txt",
            topics=topics,
            entities=tuple(Entity(n, k) for n, k in entities),
            spoiler=spoiler,
        )
        for text, topics, entities, spoiler in PACK
    )


@pytest.fixture
async def store(db: Database) -> SearchStore:
    await FactStore(db).replace_documents([DocumentFacts("pack.txt", "a", "list", pack_facts())])
    return SearchStore(db, aliases=ALIASES)


def texts(result: SearchResult) -> list[str]:
    return [scored.fact.text for scored in result.facts]


# -- natural questions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("what car does sebastian drive", "Buick Riviera"),
        ("how many oscars did it win", "won six Oscars"),
        ("who wrote the songs", "composed the score and wrote the songs"),
        ("where was the opening scene filmed", "closed freeway interchange"),
        ("how hot was it", "109°F heat"),
        ("did gosling really learn the piano", "spent months learning to play the piano"),
        ("did emma stone sing live", 'sang "Audition'),
        ("who choreographed the dances", "Mandy Moore"),
        ("what did mia wear", "canary-yellow"),
        ("how long did filming take", "Filming took 40 days"),
        ("what car does mia drive", "Toyota Prius"),
        ("how much money did it make at the box office", "grossed over $440 million"),
        ("which songs won an academy award", 'City of Stars" won'),
        ("where does seb sing city of stars", "Hermosa Beach"),
    ],
)
async def test_natural_questions_find_the_right_fact_first(
    store: SearchStore, query: str, expected: str
) -> None:
    result = await store.search(query)
    assert result.mode == "fts"
    assert result.facts, query
    assert expected in result.facts[0].fact.text, texts(result)


async def test_scores_are_positive_and_best_first(store: SearchStore) -> None:
    for query in ("what car does sebastian drive", "Emma Stone", "music", "piano"):
        scores = [s.score for s in (await store.search(query, limit=MAX_LIMIT)).facts]
        assert scores
        assert all(s > 0 for s in scores)
        assert scores == sorted(scores, reverse=True)


# -- typos ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "entity", "corrected"),
    [
        ("gossling", "Ryan Gosling", "gosling"),
        ("hurwits", "Justin Hurwitz", "hurwitz"),
        ("emma stne", "Emma Stone", "emma stone"),
        ("griffith observatry", "Griffith Observatory", "griffith observatory"),
    ],
)
async def test_typos_find_their_facts(
    store: SearchStore, query: str, entity: str, corrected: str
) -> None:
    result = await store.search(query, limit=MAX_LIMIT)
    assert result.corrected_query == corrected
    assert result.query == query  # what was asked, not what was searched
    assert result.total > 0
    assert all(entity in {e.name for e in s.fact.entities} for s in result.facts)


async def test_a_partial_name_is_completed(store: SearchStore) -> None:
    result = await store.search("chazel", limit=MAX_LIMIT)
    assert result.total == sum(1 for text, _, _, _ in PACK if "Chazelle" in text)
    assert all("Chazelle" in text for text in texts(result))


async def test_typos_inside_questions(store: SearchStore) -> None:
    result = await store.search("what car does sebastain drve")
    assert result.corrected_query == "what car does sebastian drive"
    assert "Buick Riviera" in texts(result)[0]
    result = await store.search("planetarim")
    assert result.corrected_query == "planetarium"
    assert result.total == 2


# -- synonyms ------------------------------------------------------------------------------------


async def test_academy_awards_finds_oscar_facts(store: SearchStore) -> None:
    found = texts(await store.search("academy awards", limit=MAX_LIMIT))
    assert any("14 Oscar nominations" in t for t in found)
    assert any("won six Oscars" in t for t in found)


async def test_oscars_finds_academy_award_facts(store: SearchStore) -> None:
    found = texts(await store.search("oscars", limit=MAX_LIMIT))
    assert any("Academy Award" in t for t in found)


async def test_la_finds_los_angeles_facts(store: SearchStore, db: Database) -> None:
    found = texts(await store.search("films shot in LA", limit=MAX_LIMIT))
    assert any("downtown L.A." in t for t in found)
    assert any("near Los Angeles" in t for t in found)
    assert not any("Titanic" in t for t in found)  # "La La Land" is not LA
    # Without aliases "LA" is not an entity; the synonym table still knows it.
    bare = SearchStore(db)
    result = await bare.search("LA", limit=MAX_LIMIT)
    assert result.mode == "fts"
    assert {"downtown L.A." in t or "Los Angeles" in t for t in texts(result)} == {True}


async def test_movie_and_film_are_the_same_and_weak(store: SearchStore) -> None:
    first = texts(await store.search("movie locations"))
    assert "60 locations" in first[0]


# -- topics and entities ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Music & songs", "music", "music and songs", "MUSIC"])
async def test_a_topic_name_returns_its_facts(store: SearchStore, query: str) -> None:
    result = await store.search(query, limit=MAX_LIMIT)
    assert result.mode == "topic"
    assert result.subject == "Music & songs"
    assert result.total == sum(1 for _, topics, _, _ in PACK if "music" in topics)
    main = [s.fact.topics[0] == "music" for s in result.facts]
    assert main == sorted(main, reverse=True)  # main-topic facts first


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("Emma Stone", "Emma Stone"),
        ("emma stone", "Emma Stone"),
        ("Griffith Observatory", "Griffith Observatory"),
        ("stone", "Emma Stone"),
        ("L.A.", "Los Angeles"),
        ("seb", "Sebastian"),
    ],
)
async def test_an_entity_name_or_alias_returns_its_facts(
    store: SearchStore, query: str, entity: str
) -> None:
    result = await store.search(query, limit=MAX_LIMIT)
    assert result.mode == "entity"
    assert result.subject == entity
    assert result.total == sum(1 for _, _, es, _ in PACK if entity in {n for n, _ in es})
    assert all(entity in {e.name for e in s.fact.entities} for s in result.facts)
    assert result.facts[0].fact.entities[0].name == entity  # named first, on top


async def test_spoilers_are_returned_flagged(store: SearchStore) -> None:
    result = await store.search("epilogue")
    assert result.facts[0].fact.spoiler is True


# -- nothing found ---------------------------------------------------------------------------------


async def test_nothing_found_suggests(store: SearchStore) -> None:
    result = await store.search("Hurwitzberg")
    assert (result.mode, result.total, result.facts) == ("none", 0, [])
    assert "Justin Hurwitz" in result.suggestions
    result = await store.search("xyzzy plugh")
    assert (result.mode, result.total, result.suggestions) == ("none", 0, [])


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\x00",
        "who is it",  # only stopwords
        "x" * 4000,
        "word " * 1000,
        "😀🎬🎹",
        "@everyone",
        "<@123456789012345678>",
        "**bold** __under__ ||spoiler|| `code` > quote",
        "'; DROP TABLE facts; --",
        '" OR 1=1 --',
        'gosling" OR "',
        "text:piano",
        "piano*",
        "^stone",
        "NEAR(gosling piano)",
        "gosling AND NOT piano",
        "((((",
        "\ud800\udfff lone surrogates \udc00",
        "Ωμέγα ñandú 東京 مرحبا",
    ],
)
async def test_hostile_input_never_raises(
    store: SearchStore, query: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="lalabot.store.search"):
        result = await store.search(query)
        await store.suggest(query)
    assert result.total >= len(result.facts)
    assert not caplog.records  # in particular no FTS5 syntax error


# -- paging ----------------------------------------------------------------------------------------


async def test_paging(store: SearchStore) -> None:
    everything = await store.search("Emma Stone", limit=MAX_LIMIT)
    pages = [await store.search("Emma Stone", limit=2, offset=o) for o in range(0, 10, 2)]
    assert {p.total for p in pages} == {everything.total}
    assert [t for p in pages for t in texts(p)] == texts(everything)
    beyond = await store.search("piano", limit=2, offset=100)
    assert beyond.facts == []
    assert beyond.total == (await store.search("piano", limit=MAX_LIMIT)).total > 0
    assert len((await store.search("music", limit=1000)).facts) <= MAX_LIMIT
    counted = await store.search("music", limit=-5, offset=-5)
    assert (counted.facts, counted.mode) == ([], "topic")
    assert counted.total == (await store.search("music")).total > 0
    assert (await store.search("what car does sebastian drive", limit=0)).total == 1


# -- freshness and autocomplete --------------------------------------------------------------------


async def test_index_follows_the_facts(db: Database, store: SearchStore) -> None:
    assert (await store.search("Zeiss telescope")).total == 0
    extra = "The observatory's Zeiss telescope is open to the public every night."
    fact = Fact(fact_id_for(extra), extra, "more.txt", ("los-angeles",), (Entity("Zeiss", L),))
    await FactStore(db).replace_documents([DocumentFacts("more.txt", "b", "list", (fact,))])
    assert texts(await store.search("zeiss telscope")) == [extra]  # new words are known
    assert ("Zeiss", "Zeiss") in await store.suggest("zei")
    await FactStore(db).replace_documents([DocumentFacts("more.txt", "c", "list", ())])
    assert (await store.search("Zeiss")).total == 0


async def test_suggest(store: SearchStore) -> None:
    assert (await store.suggest("emma"))[0] == ("Emma Stone", "Emma Stone")
    assert (await store.suggest("Music"))[0] == ("Music & songs", "Music & songs")
    assert ("Griffith Observatory", "Griffith Observatory") in await store.suggest("obs")
    assert len(await store.suggest("")) == MAX_SUGGESTIONS
    for display, value in await store.suggest("c"):
        assert (await store.search(value)).total > 0, display  # every choice finds something


async def test_empty_database(db: Database) -> None:
    store = SearchStore(db)
    assert (await store.search("gosling")).mode == "none"
    assert len(await store.suggest("")) == 12  # the topics


# -- any text at all -----------------------------------------------------------------------------


@pytest.fixture
def loop_and_store(tmp_path: Path) -> Iterator[tuple[asyncio.AbstractEventLoop, SearchStore]]:
    """A store on its own event loop, for hypothesis (which runs examples synchronously)."""
    loop = asyncio.new_event_loop()
    db = loop.run_until_complete(Database.open(tmp_path / "prop.db"))
    loop.run_until_complete(
        FactStore(db).replace_documents([DocumentFacts("pack.txt", "a", "list", pack_facts())])
    )
    try:
        yield loop, SearchStore(db, aliases=ALIASES)
    finally:
        loop.run_until_complete(db.close())
        loop.close()


_SOUP = st.lists(
    st.one_of(
        st.text(max_size=15),
        st.sampled_from(
            [
                '"',
                "*",
                "^",
                ":",
                "(",
                ")",
                "AND",
                "OR",
                "NOT",
                "NEAR",
                "-",
                "+",
                "gosling",
                "oscars",
                "la",
                "l.a.",
                "emma",
                "stne",
                "\x00",
                "\ud800",
                "<@1>",
                "film",
                "the",
            ]
        ),
    ),
    max_size=25,
).map(" ".join)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.one_of(st.text(max_size=200), _SOUP), limit=st.integers(-3, 60))
def test_any_query_returns_a_result(
    loop_and_store: tuple[asyncio.AbstractEventLoop, SearchStore], query: str, limit: int
) -> None:
    loop, store = loop_and_store
    result = loop.run_until_complete(store.search(query, limit=limit))
    assert result.mode in {"topic", "entity", "fts", "none"}
    assert 0 <= len(result.facts) <= max(0, min(limit, MAX_LIMIT))
    assert result.total >= len(result.facts)
    assert len(loop.run_until_complete(store.suggest(query))) <= MAX_SUGGESTIONS
