"""FakeDiscord: one aiohttp server on 127.0.0.1 (port 0) speaking Discord's gateway and REST.

Usage (pytest-free)::

    fake = FakeDiscord()
    guild = fake.add_guild("La La Land Fans")
    trivia = guild.add_channel("trivia")
    mia = guild.add_member("mia")
    await fake.start()
    ...  # point a client at fake.api_url / fake.gateway_url, log in with fake.token
    await fake.wait_ready()
    handle = await fake.invoke("ping", member=mia, channel=trivia)
    callback = await handle.response()
    await fake.close()
    fake.assert_no_violations()
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable

from aiohttp import web

from .driver import Driver
from .gateway import Gateway, Session
from .rest import Injection, Rest
from .state import JSON, Guild, RecordedRequest, User, Violation, World

DEFAULT_TOKEN = "fake-bot-token.for.tests"


class FakeDiscord(Driver):
    def __init__(
        self,
        *,
        token: str | None = DEFAULT_TOKEN,
        bot_name: str = "LalaBot",
        interaction_deadline: float = 3.0,
        heartbeat_interval: int = 41250,
        allowed_intents: int | None = None,
        click_settle: float = 0.05,
    ) -> None:
        """``token``: what the client must log in with (``None`` accepts any).
        ``allowed_intents``: privileged intents the "portal" enabled (``None``: all);
        identifying with others closes the gateway with 4014 like Discord.
        ``click_settle``: pause after the reply that carried a view before a click is sent."""
        self.token = token
        self.world = World(bot_name=bot_name)
        self.gateway = Gateway(
            self.world,
            token=token,
            heartbeat_interval=heartbeat_interval,
            allowed_intents=allowed_intents,
        )
        self.rest = Rest(self.world, self.gateway, token=token)
        self.rest.interaction_deadline = interaction_deadline
        self.click_settle = click_settle
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._socket: socket.socket | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway-resume"

    async def start(self) -> FakeDiscord:
        if self._runner is not None:
            raise RuntimeError("already started")
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway-resume", self.gateway.handle)
        app.router.add_get(
            "/attachments/{channel_id}/{attachment_id}/{filename}", self.rest.attachment
        )
        app.router.add_route("*", "/{tail:.*}", self.rest.handle)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        self.port = sock.getsockname()[1]
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self.gateway.resume_url = self.resume_gateway_url
        self.rest.gateway_url = self.gateway_url
        self.world.attachment_base = self.base_url
        return self

    async def close(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def env(self) -> dict[str, str]:
        """Environment for a bot subprocess pointed at this fake."""
        env = {
            "LALABOT_DISCORD_API_URL": self.api_url,
            "LALABOT_DISCORD_GATEWAY_URL": self.gateway_url,
        }
        if self.token is not None:
            env["DISCORD_TOKEN"] = self.token
        if self.world.guilds:
            env["LALABOT_DEV_GUILD_ID"] = str(self.world.guilds[0].id)
        return env

    # ------------------------------------------------------------------ world setup

    def add_guild(self, name: str, *, owner: str = "owner", locale: str = "en-US") -> Guild:
        """A guild with @everyone, the bot (with its managed role) and an owner member.
        Added after the client connected, it arrives as GUILD_CREATE (a join)."""
        return self.world.add_guild(name, owner=owner, locale=locale)

    @property
    def guilds(self) -> list[Guild]:
        return self.world.guilds

    @property
    def guild(self) -> Guild:
        if not self.world.guilds:
            raise LookupError("no guild; call fake.add_guild() first")
        return self.world.guilds[0]

    @property
    def bot(self) -> User:
        return self.world.bot

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def interaction_deadline(self) -> float:
        return self.rest.interaction_deadline

    @interaction_deadline.setter
    def interaction_deadline(self, seconds: float) -> None:
        self.rest.interaction_deadline = seconds

    # ------------------------------------------------------------------ records

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.world.requests

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        pattern = re.compile(path_regex)
        return [
            r for r in self.world.requests if method in ("*", r.method) and pattern.search(r.path)
        ]

    def commands(self, guild: Guild | None = None) -> list[JSON]:
        return self.world.commands(None if guild is None else guild.id)

    def take_violations(self, kind: str | None = None) -> list[Violation]:
        """Remove and return recorded violations (of one ``kind``), for tests provoking them."""
        taken = [v for v in self.world.violations if kind is None or v.kind == kind]
        self.world.violations[:] = [v for v in self.world.violations if v not in taken]
        return taken

    def assert_no_violations(self, *, allow: Iterable[str] = ()) -> None:
        allowed = set(allow)
        found = [v for v in self.world.violations if v.kind not in allowed]
        if found:
            listing = "\n  ".join(str(v) for v in found)
            raise AssertionError(
                f"the bot did {len(found)} thing(s) Discord would refuse:\n  {listing}"
            )

    # ------------------------------------------------------------------ faults

    def inject(
        self,
        method: str,
        path_regex: str,
        status: int,
        times: int = 1,
        retry_after: float = 0.05,
        *,
        is_global: bool = False,
    ) -> Injection:
        """Answer the next ``times`` requests whose method matches (``"*"`` for any) and whose
        path (relative to /api/v10, e.g. ``/channels/1/messages``) matches ``path_regex``
        (``re.search``) with ``status``: 429 as Discord rate limits, or 5xx."""
        return self.rest.inject(
            method, path_regex, status, times=times, retry_after=retry_after, is_global=is_global
        )

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the gateway connection (resumable): the client reconnects and RESUMEs."""
        await self.gateway.drop(code)

    def request_reconnect(self) -> None:
        """Send op 7 RECONNECT."""
        self.gateway.request_reconnect()

    def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION: the client must IDENTIFY again (unless resumable)."""
        self.gateway.invalidate_session(resumable=resumable)

    # ------------------------------------------------------------------ gateway waits

    async def wait_ready(self, timeout: float = 5.0) -> Session:  # noqa: ASYNC109
        """Wait until a client has identified and got READY plus its GUILD_CREATEs."""

        def check() -> Session | None:
            session = self.gateway.current
            return session if session is not None and session.connection is not None else None

        return await self.world.notifier.wait_for(check, timeout, lambda: "a client to IDENTIFY")

    async def wait_identified(self, count: int, timeout: float = 5.0) -> Session:  # noqa: ASYNC109
        await self.world.notifier.wait_for(
            lambda: self.gateway.identify_count >= count or None,
            timeout,
            lambda: f"IDENTIFY #{count} (seen {self.gateway.identify_count})",
        )
        return await self.wait_ready(timeout)

    async def wait_resumed(self, count: int = 1, timeout: float = 5.0) -> Session:  # noqa: ASYNC109
        await self.world.notifier.wait_for(
            lambda: self.gateway.resume_count >= count or None,
            timeout,
            lambda: f"RESUME #{count} (seen {self.gateway.resume_count})",
        )
        return await self.wait_ready(timeout)

    async def wait_commands_synced(
        self,
        names: Iterable[str] | None = None,
        *,
        guild: Guild | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Wait for a bulk overwrite of commands (global, or ``guild``'s) including ``names``."""
        wanted = set(names or [])
        scope = None if guild is None else guild.id

        def check() -> list[JSON] | None:
            for synced_scope, _commands in reversed(self.world.command_syncs):
                if synced_scope != scope:
                    continue
                current = self.world.commands(scope)
                if wanted <= {c["name"] for c in current}:
                    return current
                return None
            return None

        return await self.world.notifier.wait_for(
            check,
            timeout,
            lambda: (
                f"commands {sorted(wanted)} to be synced ({'global' if scope is None else scope})"
            ),
        )
