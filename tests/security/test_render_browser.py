"""Hostile names in the map and network pages, in headless Chromium, offline (issue 9/11).

The demo district with every name replaced by a string of the hostile corpus
(markup that would set ``window.__pwned``, template and format syntax, control
and invisible characters) is rendered and opened as a file, as the downloaded
page would be. Nothing runs, every name shows as the characters typed, no
request leaves this machine; and the map shows what issue 11 asks: parent
groups without coordinates, neighbourhood names, a folded legend, popups at
least 280 px wide, a note on what is not on the map.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import networkx as nx
import pytest

from mapping.analysis.graph import GROUP, ORG, build_graph
from mapping.io.demo import demo_district
from mapping.views.layout import positions
from mapping.views.render_map import POPUP_MIN_WIDTH, map_placement, render_map
from mapping.views.render_network import render_network
from tests.browser_support import hover_node, offline_page
from tests.security.corpus import (
    CONTROL,
    HTML_INJECTION,
    INVISIBLE,
    TEXT_ATTACKS,
    canary_clear,
    canary_tripped,
)

pytestmark = pytest.mark.browser

HOSTILE = (*TEXT_ATTACKS, *CONTROL, *INVISIBLE)


def hostile_district(with_polygons: bool = True) -> tuple[nx.Graph, dict | None]:
    """Demo district: every organisation and group named by the corpus, hoods too."""
    dataset = demo_district()
    orgs = dataset.organisations.copy()
    names = itertools.cycle(HOSTILE)
    # Unique names (a suffix after the cycle's first round) so each can be found.
    orgs["name"] = [text if i < len(HOSTILE) else f"{text} #{i}"
                    for i, text in zip(range(len(orgs)), names, strict=False)]
    orgs.loc[0, "category"] = HTML_INJECTION[0]
    groups = dataset.parent_groups.copy()
    groups["name"] = [HOSTILE[-1 - i % len(HOSTILE)] + f" g{i}" for i in range(len(groups))]
    groups["lat"] = None  # no coordinates: placed at the centroid or beside their reachers
    groups["lon"] = None
    hoods = json.loads(json.dumps(dataset.neighbourhoods))
    for feature, text in zip(hoods["features"], HTML_INJECTION, strict=False):
        feature["properties"]["name"] = text
    graph = build_graph(dataset.replace(organisations=orgs, parent_groups=groups,
                                        neighbourhoods=hoods))
    return graph, hoods if with_polygons else None


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright")
    from tests.browser_support import launch

    with launch() as b:
        yield b


@pytest.fixture(autouse=True)
def _canary():
    canary_clear()
    yield
    assert not canary_tripped(), "a user string ran as code"


def _open(page, tmp_path: Path, text: str, name: str) -> None:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    page.goto(target.as_uri())


def _names(graph: nx.Graph, kind: str) -> list[str]:
    return [str(d["name"]) for _, d in graph.nodes(data=True) if d.get("type") == kind]


# Open every popup and tooltip; return the text (textContent) each one shows.
COLLECT = """() => {
  const out = {popups: [], tooltips: [], widths: [], markup: 0};
  wijkkaart.map.eachLayer(l => {
    if (l.getPopup && l.getPopup()) {
      l.openPopup();
      const box = l.getPopup().getElement().querySelector('.leaflet-popup-content');
      out.popups.push(box.querySelector('.wk-title').textContent);
      out.widths.push(box.getBoundingClientRect().width);
      out.markup += box.querySelectorAll('img, script, svg, iframe').length;
      l.closePopup();
    }
    if (l.getTooltip && l.getTooltip()) {
      l.openTooltip();
      out.tooltips.push(l.getTooltip().getElement().textContent);
      l.closeTooltip();
    }
  });
  return out;
}"""


def test_hostile_map_shows_names_as_text_and_runs_nothing(browser, tmp_path):
    graph, hoods = hostile_district()
    placement = map_placement(graph, hoods)
    page_html = render_map(graph, hoods, share={"BU99990001": 0.5}, hide_personal=False,
                           show_collaborations=True)
    blocked: list[str] = []
    dialogs: list[str] = []
    with offline_page(browser, blocked, dialogs) as page:
        _open(page, tmp_path, page_html, "map.html")
        page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached",
                               timeout=20000)
        status = page.locator("#wijkkaart-status")
        groups = _names(graph, GROUP)
        # Every parent group is on the map although none has coordinates.
        assert page.evaluate("wijkkaart.groups") == len(groups)
        assert status.get_attribute("data-groups-centroid") == str(len(groups))
        assert status.get_attribute("data-groups-missing") == "0"
        assert len(placement.missing_groups) == 0
        # Neighbourhood names drawn as permanent labels, shown as typed.
        labels = page.locator(".wk-hood-name")
        assert labels.count() == len(hoods["features"]) == page.evaluate("wijkkaart.labels")
        assert labels.first.is_visible()
        shown = sorted(labels.evaluate_all("els => els.map(e => e.textContent)"))
        assert shown == sorted(f["properties"]["name"] for f in hoods["features"])
        # The legend starts folded and opens on a click.
        legend = page.locator("#legend")
        assert legend.get_attribute("open") is None
        assert legend.locator("summary").is_visible()
        assert not legend.locator("h3").first.is_visible()
        legend.locator("summary").click()
        assert legend.locator("h3").first.is_visible()
        assert HTML_INJECTION[0] in legend.inner_text()  # a category, as text
        # Popups and tooltips show every name exactly, with no markup in them.
        seen = page.evaluate(COLLECT)
        for name in [*_names(graph, ORG), *groups]:
            assert name in seen["popups"], name
            assert name in seen["tooltips"], name
        assert seen["markup"] == 0
        assert min(seen["widths"]) >= POPUP_MIN_WIDTH
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert dialogs == []
    assert blocked == []  # default background: none, so nothing leaves this machine


def test_map_without_polygons_places_groups_beside_their_organisations(browser, tmp_path):
    graph, _ = hostile_district(with_polygons=False)
    placement = map_placement(graph, None)
    beside = sum(1 for how in placement.how.values() if how == "beside")
    missing = len(placement.missing_groups)
    assert beside > 0 and beside + missing == len(_names(graph, GROUP))
    blocked: list[str] = []
    with offline_page(browser, blocked) as page:
        _open(page, tmp_path, render_map(graph, None, lang="en"), "map.html")
        page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached",
                               timeout=20000)
        assert page.evaluate("wijkkaart.groups") == beside
        status = page.locator("#wijkkaart-status")
        assert status.get_attribute("data-groups-beside") == str(beside)
        assert status.get_attribute("data-groups-missing") == str(missing)
        notes = page.locator("#wijkkaart-notes")
        assert notes.is_visible()
        if missing:
            assert "not on the map" in notes.inner_text()
        assert "beside the organisations" in notes.inner_text()
        assert page.evaluate("typeof window.__pwned") == "undefined"
    assert blocked == []


def test_hostile_network_shows_names_as_text_and_runs_nothing(browser, tmp_path):
    graph, _ = hostile_district()
    title = HTML_INJECTION[1]
    page_html = render_network(graph, positions(graph), hide_personal=False, title=title,
                               size_by=dict.fromkeys(graph, 1.0), size_label=HTML_INJECTION[2])
    blocked: list[str] = []
    dialogs: list[str] = []
    with offline_page(browser, blocked, dialogs) as page:
        _open(page, tmp_path, page_html, "network.html")
        page.wait_for_selector("#network[data-drawn='1']", timeout=20000)
        assert page.title() == title
        shown = page.evaluate("""() => window.wijknetwerk.nodes.get().map(
            n => ({label: n.label, tip: n.title.textContent}))""")
        labels = [n["label"] for n in shown]
        for name in [*_names(graph, ORG), *_names(graph, GROUP)]:
            assert name in labels, name
            assert any(n["tip"].split("\n")[0] == name for n in shown), name
        legend = page.locator("#legend").inner_text()
        assert HTML_INJECTION[0] in legend and HTML_INJECTION[2] in legend
        assert page.locator("#legend img, #legend script, #legend svg").count() == 0
        # Hover one hostile node: its tooltip is text, not markup.
        node = next(n for n, d in graph.nodes(data=True) if d.get("name") == HTML_INJECTION[2])
        tooltip = hover_node(page, node)
        assert HTML_INJECTION[2] in tooltip.inner_text()
        assert tooltip.locator("img, script, svg").count() == 0
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert dialogs == []
    assert blocked == []
