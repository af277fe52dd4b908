"""Tagging a fact: its topics, the entities it mentions and whether it spoils the ending.

Everything here is rules as data: weighted keyword patterns per topic, word patterns for
spoilers and a gazetteer (``lalabot/data/entities.json``) for entities. The gazetteer is the
one thing read from outside the code; it ships inside the package, is read through
``importlib.resources`` once and cached.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from lalabot.core.facts import TOPICS, Entity, EntityKind

__all__ = [
    "SPOILER_PATTERNS",
    "TOPIC_RULES",
    "entities_in",
    "entity_aliases",
    "entity_at_start",
    "is_spoiler",
    "known_entities",
    "topic_scores",
    "topics_for",
]

# --------------------------------------------------------------------------------------------
# Topics
# --------------------------------------------------------------------------------------------

# topic slug -> (regular expression, weight). Matching ignores case unless the pattern says
# otherwise with (?-i:...). Each pattern counts at most twice per text.
TOPIC_RULES: Mapping[str, tuple[tuple[str, float], ...]] = MappingProxyType(
    {
        "cast": (
            (r"\bcast(?:ing|s)?\b", 2.0),
            (r"\broles?\b", 2.0),
            (r"\bplay(?:s|ed|ing)?\s+(?:the\s+)?(?:role|part|character)\b", 1.5),
            (r"\bplays\b", 1.5),
            (r"\bportray\w*", 2.0),
            (r"\bturned down\b", 2.5),
            (r"\bdropped (?:out|from)\b", 2.0),
            (r"\bcharacters?\b", 1.0),
            (r"\bact(?:or|ors|ress|resses|ing)\b", 1.0),
            (r"\bco-?star\w*", 1.5),
            (r"\bstarr?(?:ing|ed)\b", 1.0),
            (r"\bauditio\w*", 0.5),
            (r"\bdoubled by\b|\bhand double\b", 1.0),
        ),
        "music": (
            (r"\bsongs?\b", 2.0),
            (r"\b(?<!tomatoes )(?<!audience )scores?\b", 2.0),
            (r"\bpian(?:o|os|ist|ists)\b", 2.0),
            (r"\bjazz\b", 1.5),
            (r"\bmusic\b|\bmusicians?\b", 1.5),
            (r"\bcompos(?:e|ed|er|ers|ing|ition)\b", 2.0),
            (r"\blyric\w*", 2.0),
            (r"\b(?:sing|sings|singing|singer|singers|sung|sang)\b", 1.5),
            (r"\bvocals?\b|\bduet\b|\bwhistl\w*", 1.5),
            (r"\bsoundtrack\b|\bmelod(?:y|ies)\b", 2.0),
            (r"\bguitar\w*|\bkeyboard\w*|\bsynth\w*|\bdrummer\b|\bbassist\b", 1.5),
            (r"\brecorded\b|\brecording\b|\bstudio musicians?\b", 1.0),
            (r"\bHurwitz\b|\bKerber\b|\bPasek\b|\bJustin Paul\b|\bde Vries\b", 2.0),
            (r"\bJohn Legend\b|\bthe Messengers\b", 1.0),
            (
                r"\bCity of Stars\b|\bStart a Fire\b|\bSomeone in the Crowd\b|\bA Lovely Night\b"
                r"|\bFools Who Dream\b|\bAnother Day of Sun\b|(?-i:\bAudition\b)",
                2.0,
            ),
        ),
        "filming": (
            (r"\bshot\b|\bshoot(?:s|ing)?\b", 1.5),
            (r"\bfilm(?:ed|ing)\b", 2.0),
            (r"\blocations?\b|\bon location\b", 2.0),
            (
                r"\b(?:one|single|first|second|third|fourth|fifth|continuous|long|unbroken)"
                r"\s+takes?\b",
                2.0,
            ),
            (r"\btakes\b", 1.0),
            (r"\bcameras?\b|\bcrane\b|\blens(?:es)?\b", 1.5),
            (r"\bcinematograph\w*|\bSandgren\b", 1.5),
            (r"\banamorphic\b|\bCinemaScope\b|\bPanavision\b|\b35mm\b|\bcelluloid\b", 2.0),
            (r"\bon set\b|\bsound ?stage\b|\bback ?lot\b|\bstudio lot\b", 1.5),
            (r"\bprincipal photography\b|\bwrap(?:ped)?\b|\bstoryboard\w*", 2.0),
            (r"\bGriffith\b|\bWatts Towers\b|\bHermosa\b|\bAngels Flight\b", 1.5),
            (r"\bGrand Central Market\b|\bColorado Street Bridge\b|\bRialto\b|\bfreeway\b", 1.5),
            (r"\brehears\w*", 1.0),
        ),
        "production": (
            (r"\bbudget\b|\bfinanc\w*|\binvestors?\b|\bfinancier\b", 2.5),
            (r"\bscript\b|\bscreenplay\b|\bscreenwriter\b|\brewrit\w*", 2.0),
            (r"\bproduc(?:er|ers|ed)\b", 1.5),
            (r"\bstudios?\b", 1.0),
            (r"\bSummit Entertainment\b|\bLionsgate\b", 2.5),
            (r"\bpre-production\b|\bpost[- ]production\b|\bproduction\b", 1.0),
            (r"\bdevelop\w*|\bconceiv\w*|\bcame up with\b|\bthe idea\b", 1.5),
            (r"\bedit(?:ing|or|ed)\b", 1.5),
            (r"\bdirector\b|\bdirected\b|\bwrit(?:er|ten)\b", 0.5),
            (r"\bHarvard\b|\bPlatt\b|\bHorowitz\b|\bBerger\b", 1.0),
        ),
        "awards": (
            (r"\bOscars?\b|\bAcademy Awards?\b", 3.0),
            (r"\bGolden Globes?\b|\bBAFTAs?\b|\bGrammy\w*|\bEmmy\w*|\bCritics Circle\b", 3.0),
            (r"\bnominat\w*", 2.5),
            (
                r"\bBest (?:Picture|Actress|Actor|Director|Original|Cinematography|Production"
                r"|Costume|Supporting|Song|Score)\b",
                2.5,
            ),
            (r"\bawards?\b|\btroph(?:y|ies)\b", 2.0),
            (r"\bwon\b|\bwins?\b|\bwinners?\b|\bwinning\b", 1.0),
            (r"\benvelopes?\b|\bPricewaterhouseCoopers\b|\bceremony\b", 1.5),
        ),
        "ending": (
            (r"\bending\b", 2.0),
            (r"\bepilogue\b|\bfinale\b", 3.0),
            (r"\b(?:final|last|closing) (?:scene|shot|sequence|moments?|look|note|number)\b", 3.0),
            (r"\bfive years (?:later|after)\b", 3.0),
            (r"\b(?:at|near|toward|towards) the (?:very )?end of the (?:film|movie|story)\b", 3.0),
            (r"\bin the end\b|\bthe end\b", 1.5),
            (r"\b(?:dream|fantasy) (?:sequence|montage|ballet)\b|\balternate reality\b", 2.5),
            (r"\bend(?:s)? up together\b|\bseparate ways\b|\bbreak ?up\b", 2.5),
            (r"\bpart(?:s|ed)? ways\b", 2.5),
            (r"\bwhat (?:\w+ ){0,3}(?:could|might|would) (?:have|'ve) been\b", 2.5),
            (r"\bknowing smile\b|\bsomeone else\b", 2.0),
            (r"\bmarried\b|\bhusband\b|\bbittersweet\b", 1.0),
        ),
        "influences": (
            (r"\bhomage\b|\btribute\b", 3.0),
            (r"\binspir\w*", 2.0),
            (r"\binfluen\w*", 2.5),
            (r"\bUmbrellas of Cherbourg\b|\bDemy\b|\bYoung Girls of Rochefort\b", 3.0),
            (r"\bSingin[g']? in the Rain\b|\bCasablanca\b|\bAn American in Paris\b", 2.5),
            (r"\bRebel Without a Cause\b|\b7th Heaven\b|\bTop Hat\b|\bBroadway Melody\b", 2.0),
            (r"\bAstaire\b|\bGinger Rogers\b|\bGene Kelly\b|\bOphuls\b|\bGodard\b", 1.5),
            (r"\bRuscha\b|\bHockney\b|\bDuf+y\b|\bMGM\b|\bgolden age\b", 1.5),
            (r"\bclassic (?:hollywood )?(?:musicals?|films?|movies?)\b|\bold hollywood\b", 1.5),
            (r"\bmodell?ed on\b|\bbased on\b|\becho\w*|\ballusions?\b|\breminiscent\b", 1.5),
            (r"\bdraw(?:s|ing)? (?:on|from)\b|\bpays? homage\b|\bcalls? back\b", 1.5),
        ),
        "design": (
            (r"\bcostum\w*", 3.0),
            (r"\bdress(?:es|ed|ing)?\b|\bgowns?\b", 2.5),
            (r"\bcolou?r(?:s|ed|ful)?\b|\bpalettes?\b|\bhues?\b", 2.0),
            (r"\bproduction design\w*|\bset (?:decorat|design)\w*|\bsets\b", 3.0),
            (r"\bZophres\b|\bWasco\w*", 3.0),
            (r"\bwardrobe\b|\boutfits?\b|\bcloth(?:es|ing)\b|\bjacket\b|\bsuit\b", 2.0),
            (r"\bblouse\b|\bshoes\b|\btrousers\b|\bt-shirt\b", 2.0),
            (r"\bposters?\b|\blogo\b|\bneon signs?\b|\bmurals?\b|\bbackdrops?\b", 1.5),
            (r"\b(?:yellow|blue|green|red|purple|pink|white|black)\b", 0.5),
            (r"\blighting\b|\bstreet ?lights\b|\blamps?\b|\bdesign(?:ed|er|ers)?\b", 1.0),
        ),
        "dance": (
            (r"\bdanc(?:e|es|ed|er|ers|ing)\b", 3.0),
            (r"\bchoreograph\w*", 3.0),
            (r"\btap[- ]?danc\w*|\btap shoes\b", 3.0),
            (r"\bwaltz\w*|\bballet\b|\btango\b|\bballroom\b", 2.5),
            (r"\bMandy Moore\b|(?-i:\bMoore\b)", 2.0),
            (r"\broutines?\b|\bfootwork\b|\bboot camp\b", 1.0),
        ),
        "reception": (
            (r"\bbox office\b", 3.0),
            (r"\bgross(?:ed|ing)\b", 3.0),
            (r"\bcritic(?:s|al)?\b|\bacclaim\w*", 2.5),
            (r"\breviews?\b|\breviewers?\b|\bpraise\w*", 2.5),
            (r"\bRotten Tomatoes\b|\bMetacritic\b|\bPopcornmeter\b|\bCertified Fresh\b", 3.0),
            (r"\$\s?[\d,.]+\s*(?:million|billion)\b", 1.5),
            (r"\baudiences?\b|\bviewers\b|\bfans\b", 1.0),
            (r"\bprofitable\b|\bcommercial success\b|\bhighest-grossing\b", 2.5),
            (r"\bpremiere\w*|\breleased?\b|\bopened in \w+ (?:locations|theaters|cinemas)\b", 1.5),
            (r"\bMovies You Must See\b|\bNew York Times\b|\bThe Guardian\b", 1.5),
        ),
        "los-angeles": (
            (r"\bLos Angeles\b|(?-i:\bL\.A\.|\bLA\b)", 1.5),
            (r"(?-i:\bHollywood\b)", 0.5),
            (r"\bdowntown\b|\bneighbou?rhoods?\b|\blandmarks?\b|\bthe city\b", 1.5),
            (r"\b(?:built|opened|founded|established|designed) (?:in|by) (?:the )?\w+", 1.5),
            (r"\bdates? back\b|\bhistor(?:y|ic|ical)\b|\barchitect\w*|\bart deco\b", 2.0),
            (r"\bWatts Towers\b|\bChinatown\b|\bAngels Flight\b|\bChateau Marmont\b", 2.0),
            (r"\bRialto\b|\bEl Rey\b|\bSmokehouse\b|\bLangham\b|\bHayworth\b|\bLighthouse\b", 1.5),
            (r"\bWilshire\b|\bSunset (?:Boulevard|Strip)\b|\bBroadway\b|\bGriffith\b", 1.0),
            (r"\bPasadena\b|\bBurbank\b|\bLong Beach\b|\bHermosa Beach\b|\bBeverly Hills\b", 1.0),
            (r"\brailway\b|\bfunicular\b|\bnicknames?\b|\bTinseltown\b", 1.5),
        ),
        "easter-eggs": (
            (r"\bcameos?\b|\beaster eggs?\b|\bin-jokes?\b|\binside jokes?\b", 3.0),
            (r"\breferences?\b|\breferenced\b", 2.5),
            (r"\bhidden\b|\bhides?\b|\bspot(?:ted)?\b", 2.0),
            (r"\bnods? to\b|\ba nod\b|\bwink\w*", 2.5),
            (r"\bcan be seen\b|\bin the background\b|\bseen here\b|\bvisible\b", 2.0),
            (r"\bcoinciden\w*|\bforeshadow\w*|\bcalls? back\b|\bcallback\b", 2.0),
            (r"\bsame (?:street|stretch|location|set|song|lights?|lamps?|window|room)\b", 2.0),
            (r"\bpreviously\b|\bsecond movie\b|\bthird movie\b|\bco-starring\b", 1.0),
            (r"\bappear(?:s|ance)\b|\bplays a\b", 1.0),
        ),
    }
)

_MIN_TOPIC_SCORE = 1.5
_SPOILER_ENDING_BONUS = 2.5  # a text that gives the ending away is about the ending
_RELATIVE_TOPIC_SCORE = 0.4
_MAX_TOPICS = 3
_TOPIC_ORDER = {topic.slug: index for index, topic in enumerate(TOPICS)}

_COMPILED_TOPIC_RULES: tuple[tuple[str, tuple[tuple[re.Pattern[str], float], ...]], ...] = tuple(
    (slug, tuple((re.compile(pattern, re.IGNORECASE), weight) for pattern, weight in rules))
    for slug, rules in TOPIC_RULES.items()
)

# Fallback topic when no keyword fires, by the kind of the first entity mentioned.
_FALLBACK_BY_KIND: Mapping[EntityKind, str] = MappingProxyType(
    {
        EntityKind.PERSON: "cast",
        EntityKind.SONG: "music",
        EntityKind.FILM: "influences",
        EntityKind.PLACE: "filming",
    }
)
_FALLBACK_TOPIC = "production"


def topic_scores(text: str) -> dict[str, float]:
    """The weighted keyword score of every topic that scores at all."""
    folded = _fold(text)
    scores: dict[str, float] = {}
    for slug, rules in _COMPILED_TOPIC_RULES:
        score = 0.0
        for pattern, weight in rules:
            hits = sum(1 for _ in zip(range(2), pattern.finditer(folded), strict=False))
            score += hits * weight
        if slug == "ending" and is_spoiler(text):
            score += _SPOILER_ENDING_BONUS
        if score > 0:
            scores[slug] = score
    return scores


def topics_for(text: str) -> tuple[str, ...]:
    """One to three topic slugs, best first; never empty.

    Topics scoring at least 1.5 and at least 40% of the best score are kept (ties broken by
    the taxonomy's order). With no keyword at all, the fallback is chosen from the first
    entity mentioned (person -> cast, song -> music, film -> influences, place -> filming),
    else "production".
    """
    scores = topic_scores(text)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], _TOPIC_ORDER[item[0]]))
    if ranked:
        best = ranked[0][1]
        floor = max(_MIN_TOPIC_SCORE, best * _RELATIVE_TOPIC_SCORE)
        chosen = [slug for slug, score in ranked if score >= floor][:_MAX_TOPICS]
        return tuple(chosen) if chosen else (ranked[0][0],)
    entities = entities_in(text)
    if entities:
        return (_FALLBACK_BY_KIND[entities[0].kind],)
    return (_FALLBACK_TOPIC,)


# --------------------------------------------------------------------------------------------
# Spoilers
# --------------------------------------------------------------------------------------------

# Word patterns for texts that give away how a story ends. Case is ignored.
SPOILER_PATTERNS: tuple[str, ...] = (
    # the couple does not last
    r"\b(?:don't|do not|doesn't|does not|didn't|did not|never|won't|can't|cannot|couldn't"
    r"|wouldn't|not)\s+(?:\w+\s+){0,2}(?:end up|get back|stay|wind up|remain|be)\s+together\b",
    r"\bno longer together\b|\bnot together\b|\bapart in the end\b",
    r"\b(?:go|goes|went|going)\s+their\s+separate\s+ways\b|\bpart(?:s|ed)?\s+ways\b",
    r"\bbreak(?:s)?\s+up\b|\bbroke\s+up\b|\bbreakup\b|\bsplit\s+up\b|\bfalls?\s+apart\b",
    r"\bnever\s+rekindle\w*|\bsacrific\w*\s+(?:of\s+)?their\s+(?:relationship|romance|love)\b",
    # someone else
    r"\bmarried\s+to\s+someone\s+else\b|\bnow\s+married\b|\bhappily\s+married\b",
    r"\b(?:her|his|mia's)\s+(?:new\s+)?husband\b|\bmarries\b|\bhas\s+a\s+(?:baby|child)\b",
    # the end itself
    r"\bepilogue\b|\bfive\s+years\s+(?:later|after)\b",
    r"\b(?:final|last|closing)\s+(?:scene|shot|moments?|sequence|look|glance|note)\b"
    r"(?!\s+(?:at|in)\s+the\b)",
    r"\bknowing\s+(?:smile|look|glance)\b|\bone\s+last\s+look\b",
    r"\b(?:film|movie|story)\s+(?:ends|concludes|closes)\b|\bends\s+with\b",
    r"\b(?:at|near|toward|towards)\s+the\s+(?:very\s+)?end\s+of\s+the\s+(?:film|movie|story)\b",
    r"\bin\s+the\s+end\b|\bclimactic\s+ending\b",
    # the might-have-been fantasy
    r"\b(?:dream|fantasy)\s+(?:sequence|montage|ballet)\b|\balternate\s+reality\b",
    r"\bwhat\s+(?:their\s+\w+\s+)?(?:\w+\s+)?(?:could|might|would)\s+(?:have|'ve)\s+been\b",
    r"\blife\s+(?:they|we)\s+could\s+have\s+had\b|\bthe\s+life\s+not\s+lived\b",
    # the club at the end
    r"\b(?:has|had|finally|now|eventually)\s+open(?:ed|s)\s+(?:his|her|their|a|the)\s+"
    r"(?:own\s+)?(?:jazz\s+)?club\b",
    r"\bable\s+to\s+own\s+(?:his|her)\s+own\s+(?:jazz\s+)?club\b|\bhis\s+new\s+club\b",
)
_COMPILED_SPOILERS = tuple(re.compile(p, re.IGNORECASE) for p in SPOILER_PATTERNS)


def is_spoiler(text: str) -> bool:
    """True when the text reveals how the story ends (see ``SPOILER_PATTERNS``)."""
    folded = _fold(text)
    return any(pattern.search(folded) for pattern in _COMPILED_SPOILERS)


# --------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    entities: tuple[Entity, ...]
    aliases: Mapping[str, str]  # alias casefolded -> canonical name
    by_surface: Mapping[str, Entity]  # exact (accent-folded) surface form -> entity
    pattern: re.Pattern[str]


_TITLE_JOINERS = r"(?:of|the|in|on|a|an|to|for|with|at|by|from|without|over|is|you|do|me)"
_TITLE_WORD = r"[A-Z0-9][\w'!&.:-]*"
# "Title (1952)": a Title-Cased run right before a year in parentheses.
_FILM_WITH_YEAR = re.compile(
    rf"((?:{_TITLE_WORD})(?:\s+(?:{_TITLE_WORD}|{_TITLE_JOINERS}))*),?\s+\((?:18|19|20)\d\d\)"
)
_NOT_A_FILM_WORD = re.compile(
    r"\b(?:Awards?|Oscars|Festival|Ceremony|Records|Globes?|University|Season)\b"
)
_LEADING_NON_TITLE = re.compile(
    r"^(?:(?:In|At|On|With|From|By|For|Of|To|And|Both|Like|Including|Starring|Since|After"
    r"|Before|During|While|When|Its|His|Her|Their|Film|Movie|Musical|Director|Actor"
    r"|Actress)\s+)+"
)
# A double-quoted Title-Cased phrase after "song", "number", "track"...
_SONG_IN_QUOTES = re.compile(
    r"\b(?:songs?|numbers?|tracks?|tunes?|singles?|duets?|ballads?)\b,?\s+"
    r"(?:(?:called|entitled|titled|named|known as)\s*,?\s+)?\"([A-Z][^\"]{1,60}?)[.,]?\""
)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_MINOR_WORDS = _word_set(
    "a an and as at but by for from in into of on or the to with without is it"
)


@cache
def _gazetteer() -> _Gazetteer:
    raw = resources.files("lalabot.data").joinpath("entities.json").read_text(encoding="utf-8")
    records = json.loads(raw)
    entities: list[Entity] = []
    aliases: dict[str, str] = {}
    surfaces: dict[str, Entity] = {}
    for record in records:
        entity = Entity(name=str(record["name"]), kind=EntityKind(str(record["kind"])))
        entities.append(entity)
        for surface in (entity.name, *(str(a) for a in record.get("aliases", []))):
            aliases.setdefault(surface.casefold(), entity.name)
            surfaces.setdefault(_fold(surface), entity)
    alternatives = sorted(surfaces, key=lambda s: (-len(s), s))
    body = "|".join(r"\s+".join(re.escape(part) for part in s.split()) for s in alternatives)
    pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")
    return _Gazetteer(
        entities=tuple(entities),
        aliases=MappingProxyType(aliases),
        by_surface=MappingProxyType(surfaces),
        pattern=pattern,
    )


def known_entities() -> tuple[Entity, ...]:
    """Every entity in the gazetteer, in its order."""
    return _gazetteer().entities


def entity_aliases() -> Mapping[str, str]:
    """Alias (casefolded) -> canonical name; canonical names are included as their own alias."""
    return _gazetteer().aliases


def entities_in(text: str) -> tuple[Entity, ...]:
    """People, songs, films and places mentioned in the text: canonical, unique, in order.

    Gazetteer names and aliases match case-sensitively on word boundaries ("Mia" but not
    "media"), ignoring accents and editorial brackets ("Damien [Chazelle]"). Beyond the
    gazetteer, ``Title (1952)`` is taken for a film and a double-quoted Title-Cased phrase after
    "song", "number" or "track" for a song.
    """
    gazetteer = _gazetteer()
    folded = re.sub(r"\s+", " ", _fold(text).replace("[", "").replace("]", ""))
    found: list[tuple[int, Entity]] = []
    covered: list[tuple[int, int]] = []
    for match in gazetteer.pattern.finditer(folded):
        surface = re.sub(r"\s+", " ", match.group(0))
        entity = gazetteer.by_surface.get(surface)
        if entity is not None:
            found.append((match.start(), entity))
            covered.append((match.start(), match.end()))
    for match in _FILM_WITH_YEAR.finditer(folded):
        start, end = match.span(1)
        title = match.group(1)
        lead = _LEADING_NON_TITLE.match(title)
        if lead:
            start += lead.end()
            title = title[lead.end() :]
        title = title.rstrip(",")
        if not title or _NOT_A_FILM_WORD.search(title) or _overlaps(start, end, covered):
            continue
        if " " not in title and re.search(r"\band\s+$", folded[:start]):
            continue  # "Fanny and Alexander (1982)": only the tail of a title was caught
        found.append((start, _canonical(title, EntityKind.FILM)))
    for match in _SONG_IN_QUOTES.finditer(folded):
        start, end = match.span(1)
        title = match.group(1).strip()
        if _overlaps(start, end, covered) or not _is_title_case(title):
            continue
        found.append((start, _canonical(title, EntityKind.SONG)))
    found.sort(key=lambda item: item[0])
    unique: dict[str, Entity] = {}
    for _, entity in found:
        unique.setdefault(entity.name, entity)
    return tuple(unique.values())


def entity_at_start(text: str) -> Entity | None:
    """The gazetteer entity whose name or alias opens the text, if any."""
    gazetteer = _gazetteer()
    match = gazetteer.pattern.match(_fold(text))
    if match is None:
        return None
    return gazetteer.by_surface.get(re.sub(r"\s+", " ", match.group(0)))


def _canonical(title: str, kind: EntityKind) -> Entity:
    name = entity_aliases().get(title.casefold())
    if name is not None:
        for entity in known_entities():
            if entity.name == name:
                return entity
    return Entity(name=title, kind=kind)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


def _is_title_case(title: str) -> bool:
    words: list[str] = re.findall(r"[A-Za-z][\w']*", title)
    if not words or not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w.casefold() in _MINOR_WORDS for w in words)


_QUOTE_TRANSLATION = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _fold(text: str) -> str:
    """Accents off, typographic quotes straightened; case and length otherwise kept."""
    straightened = text.translate(_QUOTE_TRANSLATION)
    if straightened.isascii():
        return straightened
    decomposed = unicodedata.normalize("NFKD", straightened)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
