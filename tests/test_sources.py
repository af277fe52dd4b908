from __future__ import annotations

from pathlib import Path

import pytest

from lalabot import sources
from lalabot.errors import ImportFailedError


def test_reads_a_text_file_and_hashes_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("Emma Stone won the Oscar for Best Actress.\n", encoding="utf-8")
    document = sources.read(path)
    assert document.name == "doc.txt"
    assert document.text.startswith("Emma Stone")
    assert len(document.sha256) == 64


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n\t ", "empty"),
        (b"text\x00with a NUL", "binary"),
        (b"caf\xe9 au lait", "UTF-8"),
    ],
)
def test_bad_files_are_refused_by_name(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ImportFailedError, match=message) as caught:
        sources.read(path)
    assert "bad.txt" in caught.value.message


def test_a_file_over_ten_megabytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(sources.MAX_DOCUMENT_BYTES + 1)  # sparse: cheap to make
    with pytest.raises(ImportFailedError, match="at most 10 MB") as caught:
        sources.read(path)
    assert "huge.txt" in caught.value.message


def test_missing_path_and_folder_without_text(tmp_path: Path) -> None:
    with pytest.raises(ImportFailedError, match="no such file"):
        sources.collect([tmp_path / "nope"])
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.png").write_bytes(b"\x89PNG")
    with pytest.raises(ImportFailedError, match="no text files") as caught:
        sources.collect([tmp_path / "pics"])
    assert "pics" in caught.value.message


def test_folders_are_searched_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "c.png", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in sources.collect([tmp_path])] == ["a.md", "b.txt"]


def test_two_documents_with_one_name_are_refused(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ImportFailedError, match="same name"):
        sources.collect([tmp_path / "one", tmp_path / "two"])
