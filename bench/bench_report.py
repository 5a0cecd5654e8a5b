"""Benchmark: the full coverage report on the synthetic city at 1x, 2x, 4x and the demo district.

Run: ``.venv/bin/python bench/bench_report.py``. Prints wall-clock seconds per
stage (graph, coverage, brokers, suggestions) and for the whole
:func:`mapping.report.build_report`. Uses :func:`mapping.demo.generate` when it
exists; otherwise a generator of the same size defined here.
"""

from __future__ import annotations

import inspect
import math
import random
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mapping import graph as g
from mapping.brokers import brokers
from mapping.coverage import compute, network_from_graph
from mapping.dataset import CONDITIONS, Dataset
from mapping.report import build_report
from mapping.suggest import suggest

FORMAL = ("wijkteam", "jeugdteam", "cjg", "jgz", "school", "ggd", "huisarts")
INFORMAL = ("mzo", "moskee", "kerk", "buurtcentrum", "ouderkamer", "vrouwennetwerk",
            "vrijwilligers")


def synthetic_city(scale: int = 1, seed: int = 7) -> Dataset:
    """Fallback city: 5,000 orgs, 1,500 groups, ~40,000 links per unit of ``scale``."""
    rng = random.Random(seed)
    n_orgs, n_groups, hoods = 5000 * scale, 1500 * scale, 50 * scale
    orgs = []
    for i in range(n_orgs):
        formal = rng.random() < 0.3
        orgs.append({"id": f"O{i}", "name": f"Organisatie {i}",
                     "kind": "formal" if formal else "informal",
                     "category": rng.choice(FORMAL if formal else INFORMAL),
                     "neighbourhood": f"Wijk {i % hoods}", "topics": ()})
    # ~12% of informal orgs form closed circles that no professional is linked to
    closed = {o["id"] for o in orgs if o["kind"] == "informal" and rng.random() < 0.12}
    by_hood: dict[str, list[str]] = {}
    open_by_hood: dict[str, list[str]] = {}
    closed_by_hood: dict[str, list[str]] = {}
    for o in orgs:
        by_hood.setdefault(o["neighbourhood"], []).append(o["id"])
        side = closed_by_hood if o["id"] in closed else open_by_hood
        side.setdefault(o["neighbourhood"], []).append(o["id"])
    open_all = [o["id"] for o in orgs if o["id"] not in closed]
    collabs = []
    for o in orgs:
        hood = o["neighbourhood"]
        if o["id"] in closed:
            pool, local, degree = closed_by_hood[hood], closed_by_hood[hood], rng.randint(0, 2)
        else:
            pool, local, degree = open_all, open_by_hood[hood], rng.randint(4, 12)
        for _ in range(degree):
            other = rng.choice(local if rng.random() < 0.85 else pool)
            collabs.append({"source": o["id"], "target": other, "form": "referral",
                            **{c: rng.choice([math.nan, 2.0, 3.0, 4.0, 5.0]) for c in CONDITIONS},
                            "reported_by": None})
    groups, reach = [], []
    for j in range(n_groups):
        hood = f"Wijk {j % hoods}"
        groups.append({"id": f"G{j}", "name": f"Oudergroep {j}", "community": None,
                       "neighbourhood": hood, "families": rng.randint(5, 120)})
        for org in rng.sample(by_hood[hood], rng.randint(0, 6)):
            reach.append({"organisation": org, "group": f"G{j}", "strength": 3.0, "topics": ()})
    parent_groups = pd.DataFrame(groups)
    parent_groups["families"] = parent_groups["families"].astype("Int64")
    return Dataset(pd.DataFrame(orgs), parent_groups, pd.DataFrame(reach),
                   pd.DataFrame(collabs), name=f"synthetic x{scale}")


def city(scale: int) -> Dataset:
    """The synthetic city from :mod:`mapping.demo` when available, else the fallback."""
    try:
        from mapping.demo import generate
    except ImportError:
        return synthetic_city(scale)
    params = inspect.signature(generate).parameters
    if "scale" in params:
        return generate(scale=scale)
    return synthetic_city(scale)


def demo_district() -> Dataset | None:
    """The demo district from :mod:`mapping.demo` (``None`` while it does not exist)."""
    try:
        from mapping import demo
    except ImportError:
        return None
    for name in ("demo_dataset", "demo_district", "district"):
        if hasattr(demo, name):
            return getattr(demo, name)()
    return None


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
    demo = demo_district()
    if demo is not None:
        bench(demo)
    for scale in (1, 2, 4):
        bench(city(scale))


if __name__ == "__main__":
    main()
