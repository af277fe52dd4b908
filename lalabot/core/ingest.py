"""The fact pipeline: a document's text in, clean standalone facts out.

Two kinds of documents are understood (see :func:`detect_kind`):

* a trivia **list**, one fact per blank-line-separated paragraph: every paragraph becomes a
  fact, exact and near-exact duplicates are merged;
* a web **article**: the scraping junk is stripped (:func:`clean_article_text`), the text is
  split into sentences and only the sentences that stand alone as trivia are kept. A sentence
  that leans on the one before it is joined to it when that one was kept, else dropped.

All rules are general (word lists and patterns); nothing here knows the seed documents.
Pure Python: no I/O beyond the packaged gazetteer read by :mod:`lalabot.core.tagging`.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from rapidfuzz.distance import Levenshtein

from lalabot.core.facts import Entity, EntityKind, Fact, fact_id_for, normalise_for_identity
from lalabot.core.tagging import (
    entities_in,
    entity_at_start,
    is_spoiler,
    topic_scores,
    topics_for,
)

__all__ = [
    "INGEST_VERSION",
    "DocumentKind",
    "IngestReport",
    "clean_article_text",
    "detect_kind",
    "extract_facts",
    "make_fact",
    "merge_duplicates",
    "split_sentences",
]

INGEST_VERSION = 2
"""Bumped whenever the pipeline's output changes, so unchanged documents are imported again."""

MIN_FACT_CHARS = 40
MAX_FACT_CHARS = 600


class DocumentKind(StrEnum):
    LIST = "list"
    ARTICLE = "article"


@dataclass(frozen=True)
class IngestReport:
    facts: tuple[Fact, ...]
    kind: DocumentKind
    sentences_total: int
    sentences_kept: int
    dropped: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))


# --------------------------------------------------------------------------------------------
# Kind detection
# --------------------------------------------------------------------------------------------

_WEB_JUNK = re.compile(
    r"\]\(|\bTrending Now\b|\[(?:Warning|Spoilers?)\b|\bClick Here\b|\bRead More\b"
    r"|\bAlso Read\b|\bFAQs?\b|\bFrequently Asked Questions\b|\bSubscribe\b",
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LIST_MIN_PARAGRAPHS = 3
_LIST_MAX_MEDIAN_CHARS = 700
_LIST_MAX_PARAGRAPH_CHARS = 5000
_LIST_MAX_DEPENDENT_SHARE = 0.25


def detect_kind(text: str) -> DocumentKind:
    """Tell a trivia list from a web article.

    LIST when the text is at least three blank-line-separated paragraphs of moderate length
    (median at most 700 characters, none over 5,000), carries no web junk (markdown links,
    "Trending Now", "[Warning" banners, "Click Here", FAQ blocks...) and at most a quarter of
    its paragraphs open by leaning on the one before ("He ...", "However, ..."). Anything
    else (long run-on paragraphs, web junk, paragraphs that continue each other) is ARTICLE.
    """
    if _WEB_JUNK.search(text):
        return DocumentKind.ARTICLE
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    if len(paragraphs) < _LIST_MIN_PARAGRAPHS:
        return DocumentKind.ARTICLE
    lengths = [len(p) for p in paragraphs]
    if statistics.median(lengths) > _LIST_MAX_MEDIAN_CHARS:
        return DocumentKind.ARTICLE
    if max(lengths) > _LIST_MAX_PARAGRAPH_CHARS:
        return DocumentKind.ARTICLE
    leaning = sum(1 for p in paragraphs if _leading_dependency(p) is not None)
    if leaning / len(paragraphs) > _LIST_MAX_DEPENDENT_SHARE:
        return DocumentKind.ARTICLE
    return DocumentKind.LIST


# --------------------------------------------------------------------------------------------
# Junk removal
# --------------------------------------------------------------------------------------------

_BREAK = "\n\n"
_SENTENCE_END_PREFIX = r"(^|\n[ \t]*|[.!?][\"')\]]*[ \t]+)"

_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$&])")
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\n]*)\)")
_CTA_LINK_TEXT = re.compile(
    r"^\s*(?:click|tap|read|see|watch|learn|find out|subscribe|sign up|buy|shop|download|more"
    r"|here|continue|next|previous|share|follow)\b",
    re.IGNORECASE,
)
_BANNER = re.compile(
    r"\[\s*(?:warning|spoilers?(?: alert| warning)?|note|editor'?s note|update(?:d)?|disclaimer"
    r"|advertisement|ad|sponsored)\b[^\]\n]{0,300}\]",
    re.IGNORECASE,
)
_TEASER = re.compile(
    r"\b(?:Trending(?: Now)?|Also Read|Read Also|Read More|Must Read|Don't Miss|See Also"
    r"|Recommended|Up Next|You May Also Like|Popular Now|More From \w+)\s*:\s*"
    r"(?:[^.!?\n]{0,120}?(?:Explained|Recap|Review|Revealed|Trailer)"
    r"|[^.!?\n]{0,120}?[a-z)](?=[A-Z][a-z]|\d))"
    r"(?:\d{1,3}\.?(?=\s))?",
)
_VIA = re.compile(r"\s*\((?:via|source|photo|image|credit|h/t)\b[^)\n]{0,80}\)", re.IGNORECASE)
_RELATED = re.compile(
    _SENTENCE_END_PREFIX
    + r"Related(?:\s+(?:Articles?|Posts?|Stories|Reading|Content|Links?|Coverage))?\s*:?\s+"
    r"[A-Z][^.!?\n]*[.!?]"
)
_CALL_TO_ACTION = re.compile(
    _SENTENCE_END_PREFIX
    + r"(?:Check (?:out|back)|Click (?:here|below|the)|Scroll (?:down|below)|Read (?:on|more)"
    r"|Subscribe|Sign up|Follow us|Let us know|Tell us|Share (?:this|your)|Don't forget"
    r"|Watch (?:the|our|it|this)|Stream (?:it|the)|Find out|Keep reading|Continue reading"
    r"|Here(?:'s| is| are) (?:every|all|the full|our|a list|a look|what|how|why|everything))"
    r"[^.!?\n]*[.!?]"
)
_BELOW_CTA = re.compile(
    _SENTENCE_END_PREFIX
    + r"[^.!?\n]{0,120}\b(?:below|in the comments|on our \w+|our newsletter)\s*[.!?]"
)
_FAQ_HEADING = re.compile(
    _SENTENCE_END_PREFIX
    + r"(?:\d{1,3}\s*)?(?:FAQs?|Frequently Asked Questions)\b[^:.!?\n]{0,80}(?::|$|\n)",
    re.IGNORECASE | re.MULTILINE,
)
# Several "Title (2014) 94%" rows run together: a table flattened into prose. The first row may
# start with the table's heading, back to the previous sentence end.
_FLAT_TABLE = re.compile(
    r"(?:[A-Z][^()%.!?\n]{0,80}?\s*\((?:18|19|20)\d\d\)\s*\d{1,3}(?:\.\d+)?\s*%\s*){2,}"
)
_LIST_MARKER = re.compile(r"(^|\n[ \t]*|[.!?:][\"')\]]*[ \t]+)\d{1,2}[.)]\s+(?=[\"'A-Z])")
_HEADING_WORD = r"(?:[A-Z0-9][\w'&-]*\.?|of|the|a|an|and|in|on|to|for|with|about|from|by|at|vs\.?)"
_HEADING = re.compile(
    _SENTENCE_END_PREFIX
    + rf"((?:{_HEADING_WORD})(?:\s+\(?{_HEADING_WORD}\)?){{0,10}})\s*:\s+(?=[\"A-Z])"
)
_BARE_MARKER = re.compile(r"[\d\s.):-]*")
_SUBTITLE_WORD = re.compile(r"[A-Z][\w'-]*|of|the|a|an|and|in|on|to|for|with")


def clean_article_text(text: str) -> str:
    """Strip web junk, keep the prose; paragraphs (separated by blank lines) mark removed junk.

    Removed: markdown images and call-to-action links (other links keep their text),
    ``[Warning: ...]`` banners, "Trending Now: ... Explained" teasers glued to the next
    sentence (and a stray digit after them), "(via Outlet)" credits, "Related" teasers,
    calls to action ("Check out ... below", "Here is every ..."), FAQ headings, tables
    flattened into prose, numbered list markers and short Title-Cased headings ending in a
    colon. Typographic quotes are straightened and whitespace collapsed.
    """
    cleaned = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    cleaned = cleaned.translate(_TEXT_TRANSLATION)
    cleaned = _MARKDOWN_ESCAPE.sub(r"\1", cleaned)
    cleaned = _MARKDOWN_IMAGE.sub(_BREAK, cleaned)
    cleaned = _MARKDOWN_LINK.sub(_link_replacement, cleaned)
    cleaned = _BANNER.sub(_BREAK, cleaned)
    cleaned = _TEASER.sub(_BREAK, cleaned)
    cleaned = _VIA.sub("", cleaned)
    cleaned = _RELATED.sub(_keep_prefix_then_break, cleaned)
    cleaned = _CALL_TO_ACTION.sub(_keep_prefix_then_break, cleaned)
    cleaned = _BELOW_CTA.sub(_keep_prefix_then_break, cleaned)
    cleaned = _FLAT_TABLE.sub(_BREAK, cleaned)
    cleaned = _LIST_MARKER.sub(_keep_prefix_then_break, cleaned)
    cleaned = _FAQ_HEADING.sub(_keep_prefix_then_break, cleaned)
    cleaned = _remove_headings(cleaned)
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(cleaned):
        paragraph = re.sub(r"\s+", " ", paragraph).strip()
        if paragraph and not _BARE_MARKER.fullmatch(paragraph):
            paragraphs.append(paragraph)
    return _BREAK.join(paragraphs)


_TEXT_TRANSLATION = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "\u2009": " ", "\u200b": ""}
)


def _link_replacement(match: re.Match[str]) -> str:
    label, target = match.group(1), match.group(2).strip()
    if not label.strip() or target in {"", "#"} or _CTA_LINK_TEXT.match(label):
        return _BREAK
    return label


def _keep_prefix_then_break(match: re.Match[str]) -> str:
    return match.group(1).rstrip() + _BREAK


def _remove_headings(text: str) -> str:
    """Drop "Some Title Case Heading:" (two to eleven words) at a sentence start, and a
    subtitle glued after it."""
    out: list[str] = []
    position = 0
    for match in _HEADING.finditer(text):
        words = match.group(2).split()
        capitalised = [w for w in words if w[0].isupper() or w[0].isdigit()]
        if len(words) < 2 or len(capitalised) < len(words) / 2:
            continue
        if match.start() < position:
            continue
        out.append(text[position : match.start()])
        out.append(match.group(1).rstrip() + _BREAK)
        position = match.end()
        position += _glued_subtitle_length(text[position:])
    out.append(text[position:])
    return "".join(out)


def _glued_subtitle_length(rest: str) -> int:
    """Length of a Title-Cased subtitle ("Unraveling the Magic ") glued before a known name."""
    words = list(re.finditer(r"\S+", rest[:200]))
    capitals = 0
    for index, word in enumerate(words):
        if index >= 2 and capitals >= 2 and entity_at_start(rest[word.start() :]) is not None:
            return word.start()
        if not _SUBTITLE_WORD.fullmatch(word.group(0)):
            return 0
        capitals += word.group(0)[0].isupper()
    return 0


# --------------------------------------------------------------------------------------------
# Sentence splitting
# --------------------------------------------------------------------------------------------


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NEVER_FINAL = _word_set(
    "mr mrs ms dr prof st mt ft gen col lt sgt capt rev sen rep gov pres no vol vs "
    "approx fig cf ca e.g i.e"
)
_MAYBE_FINAL = _word_set("jr sr inc ltd co corp bros etc al")
_SENTENCE_STARTERS = _word_set(
    "the a an this that these those he she it its they their his her we our i you there here "
    "in on at for with after before during when while as but and so yet however meanwhile "
    "still also then today later now one both each some many most all no not if although "
    "though because since once"
)
_BOUNDARY = re.compile(r"([.!?]+)([\"')\]]*)(\s+)(?=[\"'\[]{0,2}[A-Z0-9]|\(\s*[A-Z])")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, minding abbreviations, initials, decimals and quotes.

    "L.A.", "Dr.", "Mr.", "J.K." and decimals never end a sentence by themselves; a dotted
    acronym or a name suffix ("Bros.", "Jr.") ends one only before a common sentence opener
    ("L.A. The ..."). Pieces with an odd number of double quotes are then merged with the
    following ones until the quotation closes (within 700 characters).
    """
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        if not _is_sentence_end(paragraph, match):
            continue
        end = match.start(3)
        piece = paragraph[start:end].strip()
        if piece:
            pieces.append(piece)
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        pieces.append(tail)
    return _merge_open_quotes(pieces)


def _is_sentence_end(text: str, match: re.Match[str]) -> bool:
    punctuation = match.group(1)
    if punctuation != ".":
        return True
    before = text[: match.start(1)]
    word_match = re.search(r"([\w.&'-]+)$", before)
    word = word_match.group(1) if word_match else ""
    following = re.match(r"[\"'\[(]?([\w']+)", text[match.end() :])
    next_word = following.group(1) if following else ""
    opener = next_word.casefold() in _SENTENCE_STARTERS
    bare = word.rstrip(".").casefold()
    if not word:
        return True
    if re.fullmatch(r"[A-Z]", word):  # an initial: "Spyros P. Skouras"
        return False
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):  # L.A / J.K / D.A / U.S
        return opener
    if bare in _NEVER_FINAL:
        return False
    if bare in _MAYBE_FINAL:
        return opener
    return True


_QUOTE_MERGE_LIMIT = 700
_MAX_QUOTE_JOIN_CHARS = 300
_OTHER_FILM_WINDOW = 3
_SUBJECT_REFERENCE = re.compile(
    r"(?:The|This) (?:film|movie|musical|picture|story|soundtrack|score|cast|production)\b"
)


def _merge_open_quotes(pieces: list[str]) -> list[str]:
    merged: list[str] = []
    index = 0
    while index < len(pieces):
        current = pieces[index]
        index += 1
        if current.count('"') % 2 == 1:
            combined = current
            for look in range(index, len(pieces)):
                combined = f"{combined} {pieces[look]}"
                if len(combined) > _QUOTE_MERGE_LIMIT:
                    break
                if combined.count('"') % 2 == 0:
                    current = combined
                    index = look + 1
                    break
        merged.append(current)
    return merged


# --------------------------------------------------------------------------------------------
# Sentence judgement
# --------------------------------------------------------------------------------------------

_DEPENDENT_WORDS = _word_set(
    "he she it it's its they they're they've they'll they'd them this that that's these those "
    "his her hers their theirs also such thus hence then there's"
)
_CONTINUATIVE_CONNECTIVES = (
    "in other words",
    "on this point",
    "on that point",
    "that said",
    "as a result",
    "in turn",
    "by then",
    "at that point",
    "because of this",
    "because of that",
    "to that end",
    "for this reason",
    "this time",
    "that time",
    "even so",
    "after all",
    "so",
    "also",
    "then",
    "thus",
    "hence",
    "therefore",
)
_ADVERSATIVE_CONNECTIVES = (
    "however",
    "but",
    "yet",
    "and",
    "still",
    "meanwhile",
    "similarly",
    "likewise",
    "instead",
    "again",
    "finally",
    "indeed",
    "moreover",
    "furthermore",
    "additionally",
    "in addition",
    "nonetheless",
    "nevertheless",
    "of course",
    "by contrast",
    "in contrast",
    "on the other hand",
    "ultimately",
    "now",
    "besides",
    "interestingly",
    "notably",
    "most importantly",
    "importantly",
)
_ANAPHORIC_OPENERS = re.compile(
    r"^(?:the (?:latter|former|pair|couple|duo|two|other|same|rest)|one (?:is|was)|another"
    r" (?:is|was)|(?:both|each|neither|all) (?:of (?:them|these|those)|have|had|are|were|is"
    r"|was|also|share|shared|will|would|can|could|went|ended|may|might))\b",
    re.IGNORECASE,
)
_SUBORDINATORS = _word_set(
    "when while as after before once since because if although though until unless whereas "
    "whenever where"
)
_INTRO_OPENERS = _word_set(
    "in on at for with after before during aside among as when while once since because if "
    "although though despite unlike like to from by under over following throughout upon "
    "without within across beyond besides"
)
_POSSESSIVES = _word_set("his her their its")
_PRONOUNS = _word_set(
    "he she it they this that these those his her their its him them it's they're"
)
_ATTRIBUTION_VERBS = (
    r"(?:says|said|tells|told|adds|added|explains|explained|notes|noted|writes|wrote"
    r"|recalls|recalled|continues|continued|comments|commented|remarks|remarked|asks|asked"
    r"|agrees|agreed|admits|admitted|insists|insisted|reveals|revealed)"
)
_ATTRIBUTION = re.compile(rf"\b{_ATTRIBUTION_VERBS}\b|\b[Aa]ccording to\b")
_PRONOUN_ATTRIBUTION = re.compile(
    rf"\b(?:he|she|they|He|She|They)\s+(?:also\s+)?{_ATTRIBUTION_VERBS}\b"
    rf"|\b{_ATTRIBUTION_VERBS}\s+(?:he|she|they)\b"
)
_ANAPHORA_ANYWHERE = re.compile(
    r"\b(?:this|that) (?:fact|point|moment|idea|detail|theme|time)\b|\bthe (?:latter|former)\b"
    r"|\bthe two (?:betray|share|are|were|have|had)\w*",
    re.IGNORECASE,
)
_QUOTED_SPAN = re.compile(r"\"[^\"]*\"")
_FIRST_PERSON = re.compile(
    r"\bI\b|\bI'(?:m|ve|d|ll)\b|(?i:\b(?:me|my|mine|myself|we|we're|we've|we'll|we'd|us|our"
    r"|ours|ourselves|you|your|you're|you've|yours|let's)\b)"
)
_OPINION_PHRASES = re.compile(
    r"\b(?:in my (?:opinion|view)|i think|i believe|i feel|it can (?:also )?be argued|arguably"
    r"|it's fitting|it is fitting|fittingly|nice touch|subtle touch|masterpiece|testament to"
    r"|one of the (?:most|best|greatest|finest)|(?:best|greatest|most \w+) (?:ever|of all time)"
    r"|would(?:'ve| have) been|could(?:'ve| have) been a|should(?:'ve| have)|it's worth"
    r"|worth (?:it|watching|seeing)|in this (?:article|post|piece|guide|list)|delve"
    r"|it's easy to|it is easy to|it's no wonder|no wonder|it is possible to see"
    r"|it's (?:fascinating|interesting|amazing|hard to)|fascinating to|needless to say"
    r"|hammers home|captivat\w*|must-see|a must|undeniabl\w*|unforgettable"
    r"|might (?:be|have)(?! been)|may not|anyone expects)\b",
    re.IGNORECASE,
)
# One strong evaluative word, or two weak ones, make a sentence opinion (lowercase only, so
# award names such as "Best Actress" do not count).
_STRONG_EVALUATIVE = re.compile(
    r"\b(?:beautiful\w*|stunning\w*|breathtaking\w*|gorgeous\w*|mesmeri[sz]ing|dazzling"
    r"|enchanting|captivating|masterful\w*|achingly|heartbreaking\w*|sublime|exquisite\w*"
    r"|(?:delicate|subtle|nice|deft|light) touch)\b"
)
_WEAK_EVALUATIVE = re.compile(
    r"\b(?:wonderful\w*|amazing\w*|brilliant\w*|memorable|remarkable|magical|timeless|iconic"
    r"|poignant\w*|heartfelt|sad|sadly|powerful|lovely|delightful|charming|spectacular|superb"
    r"|incredibl[ey]|truly|deeply|vibrant|lively|enduring|indelible|beloved|perfect(?:ly)?"
    r"|emotional|nostalgic|wistful|bittersweet|harsh|excellent|worst|satisfying|gripping"
    r"|moving|touching|magnificent|glorious|devastating|blissful\w*|epic)\b"
)
_VOX_POP = re.compile(
    r"\b(?:one|another)\s+(?:of the\s+)?(?:audience\s+)?(?:reviewers?|fans?|viewers?|users?"
    r"|commenters?|redditors?|moviegoers?)\b|\bsome (?:fans|viewers|reviewers|people)\b"
    r"|\breddit\b|(?-i:\bOP\b)"
    r"|^(?:one|another|someone)\s+(?:said|responded|replied|wrote|commented|added)\b",
    re.IGNORECASE,
)
_TRAILING_FUNCTION_WORD = re.compile(
    r"\b(?:the|a|an|and|or|but|because(?: of)?|than|whose|its|their|his|my|your|our)"
    r"\s*[.!?]\"?$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_TITLE_MINOR = _word_set("a an and as at by for from in into of on or the to with about")
_QUESTION_END = re.compile(r"\?[\"')\]]*$")
_SALIENT_STOP = _word_set(
    "the a an and in on at of for with this that these those it he she they his her their "
    "i we you one two best academy award awards oscar oscars mr mrs ms dr however but "
    "american english french film movie"
)


@dataclass
class _Unit:
    """A fact in the making: one sentence, or a standalone sentence and its continuations."""

    text: str
    sentences: int
    paragraph: int
    last_index: int  # index of its last sentence within the document


@dataclass
class _Judge:
    salient: frozenset[str]
    main_films: frozenset[str] = frozenset()
    units: list[_Unit] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)
    trace: list[tuple[str, str]] | None = None
    other_film_at: int | None = None  # index of the last sentence about another film

    def consider(self, sentence: str, paragraph: int, index: int) -> None:
        entities = entities_in(sentence)
        verdict = self._verdict(sentence, paragraph, index, entities)
        if any(e.kind is EntityKind.FILM and e.name not in self.main_films for e in entities):
            self.other_film_at = index
        if verdict not in {"kept", "joined"}:
            self.dropped[verdict] += 1
        if self.trace is not None:
            self.trace.append((verdict, sentence))

    def _verdict(
        self, sentence: str, paragraph: int, index: int, entities: tuple[Entity, ...]
    ) -> str:
        reason = _question_or_opinion(sentence)
        if reason is not None:
            return reason
        dependency = _leading_dependency(sentence)
        if dependency == "strip":
            stripped = _strip_connective(sentence)
            if _leading_dependency(stripped) is None:
                sentence, dependency = stripped, None
        if dependency is not None:
            if dependency == "quote" and len(sentence) > _MAX_QUOTE_JOIN_CHARS:
                return "opinion"
            if self._join(sentence, paragraph, index):
                return "joined"
            return "opinion" if dependency == "quote" else "dependent"
        reason = _fragment_reason(sentence)
        if reason is not None:
            return reason
        if _continues_subject(sentence) and self._join(sentence, paragraph, index):
            return "joined"
        if not self._on_topic(sentence, index, entities):
            return "off-topic"
        self.units.append(_Unit(sentence, 1, paragraph, index))
        return "kept"

    def _join(self, sentence: str, paragraph: int, index: int) -> bool:
        if not self.units:
            return False
        previous = self.units[-1]
        if previous.paragraph != paragraph or previous.last_index != index - 1:
            return False
        if _QUESTION_END.search(sentence) or sentence.count('"') % 2 == 1:
            return False
        joined = f"{previous.text} {sentence}"
        if len(joined) > MAX_FACT_CHARS:
            return False
        self.units[-1] = _Unit(joined, previous.sentences + 1, paragraph, index)
        return True

    def _on_topic(self, sentence: str, index: int, entities: tuple[Entity, ...]) -> bool:
        """About the document's subject, not about something else it mentions in passing.

        On topic: naming a person, song or place, or the document's own film. Naming only other
        films, a sentence must say how they relate (influence, homage, reference). Within three
        sentences after another film was named, a sentence that names nothing of the subject is
        taken to still be about that other film. Otherwise "The film ..." (the document's
        subject) or any proper name will do; a sentence with no name at all is a generality.
        """
        if any(e.kind is not EntityKind.FILM or e.name in self.main_films for e in entities):
            return True
        if entities:
            scores = topic_scores(sentence)
            return max(scores.get("influences", 0.0), scores.get("easter-eggs", 0.0)) >= 1.5
        if self.other_film_at is not None and index - self.other_film_at <= _OTHER_FILM_WINDOW:
            return False
        if _SUBJECT_REFERENCE.match(sentence):
            return True
        names = _capitalised_words(sentence)
        return any(w in self.salient or w.casefold() not in _SALIENT_STOP for w in names)


def _question_or_opinion(sentence: str) -> str | None:
    if _QUESTION_END.search(sentence):
        return "question"
    outside = _QUOTED_SPAN.sub(" ", sentence)
    if _VOX_POP.search(outside):
        return "opinion"
    if _FIRST_PERSON.search(outside) or _OPINION_PHRASES.search(outside):
        return "opinion"
    if _STRONG_EVALUATIVE.search(outside) or len(_WEAK_EVALUATIVE.findall(outside)) >= 2:
        return "opinion"
    return None


def _leading_dependency(sentence: str) -> str | None:
    """How a sentence leans on the one before: "strip" (a removable connective), "dependent"
    (a pronoun or referring phrase), "quote" (an unattributed quotation), or None."""
    body = sentence.lstrip("\"'([ ").replace("[", "").replace("]", "")
    lowered = body.casefold()
    outside = _QUOTED_SPAN.sub(" ", sentence)
    if sentence.startswith('"') and not _ATTRIBUTION.search(outside):
        return "quote"
    if sentence.startswith('"') and _PRONOUN_ATTRIBUTION.search(outside):
        return "dependent"
    if _ANAPHORA_ANYWHERE.search(outside):
        return "dependent"
    for connective in _CONTINUATIVE_CONNECTIVES:
        if re.match(rf"{re.escape(connective)}\b", lowered):
            return "dependent"
    words = _WORD.findall(body)
    if not words:
        return None
    first = words[0].casefold()
    if first in _DEPENDENT_WORDS:
        return "dependent"
    if len(words) > 1 and words[1].casefold() in _POSSESSIVES and first not in _INTRO_OPENERS:
        return "dependent"
    if _ANAPHORIC_OPENERS.match(body):
        return "dependent"
    if len(words) > 1 and first in _SUBORDINATORS and words[1].casefold() in _PRONOUNS:
        return "dependent"
    if _intro_clause_leans(body, first):
        return "dependent"
    for connective in _ADVERSATIVE_CONNECTIVES:
        if re.match(rf"{re.escape(connective)}\b", lowered):
            return "strip"
    return None


def _intro_clause_leans(body: str, first: str) -> bool:
    """ "For "X," he ..." / "Aside from the music, it's ...": the main clause's subject is a
    pronoun, or the opening phrase points back ("With these moments, ...")."""
    if not (first in _INTRO_OPENERS or first.endswith(("ing", "ed"))):
        return False
    comma = body.find(",")
    if comma < 0:
        return False
    intro = body[:comma]
    if len(_WORD.findall(intro)) > 12:
        return False
    after = _WORD.findall(body[comma + 1 :].lstrip(" \"'"))
    if not after:
        return False
    opener = after[0].casefold()
    if opener in _PRONOUNS:
        return True
    if opener in {"both", "each"} and len(after) > 1 and not after[1][0].isupper():
        return True
    demonstrative = re.search(r"\b(?:this|these|those|such)\b", intro, re.IGNORECASE)
    return demonstrative is not None and not after[0][0].isupper()


def _strip_connective(sentence: str) -> str:
    lowered = sentence.casefold()
    for connective in _ADVERSATIVE_CONNECTIVES:
        match = re.match(rf"{re.escape(connective)}\b,?\s*", lowered)
        if match:
            rest = sentence[match.end() :]
            return rest[:1].upper() + rest[1:]
    return sentence


def _continues_subject(sentence: str) -> bool:
    """ "The film ..." / "The movie's ...": read as continuing the sentence before, if kept."""
    return re.match(r"(?:The|This) (?:film|movie|musical)\b", sentence) is not None


def _fragment_reason(sentence: str) -> str | None:
    if len(sentence) < MIN_FACT_CHARS or len(sentence) > MAX_FACT_CHARS:
        return "fragment"
    if not sentence[:1].isupper() and not sentence[:1].isdigit() and sentence[:1] != '"':
        return "fragment"
    if sentence.count('"') % 2 == 1:
        return "fragment"
    if _TRAILING_FUNCTION_WORD.search(sentence):
        return "fragment"
    words = _WORD.findall(sentence)
    if words and all(w[0].isupper() or w.casefold() in _TITLE_MINOR for w in words):
        return "fragment"  # a title or heading, not a statement
    if not re.search(r"[.!?][\"')\]]*$", sentence):
        return "fragment"
    return None


def _capitalised_words(sentence: str) -> set[str]:
    words = _WORD.findall(sentence)
    return {w for w in words[1:] if w[0].isupper() and len(w) >= 3}


def _main_films(sentences: Sequence[str]) -> frozenset[str]:
    """The film(s) the document is about: the most mentioned film entities."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(e.name for e in entities_in(sentence) if e.kind is EntityKind.FILM)
    if not counts:
        return frozenset()
    top = max(counts.values())
    return frozenset(name for name, count in counts.items() if count * 2 > top)


def _salient_words(sentences: Sequence[str]) -> frozenset[str]:
    """Capitalised words (not sentence-initial) that recur across the document's sentences."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(w for w in _capitalised_words(sentence) if w.casefold() not in _SALIENT_STOP)
    threshold = min(4, max(2, len(sentences) // 10))
    return frozenset(word for word, count in counts.items() if count >= threshold)


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,;:!?])", r"\1", text)
    return re.sub(r",(?=[A-Za-z])", ", ", text)  # "In the film,Ryan" -> "In the film, Ryan"


def make_fact(text: str, source: str) -> Fact:
    """One fact from one standalone text: tidied, tagged with topics, entities and the
    spoiler flag, and given its stable id."""
    clean = _tidy(text)
    return Fact(
        id=fact_id_for(clean),
        text=clean,
        source=source,
        topics=topics_for(clean),
        entities=entities_in(clean),
        spoiler=is_spoiler(clean),
    )


_LIST_ABOUT_THE_FILM = re.compile(
    r"^This (is|was|will be) (the|a|an) ((?:[\w'-]+ ){0,3}?(?:movie|film|musical|picture)\b)"
)
_LIST_THIS_PART = re.compile(
    r"^This ((?:[\w/'-]+ ){0,2}?)(scene|section|sequence|shot|number|song|moment|dance|take)\b"
)
_LIST_CLEFT = re.compile(r"^It (?:is|was) .{1,120}?(?:\bthat\b|\bwho\b|'s idea)")
_LIST_LEANING = _word_set("he she it they this that these those his her their its")


def _list_paragraph(paragraph: str, subject: str | None) -> str | None:
    """A list paragraph made to stand alone, or None when it only makes sense beside a picture
    or heading the document no longer has ("This is the Chateau Marmont ...").

    Scraped trivia lists open some items with "This": "This is the third movie ..." is about
    the document's subject film; "This scene was shot at ..." reads as "One scene ..."."""
    if subject:
        about = _LIST_ABOUT_THE_FILM.match(paragraph)
        if about:
            return f"{subject} {about[1]} {about[2]} {about[3]}{paragraph[about.end() :]}"
    part = _LIST_THIS_PART.match(paragraph)
    if part:
        article = "The" if part[1] else "One"
        return f"{article} {part[1]}{part[2]}{paragraph[part.end() :]}"
    words = _WORD.findall(paragraph[:40])
    if words and words[0].casefold() in _LIST_LEANING and not _LIST_CLEFT.match(paragraph):
        return None
    return paragraph


def _extract_list(text: str, source: str) -> IngestReport:
    paragraphs = [p for p in (_tidy(p) for p in _PARAGRAPH_BREAK.split(text)) if p]
    films = _main_films(paragraphs)
    subject = min(films) if len(films) == 1 else None
    standing = [_list_paragraph(p, subject) for p in paragraphs]
    facts = [make_fact(p, source) for p in standing if p is not None]
    leaning = len(paragraphs) - len(facts)
    merged = merge_duplicates(facts)
    dropped = {"duplicate": len(facts) - len(merged), "dependent": leaning}
    dropped = {reason: n for reason, n in dropped.items() if n}
    return IngestReport(
        facts=tuple(merged),
        kind=DocumentKind.LIST,
        sentences_total=len(paragraphs),
        sentences_kept=len(merged),
        dropped=MappingProxyType(dropped),
    )


def _extract_article(text: str, source: str) -> IngestReport:
    cleaned = clean_article_text(text)
    paragraphs = [split_sentences(p) for p in cleaned.split(_BREAK) if p]
    every = [s for sentences in paragraphs for s in sentences]
    judge = _Judge(salient=_salient_words(every), main_films=_main_films(every))
    index = 0
    for number, sentences in enumerate(paragraphs):
        for sentence in sentences:
            judge.consider(sentence, number, index)
            index += 1
    facts = [make_fact(unit.text, source) for unit in judge.units]
    merged = merge_duplicates(facts)
    kept_ids = {fact.id for fact in merged}
    kept_sentences = 0
    for unit, fact in zip(judge.units, facts, strict=True):
        if fact.id in kept_ids:
            kept_ids.discard(fact.id)
            kept_sentences += unit.sentences
        else:
            judge.dropped["duplicate"] += unit.sentences
    return IngestReport(
        facts=tuple(merged),
        kind=DocumentKind.ARTICLE,
        sentences_total=len(every),
        sentences_kept=kept_sentences,
        dropped=MappingProxyType(dict(sorted(judge.dropped.items()))),
    )


def extract_facts(text: str, source: str) -> IngestReport:
    """Turn one document into facts; ``source`` (the document's name) goes into each fact."""
    if detect_kind(text) is DocumentKind.LIST:
        return _extract_list(text, source)
    return _extract_article(text, source)


# --------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+")
_WORDS_PER_ALLOWED_EDIT = 20


@dataclass(frozen=True, slots=True)
class _DuplicateKey:
    """A fact's normalised text, prepared once for pairwise comparison."""

    text: str
    padded: str
    words: tuple[str, ...]
    numbers: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> _DuplicateKey:
        normal = normalise_for_identity(text)
        return cls(normal, f" {normal} ", tuple(normal.split()), tuple(_NUMBER.findall(normal)))


def _near_duplicate(a: _DuplicateKey, b: _DuplicateKey) -> bool:
    """Normalised texts that are equal, differ by about one word in twenty (numbers equal),
    or where one (at least 40 characters) is wholly contained in the other."""
    if a.text == b.text:
        return True
    short, long_ = (a, b) if len(a.text) <= len(b.text) else (b, a)
    if len(short.text) >= MIN_FACT_CHARS and short.padded in long_.padded:
        return True
    if a.numbers != b.numbers:
        return False
    shortest = min(len(a.words), len(b.words))
    allowed = max(1, shortest // _WORDS_PER_ALLOWED_EDIT)
    if shortest < 5 or abs(len(a.words) - len(b.words)) > allowed:
        return False
    return Levenshtein.distance(a.words, b.words, score_cutoff=allowed) <= allowed


def merge_duplicates(facts: Sequence[Fact]) -> list[Fact]:
    """Merge exact and near-exact duplicates, in order; the longer text wins (first on a tie),
    in the place of the first occurrence. Works across documents."""
    kept: list[Fact] = []
    keys: list[_DuplicateKey] = []
    for fact in facts:
        key = _DuplicateKey.of(fact.text)
        for position, other in enumerate(keys):
            if _near_duplicate(key, other):
                if len(fact.text) > len(kept[position].text):
                    kept[position] = fact
                    keys[position] = key
                break
        else:
            kept.append(fact)
            keys.append(key)
    return kept
