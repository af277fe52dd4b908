"""The question model, the curated-bank checks and the generator, on a small fact pack."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lalabot.core import ingest
from lalabot.core.answers import is_correct, normalise_answer
from lalabot.core.facts import TOPICS, EntityKind, Fact
from lalabot.core.questions import (
    BLANK,
    MAX_CONTEXT_CHARS,
    Question,
    QuestionBankError,
    choices_clash,
    generate_questions,
    load_curated,
    mentions,
    parse_curated,
    validate_bank,
)
from lalabot.core.quiz import Round
from lalabot.core.tagging import known_entities

# --------------------------------------------------------------------------------------------
# A fact pack written for these tests (not the seeds)
# --------------------------------------------------------------------------------------------

YEAR_AND_PLACE = "Principal photography began in 2015, and the crew spent most nights in Burbank."
MINUTES = "The crew waited 45 minutes for the clouds to clear before the first take."
PARTY_SONG = 'At the engagement party, the band played the song "Summer Breeze Waltz" twice.'
COMPOSER = "Justin Hurwitz wrote most of the score on an upright piano in a rented room."
EPILOGUE = "In the epilogue, five years later, Mia walks into Sebastian's club with her husband."

WITH_BLANKS = (
    YEAR_AND_PLACE,
    MINUTES,
    PARTY_SONG,
    COMPOSER,
    "Mandy Moore taught the dancers a new routine every single morning.",
    "Linus Sandgren lit the whole pier scene with a single old lamp.",
    "Mary Zophres found the yellow dress in a small vintage shop.",
    "Chazelle screened Top Hat (1935) for the cast on a rainy Friday.",
    "Miles Teller starred in Whiplash (2014) before this film was made.",
    "The window on the back lot was borrowed from Casablanca (1942).",
    "The black trousers echo a look from Funny Face (1957) quite closely.",
    'Sebastian hums the song "City of Stars" on the pier at dusk.',
    'The band rehearsed the song "Start a Fire" for the tour in a warehouse.',
    'The opening number "Another Day of Sun" was shot on a closed freeway ramp.',
    "The sunset dance was filmed near Griffith Observatory over two evenings.",
    "The jazz club scenes were filmed at Hermosa Beach in the summer.",
    "Several apartment exteriors were found in Long Beach by the location scouts.",
    EPILOGUE,
)
NO_GOOD_BLANK = (
    "The film is a love letter to dreamers and to the people who help them.",
    "Emma Stone and Ryan Gosling rehearsed the dance together for weeks.",  # two people
    "The old cinema opened in 1925 and finally closed its doors in 2007.",  # two years
    "Justin Hurwitz played the piano while Hurwitz's mother listened.",  # named twice
    "Shot in 2015.",  # too short
    "During a long and winding production that seemed, to everyone who took part in it, to"
    " stretch on without end through heat waves, rewrites, lost permits, broken cameras and"
    " more rehearsals than anybody could count, the crew finally wrapped the last of the night"
    " shoots in 2015, exhausted but proud of every single frame they had managed to capture.",
)


def make_fact(text: str) -> Fact:
    return ingest.make_fact(text, "pack.txt")


PACK = tuple(make_fact(t) for t in (*WITH_BLANKS, *NO_GOOD_BLANK))
BY_TEXT = {f.text: f for f in PACK}


@pytest.fixture(scope="module")
def generated() -> list[Question]:
    return generate_questions(PACK)


def questions_for(questions: list[Question], text: str) -> list[Question]:
    return [q for q in questions if q.fact_id == BY_TEXT[text].id]


def _kind_names(kind: EntityKind) -> set[str]:
    return {e.name for e in known_entities() if e.kind is kind}


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


def test_the_pack_is_long_enough_to_test() -> None:
    assert len(NO_GOOD_BLANK[-1]) > MAX_CONTEXT_CHARS


def test_every_generated_question_is_well_formed(generated: list[Question]) -> None:
    assert generated
    facts = {f.id: f for f in PACK}
    for q in generated:
        fact = facts[q.fact_id]
        assert re.fullmatch(rf"g-{fact.id}-[12]", q.id)
        assert q.source == "generated"
        assert q.question.startswith("Fill in the blank: ")
        assert q.question.count(BLANK) == 1
        assert not mentions(q.question, q.answer), q.question
        assert q.topic == fact.topics[0]
        assert q.spoiler is fact.spoiler
        assert q.fact_text == fact.text
        assert q.difficulty in ("easy", "medium", "hard")
        # filling the blank with the answer or an alias gives back the fact's sentence
        sentence = q.question.removeprefix("Fill in the blank: ")
        assert any(sentence.replace(BLANK, a) in fact.text for a in q.accepted), q


def test_wrong_choices_are_never_the_answer_in_disguise(generated: list[Question]) -> None:
    for q in generated:
        assert len(q.wrong) == 3
        assert len(set(q.choices)) == 4
        assert q.answer in q.choices
        normalised = {normalise_answer(c) for c in q.choices}
        assert len(normalised) == 4, q.choices
        for wrong in q.wrong:
            assert not choices_clash(wrong, q.accepted), (q.id, wrong)
            assert not is_correct(wrong, q.accepted)
            for accepted in q.accepted:
                a, w = normalise_answer(accepted), normalise_answer(wrong)
                assert f" {a} " not in f" {w} "
                assert f" {w} " not in f" {a} "


def test_at_most_two_questions_per_fact(generated: list[Question]) -> None:
    per_fact: dict[str, int] = {}
    for q in generated:
        per_fact[q.fact_id] = per_fact.get(q.fact_id, 0) + 1
    assert max(per_fact.values()) <= 2
    assert len({q.id for q in generated}) == len(generated)


@pytest.mark.parametrize("text", NO_GOOD_BLANK)
def test_a_fact_with_no_good_blank_gives_no_question(generated: list[Question], text: str) -> None:
    assert questions_for(generated, text) == []


def test_a_year_is_asked_with_nearby_years(generated: list[Question]) -> None:
    (year,) = [q for q in questions_for(generated, YEAR_AND_PLACE) if q.answer == "2015"]
    assert year.difficulty == "hard"
    assert "began in _____," in year.question
    for wrong in year.wrong:
        assert re.fullmatch(r"\d{4}", wrong)
        assert 0 < abs(int(wrong) - 2015) <= 10
        assert int(wrong) <= 2015  # never later than the newest year the facts know


def test_a_place_is_asked_among_other_places(generated: list[Question]) -> None:
    (place,) = [q for q in questions_for(generated, YEAR_AND_PLACE) if q.answer == "Burbank"]
    assert place.question.endswith("most nights in _____.")
    assert set(place.wrong) <= _kind_names(EntityKind.PLACE)


def test_a_number_keeps_its_unit(generated: list[Question]) -> None:
    (q,) = questions_for(generated, MINUTES)
    assert q.answer == "45 minutes"
    assert "45" in q.aliases  # a typed "45" is right too
    values = set()
    for wrong in q.wrong:
        number, unit = wrong.split(" ", 1)
        assert unit == "minutes"
        assert number.isdigit()
        assert int(number) != 45
        values.add(int(number))
    assert len(values) == 3


def test_a_quoted_song_is_asked_among_other_songs(generated: list[Question]) -> None:
    (q,) = questions_for(generated, PARTY_SONG)
    assert q.answer == "Summer Breeze Waltz"
    assert q.question.endswith('played the song "_____" twice.')
    assert set(q.wrong) <= {"City of Stars", "Start a Fire", "Another Day of Sun"}


def test_a_person_is_asked_among_other_people_not_characters(generated: list[Question]) -> None:
    (q,) = questions_for(generated, COMPOSER)
    assert q.answer == "Justin Hurwitz"
    assert q.aliases == ("Hurwitz",)
    people = _kind_names(EntityKind.PERSON)
    for wrong in q.wrong:
        assert wrong in people
        assert " " in wrong


def test_films_are_asked_among_films(generated: list[Question]) -> None:
    films = {"Top Hat", "Whiplash", "Casablanca", "Funny Face"}
    film_questions = [q for q in generated if q.answer in films]
    assert len(film_questions) >= 3
    for q in film_questions:
        assert set(q.wrong) <= films - {q.answer}
        assert re.search(r"_____ \(\d{4}\)", q.question)  # the year stays as a hint


def test_a_spoiler_fact_gives_a_spoiler_question(generated: list[Question]) -> None:
    (q,) = questions_for(generated, EPILOGUE)
    assert q.spoiler
    assert q.answer == "five years"
    assert all(w.endswith(" years") and w.split()[0].isalpha() for w in q.wrong)


def test_generation_is_deterministic() -> None:
    first = generate_questions(PACK)
    again = generate_questions(list(PACK))
    assert [q.to_json() for q in first] == [q.to_json() for q in again]
    other_seed = generate_questions(PACK, seed="other")
    assert [q.id for q in other_seed] == [q.id for q in first]  # ids do not depend on the seed


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(PACK), unique=True, max_size=len(PACK)), st.integers(0, 9))
def test_any_subset_of_facts_gives_sound_questions(facts: list[Fact], seed: int) -> None:
    """Fewer facts means fewer distractors: then a question is dropped, never padded badly."""
    for q in generate_questions(facts, seed=seed):
        assert len({normalise_answer(c) for c in q.choices}) == 4
        assert not any(choices_clash(w, q.accepted) for w in q.wrong)
        assert q.fact_id in {f.id for f in facts}


def test_no_facts_no_questions() -> None:
    assert generate_questions([]) == []


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


def question(**overrides: object) -> Question:
    fields: dict[str, object] = {
        "id": "q-cast-001",
        "question": "Who composed the score?",
        "answer": "Justin Hurwitz",
        "aliases": ("Hurwitz",),
        "wrong": ("Mandy Moore", "Linus Sandgren", "Mary Zophres"),
        "topic": "music",
        "difficulty": "easy",
        "spoiler": False,
        "fact_id": BY_TEXT[COMPOSER].id,
        "source": "curated",
    }
    fields.update(overrides)
    return Question(**fields)  # type: ignore[arg-type]


def test_to_json_has_exactly_the_documented_keys() -> None:
    data = question().to_json()
    assert list(data) == [
        "id", "question", "answer", "aliases", "choices", "topic", "difficulty", "spoiler",
        "fact_id", "source",
    ]  # fmt: skip
    assert data["choices"] == ["Justin Hurwitz", "Linus Sandgren", "Mandy Moore", "Mary Zophres"]
    assert data["aliases"] == ["Hurwitz"]


def test_numeric_choices_are_ordered_by_value() -> None:
    q = question(answer="14", aliases=(), wrong=("9", "120", "13"))
    assert q.choices == ("9", "13", "14", "120")


def test_to_quiz_question_plays_in_a_buttons_round() -> None:
    q = question()
    quiz = q.to_quiz_question(fact_text="the fact")
    assert quiz.prompt == q.question
    assert quiz.accepted == q.accepted
    assert quiz.fact_text == "the fact"
    assert quiz.choices == q.choices
    round_ = Round.create(
        id=1, guild_id=1, channel_id=1, starter_id=1, questions=[quiz], mode="buttons",
        seconds=10.0, now=0.0,
    )  # fmt: skip
    shown = round_.open_question(0.0, random.Random(1))
    assert sorted(shown.choices) == sorted(q.choices)


def test_to_quiz_question_uses_the_fact_text_it_holds() -> None:
    q = question(fact_text="held")
    assert q.to_quiz_question().fact_text == "held"
    assert q == question()  # fact_text is not part of a question's identity


# --------------------------------------------------------------------------------------------
# Parsing and validating a bank
# --------------------------------------------------------------------------------------------


def entry(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "q-music-001",
        "question": "Who wrote most of the score on an upright piano?",
        "answer": "Justin Hurwitz",
        "aliases": ["Hurwitz"],
        "wrong": ["Mandy Moore", "Linus Sandgren", "Mary Zophres"],
        "topic": "music",
        "difficulty": "easy",
        "spoiler": False,
        "fact_id": BY_TEXT[COMPOSER].id,
    }
    data.update(overrides)
    return data


def test_parse_curated_reads_an_entry() -> None:
    q = parse_curated(entry())
    assert q.source == "curated"
    assert q.wrong == ("Mandy Moore", "Linus Sandgren", "Mary Zophres")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"wrong": ["a", "b"]}, "q-music-001: wrong must hold exactly 3"),
        ({"difficulty": "tricky"}, "q-music-001: difficulty must be one of"),
        ({"topic": "gossip"}, "q-music-001: unknown topic"),
        ({"spoiler": "no"}, "q-music-001: spoiler must be true or false"),
        ({"answer": " "}, "q-music-001: answer must be a non-empty string"),
        ({"aliases": "Hurwitz"}, "q-music-001: aliases must be a list"),
        ({"extra": 1}, "q-music-001: unknown extra"),
    ],
)
def test_a_malformed_entry_is_named(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(QuestionBankError, match=re.escape(message)):
        parse_curated(entry(**overrides))


def test_a_malformed_entry_without_id_is_named_by_position() -> None:
    data = entry()
    del data["id"]
    with pytest.raises(QuestionBankError, match=r"question #3: missing id"):
        parse_curated(data, 2)
    with pytest.raises(QuestionBankError, match=r"question #1: expected an object"):
        parse_curated(["not", "an", "object"])


def test_load_curated_returns_a_fresh_list_each_time() -> None:
    first = load_curated()
    first.clear()
    assert load_curated()


def _problems(*questions: Question) -> list[str]:
    return validate_bank(list(questions), PACK, min_per_difficulty=0)


def _coverage_free(problems: list[str]) -> list[str]:
    return [p for p in problems if not p.startswith("topic ")]


def test_a_sound_question_has_no_problem() -> None:
    assert _coverage_free(_problems(question())) == []


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"fact_id": "fmissing0000"}, "fact fmissing0000 does not exist"),
        ({"answer": "Randy Kerber", "aliases": ()}, "neither the answer nor an alias is in"),
        ({"wrong": ("Hurwitz", "Mandy Moore", "Mary Zophres")}, "'Hurwitz' passes for the answer"),
        ({"wrong": ("J. Hurwitz", "Mandy Moore", "Mary Zophres")}, "passes for the answer"),
        ({"wrong": ("Mandy Moore", "mandy moore!", "Mary Zophres")}, "repeats another"),
        ({"wrong": ("14", "Mandy Moore", "Mary Zophres")}, "not the same kind"),
        ({"question": "Did Justin Hurwitz compose it?"}, "gives away the answer"),
        ({"question": "Name the composer"}, "question mark"),
        ({"aliases": ("justin  hurwitz",)}, "is the answer or an alias again"),
        ({"aliases": ("Hurwitz", "hurwitz.")}, "is the answer or an alias again"),
        ({"id": "g-1"}, "kept for generated questions"),
    ],
)
def test_validate_bank_finds_the_problem(overrides: dict[str, object], problem: str) -> None:
    problems = _coverage_free(_problems(question(**overrides)))
    assert any(problem in p for p in problems), problems


def test_a_spoiler_fact_needs_a_spoiler_question() -> None:
    q = question(
        question="How much later is the epilogue set?",
        answer="five years",
        aliases=(),
        wrong=("two years", "ten years", "twenty years"),
        fact_id=BY_TEXT[EPILOGUE].id,
    )
    assert any("must be too" in p for p in _problems(q))
    assert _coverage_free(_problems(Question(**{**_fields(q), "spoiler": True}))) == []


def _fields(q: Question) -> dict[str, object]:
    return {name: getattr(q, name) for name in Question.__slots__}


def test_duplicates_and_near_duplicates_are_found() -> None:
    a = question()
    same = question(id="q-music-002")
    near = question(id="q-music-003", question="Who composed the score ?!")
    other = question(id="q-music-004", question="Which pianist wrote most of the music?")
    problems = _problems(a, same, near, other)
    assert any(p.startswith("q-music-002: asks the same as q-cast-001") for p in problems)
    assert any(p.startswith("q-music-003:") for p in problems)
    assert not any(p.startswith("q-music-004:") for p in problems)
    assert any("duplicate id" in p for p in _problems(a, question()))


def test_coverage_of_topics_and_difficulties_is_checked() -> None:
    problems = validate_bank([question()], PACK, min_per_difficulty=1)
    assert f"topic {TOPICS[0].slug} has no question" in problems
    assert "topic music has no question" not in problems
    assert "only 0 medium questions (at least 1 wanted)" in problems
    assert not any("easy questions" in p for p in problems)


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("It won six Academy Awards.", "6", True),
        ("It won 14 Oscars.", "fourteen", True),
        ("Ryan Gosling's hands", "Ryan Gosling", True),
        ("the 1930's musicals", "the 1930s", True),
        ("Seb's (Sebastian's club)", "Seb's", True),
        ("The Umbrellas of Cherbourg (1964)", "Umbrellas of Cherbourg", True),
        ("Justin Hurwitz", "Hurwitz Justin", False),
        ("a sixteenth note", "six", False),
    ],
)
def test_mentions(text: str, phrase: str, found: bool) -> None:
    assert mentions(text, phrase) is found
