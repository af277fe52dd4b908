"""Search and autocomplete latency on the real seeds and on 100,000 synthetic facts.

Run by hand from the repository root:  python -m bench.search_bench [--facts N]

Two databases are built in a temporary folder:

* the seeds, imported the way the bot does it (``LalaService.import_documents``);
* a synthetic pack: sentences drawn from the seeds' own vocabulary (Zipf-like word
  frequencies), each with 1-3 of 2,000 generated person/place names and 1-3 topics. A slice of
  it goes through ``FactStore.replace_documents`` to measure that path; the whole pack is then
  written with plain SQL in one transaction (same rows, same triggers), which is much faster.

Then, on each, a few hundred realistic queries (questions, names, topics, typos, partial words,
no-hit nonsense) are timed end to end through ``SearchStore.search`` (warm: the in-memory index
is built first, and its build time is reported on its own), and ``SearchStore.suggest`` over
prefixes as a player types them.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import random
import re
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from lalabot.core import tagging
from lalabot.core.facts import TOPICS, Entity, EntityKind, Fact, fact_id_for
from lalabot.service import LalaService
from lalabot.store.db import Database
from lalabot.store.facts import DocumentFacts, FactStore
from lalabot.store.search import SearchStore

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

SEED_QUERIES = [
    "what car does sebastian drive",
    "how many oscars did it win",
    "who wrote the songs",
    "where was the opening scene filmed",
    "did ryan gosling really play the piano",
    "did emma stone sing live",
    "how long did filming take",
    "who choreographed the dances",
    "what did mia wear",
    "casting director",
    "golden globes record",
    "envelope mix up best picture",
    "griffith observatory planetarium",
    "how hot was it on the freeway",
    "angels flight",
    "who plays keith",
    "jazz club",
    "the ending explained",
    "umbrellas of cherbourg influence",
    "box office",
    "Emma Stone",
    "Ryan Gosling",
    "Damien Chazelle",
    "Justin Hurwitz",
    "City of Stars",
    "Los Angeles",
    "LA",
    "seb",
    "Music & songs",
    "music",
    "Awards",
    "Filming & locations",
    "the ending",
    "academy awards",
    "movie locations",
    "oscar nominations titanic",
    # typos and partial words
    "gossling",
    "chazel",
    "hurwits",
    "emma stne",
    "griffith observatry",
    "planetarim",
    "sebastain car",
    "oscers",
    "choreografer",
    "griffith obs",
    # nothing to find
    "xyzzy plugh",
    "Hurwitzberg",
    "quantum chromodynamics",
    "",
    "'; DROP TABLE facts; --",
    '" OR 1=1',
]

log = logging.getLogger("bench.search")


def _percentiles(samples: Sequence[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000, ordered[-1] * 1000


def _row(label: str, operation: str, timings: Sequence[float]) -> str:
    p50, p99, worst = _percentiles(timings)
    return f"{label:<22} {operation:<18} {len(timings):>6} {p50:>9.3f} {p99:>9.3f} {worst:>9.3f}"


async def _time_all(calls: Sequence[Callable[[], Awaitable[object]]]) -> list[float]:
    timings: list[float] = []
    for call in calls:
        started = time.perf_counter()
        await call()
        timings.append(time.perf_counter() - started)
    return timings


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # drop a letter
    if kind == 1:
        return word[:i] + word[i] + word[i:]  # double a letter
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # swap two


def _prefixes(names: Sequence[str], rng: random.Random, count: int) -> list[str]:
    found: list[str] = ["", "e", "em", "emm", "emma s", "gos", "goss", "mus", "obs", "zzz"]
    while len(found) < count:
        name = rng.choice(names).casefold()
        cut = rng.randint(1, min(len(name), 10))
        prefix = name[:cut]
        found.append(_typo(prefix, rng) if rng.random() < 0.2 else prefix)
    return found


# -- synthetic pack --------------------------------------------------------------------------


def synthetic_facts(count: int, seed: int = 7) -> tuple[list[Fact], list[str]]:
    """`count` facts from the seeds' vocabulary, and the entity names used."""
    rng = random.Random(seed)
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    words = [w for w in re.findall(r"[A-Za-z]+", text) if len(w) > 1]
    distinct = sorted({w.lower() for w in words})
    rng.shuffle(distinct)
    weights = [1.0 / (rank + 1) for rank in range(len(distinct))]  # Zipf-like
    firsts = [w.title() for w in distinct[200:260]]
    lasts = [
        w.title() + rng.choice(["son", "berg", "ini", "ez", "ton", "ski"])
        for w in distinct[300:340]
    ]
    people = [f"{f} {last}" for f in firsts for last in lasts][:1600]
    places = [
        f"{w.title()} {rng.choice(['Park', 'Theatre', 'Boulevard', 'Pier'])}"
        for w in distinct[400:800]
    ]
    entities = [Entity(n, EntityKind.PERSON) for n in people] + [
        Entity(n, EntityKind.PLACE) for n in places
    ]
    slugs = [t.slug for t in TOPICS]
    facts: list[Fact] = []
    seen: set[str] = set()
    while len(facts) < count:
        body = rng.choices(distinct, weights=weights, k=rng.randint(10, 28))
        chosen = rng.sample(entities, rng.randint(1, 3))
        for entity in chosen:
            body.insert(rng.randrange(len(body) + 1), entity.name)
        sentence = " ".join(body).capitalize() + f" ({len(facts)})."
        fact_id = fact_id_for(sentence)
        if fact_id in seen:
            continue
        seen.add(fact_id)
        facts.append(
            Fact(
                id=fact_id,
                text=sentence,
                source="synthetic.txt",
                topics=tuple(rng.sample(slugs, rng.randint(1, 3))),
                entities=tuple(chosen),
                spoiler=rng.random() < 0.05,
            )
        )
    return facts, [e.name for e in entities]


def write_with_sql(path: Path, facts: Sequence[Fact], document: str) -> None:
    """The rows FactStore.replace_documents would write, in one plain-SQL transaction."""
    names = {t.slug: t.name for t in TOPICS}
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO documents (name, sha256, kind, imported_at) VALUES (?, ?, 'list', ?)",
            (document, "synthetic", time.time()),
        )
        base = conn.execute("SELECT coalesce(max(rowid), 0) FROM facts").fetchone()[0]
        conn.executemany(
            "INSERT INTO facts (rowid, id, document, position, text, spoiler, topics, entities)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    base + i + 1,
                    f.id,
                    document,
                    i,
                    f.text,
                    int(f.spoiler),
                    " ".join(f"{s} {names[s]}" for s in f.topics),
                    " ; ".join(e.name for e in f.entities),
                )
                for i, f in enumerate(facts)
            ),
        )
        conn.executemany(
            "INSERT INTO fact_topics (topic, fact_rowid, rank) VALUES (?, ?, ?)",
            ((s, base + i + 1, r) for i, f in enumerate(facts) for r, s in enumerate(f.topics)),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO entities (name, kind) VALUES (?, ?)",
            ((e.name, e.kind.value) for f in facts for e in f.entities),
        )
        ids = dict(conn.execute("SELECT name, id FROM entities").fetchall())
        conn.executemany(
            "INSERT OR IGNORE INTO fact_entities (entity_id, fact_rowid, position)"
            " VALUES (?, ?, ?)",
            (
                (ids[e.name], base + i + 1, p)
                for i, f in enumerate(facts)
                for p, e in enumerate(f.entities)
            ),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def synthetic_queries(facts: Sequence[Fact], names: Sequence[str], count: int) -> list[str]:
    rng = random.Random(11)
    templates = ["what about {}", "who {} {}", "where was {} {}", "{} {}", "{} {} {}", "{}"]
    found: list[str] = []
    while len(found) < count:
        fact = rng.choice(facts)
        words = [w for w in re.findall(r"[a-z]+", fact.text.lower()) if len(w) > 3]
        kind = rng.randrange(7)
        if kind <= 2 and len(words) >= 3:
            template = rng.choice(templates)
            found.append(template.format(*rng.sample(words, template.count("{}"))))
        elif kind == 3:
            found.append(rng.choice(names))
        elif kind == 4:
            found.append(rng.choice(TOPICS).name)
        elif kind == 5 and words:
            found.append(" ".join(_typo(w, rng) for w in rng.sample(words, min(2, len(words)))))
        else:
            found.append(rng.choice(["xyzzy plugh", "qwertyuiop", "zzzz yyyy", "nonexistentword"]))
    return found


# -- running ---------------------------------------------------------------------------------


async def measure(
    label: str, db: Database, queries: Sequence[str], prefixes: Sequence[str], rows: list[str]
) -> None:
    store = SearchStore(db, aliases=tagging.entity_aliases())
    started = time.perf_counter()
    await store.search("warm up")
    build = time.perf_counter() - started
    rows.append(f"{label:<22} {'index build':<18} {1:>6} {build * 1000:>9.1f} {'':>9} {'':>9}")
    modes: dict[str, int] = {}

    async def one(query: str) -> None:
        result = await store.search(query)
        modes[result.mode] = modes.get(result.mode, 0) + 1

    timings = await _time_all([functools.partial(one, q) for q in queries])
    rows.append(_row(label, "search", timings))
    rows.append(f"{'':<22}   modes: {', '.join(f'{k} {v}' for k, v in sorted(modes.items()))}")
    timings = await _time_all([functools.partial(store.suggest, p) for p in prefixes])
    rows.append(_row(label, "suggest", timings))
    names = (await store.index()).names
    timings = []
    for prefix in prefixes:
        started = time.perf_counter()
        names.complete(prefix)
        timings.append(time.perf_counter() - started)
    rows.append(_row(label, "suggest, no I/O", timings))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument(
        "--store-slice",
        type=int,
        default=5_000,
        help="facts written through FactStore.replace_documents, to time that path",
    )
    args = parser.parse_args()
    rows: list[str] = []
    notes: list[str] = []
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        # -- the seeds
        db = await Database.open(Path(tmp) / "seeds.db")
        try:
            summary = await LalaService(db, seeds_dir=SEEDS).import_documents()
            count = await FactStore(db).count()
            notes.append(f"seeds: {count} facts imported in {summary.seconds:.2f} s")
            entity_names = [e.name for e, _ in await FactStore(db).entities()]
            queries = [
                q
                for _ in range(max(1, args.queries // len(SEED_QUERIES) + 1))
                for q in SEED_QUERIES
            ]
            rng.shuffle(queries)
            await measure(
                f"seeds ({count})",
                db,
                queries[: args.queries],
                _prefixes(entity_names + [t.name for t in TOPICS], rng, 300),
                rows,
            )
        finally:
            await db.close()

        # -- the synthetic pack
        started = time.perf_counter()
        facts, names = synthetic_facts(args.facts)
        notes.append(
            f"synthetic: {len(facts)} facts generated in {time.perf_counter() - started:.1f} s"
        )
        if args.store_slice:
            slice_db = await Database.open(Path(tmp) / "slice.db")
            try:
                started = time.perf_counter()
                await FactStore(slice_db).replace_documents(
                    [DocumentFacts("synthetic.txt", "x", "list", tuple(facts[: args.store_slice]))]
                )
                took = time.perf_counter() - started
                notes.append(
                    f"synthetic: FactStore.replace_documents, {args.store_slice} facts:"
                    f" {took:.1f} s"
                    f" ({args.store_slice / took:,.0f} facts/s; {len(facts)} would take"
                    f" ~{len(facts) / args.store_slice * took:.0f} s)"
                )
            finally:
                await slice_db.close()
        path = Path(tmp) / "synthetic.db"
        await (await Database.open(path)).close()  # migrated, then closed
        started = time.perf_counter()
        write_with_sql(path, facts, "synthetic.txt")
        took = time.perf_counter() - started
        notes.append(f"synthetic: plain SQL, {len(facts)} facts: {took:.1f} s")
        notes.append(f"synthetic: database {path.stat().st_size / 1e6:.0f} MB")
        db = await Database.open(path)
        try:
            queries = synthetic_queries(facts, names, args.queries) + SEED_QUERIES
            await measure(
                f"synthetic ({len(facts)})",
                db,
                queries,
                _prefixes(names + [t.name for t in TOPICS], rng, 300),
                rows,
            )
        finally:
            await db.close()

    print()
    for note in notes:
        print(note)
    print()
    print(f"{'dataset':<22} {'operation':<18} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}")
    print("-" * 78)
    for row in rows:
        print(row)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
