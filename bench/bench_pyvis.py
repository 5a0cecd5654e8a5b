"""pyvis's builder against the network page's own, for the same 2,000-node network (issue 10).

Builds the network of :func:`mapping.io.demo.by_nodes` once with
:func:`mapping.views.render_network.render_network` and once with pyvis's
``Network`` object (``add_node``/``add_edge``, the very node and edge data our
page draws, and a custom template, ``bench/pyvis_template.html``, inlining
vis-network from pyvis's wheel), then prints per builder: the time to build
the HTML in Python, the HTML size, the time until headless Chromium drew the
first frame (offline), and what each guarantees (requests leaving the machine
with pyvis's default template; whether a hostile title comes out escaped).

    .venv/bin/python -m bench.bench_pyvis [--nodes 2000] [--no-browser]

Run it from the checkout root with ``-m`` (the browser part reuses
``tests/browser_support.py`` through ``bench.bench_render``).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from mapping.analysis.graph import build_graph
from mapping.analysis.report import analyse
from mapping.io import demo
from mapping.views.layout import positions
from mapping.views.render_network import render_network

HOSTILE = "<script>window.__pwned=1</script>"
BENCH = Path(__file__).resolve().parent


def payload(page: str) -> dict[str, Any]:
    """The JSON the network page hands its script: nodes, edges, options."""
    return json.loads(page.split('id="wk-data">', 1)[1].split("</script>", 1)[0])


def pyvis_network(data: dict[str, Any], title: str, directed: bool = False,
                  resources_mode: str = "in_line") -> tuple[Any, float, float]:
    """pyvis's ``Network`` filled with ``data``; seconds for the nodes and for the edges."""
    from pyvis.network import Network

    net = Network(height="100vh", width="100%", directed=directed, heading=title,
                  cdn_resources=resources_mode)
    start = time.perf_counter()
    for n in data["nodes"]:
        net.add_node(n["id"], label=n["label"], shape=n["shape"], color=n["color"],
                     title=n["tooltip"], size=n["size"], x=n.get("x"), y=n.get("y"),
                     physics=False)
    nodes_s = time.perf_counter() - start
    start = time.perf_counter()
    for e in data["edges"]:
        net.add_edge(e["from"], e["to"], title=e["tooltip"], color=e["color"],
                     width=e["width"], dashes=e["dashes"])
    edges_s = time.perf_counter() - start
    net.options = data["options"]  # a dict: pyvis json.dumps it into the template
    return net, nodes_s, edges_s


def custom_template(net: Any) -> None:
    """Point ``net`` at ``bench/pyvis_template.html`` (pyvis's own lib folder for includes)."""
    templates = str(resources.files("pyvis") / "templates")
    # pyvis builds a plain Environment (no autoescape); we keep its kind, as pyvis does.
    net.templateEnv = Environment(loader=FileSystemLoader([str(BENCH), templates]))
    net.path = "pyvis_template.html"


def external(page: str) -> list[str]:
    """URLs a page would load from elsewhere (src/href to http[s])."""
    return re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    dataset = demo.by_nodes(args.nodes, seed=1)
    graph = build_graph(dataset)
    pos, cov = positions(graph), analyse(dataset)
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")

    start = time.perf_counter()
    ours = render_network(graph, pos, coverage=cov, title="netwerk")
    ours_s = time.perf_counter() - start
    data = payload(ours)

    net, nodes_s, edges_s = pyvis_network(data, "netwerk")
    custom_template(net)
    start = time.perf_counter()
    theirs = net.generate_html()
    html_s = time.perf_counter() - start
    _, _, fast_edges = pyvis_network(data, "netwerk", directed=True)
    print(f"ours  render_network:                 {ours_s:7.3f} s   {len(ours) / 1e6:5.2f} MB")
    print(f"pyvis add_node x{len(data['nodes'])}:               {nodes_s:7.3f} s")
    print(f"pyvis add_edge x{len(data['edges'])} (undirected):  {edges_s:7.3f} s   "
          "(each edge scans every edge added before: O(m^2))")
    print(f"pyvis add_edge, directed=True:        {fast_edges:7.3f} s   (no scan; draws arrows)")
    print(f"pyvis generate_html (custom template): {html_s:6.3f} s   {len(theirs) / 1e6:5.2f} MB")
    print(f"pyvis total build:                    {nodes_s + edges_s + html_s:7.3f} s")

    default, *_ = pyvis_network({**data, "nodes": data["nodes"][:50], "edges": []}, HOSTILE,
                                resources_mode="local")
    default_page = default.generate_html()
    print(f"pyvis default template (cdn_resources='local'): {len(external(default_page))} "
          f"external URLs ({', '.join(sorted({u.split('/')[2] for u in external(default_page)}))})")
    print(f"pyvis default template, hostile heading left as markup: {HOSTILE in default_page}")
    hostile_ours = render_network(graph.subgraph(list(graph)[:50]).copy(), pos, title=HOSTILE)
    print(f"ours, hostile title left as markup: {HOSTILE in hostile_ours}; "
          f"external URLs: {len(external(ours))}")
    if args.no_browser:
        return
    from bench.bench_render import time_draw

    for name, page in (("ours ", ours), ("pyvis", theirs)):
        for i, (wall, in_page, count) in enumerate(time_draw(page), 1):
            print(f"Chromium {name} run {i}: drawn after {wall:6.3f} s wall, "
                  f"{in_page:6.3f} s in-page; {count} nodes (target < 3 s)")


if __name__ == "__main__":
    main()
