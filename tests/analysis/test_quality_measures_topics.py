"""Collaboration quality, network measures and topics."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from mapping.analysis import graph as g
from mapping.analysis.coverage import network_from_dataset
from mapping.analysis.measures import all_measures, betweenness
from mapping.analysis.quality import link_quality, organisation_profile, reciprocity_gaps, weakest
from mapping.analysis.topics import TABOO, TOPICS, normalise_topic, topics_from_dataset


def _rated(build):
    return build(
        orgs=[("W", "formal"), ("M", "informal"), ("N", "informal")],
        collaborations=[
            {"source": "M", "target": "W", "trust": 4, "shared_goals": 3, "role_clarity": 2,
             "equality": 5},
            {"source": "W", "target": "M", "trust": 2, "shared_goals": 3, "role_clarity": 4},
            {"source": "W", "target": "M", "trust": 3, "reported_by": "Org M"},
            ("N", "W"),
        ],
    )


def test_link_quality_means_counts_and_weakest(build):
    links = link_quality(g.build_graph(_rated(build))).set_index(["source", "target"])
    mw = links.loc[("M", "W")]
    assert mw["trust"] == 3 and mw["trust_n"] == 3
    assert mw["role_clarity"] == 3 and mw["equality"] == 5 and mw["equality_n"] == 1
    assert mw["raters"] == 3 and mw["few_raters"]
    assert mw["weakest"] == "trust"  # ties: the first condition in order
    nw = links.loc[("N", "W")]
    assert math.isnan(nw["quality"]) and pd.isna(nw["weakest"]) and not nw["few_raters"]


def test_weakest_condition():
    assert weakest({"trust": 4, "shared_goals": 2.5, "role_clarity": None, "equality": 3}) == (
        "shared_goals")
    assert weakest({"trust": None}) is None


def test_reciprocity_gap_uses_reported_by_before_source(build):
    gaps = reciprocity_gaps(g.build_graph(_rated(build)))
    assert len(gaps) == 1  # N - W is rated by nobody
    row = gaps.iloc[0]
    assert (row["a"], row["b"], row["a_raters"], row["b_raters"]) == ("M", "W", 2, 1)
    assert row["trust_a"] == 3.5 and row["trust_b"] == 2 and row["trust_gap"] == 1.5
    assert math.isnan(row["equality_gap"])  # W did not rate equality
    assert row["role_clarity_gap"] == -2 and row["largest_gap"] == "role_clarity"
    assert row["few_raters"]


def test_organisation_profile(build):
    profile = organisation_profile(g.build_graph(_rated(build))).set_index("id")
    assert profile.loc["W", "links"] == 2 and profile.loc["W", "rated_links"] == 1
    assert profile.loc["W", "trust"] == 3
    assert profile.loc["N", "rated_links"] == 0 and math.isnan(profile.loc["N", "quality"])


def test_measures_with_explanations(district):
    collab = g.collaboration_graph(g.build_graph(district))
    m = all_measures(collab, "en")
    assert m["degree"]["values"][g.org_node("W1")] == 2
    assert m["isolated"]["values"] == [g.org_node("M4")]
    assert m["isolated"]["explanation"] == "1 organisation works with nobody."
    assert not m["betweenness"]["approximate"]
    assert m["betweenness"]["values"][g.org_node("M3")] > 0
    assert m["density"]["value"] == nx.density(collab)
    assert sum(len(c) for c in m["communities"]["values"]) == collab.number_of_nodes()
    assert all(m[k]["explanation"] for k in m)
    nl = all_measures(collab, "nl")
    assert nl["isolated"]["explanation"] == "1 organisatie werkt met niemand samen."


def test_betweenness_is_approximate_above_the_limit(monkeypatch):
    from mapping.analysis import measures

    # Sampling 200 sources of a 10,001-node path takes most of a minute: the rule is the
    # same just above a lower limit (SAMPLES sources of a 241-node path).
    monkeypatch.setattr(measures, "EXACT_LIMIT", 240)
    big = nx.path_graph(measures.EXACT_LIMIT + 1)
    result = betweenness(big, "en")
    assert result["approximate"] and "approximated" in result["explanation"]
    assert result == betweenness(big, "en")  # fixed seed: reproducible


def test_topics_from_reach_links_or_organisation(build):
    ds = build(
        orgs=[("W", "formal", "wijkteam", "C", ["school"]),
              ("M", "informal", "moskee", "C", ["Raising children", "honour-violence"])],
        groups=[("G1", 4), ("G2", 6)],
        reach=[("M", "G1"), ("M", "G2", ["domestic_violence"]), ("W", "G2")],
    )
    topics = topics_from_dataset(ds, network_from_dataset(ds))
    assert normalise_topic("Honour-violence") == "honour_violence"
    assert topics["raising_children"]["groups"] == ["G1"]
    assert topics["honour_violence"]["groups"] == ["G1"]
    assert topics["domestic_violence"] == {"groups": ["G2"], "organisations": ["M"],
                                           "taboo": True, "families": 6}
    assert topics["school"]["groups"] == ["G2"]
    assert topics["discrimination"]["groups"] == []
    assert set(TOPICS) >= TABOO


def _reference_gaps(graph: nx.Graph) -> dict[tuple[str, str], dict[str, float]]:
    """Per link rated from both sides, each side's mean per condition (one link at a time)."""
    from mapping.analysis.quality import rating_side

    names = {d["id"]: d.get("name") for _, d in graph.nodes(data=True) if d["type"] == g.ORG}
    out = {}
    for u, v, data in graph.edges(data=True):
        if data["type"] != g.COLLABORATION:
            continue
        pair = tuple(sorted((graph.nodes[u]["id"], graph.nodes[v]["id"])))
        sides = {pair[0]: [], pair[1]: []}
        for row in data["ratings"]:
            side = rating_side(row, pair, names)
            if side in sides:
                sides[side].append(row)
        if not sides[pair[0]] or not sides[pair[1]]:
            continue
        entry = {"a_raters": len(sides[pair[0]]), "b_raters": len(sides[pair[1]])}
        for c in ("trust", "shared_goals", "role_clarity", "equality"):
            for label, org in (("a", pair[0]), ("b", pair[1])):
                scores = [r[c] for r in sides[org] if isinstance(r.get(c), (int, float))
                          and r[c] == r[c]]
                entry[f"{c}_{label}"] = sum(scores) / len(scores) if scores else math.nan
        out[pair] = entry
    return out


def test_reciprocity_gaps_equal_a_per_link_reference():
    import random

    rng = random.Random(7)
    orgs = [(f"O{i}", "formal" if i % 3 else "informal") for i in range(12)]
    rows = []
    for _ in range(150):
        a, b = rng.sample([o for o, _ in orgs], 2)
        row = {"source": a, "target": b}
        for c in ("trust", "shared_goals", "role_clarity", "equality"):
            if rng.random() < 0.7:
                row[c] = rng.choice([1, 2, 3, 4, 5, 2.5, 3.1])
        pick = rng.random()
        if pick < 0.3:
            row["reported_by"] = rng.choice([f" o{rng.randrange(12)} ", f"Org {b}", "someone"])
        rows.append(row)
    from tests.analysis.conftest import make_dataset

    graph = g.build_graph(make_dataset(orgs, collaborations=rows))
    gaps = reciprocity_gaps(graph)
    expected = _reference_gaps(graph)
    assert len(gaps) == len(expected) > 10
    for row in gaps.to_dict("records"):
        want = expected[(row["a"], row["b"])]
        for key, value in want.items():
            assert (math.isnan(value) and math.isnan(row[key])) or row[key] == \
                pytest.approx(value), key
