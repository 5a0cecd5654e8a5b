"""Every stage at every size, side by side with the script a researcher would write.

    .venv/bin/python bench/bench_scale.py [--sizes demo 1 2 4 10 20] [--baseline-up-to 4]
                                          [--baseline-timeout 300] [--pages]

For each size (the demo district, and synthetic cities of ``N`` x 5,000
organisations and 1,500 groups from :func:`mapping.io.demo.generate`, written to
CSV and read back as a user would), a fresh process times every stage and
reads its peak memory (resident set size, which only grows, so each figure is
the peak up to and including that stage):

load, graph, coverage (classes, distances and routes), brokers, suggestions,
quality (the three collaboration tables), measures (degree, exact or sampled
betweenness, Louvain), layout, the full report, and with ``--pages`` the
network and collaboration pages' first visit and a filter change (AppTest).

The baseline is the obvious pandas + networkx script: per group, a graph of
the organisations, their collaborations and that one group, a super-sink
behind every formal organisation, ``nx.node_connectivity`` for the routes and
one shortest path for the distance. Its classes, distances and routes are
checked against ours for every group, and the ratio is printed. The baseline
is stopped after ``--baseline-timeout`` seconds per size (it grows with groups
x links: at 1x it ran for more than 50 minutes); the table then says ``> T s``
and the ratio is a lower bound.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
UNIT = (5000, 1500)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(dataset: Any) -> dict[str, tuple[str, int | None, int]]:
    """Class, distance and routes per group, the way a researcher's script computes them."""
    import networkx as nx

    orgs = dataset.organisations
    formal = set(orgs.loc[orgs["kind"] == "formal", "id"].astype(str))
    base = nx.Graph()
    base.add_nodes_from(orgs["id"].astype(str))
    collab = dataset.collaborations
    base.add_edges_from((str(a), str(b)) for a, b in zip(collab["source"], collab["target"],
                                                          strict=True) if a != b)
    base.add_edges_from(("SINK", f) for f in formal)
    reach = dataset.reach
    reachers: dict[str, set[str]] = {}
    for o, g in zip(reach["organisation"].astype(str), reach["group"].astype(str), strict=True):
        reachers.setdefault(g, set()).add(o)
    result = {}
    for gid in dataset.parent_groups["id"].astype(str):
        mine = reachers.get(gid, set())
        if not mine:
            result[gid] = ("unreached", None, 0)
            continue
        node = f"G:{gid}"
        base.add_edges_from((node, o) for o in mine)  # this group only, then removed again
        if not nx.has_path(base, node, "SINK"):
            result[gid] = ("informal_only", None, 0)
        else:
            routes = nx.node_connectivity(base, node, "SINK")
            distance = nx.shortest_path_length(base, node, "SINK") - 2
            result[gid] = ("direct" if mine & formal else "bridged", distance, routes)
        base.remove_node(node)
    return result


class _Timeout(Exception):
    """The baseline ran out of its time."""


def _timed_baseline(dataset: Any, seconds: float) -> tuple[float, dict | None]:
    """Run :func:`baseline` for at most ``seconds``: (elapsed, result or ``None``)."""
    def stop(_signum: int, _frame: Any) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.perf_counter()
    try:
        return time.perf_counter() - start, baseline(dataset)
    except _Timeout:
        return time.perf_counter() - start, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_size(size: str, out: Path, with_baseline: bool, pages: bool,
             baseline_timeout: float = 300.0) -> dict[str, Any]:
    """All stages for one size, in this process (called in a fresh subprocess)."""
    from mapping.io.demo import demo_district, generate, write_demo

    folder = out / f"size-{size}"
    if not folder.exists():
        dataset = demo_district() if size == "demo" else generate(
            organisations=UNIT[0] * int(size), groups=UNIT[1] * int(size), seed=1)
        write_demo(folder, dataset)
    stages: list[dict[str, Any]] = []

    def stage(name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        stages.append({"stage": name, "seconds": time.perf_counter() - start,
                       "peak_mb": _peak_mb()})
        return value

    from mapping.analysis import graph as g
    from mapping.analysis import quality
    from mapping.analysis.brokers import brokers
    from mapping.analysis.coverage import compute, network_from_dataset
    from mapping.analysis.measures import all_measures
    from mapping.analysis.report import build_report
    from mapping.analysis.suggest import suggest
    from mapping.domain.limits import allow_rows
    from mapping.io.load import load_path
    from mapping.views.layout import positions

    # A 20x city has 540,000 collaboration rows, beyond the 200,000 rows an upload may
    # hold; the bench raises the bound as an operator does with --max-rows.
    allow_rows(1_000_000)
    loaded = stage("load", load_path, folder)
    dataset = loaded.dataset
    with g.gc_paused():
        # The analysis network straight from the tables, as the report builds it; the
        # networkx graph (next) is what the pages draw.
        net = stage("network", network_from_dataset, dataset)
        cov = stage("coverage", compute, net)
        stage("brokers", brokers, cov)
        stage("suggestions", suggest, cov, 5)
    graph = stage("graph", g.build_graph, dataset)
    # From the tables, as the Collaboration page computes them (it needs no graph).
    links = stage("quality", quality.link_quality, dataset)
    stage("quality", quality.organisation_profile, dataset, links)
    stage("quality", quality.reciprocity_gaps, dataset)
    stage("measures", all_measures, g.collaboration_graph(graph))
    stage("layout", positions, graph)
    stage("report", build_report, dataset)
    if pages:
        _pages(folder, stage)
    merged: dict[str, dict[str, float]] = {}
    for entry in stages:  # the three quality tables as one stage
        row = merged.setdefault(entry["stage"], {"seconds": 0.0, "peak_mb": 0.0})
        row["seconds"] += entry["seconds"]
        row["peak_mb"] = max(row["peak_mb"], entry["peak_mb"])
    counts = dataset.counts()
    result: dict[str, Any] = {"size": size, "counts": counts, "stages": merged}
    if with_baseline:
        start = time.perf_counter()
        _elapsed, expected = _timed_baseline(dataset, baseline_timeout)
        result["baseline_seconds"] = time.perf_counter() - start
        if expected is None:
            result["baseline_timeout"] = baseline_timeout
        else:
            ours = {gid: (gc.coverage, gc.distance, gc.routes)
                    for gid, gc in cov.groups.items()}
            result["baseline_agrees"] = ours == expected
    return result


def _pages(folder: Path, stage) -> None:
    """First visit and a filter change of the network and collaboration pages (AppTest)."""
    import os

    from streamlit.testing.v1 import AppTest

    os.environ.setdefault("MAPPING_DB", f"sqlite:///{folder / 'bench-store.sqlite'}")
    for page in ("network", "collaboration"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params["data"] = str(folder)
        sys.argv = ["app.py", "--data", str(folder)]
        at.switch_page(f"pages/{page}.py")
        stage(f"page {page} first", at.run)
        if page == "network":
            widget = at.multiselect(key="net_cat.nl")
            options = list(widget.options)[:1]
            stage(f"page {page} filter", widget.set_value(options).run)
        else:
            stage(f"page {page} rerun", at.run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["demo", "1", "2", "4"])
    parser.add_argument("--baseline-up-to", type=float, default=4,
                        help="run the baseline script for sizes up to this (it is slow)")
    parser.add_argument("--baseline-timeout", type=float, default=300.0, metavar="T",
                        help="stop the baseline after T seconds per size and print '> T s'")
    parser.add_argument("--pages", action="store_true", help="also time pages (AppTest)")
    parser.add_argument("--data", default=None, help="folder for generated cities (kept)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one size, print JSON
    args = parser.parse_args(argv)
    out = Path(args.data or tempfile.gettempdir()) / "wijknetwerk-bench-scale"
    out.mkdir(parents=True, exist_ok=True)
    if args.one:
        size = args.one
        scale = 0 if size == "demo" else float(size)
        print(json.dumps(run_size(size, out, scale <= args.baseline_up_to, args.pages,
                                  args.baseline_timeout)))
        return 0
    results = []
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--one", size, "--baseline-up-to",
               str(args.baseline_up_to), "--baseline-timeout", str(args.baseline_timeout),
               "--data", str(out.parent)]
        if args.pages:
            cmd.append("--pages")
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            print(f"size {size} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        _print(results[-1])
    _table(results)
    return 0


def _print(result: dict[str, Any]) -> None:
    c = result["counts"]
    print(f"\n{result['size']}: {c['organisations']} organisations, {c['parent_groups']} groups, "
          f"{c['reach']} reach, {c['collaborations']} collaboration rows")
    for name, row in result["stages"].items():
        print(f"  {name:<22} {row['seconds']:8.3f} s   peak {row['peak_mb']:7.0f} MB")
    if "baseline_seconds" in result:
        ours = result["stages"]["coverage"]["seconds"]
        if "baseline_timeout" in result:
            print(f"  baseline script        > {result['baseline_timeout']:.0f} s   "
                  f"(> {result['baseline_timeout'] / ours:.0f}x our coverage; stopped)")
            return
        print(f"  baseline script        {result['baseline_seconds']:8.3f} s   "
              f"({result['baseline_seconds'] / ours:.0f}x our coverage; same answers: "
              f"{result['baseline_agrees']})")


def _table(results: list[dict[str, Any]]) -> None:
    """The README table: stages as rows, sizes as columns."""
    if not results:
        return
    stages = list(dict.fromkeys(s for r in results for s in r["stages"]))
    print("\n| stage | " + " | ".join(r["size"] for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for name in stages:
        cells = [f"{r['stages'][name]['seconds']:.2f} s / {r['stages'][name]['peak_mb']:.0f} MB"
                 if name in r["stages"] else "" for r in results]
        print(f"| {name} | " + " | ".join(cells) + " |")
    cells = []
    for r in results:
        if "baseline_seconds" not in r:
            cells.append("–")
            continue
        ours = r["stages"]["coverage"]["seconds"]
        if "baseline_timeout" in r:
            cells.append(f"> {r['baseline_timeout']:.0f} s (> {r['baseline_timeout'] / ours:.0f}x)")
            continue
        ratio = r["baseline_seconds"] / ours
        cells.append(f"{r['baseline_seconds']:.1f} s ({ratio:.0f}x)")
    print("| baseline script (ratio to coverage) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
