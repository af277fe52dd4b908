"""The question store: syncing curated and generated questions, filters and rounds' candidates."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from lalabot.core import ingest
from lalabot.core.facts import Fact
from lalabot.core.questions import Question, generate_questions, load_curated
from lalabot.core.quiz import Round
from lalabot.service import LalaService
from lalabot.store.db import Database
from lalabot.store.facts import DocumentFacts, FactStore
from lalabot.store.questions import QuestionStore
from tests.conftest import dump

COMPOSER = "Justin Hurwitz wrote most of the score on an upright piano in a rented room."
PIER = "Linus Sandgren lit the whole pier scene with a single old lamp."
EPILOGUE = "In the epilogue, five years later, Mia walks into Sebastian's club with her husband."
TEXTS = (
    COMPOSER,
    PIER,
    EPILOGUE,
    "Mandy Moore taught the dancers a new routine every single morning.",
    "Mary Zophres found the yellow dress in a small vintage shop.",
    "The crew waited 45 minutes for the clouds to clear before the first take.",
    "Principal photography began in 2015, and the crew spent most nights in Burbank.",
    'The opening number "Another Day of Sun" was shot on a closed freeway ramp.',
    'Sebastian hums the song "City of Stars" on the pier at dusk.',
    'The band rehearsed the song "Start a Fire" for the tour in a warehouse.',
    'At the engagement party, the band played the song "Summer Breeze Waltz" twice.',
)


def make_fact(text: str) -> Fact:
    return ingest.make_fact(text, "pack.txt")


FACTS = tuple(make_fact(t) for t in TEXTS)
BY_TEXT = {f.text: f for f in FACTS}


def curated(
    id: str, text: str, question: str, answer: str, wrong: Sequence[str], **extra: object
) -> Question:
    fields: dict[str, object] = {
        "id": id,
        "question": question,
        "answer": answer,
        "aliases": (),
        "wrong": tuple(wrong),
        "topic": "music",
        "difficulty": "easy",
        "spoiler": False,
        "fact_id": BY_TEXT[text].id,
        "source": "curated",
    }
    fields.update(extra)
    return Question(**fields)  # type: ignore[arg-type]


CURATED = (
    curated(
        "q-music-001",
        COMPOSER,
        "Who wrote most of the score on an upright piano?",
        "Justin Hurwitz",
        ["Mandy Moore", "Linus Sandgren", "Mary Zophres"],
        aliases=("Hurwitz",),
    ),
    curated(
        "q-filming-001",
        PIER,
        "Who lit the whole pier scene with a single lamp?",
        "Linus Sandgren",
        ["Mandy Moore", "Justin Hurwitz", "Mary Zophres"],
        topic="filming",
        difficulty="medium",
    ),
    curated(
        "q-ending-001",
        EPILOGUE,
        "How many years later is the epilogue set?",
        "five",
        ["two", "three", "ten"],
        topic="ending",
        difficulty="hard",
        spoiler=True,
    ),
)


async def import_facts(db: Database, facts: Sequence[Fact]) -> None:
    digest = hashlib.sha256("".join(f.text for f in facts).encode()).hexdigest()
    await FactStore(db).replace_documents([DocumentFacts("pack.txt", digest, "list", tuple(facts))])


async def synced(db: Database) -> QuestionStore:
    await import_facts(db, FACTS)
    store = QuestionStore(db)
    await store.sync(CURATED, FACTS)
    return store


async def test_sync_stores_curated_and_generated_questions(db: Database) -> None:
    await import_facts(db, FACTS)
    store = QuestionStore(db)
    counts = await store.sync(CURATED, FACTS)
    generated = generate_questions(FACTS)
    assert counts.changed
    assert (counts.curated, counts.generated, counts.orphaned) == (3, len(generated), 0)
    assert counts.total == await store.count() == 3 + len(generated)
    assert await store.count("curated") == 3
    assert await store.count("generated") == len(generated) > 5
    stored = await store.list(source="generated")
    assert [q.to_json() for q in stored] == [q.to_json() for q in generated]


async def test_syncing_the_same_inputs_again_changes_nothing(db: Database) -> None:
    store = await synced(db)
    before = await dump(db)
    again = await store.sync(list(CURATED), list(FACTS))
    assert not again.changed
    assert (again.curated, again.generated) == (3, await store.count("generated"))
    assert await dump(db) == before
    assert (await store.sync(CURATED, FACTS, seed="another")).changed  # other inputs: rebuilt


async def test_a_curated_question_whose_fact_is_gone_is_kept_but_never_asked(
    db: Database,
) -> None:
    store = await synced(db)
    remaining = [f for f in FACTS if f.text != PIER]
    await import_facts(db, remaining)
    counts = await store.sync(CURATED, remaining)
    assert counts.changed
    assert counts.orphaned == 1
    orphan = await store.get("q-filming-001")
    assert orphan is not None
    assert orphan.fact_text is None
    assert "q-filming-001" in {q.id for q in await store.list()}
    assert "q-filming-001" not in {q.id for q in await store.candidates(spoilers=True)}
    gone = BY_TEXT[PIER].id
    assert not [q for q in await store.list(source="generated") if q.fact_id == gone]


async def test_a_curated_question_dropped_from_the_bank_is_deleted(db: Database) -> None:
    store = await synced(db)
    await store.sync(CURATED[:1], FACTS)
    assert [q.id for q in await store.list(source="curated")] == ["q-music-001"]
    assert await store.get("q-ending-001") is None


async def test_a_changed_curated_question_is_updated(db: Database) -> None:
    store = await synced(db)
    changed = Question(**{**_fields(CURATED[0]), "difficulty": "hard", "topic": "production"})
    await store.sync([changed, *CURATED[1:]], FACTS)
    got = await store.get("q-music-001")
    assert got is not None
    assert (got.difficulty, got.topic) == ("hard", "production")


def _fields(q: Question) -> dict[str, object]:
    return {name: getattr(q, name) for name in Question.__slots__}


async def test_filters(db: Database) -> None:
    store = await synced(db)
    everything = await store.list()
    assert [q.source for q in everything[:3]] == ["curated"] * 3
    assert {q.source for q in await store.list(source="generated")} == {"generated"}
    assert [q.id for q in await store.list(source="curated", topic="filming")] == ["q-filming-001"]
    by_name = await store.list(source="curated", topic="Filming & locations")
    assert [q.id for q in by_name] == ["q-filming-001"]
    assert [q.id for q in await store.list(source="curated", difficulty="medium")] == [
        "q-filming-001"
    ]
    assert all(q.difficulty == "easy" for q in await store.list(difficulty="easy"))
    no_spoilers = await store.list(spoilers=False)
    assert no_spoilers
    assert not any(q.spoiler for q in no_spoilers)
    assert any(q.spoiler for q in everything)
    assert await store.list(topic="no-such-topic") == []


async def test_candidates_leave_spoilers_out_unless_asked(db: Database) -> None:
    store = await synced(db)
    safe = await store.candidates()
    assert safe
    assert not any(q.spoiler for q in safe)
    with_spoilers = await store.candidates(spoilers=True)
    assert "q-ending-001" in {q.id for q in with_spoilers}
    assert all(q.fact_text for q in with_spoilers)
    assert len(with_spoilers) == await store.count()
    music_easy = await store.candidates(topic="music", difficulty="easy")
    assert "q-music-001" in {q.id for q in music_easy}
    assert all((q.topic, q.difficulty) == ("music", "easy") for q in music_easy)


async def test_get_gives_back_the_question_with_its_fact(db: Database) -> None:
    store = await synced(db)
    got = await store.get("q-music-001")
    assert got == CURATED[0]
    assert got is not None
    assert got.fact_text == COMPOSER
    assert set(got.to_json()) == {
        "id", "question", "answer", "aliases", "choices", "topic", "difficulty", "spoiler",
        "fact_id", "source",
    }  # fmt: skip
    assert got.to_json()["choices"] == list(got.choices)
    assert got.answer in got.choices
    assert await store.get("q-nope-001") is None


async def test_candidates_play_in_a_buttons_round(db: Database) -> None:
    store = await synced(db)
    questions = [q.to_quiz_question() for q in await store.candidates(spoilers=True)]
    assert all(q.fact_text for q in questions)
    round_ = Round.create(
        id=1, guild_id=1, channel_id=1, starter_id=1, questions=questions, mode="buttons",
        seconds=20.0, now=0.0,
    )  # fmt: skip
    shown = round_.open_question(0.0, random.Random(3))
    assert len(shown.choices) == 4


async def test_the_packaged_bank_over_the_seeds(db: Database, service: LalaService) -> None:
    await service.ensure_facts()
    facts = await service.facts.list_facts()
    store = QuestionStore(db)
    counts = await store.sync(load_curated(), facts)
    assert counts.orphaned == 0
    assert counts.curated >= 200
    assert counts.generated >= 200
    candidates = await store.candidates(spoilers=True)
    assert len(candidates) == counts.total
    safe = await store.candidates()
    assert len(safe) < len(candidates)
    assert {q.topic for q in safe if q.source == "curated"} >= {"cast", "music", "easter-eggs"}
