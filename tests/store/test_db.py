from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from lalabot.errors import DatabaseTooNewError
from lalabot.store.db import Database, load_migrations


def test_migrations_are_numbered_without_gaps() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))


async def test_fresh_database_is_migrated_to_latest(db: Database) -> None:
    assert await db.user_version() == load_migrations()[-1].version
    async with db.conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    async with db.conn.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1
    async with db.conn.execute("SELECT name FROM sqlite_master WHERE name = 'facts_fts'") as cur:
        assert await cur.fetchone() is not None


async def test_migrating_twice_does_nothing(db_path: Path) -> None:
    first = await Database.open(db_path)
    await first.close()
    again = await Database.open(db_path)
    try:
        assert await again.migrate() == []
        assert await again.user_version() == load_migrations()[-1].version
    finally:
        await again.close()


async def test_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    first = await Database.open(db_path)
    await first.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("PRAGMA user_version = 999")
    with pytest.raises(DatabaseTooNewError, match="newer lalabot"):
        await Database.open(db_path)
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 999


async def _insert_then_fail(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO documents (name, sha256, kind, imported_at) VALUES ('x', 'y', 'list', 0)"
        )
        raise RuntimeError("boom")


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        await _insert_then_fail(db)
    async with db.conn.execute("SELECT count(*) FROM documents") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_fts_index_follows_the_facts_table(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO documents (name, sha256, kind, imported_at) VALUES ('d', 'h', 'list', 0)"
        )
        await conn.execute(
            "INSERT INTO facts (id, document, position, text, topics, entities)"
            " VALUES ('f1', 'd', 0, 'Gosling played the piano himself', 'music', 'Ryan Gosling')"
        )
    async with db.conn.execute("SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'pianos'") as cur:
        assert len(list(await cur.fetchall())) == 1  # porter stemming: pianos ~ piano
    async with db.transaction() as conn:
        await conn.execute("UPDATE facts SET text = 'Stone sang live' WHERE id = 'f1'")
    async with db.conn.execute("SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'piano'") as cur:
        assert list(await cur.fetchall()) == []
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM documents")
    async with db.conn.execute("SELECT count(*) FROM facts") as cur:
        assert (await cur.fetchone())[0] == 0  # cascaded
    async with db.conn.execute("SELECT rowid FROM facts_fts WHERE facts_fts MATCH 'stone'") as cur:
        assert list(await cur.fetchall()) == []


async def test_group_commit_keeps_the_order_of_statements(db: Database) -> None:
    insert = "INSERT INTO documents (name, sha256, kind, imported_at) VALUES (?, ?, 'list', 0)"
    update = "UPDATE documents SET sha256 = ? WHERE name = ?"
    await asyncio.gather(
        db.write(insert, ("a", "1")),
        db.write(insert, ("b", "1")),
        db.write(update, ("2", "a")),
        db.write(insert, ("c", "1")),
        db.write(update, ("3", "a")),
    )
    async with db.conn.execute("SELECT name, sha256 FROM documents ORDER BY name") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("a", "3"), ("b", "1"), ("c", "1")]


async def test_writes_within_the_commit_interval_share_one_commit(db: Database) -> None:
    insert = "INSERT INTO documents (name, sha256, kind, imported_at) VALUES (?, ?, 'list', 0)"
    db.commit_interval = 30.0
    await asyncio.wait_for(db.write(insert, ("first", "1")), 5)  # idle: committed at once
    commits = db.group_commits
    db.commit_interval = 0.3
    second = asyncio.create_task(db.write(insert, ("second", "1")))
    await asyncio.sleep(0.05)  # the committer is waiting out the interval
    third = asyncio.create_task(db.write(insert, ("third", "1")))
    await asyncio.gather(second, third)
    assert db.group_commits == commits + 1
    async with db.conn.execute("SELECT count(*) FROM documents") as cur:
        assert (await cur.fetchone())[0] == 3
