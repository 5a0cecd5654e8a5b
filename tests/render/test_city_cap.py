"""A city with more aggregate nodes than the browser may get: the smallest neighbourhoods merge.

A national dataset has about 1,700 neighbourhoods, so about 5,000 aggregate
nodes; before :func:`mapping.views.aggregate.merge_smallest` the city view sent
them all. Here a generated city is spread over 1,000 neighbourhoods (2,616
aggregates): the page must get at most :data:`NODE_CAP` nodes and
:data:`LINE_CAP` lines, say in its legend what is merged, keep every total,
and every neighbourhood, merged or not, must still open on its own.
"""

from __future__ import annotations

import html
from collections import Counter

import networkx as nx
import pytest

from mapping.analysis.graph import build_graph
from mapping.analysis.report import analyse
from mapping.i18n import format_number
from mapping.io import demo
from mapping.views.aggregate import (
    CITY_ABOVE,
    LINE_CAP,
    NODE_CAP,
    REST,
    SIDES,
    aggregate,
    aggregate_node,
    city_positions,
    drill_down,
    hood_of,
    merge_smallest,
)
from mapping.views.network_style import TEXT
from mapping.views.render_city import render_city
from tests.render.helpers import external_references, network_data

HOODS = 1000


def _spread(graph: nx.Graph, hoods: int) -> nx.Graph:
    """A copy of ``graph`` with its nodes dealt over ``hoods`` neighbourhoods, unevenly
    (the low codes get more nodes, so the ranking by size has something to rank)."""
    spread = graph.copy()
    nodes = sorted(spread, key=str)
    for i, n in enumerate(nodes):
        share = (i * 7919) % len(nodes) / len(nodes)  # 7919 is prime: a permutation
        spread.nodes[n]["neighbourhood"] = f"W{int(hoods * share ** 1.2):04d}"
    return spread


@pytest.fixture(scope="module")
def big():
    dataset = demo.generate(4000, 1200, seed=11, links=10000)
    graph = _spread(build_graph(dataset), HOODS)
    cov = analyse(dataset)
    return graph, cov, aggregate(graph, cov, cap=None), aggregate(graph, cov)


def _hood_sizes(graph: nx.Graph) -> Counter:
    return Counter(hood_of(d) for _, d in graph.nodes(data=True))


def test_the_generated_city_exceeds_the_cap_and_the_view_does_not(big):
    graph, _, full, city = big
    assert full.number_of_nodes() > NODE_CAP  # the case this file is about
    assert city.number_of_nodes() <= NODE_CAP
    rest = [aggregate_node(REST, side) for side in SIDES]
    assert set(rest) <= set(city)
    info = city.graph["rest"]
    assert info["shown"] + info["hoods"] == len(_hood_sizes(graph)) == HOODS
    # Kept neighbourhoods keep all their sides with the very same numbers.
    for n, d in city.nodes(data=True):
        if d["neighbourhood"] != REST:
            assert d == full.nodes[n]


def test_merging_keeps_every_total(big):
    graph, _, full, city = big
    members = [m for _, d in city.nodes(data=True) for m in d["members"]]
    assert sorted(members, key=str) == sorted(graph.nodes, key=str)  # each node exactly once
    links = sum(d["links"] for *_, d in city.edges(data=True))
    inner = sum(d["inner"] for _, d in city.nodes(data=True))
    assert links + inner == graph.number_of_edges()
    for key in ("reach", "collaborations"):
        # Reach never lies inside one node; some collaborations become inner links.
        assert sum(d[key] for *_, d in city.edges(data=True)) <= sum(
            d[key] for *_, d in full.edges(data=True))
    assert sum(d["reach"] for *_, d in city.edges(data=True)) == sum(
        d["reach"] for *_, d in full.edges(data=True))
    groups = [d for _, d in city.nodes(data=True) if d["side"] == "groups"]
    assert sum(d["families"] for d in groups) == sum(
        d["families"] for _, d in full.nodes(data=True) if d["side"] == "groups")
    assert all(sum(d["classes"].values()) == d["families"] for d in groups)
    sizes = _hood_sizes(graph)
    assert city.graph["rest"]["members"] == sum(
        d["count"] for _, d in city.nodes(data=True) if d["neighbourhood"] == REST)
    merged = {h for _, d in city.nodes(data=True) if d["neighbourhood"] == REST
              for h in d["hoods"]}
    assert len(merged) == city.graph["rest"]["hoods"]
    assert city.graph["rest"]["members"] == sum(sizes[h] for h in merged)


def test_the_largest_neighbourhoods_keep_their_nodes(big):
    graph, _, _, city = big
    sizes = _hood_sizes(graph)
    kept = {d["neighbourhood"] for _, d in city.nodes(data=True)} - {REST}
    merged = set(sizes) - kept
    assert kept and merged
    assert min(sizes[h] for h in kept) >= max(sizes[h] for h in merged)


def test_the_page_gets_at_most_the_caps_and_says_what_is_merged(big):
    _, _, _, city = big
    for lang in ("nl", "en"):
        page = render_city(city, city_positions(city), lang=lang)
        data = network_data(page)
        assert len(data["nodes"]) == city.number_of_nodes() <= NODE_CAP
        assert len(data["edges"]) <= LINE_CAP
        assert external_references(page) == []
        info = city.graph["rest"]
        name = TEXT[lang]["city_rest"].format(n=format_number(info["hoods"], lang))
        note = TEXT[lang]["city_merged"].format(
            shown=format_number(info["shown"], lang),
            hoods=format_number(HOODS, lang), rest=format_number(info["hoods"], lang),
            members=format_number(info["members"], lang), name=name)
        assert note in html.unescape(page)
        labels = {n["id"]: n["label"] for n in data["nodes"]}
        for side in SIDES:
            key = aggregate_node(REST, side)
            assert labels[key].startswith(f"{name} · {TEXT[lang]['side_' + side]}")
            assert data["nodes"][[n["id"] for n in data["nodes"]].index(key)]["tip"][
                "count"] == city.nodes[key]["count"]


def test_a_merged_neighbourhood_still_opens_on_its_own(big):
    graph, _, _, city = big
    merged = city.nodes[aggregate_node(REST, "groups")]["hoods"]
    hood = merged[0]
    real = drill_down(graph, hood)
    inside = {n for n, d in graph.nodes(data=True) if hood_of(d) == hood}
    assert inside <= set(real) and real.number_of_nodes() <= CITY_ABOVE
    # And opening it draws real nodes, not the rest.
    assert all(not str(n).startswith("a:") for n in real)


def test_below_the_cap_nothing_merges(big):
    _, _, full, _ = big
    assert merge_smallest(full, full.number_of_nodes()) is full
    small = merge_smallest(full, 30)
    assert small.number_of_nodes() <= 30 and small.graph["rest"]["shown"] >= 1
    with pytest.raises(ValueError):
        merge_smallest(full, len(SIDES))


def test_a_neighbourhood_coded_like_the_rest_stays_apart(big):
    graph, cov, _, _ = big
    odd = graph.copy()
    # 40 groups coded "…": the largest group side of all, yet it joins the rest, so
    # no real node shares a key with the merged ones.
    coded = [n for n in sorted(odd, key=str) if odd.nodes[n]["type"] == "group"][:40]
    for n in coded:
        odd.nodes[n]["neighbourhood"] = REST
    city = aggregate(odd, cov)
    assert city.number_of_nodes() <= NODE_CAP
    members = [m for _, d in city.nodes(data=True) for m in d["members"]]
    assert sorted(members, key=str) == sorted(odd.nodes, key=str)
    rest = city.nodes[aggregate_node(REST, "groups")]
    assert REST in rest["hoods"] and set(coded) <= set(rest["members"])


def test_merging_does_not_depend_on_the_order_the_data_came_in(big):
    graph, cov, _, city = big
    shuffled = nx.Graph()
    shuffled.add_nodes_from(reversed(list(graph.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(graph.edges(data=True))))
    again = aggregate(shuffled, cov)
    assert list(again.nodes) == list(city.nodes)
    assert {frozenset(e) for e in again.edges} == {frozenset(e) for e in city.edges}
    assert city_positions(again) == city_positions(city)
