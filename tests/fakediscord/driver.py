"""What a test does as a Discord user: run slash commands, type into autocomplete, click
buttons, pick select options, submit modals, post messages; and the waits that go with them.

The INTERACTION_CREATE payloads are built the way Discord builds them (a malformed dispatch would
stop discord.py's client), from the commands the bot actually synced.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .gateway import Gateway
from .state import (
    INTENT_GUILD_MESSAGES,
    INTENT_MESSAGE_CONTENT,
    JSON,
    Callback,
    Channel,
    Guild,
    InteractionRecord,
    Member,
    Role,
    StoredMessage,
    Violation,
    World,
)

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
SELECT_TYPES = {3, 5, 6, 7, 8}


class InteractionHandle:
    """One interaction the fake dispatched, and what the bot did with it."""

    def __init__(self, world: World, record: InteractionRecord) -> None:
        self._world = world
        self.record = record

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.type} callbacks={len(self.callbacks)}>"

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def token(self) -> str:
        return self.record.token

    @property
    def type(self) -> int:
        return self.record.type

    @property
    def payload(self) -> JSON:
        return self.record.payload

    @property
    def callbacks(self) -> list[Callback]:
        return self.record.callbacks

    async def response(self, timeout: float = 5.0) -> Callback:  # noqa: ASYNC109
        """The bot's first callback attempt (``.status`` says whether Discord accepted it)."""
        return await self._world.notifier.wait_for(
            lambda: self.record.callbacks[0] if self.record.callbacks else None,
            timeout,
            lambda: f"a callback to interaction {self.id} ({self._describe()})",
        )

    @property
    def elapsed(self) -> float | None:
        """Seconds from dispatch to the first callback attempt."""
        return self.record.callbacks[0].elapsed if self.record.callbacks else None

    @property
    def message(self) -> StoredMessage | None:
        """The original response message as it is now (created by type 4/5, or the component
        message for type 6/7)."""
        if self.record.original_message_id is None:
            return None
        return self._world.messages.get(self.record.original_message_id)

    async def original(
        self,
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> StoredMessage:
        """Wait for the original response to exist, be done "thinking" and match ``predicate``."""

        def check() -> StoredMessage | None:
            message = self.message
            if message is None or message.loading or message.deleted:
                return None
            return message if predicate is None or predicate(message) else None

        return await self._world.notifier.wait_for(
            check,
            timeout,
            lambda: f"the original response of {self._describe()}; now {self._state()}",
        )

    async def followups(self, n: int = 1, timeout: float = 5.0) -> list[StoredMessage]:  # noqa: ASYNC109
        """Wait for at least ``n`` follow-up messages (the first follow-up to a deferred response
        replaces the "thinking" message and does not count here; see :meth:`original`)."""

        def check() -> list[StoredMessage] | None:
            found = [self._world.messages[i] for i in self.record.followup_ids]
            return found if len(found) >= n else None

        return await self._world.notifier.wait_for(
            check, timeout, lambda: f"{n} follow-up(s) to {self._describe()}; now {self._state()}"
        )

    @property
    def ephemeral(self) -> bool:
        """Whether the response (message, or deferral) is ephemeral."""
        message = self.message
        if message is not None and self.record.response_type in (4, 5):
            return message.ephemeral
        return bool(self.record.callbacks and self.record.callbacks[0].ephemeral)

    @property
    def modal(self) -> JSON | None:
        return self.record.modal

    @property
    def choices(self) -> list[JSON] | None:
        return self.record.choices

    def _describe(self) -> str:
        what = {
            2: f"/{self.record.command_name}",
            3: "component",
            4: "autocomplete",
            5: "modal submit",
        }
        return what.get(self.type, f"type {self.type}")

    def _state(self) -> str:
        calls = [(c.type, c.status) for c in self.record.callbacks]
        followups = len(self.record.followup_ids)
        return f"callbacks={calls}, followups={followups}, message={self.message!r:.200}"


def _snowflake_of(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    identifier = getattr(value, "id", None)
    if isinstance(identifier, int):
        return identifier
    raise TypeError(f"expected an id or an object with .id, got {value!r}")


class Driver:
    """Mixed into :class:`~.server.FakeDiscord`: the user-side actions and the waits."""

    world: World
    gateway: Gateway
    click_settle: float

    # ------------------------------------------------------------------ building payloads

    def _base(self, kind: int, member: Member, channel: Channel, locale: str) -> JSON:
        guild = channel.guild
        if member.guild is not guild:
            raise ValueError(f"{member.name} is not a member of {guild.name}")
        world = self.world
        return {
            "id": str(world.ids.next()),
            "application_id": str(world.application_id),
            "type": kind,
            "token": world.new_interaction_token(),
            "version": 1,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
            "channel_id": str(channel.id),
            "channel": channel.interaction_payload(member),
            "member": member.interaction_payload(channel),
            "app_permissions": str(channel.permissions_for(guild.bot_member)),
            "locale": locale,
            "guild_locale": guild.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }

    def _dispatch(
        self,
        payload: JSON,
        member: Member,
        channel: Channel,
        *,
        command_name: str | None = None,
        message_id: int | None = None,
    ) -> InteractionHandle:
        if self.gateway.current is None:
            raise RuntimeError(
                "no client has identified with the fake gateway yet (await fake.wait_ready())"
            )
        record = InteractionRecord(
            id=int(payload["id"]),
            token=payload["token"],
            type=payload["type"],
            payload=payload,
            guild=channel.guild,
            channel=channel,
            member=member,
            dispatched_at=time.monotonic(),
            command_name=command_name,
            message_id=message_id,
        )
        self.world.interactions[record.id] = record
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        self.world.changed()
        return InteractionHandle(self.world, record)

    def _command_data(
        self,
        command_name: str,
        subcommand: str | None,
        guild: Guild,
        options: Mapping[str, Any],
        member: Member,
        channel: Channel,
        focused: str | None,
    ) -> JSON:
        parts = command_name.split() + (subcommand.split() if subcommand else [])
        name, path = parts[0], parts[1:]
        command = self.world.find_command(name, guild.id)
        if command is None:
            synced = sorted(
                {c["name"] for c in self.world.commands()}
                | {c["name"] for c in self.world.commands(guild.id)}
            )
            raise LookupError(
                f"/{name} is not synced (global or in {guild.name}); synced: {synced}"
            )
        schema: list[JSON] = list(command.get("options") or [])
        wrappers: list[JSON] = []
        for part in path:
            node = next(
                (o for o in schema if o.get("name") == part and o.get("type") in (1, 2)), None
            )
            if node is None:
                raise ValueError(f"/{' '.join(parts)}: no subcommand {part!r}")
            wrappers.append(node)
            schema = list(node.get("options") or [])
        if any(o.get("type") in (1, 2) for o in schema):
            names = [o["name"] for o in schema]
            raise ValueError(f"/{' '.join(parts)} needs a subcommand, one of {names}")
        resolved: dict[str, dict[str, JSON]] = {}
        built = self._options(schema, options, member, channel, resolved, focused)
        for node in reversed(wrappers):
            built = [{"type": node["type"], "name": node["name"], "options": built}]
        data: JSON = {"id": command["id"], "name": name, "type": 1}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        if built:
            data["options"] = built
        if resolved:
            data["resolved"] = resolved
        return data

    def _options(
        self,
        schema: list[JSON],
        given: Mapping[str, Any],
        member: Member,
        channel: Channel,
        resolved: dict[str, dict[str, JSON]],
        focused: str | None,
    ) -> list[JSON]:
        by_name = {o["name"]: o for o in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise ValueError(
                f"unknown option(s) {sorted(unknown)}; the command has {list(by_name)}"
            )
        if focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
            if missing:
                raise ValueError(f"required option(s) missing: {missing}")
        elif focused not in by_name:
            raise ValueError(f"focused option {focused!r} is not an option of the command")
        built = []
        for spec in schema:
            name = spec["name"]
            if name not in given and name != focused:
                continue
            value = given.get(name, "")
            option: JSON = {"name": name, "type": spec["type"]}
            if name == focused:
                option["value"] = value
                option["focused"] = True
            else:
                option["value"] = self._option_value(spec, value, member, channel, resolved)
            built.append(option)
        return built

    def _option_value(
        self,
        spec: JSON,
        value: Any,
        member: Member,
        channel: Channel,
        resolved: dict[str, dict[str, JSON]],
    ) -> Any:
        kind = spec["type"]
        name = spec["name"]
        guild = channel.guild
        if kind == 3:
            if not isinstance(value, str):
                raise TypeError(f"option {name!r} is a string, got {value!r}")
            if (
                "min_length" in spec
                and spec["min_length"] is not None
                and len(value) < spec["min_length"]
            ):
                raise ValueError(f"option {name!r} shorter than {spec['min_length']}")
            if (
                "max_length" in spec
                and spec["max_length"] is not None
                and len(value) > spec["max_length"]
            ):
                raise ValueError(f"option {name!r} longer than {spec['max_length']}")
        elif kind in (4, 10):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (kind == 4 and not isinstance(value, int))
            ):
                raise TypeError(
                    f"option {name!r} is {'an integer' if kind == 4 else 'a number'}, got {value!r}"
                )
            if spec.get("min_value") is not None and value < spec["min_value"]:
                raise ValueError(f"option {name!r} below {spec['min_value']}")
            if spec.get("max_value") is not None and value > spec["max_value"]:
                raise ValueError(f"option {name!r} above {spec['max_value']}")
        elif kind == 5:
            if not isinstance(value, bool):
                raise TypeError(f"option {name!r} is a boolean, got {value!r}")
        elif kind == 6 or (kind == 9 and not isinstance(value, Role)):
            user_id = _snowflake_of(value)
            user = self.world.users.get(user_id)
            if user is None:
                raise ValueError(f"option {name!r}: unknown user {user_id}")
            resolved.setdefault("users", {})[str(user_id)] = user.payload()
            target = guild.members_by_id.get(user_id)
            if target is not None:
                data = target.payload()
                data.pop("user")
                data["permissions"] = str(channel.permissions_for(target))
                resolved.setdefault("members", {})[str(user_id)] = data
            return str(user_id)
        elif kind in (8, 9):
            role_id = _snowflake_of(value)
            role = next((r for r in guild.roles if r.id == role_id), None)
            if role is None:
                raise ValueError(f"option {name!r}: unknown role {role_id}")
            resolved.setdefault("roles", {})[str(role_id)] = role.payload()
            return str(role_id)
        elif kind == 7:
            target_channel = self.world.channel(_snowflake_of(value))
            if target_channel is None:
                raise ValueError(f"option {name!r}: unknown channel {value!r}")
            if spec.get("channel_types") and target_channel.type not in spec["channel_types"]:
                raise ValueError(f"option {name!r}: channel type {target_channel.type} not allowed")
            resolved.setdefault("channels", {})[str(target_channel.id)] = (
                target_channel.interaction_payload(member)
            )
            return str(target_channel.id)
        else:
            raise NotImplementedError(f"option type {kind} ({name!r}) is not supported by the fake")
        choices = spec.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(
                f"option {name!r}: {value!r} is not one of {[c['value'] for c in choices]}"
            )
        return value

    # ------------------------------------------------------------------ user actions

    async def invoke(
        self,
        command_name: str,
        *,
        member: Member,
        channel: Channel,
        options: Mapping[str, Any] | None = None,
        subcommand: str | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Run a slash command (``"trivia start"`` or ``subcommand="start"`` for subcommands)."""
        payload = self._base(2, member, channel, locale)
        payload["data"] = self._command_data(
            command_name, subcommand, channel.guild, options or {}, member, channel, None
        )
        return self._dispatch(payload, member, channel, command_name=payload["data"]["name"])

    async def autocomplete(
        self,
        command_name: str,
        *,
        member: Member,
        channel: Channel,
        options: Mapping[str, Any] | None = None,
        focused: str,
        subcommand: str | None = None,
        locale: str = "en-US",
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Type into option ``focused`` (its text is ``options[focused]``); return the choices."""
        payload = self._base(4, member, channel, locale)
        payload["data"] = self._command_data(
            command_name, subcommand, channel.guild, options or {}, member, channel, focused
        )
        handle = self._dispatch(payload, member, channel, command_name=payload["data"]["name"])
        callback = await handle.response(timeout)
        if not callback.accepted or handle.choices is None:
            raise AssertionError(f"autocomplete was not answered with choices: {callback!r}")
        return handle.choices

    async def _settle(
        self,
        ready: Callable[[], float | None],
        what: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until the HTTP reply that produced something was sent, plus ``click_settle``:
        discord.py binds a view/modal only after it has read that reply."""
        sent = await self.world.notifier.wait_for(ready, timeout, lambda: f"delivery of {what}")
        delay = sent + self.click_settle - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def _message_now(self, message: StoredMessage | int) -> StoredMessage:
        message_id = message if isinstance(message, int) else message.id
        current = self.world.messages.get(message_id)
        if current is None or current.deleted:
            raise LookupError(f"message {message_id} does not exist (or was deleted)")
        return current

    async def click(
        self,
        message: StoredMessage | int,
        custom_id: str,
        *,
        member: Member,
        values: Sequence[str] | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Click a button (or pick ``values`` in a select) on the message as it is now."""
        current = self._message_now(message)
        component = current.component(custom_id)
        if component is None:
            raise LookupError(
                f"message {current.id} has no {custom_id!r}; it has {current.custom_ids()}"
            )
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        kind = component["type"]
        data: JSON = {"custom_id": custom_id, "component_type": kind}
        if component.get("id") is not None:
            data["id"] = component["id"]
        if kind in SELECT_TYPES:
            if values is None:
                raise ValueError(f"{custom_id!r} is a select: pass values=[...]")
            low, high = component.get("min_values", 1), component.get("max_values", 1)
            if not low <= len(values) <= high:
                raise ValueError(
                    f"select {custom_id!r} takes {low}..{high} values, got {len(values)}"
                )
            if kind == 3:
                offered = [o.get("value") for o in component.get("options") or []]
                bad = [v for v in values if v not in offered]
                if bad:
                    raise ValueError(
                        f"select {custom_id!r} does not offer {bad}; it offers {offered}"
                    )
            data["values"] = list(values)
        elif values is not None:
            raise ValueError(f"{custom_id!r} is not a select")
        channel = self.world.channel(current.channel_id)
        if channel is None:
            raise LookupError(f"channel {current.channel_id} is gone")
        await self._settle(lambda: current.delivered_at, f"message {current.id}")
        payload = self._base(3, member, channel, locale)
        payload["message"] = current.payload()
        payload["data"] = data
        return self._dispatch(payload, member, channel, message_id=current.id)

    async def select(
        self, message: StoredMessage | int, custom_id: str, values: Sequence[str], *, member: Member
    ) -> InteractionHandle:
        return await self.click(message, custom_id, member=member, values=values)

    async def submit_modal(
        self,
        source: InteractionHandle | str,
        *,
        member: Member | None = None,
        channel: Channel | None = None,
        values: Mapping[str, str] | None = None,
        locale: str = "en-US",
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> InteractionHandle:
        """Fill in and submit the modal the bot opened (from a handle, or by its custom_id)."""
        values = dict(values or {})
        opener: InteractionRecord | None
        if isinstance(source, InteractionHandle):
            await source.response(timeout)
            opener = source.record
        else:
            opener = next(
                (
                    r
                    for r in reversed(list(self.world.interactions.values()))
                    if r.modal is not None and r.modal.get("custom_id") == source
                ),
                None,
            )
            if opener is None:
                raise LookupError(f"the bot never opened a modal with custom_id {source!r}")
        modal = opener.modal
        if modal is None:
            raise AssertionError(
                f"interaction {opener.id} was not answered with a modal: {opener.callbacks!r}"
            )
        member = member or opener.member
        channel = channel or opener.channel
        components, unknown = self._modal_components(modal, values)
        if unknown:
            raise ValueError(f"modal {modal.get('custom_id')!r} has no inputs {sorted(unknown)}")
        callback = next(c for c in opener.callbacks if c.accepted and c.type == 9)
        await self._settle(lambda: callback.delivered_at, f"modal {modal.get('custom_id')!r}")
        payload = self._base(5, member, channel, locale)
        payload["data"] = {"custom_id": modal["custom_id"], "components": components}
        message_id = None
        if opener.type == 3 and opener.message_id is not None:
            message_id = opener.message_id
            payload["message"] = self._message_now(message_id).payload()
        return self._dispatch(payload, member, channel, message_id=message_id)

    @staticmethod
    def _modal_components(modal: JSON, values: Mapping[str, str]) -> tuple[list[JSON], set[str]]:
        unused = set(values)
        counter = iter(range(1, 1000))

        def answer(component: JSON) -> JSON:
            custom_id = component.get("custom_id", "")
            if component.get("type") == 4:
                text = values.get(custom_id, component.get("value") or "")
                unused.discard(custom_id)
                if component.get("required", True) and not text:
                    raise ValueError(f"text input {custom_id!r} is required")
                low, high = component.get("min_length"), component.get("max_length")
                if text and low is not None and len(text) < low:
                    raise ValueError(f"text input {custom_id!r} needs at least {low} characters")
                if high is not None and len(text) > high:
                    raise ValueError(f"text input {custom_id!r} allows at most {high} characters")
                return {
                    "type": 4,
                    "id": component.get("id", next(counter)),
                    "custom_id": custom_id,
                    "value": text,
                }
            if component.get("type") in SELECT_TYPES:
                picked = values.get(custom_id)
                unused.discard(custom_id)
                chosen = [picked] if isinstance(picked, str) else list(picked or [])
                return {
                    "type": component["type"],
                    "id": component.get("id", next(counter)),
                    "custom_id": custom_id,
                    "values": chosen,
                }
            return {"type": component.get("type"), "id": component.get("id", next(counter))}

        rows: list[JSON] = []
        for top in modal.get("components") or []:
            if top.get("type") == 1:
                rows.append(
                    {
                        "type": 1,
                        "id": top.get("id", next(counter)),
                        "components": [answer(c) for c in top.get("components") or []],
                    }
                )
            elif top.get("type") == 18 and isinstance(top.get("component"), dict):
                rows.append(
                    {
                        "type": 18,
                        "id": top.get("id", next(counter)),
                        "component": answer(top["component"]),
                    }
                )
            else:
                rows.append(answer(top))
        return rows, unused

    async def user_message(self, member: Member, channel: Channel, content: str) -> StoredMessage:
        """A member posts in a channel (MESSAGE_CREATE; content hidden without the intent unless
        the bot is mentioned)."""
        message = self.world.create_message(channel, member.user, content=content)
        message.delivered_at = time.monotonic()
        session = self.gateway.current
        if session is not None and session.intents & INTENT_GUILD_MESSAGES:
            data = message.payload()
            mentioned = (
                f"<@{self.world.bot.id}>" in content or f"<@!{self.world.bot.id}>" in content
            )
            if not session.intents & INTENT_MESSAGE_CONTENT and not mentioned:
                data.update(content="", embeds=[], attachments=[], components=[])
            data["guild_id"] = str(channel.guild.id)
            member_data = member.payload()
            member_data.pop("user")
            data["member"] = member_data
            self.gateway.dispatch("MESSAGE_CREATE", data)
        return message

    # ------------------------------------------------------------------ waits and views

    @property
    def violations(self) -> list[Violation]:
        return self.world.violations

    def messages(
        self, channel: Channel | int | None = None, *, include_ephemeral: bool = True
    ) -> list[StoredMessage]:
        channel_id = None if channel is None else _snowflake_of(channel)
        return self.world.channel_messages(channel_id, include_ephemeral=include_ephemeral)

    async def wait_for_message(
        self,
        channel_id: Channel | int | None = None,
        predicate: Callable[[StoredMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        after: StoredMessage | int | None = None,
    ) -> StoredMessage:
        """The first bot message (existing or future; newer than ``after``) matching."""
        channel = None if channel_id is None else _snowflake_of(channel_id)
        floor = 0 if after is None else _snowflake_of(after)

        def check() -> StoredMessage | None:
            for message in self.world.channel_messages(channel):
                if (
                    message.id > floor
                    and message.author.id == self.world.bot.id
                    and not message.loading
                    and (predicate is None or predicate(message))
                ):
                    return message
            return None

        def describe() -> str:
            recent = [(m.id, m.content[:60]) for m in self.world.channel_messages(channel)][-5:]
            where = channel or "any channel"
            return f"a message in {where} matching {predicate!r}; last messages: {recent}"

        return await self.world.notifier.wait_for(check, timeout, describe)

    async def wait_for_edit(
        self,
        message: StoredMessage | int,
        predicate: Callable[[StoredMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> StoredMessage:
        """Wait until the message has been edited more than ``since`` times and matches."""
        message_id = _snowflake_of(message)

        def check() -> StoredMessage | None:
            current = self.world.messages.get(message_id)
            if current is None or current.edit_count <= since:
                return None
            return current if predicate is None or predicate(current) else None

        def describe() -> str:
            current = self.world.messages.get(message_id)
            state = (
                f"edits={current.edit_count}, content={current.content[:80]!r}"
                if current
                else "missing"
            )
            return f"an edit of message {message_id} ({state})"

        return await self.world.notifier.wait_for(check, timeout, describe)

    async def wait_until(
        self,
        check: Callable[[], Any],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "a condition",
    ) -> Any:
        """Wait until ``check()`` returns something truthy (re-checked on every change)."""
        return await self.world.notifier.wait_for(lambda: check() or None, timeout, lambda: what)
