"""The vectorised quality tables equal a plain per-link and per-organisation computation."""

from __future__ import annotations

import math
import random
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.analysis import graph as g
from mapping.analysis.quality import (
    MIN_RATERS,
    link_quality,
    organisation_profile,
    reciprocity_gaps,
    weakest,
)
from mapping.domain.dataset import CONDITIONS
from tests.analysis.conftest import make_dataset
from tests.analysis.test_quality_measures_topics import _reference_gaps

SCORES = [1, 2, 3, 4, 5, 2.5, 3.1, None]


def _random_graph(seed: int, n_orgs: int, n_rows: int) -> nx.Graph:
    """A graph with mixed scores (text cells too), reported_by by id, name or neither."""
    rng = random.Random(seed)
    orgs = [(f"O{i}", "formal" if i % 3 else "informal") for i in range(n_orgs)]
    rows = []
    for _ in range(n_rows):
        a, b = rng.sample([o for o, _ in orgs], 2)
        row: dict[str, Any] = {"source": a, "target": b}
        for c in CONDITIONS:
            if rng.random() < 0.7:
                row[c] = rng.choice(SCORES)
        pick = rng.random()
        if pick < 0.4:
            row["reported_by"] = rng.choice(
                [f" o{rng.randrange(n_orgs)} ", f"ORG {b}", f"Org {a}", "someone", ""])
        rows.append(row)
    graph = g.build_graph(make_dataset(orgs, collaborations=rows))
    # Text left in a score cell (an upload can hold one; the typed factory cannot): it
    # counts as not rated. Put into some rating rows after the merge, as rows are read.
    for _, _, data in graph.edges(data=True):
        for row in data.get("ratings", ()):
            if rng.random() < 0.05:
                row[rng.choice(CONDITIONS)] = "n.v.t."
    return graph


def _same(found: Any, expected: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(found, float) and math.isnan(found)
    return found == pytest.approx(expected) if isinstance(expected, float) else found == expected


def _check(graph: nx.Graph) -> None:
    ids = {n: d["id"] for n, d in graph.nodes(data=True) if d["type"] == g.ORG}
    names = {d["id"]: d.get("name") for _, d in graph.nodes(data=True) if d["type"] == g.ORG}
    links = link_quality(graph)
    by_pair = {(r["source"], r["target"]): r for r in links.to_dict("records")}
    edges = [(u, v, d) for u, v, d in graph.edges(data=True) if d["type"] == g.COLLABORATION]
    assert len(by_pair) == len(edges) == len(links)
    per_org: dict[str, list[dict[str, Any]]] = {org: [] for org in names}
    for u, v, data in edges:
        pair = tuple(sorted((ids[u], ids[v])))
        row = by_pair[pair]
        assert row["source_name"] == names[pair[0]] and row["target_name"] == names[pair[1]]
        for c in CONDITIONS:
            assert _same(row[c], math.nan if data[c] is None else data[c])
            assert row[f"{c}_n"] == data[f"{c}_n"]
        assert row["raters"] == data["raters"]
        assert _same(row["quality"], math.nan if data["quality"] is None else data["quality"])
        assert row["weakest"] == weakest(data) or (pd.isna(row["weakest"])
                                                   and weakest(data) is None)
        few = any(0 < data[f"{c}_n"] < MIN_RATERS for c in CONDITIONS)
        assert bool(row["few_raters"]) == few
        per_org[pair[0]].append(data)
        if pair[1] != pair[0]:
            per_org[pair[1]].append(data)
    profile = organisation_profile(graph, links).set_index("id")
    assert sorted(profile.index) == sorted(names)
    for org, datas in per_org.items():
        row = profile.loc[org]
        assert row["links"] == len(datas)
        assert row["rated_links"] == sum(d["quality"] is not None for d in datas)
        means = {}
        for c in CONDITIONS:
            scores = [d[c] for d in datas if d[c] is not None]
            means[c] = sum(scores) / len(scores) if scores else math.nan
            assert _same(row[c], means[c]), (org, c)
        rated = [m for m in means.values() if not math.isnan(m)]
        assert _same(row["quality"], sum(rated) / len(rated) if rated else math.nan)
        expected_weakest = weakest({c: None if math.isnan(m) else m for c, m in means.items()})
        assert row["weakest"] == expected_weakest or (
            expected_weakest is None and pd.isna(row["weakest"]))
    gaps = reciprocity_gaps(graph)
    expected = _reference_gaps(graph)
    assert len(gaps) == len(expected)
    for row in gaps.to_dict("records"):
        for key, value in expected[(row["a"], row["b"])].items():
            assert _same(row[key], value), key


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=2, max_value=15),
       st.integers(min_value=0, max_value=120))
def test_quality_tables_equal_a_per_link_computation(seed: int, n_orgs: int,
                                                     n_rows: int) -> None:
    _check(_random_graph(seed, n_orgs, n_rows))


def test_quality_tables_without_collaborations() -> None:
    graph = g.build_graph(make_dataset([("A", "formal"), ("B", "informal")]))
    assert link_quality(graph).empty
    profile = organisation_profile(graph)
    assert list(profile["links"]) == [0, 0] and profile["weakest"].isna().all()
    assert reciprocity_gaps(graph).empty


def test_walk_is_kept_per_graph_and_redone_after_a_change() -> None:
    graph = _random_graph(3, 6, 40)
    first = link_quality(graph)
    assert link_quality(graph).equals(first)
    graph.add_node(g.org_node("NEW"), id="NEW", name="Org NEW", type=g.ORG)
    graph.add_edge(g.org_node("NEW"), g.org_node("O1"), **g.merge_ratings(
        [{"source": "NEW", "target": "O1", "trust": 1}]), type=g.COLLABORATION)
    again = link_quality(graph)
    assert len(again) == len(first) + 1
    assert again.set_index(["source", "target"]).loc[("NEW", "O1"), "trust"] == 1
