"""The fake Discord's world: users, guilds, channels, messages, commands, interactions, records.

Everything here is plain data plus small helpers; nothing does I/O. The gateway and REST layers
mutate a :class:`World` and call :meth:`World.changed` so that waiters wake up.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from . import limits

JSON = dict[str, Any]
T = TypeVar("T")

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions)
CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

DEFAULT_EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

# Gateway intents
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT


def iso(moment: datetime) -> str:
    return moment.isoformat()


def utcnow() -> datetime:
    return datetime.now(UTC)


class Snowflakes:
    """Increasing snowflake ids derived from the clock, like Discord's."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(now, self._last + 1)
        return self._last


class Notifier:
    """Wakes every waiter on each change; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_for(
        self,
        check: Callable[[], T | None],
        timeout: float,  # noqa: ASYNC109
        describe: Callable[[], str],
    ) -> T:
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WaitTimeout(f"timed out after {timeout:.2f}s waiting for {describe()}")
            event = self._event
            try:
                # Also re-check now and then: callers may wait on state outside the fake.
                await asyncio.wait_for(event.wait(), min(remaining, 0.02))
            except TimeoutError:
                continue


class WaitTimeout(TimeoutError):
    """A driver wait ran out of time; the message says what it was waiting for."""


# ----------------------------------------------------------------------------------------------
# People and places


@dataclass(eq=False)
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": self.avatar,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
            "primary_guild": None,
            "collectibles": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class Role:
    id: int
    guild: Guild
    name: str
    permissions: int
    position: int = 0
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
            "description": None,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass(eq=False)
class Member:
    user: User
    guild: Guild
    roles: list[Role] = field(default_factory=list)
    nick: str | None = None
    joined_at: datetime = field(default_factory=utcnow)
    permissions_override: int | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"

    @property
    def is_owner(self) -> bool:
        return self.guild.owner_id == self.user.id

    @property
    def permissions(self) -> int:
        """Guild-level permissions (before channel overwrites)."""
        if self.is_owner:
            return ALL_PERMISSIONS
        if self.permissions_override is not None:
            value = self.permissions_override
        else:
            value = self.guild.everyone.permissions
            for role in self.roles:
                value |= role.permissions
        if value & ADMINISTRATOR:
            return ALL_PERMISSIONS
        return value

    def payload(self) -> JSON:
        return {
            "user": self.user.payload(),
            "roles": [str(r.id) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
            "avatar_decoration_data": None,
        }

    def interaction_payload(self, channel: Channel) -> JSON:
        data = self.payload()
        data["permissions"] = str(channel.permissions_for(self))
        data["unusual_dm_activity_until"] = None
        return data


@dataclass(eq=False)
class Channel:
    id: int
    guild: Guild
    name: str
    position: int
    type: int = 0
    topic: str | None = None
    overrides: dict[int, int] = field(default_factory=dict)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def set_permissions(self, member: Member | User | int, permissions: int) -> None:
        """Give ``member`` (or the bot) exactly ``permissions`` here (as a member overwrite)."""
        target = member if isinstance(member, int) else member.id
        self.overrides[target] = permissions
        self.guild.world.emit("CHANNEL_UPDATE", self.payload())

    def permissions_for(self, member: Member) -> int:
        base = member.permissions
        if base & ADMINISTRATOR or member.is_owner:
            return ALL_PERMISSIONS
        return self.overrides.get(member.id, base)

    def payload(self) -> JSON:
        overwrites = []
        for member_id, wanted in self.overrides.items():
            member = self.guild.members_by_id.get(member_id)
            base = member.permissions if member is not None else self.guild.everyone.permissions
            overwrites.append(
                {
                    "id": str(member_id),
                    "type": 1,
                    "allow": str(wanted & ~base),
                    "deny": str(base & ~wanted),
                }
            )
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild.id),
            "name": self.name,
            "position": self.position,
            "parent_id": None,
            "topic": self.topic,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
            "permission_overwrites": overwrites,
        }

    def interaction_payload(self, member: Member) -> JSON:
        data = self.payload()
        data["permissions"] = str(self.permissions_for(member))
        return data


@dataclass(eq=False)
class Guild:
    id: int
    world: World
    name: str
    owner_id: int = 0
    locale: str = "en-US"
    roles: list[Role] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    created_at: datetime = field(default_factory=utcnow)

    @property
    def everyone(self) -> Role:
        return self.roles[0]

    @property
    def members_by_id(self) -> dict[int, Member]:
        return {m.id: m for m in self.members}

    @property
    def bot_member(self) -> Member:
        return self.members_by_id[self.world.bot.id]

    @property
    def owner(self) -> Member:
        return self.members_by_id[self.owner_id]

    @property
    def bot_permissions(self) -> int:
        """The bot's guild permissions; setting it sets its managed role's (the bot still gets
        @everyone's too; use ``Channel.set_permissions(fake.bot, ...)`` to take some away)."""
        return self.bot_member.permissions

    @bot_permissions.setter
    def bot_permissions(self, value: int) -> None:
        role = self.bot_member.roles[0]
        role.permissions = value
        self.world.emit("GUILD_ROLE_UPDATE", {"guild_id": str(self.id), "role": role.payload()})

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(f"no channel named {name!r} in {self.name!r}")

    def member(self, username: str) -> Member:
        for member in self.members:
            if member.user.username == username:
                return member
        raise KeyError(f"no member named {username!r} in {self.name!r}")

    def add_role(self, name: str, *, permissions: int = 0) -> Role:
        role = Role(self.world.ids.next(), self, name, permissions, position=len(self.roles))
        self.roles.append(role)
        self.world.emit("GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.payload()})
        return role

    def add_channel(self, name: str, *, topic: str | None = None) -> Channel:
        channel = Channel(
            self.world.ids.next(), self, name, position=len(self.channels), topic=topic
        )
        self.channels.append(channel)
        self.world.emit("CHANNEL_CREATE", channel.payload())
        return channel

    def add_member(
        self,
        username: str,
        *,
        permissions: int | None = None,
        admin: bool = False,
        roles: Sequence[Role] = (),
        nick: str | None = None,
        global_name: str | None = None,
        bot: bool = False,
    ) -> Member:
        """Add a member. ``permissions`` fixes their guild permissions (default: @everyone's plus
        their roles'); ``admin=True`` adds ADMINISTRATOR."""
        user = self.world.add_user(username, global_name=global_name, bot=bot)
        return self._join(user, permissions=permissions, admin=admin, roles=roles, nick=nick)

    def _join(
        self,
        user: User,
        *,
        permissions: int | None = None,
        admin: bool = False,
        roles: Sequence[Role] = (),
        nick: str | None = None,
    ) -> Member:
        if admin:
            permissions = (
                permissions if permissions is not None else self.everyone.permissions
            ) | ADMINISTRATOR
        member = Member(user, self, list(roles), nick=nick, permissions_override=permissions)
        self.members.append(member)
        data = member.payload()
        data["guild_id"] = str(self.id)
        self.world.emit("GUILD_MEMBER_ADD", data, intent=INTENT_GUILD_MEMBERS)
        return member

    def payload(self, *, intents: int = -1) -> JSON:
        """GUILD_CREATE for a client with ``intents`` (default: all)."""
        members = self.members
        if not intents & INTENT_GUILD_MEMBERS:
            # Without the privileged intent Discord only sends the bot itself.
            members = [m for m in members if m.user.id == self.world.bot.id]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": "deprecated",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "widget_channel_id": None,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "incidents_data": None,
            "joined_at": iso(self.created_at),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "lazy": True,
            "voice_states": [],
            "members": [m.payload() for m in members],
            "channels": [c.payload() for c in self.channels],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "embedded_activities": [],
            "activity_instances": [],
        }


# ----------------------------------------------------------------------------------------------
# Messages

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclass(eq=False)
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None
    description: str | None
    url: str

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            data["content_type"] = self.content_type
        if self.description is not None:
            data["description"] = self.description
        return data


@dataclass(eq=False)
class StoredMessage:
    """A message as Discord stores it (ephemeral ones included, flag 64)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    attachments: list[Attachment] = field(default_factory=list)
    allowed_mentions: JSON | None = None
    interaction_metadata: JSON | None = None
    interaction_legacy: JSON | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    message_reference: JSON | None = None
    timestamp: datetime = field(default_factory=utcnow)
    edited_timestamp: datetime | None = None
    deleted: bool = False
    history: list[JSON] = field(default_factory=list)
    mentions: list[User] = field(default_factory=list)
    delivered_at: float | None = None

    # -- views for tests

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & limits.FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & limits.FLAG_LOADING)

    @property
    def edit_count(self) -> int:
        return len(self.history)

    @property
    def embed(self) -> JSON | None:
        return self.embeds[0] if self.embeds else None

    @property
    def text(self) -> str:
        """Content plus every embed's and text display's text, for loose assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for f in embed.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
            parts.append((embed.get("author") or {}).get("name") or "")
        parts += [c.get("content") or "" for c in self.walk_components() if c.get("type") == 10]
        return "\n".join(p for p in parts if p)

    def walk_components(self) -> Iterator[JSON]:
        def walk(items: Any) -> Iterator[JSON]:
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    yield item
                    yield from walk(item.get("components"))
                    for key in ("accessory", "component"):
                        if isinstance(item.get(key), dict):
                            yield from walk([item[key]])

        return walk(self.components)

    def buttons(self) -> list[JSON]:
        return [c for c in self.walk_components() if c.get("type") == 2]

    def custom_ids(self) -> list[str]:
        return [
            c["custom_id"] for c in self.walk_components() if isinstance(c.get("custom_id"), str)
        ]

    def component(self, custom_id: str) -> JSON | None:
        for c in self.walk_components():
            if c.get("custom_id") == custom_id:
                return c
        return None

    def button(self, label: str) -> JSON:
        for c in self.buttons():
            if c.get("label") == label:
                return c
        raise KeyError(
            f"no button labelled {label!r}; buttons: {[b.get('label') for b in self.buttons()]}"
        )

    def pings(self) -> list[str]:
        """Who this message would notify, per Discord's allowed_mentions rules.

        Returns entries like ``"user:123"``, ``"role:456"``, ``"everyone"``, ``"replied_user"``.
        With no ``allowed_mentions`` Discord parses everything in the content.
        """
        allowed = self.allowed_mentions
        if allowed is None:
            parse = {"users", "roles", "everyone"}
            users: set[str] = set()
            roles: set[str] = set()
            replied = True
        else:
            parse = set(allowed.get("parse") or [])
            users = {str(u) for u in allowed.get("users") or []}
            roles = {str(r) for r in allowed.get("roles") or []}
            replied = bool(allowed.get("replied_user", False))
        found: list[str] = []
        for uid in dict.fromkeys(_USER_MENTION.findall(self.content)):
            if "users" in parse or uid in users:
                found.append(f"user:{uid}")
        for rid in dict.fromkeys(_ROLE_MENTION.findall(self.content)):
            if "roles" in parse or rid in roles:
                found.append(f"role:{rid}")
        if ("@everyone" in self.content or "@here" in self.content) and "everyone" in parse:
            found.append("everyone")
        if self.message_reference is not None and replied:
            found.append("replied_user")
        return found

    def assert_no_pings(self) -> None:
        pings = self.pings()
        if pings:
            raise AssertionError(
                f"message {self.id} would ping {pings} "
                f"(allowed_mentions={self.allowed_mentions!r}, "
                f"content={self.content[:200]!r})"
            )

    # -- wire format

    def payload(self) -> JSON:
        mentioned = [u.payload() for u in self.mentions]
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "channel_id": str(self.channel_id),
            "content": self.content,
            "author": self.author.payload(),
            "attachments": [a.payload() for a in self.attachments],
            "embeds": [dict(e) for e in self.embeds],
            "components": self.components,
            "mentions": mentioned,
            "mention_roles": list(dict.fromkeys(_ROLE_MENTION.findall(self.content))),
            "mention_everyone": "everyone" in self.pings(),
            "pinned": False,
            "tts": False,
            "timestamp": iso(self.timestamp),
            "edited_timestamp": iso(self.edited_timestamp) if self.edited_timestamp else None,
            "flags": self.flags,
        }
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.interaction_legacy is not None:
            data["interaction"] = self.interaction_legacy
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        return data


# ----------------------------------------------------------------------------------------------
# Commands, interactions, requests, violations


@dataclass(eq=False)
class Callback:
    """One attempt by the bot to answer an interaction (accepted or refused)."""

    type: int | None
    data: JSON | None
    status: int
    code: int | None
    at: float
    elapsed: float
    with_response: bool
    delivered_at: float | None = None

    @property
    def accepted(self) -> bool:
        return self.status < 300

    @property
    def ephemeral(self) -> bool:
        return bool(((self.data or {}).get("flags") or 0) & limits.FLAG_EPHEMERAL)


@dataclass(eq=False)
class InteractionRecord:
    id: int
    token: str
    type: int
    payload: JSON
    guild: Guild
    channel: Channel
    member: Member
    dispatched_at: float
    command_name: str | None = None
    message_id: int | None = None  # the message a component/modal interaction came from
    callbacks: list[Callback] = field(default_factory=list)
    response_type: int | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal: JSON | None = None
    choices: list[JSON] | None = None

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None


@dataclass(eq=False)
class UploadedFile:
    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass(eq=False)
class RecordedRequest:
    method: str
    path: str  # relative to the API base, e.g. "/channels/1/messages"
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[UploadedFile]
    at: float
    status: int | None = None
    response: Any = None
    injected: bool = False
    known_route: bool = True


@dataclass(eq=False)
class Violation:
    """Something real Discord would have refused (or that a test should know about)."""

    kind: str  # "limits", "empty_message", "interaction_expired", "already_acknowledged", ...
    method: str
    path: str
    message: str
    errors: JSON | None = None
    body: Any = None
    at: float = field(default_factory=time.monotonic)

    def __str__(self) -> str:
        extra = f" errors={self.errors}" if self.errors else ""
        return f"[{self.kind}] {self.method} {self.path}: {self.message}{extra}"


Emitter = Callable[[str, JSON, int], None]


class World:
    """All state of one fake Discord."""

    def __init__(self, *, bot_name: str = "LalaBot") -> None:
        self.ids = Snowflakes()
        self.notifier = Notifier()
        self.bot = User(self.ids.next(), bot_name, bot=True)
        self.application_id = self.bot.id
        self.application_flags = 0
        self.owner_user = User(self.ids.next(), "app-owner")
        self.users: dict[int, User] = {self.bot.id: self.bot, self.owner_user.id: self.owner_user}
        self.guilds: list[Guild] = []
        self.messages: dict[int, StoredMessage] = {}
        self.global_commands: dict[int, JSON] = {}
        self.guild_commands: dict[int, dict[int, JSON]] = {}
        self.command_syncs: list[tuple[int | None, list[JSON]]] = []
        self.interactions: dict[int, InteractionRecord] = {}
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.presence_updates: list[JSON] = []
        self.reactions: dict[int, list[str]] = {}
        self.attachment_base = ""
        self._emitter: Emitter | None = None

    # -- plumbing

    def changed(self) -> None:
        self.notifier.notify()

    def set_emitter(self, emitter: Emitter | None) -> None:
        self._emitter = emitter

    def emit(self, event: str, data: JSON, *, intent: int = 0) -> None:
        """Dispatch a gateway event if a client is identified (used for changes after setup)."""
        if self._emitter is not None:
            self._emitter(event, data, intent)
        self.changed()

    def violate(self, violation: Violation) -> None:
        self.violations.append(violation)
        self.changed()

    # -- people and places

    def add_user(self, username: str, *, global_name: str | None = None, bot: bool = False) -> User:
        user = User(self.ids.next(), username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, *, owner: str = "owner", locale: str = "en-US") -> Guild:
        guild = Guild(self.ids.next(), self, name, locale=locale)
        guild.roles.append(Role(guild.id, guild, "@everyone", DEFAULT_EVERYONE_PERMISSIONS))
        bot_role = Role(
            self.ids.next(),
            guild,
            self.bot.username,
            DEFAULT_BOT_PERMISSIONS,
            position=1,
            managed=True,
            bot_id=self.bot.id,
        )
        guild.roles.append(bot_role)
        owner_user = self.add_user(owner)
        guild.owner_id = owner_user.id
        guild.members.append(Member(owner_user, guild))
        guild.members.append(Member(self.bot, guild, [bot_role]))
        self.guilds.append(guild)
        if self._emitter is not None:
            self._emitter("GUILD_CREATE", guild.payload(), INTENT_GUILDS)
        self.changed()
        return guild

    def guild(self, guild_id: int) -> Guild | None:
        for guild in self.guilds:
            if guild.id == guild_id:
                return guild
        return None

    def channel(self, channel_id: int) -> Channel | None:
        for guild in self.guilds:
            for channel in guild.channels:
                if channel.id == channel_id:
                    return channel
        return None

    # -- messages

    def create_message(self, channel: Channel, author: User, **fields: Any) -> StoredMessage:
        message = StoredMessage(self.ids.next(), channel.id, channel.guild.id, author, **fields)
        self.messages[message.id] = message
        self.index_mentions(message)
        self.changed()
        return message

    def index_mentions(self, message: StoredMessage) -> None:
        ids = dict.fromkeys(int(u) for u in _USER_MENTION.findall(message.content))
        message.mentions = [self.users[u] for u in ids if u in self.users]

    def channel_messages(
        self,
        channel_id: int | None = None,
        *,
        include_ephemeral: bool = True,
        include_deleted: bool = False,
    ) -> list[StoredMessage]:
        return [
            m
            for m in self.messages.values()
            if (channel_id is None or m.channel_id == channel_id)
            and (include_ephemeral or not m.ephemeral)
            and (include_deleted or not m.deleted)
        ]

    def make_attachments(
        self,
        channel_id: int,
        files: Sequence[UploadedFile],
        described: Mapping[int, JSON] | None = None,
    ) -> list[Attachment]:
        made = []
        for index, upload in enumerate(files):
            spec = (described or {}).get(index, {})
            attachment_id = self.ids.next()
            filename = str(spec.get("filename") or upload.filename)
            made.append(
                Attachment(
                    attachment_id,
                    filename,
                    upload.data,
                    upload.content_type,
                    spec.get("description"),
                    f"{self.attachment_base}/attachments/{channel_id}/{attachment_id}/{filename}",
                )
            )
        return made

    # -- commands

    def commands(self, guild_id: int | None = None) -> list[JSON]:
        scope = self.global_commands if guild_id is None else self.guild_commands.get(guild_id, {})
        return list(scope.values())

    def find_command(self, name: str, guild_id: int) -> JSON | None:
        for scope in (self.guild_commands.get(guild_id, {}), self.global_commands):
            for command in scope.values():
                if command.get("name") == name and command.get("type", 1) == 1:
                    return command
        return None

    def overwrite_commands(self, guild_id: int | None, bodies: list[JSON]) -> list[JSON]:
        scope = (
            self.global_commands
            if guild_id is None
            else self.guild_commands.setdefault(guild_id, {})
        )
        by_name = {(c.get("type", 1), c["name"]): c for c in scope.values()}
        new: dict[int, JSON] = {}
        for body in bodies:
            existing = by_name.get((body.get("type", 1), body["name"]))
            command = self.make_command(guild_id, body, existing["id"] if existing else None)
            new[int(command["id"])] = command
        scope.clear()
        scope.update(new)
        self.command_syncs.append((guild_id, list(new.values())))
        self.changed()
        return list(new.values())

    def make_command(
        self, guild_id: int | None, body: Mapping[str, Any], command_id: str | None = None
    ) -> JSON:
        command: JSON = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            "name_localizations": None,
            "description_localizations": None,
            "dm_permission": True,
        }
        command.update(body)
        command["id"] = command_id or str(self.ids.next())
        command["application_id"] = str(self.application_id)
        command["version"] = str(self.ids.next())
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        return command

    # -- interactions

    def new_interaction_token(self) -> str:
        return "fake_" + secrets.token_urlsafe(48)

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        for record in self.interactions.values():
            if record.token == token:
                return record
        return None
