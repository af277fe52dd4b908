"""Helpers for load benchmarks against the fake Discord: process figures read from /proc, a fake
whose hot lookups are indexed (so the load generator, not the bot, stays cheap), and tallies.

Nothing here changes what the bot sees on the wire: the indexes only make the fake's own
bookkeeping O(1) where the test fake scans lists (fine for tests, too slow at 1,000 requests/s).
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakediscord import Channel, FakeDiscord, InteractionHandle, Member, StoredMessage
from tests.fakediscord.state import DISCORD_EPOCH_MS, JSON, InteractionRecord, World

__all__ = [
    "CLOCK_TICKS",
    "Done",
    "IndexedWorld",
    "LoadFake",
    "LoopLag",
    "ProcSample",
    "machine_summary",
    "percentile",
    "proc_sample",
    "profile_report",
    "quiet_gc",
    "route_key",
]

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------- /proc


@dataclass(frozen=True, slots=True)
class ProcSample:
    at: float  # time.monotonic()
    cpu: float  # user + system seconds, all threads
    system: float  # the system part of cpu
    rss_kb: int
    hwm_kb: int  # peak RSS so far (VmHWM)


def proc_sample(pid: int) -> ProcSample:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # fields from 3 (state) on; comm may hold spaces
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime (14), stime (15)
    system = int(fields[12]) / CLOCK_TICKS
    rss = hwm = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return ProcSample(time.monotonic(), cpu, system, rss, hwm)


def machine_summary() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    import platform

    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


_ROUTE_IDS = re.compile(r"/\d{4,}")
_ROUTE_TOKENS = re.compile(r"/fake_[\w-]+")


def route_key(method: str, path: str) -> str:
    """A recorded request's route, e.g. ``POST /channels/:id/messages``."""
    return f"{method} {_ROUTE_TOKENS.sub('/:token', _ROUTE_IDS.sub('/:id', path))}"


# ---------------------------------------------------------------------------------- the fake


class IndexedWorld(World):
    """The fake's world with dict lookups for channels and interaction tokens, and taps that
    hear every message created in a channel (instead of waiters rescanning all messages)."""

    _channel_index: dict[int, Channel]
    token_index: dict[str, InteractionRecord]
    taps: dict[int, Callable[[StoredMessage], None]]
    ephemeral_ids: deque[int]
    kept_ids: deque[int]

    def channel(self, channel_id: int) -> Channel | None:
        found = self._channel_index.get(channel_id)
        if found is None:
            found = super().channel(channel_id)
            if found is not None:
                self._channel_index[channel_id] = found
        return found

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        found = self.token_index.get(token)
        return found if found is not None else super().interaction_by_token(token)

    def create_message(self, channel: Channel, author: Any, **fields: Any) -> StoredMessage:
        message = super().create_message(channel, author, **fields)
        # oldest first, for LoadFake.trim to forget them without reading the rest
        (self.ephemeral_ids if message.ephemeral else self.kept_ids).append(message.id)
        tap = self.taps.get(channel.id)
        if tap is not None:
            tap(message)
        return message


class LoadFake(FakeDiscord):
    """A FakeDiscord for load runs: indexed world, dispatched payloads not kept (the frame was
    already serialised), and periodic trimming of what the fake records."""

    world: IndexedWorld

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        world = self.world
        world.__class__ = IndexedWorld
        world._channel_index = {}
        world.token_index = {}
        world.taps = {}
        world.ephemeral_ids = deque()
        world.kept_ids = deque()
        self.request_counts: Counter[str] = Counter()
        self.dropped_events = 0

    def _dispatch(
        self,
        payload: JSON,
        member: Member,
        channel: Channel,
        *,
        command_name: str | None = None,
        message_id: int | None = None,
    ) -> InteractionHandle:
        handle = super()._dispatch(
            payload, member, channel, command_name=command_name, message_id=message_id
        )
        self.world.token_index[handle.token] = handle.record
        handle.record.payload = {}
        return handle

    def bot_message(self, channel: Channel, **fields: Any) -> StoredMessage:
        """A message "posted by the bot" without the bot (for the floor run), delivered now."""
        message = self.world.create_message(channel, self.world.bot, **fields)
        message.delivered_at = time.monotonic()
        return message

    def trim(
        self,
        *,
        count_from: float,
        count_until: float,
        ephemeral_age: float = 15.0,
        message_age: float = 300.0,
        done: Callable[[InteractionRecord], None] | None = None,
        interaction_age: float = 60.0,
    ) -> None:
        """Forget what a long run no longer needs: requests (counted by route first when made
        in [count_from, count_until)), old ephemeral and old messages, replayable gateway
        events, and interactions older than ``interaction_age`` (handed to ``done`` first).

        It runs on the loop that serves the bot, so it must stay short: it reads messages and
        interactions only as far as the old ones go. (Reading all of them every 5 s, with 60 s
        of interactions and 300 s of messages kept, stalled the fake for 90-150 ms, and that
        stall was part of the latency of whatever was in flight.)"""
        world = self.world
        for request in world.requests:
            if count_from <= request.at < count_until:
                self.request_counts[route_key(request.method, request.path)] += 1
        world.requests.clear()
        now_ms = time.time() * 1000 - DISCORD_EPOCH_MS
        ephemeral_floor = int(now_ms - ephemeral_age * 1000) << 22
        message_floor = int(now_ms - message_age * 1000) << 22
        for ids, floor in ((world.ephemeral_ids, ephemeral_floor), (world.kept_ids, message_floor)):
            while ids and ids[0] < floor:
                world.messages.pop(ids.popleft(), None)
        session = self.gateway.current
        if session is not None and len(session.events) > 2000:
            self.dropped_events += len(session.events) - 1000
            del session.events[:-1000]
        horizon = time.monotonic() - interaction_age
        old = []
        for record in world.interactions.values():  # in the order they were dispatched
            if record.dispatched_at >= horizon:
                break
            old.append(record)
        for record in old:
            if done is not None:
                done(record)
            del world.interactions[record.id]
            world.token_index.pop(record.token, None)


class LoopLag:
    """How late this process's event loop wakes up (a 20 ms timer): if the load generator
    itself lags, the latencies it measures include that lag."""

    def __init__(self, period: float = 0.02) -> None:
        self.period = period
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None
        self.recording = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="loop-lag")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.period)
            if self.recording:
                self.samples.append(max(0.0, loop.time() - before - self.period))

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


class Done:
    """A one-shot flag with a future to await, cheaper than a fake-wide waiter."""

    def __init__(self) -> None:
        self.future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def set(self) -> None:
        if not self.future.done():
            self.future.set_result(None)


def quiet_gc() -> None:
    """Keep this process's collections short: whatever it stalls for is added to the
    latencies it measures. Everything set up so far is frozen, young collections stay small
    (a collection's pause grows with the objects it walks), and full collections never run
    during a run (what reaches the oldest generation stays there until the process ends).
    With (20000, 20, 1000), every middle collection walked up to 400,000 objects, a
    130-240 ms stall every 10 s at 500 rounds, which set lalabot's measured p99."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(2_000, 10, 1_000_000)


# ---------------------------------------------------------------------------------- profiles

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def _frame(raw: str) -> tuple[str, str, int]:
    match = _FRAME.match(raw)
    if match is None:
        return raw, "", 0
    return match["func"], match["file"], int(match["line"] or 0)


def _package(path: str) -> str:
    for marker, name in (
        ("lalabot/", "lalabot"),
        ("discord/", "discord.py"),
        ("aiohttp/", "aiohttp"),
        ("aiosqlite/", "aiosqlite"),
        ("asyncio/", "asyncio"),
        ("json/", "json"),
        ("yarl/", "yarl"),
        ("multidict/", "multidict"),
        ("logging/", "logging"),
        ("sqlite3/", "sqlite3"),
    ):
        if path.startswith(marker) or f"/{marker}" in path:
            return name
    return Path(path).name or "?"


def _worker_wait_line() -> int:
    """The line where aiosqlite's worker thread waits for work (idle, not CPU)."""
    import inspect

    import aiosqlite.core

    lines, first = inspect.getsourcelines(aiosqlite.core._connection_worker_thread)
    return next((first + i for i, text in enumerate(lines) if "tx.get()" in text), -1)


def profile_report(raw: Path, *, title: str, top: int = 25) -> str:
    """Top functions by self and total time from a py-spy ``record --format raw --threads``
    file, as shares of busy samples (a thread waiting in epoll or for the next query is idle)."""
    wait_line = _worker_wait_line()
    self_time: Counter[str] = Counter()
    total_time: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    idle: Counter[str] = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        thread = "?"
        if frames and frames[0].startswith("thread ("):
            thread = frames[0].split(": ", 1)[-1]
            frames = frames[1:]
        if "_connection_worker_thread" in thread:
            thread = "aiosqlite worker"
        parsed = [_frame(f) for f in frames if f]
        if not parsed:
            continue
        func, path, number = parsed[-1]
        if func == "EpollSelector.select" or (
            func == "_connection_worker_thread" and number == wait_line
        ):
            idle[thread] += count
            continue
        threads[thread] += count
        self_time[f"{func} ({path})"] += count
        packages[_package(path)] += count
        for name in {f"{fn} ({p})" for fn, p, _ in parsed}:
            total_time[name] += count
    busy = sum(threads.values())
    if not busy:
        return f"{title}: no busy samples in {raw}"
    lines = [f"profile of {title}: {busy:,} busy samples ({raw})", "  busy samples by thread:"]
    lines += [
        f"    {100 * n / busy:5.1f}%  {name} (idle samples: {idle[name]:,})"
        for name, n in threads.most_common()
    ]
    lines.append("  self time by package:")
    lines += [f"    {100 * n / busy:5.1f}%  {name}" for name, n in packages.most_common(12)]
    lines.append(f"  top {top} functions by self time:")
    lines += [f"    {100 * n / busy:5.1f}%  {name}" for name, n in self_time.most_common(top)]
    lines.append(f"  top {top} lalabot functions by total time:")
    skip = ("lalabot/__main__.py", "lalabot/cli.py")
    ours = [
        (n, c)
        for n, c in total_time.most_common()
        if "lalabot/" in n and not any(s in n for s in skip)
    ]
    lines += [f"    {100 * c / busy:5.1f}%  {name}" for name, c in ours[:top]]
    return "\n".join(lines)
