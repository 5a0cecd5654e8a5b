"""Benchmark: a room full of phones and a crowd of dashboards, measured at the server.

Run from the checkout root: ``.venv/bin/python -m bench.bench_crowd [--phones 30]
[--spread 2] [--dashboards 30] [--servers 1] [--postgres] [--profile DIR]``.

Browser tabs cannot measure the server on this 2-core machine (30 Chromium
tabs eat both cores before the app gets any), so every client here is one
Streamlit session speaking Streamlit's own websocket protocol
(``/_stcore/stream``, the ``BackMsg``/``ForwardMsg`` protobufs of the installed
``streamlit.proto``), as the browser does:

- a run is a ``BackMsg.rerun_script`` (query string, page, the widget states
  the client holds; a button press is a ``trigger_value``; a widget inside an
  ``st.fragment`` sends that fragment's id so only it reruns); the server
  answers with deltas and ``script_finished``;
- a widget's id comes from the deltas the server sent (``$$ID-<hash>-<key>``),
  a selectbox's value is the option's label, as in the browser;
- ``auto_rerun`` (``st.fragment(run_every=...)``) is honoured by the facilitator
  client, which keeps the workshop page open during the crowd, as in a room.

1. ``--phones`` participants open ``/join?code=...``, choose "not listed",
   type a name, tick a group (untimed preparation, one rerun per widget as on a
   phone) and press "Versturen" at a random moment within ``--spread`` s.
   Per phone: seconds from sending the click to the delta with the thank-you
   (**ack**) and to ``script_finished`` of that run (**run**); afterwards every
   name must be stored exactly once (**lost** counts the others).
2. ``--dashboards`` clients open the network and the overview page at once
   (first run) and then rerun it ``--reruns`` times; per run seconds from the
   ``rerun_script`` to ``script_finished``. One tab per server and page opens
   them first (caches warm, as for a dashboard in use); ``--cold`` skips that.

Printed: p50/p95/max, lost, and the load average; with ``--profile DIR`` each
server runs under cProfile (every script run profiled in its own thread) and
writes ``DIR/server-N.pstats`` plus the slowest functions, and a line per
script run (page, fragment, seconds) into ``DIR/server-N-runs.tsv``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STREAM = "/_stcore/stream"
ID_PREFIX = "$$ID-"


# --------------------------------------------------------------------------- protocol client


@dataclass
class Widget:
    """A widget the server drew: its id, proto type, the element and its fragment."""

    id: str
    kind: str
    element: object
    fragment_id: str


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    status: int
    texts: list[str]
    first_seen: dict[str, float] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)


def widget_key(widget_id: str) -> str | None:
    """The user key of a widget id ``$$ID-<hash>-<key>`` (None for an unkeyed widget)."""
    if not widget_id.startswith(ID_PREFIX):
        return None
    rest = widget_id[len(ID_PREFIX):]
    _, _, key = rest.partition("-")
    return key or None


class Session:
    """One browser tab's Streamlit session over the websocket, without a browser."""

    def __init__(self, base: str, page: str, query: str = "") -> None:
        self.base, self.page, self.query = base, page, query
        self.widgets: dict[str, Widget] = {}
        self.values: dict[str, tuple[str, object]] = {}  # widget id -> (field, value)
        self.page_hash = ""
        self.auto_rerun: dict[str, float] = {}  # fragment id -> interval
        self.ws = None
        self.changed_fragment = ""

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        url = self.base.replace("http://", "ws://") + STREAM
        self.ws = await connect(url, subprotocols=["streamlit"], max_size=None,
                                open_timeout=120, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def set(self, key: str, field_name: str, value: object) -> None:
        """Give the widget with user key ``key`` a value (as the browser holds it)."""
        self.values[self.widgets[key].id] = (field_name, value)
        # As the browser: a change inside an st.fragment reruns only that fragment.
        self.changed_fragment = self.widgets[key].fragment_id

    def _states(self, trigger: str | None):
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        states = WidgetStates()
        for wid, (name, value) in self.values.items():
            state = states.widgets.add()
            state.id = wid
            if name == "string_array_value":
                state.string_array_value.data.extend(value)  # type: ignore[arg-type]
            elif name == "double_array_value":
                state.double_array_value.data.extend(value)  # type: ignore[arg-type]
            else:
                setattr(state, name, value)
        if trigger is not None:
            state = states.widgets.add()
            state.id = self.widgets[trigger].id
            state.trigger_value = True
        return states

    async def run(self, trigger: str | None = None, fragment_id: str = "",
                  auto: bool = False, watch: tuple[str, ...] = ()) -> Run:
        """Send one ``rerun_script`` and read until its ``script_finished``.

        ``trigger`` presses the button with that key (inside its fragment, if
        any); ``watch`` are texts whose first arrival is timed.
        """
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        state.page_script_hash = self.page_hash
        if trigger is not None and not fragment_id:
            fragment_id = self.widgets[trigger].fragment_id
        elif not fragment_id and not auto:
            fragment_id = self.changed_fragment
        self.changed_fragment = ""
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.widget_states.CopyFrom(self._states(trigger))
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        texts: list[str] = []
        seen: dict[str, float] = {}
        exceptions: list[str] = []
        while True:
            raw = await self.ws.recv()
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = self.page_hash or fwd.new_session.page_script_hash
            elif kind == "navigation":
                self.page_hash = fwd.navigation.page_script_hash or self.page_hash
            elif kind == "auto_rerun":
                self.auto_rerun[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
            elif kind == "delta":
                self._delta(fwd.delta, texts, exceptions)
                for text in watch:
                    if text not in seen and any(text in t for t in texts[-3:]):
                        seen[text] = time.perf_counter() - started
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # a rerun follows in this session: wait for its end
                return Run(time.perf_counter() - started, status, texts, seen, exceptions)

    def _delta(self, delta, texts: list[str], exceptions: list[str]) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        proto = getattr(element, kind)
        if kind == "exception":
            exceptions.append(f"{proto.type}: {proto.message}")
        for name in ("body", "label"):
            text = getattr(proto, name, None)
            if isinstance(text, str) and text:
                texts.append(text)
        wid = getattr(proto, "id", "")
        key = widget_key(wid) if isinstance(wid, str) else None
        if key:
            self.widgets[key] = Widget(wid, kind, proto, delta.fragment_id)


def label_of(session: Session, key: str, wanted: str) -> str:
    """The option label of selectbox ``key`` that contains ``wanted``."""
    options = list(session.widgets[key].element.options)
    return next(o for o in options if wanted in o)


# --------------------------------------------------------------------------- scenarios


async def phone(base: str, code: str, n: int, name: str, click_at: asyncio.Future,
                out: list[dict], ready: list[int]) -> None:
    """One participant: prepare the answer, then press send at ``click_at``'s moment."""
    from mapping.session import md_escape
    from mapping.ui_text import t

    session = Session(base, "join", f"code={code}")
    try:
        await session.connect()
        await session.run()
        nonce = next(k for k in session.widgets if k.startswith("join_org_"))
        form = nonce.removeprefix("join_org_")
        session.set(nonce, "string_value", label_of(session, nonce, t("new_org", "nl")))
        await session.run()
        session.set(f"join_name_{form}", "string_value", name)
        await session.run()
        group = next(k for k in session.widgets if k.startswith(f"join_g_{form}_"))
        session.set(group, "bool_value", True)
        await session.run()
        ready.append(n)
        at = await click_at
        await asyncio.sleep(max(0.0, at + random.Random(n).uniform(0, SPREAD[0])
                                - time.time()))
        thanks = md_escape(t("thanks", "nl"))  # the page escapes it as Markdown
        run = await session.run(trigger=f"join_send_{form}", watch=(thanks,))
        out.append({"ack": run.first_seen.get(thanks), "run": run.seconds,
                    "exceptions": run.exceptions})
    except Exception as exc:  # a failed phone is a lost answer; say why
        out.append({"ack": None, "run": None, "exceptions": [f"{type(exc).__name__}: {exc}"]})
    finally:
        await session.close()


SPREAD = [2.0]
CPU: dict[str, float] = {}


async def facilitator(base: str, stop: asyncio.Event, runs: list[float],
                      ready: asyncio.Event) -> None:
    """The shared screen: the workshop page open, its live fragment polling as in the browser."""
    session = Session(base, "workshop", "ds=wijk")  # the seeded "demo" sorts first
    try:
        await session.connect()
        await session.run()
        ready.set()
        while not stop.is_set():
            if not session.auto_rerun:
                await asyncio.sleep(0.5)
                continue
            fragment, interval = next(iter(session.auto_rerun.items()))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            if stop.is_set():
                break
            run = await session.run(fragment_id=fragment, auto=True)
            runs.append(run.seconds)
    finally:
        ready.set()
        await session.close()


async def dashboard(base: str, page: str, reruns: int, start: asyncio.Event,
                    out: list[dict]) -> None:
    """One dashboard tab: open ``page`` when ``start`` is set, then rerun it."""
    session = Session(base, page)
    try:
        await session.connect()
        await start.wait()
        first = await session.run()
        again = [await session.run() for _ in range(reruns)]
        out.append({"page": page, "first": first.seconds, "reruns": [r.seconds for r in again],
                    "exceptions": first.exceptions})
    except Exception as exc:
        out.append({"page": page, "first": None, "reruns": [],
                    "exceptions": [f"{type(exc).__name__}: {exc}"]})
    finally:
        await session.close()


async def crowd(bases: list[str], code: str, phones: int, prefix: str,
                with_screen: bool) -> tuple[list[dict], list[float]]:
    """``phones`` participants over ``bases``; the facilitator's screen on the last server."""
    loop = asyncio.get_running_loop()
    click_at: asyncio.Future = loop.create_future()
    out: list[dict] = []
    ready: list[int] = []
    stop = asyncio.Event()
    screen_runs: list[float] = []
    screen_ready = asyncio.Event()
    screen = (asyncio.create_task(facilitator(bases[-1], stop, screen_runs, screen_ready))
              if with_screen else None)
    if screen is None:
        screen_ready.set()
    tasks = [asyncio.create_task(phone(bases[i % len(bases)], code, i, f"{prefix} {i}",
                                       click_at, out, ready)) for i in range(phones)]
    deadline = time.time() + 300
    while (len(ready) + len(out) < phones or not screen_ready.is_set()) \
            and time.time() < deadline:
        await asyncio.sleep(0.2)
    cpu = server_cpu()
    click_at.set_result(time.time() + 0.5)
    await asyncio.gather(*tasks)
    CPU["phones"] = server_cpu() - cpu
    stop.set()
    if screen is not None:
        await screen
    return out, screen_runs


async def dashboards(bases: list[str], clients: int, reruns: int, warm: bool) -> list[dict]:
    """``clients`` tabs (half network, half overview, spread over the servers) at one moment.

    ``warm``: one tab per server and page first, so the crowd finds the caches
    filled (a dashboard in use); else the first runs include the cold build
    (layout, report), which every other tab of that server waits for.
    """
    pages = ("network", "overview")
    if warm:
        go = asyncio.Event()
        go.set()
        await asyncio.gather(*(dashboard(base, page, 0, go, []) for base in bases
                               for page in pages))
    start = asyncio.Event()
    out: list[dict] = []
    tasks = [asyncio.create_task(dashboard(bases[(i // 2) % len(bases)], pages[i % 2], reruns,
                                           start, out)) for i in range(clients)]
    await asyncio.sleep(1.0)  # every websocket open before the common start
    cpu = server_cpu()
    start.set()
    await asyncio.gather(*tasks)
    CPU["dashboards"] = server_cpu() - cpu
    return out


# --------------------------------------------------------------------------- servers


PROFILED_SERVER = r"""
import cProfile, pstats, sys, threading, time
from streamlit.runtime.scriptrunner import script_runner as sr
out = sys.argv.pop(1)
lock = threading.Lock()
stats = []
original = sr.ScriptRunner._run_script
def _run_script(self, rerun_data):
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    try:
        return original(self, rerun_data)
    finally:
        prof.disable()
        with lock:
            stats.append(prof)
            with open(out + "-runs.tsv", "a") as f:
                f.write(f"{rerun_data.page_name or rerun_data.page_script_hash[:8]}\t"
                        f"{','.join(rerun_data.fragment_id_queue) or '-'}\t"
                        f"{time.perf_counter() - t0:.4f}\n")
sr.ScriptRunner._run_script = _run_script
def _dump():
    # The bench asks for the profile by creating OUT.dump (Streamlit owns SIGTERM).
    import os
    while not os.path.exists(out + ".dump"):
        time.sleep(0.2)
    with lock:
        if stats:
            total = pstats.Stats(stats[0])
            for s in stats[1:]:
                total.add(s)
            total.dump_stats(out + ".part")
            os.replace(out + ".part", out + ".pstats")
threading.Thread(target=_dump, daemon=True).start()
from streamlit.web.cli import main
sys.argv[0] = "streamlit"
main()
"""


def run_detached(coroutine: Any) -> Any:
    """``asyncio.run(coroutine)`` on a thread of its own, and its result.

    The tests call the clients from pytest's main thread, where a browser test that
    ran before in the same worker may have left Playwright's event loop running;
    ``asyncio.run`` refuses to start inside a running loop, a new thread has none.
    """
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="crowd") as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextlib.contextmanager
def servers(n: int, db_url: str, folder: Path, profile: Path | None) -> Iterator[list[str]]:
    """``n`` ``streamlit run app.py -- --db URL`` processes on loopback; yields their URLs."""
    from tests.browser_support import free_port, wait_healthy

    procs, urls = [], []
    try:
        for i in range(n):
            port = free_port()
            args = ["run", "app.py", "--server.address", "127.0.0.1", "--server.port", str(port),
                    "--server.headless", "true", "--browser.gatherUsageStats", "false",
                    "--server.fileWatcherType", "none", "--", "--db", db_url]
            if profile is not None:
                command = [sys.executable, "-c", PROFILED_SERVER, str(profile / f"server-{i}"),
                           *args]
            else:
                command = [sys.executable, "-m", "streamlit", *args]
            env = {k: v for k, v in os.environ.items() if k != "WIJKNETWERK_PASSWORD"}
            log = open(folder / f"streamlit-{port}.log", "w")  # noqa: SIM115 (closed by exit)
            procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
        SERVER_PIDS[:] = [p.pid for p in procs]
        for i, (url, proc) in enumerate(zip(urls, procs, strict=True)):
            logs = sorted(folder.glob("streamlit-*.log"))
            wait_healthy(url, lambda p=proc: p.poll() is None,
                         lambda f=logs[i]: f.read_text(errors="replace")[-2000:], 120)
        yield urls
    finally:
        if profile is not None:
            for i in range(n):
                (profile / f"server-{i}.dump").touch()
            deadline = time.time() + 120
            while time.time() < deadline and not all(
                    (profile / f"server-{i}.pstats").exists() for i in range(n)):
                time.sleep(0.5)
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def prepare(db_url: str) -> str:
    """The demo district as dataset ``wijk`` with joining open; returns the code."""
    from bench.bench_store import demo_district
    from mapping.store.repository import Store

    demo, _ = demo_district()
    with Store(db_url) as store:
        if "wijk" not in store.list_datasets():
            store.create_dataset("wijk", demo)
        return store.open_join("wijk")


def stored(db_url: str, prefix: str) -> list[str]:
    """Names of the stored organisations that start with ``prefix``."""
    from mapping.store.repository import Store

    with Store(db_url) as store:
        names = store.load("wijk").organisations["name"].tolist()
    return [n for n in names if str(n).startswith(prefix)]


def figures(values: list[float]) -> str:
    """p50 / p95 / max of ``values`` in seconds."""
    if not values:
        return "no values"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, "
            f"max {ordered[-1]:.2f} s")


SERVER_PIDS: list[int] = []


def server_cpu() -> float:
    """CPU seconds (user + system) the app servers have used so far.

    The machine is shared, so wall-clock figures depend on what else runs;
    the servers' CPU per answer or page run does not.
    """
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in SERVER_PIDS:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def top_functions(pstats_file: Path, n: int = 25) -> None:
    """Print the slowest functions (cumulative) of a server's profile."""
    import pstats

    if pstats_file.exists():
        print(f"--- {pstats_file.name}: top {n} by cumulative time")
        pstats.Stats(str(pstats_file)).sort_stats("cumulative").print_stats(n)


@contextlib.contextmanager
def database(postgres: bool) -> Iterator[str]:
    """A throwaway SQLite file, or PostgreSQL (``tests.deploy.harness.postgres_url``)."""
    if postgres:
        from tests.deploy.harness import postgres_url

        with postgres_url() as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="bench-crowd-db-") as tmp:
        yield f"sqlite:///{tmp}/crowd.db"


def main(argv: list[str] | None = None) -> int:
    """Start the servers, run both scenarios, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--spread", type=float, default=2.0, help="seconds the taps spread over")
    parser.add_argument("--dashboards", type=int, default=30)
    parser.add_argument("--reruns", type=int, default=2, help="reruns per dashboard client")
    parser.add_argument("--servers", type=int, default=1, help="app server processes")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--no-screen", action="store_true",
                        help="without the facilitator's live workshop page")
    parser.add_argument("--cold", action="store_true",
                        help="dashboards start on cold caches (no tab opened the pages first)")
    parser.add_argument("--profile", type=Path, default=None,
                        help="folder for the servers' cProfile output")
    args = parser.parse_args(argv)
    SPREAD[0] = args.spread
    from bench.bench_store import cpu_model

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}; load average before: {_load()}")
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
        for old in args.profile.glob("server-*"):
            old.unlink()
    with database(args.postgres) as db_url, \
            tempfile.TemporaryDirectory(prefix="bench-crowd-") as tmp:
        code = prepare(db_url)
        backend = "PostgreSQL" if args.postgres else "SQLite"
        with servers(args.servers, db_url, Path(tmp), args.profile) as bases:
            print(f"{args.servers} server(s) on {backend}, join code {code}")
            if args.phones:
                prefix = f"Telefoon {int(time.time()) % 10000}"
                out, screen = asyncio.run(crowd(bases, code, args.phones, prefix,
                                                not args.no_screen))
                names = stored(db_url, prefix)
                expected = [f"{prefix} {i}" for i in range(args.phones)]
                lost = sum(names.count(n) != 1 for n in expected)
                acks = [r["ack"] for r in out if r["ack"] is not None]
                runs = [r["run"] for r in out if r["run"] is not None]
                print(f"{args.phones} phones pressing send within {args.spread:g} s: "
                      f"ack {figures(acks)}; run {figures(runs)}; "
                      f"acknowledged {len(acks)}, lost {lost}; load average {_load()}")
                print(f"  server CPU while the phones sent: {CPU['phones']:.1f} s "
                      f"({CPU['phones'] / args.phones:.2f} s per answer)")
                if screen:
                    print(f"  facilitator's live fragment meanwhile: {len(screen)} polls, "
                          f"{figures(screen)}")
                for problem in {e for r in out for e in r["exceptions"]}:
                    print(f"  problem: {problem}")
            if args.dashboards:
                out = asyncio.run(dashboards(bases, args.dashboards, args.reruns,
                                             not args.cold))
                for page in ("network", "overview"):
                    mine = [r for r in out if r["page"] == page]
                    first = [r["first"] for r in mine if r["first"] is not None]
                    again = [s for r in mine for s in r["reruns"]]
                    print(f"{len(mine)} dashboards on {page}: first run "
                          f"({'cold' if args.cold else 'warm'} caches) {figures(first)}; "
                          f"reruns {figures(again)}")
                every = [r["first"] for r in out if r["first"] is not None] + [
                    s for r in out for s in r["reruns"]]
                print(f"all {args.dashboards} dashboards: page runs {figures(every)}; "
                      f"load average {_load()}; server CPU {CPU['dashboards']:.1f} s "
                      f"({CPU['dashboards'] / max(1, len(every)):.2f} s per page run)")
                for problem in {e for r in out for e in r["exceptions"]}:
                    print(f"  problem: {problem}")
    if args.profile is not None:
        for i in range(args.servers):
            top_functions(args.profile / f"server-{i}.pstats")
    return 0


if __name__ == "__main__":
    sys.exit(main())
