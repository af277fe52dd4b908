from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


@pytest.fixture(scope="session")
def seeded_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database imported from seeds/ once per session; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    env = {
        **os.environ,
        "LALABOT_DB_PATH": str(path),
        "LALABOT_SEEDS_DIR": str(SEEDS),
        "LALABOT_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "lalabot", "import"],
        env=env,
        check=True,
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    return path


@pytest.fixture
async def seeded_service(tmp_path: Path, seeded_db_template: Path) -> AsyncIterator[LalaService]:
    """A service over a private copy of a database already imported from seeds/."""
    from lalabot.service import LalaService

    path = tmp_path / "seeded.db"
    shutil.copy(seeded_db_template, path)
    database = await Database.open(path)
    try:
        yield LalaService(database, seeds_dir=SEEDS)
    finally:
        await database.close()


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
