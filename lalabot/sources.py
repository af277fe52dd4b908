"""Finding and reading source documents, refusing anything that is not a sane text file."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lalabot.errors import ImportFailedError

__all__ = ["MAX_DOCUMENT_BYTES", "TEXT_SUFFIXES", "SourceDocument", "collect", "read", "read_all"]

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})


@dataclass(frozen=True, slots=True)
class SourceDocument:
    name: str
    path: Path
    text: str
    sha256: str


def collect(paths: Sequence[Path]) -> list[Path]:
    """The text files named, or found (recursively, sorted) in the folders named."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise ImportFailedError(f"{path}: no such file or folder.")
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                raise ImportFailedError(
                    f"{path}: the folder has no text files ({', '.join(sorted(TEXT_SUFFIXES))})."
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ImportFailedError(f"{path}: not a regular file.")
    names: dict[str, Path] = {}
    for file in files:
        if file.name in names and names[file.name].resolve() != file.resolve():
            raise ImportFailedError(
                f"{file}: another document has the same name ({names[file.name]}); rename one."
            )
        names[file.name] = file
    return list(dict.fromkeys(files))


def read(path: Path) -> SourceDocument:
    """Read one document, or raise an error that names it."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ImportFailedError(
                f"{path}: the file is {size / 1_048_576:.1f} MB; documents may be at most 10 MB."
            )
        with path.open("rb") as handle:
            raw = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise ImportFailedError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise ImportFailedError(f"{path}: the file is over 10 MB; documents may be at most 10 MB.")
    if b"\x00" in raw:
        raise ImportFailedError(f"{path}: this looks like a binary file (it has NUL bytes).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailedError(
            f"{path}: not valid UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8."
        ) from None
    if not text.strip():
        raise ImportFailedError(f"{path}: the file is empty.")
    return SourceDocument(
        name=path.name, path=path, text=text, sha256=hashlib.sha256(raw).hexdigest()
    )


def read_all(paths: Sequence[Path]) -> list[SourceDocument]:
    """Every document named, all validated before any is returned."""
    return [read(path) for path in collect(paths)]
