"""Benchmark the network view for a 2,000-node synthetic district.

Prints: layout time, HTML build time, HTML size, and the time until the
network is drawn in headless Chromium (target < 3 s), measured from
navigation start to vis-network's first ``afterDrawing``, with every
non-local request aborted. For the map: build time, page and JSON-payload
size, where the nodes were placed (own coordinates, neighbourhood centroid,
beside their reachers, not on the map), and the time until Leaflet drew it
(background "none": no request may leave the machine).

    .venv/bin/python bench/bench_render.py [--nodes 2000] [--no-browser]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402

from mapping.dataset import Dataset  # noqa: E402
from mapping.graph import build_graph  # noqa: E402
from mapping.layout import positions  # noqa: E402
from mapping.render_map import map_placement, render_map  # noqa: E402
from mapping.render_network import filter_graph, render_network  # noqa: E402

FORMAL = ["wijkteam", "jeugdteam", "cjg", "jgz", "school", "ggd", "huisarts"]
INFORMAL = ["mzo", "moskee", "kerk", "buurtcentrum", "ouderkamer", "vrouwennetwerk",
            "sleutelfiguur", "vrijwilligers"]


def synthetic_graph(nodes: int, seed: int = 1) -> nx.Graph:
    """A district-shaped graph: 30% organisations, 70% groups, reach and collaborations.

    Uses ``mapping.demo.by_nodes`` when it exists; otherwise builds a dataset here.
    """
    try:  # the demo module is being written in parallel; fall back if it is not there
        from mapping import demo  # type: ignore[attr-defined]

        dataset = demo.by_nodes(nodes, seed=seed)
        graph = build_graph(dataset)
        graph.graph["neighbourhoods"] = dataset.neighbourhoods  # its own polygons
        return graph
    except Exception:  # any missing or changed API means: use our own generator
        pass
    rng = random.Random(seed)
    n_org = int(nodes * 0.3)
    n_group = nodes - n_org
    hoods = [f"BU{i:08d}" for i in range(40)]
    orgs = pd.DataFrame({
        "id": [str(i) for i in range(n_org)],
        "name": [f"Organisatie {i}" for i in range(n_org)],
        "kind": ["formal" if i % 2 == 0 else "informal" for i in range(n_org)],
        "category": [rng.choice(FORMAL if i % 2 == 0 else INFORMAL) for i in range(n_org)],
        "neighbourhood": [rng.choice(hoods) for _ in range(n_org)],
        "topics": [tuple(rng.sample(["opvoeden", "school", "taboe", "gezondheid"], 2))
                   for _ in range(n_org)],
    })
    groups = pd.DataFrame({
        "id": [str(i) for i in range(n_group)],
        "name": [f"Oudergroep {i}" for i in range(n_group)],
        "neighbourhood": [rng.choice(hoods) for _ in range(n_group)],
        "families": pd.array([rng.randint(5, 80) for _ in range(n_group)], dtype="Int64"),
    })
    reach_rows = []
    for g in range(n_group):
        for o in rng.sample(range(n_org), rng.choice([0, 1, 1, 2, 2, 3])):
            reach_rows.append({"organisation": str(o), "group": str(g),
                               "strength": float(rng.randint(1, 5))})
    collab_rows = []
    for _ in range(int(n_org * 1.6)):
        a, b = rng.sample(range(n_org), 2)
        rated = rng.random() < 0.8
        scores = {c: float(rng.randint(1, 5)) if rated else None
                  for c in ("trust", "shared_goals", "role_clarity", "equality")}
        collab_rows.append({"source": str(a), "target": str(b), "form": "referral", **scores})
    dataset = Dataset(orgs, groups, pd.DataFrame(reach_rows), pd.DataFrame(collab_rows),
                      name="synthetic")
    return build_graph(dataset)


def synthetic_polygons(graph: nx.Graph, seed: int = 2) -> dict:
    """Square neighbourhoods on a grid for every neighbourhood code in ``graph``;
    organisations without coordinates get a random point in theirs. A graph from
    :func:`mapping.demo.by_nodes` brings its own polygons (with every organisation inside)."""
    if graph.graph.get("neighbourhoods"):
        return graph.graph["neighbourhoods"]
    rng = random.Random(seed)
    codes = sorted({str(d.get("neighbourhood")) for _, d in graph.nodes(data=True)
                    if d.get("neighbourhood")})
    side, size = max(1, int(len(codes) ** 0.5 + 0.999)), 0.01
    corner = {}
    features = []
    for i, code in enumerate(codes):
        x, y = 4.3 + (i % side) * size, 52.0 + (i // side) * size
        corner[code] = (x, y)
        ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
        features.append({"type": "Feature", "properties": {"code": code, "name": code},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    for _, data in graph.nodes(data=True):
        if data.get("type") == "organisation" and data.get("lat") is None:
            x, y = corner[str(data["neighbourhood"])]
            data["lat"], data["lon"] = y + rng.random() * size, x + rng.random() * size
    return {"type": "FeatureCollection", "features": features}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

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

    if args.no_browser:
        return
    for i, (wall, in_page, count) in enumerate(time_draw(page_html), 1):
        print(f"Chromium run {i}: drawn after {wall:6.3f} s wall (navigation to data-drawn), "
              f"{in_page:6.3f} s in-page; {count} nodes in canvas (target < 3 s)")
    wall, polygons, markers, labels, blocked = time_map_draw(map_html)
    print(f"Chromium map: drawn after {wall:6.3f} s wall; {polygons} polygons, "
          f"{markers} markers, {labels} neighbourhood labels; {blocked} requests left "
          "the machine (background: none)")


if __name__ == "__main__":
    main()
