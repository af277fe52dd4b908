from __future__ import annotations

from pathlib import Path

import discord
import pytest
from discord import app_commands

from lalabot.bot.sync import SyncState, apply_sync_policy, command_payloads, payload_hash


def _tree(description: str = "About lalabot") -> app_commands.CommandTree[discord.Client]:
    client = discord.Client(intents=discord.Intents.default())
    tree = app_commands.CommandTree(client)

    @app_commands.command(name="about", description=description)
    async def about(interaction: discord.Interaction) -> None:
        raise NotImplementedError

    @app_commands.command(name="fact", description="A random fact")
    async def fact(interaction: discord.Interaction, topic: str | None = None) -> None:
        raise NotImplementedError

    tree.add_command(about)
    tree.add_command(fact)
    return tree


def test_hash_ignores_command_order_but_not_content() -> None:
    payloads = command_payloads(_tree())
    assert payload_hash(payloads) == payload_hash(list(reversed(payloads)))
    assert payload_hash(payloads) != payload_hash(command_payloads(_tree("Something else")))


def test_state_remembers_per_application(tmp_path: Path) -> None:
    state = SyncState(tmp_path / "data" / "command-sync.json")
    assert state.needs_sync(1, "abc")
    state.remember(1, "abc")
    assert not state.needs_sync(1, "abc")
    assert state.needs_sync(1, "def")
    assert state.needs_sync(2, "abc")
    assert not SyncState(state.path).needs_sync(1, "abc")  # survives a restart


def test_a_corrupt_state_file_means_sync(tmp_path: Path) -> None:
    path = tmp_path / "command-sync.json"
    path.write_text("{not json", encoding="utf-8")
    assert SyncState(path).needs_sync(1, "abc")


async def test_no_sync_when_nothing_changed(tmp_path: Path) -> None:
    tree = _tree()
    state = SyncState(tmp_path / "command-sync.json")
    state.remember(42, payload_hash(command_payloads(tree)))
    # The client is not logged in: any attempt to sync would raise.
    result = await apply_sync_policy(tree, application_id=42, state=state, dev_guild_id=None)
    assert result == "unchanged"


async def test_a_changed_command_set_tries_to_sync(tmp_path: Path) -> None:
    state = SyncState(tmp_path / "command-sync.json")
    state.remember(42, payload_hash(command_payloads(_tree())))
    with pytest.raises(discord.ClientException):  # it tried: the offline client refuses
        await apply_sync_policy(_tree("Changed"), application_id=42, state=state, dev_guild_id=None)
    assert state.last_hash(42) == payload_hash(command_payloads(_tree()))  # not updated
