"""The fake REST API: the routes a discord.py bot uses, with Discord's refusals and faults.

Every request is recorded (:class:`~.state.RecordedRequest`). Every refusal real Discord would
make because the bot did something wrong (limits, late or repeated interaction callbacks,
unknown routes, missing permissions ...) is also recorded as a :class:`~.state.Violation`.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from . import limits
from .gateway import Gateway
from .state import (
    ATTACH_FILES,
    INTENT_GUILD_MESSAGES,
    JSON,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Callback,
    Channel,
    InteractionRecord,
    RecordedRequest,
    StoredMessage,
    UploadedFile,
    Violation,
    World,
    utcnow,
)

API_PREFIX = re.compile(r"^/api/v(\d+)(/.*)?$")
JSON_HEADERS = {"Content-Type": "application/json"}
INTERACTION_TOKEN_LIFETIME = 15 * 60.0

CHANNEL_FLAGS = (
    limits.FLAG_SUPPRESS_EMBEDS | limits.FLAG_SUPPRESS_NOTIFICATIONS | limits.FLAG_COMPONENTS_V2
)
INTERACTION_FLAGS = CHANNEL_FLAGS | limits.FLAG_EPHEMERAL


class Refusal(Exception):
    """Raised by a handler: answer ``status`` with ``body``; record a violation if ``kind``."""

    def __init__(self, status: int, body: JSON, kind: str | None = None) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body
        self.kind = kind


def error(status: int, code: int, message: str, kind: str | None = None) -> Refusal:
    return Refusal(status, {"message": message, "code": code}, kind)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """A response whose Content-Type is exactly ``application/json`` (discord.py compares it)."""
    if body is None:
        return web.Response(status=status, headers=headers)
    merged = dict(JSON_HEADERS)
    merged.update(headers or {})
    return web.Response(status=status, body=json.dumps(body).encode(), headers=merged)


@dataclass(eq=False)
class Injection:
    method: str
    pattern: re.Pattern[str]
    status: int
    remaining: int
    retry_after: float
    is_global: bool
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (
            self.remaining > 0 and self.method in ("*", method) and bool(self.pattern.search(path))
        )


@dataclass(eq=False)
class Ctx:
    request: web.Request
    record: RecordedRequest
    after_send: list[Callable[[], None]] = field(default_factory=list)

    @property
    def body(self) -> Any:
        return self.record.json

    @property
    def files(self) -> list[UploadedFile]:
        return self.record.files

    def json_body(self) -> JSON:
        body = self.record.json
        if not isinstance(body, dict):
            raise error(400, 50109, "The request body contains invalid JSON.", "bad_request")
        return body


Reply = tuple[int, Any]
Handler = Callable[..., Awaitable[Reply]]


class Rest:
    def __init__(self, world: World, gateway: Gateway, *, token: str | None) -> None:
        self.world = world
        self.gateway = gateway
        self.token = token
        self.gateway_url = ""
        self.interaction_deadline = 3.0
        self.injections: list[Injection] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []
        self._add_routes()

    # ------------------------------------------------------------------ routing

    def route(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, re.compile(f"^{pattern}$"), handler, auth))

    def _add_routes(self) -> None:
        r = self.route
        r("GET", "/users/@me", self.get_me)
        r("GET", "/users/{user_id}", self.get_user)
        r("GET", "/gateway", self.get_gateway, auth=False)
        r("GET", "/gateway/bot", self.get_gateway_bot)
        r("GET", "/oauth2/applications/@me", self.get_application)
        r("GET", "/applications/@me", self.get_application)
        for prefix in ("/applications/{app_id}", "/applications/{app_id}/guilds/{guild_id}"):
            r("GET", prefix + "/commands", self.list_commands)
            r("PUT", prefix + "/commands", self.overwrite_commands)
            r("POST", prefix + "/commands", self.upsert_command)
            r("GET", prefix + "/commands/{command_id}", self.get_command)
            r("PATCH", prefix + "/commands/{command_id}", self.edit_command)
            r("DELETE", prefix + "/commands/{command_id}", self.delete_command)
        r(
            "POST",
            "/interactions/{interaction_id}/{token}/callback",
            self.interaction_callback,
            auth=False,
        )
        r("POST", "/webhooks/{app_id}/{token}", self.create_followup, auth=False)
        r(
            "GET",
            "/webhooks/{app_id}/{token}/messages/{message_id}",
            self.get_webhook_message,
            auth=False,
        )
        r(
            "PATCH",
            "/webhooks/{app_id}/{token}/messages/{message_id}",
            self.edit_webhook_message,
            auth=False,
        )
        r(
            "DELETE",
            "/webhooks/{app_id}/{token}/messages/{message_id}",
            self.delete_webhook_message,
            auth=False,
        )
        r("GET", "/channels/{channel_id}", self.get_channel)
        r("POST", "/channels/{channel_id}/typing", self.typing)
        r("GET", "/channels/{channel_id}/messages", self.list_messages)
        r("POST", "/channels/{channel_id}/messages", self.create_message)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        reaction = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        r("PUT", reaction, self.add_reaction)
        r("DELETE", reaction, self.remove_reaction)
        r("GET", "/guilds/{guild_id}", self.get_guild)
        r("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self.get_guild_roles)
        r("GET", "/guilds/{guild_id}/members", self.list_members)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        match = API_PREFIX.match(request.path)
        path = (match.group(2) or "/") if match else request.path
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=dict(request.headers),
            json=None,
            files=[],
            at=time.monotonic(),
        )
        self.world.requests.append(record)
        ctx = Ctx(request, record)
        try:
            await self._read_body(ctx)
            status, body, headers = await self._answer(ctx, path if match else None)
        except Refusal as refusal:
            status, body, headers = refusal.status, refusal.body, {}
            if refusal.kind is not None:
                self.world.violate(
                    Violation(
                        refusal.kind,
                        request.method,
                        path,
                        str(refusal.body.get("message")),
                        refusal.body.get("errors"),
                        record.json,
                    )
                )
        record.status = status
        record.response = body
        self.world.changed()
        response = json_response(status, body, headers)
        await response.prepare(request)
        await response.write_eof()
        for callback in ctx.after_send:
            callback()
        if ctx.after_send:
            self.world.changed()
        return response

    async def _read_body(self, ctx: Ctx) -> None:
        request = ctx.request
        if not request.body_exists:
            return
        content_type = request.headers.get("Content-Type", "")
        if content_type.startswith("multipart/form-data"):
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                data = await part.read(decode=False)
                name = part.name or ""
                if name == "payload_json":
                    ctx.record.json = self._parse_json(bytes(data))
                else:
                    ctx.record.files.append(
                        UploadedFile(
                            name,
                            part.filename or name,
                            part.headers.get("Content-Type"),
                            bytes(data),
                        )
                    )
        else:
            raw = await request.read()
            if raw:
                ctx.record.json = self._parse_json(raw)

    @staticmethod
    def _parse_json(raw: bytes) -> Any:
        try:
            return json.loads(raw)
        except ValueError:
            raise error(
                400, 50109, "The request body contains invalid JSON.", "bad_request"
            ) from None

    async def _answer(self, ctx: Ctx, path: str | None) -> tuple[int, Any, dict[str, str]]:
        method = ctx.request.method
        if path is not None:
            injected = self._injected(method, path)
            if injected is not None:
                ctx.record.injected = True
                return injected
            for route_method, pattern, handler, auth in self._routes:
                found = pattern.match(path)
                if found is None or route_method != method:
                    continue
                if auth:
                    self._check_auth(ctx.request)
                status, body = await handler(ctx, **found.groupdict())
                return status, body, {}
        ctx.record.known_route = False
        self.world.violate(
            Violation(
                "unknown_route", method, path or ctx.request.path, "the fake has no such route"
            )
        )
        return 404, {"message": "404: Not Found", "code": 0}, {}

    def _check_auth(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bot ") or (
            self.token is not None and header != f"Bot {self.token}"
        ):
            raise error(401, 0, "401: Unauthorized", "unauthorized")

    # ------------------------------------------------------------------ fault injection

    def inject(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> Injection:
        injection = Injection(
            method.upper(), re.compile(path_regex), status, times, retry_after, is_global
        )
        self.injections.append(injection)
        return injection

    def _injected(self, method: str, path: str) -> tuple[int, Any, dict[str, str]] | None:
        for injection in self.injections:
            if not injection.matches(method, path):
                continue
            injection.remaining -= 1
            injection.hits += 1
            if injection.status == 429:
                retry = injection.retry_after
                headers = {
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, math.ceil(retry))),
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": f"{time.time() + retry:.3f}",
                    "X-RateLimit-Reset-After": f"{retry:.3f}",
                    "X-RateLimit-Bucket": "fakebucket"
                    + re.sub(r"\W", "", injection.pattern.pattern)[:20],
                    "X-RateLimit-Scope": "global" if injection.is_global else "user",
                }
                if injection.is_global:
                    headers["X-RateLimit-Global"] = "true"
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": retry,
                    "global": injection.is_global,
                }
                return 429, body, headers
            reason = {
                500: "Internal Server Error",
                502: "Bad Gateway",
                503: "Service Unavailable",
                504: "Gateway Timeout",
            }.get(injection.status, "Error")
            return injection.status, {"message": f"{injection.status}: {reason}", "code": 0}, {}
        return None

    # ------------------------------------------------------------------ users, gateway, app

    async def get_me(self, ctx: Ctx) -> Reply:
        user = self.world.bot.payload()
        user.update(
            {"verified": True, "mfa_enabled": False, "email": None, "locale": "en-US", "bio": ""}
        )
        return 200, user

    async def get_user(self, ctx: Ctx, user_id: str) -> Reply:
        user = self.world.users.get(_int(user_id))
        if user is None:
            raise error(404, 10013, "Unknown User")
        return 200, user.payload()

    async def get_gateway(self, ctx: Ctx) -> Reply:
        return 200, {"url": self.gateway_url}

    async def get_gateway_bot(self, ctx: Ctx) -> Reply:
        return 200, {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14400000,
                "max_concurrency": 1,
            },
        }

    async def get_application(self, ctx: Ctx) -> Reply:
        world = self.world
        bot = world.bot.payload()
        return 200, {
            "id": str(world.application_id),
            "name": world.bot.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": world.application_flags,
            "owner": world.owner_user.payload(),
            "team": None,
            "bot": bot,
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "tags": [],
            "install_params": None,
            "integration_types_config": {"0": {}},
            "approximate_guild_count": len(world.guilds),
            "redirect_uris": [],
        }

    # ------------------------------------------------------------------ commands

    def _command_scope(self, app_id: str, guild_id: str | None) -> int | None:
        if _int(app_id) != self.world.application_id:
            raise error(403, 50001, "Missing Access", "wrong_application")
        if guild_id is None:
            return None
        guild = self.world.guild(_int(guild_id))
        if guild is None:
            raise error(403, 50001, "Missing Access", "unknown_guild")
        return guild.id

    def _scope_dict(self, guild_id: int | None) -> dict[int, JSON]:
        if guild_id is None:
            return self.world.global_commands
        return self.world.guild_commands.setdefault(guild_id, {})

    async def list_commands(self, ctx: Ctx, app_id: str, guild_id: str | None = None) -> Reply:
        return 200, self.world.commands(self._command_scope(app_id, guild_id))

    async def overwrite_commands(self, ctx: Ctx, app_id: str, guild_id: str | None = None) -> Reply:
        scope = self._command_scope(app_id, guild_id)
        body = ctx.body
        problems = limits.check_commands(body)
        if problems:
            raise Refusal(400, limits.invalid_form_body(problems), "limits")
        return 200, self.world.overwrite_commands(scope, body)

    async def upsert_command(self, ctx: Ctx, app_id: str, guild_id: str | None = None) -> Reply:
        scope = self._command_scope(app_id, guild_id)
        body = ctx.json_body()
        problems = limits.check_command(body)
        if problems:
            raise Refusal(400, limits.invalid_form_body(problems), "limits")
        commands = self._scope_dict(scope)
        for command_id, existing in commands.items():
            if existing["name"] == body.get("name") and existing.get("type", 1) == body.get(
                "type", 1
            ):
                command = self.world.make_command(scope, body, existing["id"])
                commands[command_id] = command
                self.world.changed()
                return 200, command
        command = self.world.make_command(scope, body)
        commands[int(command["id"])] = command
        self.world.changed()
        return 201, command

    def _command(self, scope: int | None, command_id: str) -> JSON:
        command = self._scope_dict(scope).get(_int(command_id))
        if command is None:
            raise error(404, 10063, "Unknown application command")
        return command

    async def get_command(
        self, ctx: Ctx, app_id: str, command_id: str, guild_id: str | None = None
    ) -> Reply:
        return 200, self._command(self._command_scope(app_id, guild_id), command_id)

    async def edit_command(
        self, ctx: Ctx, app_id: str, command_id: str, guild_id: str | None = None
    ) -> Reply:
        scope = self._command_scope(app_id, guild_id)
        command = self._command(scope, command_id)
        merged = {**command, **ctx.json_body()}
        problems = limits.check_command(merged)
        if problems:
            raise Refusal(400, limits.invalid_form_body(problems), "limits")
        command.update(ctx.json_body())
        self.world.changed()
        return 200, command

    async def delete_command(
        self, ctx: Ctx, app_id: str, command_id: str, guild_id: str | None = None
    ) -> Reply:
        scope = self._command_scope(app_id, guild_id)
        self._command(scope, command_id)
        del self._scope_dict(scope)[_int(command_id)]
        self.world.changed()
        return 204, None

    # ------------------------------------------------------------------ message helpers

    def _validate(
        self,
        data: JSON,
        files: Sequence[UploadedFile],
        prefix: tuple[str, ...] = (),
        flags: int | None = None,
    ) -> None:
        checked = data
        if flags is not None and "flags" not in data:
            checked = {**data, "flags": flags}
        problems = limits.check_message(checked, files=[len(f.data) for f in files])
        if problems:
            raise Refusal(
                400, limits.invalid_form_body(limits.prefixed(problems, *prefix)), "limits"
            )

    @staticmethod
    def _is_empty(
        content: str, embeds: list[JSON], components: list[JSON], attachments: int, data: JSON
    ) -> bool:
        return not (
            content.strip()
            or embeds
            or components
            or attachments
            or data.get("sticker_ids")
            or data.get("poll")
        )

    def _described_files(self, data: JSON, files: Sequence[UploadedFile]) -> dict[int, JSON]:
        described: dict[int, JSON] = {}
        for spec in data.get("attachments") or []:
            if isinstance(spec, dict) and isinstance(spec.get("id"), int | str):
                index = _int(str(spec["id"]))
                if 0 <= index < len(files):
                    described[index] = spec
        return described

    def _new_message(
        self,
        channel: Channel,
        data: JSON,
        files: Sequence[UploadedFile],
        *,
        allowed_flags: int,
        prefix: tuple[str, ...] = (),
        **extra: Any,
    ) -> StoredMessage:
        self._validate(data, files, prefix)
        content = data.get("content") or ""
        if not isinstance(content, str):
            content = str(content)
        embeds = list(data.get("embeds") or [])
        components = list(data.get("components") or [])
        if self._is_empty(content, embeds, components, len(files), data):
            raise error(400, 50006, "Cannot send an empty message", "empty_message")
        flags = (data.get("flags") or 0) & allowed_flags
        flags |= extra.pop("extra_flags", 0)
        attachments = self.world.make_attachments(
            channel.id, files, self._described_files(data, files)
        )
        message = self.world.create_message(
            channel,
            self.world.bot,
            content=content,
            embeds=embeds,
            components=components,
            flags=flags,
            attachments=attachments,
            allowed_mentions=data.get("allowed_mentions"),
            **extra,
        )
        self._emit_message("MESSAGE_CREATE", message, channel)
        return message

    def _edit(
        self,
        message: StoredMessage,
        data: JSON,
        files: Sequence[UploadedFile],
        *,
        prefix: tuple[str, ...] = (),
        finish_loading: bool = False,
    ) -> StoredMessage:
        self._validate(data, files, prefix, flags=message.flags)
        content = message.content
        if "content" in data:
            content = data["content"] if isinstance(data["content"], str) else ""
        embeds = list(data["embeds"] or []) if "embeds" in data else message.embeds
        components = list(data["components"] or []) if "components" in data else message.components
        flags = message.flags
        if isinstance(data.get("flags"), int):
            new = data["flags"]
            flags = (flags & ~limits.FLAG_SUPPRESS_EMBEDS) | (new & limits.FLAG_SUPPRESS_EMBEDS)
            flags |= new & limits.FLAG_COMPONENTS_V2
        if finish_loading:
            flags &= ~limits.FLAG_LOADING
        attachments = message.attachments
        if "attachments" in data:
            keep_ids = {str(a.get("id")) for a in data["attachments"] or [] if isinstance(a, dict)}
            attachments = [a for a in message.attachments if str(a.id) in keep_ids]
            attachments += self.world.make_attachments(
                message.channel_id, files, self._described_files(data, files)
            )
        elif files:
            attachments = attachments + self.world.make_attachments(message.channel_id, files)
        if self._is_empty(content, embeds, components, len(attachments), data):
            raise error(400, 50006, "Cannot send an empty message", "empty_message")
        message.history.append(message.payload())
        message.content = content
        message.embeds = embeds
        message.components = components
        message.flags = flags
        message.attachments = attachments
        if "allowed_mentions" in data:
            message.allowed_mentions = data["allowed_mentions"]
        message.edited_timestamp = utcnow()
        self.world.index_mentions(message)
        self.world.changed()
        channel = self.world.channel(message.channel_id)
        if channel is not None:
            self._emit_message("MESSAGE_UPDATE", message, channel)
        return message

    def _emit_message(self, event: str, message: StoredMessage, channel: Channel) -> None:
        if message.ephemeral:
            return
        data = message.payload()
        data["guild_id"] = str(channel.guild.id)
        if message.author.id == self.world.bot.id:
            member = channel.guild.bot_member.payload()
            member.pop("user", None)
            data["member"] = member
        self.world.emit(event, data, intent=INTENT_GUILD_MESSAGES)

    def _delivered(self, ctx: Ctx, message: StoredMessage) -> None:
        message.delivered_at = None

        def mark() -> None:
            message.delivered_at = time.monotonic()

        ctx.after_send.append(mark)

    # ------------------------------------------------------------------ interactions

    def _interaction_meta(
        self, record: InteractionRecord, *, followup_of: int | None = None
    ) -> JSON:
        meta: JSON = {
            "id": str(record.id),
            "type": record.type,
            "user": record.member.user.payload(),
            "authorizing_integration_owners": {"0": str(record.guild.id)},
        }
        if record.command_name is not None:
            meta["name"] = record.command_name
            meta["command_type"] = 1
        if record.message_id is not None and record.type == 3:
            meta["interacted_message_id"] = str(record.message_id)
        if followup_of is not None:
            meta["original_response_message_id"] = str(followup_of)
        return meta

    def _interaction_extra(
        self, record: InteractionRecord, *, followup_of: int | None = None
    ) -> JSON:
        extra: JSON = {
            "type": 20 if record.type == 2 else 0,
            "interaction_metadata": self._interaction_meta(record, followup_of=followup_of),
            "webhook_id": self.world.application_id,
            "application_id": self.world.application_id,
        }
        if record.command_name is not None:
            # The deprecated "interaction" object exists only for application commands.
            extra["interaction_legacy"] = {
                "id": str(record.id),
                "type": record.type,
                "name": record.command_name,
                "user": record.member.user.payload(),
            }
        return extra

    async def interaction_callback(self, ctx: Ctx, interaction_id: str, token: str) -> Reply:
        now = time.monotonic()
        record = self.world.interactions.get(_int(interaction_id))
        with_response = ctx.request.query.get("with_response", "").lower() in ("1", "true")
        body = ctx.body if isinstance(ctx.body, dict) else {}
        callback = Callback(
            body.get("type"),
            body.get("data"),
            0,
            None,
            now,
            now - record.dispatched_at if record else 0.0,
            with_response,
        )
        try:
            if record is None or record.token != token:
                raise error(404, 10062, "Unknown interaction", "unknown_interaction")
            try:
                reply = self._callback(ctx, record, body, callback)
            except Refusal as refusal:
                callback.status = refusal.status
                callback.code = refusal.body.get("code")
                raise
            callback.status = 200 if with_response else 204

            def delivered() -> None:
                callback.delivered_at = time.monotonic()

            ctx.after_send.append(delivered)
            return (200, reply) if with_response else (204, None)
        finally:
            if record is not None:
                record.callbacks.append(callback)
                self.world.changed()

    def _callback(
        self, ctx: Ctx, record: InteractionRecord, body: JSON, callback: Callback
    ) -> JSON:
        if record.acknowledged:
            raise error(
                400, 40060, "Interaction has already been acknowledged.", "already_acknowledged"
            )
        if callback.elapsed > self.interaction_deadline:
            raise error(404, 10062, "Unknown interaction", "interaction_expired")
        kind = body.get("type")
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        assert isinstance(data, dict)
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}.get(
            record.type, set()
        )
        if record.type == 5 and record.message_id is None:
            allowed -= {6, 7}
        if kind not in allowed:
            raise Refusal(
                400,
                limits.invalid_form_body(
                    [
                        limits.Problem(
                            ("type",),
                            "INTERACTION_RESPONSE_TYPE_INVALID",
                            f"Response type {kind} is not valid for interaction type {record.type}",
                        )
                    ]
                ),
                "invalid_callback",
            )
        info: JSON = {
            "id": str(record.id),
            "type": record.type,
            "response_message_loading": False,
            "response_message_ephemeral": False,
            "channel_id": str(record.channel.id),
            "guild_id": str(record.guild.id),
        }
        reply: JSON = {"interaction": info}
        message: StoredMessage | None = None
        if kind == 4:
            message = self._new_message(
                record.channel,
                data,
                ctx.files,
                allowed_flags=INTERACTION_FLAGS,
                prefix=("data",),
                **self._interaction_extra(record),
            )
            record.original_message_id = message.id
            reply["resource"] = {"type": 4, "message": message.payload()}
        elif kind == 5:
            flags = limits.FLAG_LOADING | ((data.get("flags") or 0) & limits.FLAG_EPHEMERAL)
            extra = self._interaction_extra(record)
            message = self.world.create_message(
                record.channel, self.world.bot, flags=flags, **extra
            )
            self._emit_message("MESSAGE_CREATE", message, record.channel)
            record.original_message_id = message.id
            info["response_message_loading"] = True
        elif kind in (6, 7):
            target = self.world.messages.get(record.message_id or 0)
            if target is None or target.deleted:
                raise error(404, 10008, "Unknown Message", "unknown_message")
            record.original_message_id = target.id
            if kind == 7:
                message = self._edit(target, data, ctx.files, prefix=("data",))
                reply["resource"] = {"type": 7, "message": message.payload()}
            else:
                message = target
        elif kind == 8:
            problems = limits.check_choices(data)
            if problems:
                raise Refusal(400, limits.invalid_form_body(problems), "limits")
            record.choices = list(data.get("choices") or [])
        elif kind == 9:
            problems = limits.check_modal(data)
            if problems:
                raise Refusal(400, limits.invalid_form_body(problems), "limits")
            record.modal = data
        record.response_type = kind
        if message is not None:
            info["response_message_id"] = str(message.id)
            info["response_message_ephemeral"] = message.ephemeral
            self._delivered(ctx, message)
        return reply

    def _record_for_webhook(
        self, app_id: str, token: str, *, kind: str | None
    ) -> InteractionRecord:
        record = self.world.interaction_by_token(token)
        if _int(app_id) != self.world.application_id or record is None:
            raise error(404, 10015, "Unknown Webhook", kind)
        if time.monotonic() - record.dispatched_at > INTERACTION_TOKEN_LIFETIME:
            raise error(401, 50027, "Invalid Webhook Token", kind)
        return record

    async def create_followup(self, ctx: Ctx, app_id: str, token: str) -> Reply:
        record = self._record_for_webhook(app_id, token, kind="unknown_webhook")
        if not record.acknowledged or record.response_type in (8, 9):
            raise error(404, 10015, "Unknown Webhook", "followup_before_response")
        data = ctx.json_body()
        original = self.world.messages.get(record.original_message_id or 0)
        if record.response_type == 5 and original is not None and original.loading:
            # The first follow-up to a deferred response replaces the "thinking" message;
            # its flags are ignored (ephemerality was fixed by the defer).
            edit = {k: v for k, v in data.items() if k != "flags"}
            message = self._edit(original, edit, ctx.files, finish_loading=True)
        else:
            message = self._new_message(
                record.channel,
                data,
                ctx.files,
                allowed_flags=INTERACTION_FLAGS,
                **self._interaction_extra(record, followup_of=record.original_message_id),
            )
            record.followup_ids.append(message.id)
        self._delivered(ctx, message)
        self.world.changed()
        wait = ctx.request.query.get("wait", "").lower() in ("1", "true")
        return (200, message.payload()) if wait else (204, None)

    def _webhook_message(
        self, record: InteractionRecord, message_id: str, kind: str | None
    ) -> StoredMessage:
        wanted = record.original_message_id if message_id == "@original" else _int(message_id)
        allowed = {record.original_message_id, *record.followup_ids}
        message = self.world.messages.get(wanted or 0)
        if message is None or message.deleted or wanted not in allowed:
            raise error(404, 10008, "Unknown Message", kind)
        return message

    async def get_webhook_message(
        self, ctx: Ctx, app_id: str, token: str, message_id: str
    ) -> Reply:
        record = self._record_for_webhook(app_id, token, kind=None)
        return 200, self._webhook_message(record, message_id, None).payload()

    async def edit_webhook_message(
        self, ctx: Ctx, app_id: str, token: str, message_id: str
    ) -> Reply:
        record = self._record_for_webhook(app_id, token, kind="unknown_webhook")
        message = self._webhook_message(record, message_id, "unknown_message")
        edited = self._edit(message, ctx.json_body(), ctx.files, finish_loading=True)
        self._delivered(ctx, edited)
        return 200, edited.payload()

    async def delete_webhook_message(
        self, ctx: Ctx, app_id: str, token: str, message_id: str
    ) -> Reply:
        record = self._record_for_webhook(app_id, token, kind="unknown_webhook")
        message = self._webhook_message(record, message_id, "unknown_message")
        self._delete(message)
        return 204, None

    # ------------------------------------------------------------------ channels and messages

    def _channel(self, channel_id: str) -> Channel:
        channel = self.world.channel(_int(channel_id))
        if channel is None:
            raise error(404, 10003, "Unknown Channel", "unknown_channel")
        return channel

    def _require(self, channel: Channel, needed: int) -> None:
        have = channel.permissions_for(channel.guild.bot_member)
        if not have & VIEW_CHANNEL:
            raise error(403, 50001, "Missing Access", "missing_permissions")
        if needed & ~have:
            raise error(403, 50013, "Missing Permissions", "missing_permissions")

    def _channel_message(
        self, channel: Channel, message_id: str, kind: str | None
    ) -> StoredMessage:
        message = self.world.messages.get(_int(message_id))
        if (
            message is None
            or message.deleted
            or message.ephemeral
            or message.channel_id != channel.id
        ):
            raise error(404, 10008, "Unknown Message", kind)
        return message

    async def get_channel(self, ctx: Ctx, channel_id: str) -> Reply:
        channel = self._channel(channel_id)
        self._require(channel, 0)
        return 200, channel.payload()

    async def typing(self, ctx: Ctx, channel_id: str) -> Reply:
        self._require(self._channel(channel_id), SEND_MESSAGES)
        return 204, None

    async def list_messages(self, ctx: Ctx, channel_id: str) -> Reply:
        channel = self._channel(channel_id)
        self._require(channel, 0)
        query = ctx.request.query
        limit = max(1, min(100, _int(query.get("limit", "50"))))
        messages = sorted(
            self.world.channel_messages(channel.id, include_ephemeral=False),
            key=lambda m: m.id,
            reverse=True,
        )
        if "before" in query:
            messages = [m for m in messages if m.id < _int(query["before"])]
        if "after" in query:
            messages = [m for m in messages if m.id > _int(query["after"])]
        return 200, [m.payload() for m in messages[:limit]]

    async def create_message(self, ctx: Ctx, channel_id: str) -> Reply:
        channel = self._channel(channel_id)
        self._require(channel, SEND_MESSAGES | (ATTACH_FILES if ctx.files else 0))
        data = ctx.json_body()
        extra: JSON = {}
        reference = data.get("message_reference")
        if isinstance(reference, dict):
            extra["message_reference"] = {
                "type": 0,
                "message_id": str(reference.get("message_id")),
                "channel_id": str(reference.get("channel_id") or channel.id),
                "guild_id": str(channel.guild.id),
            }
            extra["type"] = 19
        message = self._new_message(channel, data, ctx.files, allowed_flags=CHANNEL_FLAGS, **extra)
        self._delivered(ctx, message)
        return 200, message.payload()

    async def get_message(self, ctx: Ctx, channel_id: str, message_id: str) -> Reply:
        channel = self._channel(channel_id)
        self._require(channel, 0)
        return 200, self._channel_message(channel, message_id, None).payload()

    async def edit_message(self, ctx: Ctx, channel_id: str, message_id: str) -> Reply:
        channel = self._channel(channel_id)
        message = self._channel_message(channel, message_id, "unknown_message")
        if message.author.id != self.world.bot.id:
            raise error(
                403, 50005, "Cannot edit a message authored by another user", "foreign_message"
            )
        edited = self._edit(message, ctx.json_body(), ctx.files)
        self._delivered(ctx, edited)
        return 200, edited.payload()

    async def delete_message(self, ctx: Ctx, channel_id: str, message_id: str) -> Reply:
        channel = self._channel(channel_id)
        message = self._channel_message(channel, message_id, "unknown_message")
        if message.author.id != self.world.bot.id:
            self._require(channel, 1 << 13)
        self._delete(message)
        return 204, None

    def _delete(self, message: StoredMessage) -> None:
        message.deleted = True
        self.world.changed()
        channel = self.world.channel(message.channel_id)
        if channel is not None and not message.ephemeral:
            self.world.emit(
                "MESSAGE_DELETE",
                {
                    "id": str(message.id),
                    "channel_id": str(channel.id),
                    "guild_id": str(channel.guild.id),
                },
                intent=INTENT_GUILD_MESSAGES,
            )

    async def add_reaction(self, ctx: Ctx, channel_id: str, message_id: str, emoji: str) -> Reply:
        channel = self._channel(channel_id)
        self._require(channel, 1 << 6)
        message = self._channel_message(channel, message_id, "unknown_message")
        self.world.reactions.setdefault(message.id, []).append(emoji)
        self.world.changed()
        return 204, None

    async def remove_reaction(
        self, ctx: Ctx, channel_id: str, message_id: str, emoji: str
    ) -> Reply:
        channel = self._channel(channel_id)
        message = self._channel_message(channel, message_id, "unknown_message")
        reactions = self.world.reactions.get(message.id, [])
        if emoji in reactions:
            reactions.remove(emoji)
        return 204, None

    # ------------------------------------------------------------------ guilds

    def _guild(self, guild_id: str) -> Any:
        guild = self.world.guild(_int(guild_id))
        if guild is None:
            raise error(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, ctx: Ctx, guild_id: str) -> Reply:
        data = self._guild(guild_id).payload()
        for key in (
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
            "joined_at",
            "large",
            "member_count",
            "unavailable",
            "lazy",
        ):
            data.pop(key, None)
        return 200, data

    async def get_guild_channels(self, ctx: Ctx, guild_id: str) -> Reply:
        return 200, [c.payload() for c in self._guild(guild_id).channels]

    async def get_guild_roles(self, ctx: Ctx, guild_id: str) -> Reply:
        return 200, [r.payload() for r in self._guild(guild_id).roles]

    async def list_members(self, ctx: Ctx, guild_id: str) -> Reply:
        guild = self._guild(guild_id)
        limit = max(1, min(1000, _int(ctx.request.query.get("limit", "1"))))
        return 200, [m.payload() for m in sorted(guild.members, key=lambda m: m.id)[:limit]]

    async def get_member(self, ctx: Ctx, guild_id: str, user_id: str) -> Reply:
        member = self._guild(guild_id).members_by_id.get(_int(user_id))
        if member is None:
            raise error(404, 10007, "Unknown Member")
        return 200, member.payload()

    # ------------------------------------------------------------------ attachments (CDN)

    async def attachment(self, request: web.Request) -> web.StreamResponse:
        attachment_id = _int(request.match_info.get("attachment_id", "0"))
        for message in self.world.messages.values():
            for attachment in message.attachments:
                if attachment.id == attachment_id:
                    return web.Response(
                        body=attachment.data,
                        content_type=attachment.content_type or "application/octet-stream",
                    )
        return web.Response(status=404)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return -1
