"""Latency from an answer click to the bot's "Locked in" reply, with `lalabot run` as its own
process against the fake Discord. Every locked-in answer is in SQLite before the reply.

Run by hand from the repository root:  python -m bench.quiz_click_bench [--rounds 5 --players 40]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fakediscord import FakeDiscord, StoredMessage

REPO = Path(__file__).resolve().parents[1]


def _title(message: StoredMessage) -> str:
    return str(message.embeds[0]["title"]) if message.embeds else ""


async def main(rounds: int, players: int, questions: int) -> None:
    fake = FakeDiscord()
    guild = fake.add_guild("Bench", owner="host")
    channels = [guild.add_channel(f"quiz-{i}") for i in range(rounds)]
    members = [guild.add_member(f"player{i}") for i in range(players)]
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            **fake.env(),
            "LALABOT_DB_PATH": str(Path(tmp) / "bench.db"),
            "LALABOT_LOG_LEVEL": "WARNING",
        }
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "lalabot", "import"],
            env=env,
            check=True,
            cwd=REPO,
            capture_output=True,
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "lalabot", "run", env=env, cwd=REPO
        )
        latencies: list[float] = []
        rng = random.Random(1)
        try:
            await fake.wait_commands_synced(["quiz"], guild=guild, timeout=60)
            await fake.wait_ready(timeout=60)

            async def play(channel_index: int) -> None:
                channel = channels[channel_index]
                start = await fake.invoke(
                    "quiz start",
                    member=members[0],
                    channel=channel,
                    options={"questions": questions, "seconds": 20},
                )
                await start.response()
                for number in range(1, questions + 1):
                    question = await fake.wait_for_message(
                        channel.id,
                        lambda m, n=number: _title(m).startswith(f"Question {n} of"),
                        timeout=60,
                    )
                    ids = question.custom_ids()

                    async def click(
                        member_index: int, ids: list[str] = ids, question: StoredMessage = question
                    ) -> None:
                        await asyncio.sleep(rng.uniform(0, 1.0))
                        handle = await fake.click(
                            question, rng.choice(ids), member=members[member_index]
                        )
                        callback = await handle.response(timeout=30)
                        latencies.append(callback.elapsed * 1000)

                    await asyncio.gather(*(click(i) for i in range(players)))
                await fake.wait_for_message(channel.id, lambda m: "🏆" in _title(m), timeout=60)

            started = time.perf_counter()
            await asyncio.gather(*(play(i) for i in range(rounds)))
            elapsed = time.perf_counter() - started
        finally:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 30)
            await fake.close()
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(
        f"{rounds} rounds x {players} players x {questions} questions: "
        f"{len(latencies)} clicks in {elapsed:.1f} s"
    )
    print(
        f"click -> 'Locked in': median {statistics.median(latencies):.1f} ms,"
        f" p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms"
    )
    print(f"violations recorded by the fake: {len(fake.violations)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--players", type=int, default=40)
    parser.add_argument("--questions", type=int, default=5)
    ns = parser.parse_args()
    asyncio.run(main(ns.rounds, ns.players, ns.questions))
