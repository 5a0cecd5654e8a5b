"""No user text is ever a template or code: the map and network pages (issue 9, item 1).

Every hostile string of the shared corpus is put in the demo district as an
organisation's name, category and extra column, a parent group's name and
community, and a neighbourhood's name; both pages are rendered. For each:
rendering raises nothing, no code ran (the canary file is never created), the
page's one JSON payload holds the string exactly, and no string with markup
appears raw in the HTML. The real-browser half is ``test_render_browser.py``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import networkx as nx
import pytest

from mapping.analysis.graph import COLLABORATION, GROUP, ORG, build_graph
from mapping.io.demo import demo_district
from mapping.views.layout import positions
from mapping.views.render_map import map_placement, render_map
from mapping.views.render_network import render_network, script_json
from tests.render.helpers import page_data
from tests.security.corpus import (
    CONTROL,
    INVISIBLE,
    TEMPLATE_INJECTION,
    TEXT_ATTACKS,
    canary_clear,
    canary_tripped,
)

HOSTILE = (*TEXT_ATTACKS, *CONTROL, *INVISIBLE)
EXTRA = "website"
"""A column the schema does not know: kept and shown in popups and tooltips."""


def hostile_graph(text: str) -> nx.Graph:
    """The demo district with ``text`` in every user-written field the pages show."""
    dataset = demo_district()
    orgs = dataset.organisations.copy()
    orgs.loc[0, "name"] = text
    orgs.loc[1, "category"] = text
    orgs[EXTRA] = [text] + [None] * (len(orgs) - 1)
    groups = dataset.parent_groups.copy()
    groups.loc[0, "name"] = text
    groups.loc[1, "community"] = text
    hoods = json.loads(json.dumps(dataset.neighbourhoods))
    hoods["features"][0]["properties"]["name"] = text
    graph = build_graph(dataset.replace(organisations=orgs, parent_groups=groups,
                                        neighbourhoods=hoods))
    graph.graph["hoods"] = hoods
    return graph


@cache
def _demo_positions() -> dict[Any, tuple[float, float]]:
    # Names do not move nodes: one layout serves every hostile variant.
    return positions(build_graph(demo_district()))


@pytest.fixture(autouse=True)
def _canary():
    canary_clear()
    yield
    assert not canary_tripped(), "a user string ran as code"


def _ids(graph: nx.Graph) -> tuple[str, str, str, str]:
    # The rows hostile_graph changed: organisations 0 and 1, parent groups 0 and 1.
    orgs = [n for n, d in graph.nodes(data=True) if d.get("type") == ORG]
    groups = [n for n, d in graph.nodes(data=True) if d.get("type") == GROUP]
    return orgs[0], orgs[1], groups[0], groups[1]


def _no_raw_markup(page: str, text: str) -> None:
    # Inside the JSON every "<" is \u003c; in the legend and title it is &lt;.
    if "<" in text or ">" in text:
        assert text not in page


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_map_keeps_hostile_text_as_data(text):
    graph = hostile_graph(text)
    page = render_map(graph, graph.graph["hoods"], hide_personal=False, lang="nl",
                      show_collaborations=True)
    data = page_data(page)
    name_org, cat_org, _, _ = _ids(graph)
    orgs = {item["popup"].split("\n")[0]: item for item in data["orgs"]}
    assert data["orgs"][0]["tooltip"] == text  # the first organisation, by name
    assert text in orgs
    assert f"{EXTRA}: {text.strip()}" in orgs[text]["popup"].split("\n")
    cat_lines = orgs[graph.nodes[cat_org]["name"]]["popup"].split("\n")
    assert any(line.endswith(f" · {text}") for line in cat_lines)
    tooltips = [item["tooltip"] for item in data["groups"]]
    assert text in tooltips
    group_lines = [line for item in data["groups"] for line in item["popup"].split("\n")]
    assert f"gemeenschap: {text}" in group_lines
    assert f"wijk: {text}" in group_lines  # the neighbourhood's name, via its code
    assert text in [p["name"] for p in data["polygons"]]  # the permanent label
    if any(d.get("type") == COLLABORATION for _, _, d in graph.edges(name_org, data=True)):
        assert any(text in item["tooltip"].split("\n")[0] for item in data["lines"])
    _no_raw_markup(page, text)


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_network_keeps_hostile_text_as_data(text):
    graph = hostile_graph(text)
    page = render_network(graph, _demo_positions(), hide_personal=False, title=text,
                          size_by=dict.fromkeys(graph, 1.0), size_label=text)
    data = page_data(page)
    name_org, cat_org, name_group, community_group = _ids(graph)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[name_org]["label"] == text
    assert nodes[name_group]["label"] == text
    assert nodes[name_org]["tooltip"].split("\n")[0] == text
    assert f"{EXTRA}: {text.strip()}" in nodes[name_org]["tooltip"].split("\n")
    assert any(line.endswith(f" · {text}") for line in nodes[cat_org]["tooltip"].split("\n"))
    assert f"gemeenschap: {text}" in nodes[community_group]["tooltip"].split("\n")
    hood_lines = [line for n in data["nodes"] for line in n["tooltip"].split("\n")]
    assert f"wijk: {text}" in hood_lines
    _no_raw_markup(page, text)


def test_template_syntax_is_not_evaluated():
    """``{{ 7*7 }}`` stays those characters: no Jinja2 compiled it anywhere."""
    graph = hostile_graph("{{ 7*7 }}")
    for page in (render_map(graph, graph.graph["hoods"]),
                 render_network(graph, _demo_positions())):
        assert "{{ 7*7 }}" in page
        assert page_data(page)  # still one parseable payload


def test_the_old_exploit_runs_nothing():
    """The exact string from the issue: it used to run a shell command via branca."""
    text = TEMPLATE_INJECTION[0]
    graph = hostile_graph(text)
    render_map(graph, graph.graph["hoods"])
    render_network(graph, _demo_positions())
    assert not canary_tripped()


def test_payload_is_script_safe_for_every_string():
    text = script_json(list(HOSTILE))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == list(HOSTILE)


def test_broken_coordinates_and_geometry_never_break_the_page():
    """NaN, infinity and out-of-range positions leave a node unplaced, never invalid JSON."""
    graph = hostile_graph("x")
    orgs = [n for n, d in graph.nodes(data=True) if d.get("type") == ORG]
    for node, (lat, lon) in zip(orgs, [(float("nan"), 4.0), (float("inf"), 4.0),
                                       (1e308, 4.0), (52.0, -1e20), ("52", "x")],
                                strict=False):
        graph.nodes[node]["lat"], graph.nodes[node]["lon"] = lat, lon
    hoods = graph.graph["hoods"]
    hoods["features"].append({"type": "Feature", "properties": {"code": "X", "name": "X"},
                              "geometry": {"type": "Polygon",
                                           "coordinates": [[[float("nan"), 1], [2, 3]]]}})
    page = render_map(graph, hoods)
    data = page_data(page)
    assert len(data["polygons"]) == len(hoods["features"]) - 1
    placement = map_placement(graph, hoods)
    for node in orgs[:5]:
        assert placement.how.get(node) != "own"


def test_text_that_is_not_valid_unicode_still_makes_a_utf8_page():
    """A lone surrogate stays exact in the JSON payload; the page encodes as UTF-8.

    (pandas' Arrow strings refuse such text, so it is set on the graph directly.)
    """
    text = "F\ud8000"
    graph = hostile_graph("x")
    name_org, cat_org, name_group, _ = _ids(graph)
    graph.nodes[name_org]["name"] = graph.nodes[name_group]["name"] = text
    graph.nodes[cat_org]["category"] = text
    for page in (render_map(graph, graph.graph["hoods"]),
                 render_network(graph, _demo_positions(), title=text)):
        page.encode("utf-8")
        assert text in json.dumps(page_data(page), ensure_ascii=False)
