"""The city view's lines: the lines between neighbourhoods get their own share of the cap.

At 9x the strongest 2,000 lines of the aggregate were nearly all inside a
neighbourhood (its formal organisations to its own parent groups), so at city
zoom nothing showed how neighbourhoods connect. Now every node first keeps its
strongest line, the lines between neighbourhoods get half of the cap as far as
there is room (:func:`mapping.views.lines.split_budget`), and within each kind
the old rule holds (:func:`mapping.views.lines.strongest_split`). A line of the
merged smallest neighbourhoods counts its links per neighbourhood
(:func:`mapping.views.aggregate.city_strength`).
"""

from __future__ import annotations

import html
import random

import networkx as nx
import pytest

from mapping.i18n import format_number
from mapping.views.aggregate import (
    REST,
    aggregate_node,
    between_neighbourhoods,
    city_strength,
    strongest_lines,
)
from mapping.views.lines import split_budget, strongest, strongest_split
from mapping.views.network_style import TEXT
from mapping.views.render_city import render_city
from tests.render.helpers import network_data

HOODS = 20


def _node(city: nx.Graph, hood: str, side: str, count: int, **extra) -> str:
    key = aggregate_node(hood, side)
    city.add_node(key, neighbourhood=hood, side=side, count=count, name=hood, members=(),
                  families=0, inner=0, type="group" if side == "groups" else "organisation",
                  **({"classes": {}} if side == "groups" else {"kind": side}), **extra)
    return key


def _edge(city: nx.Graph, a: str, b: str, links: int) -> None:
    city.add_edge(a, b, links=links, reach=links, collaborations=0)


@pytest.fixture(scope="module")
def strong_inside() -> nx.Graph:
    """The 9x city in small: 20 neighbourhoods whose 60 inside lines (10-12 links) are all
    stronger than the 300 lines between neighbourhoods (1-3 links)."""
    city = nx.Graph(aggregate=True)
    rng = random.Random(7)
    for i in range(HOODS):
        hood = f"BU{i:02d}"
        formal, informal, groups = (_node(city, hood, side, 5 + i % 4)
                                    for side in ("formal", "informal", "groups"))
        _edge(city, formal, groups, 12)
        _edge(city, informal, groups, 11)
        _edge(city, formal, informal, 10)
    nodes = sorted(city)
    while sum(1 for e in city.edges if between_neighbourhoods(city)(*e)) < 300:
        a, b = rng.sample(nodes, 2)
        if city.nodes[a]["neighbourhood"] != city.nodes[b]["neighbourhood"]:
            _edge(city, a, b, rng.randint(1, 3))
    return city


def _kinds(city: nx.Graph, lines) -> tuple[int, int]:
    crosses = between_neighbourhoods(city)
    between = sum(1 for e in lines if crosses(*e))
    return len(lines) - between, between


@pytest.mark.parametrize(("cap", "inside", "between", "expected"), [
    (2000, 5000, 20000, (1000, 1000)),  # both plenty: half each
    (2000, 5000, 300, (1700, 300)),     # few between: their unused share goes inside
    (2000, 400, 20000, (400, 1600)),    # few inside: the rest goes between
    (2000, 400, 300, (400, 300)),       # everything fits
    (2001, 5000, 20000, (1000, 1001)),  # an odd cap: the between-lines round up
    (0, 10, 10, (0, 0)),
])
def test_split_budget_shares_the_cap(cap, inside, between, expected):
    assert split_budget(cap, inside, between) == expected


def test_split_budget_keeps_the_lines_already_drawn():
    # Every node's strongest line first: 1,332 inside at 9x leave 668 for between.
    assert split_budget(2000, 1998, 26274, drawn=(1332, 0)) == (1332, 668)
    # Less than half already drawn inside: the between-lines get their full half.
    assert split_budget(2000, 1998, 26274, drawn=(700, 5)) == (1000, 1000)
    # Many strongest lines between neighbourhoods: they stay, inside gets the rest.
    assert split_budget(2000, 1998, 26274, drawn=(100, 1500)) == (500, 1500)
    for drawn in ((0, 0), (600, 600), (1999, 1), (0, 2000)):
        inside, between = split_budget(2000, 5000, 5000, drawn=drawn)
        assert inside >= drawn[0] and between >= drawn[1] and inside + between == 2000


def test_strength_alone_hides_the_lines_between_neighbourhoods(strong_inside):
    """The old choice, as a reference: inside lines fill what nodes' best lines leave."""
    city = strong_inside
    old = strongest(city, 80, city_strength(city))
    assert _kinds(city, old) == (60, 20)


def test_the_lines_between_neighbourhoods_get_their_share(strong_inside):
    city = strong_inside
    # Every node's strongest line is inside (40 lines); half of 80 is left for between.
    assert _kinds(city, strongest_lines(city, 80)) == (40, 40)
    # A cap of 160: half is 80 between, but inside has only 60: its unused share goes between.
    assert _kinds(city, strongest_lines(city, 160)) == (60, 100)
    # The nodes' strongest lines take 40 of 60: the between-lines get the 20 left.
    assert _kinds(city, strongest_lines(city, 60)) == (40, 20)


@pytest.mark.parametrize("cap", [60, 80, 160, 250])
def test_within_each_kind_the_old_rule_holds(strong_inside, cap):
    city = strong_inside
    kept = strongest_lines(city, cap)
    assert len(kept) == cap == len({frozenset(e) for e in kept})
    chosen = {frozenset(e) for e in kept}
    strength = city_strength(city)
    crosses = between_neighbourhoods(city)
    for kind in (False, True):
        edges = [e for e in city.edges(data=True) if crosses(*e[:2]) == kind]
        hidden = [strength(e) for e in edges if frozenset(e[:2]) not in chosen]
        if hidden:
            # Every line of this kind stronger than its strongest hidden one is drawn.
            assert all(frozenset(e[:2]) in chosen for e in edges if strength(e) < min(hidden))
    for node in city:
        best = min(city.edges(node, data=True), key=strength)
        assert frozenset(best[:2]) in chosen, node  # every node keeps its strongest line
    if cap >= 160:
        # 100 or more lines between: every node's best line of that kind fits, so every
        # node keeps its strongest line between neighbourhoods too (it shows where each
        # neighbourhood connects).
        for node in city:
            across = [e for e in city.edges(node, data=True) if crosses(*e[:2])]
            if across:
                assert frozenset(min(across, key=strength)[:2]) in chosen, node


def test_all_one_kind_is_the_old_choice(strong_inside):
    city = strong_inside
    strength = city_strength(city)
    assert strongest_split(city, 100, strength, lambda u, v: False) == strongest(
        city, 100, strength)
    assert strongest_split(city, 100, strength, lambda u, v: True) == strongest(
        city, 100, strength)
    assert strongest_lines(city, 10_000) == list(city.edges)  # below the cap: all


def test_a_line_of_the_merged_neighbourhoods_counts_per_neighbourhood():
    """At 9x the node of the 85 merged smallest neighbourhoods held the strongest lines
    between neighbourhoods (up to 8 links), drawn as one star from the middle."""
    city = nx.Graph(aggregate=True)
    rest = _node(city, REST, "formal", 400, hoods=tuple(f"W{i:02d}" for i in range(85)),
                 merged=85)
    a, b, c = (_node(city, hood, "informal", 4) for hood in ("BU1", "BU2", "BU3"))
    _edge(city, rest, a, 8)
    _edge(city, b, c, 1)
    strength = city_strength(city)
    assert strength((b, c, city.edges[b, c])) < strength((rest, a, city.edges[rest, a]))
    # An ordinary line still ranks by its links.
    _edge(city, a, b, 2)
    assert strength((a, b, city.edges[a, b])) < strength((b, c, city.edges[b, c]))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_legend_says_how_many_of_each_kind_are_hidden(strong_inside, lang):
    city = strong_inside
    lines = strongest_lines(city, 80)
    page = html.unescape(render_city(city, {}, lines=lines, lang=lang))
    assert len(network_data(page)["edges"]) == 80
    m = city.number_of_edges()
    hidden = sum(d["links"] for u, v, d in city.edges(data=True)
                 if frozenset((u, v)) not in {frozenset(e) for e in lines})
    counts = {"shown": 80, "m": m, "between": 40, "m_between": 300, "inside": 40,
              "m_inside": 60, "hidden_between": 260, "hidden_inside": 20, "links": hidden}
    note = TEXT[lang]["city_hidden"].format(**{k: format_number(v, lang)
                                               for k, v in counts.items()})
    assert note in page
    words = {"nl": ("tussen wijken", "binnen"), "en": ("between neighbourhoods", "inside")}
    assert all(word in note for word in words[lang])
