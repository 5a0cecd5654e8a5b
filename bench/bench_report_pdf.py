"""Benchmark: the printable district report (A4 PDF) for the demo district and a 1x city.

Run from the checkout root: ``.venv/bin/python bench/bench_report_pdf.py [--city PATH]``.
Targets (issue 14): under 5 s for the demo district, under 30 s for a 1x city
(``python -m mapping demo --out /tmp/city1x --organisations 5000 --groups 1500
--seed 1``; generated in memory with the same arguments when ``--city`` is not given).

Prints, per dataset, the seconds for the whole :func:`report_pdf` as the command
line runs it (graph, layout, report, drawing), then the same with the graph and
positions handed over as the dashboard does (its network page has them cached),
the size and page count of the PDF. Loading the files is not included (the
dashboard and the CLI have the dataset already; see ``bench_load.py``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from mapping.analysis.graph import build_graph
from mapping.domain.dataset import Dataset
from mapping.io.demo import generate
from mapping.io.load import load_path
from mapping.views.layout import positions
from mapping.views.report_pdf import page_count, report_pdf

ROOT = Path(__file__).resolve().parents[1]


def bench(label: str, dataset: Dataset, target: float) -> None:
    counts = dataset.counts()
    print(f"{label}: {counts['organisations']} organisations, {counts['parent_groups']} "
          f"groups, {counts['reach']} reach + {counts['collaborations']} collaboration rows")
    start = time.perf_counter()
    pdf = report_pdf(dataset)
    full = time.perf_counter() - start
    print(f"  {'full (CLI)':<24} {full:7.2f} s   target < {target:.0f} s "
          f"{'ok' if full < target else 'SLOW'}")
    graph = build_graph(dataset)
    placed = positions(graph)
    start = time.perf_counter()
    report_pdf(dataset, graph=graph, placed=placed)
    print(f"  {'with cached layout':<24} {time.perf_counter() - start:7.2f} s")
    print(f"  {'PDF':<24} {len(pdf) / 1e6:7.2f} MB, {page_count(pdf)} pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default=None, help="folder of a 1x city (else generated)")
    args = parser.parse_args()
    demo = load_path(ROOT / "data" / "demo", "nl")
    bench("demo district", demo.dataset, 5)
    if args.city:
        result = load_path(args.city, "nl")
        city = result.dataset
    else:
        city = generate(organisations=5000, groups=1500, seed=1)
    bench("city 1x", city, 30)


if __name__ == "__main__":
    main()
