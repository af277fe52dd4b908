"""The fake gateway: HELLO, heartbeats, IDENTIFY/READY/GUILD_CREATE, RESUME, dispatches.

Frames are plain JSON text whatever compression the client asked for (discord.py only runs its
zlib/zstd decompressor on binary frames). Every dispatch of a session is kept so that a RESUME
can replay what the client missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .state import JSON, PRIVILEGED_INTENTS, World

log = logging.getLogger(__name__)

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_DISALLOWED_INTENTS = 4014


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    events: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, event name, frame)
    connection: Connection | None = None
    valid: bool = True


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    path: str
    query: dict[str, str]
    opened_at: float
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    session: Session | None = None
    received: list[JSON] = field(default_factory=list)
    closed: bool = False


class Gateway:
    def __init__(
        self,
        world: World,
        *,
        token: str | None,
        heartbeat_interval: int = 41250,
        allowed_intents: int | None = None,
    ) -> None:
        self.world = world
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.allowed_intents = allowed_intents
        self.resume_url = ""
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.connections: list[Connection] = []
        self.identify_count = 0
        self.resume_count = 0
        self.ready_count = 0
        self.received: list[JSON] = []
        world.set_emitter(self._emit_after_setup)

    # -- state for the driver

    @property
    def connected(self) -> bool:
        return self.current is not None and self.current.connection is not None

    def live_connections(self) -> list[Connection]:
        return [c for c in self.connections if not c.closed]

    # -- dispatching

    def dispatch(self, event: str, data: JSON) -> int:
        """Queue a dispatch on the current session (sent now if connected, else on RESUME)."""
        session = self.current
        if session is None:
            raise RuntimeError(
                f"cannot dispatch {event}: no client has identified with the fake gateway"
            )
        return self._dispatch(session, event, data)

    def _dispatch(self, session: Session, event: str, data: JSON) -> int:
        session.seq += 1
        frame = json.dumps({"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data})
        session.events.append((session.seq, event, frame))
        if session.connection is not None:
            session.connection.queue.put_nowait(frame)
        return session.seq

    def _emit_after_setup(self, event: str, data: JSON, intent: int) -> None:
        session = self.current
        if session is None or not session.valid:
            return
        if intent and not session.intents & intent:
            return
        self._dispatch(session, event, data)

    @staticmethod
    def _send(conn: Connection, op: int, data: Any) -> None:
        conn.queue.put_nowait(json.dumps({"op": op, "t": None, "s": None, "d": data}))

    # -- faults

    async def drop(self, code: int = 4000) -> None:
        """Close the live connection(s) with ``code``; the session stays resumable."""
        for conn in self.live_connections():
            await self._close(conn, code)

    def request_reconnect(self) -> None:
        """Send op 7 RECONNECT (the client closes and RESUMEs)."""
        for conn in self.live_connections():
            self._send(conn, OP_RECONNECT, None)

    def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; with ``resumable=False`` the client must IDENTIFY again."""
        for conn in self.live_connections():
            if conn.session is not None and not resumable:
                conn.session.valid = False
            self._send(conn, OP_INVALID_SESSION, resumable)

    async def close_all(self) -> None:
        for conn in self.live_connections():
            await self._close(conn, 1001)

    async def _close(self, conn: Connection, code: int) -> None:
        conn.closed = True
        conn.queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await conn.ws.close(code=code)

    # -- the websocket handler

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(
            timeout=2.0, autoping=True, heartbeat=None, max_msg_size=16 * 1024 * 1024
        )
        await ws.prepare(request)
        conn = Connection(ws, request.path, dict(request.query), time.monotonic())
        self.connections.append(conn)
        writer = asyncio.create_task(self._writer(conn), name="fakediscord-gateway-writer")
        self._send(
            conn,
            OP_HELLO,
            {"heartbeat_interval": self.heartbeat_interval, "_trace": ["fake-gateway"]},
        )
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(conn, msg.data)
                elif msg.type is WSMsgType.BINARY:
                    await self._close(conn, CLOSE_DECODE_ERROR)
                elif msg.type is WSMsgType.ERROR:
                    break
                if conn.closed:
                    break
        finally:
            conn.closed = True
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            conn.queue.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            self.world.changed()
        return ws

    async def _writer(self, conn: Connection) -> None:
        while True:
            frame = await conn.queue.get()
            if frame is None or conn.ws.closed:
                return
            try:
                await conn.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return

    async def _on_frame(self, conn: Connection, raw: str) -> None:
        try:
            frame = json.loads(raw)
            op = frame["op"]
            data = frame.get("d")
        except (ValueError, KeyError, TypeError):
            await self._close(conn, CLOSE_DECODE_ERROR)
            return
        conn.received.append(frame)
        self.received.append(frame)
        if op == OP_HEARTBEAT:
            self._send(conn, OP_HEARTBEAT_ACK, None)
        elif op == OP_IDENTIFY:
            await self._identify(conn, data)
        elif op == OP_RESUME:
            await self._resume(conn, data)
        elif op == OP_PRESENCE_UPDATE:
            self.world.presence_updates.append(data)
        elif op == OP_VOICE_STATE_UPDATE:
            pass
        elif op == OP_REQUEST_GUILD_MEMBERS:
            self._members_chunk(conn, data)
        else:
            await self._close(conn, CLOSE_UNKNOWN_OPCODE)
        self.world.changed()

    async def _identify(self, conn: Connection, data: JSON) -> None:
        if conn.session is not None:
            await self._close(conn, CLOSE_ALREADY_AUTHENTICATED)
            return
        if self.token is not None and data.get("token") != self.token:
            await self._close(conn, CLOSE_AUTHENTICATION_FAILED)
            return
        intents = int(data.get("intents") or 0)
        if (
            self.allowed_intents is not None
            and intents & PRIVILEGED_INTENTS & ~self.allowed_intents
        ):
            await self._close(conn, CLOSE_DISALLOWED_INTENTS)
            return
        shard = data.get("shard")
        session = Session(secrets.token_hex(16), intents, shard)
        self.sessions[session.id] = session
        if self.current is not None:
            self.current.valid = False
        self.current = session
        session.connection = conn
        conn.session = session
        self.identify_count += 1
        world = self.world
        user = world.bot.payload()
        user.update({"verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"})
        ready: JSON = {
            "v": 10,
            "user": user,
            "user_settings": {},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in world.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_url,
            "application": {"id": str(world.application_id), "flags": world.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
            "_trace": ["fake-gateway"],
        }
        if shard is not None:
            ready["shard"] = shard
        self._dispatch(session, "READY", ready)
        for guild in world.guilds:
            self._dispatch(session, "GUILD_CREATE", guild.payload(intents=intents))
        self.ready_count += 1

    async def _resume(self, conn: Connection, data: JSON) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        token_ok = self.token is None or data.get("token") == self.token
        if session is None or not session.valid or not token_ok or conn.session is not None:
            self._send(conn, OP_INVALID_SESSION, False)
            return
        if session.connection is not None and session.connection is not conn:
            await self._close(session.connection, 4000)
        session.connection = conn
        conn.session = session
        self.current = session
        client_seq = data.get("seq") or 0
        for seq, _event, frame in session.events:
            if seq > client_seq:
                conn.queue.put_nowait(frame)
        self.resume_count += 1
        self._dispatch(session, "RESUMED", {"_trace": ["fake-gateway"]})

    def _members_chunk(self, conn: Connection, data: JSON) -> None:
        session = conn.session
        if session is None:
            return
        guild = self.world.guild(int(data.get("guild_id", 0)))
        if guild is None:
            return
        query = str(data.get("query") or "").lower()
        limit = int(data.get("limit") or 0) or len(guild.members)
        user_ids = {int(u) for u in data.get("user_ids") or []}
        members = [
            m
            for m in guild.members
            if (not user_ids or m.id in user_ids) and m.user.username.lower().startswith(query)
        ][:limit]
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        self._dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)
