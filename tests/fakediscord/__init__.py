"""A protocol-level fake Discord (gateway + REST) for end-to-end tests of a discord.py bot.

Modules: ``state`` (the world: guilds, members, messages, records), ``limits`` (Discord's size
limits), ``gateway`` (websocket), ``rest`` (HTTP routes, refusals, fault injection), ``driver``
(user actions and waits), ``server`` (:class:`FakeDiscord`), ``discordpy`` (pointing discord.py at
it), ``fixtures`` (pytest fixtures). Everything but ``fixtures`` is pytest-free.
"""

from .driver import InteractionHandle
from .limits import Problem
from .server import DEFAULT_TOKEN, FakeDiscord
from .state import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    MANAGE_GUILD,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Callback,
    Channel,
    Guild,
    Member,
    RecordedRequest,
    Role,
    StoredMessage,
    User,
    Violation,
    WaitTimeout,
)

__all__ = [
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "DEFAULT_TOKEN",
    "MANAGE_GUILD",
    "SEND_MESSAGES",
    "VIEW_CHANNEL",
    "Callback",
    "Channel",
    "FakeDiscord",
    "Guild",
    "InteractionHandle",
    "Member",
    "Problem",
    "RecordedRequest",
    "Role",
    "StoredMessage",
    "User",
    "Violation",
    "WaitTimeout",
]
