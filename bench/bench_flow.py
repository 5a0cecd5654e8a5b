"""Benchmark: distances, coverage (routes) and brokers on cities already written as CSV.

Run: ``.venv/bin/python -m bench.bench_flow [--warm] DIR [DIR ...]`` (for example
``/tmp/city1x /tmp/city4x /tmp/city20x``; ``python -m bench.ab --before main bench_flow DIR``
compares two revisions). Each folder is loaded as ``python -m mapping report --max-rows
1000000`` would, in its own process, then prints wall-clock and CPU seconds (the steadier
figure on a shared machine) for :func:`mapping.analysis.coverage.distances`,
:func:`~mapping.analysis.coverage.compute` and :func:`mapping.analysis.brokers.brokers`, and for
a what-if of one new link recomputed from scratch (a changed copy of the network). With
``--warm`` the compiled kernels are loaded first (``mapping.analysis.flow.warm``, what the
app does at start), so the figures exclude that one-off cost, which is printed on its own.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench.processes import run_each


def timed(label: str, fn: Any, *args: Any) -> Any:
    """Run ``fn`` and print its wall-clock and CPU seconds."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    print(f"  {label:<20} {time.perf_counter() - start:7.3f} s", flush=True)
    print(f"  {label + ' cpu':<20} {time.process_time() - cpu:7.3f} s", flush=True)
    return result


def bench(folder: Path, warm: bool) -> None:
    """Time the stages on the city in ``folder``."""
    from mapping.analysis import graph as g
    from mapping.analysis.brokers import brokers
    from mapping.analysis.coverage import compute, distances, network_from_dataset
    from mapping.analysis.whatif import Scenario, apply
    from mapping.domain.limits import allow_rows
    from mapping.io.load import load_path

    if warm:
        from mapping.analysis import flow

        if hasattr(flow, "warm"):
            timed("warm", flow.warm)
    allow_rows(1_000_000)
    result = load_path(folder)
    assert result.ok, result.errors[:3]
    counts = result.dataset.counts()
    print(f"{folder.name}: {counts['organisations']} organisations, "
          f"{counts['parent_groups']} groups, {counts['collaborations']} collaborations",
          flush=True)
    with g.gc_paused():
        net = network_from_dataset(result.dataset)
        timed("distances", distances, net)
        cov = timed("coverage", compute, net)
        timed("brokers", brokers, cov)
        informal = next(o for o in net.adj if o not in net.formal)
        formal = next(o for o in net.adj if o in net.formal and o not in net.adj[informal])
        changed = apply(net, Scenario(add_links=((formal, informal),)))
        timed("what-if compute", compute, changed)


def main(argv: list[str] | None = None) -> int:
    """Each folder in its own process, so imports and caches start cold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--warm", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        bench(args.folders[0], args.warm)
        return 0
    warm = ["--warm"] if args.warm else []
    if run_each("bench.bench_flow", ((str(f), ["--one", str(f), *warm]) for f in args.folders)):
        return 1
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
