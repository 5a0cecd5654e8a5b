"""Real-browser checks in headless Chromium with every non-local request aborted."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapping.analysis.graph import build_graph
from mapping.views.layout import positions
from mapping.views.render_map import render_map
from mapping.views.render_network import filter_graph, render_network
from tests.browser_support import offline_page
from tests.render.conftest import IMG, SCRIPT, TEMPLATE, make_dataset

pytestmark = pytest.mark.browser


def _open(page, tmp_path: Path, text: str, name: str) -> None:
    # A file:// URL (not set_content) so the page behaves as the downloaded file does.
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    page.goto(target.as_uri())


def _assert_nothing_ran(page, dialogs) -> None:
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None


def test_network_draws_filtered_graph_offline(browser, tmp_path, coverage):
    graph = build_graph(make_dataset())
    sub = filter_graph(graph, neighbourhoods=["BU01"])
    html_text = render_network(sub, positions(graph), coverage=coverage)
    blocked: list[str] = []
    dialogs: list[str] = []
    with offline_page(browser, blocked, dialogs) as page:
        _open(page, tmp_path, html_text, "network.html")
        page.wait_for_selector("#network[data-drawn='1']", timeout=20000)
        assert page.evaluate("window.wijknetwerk.nodeCount") == sub.number_of_nodes()
        assert page.evaluate("window.wijknetwerk.edgeCount") == sub.number_of_edges()
        assert page.get_attribute("#network", "data-node-count") == str(sub.number_of_nodes())
        assert page.locator("#network canvas").count() == 1
        _assert_nothing_ran(page, dialogs)
    assert blocked == []


def test_network_tooltip_shows_markup_as_text(browser, tmp_path, coverage):
    graph = build_graph(make_dataset())
    html_text = render_network(graph, positions(graph), coverage=coverage)
    dialogs: list[str] = []
    with offline_page(browser, None, dialogs) as page:
        _open(page, tmp_path, html_text, "network.html")
        page.wait_for_selector("#network[data-drawn='1']", timeout=20000)
        for node, expected in (("o:3", SCRIPT), ("o:4", IMG), ("g:3", TEMPLATE)):
            point = page.evaluate(
                """id => { const n = window.wijknetwerk.network;
                          const p = n.canvasToDOM(n.getPositions([id])[id]);
                          const r = document.getElementById('network').getBoundingClientRect();
                          return {x: p.x + r.left, y: p.y + r.top}; }""", node)
            page.mouse.move(point["x"] + 40, point["y"] + 40)
            page.mouse.move(point["x"], point["y"], steps=4)
            tooltip = page.locator("div.vis-tooltip")
            tooltip.wait_for(state="visible", timeout=5000)
            assert expected in tooltip.inner_text()
            assert tooltip.locator("img, script").count() == 0
        _assert_nothing_ran(page, dialogs)


def test_map_draws_polygons_and_markers_offline(browser, tmp_path, coverage):
    dataset = make_dataset()
    graph = build_graph(dataset)
    html_text = render_map(graph, dataset.neighbourhoods, share={"BU01": 0.8, "BU02": 0.3},
                           coverage=coverage)
    blocked: list[str] = []
    dialogs: list[str] = []
    with offline_page(browser, blocked, dialogs) as page:
        _open(page, tmp_path, html_text, "map.html")
        page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached",
                               timeout=20000)
        counts = page.evaluate("({p: wijkkaart.polygons, m: wijkkaart.markers,"
                               " g: wijkkaart.groups, l: wijkkaart.lines})")
        assert counts == {"p": 2, "m": 6, "g": 4, "l": 0}  # collaborations start switched off
        paths = page.locator(".leaflet-overlay-pane path").count()
        assert paths == 2 + 6 + 4
        # Open every popup and tooltip: markup in names shows as text, nothing runs.
        texts = page.evaluate(
            """() => { const out = [];
                wijkkaart.map.eachLayer(l => {
                  if (l.getPopup && l.getPopup()) { l.openPopup();
                    out.push(document.querySelector('.leaflet-popup-content').innerText); }
                  if (l.getTooltip && l.getTooltip()) { l.openTooltip();
                    const t = document.querySelectorAll('.leaflet-tooltip');
                    out.push(t[t.length - 1].innerText); }
                });
                return out; }""")
        joined = "\n".join(texts)
        for expected in (SCRIPT, IMG, TEMPLATE):
            assert expected in joined
        assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0
        assert page.evaluate("wijkkaart.labels") == 2  # neighbourhood names on the map
        _assert_nothing_ran(page, dialogs)
    # The default background is none: nothing was asked of another host.
    assert blocked == []


def test_map_asks_for_tiles_only_when_a_base_map_is_chosen(browser, tmp_path):
    dataset = make_dataset()
    graph = build_graph(dataset)
    blocked: list[str] = []
    with offline_page(browser, blocked) as page:
        _open(page, tmp_path, render_map(graph, dataset.neighbourhoods, base_map="osm"),
              "map.html")
        page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached",
                               timeout=20000)
        page.wait_for_timeout(300)
        assert page.get_attribute("#wijkkaart-status", "data-polygons") == "2"
    # Tile requests were attempted and aborted; the map drew anyway.
    assert blocked and all("tile.openstreetmap.org" in url for url in blocked)


def test_network_with_physics_and_presentation_draws(browser, tmp_path, coverage):
    graph = build_graph(make_dataset())
    html_text = render_network(graph, positions(graph), coverage=coverage, physics=True,
                               presentation=True, lang="en")
    dialogs: list[str] = []
    with offline_page(browser, None, dialogs) as page:
        _open(page, tmp_path, html_text, "network.html")
        page.wait_for_selector("#network[data-drawn='1']", timeout=20000)
        assert page.evaluate("window.wijknetwerk.nodeCount") == graph.number_of_nodes()
        assert page.locator("#legend").inner_text().startswith("Legend")
        _assert_nothing_ran(page, dialogs)


def test_map_without_base_map_makes_no_request(browser, tmp_path):
    dataset = make_dataset()
    graph = build_graph(dataset)
    html_text = render_map(graph, dataset.neighbourhoods, base_map="none",
                           show_collaborations=True, lang="en")
    blocked: list[str] = []
    with offline_page(browser, blocked) as page:
        _open(page, tmp_path, html_text, "map.html")
        page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached",
                               timeout=20000)
        assert page.evaluate("wijkkaart.lines") == 4  # every collaboration has two located ends
        assert page.get_attribute("#wijkkaart-status", "data-polygons") == "2"
        page.wait_for_timeout(300)
    assert blocked == []
