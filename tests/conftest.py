from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from lalabot.store.db import Database

if TYPE_CHECKING:
    from lalabot.service import LalaService

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lalabot.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of seeds/, safe to change."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
async def service(db: Database, seeds_copy: Path) -> LalaService:
    from lalabot.service import LalaService

    return LalaService(db, seeds_dir=seeds_copy)


async def dump(database: Database) -> list[str]:
    """Every row of every table, as text: equal dumps mean an unchanged database."""
    lines: list[str] = []
    async with database.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'facts_fts_%'"
        " ORDER BY name"
    ) as cur:
        tables = [row[0] async for row in cur]
    for table in tables:
        async with database.conn.execute(f'SELECT * FROM "{table}" ORDER BY 1') as cur:
            lines.extend([f"{table}: {tuple(row)}" async for row in cur])
    lines.append(f"user_version: {await database.user_version()}")
    return lines
