"""Benchmark: importing a 5,000-node GEXF (issue 13; target under 2 s on 2 cores).

Builds a synthetic city of 3,500 organisations and 1,500 parent groups (5,000
nodes, with the default number of links for that size), exports it as GEXF
1.3 with every attribute, then times :func:`mapping.io.graph_import.import_graph`
(parse with defusedxml, map, validate). Also prints the export times per format.

Run: ``.venv/bin/python bench/bench_graph_io.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import xml.etree.ElementTree as ElementTree

from mapping import demo
from mapping.io.graph_export import FORMATS, export_bytes
from mapping.io.graph_import import Mapping, import_graph

MAPPING = Mapping("type", ("formal",), ("informal",), ("parent_group",))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    city = demo.generate(organisations=3500, groups=1500, seed=0)
    counts = city.counts()
    print(f"python {platform.python_version()}, {counts}")
    for fmt in FORMATS:
        start = time.perf_counter()
        data = export_bytes(city, fmt)
        print(f"export {fmt:9s} {time.perf_counter() - start:6.2f} s  {len(data) / 1e6:6.1f} MB")
    gexf = export_bytes(city, "gexf")
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = import_graph([("city.gexf", gexf)], MAPPING)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert result.ok, result.errors[:3]
    start = time.perf_counter()
    ElementTree.fromstring(gexf)
    print(f"of which XML parsing alone (C expat): {time.perf_counter() - start:.2f} s")
    nodes = result.dataset.counts()["organisations"] + result.dataset.counts()["parent_groups"]
    print(f"import gexf, {nodes} nodes, {len(gexf) / 1e6:.1f} MB: median "
          f"{statistics.median(times):.2f} s, best {min(times):.2f} s, CPU "
          f"{statistics.median(cpu):.2f} s (target < 2 s); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
