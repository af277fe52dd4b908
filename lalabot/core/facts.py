"""The fact model and the topic taxonomy shared by the pipeline, the store and the adapters."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "TOPICS",
    "Entity",
    "EntityKind",
    "Fact",
    "Topic",
    "fact_id_for",
    "normalise_for_identity",
    "topic_by_name",
]


class EntityKind(StrEnum):
    PERSON = "person"
    SONG = "song"
    FILM = "film"
    PLACE = "place"


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    kind: EntityKind


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    name: str
    description: str


TOPICS: tuple[Topic, ...] = (
    Topic("cast", "Cast & characters", "Who plays whom, casting choices and the characters"),
    Topic("music", "Music & songs", "The score, the songs and the musicians"),
    Topic("filming", "Filming & locations", "Shooting the film and where it was shot"),
    Topic("production", "Production", "Development, financing, writing and the crew"),
    Topic("awards", "Awards", "Oscars, Golden Globes and other honours"),
    Topic("ending", "The ending", "The epilogue, the final scene and what it means"),
    Topic("influences", "Influences & homages", "Films and art that La La Land draws on"),
    Topic("design", "Costumes & design", "Costumes, colours, sets and production design"),
    Topic("dance", "Dance & choreography", "The dance numbers and how they were made"),
    Topic("reception", "Reception & box office", "Reviews, box office and the film's legacy"),
    Topic("los-angeles", "Los Angeles history", "The real city behind the film"),
    Topic("easter-eggs", "Easter eggs", "Hidden details, in-jokes and things to spot"),
)

_TOPIC_LOOKUP: dict[str, Topic] = {}
for _topic in TOPICS:
    for _key in (_topic.slug, _topic.name):
        _TOPIC_LOOKUP[_key.casefold()] = _topic


def topic_by_name(name: str) -> Topic | None:
    """Find a topic by slug or display name, ignoring case and surrounding space."""
    return _TOPIC_LOOKUP.get(name.strip().casefold())


@dataclass(frozen=True, slots=True)
class Fact:
    """One standalone fact, ready to store."""

    id: str
    text: str
    source: str
    topics: tuple[str, ...] = ()  # topic slugs, 1 to 3
    entities: tuple[Entity, ...] = field(default=())
    spoiler: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "text": self.text,
            "topics": list(self.topics),
            "entities": [e.name for e in self.entities],
            "spoiler": self.spoiler,
            "source": self.source,
        }


_NON_WORD = re.compile(r"[^\w]+")


def normalise_for_identity(text: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form of a text."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def fact_id_for(text: str) -> str:
    """A stable id derived from the fact's normalised text: same text, same id, on any machine."""
    digest = hashlib.blake2b(normalise_for_identity(text).encode(), digest_size=5).hexdigest()
    return f"f{digest}"
