"""Opening the database, its pragmas, forward-only migrations and write transactions."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from itertools import groupby
from pathlib import Path

import aiosqlite

from lalabot.errors import DatabaseTooNewError

__all__ = ["Database", "Migration", "load_migrations"]

_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA busy_timeout = 5000",
)
_Batch = list[tuple[str, Sequence[object], "asyncio.Future[None]"]]

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


class _Writer:
    """A plain sqlite3 connection on a thread of its own, for group commits: a whole batch
    (BEGIN, its statements, COMMIT) is one trip to that thread, where aiosqlite would make one
    trip per statement. Opened and used only on that thread."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lalabot-db-writer")
        self._conn: sqlite3.Connection | None = None

    async def run(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self._commit, statements)

    async def close(self) -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._close)
        finally:
            self._executor.shutdown(wait=True)

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(self._path, isolation_level=None)
            for pragma in _PRAGMAS:
                conn.execute(pragma)
            self._conn = conn
        return self._conn

    def _commit(self, statements: Sequence[tuple[str, Sequence[object]]]) -> None:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, run in groupby(statements, key=lambda statement: statement[0]):
                conn.executemany(sql, [params for _, params in run])
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class Database:
    """One shared aiosqlite connection for reads and `transaction()`, and a writer thread for
    single statements (`write`, by group commit); writes of both kinds go one at a time."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._writer = _Writer(path)
        self._queued: _Batch = []
        self._committer: asyncio.Task[None] | None = None
        self.group_commits = 0  # batches committed by `write`, for tests and benchmarks

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        """Open (creating it if needed) the database file at ``path``. A file, not ":memory:":
        the group-commit writer is a second connection to it."""
        if str(path) == ":memory:":
            raise ValueError("lalabot needs a database file, not ':memory:'")
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(target), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            for pragma in _PRAGMAS:
                await conn.execute(pragma)
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
        try:
            await self._writer.close()
        finally:
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
                    f"The database {self.path} was written by a newer lalabot "
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
        flight go into the next single transaction, in order. Returns once committed; if the
        transaction fails, every statement in it fails with the same error."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued.append((sql, params, future))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_queued(), name="group-commit")
        await future

    async def _commit_queued(self) -> None:
        while self._queued:
            batch, self._queued = self._queued, []
            try:
                async with self._write_lock:
                    await self._writer.run([(sql, params) for sql, params, _ in batch])
                    self.group_commits += 1
            except BaseException as error:
                if not isinstance(error, Exception):  # cancelled: whether it committed is unknown
                    for _, _, future in batch:
                        future.cancel()
                    raise
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
