"""Benchmark the network view for a 2,000-node synthetic district.

Prints: layout time, HTML build time, HTML size, and the time until the
network is drawn in headless Chromium (target < 3 s), measured from
navigation start to vis-network's first ``afterDrawing``, with every
non-local request aborted. For the map: build time, page and JSON-payload
size, where the nodes were placed (own coordinates, neighbourhood centroid,
beside their reachers, not on the map), and the time until Leaflet drew it
(background "none": no request may leave the machine).

For the shared screen: the overlapping label pairs in the demo district at the
default zoom (bounding boxes of the labels vis-network drew, in the dashboard's
frame and on a 1920x1080 projector), labels shown and cut off at the frame's
edge; and the smallest CIEDE2000 difference between two legend entries, as
seen and under simulated deuteranopia (Machado 2009), per palette.

For a city (``--city 4``: 20,000 organisations and 6,000 groups, the default;
``--city 0`` skips it; ``--city-only`` skips everything else): aggregation, the
strongest lines, the aggregate's layout and HTML (page and payload size), the
drill-down into one neighbourhood, and the time until Chromium drew each, per
run and as the median (target < 3 s), with the load average: the machine may be shared.

    .venv/bin/python -m bench.bench_render [--nodes 2000] [--city 4] [--city-only] [--runs 3]
        [--no-browser]

Run it from the checkout root with ``-m``: the browser part reuses the Chromium settings
in ``tests/browser_support.py``, which is not part of the installed package.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from mapping.analysis.graph import build_graph
from mapping.io import demo
from mapping.views.layout import positions
from mapping.views.palette import PRESENTATION, STANDARD, smallest_difference
from mapping.views.render_map import map_placement, render_map
from mapping.views.render_network import filter_graph, render_network


def synthetic_graph(nodes: int, seed: int = 1) -> nx.Graph:
    """The graph of :func:`mapping.io.demo.by_nodes`: a synthetic city of ``nodes`` nodes.

    Its neighbourhood polygons travel along in ``graph.graph["neighbourhoods"]``
    for the map benchmark.
    """
    dataset = demo.by_nodes(nodes, seed=seed)
    graph = build_graph(dataset)
    graph.graph["neighbourhoods"] = dataset.neighbourhoods  # every organisation lies inside
    return graph


def synthetic_polygons(graph: nx.Graph) -> dict:
    """The neighbourhood polygons that :func:`synthetic_graph` keeps with its graph."""
    return graph.graph["neighbourhoods"]


def time_draw(page_html: str, runs: int = 3) -> list[float]:
    """Seconds from navigation start to the first drawn frame, per run."""
    from tests.browser_support import launch, offline_page

    results = []
    with tempfile.TemporaryDirectory() as tmp, launch() as browser:
        target = Path(tmp) / "network.html"
        target.write_text(page_html, encoding="utf-8")
        for _ in range(runs):
            with offline_page(browser) as page:
                start = time.perf_counter()
                page.goto(target.as_uri())
                page.wait_for_selector("#network[data-drawn='1']", timeout=120000)
                wall = time.perf_counter() - start
                in_page = page.evaluate("window.wijknetwerk.drawnAt") / 1000
                count = page.evaluate("window.wijknetwerk.nodeCount")
                results.append((wall, in_page, count))
    return results


def time_map_draw(page_html: str) -> tuple[float, int, int, int, int]:
    """Seconds to the map's status marker; polygons, markers, labels drawn; requests blocked."""
    from tests.browser_support import launch, offline_page

    blocked: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, launch() as browser, \
            offline_page(browser, blocked) as page:
        target = Path(tmp) / "map.html"
        target.write_text(page_html, encoding="utf-8")
        start = time.perf_counter()
        page.goto(target.as_uri())
        page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached",
                               timeout=120000)
        wall = time.perf_counter() - start
        polygons = page.evaluate("wijkkaart.polygons")
        markers = page.evaluate("wijkkaart.markers + wijkkaart.groups")
        labels = page.evaluate("wijkkaart.labels")
    return wall, polygons, markers, labels, len(blocked)


def demo_labels(presentation: bool, width: int, height: int) -> tuple[int, int, int, int]:
    """Overlapping label pairs, labels shown, labels outside the frame, nodes: the demo."""
    from mapping.analysis.report import analyse
    from mapping.io.load import load_path
    from tests.browser_support import block_external, launch

    dataset = load_path(Path(__file__).resolve().parents[1] / "data" / "demo", "nl").dataset
    graph = build_graph(dataset)
    page_html = render_network(graph, positions(graph), coverage=analyse(dataset),
                               presentation=presentation)
    with tempfile.TemporaryDirectory() as tmp, launch() as browser:
        target = Path(tmp) / "network.html"
        target.write_text(page_html, encoding="utf-8")
        context = browser.new_context(viewport={"width": width, "height": height})
        block_external(context)
        page = context.new_page()
        page.goto(target.as_uri())
        page.wait_for_selector("#network[data-drawn='1']", timeout=60000)
        page.wait_for_timeout(300)
        pairs = len(page.evaluate("window.wijknetwerk.overlappingLabels()"))
        boxes = page.evaluate("window.wijknetwerk.labelBoxes()")
        frame = page.evaluate("window.wijknetwerk.frame()")
        context.close()
    outside = sum(b["l"] < 0 or b["t"] < 0 or b["r"] > frame["width"] or b["b"] > frame["height"]
                  for b in boxes)
    return pairs, len(boxes), outside, graph.number_of_nodes()


def timed(what: str, call: Callable[[], Any]) -> Any:
    """``call()``, printing how long it took after ``what``."""
    start = time.perf_counter()
    result = call()
    print(f"{what + ':':34}{time.perf_counter() - start:6.3f} s")
    return result


def load_average() -> str:
    """The machine's load average (1, 5, 15 minutes) and CPU count, for the figures' context."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} CPUs"


def timed_cpu(what: str, call: Callable[[], Any]) -> Any:
    """``call()``, printing its wall time and its CPU time (less disturbed by other jobs)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = call()
    print(f"{what + ':':34}{time.perf_counter() - start:6.3f} s"
          f"  (CPU {time.process_time() - cpu:.3f} s)")
    return result


def city_figures(scale: int, browser: bool, runs: int = 3) -> None:
    """Print the city view's figures for a ``scale``-x city of :func:`mapping.io.demo.generate`.

    Aggregation, the strongest lines, the aggregate's layout and page (size,
    JSON payload), the drill-down into one neighbourhood, and the time until
    Chromium drew each, per run and as the median, with the load average
    before and after (the machine may be shared).
    """
    from mapping.analysis.graph import neighbourhood_names
    from mapping.analysis.report import analyse
    from mapping.views.aggregate import aggregate, city_positions, drill_down, strongest_lines
    from mapping.views.render_city import render_city

    dataset = demo.generate(5000 * scale, 1500 * scale, seed=4)
    graph = build_graph(dataset)
    cov = analyse(dataset)
    print(f"city {scale}x: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges; "
          f"{load_average()}")
    names = neighbourhood_names(dataset)
    city = timed_cpu("city aggregate", lambda: aggregate(graph, cov, names))
    lines = timed_cpu("city strongest lines", lambda: strongest_lines(city))
    print(f"  {city.number_of_nodes()} aggregate nodes, {city.number_of_edges()} lines, "
          f"{len(lines)} drawn (the weakest hidden)")
    city_pos = timed_cpu("city layout (aggregate only)", lambda: city_positions(city))
    city_html = timed_cpu("city HTML build (render_city)",
                          lambda: render_city(city, city_pos, total=graph.number_of_nodes(),
                                              lines=lines))
    payload = city_html.split('id="wk-data">', 1)[1].split("</script>", 1)[0]
    print(f"  {len(city_html) / 1e6:.2f} MB page, {len(payload) / 1e6:.2f} MB JSON payload")
    hood = sorted(dataset.parent_groups["neighbourhood"])[0]
    sub = drill_down(graph, hood)
    drill_html = timed_cpu(f"drill-down {hood} (layout, HTML)",
                           lambda: render_network(sub, positions(sub), coverage=cov))
    print(f"  {sub.number_of_nodes()} nodes, {sub.number_of_edges()} links, "
          f"{len(drill_html) / 1e6:.2f} MB")
    if not browser:
        return
    for name, page_html in (("city aggregate", city_html), ("drill-down    ", drill_html)):
        results = time_draw(page_html, runs)
        for i, (wall, in_page, count) in enumerate(results, 1):
            print(f"Chromium {name} run {i}: drawn after {wall:6.3f} s wall, "
                  f"{in_page:6.3f} s in-page; {count} nodes in canvas (target < 3 s)")
        print(f"Chromium {name} median: {statistics.median(r[1] for r in results):6.3f} s "
              f"in-page, {statistics.median(r[0] for r in results):.3f} s wall; {load_average()}")


def colour_figures() -> None:
    """Print the smallest legend colour differences per palette."""
    for name, pal in (("presentation", PRESENTATION), ("standard", STANDARD)):
        for deut in (False, True):
            diff, a, b = smallest_difference(pal, deuteranopia=deut)
            seen = "deuteranopia" if deut else "normal vision"
            print(f"legend colours, {name:12} {seen:13}: smallest CIEDE2000 {diff:5.1f} "
                  f"({a} / {b}; same-shape pairs and coverage vs categories)")
    diff, a, b = smallest_difference(PRESENTATION, all_pairs=True)
    print(f"legend colours, presentation, every pair incl. square vs dot: {diff:5.1f} "
          f"({a} / {b}: told apart by shape and outline)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--city", type=int, default=4, help="city scale (0: skip)")
    parser.add_argument("--city-only", action="store_true",
                        help="only the city figures (no 2,000-node district, map or labels)")
    parser.add_argument("--runs", type=int, default=3, help="Chromium runs per city page")
    args = parser.parse_args()
    if args.city_only:
        city_figures(args.city or 4, not args.no_browser, args.runs)
        return

    graph = synthetic_graph(args.nodes)
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")

    start = time.perf_counter()
    pos = positions(graph)
    print(f"layout (positions, full graph):   {time.perf_counter() - start:6.3f} s")

    start = time.perf_counter()
    page_html = render_network(graph, pos)
    print(f"HTML build (render_network):      {time.perf_counter() - start:6.3f} s"
          f"  ({len(page_html) / 1e6:.2f} MB)")

    start = time.perf_counter()
    sub = filter_graph(graph, min_quality=3.0, categories=["wijkteam", "mzo", "moskee"])
    render_network(sub, pos)
    print(f"filter + HTML build (subgraph):   {time.perf_counter() - start:6.3f} s"
          f"  ({sub.number_of_nodes()} nodes)")

    hoods = synthetic_polygons(graph)
    start = time.perf_counter()
    map_html = render_map(graph, hoods, share={f["properties"]["code"]: 0.5
                                               for f in hoods["features"]})
    print(f"map HTML build (render_map):      {time.perf_counter() - start:6.3f} s"
          f"  ({len(map_html) / 1e6:.2f} MB, {len(hoods['features'])} polygons)")
    payload = map_html.split('id="wk-data">', 1)[1].split("</script>", 1)[0]
    print(f"map JSON payload:                 {len(payload) / 1e6:.2f} MB (all user text)")
    placed = map_placement(graph, hoods).summary(graph)
    print("map placement: " + ", ".join(f"{k} {v}" for k, v in placed.items()))

    colour_figures()
    if args.city:
        city_figures(args.city, not args.no_browser, args.runs)
    if args.no_browser:
        return
    for presentation, width, height in ((False, 1600, 800), (True, 1920, 1080)):
        pairs, shown, outside, total = demo_labels(presentation, width, height)
        mode = "presentation" if presentation else "standard"
        print(f"demo labels, {mode:12} {width}x{height}: {pairs} overlapping label pairs at "
              f"the default zoom (target 0); {shown} of {total} labels shown, {outside} cut "
              "off at the frame's edge; the rest on zoom or hover")
    for i, (wall, in_page, count) in enumerate(time_draw(page_html), 1):
        print(f"Chromium run {i}: drawn after {wall:6.3f} s wall (navigation to data-drawn), "
              f"{in_page:6.3f} s in-page; {count} nodes in canvas (target < 3 s)")
    wall, polygons, markers, labels, blocked = time_map_draw(map_html)
    print(f"Chromium map: drawn after {wall:6.3f} s wall; {polygons} polygons, "
          f"{markers} markers, {labels} neighbourhood labels; {blocked} requests left "
          "the machine (background: none)")


if __name__ == "__main__":
    main()
