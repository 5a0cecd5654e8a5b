"""Benchmark: the dataset store under a workshop's load, on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/bench_store.py [--seconds 5] [--writers 20] [--postgres URL]``.

Prints, per backend:

* writes per second held by 20 concurrent writers (processes, and threads
  sharing one store as Streamlit sessions do), each adding organisations
  through :meth:`mapping.store.repository.Store.add_organisation` for a fixed time, and
  whether every write is there afterwards (``lost`` must be 0);
* the time to restore version 1 of the demo district after a workshop's worth
  of edits (and back), and to load a version with a cold cache.

PostgreSQL: ``--postgres URL``, else ``$MAPPING_TEST_POSTGRES_URL``, else a
throwaway cluster started with ``tools/postgres.sh`` (skipped when the server
binaries are missing). The demo district comes from ``data/demo`` through
:mod:`mapping.io.load` when both exist; otherwise a generated district of the
same kind (60 organisations, 25 groups) stands in.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.store.repository import Store, _demo_dataset

ROOT = Path(__file__).resolve().parents[1]

CTX = mp.get_context("fork")


def small_district(seed: int = 3) -> Dataset:
    """A district of demo size: 60 organisations, 25 groups, ~80 reach links, ~90 ratings."""
    rng = random.Random(seed)
    orgs = pd.DataFrame({
        "id": [f"O{i}" for i in range(60)],
        "name": [f"Organisatie {i}" for i in range(60)],
        "kind": ["formal" if i % 3 == 0 else "informal" for i in range(60)],
        "category": ["wijkteam" if i % 3 == 0 else "mzo" for i in range(60)],
        "neighbourhood": [f"BU0{i % 5}" for i in range(60)],
        "lat": [52.0 + rng.random() / 10 for _ in range(60)],
        "lon": [4.0 + rng.random() / 10 for _ in range(60)],
        "topics": [("opvoeden", "school")[: i % 3] for i in range(60)],
        "contact": [None] * 60,
    })
    groups = pd.DataFrame({
        "id": [f"G{i}" for i in range(25)], "name": [f"Groep {i}" for i in range(25)],
        "community": ["Somalisch"] * 25, "neighbourhood": [f"BU0{i % 5}" for i in range(25)],
        "families": pd.array([rng.randint(5, 80) for _ in range(25)], dtype="Int64"),
    })
    pairs = sorted({(f"O{rng.randrange(60)}", f"G{rng.randrange(25)}") for _ in range(90)})
    reach = pd.DataFrame({"organisation": [p[0] for p in pairs], "group": [p[1] for p in pairs],
                          "strength": [float(rng.randint(1, 5)) for _ in pairs],
                          "topics": [()] * len(pairs)})
    links = [(f"O{rng.randrange(60)}", f"O{rng.randrange(60)}") for _ in range(100)]
    links = [(a, b) for a, b in links if a != b]
    collabs = pd.DataFrame({"source": [a for a, _ in links], "target": [b for _, b in links],
                            "form": ["referral"] * len(links),
                            **{c: [float(rng.randint(1, 5)) for _ in links] for c in CONDITIONS},
                            "reported_by": [f"r{i}" for i in range(len(links))]})
    return Dataset(orgs, groups, reach, collabs, None, name="demo")


def demo_district() -> tuple[Dataset, str]:
    demo = _demo_dataset()
    if demo is not None:
        return demo, "data/demo"
    return small_district(), "generated stand-in (data/demo or mapping.io.load missing)"


# --------------------------------------------------------------------------- writers


def _write_for(store: Store, writer: int, seconds: float, start_at: float,
               ) -> tuple[int, list[float]]:
    """Add organisations until the time is up; returns the count and each save's latency."""
    while time.time() < start_at:
        time.sleep(0.001)
    end, latencies = start_at + seconds, []
    while time.time() < end:
        t0 = time.perf_counter()
        store.add_organisation("wijk", {"id": f"w{writer}-{len(latencies)}", "name": "Nieuw",
                                        "kind": "informal"})
        latencies.append(time.perf_counter() - t0)
    return len(latencies), latencies


def _process(url: str, writer: int, seconds: float, start_at: float, out: Any) -> None:
    with Store(url, create=False) as store:
        out.put((writer, _write_for(store, writer, seconds, start_at)))


def run_writers(url: str, writers: int, seconds: float, mode: str) -> dict[str, float]:
    """``writers`` concurrent writers for ``seconds``; returns writes/s and lost writes."""
    with Store(url) as store:
        if "wijk" in store.list_datasets():
            raise SystemExit("benchmark database is not empty")
        store.create_dataset("wijk", small_district())
        start_at = time.time() + (1.5 if mode == "processes" else 0.3)
        counts: dict[int, int] = {}
        latencies: list[float] = []
        if mode == "processes":
            out = CTX.Queue()
            procs = [CTX.Process(target=_process, args=(url, w, seconds, start_at, out))
                     for w in range(writers)]
            for p in procs:
                p.start()
            for _ in procs:
                writer, (n, lat) = out.get(timeout=seconds + 120)
                counts[writer] = n
                latencies.extend(lat)
            for p in procs:
                p.join()
        else:
            def run(w: int) -> None:
                counts[w], lat = _write_for(store, w, seconds, start_at)
                latencies.extend(lat)

            threads = [threading.Thread(target=run, args=(w,)) for w in range(writers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        elapsed = max(time.time() - start_at, seconds)
        total = sum(counts.values())
        present = set(store.load("wijk").organisations["id"])
        expected = {f"w{w}-{i}" for w, n in counts.items() for i in range(n)}
        lost = len(expected - present)
        versions = store.head("wijk") - 1
    latencies.sort()
    return {"writes": total, "per_second": total / elapsed, "lost": lost,
            "versions": versions, "slowest_writer": min(counts.values()),
            "p50": latencies[len(latencies) // 2], "p95": latencies[int(len(latencies) * .95)],
            "max": latencies[-1]}


# --------------------------------------------------------------------------- restore


def run_restore(url: str, demo: Dataset, edits: int = 200, repeat: int = 5) -> dict[str, float]:
    """Restore timings for the demo district after ``edits`` single edits."""
    with Store(url) as store:
        store.create_dataset("demo", demo)
        orgs = list(demo.organisations["id"])
        groups = list(demo.parent_groups["id"])
        rng = random.Random(5)
        for i in range(edits):
            org = f"E{i}"
            store.add_organisation("demo", {"id": org, "name": org, "kind": "informal"})
            if groups:
                store.add_reach("demo", {"organisation": org, "group": rng.choice(groups)})
            if orgs:
                store.add_collaboration("demo", {"source": org, "target": rng.choice(orgs),
                                                 "trust": 4})
        head = store.head("demo")
        restore_times, back_times = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            store.restore("demo", 1)
            restore_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.restore("demo", head)
            back_times.append(time.perf_counter() - t0)
        loads = []
        for _ in range(repeat):
            with Store(url, create=False) as cold:
                t0 = time.perf_counter()
                cold.load("demo", 1)
                loads.append(time.perf_counter() - t0)
        return {"restore_v1": statistics.median(restore_times),
                "restore_head": statistics.median(back_times),
                "load_cold": statistics.median(loads), "versions": head,
                "rows_changed": edits * (1 + bool(groups) + bool(orgs))}


# --------------------------------------------------------------------------- backends


class Postgres:
    """A PostgreSQL server for the run: given, from the environment, or throwaway."""

    def __init__(self, url: str | None) -> None:
        self.dir: str | None = None
        self.url = url or os.environ.get("MAPPING_TEST_POSTGRES_URL")
        if self.url is None:
            self.dir = tempfile.mkdtemp(prefix="wijknetwerk-bench-pg-")
            os.rmdir(self.dir)  # postgres.sh creates it with the right owner
            done = subprocess.run(["bash", str(ROOT / "tools" / "postgres.sh"), "start",
                                   self.dir], capture_output=True, text=True)
            if done.returncode != 0:
                print(f"PostgreSQL skipped: {done.stderr.strip()}")
                self.dir = None
                return
            self.url = done.stdout.strip()

    def fresh(self) -> str:
        """A URL to an empty schema of its own."""
        import psycopg
        from sqlalchemy.engine import make_url

        assert self.url is not None
        base = make_url(self.url).set(drivername="postgresql")
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(base.render_as_string(hide_password=False),
                             autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return (make_url(self.url).set(drivername="postgresql+psycopg")
                .update_query_dict({"options": f"-csearch_path={schema}"})
                .render_as_string(hide_password=False))

    def close(self) -> None:
        if self.dir:
            subprocess.run(["bash", str(ROOT / "tools" / "postgres.sh"), "stop", self.dir],
                           capture_output=True)


@contextlib.contextmanager
def backends(postgres: str | None, no_postgres: bool,
             ) -> Iterator[list[tuple[str, Callable[[], str]]]]:
    """``(name, fresh)`` per backend to run: SQLite files in a temporary folder, and
    PostgreSQL (``postgres``, else the environment's, else throwaway) unless ``no_postgres``;
    ``fresh()`` gives the URL of an empty database."""
    pg = None if no_postgres else Postgres(postgres)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            files = iter(range(1000))
            found: list[tuple[str, Callable[[], str]]] = [
                ("sqlite", lambda: f"sqlite:///{tmp}/b{next(files)}.sqlite")]
            if pg is not None and pg.url:
                found.append(("postgresql", pg.fresh))
            yield found
    finally:
        if pg is not None:
            pg.close()


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo (Linux), else what platform reports."""
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="writing time per run")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL (default: throwaway)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    demo, source = demo_district()
    print(f"demo district: {source}: {len(demo.organisations)} organisations, "
          f"{len(demo.parent_groups)} groups, {len(demo.reach)} reach links, "
          f"{len(demo.collaborations)} collaboration ratings")
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {sys.version.split()[0]}")
    with backends(args.postgres, args.no_postgres) as found:
        for backend, fresh in found:
            for mode in ("processes", "threads"):
                r = run_writers(fresh(), args.writers, args.seconds, mode)
                print(f"{backend:<10} {args.writers} writers ({mode:<9}): "
                      f"{r['per_second']:7.1f} writes/s held over {args.seconds:g} s, "
                      f"{r['writes']} writes, lost {r['lost']}; save latency "
                      f"p50 {r['p50'] * 1000:.0f} ms, p95 {r['p95'] * 1000:.0f} ms, "
                      f"max {r['max'] * 1000:.0f} ms; fewest saves by one writer "
                      f"{r['slowest_writer']}")
            r = run_restore(fresh(), demo)
            print(f"{backend:<10} restore demo v1 after {r['versions'] - 1} versions: "
                  f"{r['restore_v1'] * 1000:6.1f} ms; back to newest "
                  f"{r['restore_head'] * 1000:6.1f} ms; "
                  f"cold load of a version {r['load_cold'] * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
