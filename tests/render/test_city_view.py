"""The city view: aggregation preserves totals, never touches its input, draws as data."""

from __future__ import annotations

import html
from collections import Counter

import networkx as nx
import pytest

from mapping.analysis.graph import build_graph
from mapping.analysis.report import analyse
from mapping.io import demo
from mapping.views.aggregate import (
    NO_HOOD,
    SIDES,
    aggregate,
    aggregate_node,
    dominant_class,
    drill_down,
    hood_of,
    hoods,
    side_of,
)
from mapping.views.layout import positions
from mapping.views.render_city import render_city
from mapping.views.render_network import filter_graph
from tests.render.conftest import PAYLOADS, SCRIPT
from tests.render.helpers import external_references, network_data


@pytest.fixture(scope="module")
def city_data():
    dataset = demo.generate(300, 90, seed=3)
    return dataset, build_graph(dataset), analyse(dataset)


def _snapshot(graph: nx.Graph) -> tuple:
    return (sorted((str(n), sorted(map(str, d.items()))) for n, d in graph.nodes(data=True)),
            sorted((str(u), str(v), sorted(map(str, d.items())))
                   for u, v, d in graph.edges(data=True)))


def test_one_node_per_neighbourhood_and_side(city_data):
    _, graph, cov = city_data
    city = aggregate(graph, cov)
    expected = Counter(aggregate_node(hood_of(d), side_of(d)) for _, d in graph.nodes(data=True))
    assert set(city.nodes) == set(expected)
    assert city.number_of_nodes() == len(expected)
    for n, d in city.nodes(data=True):
        assert d["count"] == expected[n] == len(d["members"])
        assert d["side"] in SIDES
    assert city.graph["aggregate"] is True


def test_totals_are_preserved(city_data):
    _, graph, cov = city_data
    city = aggregate(graph, cov)
    members = [m for _, d in city.nodes(data=True) for m in d["members"]]
    assert sorted(members, key=str) == sorted(graph.nodes, key=str)  # each node exactly once
    links = sum(d["links"] for _, _, d in city.edges(data=True))
    inner = sum(d["inner"] for _, d in city.nodes(data=True))
    assert links + inner == graph.number_of_edges()
    assert all(d["links"] == d["reach"] + d["collaborations"] for _, _, d in city.edges(data=True))
    reach = sum(1 for *_, d in graph.edges(data=True) if d["type"] == "reach")
    # A reach link joins an organisation and a group: never inside one aggregate node.
    assert sum(d["reach"] for *_, d in city.edges(data=True)) == reach
    families = sum(int(d.get("families") or 0) for _, d in graph.nodes(data=True)
                   if d["type"] == "group")
    groups = [d for _, d in city.nodes(data=True) if d["side"] == "groups"]
    assert sum(d["families"] for d in groups) == families
    assert sum(sum(d["classes"].values()) for d in groups) == families


def test_edges_join_the_sides_of_their_ends(city_data):
    _, graph, cov = city_data
    city = aggregate(graph, cov)
    pairs = Counter()
    for u, v in graph.edges:
        a = aggregate_node(hood_of(graph.nodes[u]), side_of(graph.nodes[u]))
        b = aggregate_node(hood_of(graph.nodes[v]), side_of(graph.nodes[v]))
        if a != b:
            pairs[frozenset((a, b))] += 1
    assert city.number_of_edges() == len(pairs)
    assert all(city.edges[tuple(p)]["links"] == c for p, c in pairs.items())


def test_aggregation_leaves_the_cached_graph_untouched(city_data):
    _, graph, cov = city_data
    before = _snapshot(graph)
    aggregate(graph, cov)
    drill_down(graph, hoods(graph)[0])
    assert _snapshot(graph) == before


def test_class_shares_and_dominant_colour():
    assert dominant_class({"direct": 3, "unreached": 9}) == "unreached"
    assert dominant_class({"direct": 5, "bridged": 5}) == "direct"  # ties: class order
    assert dominant_class({None: 4}) is None
    assert dominant_class({}) is None


def test_nodes_without_neighbourhood_get_their_own_node(graph):
    graph = graph.copy()
    graph.nodes["o:1"]["neighbourhood"] = None
    city = aggregate(graph)
    assert aggregate_node(NO_HOOD, "formal") in city
    assert hoods(graph)[-1] == NO_HOOD
    assert set(drill_down(graph, NO_HOOD)) >= {"o:1"}


def test_drill_down_is_the_neighbourhood_filter(city_data):
    _, graph, _cov = city_data
    hood = hoods(graph)[1]
    sub = drill_down(graph, hood)
    assert set(sub) == set(filter_graph(graph, [hood]))
    assert sub.number_of_edges() == filter_graph(graph, [hood]).number_of_edges()
    assert all(hood_of(sub.nodes[n]) == hood for n in sub if sub.nodes[n]["type"] == "group")


def test_city_page_draws_the_aggregate_offline(city_data):
    _, graph, cov = city_data
    city = aggregate(graph, cov)
    page = render_city(city, positions(city), lang="en")
    data = network_data(page)
    assert len(data["nodes"]) == city.number_of_nodes()
    assert len(data["edges"]) == city.number_of_edges()
    assert external_references(page) == []
    shapes = Counter(n["shape"] for n in data["nodes"])
    sides = Counter(d["side"] for _, d in city.nodes(data=True))
    assert shapes == {"square": sides["formal"], "dot": sides["informal"],
                      "triangle": sides["groups"]}


def test_city_page_keeps_hostile_neighbourhood_names_as_text(graph, coverage):
    names = {"BU01": SCRIPT, "BU02": PAYLOADS[1]}
    page = render_city(aggregate(graph, coverage, names), {}, lang="nl", title=SCRIPT)
    assert SCRIPT not in page and PAYLOADS[1] not in page
    assert html.escape(SCRIPT, quote=False) in page  # the title, autoescaped
    labels = [n["label"] for n in network_data(page)["nodes"]]
    assert any(label.startswith(SCRIPT) for label in labels)  # intact as data
