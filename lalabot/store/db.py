"""Opening the database, its pragmas, forward-only migrations and write transactions."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from itertools import groupby
from pathlib import Path

import aiosqlite

from lalabot.errors import DatabaseTooNewError

__all__ = ["Database", "Migration", "load_migrations"]

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> tuple[Migration, ...]:
    """The packaged migrations, numbered 0001 upwards with no gaps."""
    found: list[Migration] = []
    for entry in resources.files("lalabot.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(
                f"migration {expected:04d} is missing (found {migration.version:04d})"
            )
    return tuple(found)


# Group commits start at most this often. A commit costs a wake of the database thread and at
# least three trips to it (BEGIN, one executemany per run of one statement, COMMIT), and that,
# not SQLite, is most of what an answer costs: under load, waiting a few milliseconds gathers
# many answers into one commit. When writes are rare, a commit starts at once.
COMMIT_INTERVAL = 0.010


class Database:
    """One shared aiosqlite connection; writes go through `transaction()`, one at a time."""

    def __init__(self, conn: aiosqlite.Connection, path: Path | None) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._queued: list[tuple[str, Sequence[object], asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None
        self._last_commit = float("-inf")  # loop time the last group commit started
        self.commit_interval = COMMIT_INTERVAL
        self.group_commits = 0  # how many have started, for tests and benchmarks

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        target = None if str(path) == ":memory:" else Path(path)
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA busy_timeout = 5000")
            db = cls(conn, target)
            if migrate:
                await db.migrate()
        except BaseException:
            await conn.close()
            raise
        return db

    @property
    def conn(self) -> aiosqlite.Connection:
        """The connection, for reads. Multi-statement writes must use `transaction()`."""
        return self._conn

    async def close(self) -> None:
        """Close the connection once the writes already queued are committed."""
        if self._committer is not None and not self._committer.done():
            await asyncio.wait([self._committer])
        await self._conn.close()

    async def user_version(self) -> int:
        async with self._conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> list[int]:
        """Apply every migration newer than the database, each atomically. Returns those applied."""
        migrations = load_migrations()
        latest = migrations[-1].version if migrations else 0
        async with self._write_lock:
            current = await self.user_version()
            if current > latest:
                raise DatabaseTooNewError(
                    f"The database {self.path or ':memory:'} was written by a newer lalabot "
                    f"(schema version {current}; this version knows up to {latest}). "
                    "Upgrade lalabot, or point LALABOT_DB_PATH at another file."
                )
            applied: list[int] = []
            for migration in migrations:
                if migration.version <= current:
                    continue
                script = (
                    "BEGIN IMMEDIATE;\n"
                    f"{migration.sql}\n;\n"
                    f"PRAGMA user_version = {migration.version};\n"
                    "COMMIT;"
                )
                try:
                    await self._conn.executescript(script)
                except BaseException:
                    if self._conn.in_transaction:
                        await self._conn.rollback()
                    raise
                log.info("applied migration %04d_%s", migration.version, migration.name)
                applied.append(migration.version)
            return applied

    async def write(self, sql: str, params: Sequence[object] = ()) -> None:
        """One statement, committed by group commit: statements queued while a commit is in
        flight, or within `commit_interval` of the last one, go into the next single
        transaction, in order. Returns once committed; if the transaction fails, every
        statement in it fails with the same error."""
        await self.enqueue(sql, params)

    def enqueue(self, sql: str, params: Sequence[object] = ()) -> asyncio.Future[None]:
        """Queue one statement for group commit now, without waiting: its place in the
        order is fixed when this returns. The future resolves once it is committed, or
        carries the error that failed its transaction."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued.append((sql, params, future))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_queued(), name="group-commit")
        return future

    async def _commit_queued(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queued:
            wait = self._last_commit + self.commit_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_commit = loop.time()
            self.group_commits += 1
            batch, self._queued = self._queued, []
            try:
                async with self.transaction() as conn:
                    for sql, run in groupby(batch, key=lambda queued: queued[0]):
                        await conn.executemany(sql, [params for _, params, _ in run])
            except Exception as error:
                log.warning("a group commit of %d statements failed: %s", len(batch), error)
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(error)
            else:
                for _, _, future in batch:
                    if not future.done():
                        future.set_result(None)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """An immediate write transaction: committed on success, rolled back on any error."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                await self._conn.commit()
