"""Time the network measures and the collaboration-quality tables per city size.

    .venv/bin/python -m bench.bench_measures [--sizes 1 4 20] [--only quality louvain]
                                            [--error 1 4] [--samples 200 1000] [--data DIR]

Cities of ``N`` x 5,000 organisations and 1,500 groups come from
:func:`mapping.io.demo.generate` (seed 1), written once to ``--data`` as CSV and
read back as a user would. Per size, one line per figure, ``label  N.NNN s``
(wall time, process CPU time and the load average of the machine beside it:
the machine is shared, so wall time alone does not say much), which is what
``bench/ab.py`` compares between two revisions:

quality (all three tables of :mod:`mapping.analysis.quality` from the dataset's tables, as the
Collaboration page computes them),
betweenness (exact up to :data:`~mapping.analysis.measures.EXACT_LIMIT`
organisations, else sampled; once per process first the kernel's compilation
with an empty numba cache, in a child process, and its load from the cache,
then a first and two warm calls; ``--only exact`` also times exact betweenness
whatever the size), louvain (NetworKit's PLM, with the number of
communities and their modularity; ``--only louvain louvain-networkx`` also runs
networkx's Louvain beside it, about 45 CPU s at 20x), and the rest of ``all_measures``.

``--error N`` also compares sampled with exact betweenness at those sizes and
prints the error (the figures the measure's explanation quotes), for
:data:`~mapping.analysis.measures.SAMPLES` sources or each of ``--samples``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

UNIT = (5000, 1500)
DEFAULT_DATA = Path("/tmp/wijknetwerk-bench-measures")


def _city(size: int, data: Path) -> Any:
    """The dataset of a ``size`` x city, generated once into ``data``."""
    from mapping.domain.limits import LIMITS, allow_rows
    from mapping.io.demo import generate, write_demo
    from mapping.io.load import load_path

    folder = data / f"size-{size}"
    if not folder.exists():
        write_demo(folder, generate(organisations=UNIT[0] * size, groups=UNIT[1] * size, seed=1))
    # A 20x city holds more collaboration rows than an upload may; the bench lifts that bound.
    allow_rows(max(LIMITS.rows, 1_000_000))
    return load_path(folder).dataset


def _timed(label: str, fn: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label:<40} {wall:8.3f} s   (cpu {cpu:.2f}, load {os.getloadavg()[0]:.1f})",
          flush=True)
    # CPU seconds as a figure of their own, so that bench/ab.py compares them too.
    print(f"  {label + ' cpu':<28} {cpu:8.3f} s", flush=True)
    return value


KERNEL_STATE = {"timed": False}


def _kernel_start() -> None:
    """The kernel's compilation from an empty cache (child process), then its load here."""
    if KERNEL_STATE["timed"]:
        return
    KERNEL_STATE["timed"] = True
    script = ("import time; t = time.perf_counter(); c = time.process_time(); "
              "from mapping.analysis import brandes; mode = brandes.warm(); "
              "print(f'{time.perf_counter() - t:.3f} {time.process_time() - c:.2f} {mode}')")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, check=True)
    wall, cpu, mode = done.stdout.split()
    print(f"  {'kernel compile (empty cache)':<40} {float(wall):8.3f} s   (cpu {cpu}, "
          f"load {os.getloadavg()[0]:.1f}; {mode}, in a child process)", flush=True)
    from mapping.analysis import brandes

    mode = _timed("kernel load (warm())", brandes.warm)
    print(f"  kernel: {mode}", flush=True)


def run(size: int, only: set[str], data: Path) -> None:
    """Every figure of one size."""
    from mapping.analysis import graph as g
    from mapping.analysis import measures, quality

    dataset = _city(size, data)
    graph = g.build_graph(dataset)
    collab = g.collaboration_graph(graph)
    print(f"size {size}x: {collab.number_of_nodes()} organisations, "
          f"{collab.number_of_edges()} links", flush=True)
    if "quality" in only:
        def tables() -> None:
            links = quality.link_quality(dataset)
            quality.organisation_profile(dataset, links)
            quality.reciprocity_gaps(dataset)
        _timed("quality (three tables)", tables)
    if "betweenness" in only:
        _kernel_start()
        how = ("exact" if collab.number_of_nodes() <= measures.EXACT_LIMIT
               else f"sampled, {measures.SAMPLES} sources")
        for call in ("first", "warm", "warm"):
            _timed(f"betweenness ({how}, {call})", lambda: measures.betweenness(collab))
    if "exact" in only and collab.number_of_nodes() > measures.EXACT_LIMIT:
        _kernel_start()
        _timed("betweenness (exact)", lambda: measures.exact_betweenness(collab))
    if "louvain" in only:
        # Once per process (a server pays it on the first Roles page), not per call.
        _timed("import networkit", lambda: __import__("networkit"))
        found = _timed("louvain (networkit PLM)", lambda: measures.communities(collab))["values"]
        import networkx as nx

        print(f"  louvain: {len(found)} communities, modularity "
              f"{nx.community.modularity(collab, found):.4f}", flush=True)
        if "louvain-networkx" in only:
            reference = _timed("louvain (networkx)", lambda: nx.community.louvain_communities(
                collab, seed=measures.SEED))
            print(f"  louvain (networkx): {len(reference)} communities, modularity "
                  f"{nx.community.modularity(collab, reference):.4f}", flush=True)
    if "rest" in only:
        _timed("degree, density, isolated", lambda: (
            measures.degree(collab), measures.density(collab), measures.isolated(collab)))


def error(size: int, data: Path, samples: list[int]) -> None:
    """Sampled against exact betweenness at one size: the error the explanation states."""
    import numpy as np

    from mapping.analysis import graph as g
    from mapping.analysis import measures

    collab = g.collaboration_graph(g.build_graph(_city(size, data)))
    _kernel_start()
    exact = _timed(f"exact betweenness {size}x", lambda: measures.exact_betweenness(collab))
    keys = list(exact)
    e = np.array([exact[k] for k in keys])
    top = max(1, len(keys) // 100)
    exact_top = set(np.argsort(-e, kind="stable")[:top])
    for k in samples:
        sampled = _timed(f"sampled betweenness {size}x, k={k}",
                         lambda k=k: measures.sampled_betweenness(collab, min(k, len(keys))))
        s = np.array([sampled[key] for key in keys])
        sampled_top = set(np.argsort(-s, kind="stable")[:top])
        ranks = np.corrcoef(np.argsort(np.argsort(e)), np.argsort(np.argsort(s)))[0, 1]
        print(f"  error {size}x, k={k}: max |sampled - exact| {np.abs(s - e).max():.5f} "
              f"(largest exact {e.max():.5f}), mean {np.abs(s - e).mean():.6f}, "
              f"top 1% shared {len(exact_top & sampled_top) / top:.0%}, "
              f"rank correlation {ranks:.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 4, 20])
    parser.add_argument("--only", nargs="*", default=["quality", "betweenness", "louvain", "rest"])
    parser.add_argument("--error", type=int, nargs="*", default=[])
    parser.add_argument("--samples", type=int, nargs="*", default=[])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    from mapping.analysis.measures import SAMPLES
    for size in args.sizes:
        run(size, set(args.only), args.data)
    for size in args.error:
        error(size, args.data, args.samples or [SAMPLES])


if __name__ == "__main__":
    main()
