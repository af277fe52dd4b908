"""When to sync application commands: on demand, to a dev guild, or when their payload changed."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

__all__ = ["SyncState", "apply_sync_policy", "command_payloads", "payload_hash"]

log = logging.getLogger(__name__)


def command_payloads(tree: app_commands.CommandTree[Any]) -> list[dict[str, Any]]:
    """The global commands exactly as they would be sent to Discord."""
    return [command.to_dict(tree) for command in tree.get_commands()]


def payload_hash(payloads: Sequence[dict[str, Any]]) -> str:
    canonical = json.dumps(
        sorted(payloads, key=lambda p: (p.get("type", 1), p.get("name", ""))),
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class SyncState:
    """The hash of the last global sync per application, in a small JSON file beside the DB."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def last_hash(self, application_id: int) -> str | None:
        return self._read().get(str(application_id))

    def needs_sync(self, application_id: int, current: str) -> bool:
        return self.last_hash(application_id) != current

    def remember(self, application_id: int, current: str) -> None:
        data = self._read()
        data[str(application_id)] = current
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_suffix(".tmp")
        temp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        temp.replace(self.path)


async def apply_sync_policy(
    tree: app_commands.CommandTree[Any],
    *,
    application_id: int,
    state: SyncState,
    dev_guild_id: int | None,
    force: bool = False,
) -> str:
    """Sync per the policy; returns what was done: "guild", "global" or "unchanged"."""
    if dev_guild_id is not None:
        guild = discord.Object(id=dev_guild_id)
        tree.copy_global_to(guild=guild)
        synced = await tree.sync(guild=guild)
        log.info("synced %d commands to the dev guild %d", len(synced), dev_guild_id)
        return "guild"
    current = payload_hash(command_payloads(tree))
    if not force and not state.needs_sync(application_id, current):
        log.info("commands unchanged since the last sync; not syncing")
        return "unchanged"
    synced = await tree.sync()
    state.remember(application_id, current)
    log.info("synced %d global commands", len(synced))
    return "global"
