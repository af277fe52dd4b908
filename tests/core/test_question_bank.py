"""The curated question bank (lalabot/data/questions.json) against the real seeds' facts."""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources

import pytest
from rapidfuzz import fuzz

from lalabot.core.answers import is_correct, normalise_answer
from lalabot.core.facts import TOPICS, Fact
from lalabot.core.ingest import extract_facts
from lalabot.core.questions import (
    DIFFICULTIES,
    MIN_PER_DIFFICULTY,
    Question,
    load_curated,
    mentions,
    validate_bank,
)
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def facts() -> dict[str, Fact]:
    found: dict[str, Fact] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for fact in extract_facts(path.read_text(encoding="utf-8"), path.name).facts:
            found[fact.id] = fact
    return found


@pytest.fixture(scope="module")
def bank() -> list[Question]:
    return load_curated()


def test_the_bank_is_big_and_well_formed(bank: list[Question]) -> None:
    assert len(bank) >= 200
    raw = json.loads(resources.files("lalabot.data").joinpath("questions.json").read_text())
    assert len(raw) == len(bank)
    assert len({q.id for q in bank}) == len(bank)
    for q in bank:
        assert re.fullmatch(rf"q-{re.escape(q.topic)}-\d{{3}}", q.id), q.id
        assert q.source == "curated"
        assert q.question.endswith("?")
        assert len(q.answer) <= 60, q.id
        assert len(q.answer.split()) <= 8, q.id


def test_validate_bank_finds_no_problem(bank: list[Question], facts: dict[str, Fact]) -> None:
    assert validate_bank(bank, list(facts.values())) == []


def test_every_source_fact_exists_and_mentions_the_answer(
    bank: list[Question], facts: dict[str, Fact]
) -> None:
    for q in bank:
        assert q.fact_id in facts, f"{q.id}: no fact {q.fact_id}"
        text = facts[q.fact_id].text
        assert any(mentions(text, a) for a in q.accepted), f"{q.id}: {q.answer!r} not in fact"


def test_a_spoiler_fact_makes_a_spoiler_question(
    bank: list[Question], facts: dict[str, Fact]
) -> None:
    for q in bank:
        if facts[q.fact_id].spoiler:
            assert q.spoiler, q.id
    assert all(q.spoiler for q in bank if q.topic == "ending")


def test_wrong_choices_are_distinct_and_never_right(bank: list[Question]) -> None:
    for q in bank:
        accepted = list(q.accepted)
        normalised = [normalise_answer(c) for c in (*q.accepted, *q.wrong)]
        assert len(set(normalised)) == len(normalised), q.id
        for wrong in q.wrong:
            assert not is_correct(wrong, accepted), (q.id, wrong)
            assert not is_correct(q.answer, [wrong]), (q.id, wrong)
        assert len(set(q.choices)) == 4
        assert q.answer in q.choices


def test_no_two_questions_ask_the_same_thing(bank: list[Question]) -> None:
    texts = Counter(normalise_answer(q.question) for q in bank)
    assert [t for t, n in texts.items() if n > 1] == []
    keys = [(q.id, normalise_answer(f"{q.question} {q.answer}")) for q in bank]
    close = [
        (a_id, b_id)
        for i, (a_id, a) in enumerate(keys)
        for b_id, b in keys[i + 1 :]
        if fuzz.ratio(a, b, score_cutoff=90) > 90
    ]
    assert close == []


def test_every_topic_and_difficulty_is_covered(bank: list[Question]) -> None:
    topics = Counter(q.topic for q in bank)
    assert {t.slug for t in TOPICS} <= set(topics)
    difficulties = Counter(q.difficulty for q in bank)
    for difficulty in DIFFICULTIES:
        assert difficulties[difficulty] >= MIN_PER_DIFFICULTY >= 40


def test_questions_spread_over_both_seed_documents(
    bank: list[Question], facts: dict[str, Fact]
) -> None:
    sources = Counter(facts[q.fact_id].source for q in bank)
    assert set(sources) == {p.name for p in SEEDS.glob("*.txt")}
