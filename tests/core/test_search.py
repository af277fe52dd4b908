"""The pure side of search: sanitising, parsing, MATCH building, spelling, names."""

from __future__ import annotations

import re
import sqlite3
import statistics
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lalabot.core.facts import Entity, EntityKind
from lalabot.core.search import (
    MAX_SUGGESTIONS,
    MAX_TERMS,
    MAX_WORD_CHARS,
    Corrector,
    QueryParser,
    SearchIndex,
    build_match,
    lookup_key,
    phrase_match,
    quote,
    sanitize,
    tokenize,
)

ALIASES = {
    "seb": "Sebastian",
    "sebastian": "Sebastian",
    "la": "Los Angeles",
    "l.a.": "Los Angeles",
    "los angeles": "Los Angeles",
    "emma stone": "Emma Stone",
    "stone": "Emma Stone",
    "gosling": "Ryan Gosling",
    "ryan gosling": "Ryan Gosling",
    "chazelle": "Damien Chazelle",
    "damien chazelle": "Damien Chazelle",
}

_VOCABULARY_TEXT = """
gosling ryan stone emma chazelle damien hurwitz justin piano pianist learned oscar oscars academy
award awards won nominations titanic sebastian drives buick riviera convertible prius mia
observatory griffith planetarium opening number filmed freeway interchange heat angeles los songs
song wrote lyrics the a of in and 109 14
"""
VOCABULARY = {w: n for n, w in enumerate(_VOCABULARY_TEXT.split(), start=1)}


@pytest.fixture(scope="module")
def parser() -> QueryParser:
    return QueryParser(ALIASES)


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    """A real FTS5 table with the production tokenizer and columns, and a few rows."""
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(text, topics, entities,"
        " tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    conn.executemany(
        "INSERT INTO t (text, topics, entities) VALUES (?, ?, ?)",
        [
            ("Ryan Gosling learned to play the piano.", "music Music & songs", "Ryan Gosling"),
            ("Sebastian drives a Buick Riviera convertible.", "design", "Sebastian"),
            ("The opening number was filmed in L.A. in 109°F heat.", "filming", "Los Angeles"),
            ("La La Land won six Oscars.", "awards Awards", "La La Land"),
        ],
    )
    yield conn
    conn.close()


def terms_of(parser: QueryParser, text: str) -> list[str]:
    return [t.key for t in parser.parse(text).terms]


# -- sanitising and tokenising ---------------------------------------------------------------


def test_sanitize_removes_what_must_not_reach_sqlite() -> None:
    assert sanitize("a\x00b\ud800c\u200bd") == "a bc d"
    assert sanitize("<@123> hi <@!45> <#6> <@&7> <:ok:89> @everyone @here") == "hi"
    assert sanitize("  lots   of\n\tspace ") == "lots of space"
    assert sanitize("Ｅｍｍａ") == "Emma"  # full-width letters folded by NFKC
    assert len(sanitize("x" * 4000)) == 300


def test_tokenize_folds_like_unicode61() -> None:
    words = tokenize("Sebastian's Café in L.A. with J.K. Simmons, 109°F!")
    assert [w.key for w in words] == [
        "sebastian",
        "cafe",
        "in",
        "la",
        "with",
        "jk",
        "simmons",
        "109",
    ]
    assert [w.phrase for w in words if w.key in {"la", "jk"}] == ["l a", "j k"]


def test_tokenize_caps_words_and_their_length() -> None:
    words = tokenize("word " * 500 + "y" * 200)
    assert len(words) <= 40
    assert all(len(w.key) <= MAX_WORD_CHARS for w in tokenize("z" * 200))


def test_lookup_key_ignores_case_punctuation_and_ampersand() -> None:
    assert lookup_key("Music & songs") == lookup_key("music and SONGS!") == "music and songs"
    assert lookup_key("J.K. Simmons") == lookup_key("jk simmons")


# -- parsing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("what car does sebastian drive", ["car", "sebastian", "drive"]),
        ("how many oscars did it win", ["oscars", "win"]),
        ("who wrote the songs", ["wrote", "songs"]),
        ("where was the opening scene filmed", ["opening scene", "filmed"]),
        ("how long did filming take", ["filming", "take"]),
        ("how many oscars did the film win", ["oscars", "win"]),  # "film" is weak
        ("movie", ["movie"]),  # ... unless it is all there is
        ("what did emma stone sing", ["emma stone", "sing"]),
    ],
)
def test_natural_questions_keep_the_meaningful_words(
    parser: QueryParser, query: str, expected: list[str]
) -> None:
    assert terms_of(parser, query) == expected


def test_synonyms_widen_terms(parser: QueryParser) -> None:
    by_key = {t.key: t.forms for t in parser.parse("oscars movie seb song dancing").terms}
    assert "academy award" in by_key["oscars"]
    assert "sebastian" in by_key["seb"]
    assert {"number", "track"} <= set(by_key["song"])
    assert "dance" in by_key["dancing"]  # inflections find their group
    assert "movie" not in by_key  # weak word dropped beside strong ones


def test_academy_awards_is_one_term(parser: QueryParser) -> None:
    (term,) = parser.parse("academy awards").terms
    assert "oscar" in term.forms


def test_la_means_los_angeles_and_is_never_searched_bare(parser: QueryParser) -> None:
    for query in ("LA", "L.A.", "films shot in la"):
        forms = [f for t in parser.parse(query).terms for f in t.forms]
        assert "los angeles" in forms
        assert "la" not in forms


def test_terms_are_capped(parser: QueryParser) -> None:
    parsed = parser.parse(" ".join(f"word{i}" for i in range(100)))
    assert len(parsed.terms) == MAX_TERMS


def test_adjacent_terms_and_typed_words_are_boosted(parser: QueryParser) -> None:
    parsed = parser.parse("where is the casting director")
    assert "casting director" in parsed.boost
    assert "oscars" in parser.parse("oscars").boost  # typed form over its synonyms


# -- building MATCH -----------------------------------------------------------------------------


def test_quote_doubles_quotes() -> None:
    assert quote('say "hi"') == '"say ""hi"""'
    assert phrase_match("J.K. Simmons") == '"j k simmons"'
    assert phrase_match("!!!") is None


def test_fts5_syntax_in_a_query_is_just_words(parser: QueryParser, fts: sqlite3.Connection) -> None:
    parsed = parser.parse('"gosling" AND text:piano* NEAR(a b) ^stone -x +y (oscar OR')
    assert [t.key for t in parsed.terms] == ["gosling", "text", "piano", "near", "stone", "oscar"]
    _check_expression(build_match(parsed.terms, "AND", parsed.boost), fts)


def test_and_or_and_boost_shapes(parser: QueryParser) -> None:
    parsed = parser.parse("casting director")
    assert build_match(parsed.terms, "OR") is not None
    expression = build_match(parsed.terms, "AND", parsed.boost)
    assert expression is not None
    assert expression.startswith('"casting" AND (')
    assert expression.endswith(")")
    assert '"casting director"' in expression
    assert build_match([]) is None


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def _check_expression(expression: str | None, conn: sqlite3.Connection) -> None:
    if expression is None:
        return
    # Outside quoted strings there is nothing but AND/OR, parentheses and spaces.
    assert re.fullmatch(r"[()\sANDOR]*", _QUOTED.sub("", expression)), expression
    conn.execute("SELECT rowid, bm25(t) FROM t WHERE t MATCH ?", (expression,)).fetchall()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_any_text_makes_a_valid_match(
    parser: QueryParser, fts: sqlite3.Connection, text: str
) -> None:
    parsed = parser.parse(text)
    assert len(parsed.terms) <= MAX_TERMS
    for operator in ("AND", "OR"):
        _check_expression(build_match(parsed.terms, operator, parsed.boost), fts)


_NASTY = st.sampled_from(
    [
        '"',
        "'",
        "*",
        "^",
        "+",
        "-",
        ":",
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "text:",
        "\x00",
        "\ud800",
        "<@123>",
        "@everyone",
        "||",
        "**",
        "`",
        "; DROP TABLE facts; --",
        "é",
        "😀",
        " ",
    ]
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(st.one_of(_NASTY, st.text(max_size=12)), max_size=30))
def test_fts5_syntax_soup_makes_a_valid_match(
    parser: QueryParser, fts: sqlite3.Connection, parts: list[str]
) -> None:
    index = SearchIndex(
        vocabulary=VOCABULARY,
        entities=[(Entity("Emma Stone", EntityKind.PERSON), 3)],
        aliases=ALIASES,
    )
    parsed = index.parser.parse(" ".join(parts))
    terms = index.with_completion(parsed)
    _check_expression(build_match(terms, "AND", parsed.boost), fts)
    corrected = [index.corrector.correct(w) or w for w in parsed.words]
    again = index.parser.parse(" ".join(corrected))
    _check_expression(build_match(again.terms, "OR", again.boost), fts)


# -- spelling -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corrector() -> Corrector:
    return Corrector(VOCABULARY, names=["Emma Stone", "Ryan Gosling", "Justin Hurwitz"])


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("gossling", "gosling"),
        ("chazel", "chazelle"),
        ("hurwits", "hurwitz"),
        ("stne", "stone"),
        ("observatry", "observatory"),
        ("planetarim", "planetarium"),
        ("oscers", "oscars"),
    ],
)
def test_typos_are_corrected(corrector: Corrector, typo: str, fixed: str) -> None:
    assert corrector.correct(typo) == fixed


@pytest.mark.parametrize("word", ["gosling", "the", "abc", "1999", "xyzzyplugh", "q"])
def test_known_short_numeric_or_hopeless_words_are_left_alone(
    corrector: Corrector, word: str
) -> None:
    assert corrector.correct(word) is None


def test_completions_prefer_frequent_words(corrector: Corrector) -> None:
    assert corrector.completions("obs") == ["observatory"]
    assert corrector.completions("pian") == ["pianist", "piano"]
    assert corrector.completions("os") == []  # too short to complete


def test_partial_last_word_is_completed() -> None:
    index = SearchIndex(vocabulary=VOCABULARY, entities=[])
    (term,) = index.with_completion(index.parser.parse("griffith obs"))[1:]
    assert "observatory" in term.forms
    # a known last word, or a word followed by more text, is left as it is
    assert index.with_completion(index.parser.parse("piano")) == index.parser.parse("piano").terms


# -- names --------------------------------------------------------------------------------------


def _entities() -> list[tuple[Entity, int]]:
    return [
        (Entity("Emma Stone", EntityKind.PERSON), 30),
        (Entity("Emma Watson", EntityKind.PERSON), 2),
        (Entity("Ryan Gosling", EntityKind.PERSON), 25),
        (Entity("Griffith Observatory", EntityKind.PLACE), 5),
        (Entity("Los Angeles", EntityKind.PLACE), 20),
        (Entity("Sebastian", EntityKind.PERSON), 40),
    ]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(
        vocabulary=VOCABULARY,
        entities=_entities(),
        topic_counts={"music": 10, "awards": 4},
        aliases=ALIASES,
    )


def test_topic_and_entity_names_are_recognised(index: SearchIndex) -> None:
    for query in ("Music & songs", "music", "music and songs", " MUSIC "):
        topic = index.topic_for(index.parser.parse(query))
        assert topic is not None
        assert topic.slug == "music"
    assert index.topic_for(index.parser.parse("music facts")) is None
    assert index.entity_for(index.parser.parse("Emma Stone")) == "Emma Stone"
    assert index.entity_for(index.parser.parse("stone")) == "Emma Stone"
    assert index.entity_for(index.parser.parse("L.A.")) == "Los Angeles"
    assert index.entity_for(index.parser.parse("damien chazelle")) is None  # no facts: unknown


def test_autocomplete_prefix_then_word_prefix_then_fuzzy(index: SearchIndex) -> None:
    names = index.names
    assert names.complete("emma")[:2] == [
        ("Emma Stone", "Emma Stone"),
        ("Emma Watson", "Emma Watson"),
    ]
    assert names.complete("emma st")[0] == ("Emma Stone", "Emma Stone")
    assert names.complete("obs")[0] == ("Griffith Observatory", "Griffith Observatory")
    assert names.complete("mus")[0] == ("Music & songs", "Music & songs")
    assert names.complete("seb")[0] == ("Sebastian", "Sebastian")
    assert ("Ryan Gosling", "Ryan Gosling") in names.complete("gossl")  # a typo, still found
    assert names.complete("zzzzzz") == []


def test_autocomplete_limits(index: SearchIndex) -> None:
    everything = index.names.complete("")
    assert len(everything) == 12 + len(_entities())
    assert everything[0] == ("Music & songs", "Music & songs")  # topics first, most facts first
    assert len(index.names.complete("", limit=3)) == 3
    many = SearchIndex(
        vocabulary={}, entities=[(Entity(f"Name {i}", EntityKind.PERSON), 1) for i in range(99)]
    )
    assert len(many.names.complete("", limit=500)) == MAX_SUGGESTIONS
    assert len(many.names.complete("name", limit=500)) == MAX_SUGGESTIONS
    assert index.names.complete("", limit=-1) == []
    assert index.names.complete("\x00\ud800<@1>") == everything


def test_did_you_mean(index: SearchIndex) -> None:
    assert index.names.closest("Emma Stoen") == ["Emma Stone"]
    assert "Griffith Observatory" in index.names.closest("griffith observatorium")
    assert index.names.closest("qq") == []


def test_autocomplete_is_fast_with_thousands_of_names() -> None:
    entities = [
        (Entity(f"Person{i} Surname{i * 7 % 1000}", EntityKind.PERSON), i % 50) for i in range(2000)
    ]
    names = SearchIndex(vocabulary={}, entities=entities).names
    for prefix in ("pers", "person12", "surname9", "emma st", "ryan"):
        timings = []
        for _ in range(30):
            started = time.perf_counter()
            names.complete(prefix)
            timings.append(time.perf_counter() - started)
        assert statistics.median(timings) < 0.002, prefix  # < 1 ms typical; CI headroom
