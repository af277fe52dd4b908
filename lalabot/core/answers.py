"""Judging a typed quiz answer: forgiving about form and typos, strict about numbers and lists.

Both the guess and every accepted answer go through :func:`normalise_answer`, which makes these
things irrelevant:

* case, accents (``Café`` = ``cafe``), punctuation and spacing; apostrophes vanish
  (``it's`` = ``its``) and so do dots inside abbreviations (``J.K.`` = ``JK``); single letters in a
  row are joined (``J. K. Simmons`` = ``JK Simmons``);
* one leading article: ``the``, ``a`` or ``an`` (``The Umbrellas of Cherbourg`` =
  ``umbrellas of cherbourg``);
* ``&`` is ``and``;
* number words are digits: ``fourteen`` = ``14``, ``twenty-one`` = ``21``,
  ``two thousand and sixteen`` = ``2016``, year style ``nineteen sixty-four`` = ``1964``;
  thousands separators go (``1,000`` = ``1000``). Ordinals are their number: ``first`` = ``1st``
  = ``1`` and ``eighty-ninth`` = ``89th`` = ``89`` (the question gives the context; a player who
  types "89" for "the 89th Academy Awards" knows the answer). Roman numerals are not read.

Then :func:`is_correct` compares tokens (see its docstring for the exact rules):

* typos are forgiven per word, by the length of the accepted word: none up to 4 characters, only
  a swap of two neighbouring letters at 5 (``Stoen`` = ``Stone`` but ``Stine`` and ``Parks`` are
  not ``Stone`` and ``Paris``), one edit for 6 to 8, two edits from 9 on; a forgiven word must
  still start with the right letter (``Seaboard`` is not ``keyboard``);
* never in a number: a word holding a digit must be exactly right (``15`` is not ``14``);
* a few extra words are fine (at most :data:`MAX_EXTRA_WORDS`), a list of guesses is not; a guess
  hedging with ``or`` is wrong unless the accepted answer says ``or`` itself, and so is a guess
  naming more numbers than a numeric answer (``14 15`` for ``14``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from rapidfuzz.distance import OSA

__all__ = [
    "MAX_EXTRA_WORDS",
    "MAX_GUESS_CHARS",
    "is_correct",
    "normalise_answer",
    "typo_allowance",
]

MAX_GUESS_CHARS = 200
"""A longer guess is wrong without looking: nobody types an essay to answer a trivia question."""

MAX_EXTRA_WORDS = 3
"""How many words a guess may have beyond the accepted answer's ("it's damien chazelle")."""

ARTICLES = frozenset({"the", "a", "an"})

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’‘`ʼ´]")
_DOT_IN_ABBREVIATION = re.compile(r"(?<=[^\W\d_])\.(?=[^\W\d_])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
_DIGIT_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")


def _numbered(words: str, start: int = 0, step: int = 1) -> dict[str, int]:
    """``"zero one two"`` -> ``{"zero": 0, "one": 1, "two": 2}``."""
    return {word: start + step * index for index, word in enumerate(words.split())}


_UNITS = _numbered(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen"
)
_TENS = _numbered("twenty thirty forty fifty sixty seventy eighty ninety", start=20, step=10)
_SCALES: dict[str, int] = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_ORDINALS = {
    **_numbered(
        "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh"
        " twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
    ),
    **{word[:-1] + "ieth": value for word, value in _TENS.items()},
}
_SCALE_ORDINALS: dict[str, int] = {word + "th": value for word, value in _SCALES.items()}


def _is_number_word(token: str) -> bool:
    return (
        token in _UNITS
        or token in _TENS
        or token in _SCALES
        or token in _ORDINALS
        or token in _SCALE_ORDINALS
    )


def _ends_number(token: str) -> bool:
    return token in _ORDINALS or token in _SCALE_ORDINALS


def _spelled_numbers(words: Sequence[str]) -> list[int]:
    """The numbers a run of number words spells: usually one, several for "one two three"."""
    values: list[int] = []
    total = 0
    current = 0  # the part below the last thousand or million
    small = -1  # the last 0-99 group while nothing has followed it, else -1
    started = False
    for word in words:
        scale = _SCALES.get(word, _SCALE_ORDINALS.get(word))
        if scale is not None:
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
            small = -1
            started = True
            continue
        value = _UNITS.get(word, _TENS.get(word, _ORDINALS.get(word, 0)))
        if small >= 0:
            if small >= 20 and small % 10 == 0 and 0 < value < 10:
                current += value  # "twenty one"
                small = -1
                continue
            if total == 0 and current == small and small >= 10 and value >= 10:
                current = small * 100 + value  # year style: "nineteen sixty four"
                small = value if value % 10 == 0 and value >= 20 else -1
                continue
            values.append(total + current)  # "one two": a new number starts
            total = current = 0
        current += value
        small = value
        started = True
    if started:
        values.append(total + current)
    return values


def _numbers_to_digits(tokens: Sequence[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []

    def end_run() -> None:
        out.extend(str(value) for value in _spelled_numbers(run))
        run.clear()

    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token == "a" and not run and following in _SCALES:
            token = "one"  # "a hundred"
        if _is_number_word(token):
            if not run and token in _SCALES:
                out.append(token)  # a bare "hundred" or "thousand" stays a word
                continue
            run.append(token)
            if _ends_number(token):
                end_run()  # an ordinal ends a number: "twenty first place"
            continue
        if token == "and" and run and run[-1] in _SCALES and _is_number_word(following):
            continue  # "one hundred and twenty"
        if run:
            end_run()
        out.append(token)
    if run:
        end_run()
    return out


def _without_ordinal_suffix(token: str) -> str:
    match = _DIGIT_ORDINAL.fullmatch(token)
    return match.group(1) if match else token


def _join_single_letters(tokens: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and not token.isdigit():
            run.append(token)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run.clear()
        if token:
            out.append(token)
    return out


def _tokens(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("&", " and ")
    plain = _APOSTROPHES.sub("", plain)
    plain = _DOT_IN_ABBREVIATION.sub("", plain)
    plain = _THOUSANDS.sub("", plain)
    tokens = _TOKEN.findall(plain)
    tokens = [_without_ordinal_suffix(token) for token in tokens]
    tokens = _numbers_to_digits(_join_single_letters(tokens))
    if len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
    return tokens


def normalise_answer(text: str) -> str:
    """The form answers are compared in: ``"The Café, 14!"`` -> ``"cafe 14"``."""
    return " ".join(_tokens(text))


# --------------------------------------------------------------------------------------------
# Judging
# --------------------------------------------------------------------------------------------


def typo_allowance(length: int) -> int:
    """Edits forgiven in an accepted word this long (at 5, only a swap of neighbours counts)."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    return 2


def _has_digit(token: str) -> bool:
    return any(ch.isdigit() for ch in token)


def _word_matches(guess: str, accepted: str) -> bool:
    if guess == accepted:
        return True
    if _has_digit(guess) or _has_digit(accepted) or guess[0] != accepted[0]:
        return False
    allowed = typo_allowance(len(accepted))
    if allowed == 0:
        return False
    if len(accepted) == 5 and sorted(guess) != sorted(accepted):
        return False  # five letters: only two neighbouring letters swapped
    return OSA.distance(guess, accepted, score_cutoff=allowed) <= allowed


def _numbers_in(tokens: Sequence[str]) -> int:
    return sum(1 for t in tokens if _has_digit(t))


def _windows(guess: list[str], accepted: list[str]) -> Iterator[tuple[int, int]]:
    """The (start, end) slices of the guess that give the accepted answer."""
    size = len(accepted)
    for start in range(len(guess) - size + 1):
        window = guess[start : start + size]
        if all(_word_matches(g, a) for g, a in zip(window, accepted, strict=True)):
            yield start, start + size
    joined = "".join(accepted)
    for start in range(len(guess)):
        glued = ""
        for end in range(start + 1, len(guess) + 1):
            glued += guess[end - 1]
            if len(glued) >= len(joined):
                if glued == joined and end - start != size:
                    yield start, end  # only the spacing differs: "lalaland", "la la land"
                break


def _matches(guess: list[str], accepted: list[str]) -> bool:
    if len(guess) - len(accepted) > MAX_EXTRA_WORDS:
        return False
    if "or" in guess and "or" not in accepted:
        return False
    numeric = _numbers_in(accepted) > 0
    for start, end in _windows(guess, accepted):
        if numeric and _numbers_in(guess[:start] + guess[end:]):
            continue  # "14 15" for 14: a list of numbers is a hedge
        return True
    return False


def is_correct(guess: str, accepted: Sequence[str]) -> bool:
    """Whether ``guess`` gives one of the ``accepted`` answers (the answer and its aliases).

    The accepted answer's words must appear, in order and next to each other, among the guess's
    words, each word equal or within its typo allowance (:func:`typo_allowance`; a forgiven word
    keeps its first letter, and a word with a digit must be exact). Joined-up or split words
    (``lalaland`` = ``la la land``) match when only the spaces differ. The guess may have at most
    :data:`MAX_EXTRA_WORDS` words more than the answer, must not hedge with ``or`` (unless the
    answer has ``or``), and for an answer with a number must not name another number. An empty
    guess, or one of only punctuation, or one longer than :data:`MAX_GUESS_CHARS`, is wrong.
    """
    if len(guess) > MAX_GUESS_CHARS:
        return False
    guess_tokens = _tokens(guess)
    if not guess_tokens:
        return False
    for answer in accepted:
        answer_tokens = _tokens(answer)
        if answer_tokens and _matches(guess_tokens, answer_tokens):
            return True
    return False
