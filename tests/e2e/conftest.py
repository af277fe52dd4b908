"""Our bot, in-process or as a `lalabot run` subprocess, connected to the fake Discord."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lalabot.bot.client import LalaBot
from lalabot.config import Settings
from tests.conftest import SEEDS
from tests.fakediscord import FakeDiscord
from tests.fakediscord.discordpy import point_discord_py_at
from tests.fakediscord.fixtures import default_fake


@pytest.fixture
def bot_db(tmp_path: Path, seeded_db_template: Path) -> Path:
    target = tmp_path / "data" / "lalabot.db"
    target.parent.mkdir()
    shutil.copy(seeded_db_template, target)
    return target


@dataclass
class Running:
    fake: FakeDiscord
    bot: LalaBot
    task: asyncio.Task[None]


async def start_bot(
    fake: FakeDiscord, settings: Settings, prepare: Callable[[LalaBot], None] | None = None
) -> Running:
    """Log in (which runs setup_hook and the sync policy), connect, and wait until ready.
    `prepare` may add test-only commands to the tree before the sync."""
    bot = LalaBot(settings, guild_ready_timeout=0.05, quiz_gap_seconds=0.2)
    if prepare is not None:
        prepare(bot)
    await bot.login(settings.token.reveal())
    task = asyncio.create_task(bot.connect(reconnect=True))
    await asyncio.wait_for(bot.wait_until_ready(), timeout=10)
    return Running(fake, bot, task)


async def stop_bot(running: Running) -> None:
    await running.bot.close()
    await asyncio.wait_for(running.task, timeout=10)


def bot_settings(fake: FakeDiscord, db_path: Path, **overrides: str) -> Settings:
    env = {**fake.env(), "LALABOT_DB_PATH": str(db_path), "LALABOT_SEEDS_DIR": str(SEEDS)}
    env.pop("LALABOT_DEV_GUILD_ID")
    env.update(overrides)
    return Settings.from_env(env)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    fake = default_fake()
    await fake.start()
    try:
        with point_discord_py_at(fake):
            yield fake
    finally:
        await fake.close()
    fake.assert_no_violations()


@pytest.fixture
async def running(fake: FakeDiscord, bot_db: Path) -> AsyncIterator[Running]:
    """Our bot in this process, connected to the fake, commands synced globally."""
    run = await start_bot(fake, bot_settings(fake, bot_db))
    try:
        yield run
    finally:
        await stop_bot(run)


@pytest.fixture
def bot_process(fake: FakeDiscord, bot_db: Path) -> Iterator[subprocess.Popen[str]]:
    """`lalabot run` as its own process against the fake (dev-guild sync)."""
    env = {
        **os.environ,
        **fake.env(),
        "LALABOT_DB_PATH": str(bot_db),
        "LALABOT_SEEDS_DIR": str(SEEDS),
        "LALABOT_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "lalabot", "run"],
        env=env,
        cwd=bot_db.parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
