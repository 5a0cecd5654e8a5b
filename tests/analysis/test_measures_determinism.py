"""Measures are the same in every process: Louvain does not follow the hash seed.

Louvain runs in NetworKit (PLM); the tests also hold it against networkx's Louvain,
which it replaced for speed: its partition must be about as good (modularity).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from mapping.analysis import graph as g
from mapping.analysis.measures import SEED, communities, exact_betweenness, louvain, numbered
from mapping.io.demo import demo_district, generate

ROOT = Path(__file__).resolve().parents[2]

# A small generated city: enough organisations that Louvain has choices to make.
SCRIPT = """
import json
from mapping.analysis import graph as g
from mapping.analysis.measures import communities
from mapping.io.demo import generate
collab = g.collaboration_graph(g.build_graph(generate(organisations=300, groups=90, seed=4)))
print(json.dumps(communities(collab)["values"]))
"""


def _communities_in_a_process(hash_seed: str) -> list[list[str]]:
    # The checkout first, then whatever path the caller had (where NetworKit may live).
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": path}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout)


def test_louvain_is_the_same_under_two_hash_seeds() -> None:
    first = _communities_in_a_process("1")
    second = _communities_in_a_process("2024")
    assert len(first) > 1
    assert first == second
    assert sorted(n for c in first for n in c) == sorted({n for c in first for n in c})


def test_louvain_does_not_follow_insertion_order() -> None:
    graph = nx.les_miserables_graph()
    graph = nx.relabel_nodes(graph, {n: f"o:{n}" for n in graph})
    shuffled = nx.Graph()
    shuffled.add_nodes_from(sorted(graph.nodes, reverse=True))
    shuffled.add_edges_from((v, u, d) for u, v, d in reversed(list(graph.edges(data=True))))
    assert communities(graph)["values"] == communities(shuffled)["values"]


def test_numbering_is_sorted_and_each_link_once() -> None:
    graph = nx.Graph([("o:b", "o:a"), ("o:c", "o:b"), ("o:a", "o:a")])
    graph.add_node("o:z")
    nodes, pairs = numbered(graph)
    assert nodes == ["o:a", "o:b", "o:c", "o:z"]
    assert pairs.tolist() == [[0, 0], [0, 1], [1, 2]]
    assert exact_betweenness(graph) == nx.betweenness_centrality(graph)


def test_communities_of_a_graph_without_links() -> None:
    graph = nx.Graph()
    graph.add_nodes_from([g.org_node("B"), g.org_node("A")])
    assert communities(graph)["values"] == [[g.org_node("A")], [g.org_node("B")]]


def test_approximate_betweenness_states_its_measured_error(monkeypatch) -> None:
    from mapping.analysis import measures

    # The text of a sample is the same at 41 nodes as above the real limit.
    monkeypatch.setattr(measures, "EXACT_LIMIT", 40)
    betweenness = measures.betweenness
    big = nx.path_graph(measures.EXACT_LIMIT + 1)
    en = betweenness(big, "en")["explanation"]
    nl = betweenness(big, "nl")["explanation"]
    assert "at most 0.26 percentage points" in en and "30% of the exact top 1%" in en
    assert "city of 20,000 organisations" in en and "largest exact value was 0.19" in en
    assert "hooguit 0,26 procentpunt" in nl and "30% van de exacte top 1%" in nl
    assert "stad van 20.000 organisaties" in nl and "grootste exacte waarde was 0,19" in nl
    assert "percentage" not in betweenness(nx.path_graph(5), "en")["explanation"]


def _city() -> nx.Graph:
    return g.collaboration_graph(g.build_graph(generate(organisations=300, groups=90, seed=4)))


def _district() -> nx.Graph:
    return g.collaboration_graph(g.build_graph(demo_district()))


@pytest.mark.parametrize("make", [_city, _district], ids=["city-300", "demo-district"])
def test_networkit_partition_is_as_good_as_networkx(make) -> None:
    collab = make()
    found = communities(collab)["values"]
    reference = nx.community.louvain_communities(collab, seed=SEED)
    ours = nx.community.modularity(collab, found)
    theirs = nx.community.modularity(collab, reference)
    assert ours >= theirs - 0.02, (ours, theirs)
    assert ours > 0.3  # a real community structure, not one blob or all singletons


@pytest.mark.parametrize("make", [_city, _district], ids=["city-300", "demo-district"])
def test_every_organisation_is_in_exactly_one_community(make) -> None:
    collab = make()
    found = communities(collab)["values"]
    members = [n for c in found for n in c]
    assert len(members) == len(set(members))
    assert set(members) == set(collab.nodes)
    assert all(c == sorted(c) for c in found)
    assert [len(c) for c in found] == sorted((len(c) for c in found), reverse=True)


def test_louvain_is_the_same_twice_in_one_process() -> None:
    collab = _city()
    assert communities(collab)["values"] == communities(collab)["values"]


def test_louvain_uses_weights_and_keeps_isolated_nodes_apart() -> None:
    # Two triangles joined by one link, plus a node without links: two communities
    # and a singleton. A heavy link inside a would-be pair pulls it together.
    pairs = np.array([[0, 1], [0, 2], [1, 2], [2, 3], [3, 4], [3, 5], [4, 5]])
    labels = louvain(7, pairs, np.ones(len(pairs)))
    assert len(labels) == 7
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] == labels[5]
    assert labels[6] not in labels[:6]
    heavy = louvain(4, np.array([[0, 1], [1, 2], [2, 3]]), np.array([1.0, 50.0, 1.0]))
    assert heavy[1] == heavy[2]


def test_weighted_links_are_numbered_like_numbered() -> None:
    from mapping.analysis.measures import _weighted_links

    graph = nx.Graph([("o:c", "o:b"), ("o:b", "o:a"), ("o:a", "o:a")])
    graph.add_edge("o:c", "o:a", weight=3)
    graph.add_node("o:z")
    nodes, pairs, weights = _weighted_links(graph)
    assert (nodes, pairs.tolist()) == (numbered(graph)[0], numbered(graph)[1].tolist())
    assert pairs.tolist() == [[0, 0], [0, 1], [0, 2], [1, 2]]
    assert weights.tolist() == [1.0, 1.0, 3.0, 1.0]
