"""Start-up and /about round trip of `lalabot run` against the fake Discord.

Run by hand from the repository root:  python -m bench.runtime_bench
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fakediscord.fixtures import default_fake

REPO = Path(__file__).resolve().parents[1]
ROUNDS = 100


async def main() -> None:
    fake = default_fake()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        base = {**os.environ, "LALABOT_DB_PATH": str(db), "LALABOT_LOG_LEVEL": "WARNING"}
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "lalabot", "import"],
            env=base,
            check=True,
            cwd=REPO,
            capture_output=True,
        )
        env = {**base, **fake.env()}
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "lalabot", "run", env=env, cwd=REPO
        )
        try:
            await fake.wait_ready(timeout=60)
            ready = time.perf_counter() - started
            await fake.wait_commands_synced(["about"], guild=fake.guild, timeout=60)
            synced = time.perf_counter() - started
            member, channel = fake.guild.member("keith"), fake.guild.channel("general")
            trips = []
            for _ in range(ROUNDS):
                handle = await fake.invoke("about", member=member, channel=channel)
                callback = await handle.response()
                trips.append(callback.elapsed * 1000)
            trips.sort()
            print(f"process start to READY:          {ready * 1000:8.0f} ms")
            print(f"process start to commands synced:{synced * 1000:8.0f} ms")
            print(
                f"/about round trip, {ROUNDS} calls:    median {statistics.median(trips):.1f} ms,"
                f" p99 {trips[int(len(trips) * 0.99) - 1]:.1f} ms, max {trips[-1]:.1f} ms"
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), 30)
            print(f"exit code after SIGTERM: {code}")
            await fake.close()


if __name__ == "__main__":
    asyncio.run(main())
