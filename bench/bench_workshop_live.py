"""Benchmark: the facilitator's live workshop screen, server CPU per poll and per new answer.

Run from the checkout root: ``.venv/bin/python -m bench.bench_workshop_live [--answers 20]
[--idle 20] [--app DIR]``.

One Streamlit server (``--app``: the checkout whose ``app.py`` it runs, default this one)
on a throwaway SQLite store holding the demo district; one facilitator session on the
workshop page, spoken over Streamlit's websocket as the browser does
(:class:`bench.bench_crowd.Session`, with the browser's message cache:
:class:`BrowserCache`), polling through the page's ``run_every`` fragment as the
browser would. Measured with the server's own CPU seconds (user + system, from
``/proc``), which on a shared machine say more than wall time:

1. ``--idle`` polls with nothing new: CPU per poll;
2. ``--answers`` answers saved one at a time (straight into the store, as a phone's
   save ends), each followed by one poll: CPU per poll that finds a new answer,
   then the polls until the screen is settled (the page's own catch-up, if any).

Printed: per phase the CPU seconds per poll (median and total) and the wall time of
the runs, plus the load average. ``bench/ab.py`` cannot compare revisions where this
file is missing; pass ``--app`` a worktree of the other revision instead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_crowd as crowd  # noqa: E402  (after the path for ``-m``-less runs)


def start(app: Path, db_url: str, log: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py -- --db URL`` from ``app`` on a free loopback port."""
    from tests.browser_support import free_port, wait_healthy

    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address",
               "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
               "--", "--db", db_url]
    env = {k: v for k, v in os.environ.items() if k != "WIJKNETWERK_PASSWORD"}
    env["PYTHONPATH"] = str(app)
    out = log.open("w")
    proc = subprocess.Popen(command, cwd=app, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, lambda: proc.poll() is None, lambda: log.read_text()[-2000:], 120)
    return proc, url


def answer(db_url: str, n: int) -> None:
    """Save one new organisation, as a participant's answer ends in the store."""
    from mapping.store.repository import Store

    with Store(db_url) as store:
        store.add_organisation("wijk", {"id": f"bench_{n}", "name": f"Bench {n}",
                                        "kind": "informal"}, author="bench")


class BrowserCache:
    """The browser's message cache around a session's websocket.

    Streamlit sends a large element (the network's frame) only by its hash when
    the browser says it holds it (``rerun_script.cached_message_hashes``); a
    client that never says so gets the whole frame on every poll. This wrapper
    remembers the hashes of the cacheable messages received and lists them in
    every ``rerun_script`` sent, as the browser does.
    """

    def __init__(self, ws: object) -> None:
        self.ws, self.hashes = ws, set()

    async def send(self, data: bytes) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") == "rerun_script":
            msg.rerun_script.cached_message_hashes.extend(sorted(self.hashes))
        await self.ws.send(msg.SerializeToString())

    async def recv(self) -> bytes:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        raw = await self.ws.recv()
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        if fwd.metadata.cacheable and fwd.hash:
            self.hashes.add(fwd.hash)
        return raw

    async def close(self) -> None:
        await self.ws.close()


async def measure(url: str, db_url: str, answers: int, idle: int) -> dict[str, list]:
    """The three phases against one facilitator session; CPU and wall per poll."""
    session = crowd.Session(url, "workshop", "ds=wijk")  # the seeded "demo" sorts first
    await session.connect()
    session.ws = BrowserCache(session.ws)
    out: dict[str, list] = {"first": [], "idle": [], "answer": [], "settle": []}
    try:
        cpu = crowd.server_cpu()
        run = await session.run()
        out["first"].append((crowd.server_cpu() - cpu, run.seconds))
        if not session.auto_rerun:
            raise SystemExit("the workshop page has no polling fragment")
        fragment, interval = next(iter(session.auto_rerun.items()))

        async def poll(phase: str) -> None:
            await asyncio.sleep(interval)  # as the browser's timer
            before = crowd.server_cpu()
            done = await session.run(fragment_id=fragment, auto=True)
            out[phase].append((crowd.server_cpu() - before, done.seconds))

        for _ in range(idle):
            await poll("idle")
        for n in range(answers):
            answer(db_url, n)
            await poll("answer")
        for _ in range(8):  # long enough for a catch-up that waits for a quiet room
            await poll("settle")
    finally:
        await session.close()
    return out


def main(argv: list[str] | None = None) -> int:
    """Start the server, run the phases, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20)
    parser.add_argument("--idle", type=int, default=20)
    parser.add_argument("--app", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    from bench.bench_store import cpu_model

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}; load average before: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"app: {args.app.resolve()}")
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        db_url = f"sqlite:///{tmp}/live.db"
        crowd.prepare(db_url)
        proc, url = start(args.app.resolve(), db_url, Path(tmp) / "server.log")
        crowd.SERVER_PIDS[:] = [proc.pid]
        try:
            started = time.perf_counter()
            out = asyncio.run(measure(url, db_url, args.answers, args.idle))
            wall = time.perf_counter() - started
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    for phase in ("first", "idle", "answer", "settle"):
        values = out[phase]
        if not values:
            continue
        cpu = [c for c, _ in values]
        runs = [w for _, w in values]
        print(f"{phase} ({len(values)} runs):")
        print(f"  server CPU per poll, median {statistics.median(cpu):.3f} s")
        print(f"  server CPU, total {sum(cpu):.2f} s")
        print(f"  run wall time, median {statistics.median(runs):.3f} s")
    print(f"whole bench wall {wall:.1f} s; load average after: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
