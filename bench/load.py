"""Load and overhead benchmark: `lalabot run` as its own process against the fake Discord, N
servers each running quiz rounds back to back (one channel per round), M players per server
answering every question after a human-like think time, plus /fact and /topic traffic with
their buttons. The same traffic then goes to a minimal discord.py bot (bench/floor_bot.py), the
floor discord.py itself sets, and lalabot's CPU per interaction is compared with it.

Run by hand from the repository root, e.g.:

    python -m bench.load --servers 200 --players 12 --duration 60
    python -m bench.load --servers 500 --players 16 --target both --json /tmp/load.json
    python -m bench.load --servers 200 --profile /tmp/prof   # py-spy the bot (perturbs CPU)

Servers start their first round at random over `--ramp` seconds, about one round's length by
default, so their rounds run out of step as independent servers' do. `--ramp 10` keeps them in
step instead: every question opens at about the same time everywhere, a harsher, bursty load.

The fake Discord and this driver share one process, which competes with the bot for the
machine's cores: the table reports that process's CPU and event-loop lag too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from bench._drive import (
    LoadFake,
    LoopLag,
    ProcSample,
    machine_summary,
    percentile,
    proc_sample,
    profile_report,
    quiet_gc,
)
from tests.fakediscord import Channel, InteractionHandle, Member, StoredMessage
from tests.fakediscord.state import InteractionRecord

REPO = Path(__file__).resolve().parents[1]
Target = Literal["lalabot", "floor"]
LATE = 3.0
GAP_SECONDS = 4.0  # lalabot's pause after a reveal (RoundRunner gap_seconds in `lalabot run`)
QUERIES = (
    "piano", "Mia", "Sebastian", "jazz", "Griffith Observatory", "City of Stars", "audition",
    "Ryan Gosling", "Emma Stone", "Damien Chazelle", "Golden Globes", "the ending", "dance",
    "Sebastain", "John Legend", "planetarium", "Seb's", "Oscars", "Los Angeles", "the yellow dress",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Plan:
    servers: int = 50
    players: int = 8
    questions: int = 5
    seconds: int = 10
    duration: float = 60.0
    warmup: float = 50.0
    ramp: float = 45.0  # first rounds spread over about one round's length: out of step
    fact_every: float = 20.0  # seconds between /fact per server (Poisson)
    topic_every: float = 40.0
    button_share: float = 0.5  # /fact and /topic followed by a button click
    double_click: float = 0.03  # players who click a second answer
    think_min: float = 0.5
    think_mean: float = 1.5
    seed: int = 1


@dataclass(slots=True)
class Server:
    index: int
    trivia: Channel
    general: Channel
    players: list[Member]
    queue: asyncio.Queue[StoredMessage] = field(default_factory=asyncio.Queue)
    round_id: int | None = None
    fact_message: StoredMessage | None = None  # floor: stands in for the bot's replies
    pager_message: StoredMessage | None = None


@dataclass(slots=True)
class Sample:
    kind: str
    dispatched_at: float
    elapsed: float | None  # None: never answered
    status: int | None
    content: str


@dataclass
class Outcome:
    target: str
    plan: dict[str, Any]
    window: float = 0.0
    interactions: int = 0
    rate: float = 0.0
    rate_min_5s: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    late: int = 0
    unanswered: int = 0
    refused: int = 0
    errors_shown: int = 0
    locked_in: int = 0
    answers_lost: int | None = None
    answers_lost_scores: int | None = None
    answers_unacknowledged: int | None = None  # stored, but the player was not told
    rounds_finished: int = 0
    bot_cpu_s: float = 0.0
    bot_system_s: float = 0.0  # the part of bot_cpu_s spent in the kernel
    cpu_per_1000: float = 0.0
    bot_cpu_pct: float = 0.0
    peak_rss_mb: float = 0.0  # from the bot's start to the end of the measured window
    peak_rss_stop_mb: float = 0.0  # ... and after /quiz stop in every server at once
    gen_cpu_pct: float = 0.0
    gen_lag_p99_ms: float = 0.0
    gen_lag_max_ms: float = 0.0
    skipped_clicks: int = 0
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    # per second of the window: interactions dispatched, and their ack p99 (ms)
    per_second: list[tuple[int, float]] = field(default_factory=list)
    rest_per_1000: dict[str, float] = field(default_factory=dict)
    violations: dict[str, int] = field(default_factory=dict)
    bot_log_errors: int = 0
    profile: str | None = None


# ---------------------------------------------------------------------------------- helpers


def _title(message: StoredMessage) -> str:
    return str(message.embeds[0].get("title") or "") if message.embeds else ""


def _spawn_bot(
    target: Target, env: dict[str, str], cwd: Path, log: Path
) -> subprocess.Popen[bytes]:
    command = ["-m", "lalabot", "run"] if target == "lalabot" else ["-m", "bench.floor_bot"]
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, *command], env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT
        )


async def _poll(check: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


def _fake_question(round_no: int, index: int, total: int, seconds: int) -> dict[str, Any]:
    """A question message shaped like lalabot's (embed + four answer buttons), for the floor."""
    choices = ["Sebastian", "Mia", "Keith", "Laura"]
    description = "\n".join(
        ["**Which character dreams of opening a jazz club in Los Angeles?**", ""]
        + [f"**{letter}.** {choice}" for letter, choice in zip("ABCD", choices, strict=True)]
        + ["", "Pick a button below. One answer each.", f"Closes <t:{int(time.time())}:R>."]
    )
    buttons = [
        {
            "type": 2,
            "style": 1,
            "label": f"{letter}: {choice}",
            "custom_id": f"lalabot:answer:{round_no}:{index}:{letter}",
        }
        for letter, choice in zip("ABCD", choices, strict=True)
    ]
    return {
        "embeds": [
            {
                "type": "rich",
                "title": f"Question {index + 1} of {total}",
                "description": description,
                "color": 0xF2C14E,
                "footer": {"text": f"Round {round_no} · {seconds} s per question"},
            }
        ],
        "components": [{"type": 1, "components": buttons}],
    }


def _fake_fact(topic_slug: str = "") -> dict[str, Any]:
    return {
        "embeds": [{"type": "rich", "title": "Did you know?", "description": "x" * 300}],
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 1, "label": "Another fact",
                     "custom_id": f"lalabot:fact:{topic_slug}"},
                    {"type": 2, "style": 2, "label": "◀", "custom_id": "0" * 31 + "1"},
                    {"type": 2, "style": 2, "label": "▶", "custom_id": "0" * 31 + "2"},
                ],
            }
        ],
    }  # fmt: skip


# ---------------------------------------------------------------------------------- the run


class LoadRun:
    def __init__(
        self,
        plan: Plan,
        target: Target,
        *,
        profile: Path | None = None,
        lalabot_path: Path = REPO,
        floor_loop: str = "asyncio",
    ) -> None:
        self.plan = plan
        self.target = target
        self.profile = profile
        self.lalabot_path = lalabot_path
        self.floor_loop = floor_loop
        self.rng = random.Random(plan.seed)
        self.fake = LoadFake()
        self.servers: list[Server] = []
        self.kinds: dict[int, str] = {}
        self.answer_of: dict[int, tuple[int, int, int]] = {}  # interaction -> (round, q, player)
        self.samples: list[Sample] = []
        self.expected: set[tuple[int, int, int]] = set()  # answers told "Locked in"
        self.clicked: set[tuple[int, int, int]] = set()  # every first answer click
        self.tasks: set[asyncio.Task[Any]] = set()
        self.stopping = False
        self.skipped = 0
        self.floor_rounds = 0
        self.t0 = self.t1 = float("inf")
        self.lag = LoopLag()

    # -- world -------------------------------------------------------------------------------

    def build_world(self) -> None:
        for i in range(self.plan.servers):
            guild = self.fake.add_guild(f"Server {i}", owner=f"host{i}")
            trivia = guild.add_channel("trivia")
            general = guild.add_channel("general")
            players = [guild.add_member(f"p{i}x{j}") for j in range(self.plan.players)]
            server = Server(i, trivia, general, players)
            self.servers.append(server)
            if self.target == "lalabot":
                self.fake.world.taps[trivia.id] = self._tap(server)

    def _tap(self, server: Server) -> Callable[[StoredMessage], None]:
        bot_id = self.fake.world.bot.id

        def heard(message: StoredMessage) -> None:
            if message.author.id == bot_id and message.embeds:
                server.queue.put_nowait(message)

        return heard

    def spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            if isinstance(exc, LookupError | ValueError | TimeoutError):
                self.skipped += 1
            else:
                print(f"driver task failed: {exc!r}", file=sys.stderr)

    def note(self, handle: InteractionHandle, kind: str) -> None:
        self.kinds[handle.id] = kind

    def think(self) -> float:
        plan = self.plan
        spread = max(0.0, plan.think_mean - plan.think_min)
        extra = self.rng.gammavariate(2.0, spread / 2) if spread else 0.0
        return min(plan.think_min + extra, plan.seconds - 1.0)

    # -- players -----------------------------------------------------------------------------

    async def answer(self, server: Server, message: StoredMessage, player: Member) -> None:
        await asyncio.sleep(self.think())
        if self.stopping:
            return
        ids = [c for c in message.custom_ids() if c.startswith("lalabot:answer:")]
        first = self.rng.choice(ids)
        handle = await self.fake.click(message, first, member=player)
        self.note(handle, "answer")
        _, _, round_id, index, _ = first.split(":")
        self.answer_of[handle.id] = (int(round_id), int(index), player.id)
        if self.rng.random() < self.plan.double_click:
            await asyncio.sleep(self.rng.uniform(0.3, 1.0))
            if not self.stopping:
                other = self.rng.choice([c for c in ids if c != first])
                self.note(await self.fake.click(message, other, member=player), "answer again")

    async def next_embed(self, server: Server, timeout: float) -> StoredMessage | None:  # noqa: ASYNC109
        try:
            return await asyncio.wait_for(server.queue.get(), timeout)
        except TimeoutError:
            return None

    async def lalabot_round(self, server: Server) -> None:
        plan = self.plan
        starter = server.players[0]
        handle = await self.fake.invoke(
            "quiz start",
            member=starter,
            channel=server.trivia,
            options={"questions": plan.questions, "seconds": plan.seconds},
        )
        self.note(handle, "/quiz start")
        wait = plan.seconds + GAP_SECONDS + 30.0
        while True:
            message = await self.next_embed(server, wait)
            if message is None:
                return  # the round got lost; start another
            title = _title(message)
            if "🏆" in title:
                server.round_id = None
                return
            if not title.startswith("Question ") or message.edit_count:
                continue
            server.round_id = int(message.custom_ids()[0].split(":")[2])
            for player in server.players:
                self.spawn(self.answer(server, message, player))

    async def floor_round(self, server: Server) -> None:
        """The same traffic for the floor bot, which shows no questions: post them ourselves
        on lalabot's timing (the first question runs its full time; the rest close when every
        player has answered; 4 s between questions)."""
        plan = self.plan
        handle = await self.fake.invoke(
            "quiz start",
            member=server.players[0],
            channel=server.trivia,
            options={"questions": plan.questions, "seconds": plan.seconds},
        )
        self.note(handle, "/quiz start")
        self.floor_rounds += 1
        round_no = self.floor_rounds
        await asyncio.sleep(0.05)
        for index in range(plan.questions):
            message = self.fake.bot_message(
                server.trivia, **_fake_question(round_no, index, plan.questions, plan.seconds)
            )
            answers = [
                asyncio.ensure_future(self.answer(server, message, p)) for p in server.players
            ]
            if index == 0:
                await asyncio.sleep(plan.seconds)
            await asyncio.gather(*answers, return_exceptions=True)
            if index < plan.questions - 1:
                await asyncio.sleep(GAP_SECONDS)

    async def rounds(self, server: Server) -> None:
        await asyncio.sleep(self.rng.uniform(0, self.plan.ramp))
        play = self.lalabot_round if self.target == "lalabot" else self.floor_round
        while not self.stopping:
            await play(server)
            await asyncio.sleep(self.rng.uniform(1.0, 3.0))

    # -- side traffic ------------------------------------------------------------------------

    async def fact(self, server: Server, member: Member) -> None:
        handle = await self.fake.invoke("fact", member=member, channel=server.general)
        self.note(handle, "/fact")
        if self.rng.random() >= self.plan.button_share:
            return
        await asyncio.sleep(self.think())
        message = handle.message if self.target == "lalabot" else server.fact_message
        if self.stopping or message is None:
            return
        button = next((c for c in message.custom_ids() if c.startswith("lalabot:fact:")), None)
        if button is not None:
            self.note(await self.fake.click(message, button, member=member), "Another fact")

    async def topic(self, server: Server, member: Member) -> None:
        query = self.rng.choice(QUERIES)
        handle = await self.fake.invoke(
            "topic", member=member, channel=server.general, options={"query": query}
        )
        self.note(handle, "/topic")
        if self.rng.random() >= self.plan.button_share:
            return
        await asyncio.sleep(self.think())
        message = handle.message if self.target == "lalabot" else server.pager_message
        if self.stopping or message is None:
            return
        button = next(
            (b for b in message.buttons() if b.get("label") == "▶" and not b.get("disabled")),
            None,
        )
        if button is not None:
            self.note(await self.fake.click(message, button["custom_id"], member=member), "▶ page")

    async def side(self, every: float, act: Callable[[Server, Member], Awaitable[None]]) -> None:
        if every <= 0:
            return
        rate = self.plan.servers / every
        while not self.stopping:
            await asyncio.sleep(self.rng.expovariate(rate))
            server = self.rng.choice(self.servers)
            self.spawn(act(server, self.rng.choice(server.players)))

    # -- bookkeeping -------------------------------------------------------------------------

    def summarise(self, record: InteractionRecord) -> None:
        kind = self.kinds.pop(record.id, None)
        answer = self.answer_of.pop(record.id, None)
        first = record.callbacks[0] if record.callbacks else None
        content = ""
        if first is not None and first.accepted and isinstance(first.data, dict):
            content = str(first.data.get("content") or "")
        if answer is not None:
            self.clicked.add(answer)
            if content.startswith("Locked in"):
                self.expected.add(answer)
        if kind is None or not self.t0 <= record.dispatched_at <= self.t1:
            return
        self.samples.append(
            Sample(
                kind,
                record.dispatched_at,
                first.elapsed if first is not None else None,
                first.status if first is not None else None,
                content[:40],
            )
        )

    async def housekeeping(self) -> None:
        while True:
            await asyncio.sleep(1.0)  # often, so that each pass is short
            self.fake.trim(count_from=self.t0, count_until=self.t1, done=self.summarise)

    # -- the whole run -----------------------------------------------------------------------

    async def run(self) -> Outcome:
        plan = self.plan
        outcome = Outcome(self.target, asdict(plan))
        self.build_world()
        await self.fake.start()
        tmp = Path(tempfile.mkdtemp(prefix=f"lalabot-load-{self.target}-"))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("LALABOT_", "DISCORD_"))},
            **self.fake.env(),
            "LALABOT_DB_PATH": str(tmp / "data" / "lalabot.db"),
            "LALABOT_SEEDS_DIR": str(REPO / "seeds"),
            "LALABOT_LOG_LEVEL": "WARNING",
            # a scratch copy of lalabot given with --lalabot-path comes before the installed one
            "PYTHONPATH": str(self.lalabot_path if self.target == "lalabot" else REPO),
            "LALABOT_BENCH_FLOOR_LOOP": self.floor_loop,  # read by bench/floor_bot.py
        }
        env.pop("LALABOT_DEV_GUILD_ID")  # sync globally: every server gets the commands
        proc: subprocess.Popen[bytes] | None = None
        spy: subprocess.Popen[bytes] | None = None
        housekeeping: asyncio.Task[None] | None = None
        log = tmp / "bot.log"
        try:
            if self.target == "lalabot":
                importer = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "lalabot", "import", env=env, cwd=tmp,
                    stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
                )  # fmt: skip
                if await asyncio.wait_for(importer.wait(), 120) != 0:
                    raise RuntimeError("`lalabot import` failed")
            proc = _spawn_bot(self.target, env, tmp if self.target == "lalabot" else REPO, log)
            await self.fake.wait_commands_synced(["quiz", "fact", "topic"], timeout=90)
            await self.fake.wait_ready(timeout=90)
            # every GUILD_CREATE was read once the last server's interaction is answered
            last = self.servers[-1]
            probe = await self.fake.invoke("fact", member=last.players[0], channel=last.general)
            if not await _poll(lambda: bool(probe.callbacks), 60):
                raise RuntimeError(f"the bot did not answer a probe; see {log}")
            await asyncio.sleep(2.5)  # discord.py's guild_ready_timeout, then on_ready
            if self.target == "floor":
                for server in self.servers:
                    server.fact_message = self.fake.bot_message(server.general, **_fake_fact())
                    server.pager_message = server.fact_message
            quiet_gc()
            self.lag.start()
            housekeeping = asyncio.create_task(self.housekeeping())
            drivers = [asyncio.create_task(self.rounds(s)) for s in self.servers]
            drivers.append(asyncio.create_task(self.side(plan.fact_every, self.fact)))
            drivers.append(asyncio.create_task(self.side(plan.topic_every, self.topic)))

            await asyncio.sleep(plan.warmup)
            self.t0 = time.monotonic()
            self.t1 = self.t0 + plan.duration
            before, gen_before = proc_sample(proc.pid), os.times()
            self.lag.recording = True
            if self.profile is not None:
                spy = self._start_profile(proc.pid)
            await asyncio.sleep(plan.duration)
            after, gen_after = proc_sample(proc.pid), os.times()
            self.lag.recording = False

            self.stopping = True
            for task in drivers:
                task.cancel()
            for task in list(self.tasks):
                task.cancel()
            await asyncio.sleep(LATE + 0.5)  # in-flight answers land (or go late)
            if spy is not None:
                await asyncio.to_thread(spy.wait, 120)
            housekeeping.cancel()
            self.fake.trim(count_from=self.t0, count_until=self.t1, done=self.summarise)
            for record in list(self.fake.world.interactions.values()):
                self.summarise(record)
            if self.target == "lalabot":
                outcome.rounds_finished = await self._stop_rounds()
            final = proc_sample(proc.pid)
            self._fill(outcome, before, after, final, gen_before, gen_after)
        finally:
            self.lag.stop()
            if housekeeping is not None:
                housekeeping.cancel()
            if spy is not None and spy.poll() is None:
                spy.terminate()
            if proc is not None:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.to_thread(proc.wait, 60)
                except subprocess.TimeoutExpired:
                    proc.kill()
            await self.fake.close()
        text = log.read_text(errors="replace") if log.exists() else ""
        outcome.bot_log_errors = text.count("Traceback") + text.count(" ERROR ")
        if self.target == "lalabot":
            self._verify(outcome, tmp / "data" / "lalabot.db")
        if outcome.bot_log_errors:
            kept = Path(tempfile.gettempdir()) / f"lalabot-load-{self.target}.log"
            shutil.copy(log, kept)
            print(f"({outcome.bot_log_errors} errors in the bot's log; kept at {kept})")
        if self.profile is not None:
            outcome.profile = str(self.profile)
        shutil.rmtree(tmp, ignore_errors=True)
        return outcome

    def _start_profile(self, pid: int) -> subprocess.Popen[bytes]:
        assert self.profile is not None
        self.profile.mkdir(parents=True, exist_ok=True)
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        out = self.profile / f"{self.target}.raw.txt"
        return subprocess.Popen(
            [spy, "record", "--pid", str(pid), "--duration", str(int(self.plan.duration)),
             "--rate", "200", "--format", "raw", "--nonblocking", "--threads",
             "--output", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    async def _stop_rounds(self) -> int:
        """/quiz stop wherever a round still runs, so every answer reaches the scores too."""
        handles = []
        for server in self.servers:
            while not server.queue.empty():
                server.queue.get_nowait()
            handle = await self.fake.invoke(
                "quiz stop", member=server.players[0], channel=server.trivia
            )
            handles.append((server, handle))
        await _poll(lambda: all(h.callbacks for _, h in handles), 30)
        stopped = [
            s
            for s, h in handles
            if h.callbacks and "stopped" in str((h.callbacks[0].data or {}).get("content"))
        ]

        async def results(server: Server) -> bool:
            deadline = time.monotonic() + 30
            while (left := deadline - time.monotonic()) > 0:
                message = await self.next_embed(server, left)
                if message is not None and "🏆" in _title(message):
                    return True
            return False

        done = await asyncio.gather(*(results(s) for s in stopped))
        return sum(done)

    # -- figures -----------------------------------------------------------------------------

    def _fill(
        self,
        outcome: Outcome,
        before: ProcSample,
        after: ProcSample,
        final: ProcSample,
        gen_before: os.times_result,
        gen_after: os.times_result,
    ) -> None:
        window = after.at - before.at
        samples = self.samples
        outcome.window = window
        outcome.interactions = len(samples)
        outcome.rate = len(samples) / window
        buckets = Counter(int((s.dispatched_at - self.t0) // 5) for s in samples)
        full = [buckets.get(b, 0) / 5 for b in range(int(window // 5))]
        outcome.rate_min_5s = min(full) if full else 0.0
        answered = sorted(s.elapsed for s in samples if s.elapsed is not None)
        outcome.p50_ms = percentile(answered, 0.50) * 1000
        outcome.p95_ms = percentile(answered, 0.95) * 1000
        outcome.p99_ms = percentile(answered, 0.99) * 1000
        outcome.max_ms = (answered[-1] if answered else 0.0) * 1000
        dispatched: Counter[int] = Counter()
        acked: dict[int, list[float]] = defaultdict(list)
        for s in samples:
            second = int(s.dispatched_at - self.t0)
            dispatched[second] += 1
            if s.elapsed is not None:
                acked[second].append(s.elapsed)
        outcome.per_second = [
            (n, round(percentile(sorted(acked[second]), 0.99) * 1000, 1))
            for second, n in sorted(dispatched.items())
        ]
        outcome.late = sum(1 for s in samples if s.elapsed is not None and s.elapsed > LATE)
        outcome.unanswered = sum(1 for s in samples if s.elapsed is None)
        outcome.refused = sum(1 for s in samples if s.status is not None and s.status >= 300)
        outcome.errors_shown = sum(1 for s in samples if s.content.startswith("Sorry"))
        outcome.locked_in = len(self.expected)
        outcome.bot_cpu_s = after.cpu - before.cpu
        outcome.bot_system_s = after.system - before.system
        outcome.bot_cpu_pct = 100 * outcome.bot_cpu_s / window
        outcome.cpu_per_1000 = 1000 * outcome.bot_cpu_s / max(1, len(samples))
        outcome.peak_rss_mb = after.hwm_kb / 1024
        outcome.peak_rss_stop_mb = final.hwm_kb / 1024
        gen_cpu = (gen_after.user + gen_after.system) - (gen_before.user + gen_before.system)
        outcome.gen_cpu_pct = 100 * gen_cpu / window
        lags = sorted(self.lag.samples)
        outcome.gen_lag_p99_ms = percentile(lags, 0.99) * 1000
        outcome.gen_lag_max_ms = (lags[-1] if lags else 0.0) * 1000
        outcome.skipped_clicks = self.skipped
        by_kind: dict[str, list[float]] = defaultdict(list)
        for s in samples:
            if s.elapsed is not None:
                by_kind[s.kind].append(s.elapsed)
        for kind, values in sorted(by_kind.items()):
            values.sort()
            outcome.by_kind[kind] = {
                "count": len(values),
                "p50_ms": percentile(values, 0.5) * 1000,
                "p99_ms": percentile(values, 0.99) * 1000,
                "max_ms": values[-1] * 1000,
            }
        outcome.rest_per_1000 = {
            route: 1000 * n / max(1, len(samples))
            for route, n in self.fake.request_counts.most_common(12)
        }
        outcome.violations = dict(Counter(v.kind for v in self.fake.world.violations))

    def _verify(self, outcome: Outcome, db_path: Path) -> None:
        """Every "Locked in" answer must be in its round's snapshot, and in score_answers once
        the round was recorded."""
        rounds = sorted({r for r, _, _ in self.expected})
        stored: set[tuple[int, int, int]] = set()
        scored: set[tuple[int, int, int]] = set()
        recorded: set[int] = set()
        with contextlib.closing(sqlite3.connect(db_path)) as db:
            for chunk in _chunks(rounds, 500):
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT id, snapshot FROM rounds WHERE id IN ({marks})", chunk
                ).fetchall()
                question_index: dict[tuple[int, str], int] = {}
                for round_id, raw in rows:
                    snapshot = json.loads(raw)
                    for i, q in enumerate(snapshot.get("questions", [])):
                        question_index[(round_id, str(q.get("id")))] = i
                    for slot in snapshot.get("slots", []):
                        for answer in slot.get("answers", []):
                            stored.add((round_id, slot["index"], answer["player_id"]))
                recorded |= {
                    r
                    for (r,) in db.execute(
                        f"SELECT round_id FROM score_rounds WHERE round_id IN ({marks})", chunk
                    )
                }
                for round_id, player, question in db.execute(
                    "SELECT round_id, player_id, question_id FROM score_answers"
                    f" WHERE round_id IN ({marks})",
                    chunk,
                ):
                    index = question_index.get((round_id, question))
                    if index is not None:
                        scored.add((round_id, index, player))
        outcome.answers_lost = len(self.expected - stored)
        outcome.answers_unacknowledged = len((stored & self.clicked) - self.expected)
        outcome.answers_lost_scores = len({e for e in self.expected if e[0] in recorded} - scored)


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------------------------- report


def _table(outcomes: list[Outcome]) -> str:
    rows: list[tuple[str, Callable[[Outcome], str]]] = [
        ("servers (concurrent rounds)", lambda o: str(o.plan["servers"])),
        ("players per server", lambda o: str(o.plan["players"])),
        ("measured window (s)", lambda o: f"{o.window:.0f}"),
        ("interactions", lambda o: f"{o.interactions:,}"),
        ("interactions/s (mean)", lambda o: f"{o.rate:.0f}"),
        ("interactions/s (worst 5 s)", lambda o: f"{o.rate_min_5s:.0f}"),
        ("ack latency p50 (ms)", lambda o: f"{o.p50_ms:.1f}"),
        ("ack latency p95 (ms)", lambda o: f"{o.p95_ms:.1f}"),
        ("ack latency p99 (ms)", lambda o: f"{o.p99_ms:.1f}"),
        ("ack latency max (ms)", lambda o: f"{o.max_ms:.1f}"),
        ("callbacks later than 3 s", lambda o: str(o.late)),
        ("never answered", lambda o: str(o.unanswered)),
        ("callbacks refused", lambda o: str(o.refused)),
        ("'something went wrong' replies", lambda o: str(o.errors_shown)),
        ("answers locked in (all phases)", lambda o: f"{o.locked_in:,}"),
        ("answers lost (snapshot)", lambda o: _maybe(o.answers_lost)),
        ("answers lost (score tables)", lambda o: _maybe(o.answers_lost_scores)),
        ("answers stored but not acknowledged", lambda o: _maybe(o.answers_unacknowledged)),
        ("bot CPU in window (s)", lambda o: f"{o.bot_cpu_s:.1f}"),
        ("  of which in the kernel (s)", lambda o: f"{o.bot_system_s:.1f}"),
        ("bot CPU (% of one core)", lambda o: f"{o.bot_cpu_pct:.0f}"),
        ("bot CPU s per 1,000 interactions", lambda o: f"{o.cpu_per_1000:.3f}"),
        ("bot peak RSS to the window's end (MB)", lambda o: f"{o.peak_rss_mb:.0f}"),
        ("  then, all rounds stopped at once (MB)", lambda o: f"{o.peak_rss_stop_mb:.0f}"),
        ("fake+driver CPU (% of one core)", lambda o: f"{o.gen_cpu_pct:.0f}"),
        ("fake+driver loop lag p99/max (ms)",
         lambda o: f"{o.gen_lag_p99_ms:.0f}/{o.gen_lag_max_ms:.0f}"),
        ("violations recorded by the fake", lambda o: _violations(o.violations)),
        ("errors in the bot's log", lambda o: str(o.bot_log_errors)),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    header = f"{'':<{width}}  " + "  ".join(f"{o.target:>12}" for o in outcomes)
    lines = [header, "-" * len(header)]
    for name, cell in rows:
        lines.append(f"{name:<{width}}  " + "  ".join(f"{cell(o):>12}" for o in outcomes))
    return "\n".join(lines)


def _maybe(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def _violations(found: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(found.items())) or "0"


def _details(outcome: Outcome) -> str:
    lines = [f"{outcome.target}: latency by interaction"]
    for kind, figures in outcome.by_kind.items():
        lines.append(
            f"  {kind:<14} {int(figures['count']):>7,}  p50 {figures['p50_ms']:6.1f} ms"
            f"  p99 {figures['p99_ms']:6.1f} ms  max {figures['max_ms']:7.1f} ms"
        )
    lines.append(f"{outcome.target}: requests to the fake per 1,000 interactions")
    for route, n in outcome.rest_per_1000.items():
        lines.append(f"  {n:8.1f}  {route}")
    return "\n".join(lines)


async def _main(args: argparse.Namespace) -> int:
    plan = Plan(
        servers=args.servers,
        players=args.players,
        questions=args.questions,
        seconds=args.seconds,
        duration=args.duration,
        warmup=args.warmup,
        ramp=min(args.ramp, args.warmup),
        fact_every=args.fact_every,
        topic_every=args.topic_every,
        seed=args.seed,
    )
    targets: list[Target] = ["lalabot", "floor"] if args.target == "both" else [args.target]
    print(f"machine: {machine_summary()}")
    print(f"plan: {plan}")
    outcomes = []
    for target in targets:
        started = time.monotonic()
        run = LoadRun(
            plan,
            target,
            profile=args.profile,
            lalabot_path=args.lalabot_path,
            floor_loop=args.floor_loop,
        )
        outcome = await run.run()
        print(f"({target} run took {time.monotonic() - started:.0f} s)", flush=True)
        outcomes.append(outcome)
    print()
    print(_table(outcomes))
    for outcome in outcomes:
        print()
        print(_details(outcome))
    if len(outcomes) == 2 and outcomes[1].cpu_per_1000 > 0:
        ratio = outcomes[0].cpu_per_1000 / outcomes[1].cpu_per_1000
        print(
            f"\nlalabot CPU per interaction / discord.py floor ({args.floor_loop}):"
            f" {ratio:.2f}x (goal <= 1.3x)"
        )
    if args.profile is not None:
        for outcome in outcomes:
            raw = args.profile / f"{outcome.target}.raw.txt"
            if raw.exists():
                print()
                print(profile_report(raw, title=outcome.target))
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=2))
    failed = any(
        o.late or o.unanswered or o.answers_lost or o.answers_lost_scores for o in outcomes
    )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=50, help="servers, one round each")
    parser.add_argument("--players", type=int, default=8, help="players per server")
    parser.add_argument("--questions", type=int, default=5, help="questions per round")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per question (10-120)")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=50.0, help="seconds before measuring")
    parser.add_argument(
        "--ramp",
        type=float,
        default=45.0,
        help="seconds over which the servers start their first round: about one round's"
        " length (the default), so rounds run out of step as independent servers' do; a"
        " short ramp (e.g. 10) keeps them in step, a harsher bursty load",
    )
    parser.add_argument(
        "--fact-every",
        type=float,
        default=20.0,
        help="mean seconds between /fact per server (0: none)",
    )
    parser.add_argument(
        "--topic-every",
        type=float,
        default=40.0,
        help="mean seconds between /topic per server (0: none)",
    )
    parser.add_argument("--target", choices=("lalabot", "floor", "both"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="py-spy the bot into this folder")
    parser.add_argument(
        "--lalabot-path",
        type=Path,
        default=REPO,
        help="run lalabot from this source tree (a scratch copy to try a change)",
    )
    parser.add_argument(
        "--floor-loop",
        choices=("asyncio", "uvloop"),
        default="asyncio",
        help="the floor's event loop (lalabot run uses uvloop where installed)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")  # fmt: skip
    args = parser.parse_args(argv)
    if not 10 <= args.seconds <= 120 or args.servers < 1 or args.players < 1:
        parser.error("seconds must be 10-120; servers and players at least 1")
    return asyncio.run(_main(args))


if __name__ == "__main__":
    sys.exit(main())
