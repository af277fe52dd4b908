"""Multiple-choice questions: the model, the curated bank, its checks and a generator.

Two sources of questions share one model, :class:`Question`:

* **curated**: hand-written, shipped as ``lalabot/data/questions.json`` and read with
  :func:`load_curated`. Each one is grounded in one fact (``fact_id``) and checked by
  :func:`validate_bank` (the bank test and ``lalabot questions --check`` both use it);
* **generated**: derived from any facts by :func:`generate_questions`, so that a self-hoster who
  imports their own documents gets a quiz without writing a question. A generated question is a
  fill-in-the-blank over one sentence of a fact; the blank is a year, a number with its unit, a
  quoted title or a person, film, place or song from the entity index, and the three wrong
  choices are things of the same kind drawn from the rest of the facts.

Pure Python, deterministic: the same facts (and seed) give the same questions, ids and choices.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal, cast, get_args

from rapidfuzz import fuzz

from lalabot.core.answers import is_correct, normalise_answer
from lalabot.core.facts import TOPICS, Entity, EntityKind, Fact
from lalabot.core.ingest import split_sentences
from lalabot.core.quiz import QuizQuestion
from lalabot.core.tagging import entities_in, entity_aliases, topics_for

__all__ = [
    "BLANK",
    "DIFFICULTIES",
    "GENERATOR_VERSION",
    "MIN_PER_DIFFICULTY",
    "SOURCES",
    "Difficulty",
    "Question",
    "QuestionBankError",
    "Source",
    "choices_clash",
    "generate_questions",
    "load_curated",
    "mentions",
    "parse_curated",
    "validate_bank",
]

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = get_args(Difficulty)
Source = Literal["curated", "generated"]
SOURCES: tuple[Source, ...] = get_args(Source)

GENERATOR_VERSION = 1
"""Bumped whenever :func:`generate_questions` would give other output for the same facts."""

BLANK = "_____"
MIN_PER_DIFFICULTY = 40
"""The curated bank holds at least this many questions of every difficulty."""

_TOPIC_SLUGS = frozenset(t.slug for t in TOPICS)
_CURATED_KEYS = frozenset(
    {"id", "question", "answer", "aliases", "wrong", "topic", "difficulty", "spoiler", "fact_id"}
)
_WRONG_CHOICES = 3
_MAX_ANSWER_CHARS = 60
_NEAR_DUPLICATE_RATIO = 90.0


class QuestionBankError(ValueError):
    """A malformed curated question; the message names the question."""


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    """One multiple-choice question with its answer, accepted alternatives and wrong choices.

    ``fact_text`` is the source fact's text when the caller has it (the store fills it in); it is
    not part of the question's identity nor of :meth:`to_json`.
    """

    id: str
    question: str
    answer: str
    aliases: tuple[str, ...]
    wrong: tuple[str, ...]
    topic: str
    difficulty: Difficulty
    spoiler: bool
    fact_id: str
    source: Source
    fact_text: str | None = field(default=None, compare=False)

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.answer, *self.aliases)

    @property
    def choices(self) -> tuple[str, ...]:
        """The answer and the wrong choices in a stable order that does not give the answer away:
        by value when every choice is a number, else alphabetically."""
        return tuple(sorted((self.answer, *self.wrong), key=_choice_order))

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "aliases": list(self.aliases),
            "choices": list(self.choices),
            "topic": self.topic,
            "difficulty": self.difficulty,
            "spoiler": self.spoiler,
            "fact_id": self.fact_id,
            "source": self.source,
        }

    def to_quiz_question(self, fact_text: str | None = None) -> QuizQuestion:
        """The question as a quiz round asks it; ``fact_text`` defaults to the one held here."""
        return QuizQuestion(
            id=self.id,
            prompt=self.question,
            answer=self.answer,
            aliases=self.aliases,
            choices=self.choices,
            fact_text=fact_text if fact_text is not None else self.fact_text,
            spoiler=self.spoiler,
        )


_LEADING_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _choice_order(choice: str) -> tuple[float, str]:
    normal = normalise_answer(choice)
    match = _LEADING_NUMBER.match(normal)
    if match and match.end() == len(normal.split(" ")[0]):
        return (float(match.group(0)), normal)
    return (math.inf, normal)


# --------------------------------------------------------------------------------------------
# The curated bank
# --------------------------------------------------------------------------------------------


def parse_curated(data: object, index: int = 0) -> Question:
    """One entry of the curated JSON; :class:`QuestionBankError` names the entry when malformed."""
    if not isinstance(data, dict):
        raise QuestionBankError(f"question #{index + 1}: expected an object")
    raw_id = data.get("id")
    name = raw_id if isinstance(raw_id, str) and raw_id else f"#{index + 1}"
    missing = sorted(_CURATED_KEYS - data.keys())
    unknown = sorted(data.keys() - _CURATED_KEYS)
    if missing or unknown:
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unknown {', '.join(unknown)}" if unknown else "",
            )
            if part
        )
        raise QuestionBankError(f"question {name}: {detail}")

    def text(key: str) -> str:
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise QuestionBankError(f"question {name}: {key} must be a non-empty string")
        return value.strip()

    def texts(key: str, count: int | None = None) -> tuple[str, ...]:
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise QuestionBankError(f"question {name}: {key} must be a list of non-empty strings")
        if count is not None and len(value) != count:
            raise QuestionBankError(f"question {name}: {key} must hold exactly {count} strings")
        return tuple(v.strip() for v in cast(list[str], value))

    difficulty = data["difficulty"]
    if difficulty not in DIFFICULTIES:
        raise QuestionBankError(
            f"question {name}: difficulty must be one of {', '.join(DIFFICULTIES)}"
        )
    spoiler = data["spoiler"]
    if not isinstance(spoiler, bool):
        raise QuestionBankError(f"question {name}: spoiler must be true or false")
    topic = text("topic")
    if topic not in _TOPIC_SLUGS:
        raise QuestionBankError(f"question {name}: unknown topic {topic!r}")
    return Question(
        id=text("id"),
        question=text("question"),
        answer=text("answer"),
        aliases=texts("aliases"),
        wrong=texts("wrong", _WRONG_CHOICES),
        topic=topic,
        difficulty=cast(Difficulty, difficulty),
        spoiler=spoiler,
        fact_id=text("fact_id"),
        source="curated",
    )


@cache
def _curated() -> tuple[Question, ...]:
    raw = resources.files("lalabot.data").joinpath("questions.json").read_text(encoding="utf-8")
    try:
        records = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise QuestionBankError(f"questions.json is not valid JSON: {exc}") from exc
    if not isinstance(records, list):
        raise QuestionBankError("questions.json must hold a list of questions")
    questions = tuple(parse_curated(record, index) for index, record in enumerate(records))
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise QuestionBankError(f"question {question.id}: duplicate id")
        seen.add(question.id)
    return questions


def load_curated() -> list[Question]:
    """The packaged curated questions, in file order (read and checked once, then cached)."""
    return list(_curated())


_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’]s\b")  # "Gosling's", not "1930's"


def mentions(text: str, phrase: str) -> bool:
    """Whether ``phrase`` appears in ``text`` as whole words, compared as answers are: case,
    accents, punctuation, articles and possessives aside, numbers as digits or words."""
    for strip in (False, True):
        needle = normalise_answer(_POSSESSIVE.sub("", phrase) if strip else phrase)
        haystack = normalise_answer(_POSSESSIVE.sub("", text) if strip else text)
        if needle and f" {needle} " in f" {haystack} ":
            return True
    return False


def choices_clash(choice: str, accepted: Sequence[str]) -> bool:
    """Whether a wrong choice is the right answer in disguise: equal after normalisation, one
    inside the other as whole words, or accepted by :func:`~lalabot.core.answers.is_correct`
    either way round."""
    mine = normalise_answer(choice)
    if not mine:
        return True
    for answer in accepted:
        theirs = normalise_answer(answer)
        if not theirs:
            continue
        if mine == theirs or f" {mine} " in f" {theirs} " or f" {theirs} " in f" {mine} ":
            return True
        if is_correct(choice, [answer]) or is_correct(answer, [choice]):
            return True
    return False


def _is_numeric(text: str) -> bool:
    """A number-like answer: it has a digit ("14", "$30 million", "Take 2") or opens with a
    number word ("six takes"; "two-tone shoes" does not count)."""
    if re.search(r"\d", text):
        return True
    words = text.split()
    first = words[0].casefold() if words else ""
    if first not in _NUMBER_WORDS and first not in _TENS_WORDS:
        return False
    return len(words) == 1 or not words[1][:1].isupper()  # not "Seven Brides for Seven Brothers"


def validate_bank(
    questions: Sequence[Question],
    facts: Sequence[Fact],
    *,
    min_per_difficulty: int = MIN_PER_DIFFICULTY,
) -> list[str]:
    """Every problem with a bank of questions over these facts, as sentences; [] when sound.

    Per question: a unique id, a known topic, a question ending in "?" that does not contain its
    answer, a short answer, three wrong choices that are distinct from each other and never the
    answer in disguise (:func:`choices_clash`) and of the same kind (all numbers or none), a
    source fact that exists and mentions the answer or an alias (:func:`mentions`), and the
    spoiler flag set when the fact is a spoiler. Over the bank: no two questions asking the same
    thing (equal normalised question, or question and answer more than 90% alike), every topic
    covered and at least ``min_per_difficulty`` questions of each difficulty.
    """
    problems: list[str] = []
    by_id = {fact.id: fact for fact in facts}
    seen_ids: set[str] = set()
    for q in questions:
        where = q.id or "(no id)"
        if q.id in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(q.id)
        if q.source == "curated" and q.id.startswith("g-"):
            problems.append(f"{where}: the g- prefix is kept for generated questions")
        if q.topic not in _TOPIC_SLUGS:
            problems.append(f"{where}: unknown topic {q.topic!r}")
        if q.difficulty not in DIFFICULTIES:
            problems.append(f"{where}: unknown difficulty {q.difficulty!r}")
        if not q.question.endswith("?"):
            problems.append(f"{where}: the question should end with a question mark")
        if len(q.answer) > _MAX_ANSWER_CHARS:
            problems.append(f"{where}: the answer is too long for a choice button")
        for accepted in q.accepted:
            if mentions(q.question, accepted):
                problems.append(f"{where}: the question gives away the answer {accepted!r}")
        seen_accepted = {normalise_answer(q.answer)}
        for alias in q.aliases:
            if normalise_answer(alias) in seen_accepted:
                problems.append(f"{where}: alias {alias!r} is the answer or an alias again")
            seen_accepted.add(normalise_answer(alias))
        problems.extend(_wrong_choice_problems(q, where))
        fact = by_id.get(q.fact_id)
        if fact is None:
            problems.append(f"{where}: fact {q.fact_id} does not exist")
            continue
        if not any(mentions(fact.text, accepted) for accepted in q.accepted):
            problems.append(f"{where}: neither the answer nor an alias is in fact {fact.id}")
        if fact.spoiler and not q.spoiler:
            problems.append(f"{where}: fact {fact.id} is a spoiler, so the question must be too")
    problems.extend(_duplicate_problems(questions))
    topics = Counter(q.topic for q in questions)
    problems.extend(f"topic {t.slug} has no question" for t in TOPICS if topics[t.slug] == 0)
    difficulties = Counter(q.difficulty for q in questions)
    problems.extend(
        f"only {difficulties[d]} {d} questions (at least {min_per_difficulty} wanted)"
        for d in DIFFICULTIES
        if difficulties[d] < min_per_difficulty
    )
    return problems


def _wrong_choice_problems(q: Question, where: str) -> list[str]:
    problems: list[str] = []
    if len(q.wrong) != _WRONG_CHOICES:
        problems.append(f"{where}: needs exactly {_WRONG_CHOICES} wrong choices")
    numeric = _is_numeric(q.answer)
    for index, wrong in enumerate(q.wrong):
        if choices_clash(wrong, q.accepted):
            problems.append(f"{where}: wrong choice {wrong!r} passes for the answer")
        if any(choices_clash(wrong, [other]) for other in q.wrong[:index]):
            problems.append(f"{where}: wrong choice {wrong!r} repeats another")
        if _is_numeric(wrong) != numeric:
            problems.append(f"{where}: wrong choice {wrong!r} is not the same kind as the answer")
        if len(wrong) > _MAX_ANSWER_CHARS:
            problems.append(f"{where}: wrong choice {wrong!r} is too long for a button")
    return problems


def _duplicate_problems(questions: Sequence[Question]) -> list[str]:
    problems: list[str] = []
    first_by_text: dict[str, str] = {}
    for q in questions:
        key = normalise_answer(q.question)
        if key in first_by_text:
            problems.append(f"{q.id}: asks the same as {first_by_text[key]}")
        else:
            first_by_text[key] = q.id
    keys = [normalise_answer(f"{q.question} {q.answer}") for q in questions]
    for i, first in enumerate(keys):
        for j in range(i + 1, len(keys)):
            score = fuzz.ratio(first, keys[j], score_cutoff=_NEAR_DUPLICATE_RATIO)
            if score > _NEAR_DUPLICATE_RATIO and first != keys[j]:
                problems.append(
                    f"{questions[j].id}: nearly the same as {questions[i].id} ({score:.0f}% alike)"
                )
    return problems


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------

MAX_QUESTIONS_PER_FACT = 2
MIN_CONTEXT_CHARS = 40
MAX_CONTEXT_CHARS = 300
_SUBJECT_SHARE = 0.10  # a film named in this share of the facts is the subject: never a blank

# A sentence opening with one of these leans on the sentence before it.
_LEANING = re.compile(
    r"^(?:it|its|this|that|these|those|he|she|they|his|her|their|him|them|both|such"
    r"|however|also|then|but|and|so|here|(?:one|another|the other) (?:is|was)\b)\b",
    re.IGNORECASE,
)
# "filmed there", "was there": a place named in the sentence before.
# ("There were over 100 cars" stands alone: an existential "there" is followed by a verb.)
_THERE = re.compile(
    r"\bthere\b(?!\s+(?:is|are|was|were|had|has|have|will|would|could|might|must|may|seems?"
    r"|remains?|used|['’]s))",
    re.IGNORECASE,
)
# A pronoun among the first words, with nobody named before it, leans on the sentence before.
_EARLY_PRONOUN = re.compile(
    r"^(?:\S+\s+){0,7}?(?P<pronoun>it|he|she|they|his|her|its|their|him|them)\b", re.IGNORECASE
)
# Pointing at a picture or a scene the reader cannot see: never a question.
_DEICTIC = re.compile(
    r"\b(?:this|that|the following) (?:scene|sequence|shot|montage|building|section|number"
    r"|location|moment|picture|photo|image)\b|\bseen here\b|\b(?:is|are) here\b|^here\b"
    r"|^this is\b|\bthe (?:above|below)\b",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    return text.split()


_NUMBER_WORDS: Mapping[str, int] = {
    word: value
    for value, word in enumerate(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen"
            " fourteen fifteen sixteen seventeen eighteen nineteen twenty"
        )
    )
}
_TENS_WORDS: Mapping[str, int] = {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100,
}  # fmt: skip
_WORD_FOR: Mapping[int, str] = {
    v: k for k, v in {**_NUMBER_WORDS, **_TENS_WORDS}.items() if k != "hundred"
}
_NUMBER_WORD_RE = "|".join(
    sorted((w for w in (*_NUMBER_WORDS, *_TENS_WORDS) if w not in {"zero", "one"}), key=len)[::-1]
)
_NUMBER = re.compile(
    rf"(?<![\w$#/.:,-])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?i:{_NUMBER_WORD_RE}))"
    r"\s+(?P<unit>(?:[A-Za-z]+\s+)?[A-Za-z]+)"
)
_MONEY = re.compile(
    r"(?<![\w$])\$\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s+(?P<scale>thousand|million|billion))?(?![\w,]|\.\d)"
)
_PERCENT = re.compile(r"(?<![\w$.,])(?P<num>\d{1,3})%")
_YEAR = re.compile(r"(?<![\w$#/.:,(-])(?P<num>1[6-9]\d\d|20\d\d)(?![\w%/:-]|['’]s|\.\d|,\d)")
_QUOTED = re.compile(r"[\"“](?P<title>[^\"“”]{2,60}?)[,.]?[\"”]")
# "the 2006 film "Half Nelson"", ""The Lovely Bones," a film he left": a film named in quotes.
_FILM_BEFORE = re.compile(r"\b(?:films?|movies?|features?)\s*,?\s*$", re.IGNORECASE)
_FILM_AFTER = re.compile(
    r"^[,.]?[\"”]?\s*,?\s*(?:(?:a|an|the)\s+)?(?:\d{4}\s+)?(?:films?|movies?)\b", re.IGNORECASE
)
# Units a small number is worth asking about ("two months"); "two leads" is not a question.
_MEASURES = frozenset(
    _words(
        "second minute hour day week month year decade century feet foot mile inch pound degree"
        " take time"
    )
)
_FILM_YEAR_AFTER = re.compile(r"\s*\((?:18|19|20)\d\d\)")
_ANY_QUOTE = re.compile(r"[\"“][^\"“”]*[\"”]")
_PREPOSITIONS = frozenset(
    _words(
        "in at on to from into near through across around outside inside behind toward towards"
        " of by past about the"
    )
)
_FOLLOWERS = frozenset(
    _words(
        "is was were are has had have and or but which where who that as in on at for with to"
        " by from near opened became becomes itself"
    )
)
_SONG_CUE = re.compile(
    r"\b(?:songs?|numbers?|tracks?|tunes?|singles?|duets?|ballads?|carols?)\b[^.\"“]{0,20}$",
    re.IGNORECASE,
)
_MINOR_WORDS = frozenset(
    _words("a an and as at but by for from in into of on or the to with without is it so")
)
_UNIT_STOP = frozenset(
    _words(
        "a an and or of the to in on at for with by from as is was were are be been that which"
        " who more less than other different further times time percent per pm am bc ad"
    )
)
# "composer _____", "Actress _____": the role before a name picks people of the same role.
_ROLES = _words(
    "actor actress director producer composer lyricist co-lyricist choreographer designer"
    " cinematographer photography editor painter artist pianist singer musician bandleader"
    " writer screenwriter critic presenter architect muralist drummer bassist guitarist"
)
_ROLE_BEFORE = re.compile(rf"\b(?P<role>{'|'.join(_ROLES)})\s*,?\s*$", re.IGNORECASE)
_IRREGULAR_PLURALS = frozenset({"feet", "people", "men", "women", "children", "geese", "mice"})
_TITLE_WORD = re.compile(r"[A-Za-z0-9][\w'’!&.:-]*|\([^)]*\)")


Kind = str  # "year", "number:<unit>", "money:<scale>", "percent", "song", "title", "film", ...


@dataclass(frozen=True, slots=True)
class _Blank:
    kind: Kind
    start: int
    end: int
    answer: str
    aliases: tuple[str, ...]
    value: float | None = None
    words: bool = False  # a number written in words
    unit: str = ""
    entity: str | None = None  # canonical name, for entity blanks
    role: str = ""  # for a person: the role named just before ("composer")


@dataclass(frozen=True, slots=True)
class _Corpus:
    """Everything the generator draws wrong choices from, built once per call."""

    years: Counter[int]
    numbers: Mapping[str, Counter[float]]  # unit key -> values seen
    money: Mapping[str, Counter[float]]  # scale -> values seen
    percents: Counter[int]
    titles: Mapping[Kind, Counter[str]]  # "song" | "title" | "film" -> titles seen
    entities: Mapping[Kind, Counter[str]]  # kind -> canonical name -> facts mentioning it
    topic_entities: Mapping[tuple[str, str], Counter[str]]  # (kind, topic) -> name -> count
    roles: Mapping[str, Counter[str]]  # person -> roles named just before them
    subjects: frozenset[str]  # the films the corpus is about, never a blank nor a choice
    fact_count: int


def generate_questions(facts: Sequence[Fact], *, seed: int | str = 0) -> list[Question]:
    """Fill-in-the-blank questions from facts: at most two per fact, none from a fact with no
    good blank. Deterministic: the same facts and seed give the same questions, with ids
    ``g-<fact id>-<n>``. See the module docstring and :func:`_blanks_in` for the rules."""
    corpus = _build_corpus(facts)
    questions: list[Question] = []
    for fact in facts:
        questions.extend(_questions_for(fact, corpus, seed))
    return questions


# -- corpus ------------------------------------------------------------------------------------


def _entity_kind(entity: Entity) -> Kind:
    if entity.kind is EntityKind.PERSON and " " not in entity.name.strip():
        return "character"  # a single name in a film's gazetteer is one of its characters
    return entity.kind.value


def _fact_entities(fact: Fact) -> tuple[Entity, ...]:
    return fact.entities if fact.entities else entities_in(fact.text)


def _build_corpus(facts: Sequence[Fact]) -> _Corpus:
    years: Counter[int] = Counter()
    numbers: defaultdict[str, Counter[float]] = defaultdict(Counter)
    money: defaultdict[str, Counter[float]] = defaultdict(Counter)
    percents: Counter[int] = Counter()
    titles: defaultdict[Kind, Counter[str]] = defaultdict(Counter)
    entities: defaultdict[Kind, Counter[str]] = defaultdict(Counter)
    topic_entities: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    roles: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for fact in facts:
        text = fact.text
        for match in _YEAR.finditer(text):
            years[int(match["num"])] += 1
        for found in _numbers_in(text):
            numbers[_unit_key(found.unit)][found.value or 0.0] += 1
        for match in _MONEY.finditer(text):
            money[match["scale"] or ""][_to_float(match["num"])] += 1
        for match in _PERCENT.finditer(text):
            percents[int(match["num"])] += 1
        for start, _end, title in _quoted_titles(text):
            titles[_title_kind(text, start, title)][title] += 1
        for entity in _fact_entities(fact):
            kind = _entity_kind(entity)
            entities[kind][entity.name] += 1
            for topic in fact.topics:
                topic_entities[(kind, topic)][entity.name] += 1
            if kind == EntityKind.PERSON.value:
                for start, _ in _surface_spans(text, entity):
                    role = _role_before(text, start)
                    if role:
                        roles[entity.name][role] += 1
            if entity.kind is EntityKind.SONG:
                titles["song"][entity.name] += 1
            elif entity.kind is EntityKind.FILM:
                titles["film"][entity.name] += 1
    share = max(1, math.ceil(len(facts) * _SUBJECT_SHARE))
    subjects = frozenset(
        name for name, count in entities[EntityKind.FILM.value].items() if count >= share
    )
    return _Corpus(
        years=years,
        numbers=dict(numbers),
        money=dict(money),
        percents=percents,
        titles=dict(titles),
        entities=dict(entities),
        topic_entities=dict(topic_entities),
        roles=dict(roles),
        subjects=subjects,
        fact_count=len(facts),
    )


def _to_float(number: str) -> float:
    word = number.casefold()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    if word in _TENS_WORDS:
        return float(_TENS_WORDS[word])
    return float(number.replace(",", ""))


def _is_plural(word: str) -> bool:
    lower = word.casefold()
    if lower in _IRREGULAR_PLURALS:
        return True
    return len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is"))


def _unit_key(unit: str) -> str:
    last = unit.split()[-1].casefold()
    return last[:-1] if last.endswith("s") and last not in _IRREGULAR_PLURALS else last


def _numbers_in(text: str) -> list[_Blank]:
    """Numbers with a plural unit after them: "109 degrees", "14 Oscar nominations"."""
    found: list[_Blank] = []
    for match in _NUMBER.finditer(text):
        number = match["num"]
        if text[match.end("num") : match.end("num") + 1] in ("-", "%"):
            continue  # "two-day", "91%": an adjective or a percentage
        first, _, second = re.sub(r"\s+", " ", match["unit"]).partition(" ")
        if _is_plural(first) and first.casefold() not in _UNIT_STOP:
            unit, end = first, match.start("unit") + len(first)
        elif (
            second
            and first.casefold() not in _UNIT_STOP
            and second.casefold() not in _UNIT_STOP
            and _is_plural(second)
            and not _is_plural(first)
        ):
            unit, end = f"{first} {second}", match.end("unit")
        else:
            continue
        value = _to_float(number)
        if value <= 1 or (re.fullmatch(r"\d{4}", number) and 1600 <= value <= 2099):
            continue  # a single thing, or a year
        if value <= 3 and not number[0].isdigit() and _unit_key(unit) not in _MEASURES:
            continue  # "the two leads": no question there
        found.append(
            _Blank(
                kind=f"number:{_unit_key(unit)}",
                start=match.start("num"),
                end=end,
                answer=text[match.start("num") : end],
                aliases=(_format_number(value, words=False),),
                value=value,
                words=not number[0].isdigit(),
                unit=unit,
            )
        )
    return found


def _is_title_case(title: str) -> bool:
    words = _TITLE_WORD.findall(title)
    if not words or not words[0][0].isupper() or len(words) > 7:
        return False
    return all(w[0].isupper() or w[0].isdigit() or w[0] == "(" or w in _MINOR_WORDS for w in words)


def _quoted_titles(text: str) -> list[tuple[int, int, str]]:
    """Double-quoted Title-Cased phrases of one to seven words: (start, end, title)."""
    found: list[tuple[int, int, str]] = []
    for match in _QUOTED.finditer(text):
        title = match["title"].strip()
        if title and _is_title_case(title) and not title.endswith(("?", "!")):
            found.append((match.start("title"), match.start("title") + len(title), title))
    return found


def _canonical_entity(title: str) -> Entity | None:
    name = entity_aliases().get(title.casefold())
    if name is None:
        return None
    for entity in entities_in(title):
        if entity.name == name:
            return entity
    return None


def _title_kind(text: str, start: int, title: str) -> Kind:
    entity = _canonical_entity(title)
    if entity is not None and entity.kind in (EntityKind.SONG, EntityKind.FILM):
        return entity.kind.value
    if entity is not None:
        return "other"
    if _SONG_CUE.search(text[max(0, start - 40) : max(0, start - 1)]):
        return "song"
    end = start + len(title)
    before = text[max(0, start - 30) : max(0, start - 1)]
    if _FILM_BEFORE.search(before) or _FILM_AFTER.search(text[end : end + 30]):
        return "film"
    return "title"


# -- blanks ------------------------------------------------------------------------------------


def _contexts(text: str) -> list[str]:
    """The standalone sentences of a fact, a leaning one joined to the one before it."""
    sentences = split_sentences(text)
    contexts: list[str] = []
    for index, sentence in enumerate(sentences):
        context = sentence
        if _leans(sentence):
            if index == 0 or _leans(sentences[index - 1]):
                continue
            context = f"{sentences[index - 1]} {sentence}"
        context = re.sub(r"\s+", " ", context).strip()
        if not MIN_CONTEXT_CHARS <= len(context) <= MAX_CONTEXT_CHARS:
            continue
        if _DEICTIC.search(context) or context.count('"') % 2 or not context[0].isupper():
            continue
        contexts.append(context)
    return contexts


def _leans(sentence: str) -> bool:
    """Whether a sentence needs the one before it: it opens with a pronoun or a connective, says
    "there" for a place named before, or calls someone "he" or "her" before naming a person."""
    if _LEANING.match(sentence) or _THERE.search(sentence):
        return True
    early = _EARLY_PRONOUN.match(sentence)
    if early is None:
        return False
    named = entities_in(sentence[: early.start("pronoun")])
    if early.group("pronoun").casefold() in ("it", "its"):
        return not named
    return not any(e.kind is EntityKind.PERSON for e in named)


@cache
def _aliases_of(name: str) -> tuple[str, ...]:
    """The gazetteer's aliases (casefolded) of a canonical name."""
    return tuple(alias for alias, canonical in entity_aliases().items() if canonical == name)


def _role_before(text: str, start: int) -> str:
    match = _ROLE_BEFORE.search(text[max(0, start - 40) : start])
    return match.group("role").casefold() if match else ""


def _surface_spans(context: str, entity: Entity) -> list[tuple[int, int]]:
    """Where the entity is named in the context, by its name or any alias (a capital needed)."""
    aliases = set(_aliases_of(entity.name))
    aliases.discard(entity.name.casefold())
    spans: list[tuple[int, int]] = []
    # the name itself first, so that "Hermosa Beach pier" blanks only "Hermosa Beach"
    for surface in [entity.name.casefold(), *sorted(aliases, key=lambda a: (-len(a), a))]:
        body = r"\s+".join(re.escape(part) for part in surface.split())
        for match in re.finditer(rf"(?<![\w-]){body}(?![\w-])", context, re.IGNORECASE):
            if not any(ch.isupper() for ch in match.group(0)):
                continue
            if any(match.start() < e and s < match.end() for s, e in spans):
                continue
            spans.append(match.span())
    return sorted(spans)


def _blanks_in(context: str, corpus: _Corpus) -> list[_Blank]:
    """The good blanks of one context.

    A blank is kept only when its answer appears once in the context (else the sentence gives
    it away) and it is the only candidate of its kind there (else the blank is ambiguous).
    """
    candidates: list[_Blank] = []
    quoted = _quoted_titles(context)
    for start, end, title in quoted:
        kind = _title_kind(context, start, title)
        if kind == "other" or _canonical_name(title) in corpus.subjects:
            continue
        entity = _canonical_entity(title)
        aliases: tuple[str, ...] = (
            (entity.name,) if entity is not None and entity.name != title else ()
        )
        candidates.append(_Blank(kind, start, end, title, aliases, entity=title))
    for entity in entities_in(context):
        kind = _entity_kind(entity)
        spans = _surface_spans(context, entity)
        inside_quotes = [s for s in spans if any(qs <= s[0] < qe for qs, qe, _ in quoted)]
        if inside_quotes or entity.name in corpus.subjects or not spans:
            continue
        start, end = spans[0]
        # named twice: the sentence gives it away (an empty answer still counts for ambiguity)
        answer = entity.name if len(spans) == 1 else ""
        person = entity.kind is EntityKind.PERSON
        candidates.append(
            _Blank(
                kind,
                start,
                end,
                answer,
                _person_aliases(entity) if person else (),
                entity=entity.name,
                role=_role_before(context, start) if person else "",
            )
        )
    for match in _YEAR.finditer(context):  # "Whiplash (2014)" is a label: the pattern skips it
        value = float(match["num"])
        candidates.append(_Blank("year", match.start(), match.end(), match["num"], (), value=value))
    candidates.extend(_numbers_in(context))
    for match in _MONEY.finditer(context):
        value = _to_float(match["num"])
        scale = match["scale"] or ""
        candidates.append(
            _Blank(
                f"money:{scale}", match.start(), match.end(), match.group(0), (),
                value=value, unit=scale,
            )
        )  # fmt: skip
    for match in _PERCENT.finditer(context):
        candidates.append(
            _Blank("percent", match.start(), match.end(), match.group(0), (),
                   value=float(match["num"]))
        )  # fmt: skip
    kinds = Counter(_ambiguity_kind(c.kind) for c in candidates)
    passages = [m.span() for m in _ANY_QUOTE.finditer(context)]
    titles = {(start, end) for start, end, _ in quoted}
    good: list[_Blank] = []
    for blank in candidates:
        if not blank.answer or kinds[_ambiguity_kind(blank.kind)] > 1 or blank.kind == "title":
            continue
        if (blank.start, blank.end) not in titles and any(
            s < blank.start and blank.end < e for s, e in passages
        ):
            continue  # inside a quotation: the speaker's words are not to be blanked
        if blank.kind == "place" and not _stands_alone(context, blank.start, blank.end):
            continue
        if blank.kind not in ("film", "song") and _FILM_YEAR_AFTER.match(context[blank.end :]):
            continue  # the tail of a film's title: "An American Werewolf in Paris (1997)"
        rest = context[: blank.start] + " " + BLANK + " " + context[blank.end :]
        if any(mentions(rest, accepted) for accepted in (blank.answer, *blank.aliases)):
            continue
        good.append(blank)
    return good


def _stands_alone(context: str, start: int, end: int) -> bool:
    """Whether a place name is used as a place ("in _____", "_____ opened"), not as part of a
    longer name ("The Hollywood Reporter") or as an adjective ("classic Hollywood musicals")."""
    before = re.findall(r"[\w']+", context[:start])
    if before and before[-1].casefold() not in _PREPOSITIONS:
        return False
    if len(before) >= 2 and before[-1] == "of" and before[-2][:1].isupper():
        return False  # "the City of _____", "University of _____": part of a longer name
    following = re.match(r"\s*([\w']+|\S)?", context[end:])
    word = following.group(1) if following and following.group(1) else ""
    if not word or not word[0].isalnum():
        return True
    return word.casefold() in _FOLLOWERS or (word.islower() and word.endswith("ed"))


def _ambiguity_kind(kind: Kind) -> Kind:
    """Kinds a reader could confuse in one sentence: any two titles, any two numbers alike."""
    if kind in ("song", "title"):
        return "title"
    if kind.startswith("money:"):
        return "money"
    return kind


def _person_aliases(entity: Entity) -> tuple[str, ...]:
    """A person's surname, when the gazetteer accepts it alone ("Gosling" for Ryan Gosling)."""
    parts = entity.name.split()
    if len(parts) < 2:
        return ()
    surname = parts[-1]
    known = entity_aliases()
    if known.get(surname.casefold()) == entity.name and len(surname) >= 4:
        return (surname,)
    return ()


# -- wrong choices -----------------------------------------------------------------------------


def _format_number(value: float, *, words: bool, like: str = "") -> str:
    """A number written like ``like``: in words, with thousands separators, or with decimals."""
    if words and value.is_integer() and int(value) in _WORD_FOR:
        word = _WORD_FOR[int(value)]
        return word.capitalize() if like[:1].isupper() else word
    if value.is_integer():
        number = int(value)
        return f"{number:,}" if "," in like.split(" ")[0] else str(number)
    decimals = len(like.split(" ")[0].partition(".")[2]) or 1
    return f"{value:.{decimals}f}"


def _nice(value: float, like: float) -> float:
    """Round a scaled value to the precision of the answer (109 -> 3 digits, 30 -> 2)."""
    if not like.is_integer():
        return round(value, 1)
    digits = len(str(int(like)).rstrip("0")) or 1
    magnitude = 10 ** max(0, len(str(round(value))) - max(digits, 1))
    return float(round(value / magnitude) * magnitude)


def _number_options(value: float, seen: Iterable[float], *, lowest: float = 2) -> list[float]:
    """Plausible other values: those seen in the corpus with this unit (close in size first),
    then the answer nudged (small numbers) or scaled (large ones)."""
    options: list[float] = []
    close = sorted(
        (
            v
            for v in set(seen)
            if v >= lowest and 0.25 <= v / value <= 4 and abs(v - value) > 0.15 * value
        ),  # a value within 15% may be the same measure told another way: "close to 100"
        key=lambda v: (abs(math.log(v / value)), v),
    )
    options.extend(close[:2])
    if value <= 20 and value.is_integer():
        steps: Iterable[float] = (value + d for d in (1, -1, 2, -2, 3, 4, -3))
    else:
        steps = (_nice(value * f, value) for f in (0.5, 2, 0.75, 1.5, 3, 0.25))
    options.extend(s for s in steps if s >= lowest and s != value)
    unique: list[float] = []
    for option in options:
        if option not in unique:
            unique.append(option)
    return unique


def _year_options(year: int, corpus: _Corpus, context: str) -> list[str]:
    newest = max([year, *corpus.years])
    in_context = {int(m["num"]) for m in _YEAR.finditer(context)}
    near = sorted(
        (y for y in corpus.years if 0 < abs(y - year) <= 8 and y not in in_context),
        key=lambda y: (abs(y - year), y),
    )
    nudged = [year + d for d in (-1, 1, -2, 2, -3, 3, -4, 4, -5, 5)]
    options: list[int] = []
    for option in [*near[:2], *nudged]:
        if option not in options and option != year and 1600 <= option <= newest:
            options.append(option)
    return [str(y) for y in options]


def _entity_options(blank: _Blank, corpus: _Corpus, topic: str, context: str) -> list[str]:
    pool = corpus.entities.get(blank.kind, Counter())
    near_topic = corpus.topic_entities.get((blank.kind, topic), Counter())
    named_here = {e.name for e in entities_in(context)}

    def rank(name: str) -> tuple[int, int, str]:
        same_role = corpus.roles.get(name, Counter())[blank.role] if blank.role else 0
        return (-min(same_role, 1), -near_topic[name] * 3 - pool[name], name)

    ranked = sorted(
        (
            name
            for name in pool
            if name != blank.entity and name not in named_here and name not in corpus.subjects
        ),
        key=rank,
    )
    same_role = [name for name in ranked if rank(name)[0] < 0]
    return same_role[:8] if len(same_role) >= _WRONG_CHOICES else ranked[:8]


def _canonical_name(title: str) -> str:
    return entity_aliases().get(title.casefold(), title)


def _title_options(blank: _Blank, corpus: _Corpus, context: str) -> list[str]:
    pool = corpus.titles.get(blank.kind, Counter())
    named_here = {e.name for e in entities_in(context)}
    answer = _canonical_name(blank.answer)
    ranked = sorted(
        (
            title
            for title in pool
            if title not in corpus.subjects
            and _canonical_name(title) not in named_here
            and _canonical_name(title) != answer
            and not mentions(context, title)
        ),
        key=lambda title: (-pool[title], title),
    )
    return ranked[:8]


def _options(blank: _Blank, corpus: _Corpus, topic: str, context: str) -> list[str]:
    """Candidate wrong choices of the blank's kind, best first (before the disguise check)."""
    family = blank.kind.split(":")[0]
    value = blank.value or 0.0
    if family == "year":
        return _year_options(int(value), corpus, context)
    if family == "number":
        seen = corpus.numbers.get(blank.kind.removeprefix("number:"), Counter())
        values = _number_options(value, seen)
        if blank.words:  # "fifty costume changes": keep to numbers that read as words
            values = sorted(values, key=lambda v: not (v.is_integer() and int(v) in _WORD_FOR))
        return [
            f"{_format_number(v, words=blank.words, like=blank.answer)} {blank.unit}"
            for v in values
        ]
    if family == "money":
        seen = corpus.money.get(blank.unit, Counter())
        scale = f" {blank.unit}" if blank.unit else ""
        digits = blank.answer.removeprefix("$").strip().split()[0]
        return [
            f"${_format_number(v, words=False, like=digits)}{scale}"
            for v in _number_options(value, seen, lowest=1)
        ]
    if family == "percent":
        options = sorted(
            {int(v) for v in _number_options(value, corpus.percents) if 0 < v < 100},
            key=lambda v: (abs(v - value), v),
        )
        return [f"{v}%" for v in options]
    if family in ("song", "title", "film"):
        return _title_options(blank, corpus, context)
    return _entity_options(blank, corpus, topic, context)


def _pick_wrong(blank: _Blank, options: Sequence[str], rng: random.Random) -> tuple[str, ...]:
    accepted = (blank.answer, *blank.aliases)
    usable: list[str] = []
    for option in options:
        if choices_clash(option, accepted) or any(choices_clash(option, [u]) for u in usable):
            continue
        usable.append(option)
    if len(usable) < _WRONG_CHOICES:
        return ()
    pool = usable[: max(_WRONG_CHOICES, min(len(usable), 5))]
    return tuple(rng.sample(pool, _WRONG_CHOICES))


# -- questions ---------------------------------------------------------------------------------

_PREFERENCE: Mapping[str, int] = {
    "song": 0, "film": 0, "person": 1, "number": 2, "place": 3, "year": 4, "money": 5,
    "percent": 6, "character": 9,
}  # fmt: skip
_LAST_RESORT = 9  # a character ("Mia") only when the fact has no other question


def _preference(blank: _Blank) -> int:
    return _PREFERENCE.get(blank.kind.split(":")[0], 10)


def _fame(blank: _Blank, corpus: _Corpus) -> int:
    """How many facts name the blank's answer (0 for numbers): the less known, the better."""
    family = blank.kind.split(":")[0]
    count = corpus.entities.get(family, Counter()).get(blank.entity or "", 0)
    if family in ("song", "title", "film"):
        count = max(count, corpus.titles.get(family, Counter())[blank.answer])
    return count


def _difficulty(blank: _Blank, corpus: _Corpus) -> Difficulty:
    family = blank.kind.split(":")[0]
    if family == "year":
        return "hard"
    if family in ("number", "money", "percent"):
        return "medium" if (blank.value or 0) <= 10 else "hard"
    if family == "character":
        return "easy"
    mentions_count = _fame(blank, corpus)
    famous = max(3, math.ceil(corpus.fact_count * 0.02))
    if mentions_count >= famous:
        return "easy"
    if mentions_count >= 2:
        return "medium"
    return "hard"


def _questions_for(fact: Fact, corpus: _Corpus, seed: int | str) -> list[Question]:
    topic = fact.topics[0] if fact.topics else topics_for(fact.text)[0]
    found: list[tuple[int, int, str, _Blank]] = []
    for position, context in enumerate(_contexts(fact.text)):
        for blank in _blanks_in(context, corpus):
            found.append((_preference(blank), position, context, blank))
    found.sort(key=lambda item: (item[0], _fame(item[3], corpus), item[1], item[3].start))
    questions: list[Question] = []
    used_kinds: set[str] = set()
    used_answers: set[str] = set()
    for preference, _, context, blank in found:
        if len(questions) >= MAX_QUESTIONS_PER_FACT:
            break
        if preference >= _LAST_RESORT and questions:
            break
        family = blank.kind.split(":")[0]
        answer_key = normalise_answer(blank.answer)
        if family in used_kinds or answer_key in used_answers:
            continue
        number = len(questions) + 1
        rng = random.Random(f"{seed}:{fact.id}:{number}:{blank.answer}")
        wrong = _pick_wrong(blank, _options(blank, corpus, topic, context), rng)
        if not wrong:
            continue
        text = f"{context[: blank.start]}{BLANK}{context[blank.end :]}"
        if not re.search(r"[.!?\"”')]$", text):
            text += "."  # the blank took the full stop with it: "based in L.A."
        questions.append(
            Question(
                id=f"g-{fact.id}-{number}",
                question=f"Fill in the blank: {text}",
                answer=blank.answer,
                aliases=blank.aliases,
                wrong=wrong,
                topic=topic,
                difficulty=_difficulty(blank, corpus),
                spoiler=fact.spoiler,
                fact_id=fact.id,
                source="generated",
                fact_text=fact.text,
            )
        )
        used_kinds.add(family)
        used_answers.add(answer_key)
    return questions
