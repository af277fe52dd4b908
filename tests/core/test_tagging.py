"""Tagging: topics by weighted rules, entities from the gazetteer and heuristics, spoilers."""

from __future__ import annotations

import pytest

from lalabot.core.facts import TOPICS, Entity, EntityKind
from lalabot.core.tagging import (
    TOPIC_RULES,
    entities_in,
    entity_aliases,
    is_spoiler,
    known_entities,
    topics_for,
)

TOPIC_SLUGS = {topic.slug for topic in TOPICS}


def names(text: str) -> list[str]:
    return [entity.name for entity in entities_in(text)]


# --------------------------------------------------------------------------------------------
# Topics
# --------------------------------------------------------------------------------------------


def test_every_topic_has_rules_and_only_taxonomy_topics_do() -> None:
    assert set(TOPIC_RULES) == TOPIC_SLUGS
    assert all(TOPIC_RULES[slug] for slug in TOPIC_RULES)


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("La La Land received 14 Oscar nominations and won six Academy Awards.", "awards"),
        ("Justin Hurwitz composed the score and the song City of Stars on the piano.", "music"),
        ("The scene was filmed on location at Griffith Observatory in a single take.", "filming"),
        ("Mary Zophres chose a yellow dress and a palette of primary colours.", "design"),
        ("Mandy Moore choreographed the tap dance routine on the pier.", "dance"),
        ("The film grossed $446 million at the box office and critics praised it.", "reception"),
        ("In the epilogue, five years later, Mia walks into the club.", "ending"),
        (
            "The film pays homage to The Umbrellas of Cherbourg and was inspired by Demy.",
            "influences",
        ),
        ("The Watts Towers were built by Simon Rodia and are a historic landmark.", "los-angeles"),
        ("A hidden reference to Casablanca is a nod to fans; spot the cameo.", "easter-eggs"),
        ("Emma Watson turned down the role of Mia; Miles Teller was cast first.", "cast"),
        ("The studio raised the budget after the script found a producer.", "production"),
    ],
)
def test_topic_rules_pick_the_expected_best_topic(text: str, best: str) -> None:
    topics = topics_for(text)
    assert topics[0] == best
    assert 1 <= len(topics) <= 3
    assert set(topics) <= TOPIC_SLUGS


def test_topics_are_at_most_three_and_unique() -> None:
    text = (
        "Choreographer Mandy Moore said the costume for the dance number was shot on location "
        "while Justin Hurwitz recorded the song, and the scene won an Oscar nomination."
    )
    topics = topics_for(text)
    assert 1 <= len(topics) <= 3
    assert len(set(topics)) == len(topics)


def test_topics_fall_back_by_rule_and_are_never_empty() -> None:
    assert topics_for("") == ("production",)
    assert topics_for("Nothing to see here at all, really.") == ("production",)
    assert topics_for("Sebastian drives a Buick Riviera convertible.") == ("cast",)


def test_topics_work_on_text_about_another_film() -> None:
    topics = topics_for(
        "Wes Anderson shot The Grand Budapest Hotel on location in Germany and Milena "
        "Canonero won the Academy Award for its costumes."
    )
    assert set(topics) <= TOPIC_SLUGS
    assert {"awards", "design", "filming"} <= set(topics)


# --------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------


def test_gazetteer_is_thorough_and_consistent() -> None:
    entities = known_entities()
    assert len(entities) >= 80
    assert len({entity.name for entity in entities}) == len(entities)
    assert {entity.kind for entity in entities} == set(EntityKind)
    for required in (
        Entity("Damien Chazelle", EntityKind.PERSON),
        Entity("Sebastian", EntityKind.PERSON),
        Entity("Audition (The Fools Who Dream)", EntityKind.SONG),
        Entity("The Umbrellas of Cherbourg", EntityKind.FILM),
        Entity("Los Angeles", EntityKind.PLACE),
        Entity("Griffith Observatory", EntityKind.PLACE),
    ):
        assert required in entities


def test_aliases_map_to_canonical_names() -> None:
    aliases = entity_aliases()
    assert aliases["chazelle"] == "Damien Chazelle"
    assert aliases["seb"] == "Sebastian"
    assert aliases["l.a."] == "Los Angeles"
    assert aliases["la"] == "Los Angeles"
    assert aliases["the fools who dream"] == "Audition (The Fools Who Dream)"
    assert aliases["damien chazelle"] == "Damien Chazelle"
    canonical = {entity.name for entity in known_entities()}
    assert set(aliases.values()) <= canonical


def test_entities_use_canonical_names_in_order_of_first_appearance() -> None:
    text = (
        "Seb plays the piano at the Lighthouse Café in Hermosa Beach while Mia and "
        "Sebastian's friend Keith watch; Chazelle filmed it in L.A. with Gosling."
    )
    assert names(text) == [
        "Sebastian",
        "The Lighthouse Café",
        "Hermosa Beach",
        "Mia",
        "Keith",
        "Damien Chazelle",
        "Los Angeles",
        "Ryan Gosling",
    ]


def test_entity_matching_is_case_sensitive_on_word_boundaries() -> None:
    assert names("The media loved the film; mia is not a name here.") == []
    assert names("Mia's dress") == ["Mia"]
    assert names("The Seb's logo") == ["Sebastian"]
    assert names("Stoned and Legendary, a seasoned LAPD officer.") == []


def test_entity_matching_ignores_accents_and_editorial_brackets() -> None:
    assert names("They played at the Lighthouse Cafe.") == ["The Lighthouse Café"]
    assert names("a film by Jacques Démy") == ["Jacques Demy"]
    assert names("[director] Damien [Chazelle] said so") == ["Damien Chazelle"]


def test_entity_kinds() -> None:
    found = entities_in(
        'Emma Stone sang "City of Stars" at Griffith Observatory, a nod to Rebel Without a Cause.'
    )
    assert found == (
        Entity("Emma Stone", EntityKind.PERSON),
        Entity("City of Stars", EntityKind.SONG),
        Entity("Griffith Observatory", EntityKind.PLACE),
        Entity("Rebel Without a Cause", EntityKind.FILM),
    )


def test_title_with_year_is_a_film_beyond_the_gazetteer() -> None:
    found = entities_in(
        "In both Speed (1994) and The Towering Inferno (1974) a bus jumps; "
        "the 74th Golden Globe Awards (2017) do not count."
    )
    assert Entity("The Towering Inferno", EntityKind.FILM) in found
    assert Entity("Speed", EntityKind.FILM) in found
    assert all("Golden Globe" not in entity.name for entity in found)
    # A known title found this way still gets its canonical name.
    assert names("He loved Singing in the Rain (1952) as a boy.") == ["Singin' in the Rain"]


def test_quoted_title_after_song_is_a_song_beyond_the_gazetteer() -> None:
    found = entities_in(
        'The song "Running Through The Rain" plays on the radio, then the number '
        'entitled, "Traffic". A "quoted phrase" after nothing is not a song.'
    )
    assert found == (
        Entity("Running Through The Rain", EntityKind.SONG),
        Entity("Traffic", EntityKind.SONG),
    )


def test_entities_on_text_about_another_film() -> None:
    found = entities_in(
        'Wes Anderson used the song "Moonshine Waltz" and echoed Casablanca (1942) and '
        "Lobby Boy Blues (1936) in Paris."
    )
    assert [entity.name for entity in found] == [
        "Moonshine Waltz",
        "Casablanca",
        "Lobby Boy Blues",
        "Paris",
    ]


# --------------------------------------------------------------------------------------------
# Spoilers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mia and Sebastian don't end up together.",
        "When Mia returns to L.A., now married to someone else, she visits the club.",
        "In the epilogue, five years later, Mia walks in with her husband.",
        "The final scene ends on a knowing smile between the two.",
        "The fantasy sequence shows the life they could have had in Paris.",
        "Sebastian has opened his own jazz club by the end.",
        "Both go their separate ways and never rekindle the romance.",
        "The film ends with the two of them apart.",
        "In the end, Zero inherits the hotel after Gustave is killed.",
    ],
)
def test_spoilers_are_recognised(text: str) -> None:
    assert is_spoiler(text)


@pytest.mark.parametrize(
    "text",
    [
        "Justin Hurwitz wrote the score in his apartment at Harvard.",
        "Sebastian is looking to open his own jazz club.",
        "Emma Stone performed Audition live on set in a single take.",
        "The opening number was shot on a freeway ramp over a weekend.",
        "Mia and Sebastian meet in traffic at the start of the film.",
        "In the last scene at the planetarium they float up to the stars.",
        "Wes Anderson shot the film in Germany in the winter of 2013.",
    ],
)
def test_non_spoilers_are_not_flagged(text: str) -> None:
    assert not is_spoiler(text)
