from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from lalabot.errors import ImportFailedError, NotFoundError
from lalabot.service import LalaService
from lalabot.store.db import Database
from tests.conftest import dump

TRIVIA = "la_la_land_trivia.txt"


def _touch(path: Path) -> Path:
    path.touch()
    return path


ARTICLE = "la_la_land_ending_article.txt"


async def test_import_of_the_seeds_then_again_changes_nothing(
    service: LalaService, db: Database
) -> None:
    first = await service.import_documents()
    assert {d.name for d in first.documents} == {TRIVIA, ARTICLE}
    assert first.added == await service.facts.count() > 250
    before = await dump(db)
    second = await service.import_documents()
    assert not second.changed
    assert (second.added, second.kept, second.removed) == (0, 0, 0)
    assert await dump(db) == before


async def test_a_changed_document_keeps_the_ids_of_unchanged_facts(
    service: LalaService, seeds_copy: Path
) -> None:
    await service.import_documents()
    before = {f.id: f for f in await service.facts.list_facts()}
    trivia = seeds_copy / TRIVIA
    paragraphs = trivia.read_text(encoding="utf-8").split("\n\n")
    removed_text = paragraphs.pop(3)
    paragraphs.append(
        "Damien Chazelle wrote the script for La La Land in 2010, years before Whiplash."
    )
    trivia.write_text("\n\n".join(paragraphs), encoding="utf-8")

    summary = await service.import_documents()
    after = {f.id: f for f in await service.facts.list_facts()}
    assert summary.added == 1
    assert summary.removed == 1
    assert [d.status for d in summary.documents if d.name == ARTICLE] == ["unchanged"]
    gone = set(before) - set(after)
    assert len(gone) == 1
    assert " ".join(removed_text.split())[:40] in " ".join(before[gone.pop()].text.split())
    assert len(set(after) - set(before)) == 1
    assert all(after[i].text == before[i].text for i in set(before) & set(after))


@pytest.mark.parametrize(
    "make_bad",
    [
        lambda d: (d / "empty.txt").write_bytes(b""),
        lambda d: (d / "binary.txt").write_bytes(b"PK\x03\x04\x00\x00binary"),
        lambda d: (d / "latin1.txt").write_bytes("Résumé of the film".encode("latin-1")),
        lambda d: os.truncate(_touch(d / "huge.txt"), 11 * 1024 * 1024),
    ],
    ids=["empty", "binary", "invalid-utf8", "huge"],
)
async def test_a_bad_file_leaves_the_database_exactly_as_it_was(
    service: LalaService, db: Database, seeds_copy: Path, make_bad: object
) -> None:
    await service.import_documents()
    # change a good document too: nothing of it may be written when another file is bad
    trivia = seeds_copy / TRIVIA
    trivia.write_text(trivia.read_text(encoding="utf-8") + "\n\nA new fact about Mia.\n")
    before = await dump(db)
    make_bad(seeds_copy)  # type: ignore[operator]
    with pytest.raises(ImportFailedError):
        await service.import_documents()
    assert await dump(db) == before


async def test_missing_path_and_textless_folder_change_nothing(
    service: LalaService, db: Database, tmp_path: Path
) -> None:
    before = await dump(db)
    with pytest.raises(ImportFailedError, match="no such file"):
        await service.import_documents([tmp_path / "missing"])
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(ImportFailedError, match="no text files"):
        await service.import_documents([tmp_path / "empty_dir"])
    assert await dump(db) == before


async def test_random_fact_imports_seeds_on_first_use_and_honours_topic(
    service: LalaService,
) -> None:
    fact = await service.random_fact(random.Random(1), "Music & songs")
    assert "music" in fact.topics
    assert await service.facts.count() > 0


async def test_unknown_topic_suggests_close_ones(service: LalaService) -> None:
    with pytest.raises(NotFoundError, match="Did you mean Music & songs"):
        await service.random_fact(random.Random(1), "musci")
    with pytest.raises(NotFoundError, match="no topic"):
        await service.random_fact(random.Random(1), "@everyone " + "x" * 4000)


async def test_topic_counts_cover_the_taxonomy(service: LalaService) -> None:
    topics = await service.topics()
    assert len(topics) == 12
    assert sum(1 for _, n in topics if n > 0) >= 10


async def test_a_new_pipeline_version_imports_unchanged_files_again(
    service: LalaService, monkeypatch: pytest.MonkeyPatch
) -> None:
    await service.import_documents()
    monkeypatch.setattr("lalabot.service.INGEST_VERSION", 999)
    again = await service.import_documents()
    assert [d.status for d in again.documents] == ["imported", "imported"]
    assert again.added == 0
    assert again.kept == await service.facts.count()
