"""Benchmark: importing a 5,000-node GEXF (issue 13; target under 2 s on 2 cores).

Builds a synthetic city of 3,500 organisations and 1,500 parent groups (5,000
nodes, with the default number of links for that size), exports it as GEXF
1.3 with every attribute, then times :func:`mapping.io.graph_import.import_graph`
(one expat pass, DTDs refused; map; validate), as exported, as Gephi saves it, and
as Gephi saves it with directed links. Also prints the export times per format.

Run: ``.venv/bin/python bench/bench_graph_io.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import xml.etree.ElementTree as ElementTree
from xml.sax.saxutils import escape

from mapping.io import demo
from mapping.io.graph_export import FORMATS, export_bytes
from mapping.io.graph_import import Mapping, import_graph

MAPPING = Mapping("type", ("formal",), ("informal",), ("parent_group",))


def gephi_style(city, directed: bool = False) -> bytes:
    """The same city as Gephi saves a file: label, one type attribute, viz, weighted edges.

    ``directed`` writes ``defaultedgetype="directed"`` (every link then gets its
    direction checked: one-way, mutual, from a group).
    """
    from mapping.io.graph_export import network_tables

    nodes, edges = network_tables(city)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
           f'version="1.3"><graph defaultedgetype="{"directed" if directed else "undirected"}" '
           'mode="static">',
           '<attributes class="node"><attribute id="0" title="type" type="string"/>'
           "</attributes><nodes>"]
    for i, (nid, lab, kind) in enumerate(zip(nodes["id"], nodes["label"], nodes["type"],
                                             strict=True)):
        out.append(f'<node id="{nid}" label="{escape(str(lab))}"><attvalues>'
                   f'<attvalue for="0" value="{kind}"/></attvalues><viz:size value="10.0"/>'
                   f'<viz:position x="{i % 97}.5" y="{i % 89}.25"/>'
                   '<viz:color r="153" g="0" b="255"/></node>')
    out.append("</nodes><edges>")
    out += [f'<edge id="{i}" source="{a}" target="{b}" weight="1.0"/>'
            for i, (a, b) in enumerate(zip(edges["source"], edges["target"], strict=True))]
    out.append("</edges></graph></gexf>")
    return "\n".join(out).encode()


def timed(data: bytes, repeat: int) -> tuple[list[float], list[float], object]:
    """Wall and CPU seconds of each import of ``data``, and the last result."""
    times, cpu = [], []
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = import_graph([("city.gexf", data)], MAPPING)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert result.ok, result.errors[:3]
    return times, cpu, result


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
    for label, data in (("full export (every attribute)", export_bytes(city, "gexf")),
                        ("Gephi-style (label, type, viz, weight)", gephi_style(city)),
                        ("Gephi-style, directed", gephi_style(city, directed=True))):
        times, cpu, result = timed(data, args.repeat)
        start = time.process_time()
        ElementTree.fromstring(data)
        parse = time.process_time() - start
        counts = result.dataset.counts()
        print(f"import gexf {label}: {counts['organisations'] + counts['parent_groups']} nodes, "
              f"{len(data) / 1e6:.1f} MB: median {statistics.median(times):.2f} s wall "
              f"(best {min(times):.2f}), {statistics.median(cpu):.2f} s CPU; an element-tree "
              f"parse alone would take {parse:.2f} s CPU (target < 2 s)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

if __name__ == "__main__":
    main()
