"""Fact search, the pure part: from what a player types to a safe FTS5 MATCH expression.

Nothing here touches a database. The store (``lalabot.store.search``) feeds in what it read from
SQLite (the index vocabulary, the entities, the topic counts) and runs the expressions built here.

The pipeline for one query:

1. :func:`sanitize` drops what must never reach SQLite or the tokenizer: NUL and other control
   characters, lone surrogates, Discord mentions (``<@123>``, ``@everyone``), and caps the length.
2. :func:`tokenize` splits into folded words (lower case, no diacritics; ``L.A.`` -> ``la``),
   much as FTS5's ``unicode61`` tokenizer does, so the words we reason about are the words the
   index holds.
3. :class:`QueryParser` drops stopwords (English function words and question words: "what car
   does sebastian drive" keeps car, sebastian, drive), recognises multi-word names and phrases
   ("emma stone", "academy awards", "opening number") and expands every meaningful word into a
   :class:`Term`: an OR group of equivalent forms from :data:`SYNONYMS` and the entity aliases.
4. :func:`build_match` turns terms into a MATCH expression in which every form is a double-quoted
   FTS5 string. A player's text can therefore never be read as FTS5 syntax: quotes, ``AND``/
   ``OR``/``NOT``/``NEAR``, ``col:`` filters, ``*``, ``^``, ``+``, ``-`` and parentheses are at
   most words. Tokens only ever contain letters and digits, and quotes are doubled regardless.
5. :class:`Corrector` repairs words the index does not know ("gossling" -> "gosling") against the
   index's surface vocabulary and the entity names, and completes a partly typed last word.
6. :class:`NameIndex` answers autocomplete and "did you mean" over topic and entity names.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from lalabot.core.facts import TOPICS, Entity, Fact, Topic, topic_by_name

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_SUGGESTIONS",
    "MAX_TERMS",
    "MAX_WORD_CHARS",
    "NEVER_SEARCHED",
    "QUESTION_HINTS",
    "STOPWORDS",
    "SYNONYMS",
    "WEAK_WORDS",
    "Choice",
    "Corrector",
    "NameIndex",
    "ParsedQuery",
    "QueryParser",
    "ScoredFact",
    "SearchIndex",
    "SearchMode",
    "SearchResult",
    "Term",
    "Word",
    "build_match",
    "fold",
    "lookup_key",
    "phrase_match",
    "quote",
    "sanitize",
    "tokenize",
]

MAX_QUERY_CHARS = 300
"""Characters of a query that are looked at; the rest is ignored (a 4,000-character paste)."""
MAX_WORDS = 40
"""Words (stopwords included) read from a query."""
MAX_TERMS = 12
"""Meaningful terms kept from a query; each becomes one group in the MATCH expression."""
MAX_WORD_CHARS = 40
"""Longer words are cut: nothing in the index is that long, and it bounds fuzzy matching."""
MAX_COMPLETIONS = 8
"""Index words a partly typed last word may stand for."""
MAX_SUGGESTIONS = 25
"""Discord's limit on autocomplete choices."""
_MAX_CHOICE_CHARS = 100  # Discord's limit on a choice's name and value

SearchMode = Literal["topic", "entity", "fts", "none"]

# --------------------------------------------------------------------------------------------
# Data: stopwords and synonyms
# --------------------------------------------------------------------------------------------

_STOPWORD_TEXT = """
    a about above after again against all also am an and any anybody anyone anything are aren
    as at be because been before being below between both but by can cannot could couldn did
    didn do does doesn doing don done down during each either else ever every few for from
    further get gets getting got had hadn has hasn have haven having he her here hers herself
    him himself his how however i if in into is isn it its itself just let like me more most
    much must my myself no nor not now of off on once only or other our ours ourselves out over
    own please quite really same she should shouldn so some something such than that the their
    theirs them themselves then there these they this those through to too under until up upon
    us very was wasn we were weren what whatever when whenever where wherever whether which
    while who whoever whom whose why will with within without would wouldn you your yours
    yourself yourselves
    many tell say said know knew called fact facts trivia thing things happen happened
    s t d ll m re ve
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())
"""Words dropped from queries: English function words, question words and chat filler.

"won" is deliberately absent (it is the past of "win", not the "won" of "won't"), and so are
"first", "best", "last" and "end", which carry meaning in trivia questions."""

SYNONYMS: tuple[tuple[str, ...], ...] = (
    # awards
    ("oscar", "academy award"),
    ("nomination", "nominee"),
    ("win", "won", "winner"),
    # the film itself (weak words: see WEAK_WORDS)
    ("film", "movie"),
    ("la la land",),
    # places and people
    ("los angeles", "la", "l a", "city of angels"),
    ("sebastian", "seb"),
    ("director", "directed"),
    # music
    ("song", "number", "track", "tune"),
    ("score", "soundtrack"),
    ("lyric", "lyricist"),
    ("piano", "pianist"),
    ("sing", "sang", "sung", "singer"),
    ("write", "wrote", "written", "writer", "compose"),
    # scenes and filming
    ("opening number", "opening scene", "opening sequence", "opening song", "another day of sun"),
    ("scene", "sequence"),
    ("shoot", "shot", "filmed", "filming"),  # the verb, not the weak noun "film"
    ("freeway", "highway", "motorway", "interchange"),
    ("hot", "heat", "temperature"),
    ("dance", "dancer", "choreography"),
    ("car", "automobile", "vehicle", "convertible"),
    ("drive", "drove", "driven", "driver"),
    ("wear", "wore", "worn"),
    ("box office", "gross", "earned"),
    ("ending", "epilogue", "finale"),
    # irregular verbs the porter stemmer does not relate
    ("learn", "learnt"),
    ("take", "took", "taken"),
    ("teach", "taught"),
    ("begin", "began", "begun"),
    ("choose", "chose", "chosen"),
    ("buy", "bought"),
    ("make", "made"),
)
"""Groups of interchangeable words and phrases: typing any member searches for all of them.

Members are base forms and irregular forms. Regular inflections are not listed: the index is
porter-stemmed, so "drive" also finds "drives" and "driving", and a typed inflection finds its
group through :func:`_base_forms` ("dancing" -> "dance", "oscars" -> "oscar"). Listing them would
also distort ranking, since bm25 scores each phrase of the expression: a fact saying "drives"
would count once for "drive" and again for "drives".

Deliberately missing: "director" -> "chazelle". In the seeds "director" also means the casting
director and the director of photography, and the facts about Chazelle as director already say
"director", so bm25 finds them without pulling Chazelle into every "casting director" query.
"number" is in the song group because the film's songs are "numbers" ("the opening number"); it
costs a little precision on "number of ..." questions, where "number" is rarely the key word.
"""

NEVER_SEARCHED: frozenset[str] = frozenset({"la"})
"""Triggers that stand for their group but are never searched as bare words. "la" (LA) would
match every "La La Land" in the index; typed alone or in a query it means Los Angeles."""

QUESTION_HINTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "where": ("location", "locations", "shot in", "shot on", "filmed in", "filmed on"),
    }
)
"""Phrases that answers to a question word tend to contain. They only raise the rank of facts
that match anyway (see `build_match`): "where was the opening scene filmed" prefers "shot in
Los Angeles on the freeway" to "a shot at a future"."""

_AFTER_HOW = frozenset({"long", "often", "many", "much"})
"""Words that only make a question after "how" ("how long did filming take")."""

WEAK_WORDS: frozenset[str] = frozenset({"film", "movie", "la la land"})
"""Words that, in a bot about one film, nearly always mean that film: dropped when the query has
other terms ("how many oscars did the film win"), searched when they are all there is."""

# --------------------------------------------------------------------------------------------
# Sanitising and tokenising
# --------------------------------------------------------------------------------------------

_MENTION = re.compile(r"<(?:@[!&]?|#|/[\w -]+:|a?:\w+:)\d+>|@(?:everyone|here)\b", re.I)
_ACRONYM = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]\.){2,}(?![^\W\d_])")
_WORD = re.compile(r"[^\W_]+")


def sanitize(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """The query as we will treat it: printable, mention-free, single-spaced, at most `limit`.

    Lone surrogates (which cannot be encoded for SQLite) and control and format characters
    (NUL, zero-width joiners, bidi marks) are removed; Discord mentions and ``@everyone`` are
    dropped so their ids and names do not become search words; NFKC folds full-width letters
    and ligatures into plain ones.
    """
    text = text[: limit * 4].encode("utf-8", "ignore").decode("utf-8")
    text = unicodedata.normalize("NFKC", text)
    text = _MENTION.sub(" ", text)
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(text.split())[:limit].strip()


def fold(text: str) -> str:
    """Lower case without diacritics, like the index's ``unicode61 remove_diacritics 2``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a query. `key` is what we compare ("la" for "L.A."); `phrase` is what the
    index holds for it ("l a": unicode61 splits "L.A." into two tokens)."""

    key: str
    phrase: str


def tokenize(text: str, *, limit: int = MAX_WORDS) -> list[Word]:
    """The words of a text, folded, at most `limit` of them, each at most MAX_WORD_CHARS.

    Words are runs of letters and digits, as in unicode61 (so "Sebastian's" gives "sebastian"
    and "s"). Dotted acronyms become one word ("L.A." -> "la", "J.K." -> "jk"). Single letters
    are dropped: they are possessive or contracted endings, initials, or stopwords.
    """
    words: list[Word] = []
    position = 0
    for acronym in _ACRONYM.finditer(text):
        words.extend(_plain_words(text[position : acronym.start()], limit - len(words)))
        letters = fold(acronym[0]).replace(".", "")
        if len(words) < limit and letters.isalnum():
            words.append(Word(letters, " ".join(letters)))
        position = acronym.end()
    words.extend(_plain_words(text[position:], limit - len(words)))
    return words


def _plain_words(text: str, room: int) -> list[Word]:
    words: list[Word] = []
    if room <= 0:
        return words
    for match in _WORD.finditer(fold(text)):
        word = match[0][:MAX_WORD_CHARS]
        if len(word) == 1 and not word.isdigit():
            continue
        words.append(Word(word, word))
        if len(words) >= room:
            break
    return words


def lookup_key(text: str) -> str:
    """A name's comparison key: folded words, single spaces, "&" read as "and".

    "Music & songs", "music and songs" and "MUSIC & SONGS!" share a key, as do "J.K. Simmons"
    and "jk simmons".
    """
    return " ".join(w.key for w in tokenize(text.replace("&", " and ")))


def _phrase(text: str) -> str:
    """A name as the index tokenises it: "J.K. Simmons" -> "j k simmons"."""
    return " ".join(_WORD.findall(fold(text)))


def _base_forms(word: str) -> list[str]:
    """Candidate base forms of an inflected English word, for finding its synonym group only
    (never for matching, which the index's porter stemmer does): "oscars" -> "oscar",
    "dancing" -> "danc", "dance", "winning" -> "win", "learned" -> "learn"."""
    found: list[str] = []
    if len(word) <= 3:
        return found
    if word.endswith("s") and not word.endswith("ss"):
        found.append(word[:-1])
        if word.endswith("es"):
            found.append(word[:-2])
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            found.extend((stem, stem + "e"))
            if len(stem) > 2 and stem[-1] == stem[-2]:
                found.append(stem[:-1])
    return found


def phrase_match(name: str) -> str | None:
    """A MATCH expression for a name as one phrase ("J.K. Simmons" -> '"j k simmons"')."""
    phrase = _phrase(name)
    return quote(phrase) if phrase else None


def quote(phrase: str) -> str:
    """A phrase as an FTS5 string: double quotes around, any double quote inside doubled."""
    return '"' + phrase.replace('"', '""') + '"'


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One meaningful part of a query: any of its `forms` (FTS5 phrases) satisfies it."""

    key: str
    forms: tuple[str, ...]
    weak: bool = False
    start: int = 0  # the words of the query it came from: words[start:end]
    end: int = 0

    @property
    def single_word(self) -> bool:
        return " " not in self.key


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query taken apart. `words` keeps the stopwords (it is what corrections rewrite);
    `terms` is what gets searched; `key` is the whole query as a name lookup key; `boost` holds
    what should rank higher when found but is not required: runs of adjacent terms as typed
    ("casting director") and the words as typed where synonyms were added ("opening scene"
    over its synonym "opening number")."""

    text: str
    key: str
    words: tuple[str, ...]
    terms: tuple[Term, ...]
    boost: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.words


@dataclass(frozen=True, slots=True)
class _Entry:
    forms: tuple[str, ...]
    weak: bool


class QueryParser:
    """Turns text into terms, knowing the synonyms and (if given) the entity aliases.

    `aliases` maps a folded alias to its entity's canonical name, as
    ``lalabot.core.tagging.entity_aliases()`` does; canonical names should be included as their
    own alias. An alias in a query ("seb", "chazelle", "L.A.") is searched as itself or as the
    canonical name, which is what the index's entities column holds.
    """

    def __init__(self, aliases: Mapping[str, str] | None = None) -> None:
        forms: dict[str, list[str]] = {}

        def add(trigger: str, new_forms: Iterable[str]) -> None:
            key = lookup_key(trigger)
            if not key:
                return
            known = forms.setdefault(key, [])
            known.extend(f for f in new_forms if f and f not in known)

        for group in SYNONYMS:
            searched = [_phrase(m) for m in group if lookup_key(m) not in NEVER_SEARCHED]
            for member in group:
                add(member, searched)
        for alias, canonical in (aliases or {}).items():
            own = [] if lookup_key(alias) in NEVER_SEARCHED else [_phrase(alias)]
            add(alias, [*own, _phrase(canonical)])
        self._entries = {
            key: _Entry(tuple(found), key in WEAK_WORDS) for key, found in forms.items() if found
        }
        self._longest = max((k.count(" ") + 1 for k in self._entries), default=1)

    def triggers(self) -> Iterable[str]:
        """Every single word the parser gives a meaning to (synonyms and aliases)."""
        return (k for k in self._entries if " " not in k)

    def parse(self, text: str) -> ParsedQuery:
        clean = sanitize(text)
        words = tokenize(clean)
        keys = [w.key for w in words]
        terms: list[Term] = []
        seen: set[str] = set()
        i = 0
        while i < len(words) and len(terms) < MAX_TERMS:
            term, i = self._term_at(words, keys, i)
            if term is not None and term.forms and term.key not in seen:
                seen.add(term.key)
                terms.append(term)
        kept = [t for t in terms if not t.weak] or terms
        return ParsedQuery(
            text=clean,
            key=lookup_key(clean),
            words=tuple(keys),
            terms=tuple(kept),
            boost=_boost_phrases(kept, words)
            + tuple(h for k in dict.fromkeys(keys) for h in QUESTION_HINTS.get(k, ())),
        )

    def _term_at(
        self, words: Sequence[Word], keys: Sequence[str], i: int
    ) -> tuple[Term | None, int]:
        """The term starting at word `i` (longest known phrase first) and where the next starts."""
        for n in range(min(self._longest, len(words) - i), 1, -1):
            head = " ".join(keys[i : i + n - 1])
            last = keys[i + n - 1]
            for tail in (last, *_base_forms(last)):  # "academy awards" -> "academy award"
                entry = self._entries.get(f"{head} {tail}")
                if entry is not None:
                    return Term(f"{head} {last}", entry.forms, entry.weak, i, i + n), i + n
        word = words[i]
        if word.key in STOPWORDS or (i and keys[i - 1] == "how" and word.key in _AFTER_HOW):
            return None, i + 1
        entry = self._entries.get(word.key)
        for base in () if entry is not None else _base_forms(word.key):
            entry = self._entries.get(base)
            if entry is not None:
                break
        if entry is None:
            own = () if word.key in NEVER_SEARCHED else (word.phrase,)
            return Term(word.key, own, word.key in WEAK_WORDS, i, i + 1), i + 1
        return Term(word.key, entry.forms, entry.weak, i, i + 1), i + 1


def _boost_phrases(terms: Sequence[Term], words: Sequence[Word]) -> tuple[str, ...]:
    """Runs of two or more terms that follow each other directly in the query, and the words
    as typed of terms that synonyms widened."""
    found: list[str] = []
    runs: list[list[Term]] = []
    for term in terms:
        if runs and runs[-1][-1].end == term.start:
            runs[-1].append(term)
        else:
            runs.append([term])
        typed = " ".join(w.phrase for w in words[term.start : term.end])
        if len(term.forms) > 1 and term.key not in NEVER_SEARCHED:
            found.append(typed)
    found.extend(
        " ".join(w.phrase for w in words[run[0].start : run[-1].end])
        for run in runs
        if len(run) > 1
    )
    return tuple(dict.fromkeys(p for p in found if p))


def build_match(
    terms: Sequence[Term],
    operator: Literal["AND", "OR"] = "AND",
    boost: Sequence[str] = (),
) -> str | None:
    """The FTS5 MATCH expression for `terms`, or None when there is nothing to search.

    Every form is a quoted FTS5 string; a term with several forms is a parenthesised OR group;
    groups are joined by `operator`. Nothing else from the query reaches the expression.

    `boost` phrases raise the rank of facts containing them without being required. FTS5 has
    no optional clause, but bm25 sums over every phrase of the expression that occurs in a row,
    so ``A AND B AND ("a b" OR A OR B)`` matches exactly what ``A AND B`` matches while scoring
    ``2*(A + B) + "a b"``: the phrase counts half as much as a term.
    """
    groups: list[str] = []
    for term in terms:
        quoted = [quote(f) for f in term.forms if f.strip()]
        if len(quoted) == 1:
            groups.append(quoted[0])
        elif quoted:
            groups.append("(" + " OR ".join(quoted) + ")")
    if not groups:
        return None
    extra = [quote(p) for p in boost if p.strip()]
    if extra and operator == "AND":
        return " AND ".join(groups) + " AND (" + " OR ".join([*extra, *groups]) + ")"
    return f" {operator} ".join([*groups, *extra])


# --------------------------------------------------------------------------------------------
# Spelling
# --------------------------------------------------------------------------------------------


class Corrector:
    """Spelling help from the index's surface vocabulary and the names players type.

    `vocabulary` maps each word the index holds, unstemmed, to the number of facts containing
    it (the store reads it from an ``fts5vocab`` table over an unstemmed twin of the index).
    `names` are entity names, aliases and topic names: their words are preferred corrections,
    since names are what players misspell most ("gossling", "chazel", "hurwits").
    `extra` are further words worth correcting to (the synonym triggers: "oscers" -> "oscars").
    """

    def __init__(
        self,
        vocabulary: Mapping[str, int],
        names: Iterable[str] = (),
        extra: Iterable[str] = (),
    ) -> None:
        self._frequency = dict(vocabulary)
        self._name_words = frozenset(w.key for name in names for w in tokenize(name))
        candidates = {
            w
            for w in (*self._frequency, *self._name_words, *extra)
            if len(w) >= 2 and not w.isdigit() and w not in STOPWORDS and " " not in w
        }
        self._known = frozenset(candidates) | STOPWORDS
        by_length: dict[int, list[str]] = {}
        for word in sorted(candidates):
            by_length.setdefault(len(word), []).append(word)
        self._by_length = by_length
        self._sorted = sorted(w for w in self._frequency if not w.isdigit())

    def __len__(self) -> int:
        return len(self._frequency)

    def in_index(self, word: str) -> bool:
        """Whether the index holds this exact (unstemmed) word."""
        return word in self._frequency

    def correct(self, word: str) -> str | None:
        """The closest known word within a small edit distance, or None.

        Words under four letters and numbers are never corrected: too many words are one edit
        away. Up to 1 edit for 4-5 letters, 2 for 6-9, 3 beyond; transpositions count as one
        edit (optimal string alignment distance). Ties prefer the same first letter, then a
        name's word, then the word in most facts.
        """
        if len(word) < 4 or word.isdigit() or word in self._known:
            return None
        budget = 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3
        pool = [
            candidate
            for length in range(len(word) - budget, len(word) + budget + 1)
            for candidate in self._by_length.get(length, ())
        ]
        if not pool:
            return None
        found = process.extract(word, pool, scorer=OSA.distance, score_cutoff=budget, limit=None)
        if not found:
            return None
        best = min(
            found,
            key=lambda hit: (
                hit[1],
                hit[0][0] != word[0],
                hit[0] not in self._name_words,
                -self._frequency.get(hit[0], 0),
                hit[0],
            ),
        )
        return best[0]

    def completions(self, prefix: str, limit: int = MAX_COMPLETIONS) -> list[str]:
        """Index words that start with `prefix` (other than itself), in most facts first."""
        if len(prefix) < 3 or prefix.isdigit():
            return []
        start = bisect.bisect_left(self._sorted, prefix)
        end = bisect.bisect_left(self._sorted, prefix + "\U0010ffff", lo=start)
        found = [w for w in self._sorted[start:end] if w != prefix]
        found.sort(key=lambda w: (-self._frequency.get(w, 0), w))
        return found[:limit]


# --------------------------------------------------------------------------------------------
# Names: autocomplete and "did you mean"
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    """Something a player can pick: a topic or an entity, under any of its `names`."""

    display: str
    value: str
    kind: str  # "topic" or an EntityKind value
    weight: int  # facts about it: the more, the higher it ranks among equals
    names: tuple[str, ...] = ()  # aliases, besides the display name


class NameIndex:
    """Topic and entity names in memory, for autocomplete and for "did you mean".

    Every word start of every name is kept in one sorted list, so a prefix ("emma st", "chaz",
    "obs") is found by binary search whatever word of the name it starts; fuzzy matching
    (rapidfuzz) only runs when prefixes leave room, for typos in what is being typed.
    """

    def __init__(self, choices: Iterable[Choice]) -> None:
        unique: dict[str, Choice] = {}
        for choice in choices:
            unique.setdefault(choice.value, choice)
        self._choices = sorted(
            unique.values(), key=lambda c: (c.kind != "topic", -c.weight, c.display.casefold())
        )
        starts: list[tuple[str, int, int]] = []  # (text from a word start, tier, choice index)
        keys: list[str] = []
        owners: list[int] = []
        for index, choice in enumerate(self._choices):
            for name in dict.fromkeys((choice.display, *choice.names)):
                key = lookup_key(name)
                if not key:
                    continue
                keys.append(key)
                owners.append(index)
                parts = key.split(" ")
                for at in range(len(parts)):
                    starts.append((" ".join(parts[at:]), 0 if at == 0 else 1, index))
        starts.sort()
        self._starts = starts
        self._start_texts = [s[0] for s in starts]
        self._keys = keys
        self._owners = owners

    def __len__(self) -> int:
        return len(self._choices)

    def complete(self, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[tuple[str, str]]:
        """(display, value) pairs for what is being typed, best first, at most `limit` (<= 25).

        Order: names that start with the prefix, then names with a later word that does, then
        fuzzy matches; topics before entities and the most mentioned first within each.
        """
        limit = max(0, min(limit, MAX_SUGGESTIONS))
        key = lookup_key(sanitize(prefix, 100))
        if not key:
            return [self._pair(c) for c in self._choices[:limit]]
        tiers: dict[int, int] = {}
        start = bisect.bisect_left(self._start_texts, key)
        for text, tier, index in self._starts[start:]:
            if not text.startswith(key):
                break
            tiers[index] = min(tier, tiers.get(index, tier))
        if len(tiers) < limit and len(key) >= 4:
            cutoff = 85 if len(key) < 5 else 80
            for _, score, position in process.extract(
                key, self._keys, scorer=fuzz.partial_ratio, score_cutoff=cutoff, limit=limit * 2
            ):
                tiers.setdefault(self._owners[position], 2 if score >= 90 else 3)
        ranked = sorted(tiers, key=lambda index: (tiers[index], index))
        return [self._pair(self._choices[i]) for i in ranked[:limit]]

    def closest(self, text: str, limit: int = 3) -> list[str]:
        """Display names close to a whole query, for "did you mean"."""
        key = lookup_key(text)
        if len(key) < 4 or not self._keys:
            return []
        found: list[str] = []
        for _, _, position in process.extract(
            key, self._keys, scorer=fuzz.WRatio, score_cutoff=80, limit=limit * 4
        ):
            display = self._choices[self._owners[position]].display
            if display not in found:
                found.append(display)
        return found[:limit]

    @staticmethod
    def _pair(choice: Choice) -> tuple[str, str]:
        return choice.display[:_MAX_CHOICE_CHARS], choice.value[:_MAX_CHOICE_CHARS]


# --------------------------------------------------------------------------------------------
# Everything search keeps in memory
# --------------------------------------------------------------------------------------------


class SearchIndex:
    """The in-memory side of search for one state of the facts: parser, corrector, names.

    Built from what the store reads (vocabulary, entities with their fact counts, topic counts)
    and the alias table (passed in so that this module stays free of I/O).
    """

    def __init__(
        self,
        *,
        vocabulary: Mapping[str, int],
        entities: Sequence[tuple[Entity, int]],
        topic_counts: Mapping[str, int] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        names = {entity.name for entity, _ in entities}
        by_canonical: dict[str, list[str]] = {name: [] for name in names}
        for alias, canonical in (aliases or {}).items():
            if canonical in by_canonical and alias.strip():
                by_canonical[canonical].append(alias)
        present_aliases = {name.casefold(): name for name in names}
        present_aliases.update(
            (alias, canonical) for canonical, found in by_canonical.items() for alias in found
        )
        self.entity_keys: dict[str, str] = {}
        for canonical, found in by_canonical.items():
            for name in (canonical, *found):
                self.entity_keys.setdefault(lookup_key(name), canonical)
        self.entity_keys.pop("", None)
        self.parser = QueryParser(present_aliases)
        counts = topic_counts or {}
        self.corrector = Corrector(
            vocabulary,
            names=[*names, *present_aliases, *(t.name for t in TOPICS)],
            extra=self.parser.triggers(),
        )
        self.names = NameIndex(
            [
                *(Choice(t.name, t.name, "topic", counts.get(t.slug, 0)) for t in TOPICS),
                *(
                    Choice(e.name, e.name, e.kind.value, n, tuple(by_canonical.get(e.name, ())))
                    for e, n in entities
                ),
            ]
        )

    def topic_for(self, query: ParsedQuery) -> Topic | None:
        """The topic the whole query names, by slug or display name ("music", "Music & songs")."""
        found = topic_by_name(query.text)
        if found is not None:
            return found
        return next((t for t in TOPICS if lookup_key(t.name) == query.key), None)

    def entity_for(self, query: ParsedQuery) -> str | None:
        """The canonical entity name the whole query names ("Emma Stone", "stone", "L.A.")."""
        return self.entity_keys.get(query.key)

    def with_completion(self, query: ParsedQuery) -> tuple[Term, ...]:
        """The query's terms, the last one widened to index words it may be the start of.

        Only when the query ends in that term, it is one word the index does not hold and it
        has at least three letters: "griffith obs" also searches observatory.
        """
        terms = query.terms
        if not terms or not query.words or terms[-1].key != query.words[-1]:
            return terms
        last = terms[-1]
        if not last.single_word or self.corrector.in_index(last.key):
            return terms
        extra = [w for w in self.corrector.completions(last.key) if w not in last.forms]
        if not extra:
            return terms
        return (*terms[:-1], Term(last.key, (*last.forms, *extra), last.weak))


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoredFact:
    """A fact found, with its score: positive, higher is better."""

    fact: Fact
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of results.

    `total` counts every match, not just this page. `mode` says how they were found: "topic" or
    "entity" (the query named one; `subject` is its name), "fts" (full-text search), or "none".
    `corrected_query` is set when spelling corrections were needed to find anything;
    `suggestions` ("did you mean") are only filled when nothing was found.
    """

    facts: list[ScoredFact]
    total: int
    query: str
    corrected_query: str | None = None
    suggestions: list[str] = field(default_factory=list)
    mode: SearchMode = "none"
    subject: str | None = None
