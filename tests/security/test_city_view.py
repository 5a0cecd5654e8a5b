"""The city view keeps hostile text as data: neighbourhood names, codes and the title.

Every hostile string of the shared corpus becomes a neighbourhood's name, a
neighbourhood's code (which ends up in the aggregate's node ids) and the
page's title; the city page is rendered. Nothing ran (the canary stays
clear), the one JSON payload holds the string exactly, and no string with
markup appears raw in the HTML.
"""

from __future__ import annotations

import pytest

from mapping.analysis.graph import build_graph
from mapping.io.demo import demo_district
from mapping.views.aggregate import aggregate, aggregate_node, drill_down
from mapping.views.render_city import render_city
from tests.render.helpers import page_data
from tests.security.corpus import CONTROL, INVISIBLE, TEXT_ATTACKS, canary_clear, canary_tripped

HOSTILE = (*TEXT_ATTACKS, *CONTROL, *INVISIBLE)


@pytest.fixture(autouse=True)
def _canary():
    canary_clear()
    yield
    assert not canary_tripped(), "a user string ran as code"


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_city_page_keeps_hostile_text_as_data(text):
    graph = build_graph(demo_district())
    first = sorted(str(d["neighbourhood"]) for _, d in graph.nodes(data=True)
                   if d.get("neighbourhood"))[0]
    for _, data in graph.nodes(data=True):  # the code itself hostile too
        if str(data.get("neighbourhood")) == first:
            data["neighbourhood"] = text
    code = text.strip() or "?"
    city = aggregate(graph, None, {code: text})
    page = render_city(city, {}, lang="nl", title=text)
    data = page_data(page)
    ids = {n["id"] for n in data["nodes"]}
    assert aggregate_node(code, "groups") in ids
    labels = [n["label"] for n in data["nodes"]]
    assert any(label.startswith(f"{text} · ") for label in labels) or code == "?"
    if "<" in text or ">" in text:
        assert text not in page
    assert set(drill_down(graph, code)) >= {n for n, d in graph.nodes(data=True)
                                            if d.get("neighbourhood") == text}


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_hostile_neighbourhoods_merged_into_the_rest_stay_data(text):
    """A hostile code among the merged neighbourhoods: the rest's node names only a count."""
    from mapping.views.aggregate import REST, merge_smallest

    graph = build_graph(demo_district())
    codes = sorted({str(d["neighbourhood"]) for _, d in graph.nodes(data=True)
                    if d.get("neighbourhood")})
    last = codes[-1]
    for _, data in graph.nodes(data=True):
        if str(data.get("neighbourhood")) == last:
            data["neighbourhood"] = text
    code = text.strip() or "?"
    full = aggregate(graph, None, {code: text}, cap=None)
    city = merge_smallest(full, len({d["neighbourhood"] for _, d in full.nodes(data=True)}))
    assert city.graph.get("rest"), "nothing merged: the test would prove nothing"
    page = render_city(city, {}, lang="en", title="city")
    data = page_data(page)
    assert len(data["nodes"]) == city.number_of_nodes()
    rest_ids = {aggregate_node(REST, s) for s in ("formal", "informal", "groups")}
    merged = [n for n in data["nodes"] if n["id"] in rest_ids]
    assert merged and all(text not in n["label"] or not text.strip() for n in merged)
    if "<" in text or ">" in text:
        assert text not in page
    members = [m for _, d in city.nodes(data=True) for m in d["members"]]
    assert sorted(members, key=str) == sorted(graph.nodes, key=str)
