"""Network HTML: offline, escaped, styled as the legend says; filters and highlights."""

from __future__ import annotations

import html

import networkx as nx
import pandas as pd
import pytest

from mapping.analysis.graph import build_graph
from mapping.views.layout import positions
from mapping.views.render_network import (
    PHYSICS_LIMIT,
    GroupCoverage,
    Highlight,
    coverage_by_node,
    ego_nodes,
    filter_graph,
    render_network,
    route_highlight,
    script_json,
)
from tests.render.conftest import IMG, PAYLOADS, SCRIPT, make_dataset
from tests.render.helpers import external_references, network_data


@pytest.fixture
def page(graph, coverage) -> str:
    return render_network(graph, positions(graph), coverage=coverage)


def test_page_needs_no_external_resources(page):
    assert external_references(page) == []
    assert "vis.Network" in page  # vis-network inlined, not linked


def test_no_payload_reaches_the_html_unescaped(graph, coverage):
    page = render_network(graph, positions(graph), coverage=coverage, hide_personal=False,
                          size_by=dict.fromkeys(graph, 1.0), size_label=SCRIPT, title=IMG)
    for payload in PAYLOADS:
        assert payload not in page
    # Legend and title are HTML: escaped there.
    assert html.escape(SCRIPT) in page
    assert f"<title>{html.escape(IMG)}</title>" in page


def test_labels_and_tooltips_keep_the_original_text(page, graph):
    data = network_data(page)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["o:3"] == SCRIPT  # canvas text: shown as typed
    tips = {n["id"]: n["tooltip"] for n in data["nodes"]}
    assert tips["o:4"].startswith(IMG)  # set with textContent in the browser


def test_script_json_cannot_close_the_script_element():
    text = script_json({"a": "</script><!-- &\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text


def test_node_and_edge_counts_match_graph(page, graph):
    data = network_data(page)
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()


def test_positions_are_used_as_given(graph):
    pos = positions(graph)
    data = network_data(render_network(graph, pos))
    for node in data["nodes"]:
        assert (node["x"], node["y"]) == pos[node["id"]]


def test_contacts_hidden_by_default(graph):
    hidden = render_network(graph, positions(graph))
    assert "Jan Jansen" not in hidden
    shown = render_network(graph, positions(graph), hide_personal=False)
    assert "Jan Jansen" in shown


def test_collaboration_styles(page):
    edges = {frozenset((e["from"], e["to"])): e for e in network_data(page)["edges"]}
    strong = edges[frozenset(("o:3", "o:1"))]  # quality 3.75
    weak = edges[frozenset(("o:4", "o:6"))]  # quality 1.75
    unrated = edges[frozenset(("o:5", "o:2"))]
    reach = edges[frozenset(("o:3", "g:1"))]
    assert strong["dashes"] is False and weak["dashes"] and unrated["dashes"]
    assert strong["width"] > weak["width"]
    assert reach["color"]["color"] != strong["color"]["color"]
    assert len({strong["color"]["color"], weak["color"]["color"],
                unrated["color"]["color"]}) == 3


def test_weak_threshold_is_configurable(graph):
    data = network_data(render_network(graph, positions(graph), weak_threshold=4.0))
    edges = {frozenset((e["from"], e["to"])): e for e in data["edges"]}
    assert edges[frozenset(("o:3", "o:1"))]["dashes"]  # 3.75 < 4.0


def test_group_colour_follows_coverage(page):
    nodes = {n["id"]: n for n in network_data(page)["nodes"]}
    colours = {g: nodes[g]["color"]["background"] for g in ("g:1", "g:2", "g:3", "g:4")}
    assert len(set(colours.values())) == 4  # four classes, four colours


def test_size_by_measure(graph):
    measure = dict.fromkeys(graph, 1.0) | {"o:1": 100.0}
    nodes = {n["id"]: n for n in network_data(
        render_network(graph, positions(graph), size_by=measure))["nodes"]}
    assert nodes["o:1"]["size"] > nodes["o:2"]["size"]


def test_default_size_by_families(page):
    nodes = {n["id"]: n for n in network_data(page)["nodes"]}
    assert nodes["g:1"]["size"] > nodes["g:3"]["size"]  # 40 vs 12 families


def test_highlight_dims_the_rest(graph):
    hl = route_highlight(graph, "g:1")
    nodes = {n["id"]: n for n in network_data(
        render_network(graph, positions(graph), highlight=hl))["nodes"]}
    assert nodes["g:1"]["color"]["background"] != nodes["g:4"]["color"]["background"]
    dim = nodes["g:4"]["color"]["background"]
    assert all(nodes[n]["color"]["background"] == dim for n in ("g:2", "g:3", "o:4", "o:6"))


def test_physics_off_above_limit():
    g = nx.path_graph(PHYSICS_LIMIT + 1)
    g = nx.relabel_nodes(g, {i: f"o:{i}" for i in g})
    nx.set_node_attributes(g, "organisation", "type")
    nx.set_edge_attributes(g, "collaboration", "type")
    data = network_data(render_network(g, positions(g), physics=True, show_legend=False))
    assert data["options"]["physics"]["enabled"] is False


def test_physics_toggle_small_graph(graph):
    data = network_data(render_network(graph, positions(graph), physics=True))
    assert data["options"]["physics"]["enabled"] is True
    data = network_data(render_network(graph, positions(graph)))
    assert data["options"]["physics"]["enabled"] is False


def test_languages_and_presentation(graph, coverage):
    nl = render_network(graph, positions(graph), coverage=coverage)
    en = render_network(graph, positions(graph), coverage=coverage, lang="en")
    assert "Legenda" in nl and "niet bereikt" in nl
    assert "Legend" in en and "unreached" in en
    big = network_data(render_network(graph, positions(graph), presentation=True))
    small = network_data(nl)
    assert big["options"]["nodes"]["font"]["size"] > small["options"]["nodes"]["font"]["size"]
    assert 'class="legend present"' in render_network(graph, positions(graph),
                                                      presentation=True)


# ----------------------------------------------------------------------------- filters


def test_filter_by_neighbourhood_keeps_city_wide_reachers(graph):
    sub = filter_graph(graph, neighbourhoods=["BU01"])
    assert {"g:1", "g:2"} <= set(sub) and "g:3" not in sub
    assert {"o:1", "o:3", "o:5"} <= set(sub)
    assert "o:4" not in sub  # BU02 and reaches only BU02 groups


def test_filter_by_category_topic_and_coverage(graph, coverage):
    assert set(filter_graph(graph, categories=["wijkteam", "cjg"])) == {
        "o:1", "o:2", "g:1", "g:2", "g:3", "g:4"}
    assert {n for n in filter_graph(graph, topics=["school"]) if n.startswith("o:")} == {
        "o:2", "o:5"}
    sub = filter_graph(graph, coverage_classes=["unreached"], coverage=coverage)
    assert {n for n in sub if n.startswith("g:")} == {"g:4"}


def test_filter_min_quality(graph):
    sub = filter_graph(graph, min_quality=3.0)
    assert sub.has_edge("o:3", "o:1") and not sub.has_edge("o:4", "o:6")
    assert sub.has_edge("o:5", "o:2")  # unrated kept by default
    assert not filter_graph(graph, min_quality=3.0, include_unrated=False).has_edge("o:5", "o:2")
    assert set(sub) == set(graph)


def test_filter_does_not_touch_input(graph):
    before = (graph.number_of_nodes(), graph.number_of_edges())
    filter_graph(graph, neighbourhoods=["BU02"], min_quality=4.0)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == before


def test_empty_filters_keep_everything(graph):
    sub = filter_graph(graph, neighbourhoods=[], categories=None)
    assert set(sub) == set(graph) and sub.number_of_edges() == graph.number_of_edges()


# ----------------------------------------------------------------------------- highlights


def test_route_highlight_without_route_finds_chain_to_formal(graph):
    hl = route_highlight(graph, "g:1")
    assert {"g:1", "o:3", "o:1", "o:5", "o:2"} <= hl.nodes
    assert frozenset(("o:3", "o:1")) in hl.edges


def test_route_highlight_with_given_route(graph):
    hl = route_highlight(graph, "g:1", ["g:1", "o:3", "o:1"])
    assert hl.nodes == {"g:1", "o:3", "o:5", "o:1"}  # route + the group's own reach
    hl2 = route_highlight(graph, "g:1", [["g:1", "o:3", "o:1"], ["g:1", "o:5", "o:2"]])
    assert {"o:1", "o:2"} <= hl2.nodes
    assert route_highlight(graph, "g:404") == Highlight()


def test_ego_nodes(graph):
    one = ego_nodes(graph, "o:1", 1)
    assert one.nodes == {"o:1", "o:3", "o:2", "g:2"}
    two = ego_nodes(graph, "o:1", 2)
    assert one.nodes < two.nodes and "g:1" in two.nodes
    assert all(u in two.nodes and v in two.nodes for u, v in map(tuple, two.edges))


# ----------------------------------------------------------------------------- coverage input


def test_coverage_dataframe_input():
    frame = pd.DataFrame({"id": ["1", "3"], "coverage": ["bridged", "informal_only"],
                          "routes": [1, 0], "fragile": [True, False]})
    cov = coverage_by_node(frame)
    assert cov["g:1"] == GroupCoverage("bridged", 1, True)
    assert cov["g:3"].coverage == "informal_only"
    g = build_graph(make_dataset(evil=False))
    page = render_network(g, positions(g), coverage=frame, lang="en")
    assert "fragile (1 route)" in page


def test_route_highlight_accepts_coverage_table_routes(graph):
    # coverage_table's route: organisation ids from the reacher to the formal organisation.
    hl = route_highlight(graph, "g:1", ("3", "1"))
    assert {"g:1", "o:3", "o:1"} <= hl.nodes
    assert frozenset(("g:1", "o:3")) in hl.edges and frozenset(("o:3", "o:1")) in hl.edges
    paths = route_highlight(graph, "g:1", [["3", "1"], ["5", "2"]])
    assert frozenset(("o:5", "o:2")) in paths.edges


def test_coverage_object_input():
    from types import SimpleNamespace as NS

    result = NS(groups={"1": NS(coverage="direct", routes=2, fragile=False),
                        "2": NS(coverage="bridged", routes=1, fragile=True)})
    cov = coverage_by_node(result)
    assert cov["g:1"] == GroupCoverage("direct", 2, False)
    assert cov["g:2"].fragile


def test_extra_columns_show_in_tooltips_and_popups(dataset):
    """Columns the tool does not know are kept and shown (issue 2), escaped like the rest."""
    from mapping.analysis.graph import build_graph
    from mapping.views.render_map import render_map

    orgs = dataset.organisations.copy()
    orgs["website"] = ["https://wijkteam.example", None, None, None, None, "<b>x</b>"]
    graph = build_graph(dataset.replace(organisations=orgs))
    nodes = {n["id"]: n for n in network_data(render_network(graph, positions(graph)))["nodes"]}
    assert "website: https://wijkteam.example" in nodes["o:1"]["tooltip"]
    assert "website" not in nodes["o:2"]["tooltip"]
    page = render_map(graph, dataset.neighbourhoods)
    assert "website: https://wijkteam.example" in page
    assert "<b>x</b>" not in page
