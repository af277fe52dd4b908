"""pytest fixtures around :class:`~tests.fakediscord.server.FakeDiscord`.

Use them from a conftest
(``from tests.fakediscord.fixtures import fake_discord, discord_py_at_fake``) or with
``pytest_plugins = ["tests.fakediscord.fixtures"]`` in the root conftest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from .discordpy import point_discord_py_at
from .server import FakeDiscord


def default_fake(**options: Any) -> FakeDiscord:
    """A fake (not started) with one guild "La La Land Fans", channels #trivia and #general,
    owner "mia", admin "amy", members "sebastian" and "keith"."""
    fake = FakeDiscord(**options)
    guild = fake.add_guild("La La Land Fans", owner="mia")
    guild.add_channel("trivia", topic="Guess the film trivia")
    guild.add_channel("general")
    guild.add_member("amy", admin=True)
    guild.add_member("sebastian", global_name="Seb")
    guild.add_member("keith")
    return fake


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started fake with :func:`default_fake`'s world; fails the test at teardown if the bot
    did anything Discord would refuse (see ``fake.take_violations()`` for deliberate ones)."""
    fake = default_fake()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()
    fake.assert_no_violations()


@pytest.fixture
def discord_py_at_fake(fake_discord: FakeDiscord) -> Iterator[FakeDiscord]:
    """``fake_discord`` with discord.py's REST base and gateway URL pointed at it (restored
    afterwards)."""
    with point_discord_py_at(fake_discord):
        yield fake_discord
