"""Benchmark: the full coverage report on the synthetic city at 1x, 2x, 4x and the demo district.

Run: ``.venv/bin/python bench/bench_report.py``. Prints wall-clock seconds per
stage (graph, coverage, brokers, suggestions) and for the whole
:func:`mapping.analysis.report.build_report`, on :func:`mapping.io.demo.demo_district` and
on :func:`mapping.io.demo.generate` cities (5,000 organisations, 1,500 groups and
about 40,000 links per unit of scale).
"""

from __future__ import annotations

import time

from mapping.analysis import graph as g
from mapping.analysis.brokers import brokers
from mapping.analysis.coverage import compute, network_from_graph
from mapping.analysis.report import build_report
from mapping.analysis.suggest import suggest
from mapping.domain.dataset import Dataset
from mapping.io.demo import demo_district, generate


def city(scale: int) -> Dataset:
    """The synthetic city of :func:`mapping.io.demo.generate` at ``scale`` times 5,000/1,500."""
    return generate(organisations=5000 * scale, groups=1500 * scale)


def timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"  {label:<12} {time.perf_counter() - start:7.3f} s")
    return result


def bench(dataset: Dataset) -> None:
    counts = dataset.counts()
    print(f"{dataset.name}: {counts['organisations']} organisations, "
          f"{counts['parent_groups']} groups, {counts['reach']} reach + "
          f"{counts['collaborations']} collaboration rows")
    graph = timed("graph", g.build_graph, dataset)
    net = timed("network", network_from_graph, graph)
    cov = timed("coverage", compute, net)
    timed("brokers", brokers, cov)
    timed("suggestions", suggest, cov, 5)
    start = time.perf_counter()
    build_report(dataset)
    print(f"  {'FULL REPORT':<12} {time.perf_counter() - start:7.3f} s")


def main() -> None:
    bench(demo_district())
    for scale in (1, 2, 4):
        bench(city(scale))


if __name__ == "__main__":
    main()
