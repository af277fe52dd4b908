"""Point the unmodified discord.py library at a fake (and back)."""

from __future__ import annotations

from types import TracebackType

import discord.gateway
import discord.http
import yarl

from .server import FakeDiscord


class PointedAt:
    """Returned by :func:`point_discord_py_at`: call it (or leave the ``with``) to restore."""

    def __init__(self, api_url: str, gateway_url: str) -> None:
        self._old_base = discord.http.Route.BASE
        self._old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = api_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        self._restored = False

    def restore(self) -> None:
        if not self._restored:
            discord.http.Route.BASE = self._old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._old_gateway
            self._restored = True

    __call__ = restore

    def __enter__(self) -> PointedAt:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.restore()


def point_discord_py_at(fake: FakeDiscord) -> PointedAt:
    """Set ``discord.http.Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` to the fake's
    URLs (call before ``login``); the result restores them."""
    return PointedAt(fake.api_url, fake.gateway_url)
