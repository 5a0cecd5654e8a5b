"""A neighbourhood opened from the city view draws at most LINE_CAP lines, like the aggregate.

Up to :data:`CITY_ABOVE` real nodes may hold many more links than the browser
should get (the aggregate's reason for :data:`LINE_CAP`). The drill-down
reuses the aggregate's choice (:func:`mapping.views.lines.strongest`) with the
real links' strength (:func:`mapping.views.lines.link_strength`): every node
keeps its strongest link, a highlighted route is never hidden, and the legend
says how many are left out.
"""

from __future__ import annotations

import html

import networkx as nx
import pytest
from streamlit.testing.v1 import AppTest

from mapping.analysis.graph import COLLABORATION, build_graph, group_node
from mapping.analysis.report import analyse
from mapping.i18n import format_number
from mapping.io import demo
from mapping.views import aggregate as aggregate_module
from mapping.views import lines as lines_module
from mapping.views.aggregate import CITY_ABOVE, LINE_CAP, drill_down, strongest_lines
from mapping.views.layout import positions
from mapping.views.lines import link_strength, strongest
from mapping.views.network_select import route_highlight
from mapping.views.network_style import TEXT
from mapping.views.render_network import render_network
from tests.render.helpers import network_data


def score(data) -> float:
    value = data.get("quality" if data.get("type") == COLLABORATION else "strength")
    return float(value) if isinstance(value, (int, float)) and value == value else 0.0


@pytest.fixture(scope="module")
def crowded():
    """One neighbourhood of a generated city holding every node: 1,600 nodes, ~8,000 links."""
    dataset = demo.generate(1200, 400, seed=5, links=8000)
    graph = build_graph(dataset)
    for n in graph:
        graph.nodes[n]["neighbourhood"] = "BU1"
    shown = drill_down(graph, "BU1")
    assert shown.number_of_nodes() <= CITY_ABOVE < shown.number_of_edges()
    return dataset, shown


def _pairs(edges) -> set[frozenset]:
    return {frozenset(e) for e in edges}


def test_the_drill_down_keeps_the_strongest_links_and_every_nodes_best(crowded):
    _, shown = crowded
    kept = strongest(shown, LINE_CAP, link_strength())
    assert len(kept) == LINE_CAP
    chosen = _pairs(kept)
    assert chosen <= _pairs(shown.edges)
    hidden = [score(d) for u, v, d in shown.edges(data=True) if frozenset((u, v)) not in chosen]
    best_hidden = max(hidden)
    assert all(frozenset((u, v)) in chosen for u, v, d in shown.edges(data=True)
               if score(d) > best_hidden)
    for node in shown:
        scores = [score(d) for *_, d in shown.edges(node, data=True)]
        if scores:
            drawn = [score(shown.edges[e]) for e in kept if node in e]
            assert drawn and max(drawn) == max(scores), node


def test_the_same_mechanism_as_the_aggregate(crowded):
    """``strongest_lines`` with the real links' strength is the very same choice."""
    _, shown = crowded
    assert strongest_lines(shown, 500, link_strength()) == strongest(shown, 500, link_strength())


def test_a_highlighted_route_is_never_hidden(crowded):
    dataset, shown = crowded
    cov = analyse(dataset)
    groups = sorted(g for g, gc in cov.groups.items() if gc.paths)
    gc = max((cov.groups[g] for g in groups), key=lambda gc: len(gc.paths))
    group = next(g for g in groups if cov.groups[g] is gc)
    highlight = route_highlight(shown, group_node(group), gc.paths)
    assert highlight.edges
    kept = _pairs(strongest(shown, 300, link_strength(), keep=highlight.edges))
    assert highlight.edges <= kept


def test_the_page_draws_the_kept_lines_and_says_how_many_are_hidden(crowded):
    _, shown = crowded
    kept = strongest(shown, LINE_CAP, link_strength())
    page = render_network(shown, positions(shown), lines=kept, lang="en")
    data = network_data(page)
    assert len(data["edges"]) == LINE_CAP
    assert _pairs((e["from"], e["to"]) for e in data["edges"]) == {
        frozenset((str(u), str(v))) for u, v in kept}
    m = shown.number_of_edges()
    note = TEXT["en"]["lines_hidden"].format(shown=format_number(LINE_CAP, "en"),
                                              m=format_number(m, "en"),
                                              hidden=format_number(m - LINE_CAP, "en"))
    assert html.escape(note, quote=False) in page or html.escape(note) in page


def test_without_a_cap_nothing_is_said(crowded):
    _, shown = crowded
    small = shown.subgraph(list(shown)[:200]).copy()
    page = render_network(small, positions(small), lang="nl")
    assert len(network_data(page)["edges"]) == small.number_of_edges()
    assert "zwakste" not in page


def test_the_network_page_caps_a_drilled_down_neighbourhood(monkeypatch):
    """AppTest: the demo as a "city" (CITY_ABOVE lowered), one neighbourhood opened, a cap of 5."""
    import streamlit as st

    from tests.app.conftest import APP, shown_dataset

    dataset = shown_dataset()
    graph = build_graph(dataset)
    hood = max({h for h in dataset.parent_groups["neighbourhood"] if h},
               key=lambda h: drill_down(graph, h).number_of_edges())
    opened = drill_down(graph, hood)
    cap = 5
    assert opened.number_of_edges() > cap
    monkeypatch.setattr(aggregate_module, "CITY_ABOVE", 40)
    monkeypatch.setattr(lines_module, "LINE_CAP", cap)
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["open"] = hood
        at.switch_page("pages/network.py")
        at.run()
        assert not at.exception
        page = at.get("iframe")[0].proto.srcdoc
        data = network_data(page)
        assert len(data["nodes"]) == opened.number_of_nodes()
        assert len(data["edges"]) == cap
        assert "zwakste" in page  # the Dutch legend line about hidden links
    finally:
        st.cache_resource.clear()


def test_a_tight_cap_keeps_the_strongest_and_collaborations_rank_by_quality():
    star = nx.Graph()
    for i in range(10):
        star.add_edge("hub", f"leaf{i}", type="reach", strength=i % 5 + 1)
    star.add_edge("leaf0", "leaf1", type=COLLABORATION, quality=4.5)
    star.add_edge("leaf2", "leaf3", type=COLLABORATION, quality=None)
    assert len(strongest(star, 12, link_strength())) == 12
    kept = strongest(star, 3, link_strength())
    assert sorted(score(star.edges[e]) for e in kept) == [4.5, 5.0, 5.0]
    # An unrated collaboration counts as the weakest.
    assert ("leaf2", "leaf3") not in strongest(star, 11, link_strength())


def test_the_city_legend_counts_lines_as_lines():
    """The legend's first line counted the aggregate's lines as "links" (13,853 "links" for a
    4x city of 140,350 links), beside "2,000 of 13,853 lines drawn" just under it."""
    from mapping.analysis.report import analyse as coverage_of
    from mapping.views.aggregate import aggregate, city_positions
    from mapping.views.render_city import render_city

    dataset = demo.generate(300, 90, seed=3)
    city = aggregate(build_graph(dataset), coverage_of(dataset))
    m = format_number(city.number_of_edges(), "en")
    page = render_city(city, city_positions(city), lang="en")
    assert f"{m} lines" in page and f"{m} links" not in page
    page = render_city(city, city_positions(city), lang="nl")
    assert f"{format_number(city.number_of_edges(), 'nl')} lijnen" in page
