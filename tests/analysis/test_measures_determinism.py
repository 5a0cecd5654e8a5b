"""Measures are the same in every process: Louvain does not follow the hash seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx

from mapping.analysis import graph as g
from mapping.analysis.measures import communities, exact_betweenness, numbered

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
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
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


def test_approximate_betweenness_states_its_measured_error() -> None:
    from mapping.analysis.measures import EXACT_LIMIT, betweenness

    big = nx.path_graph(EXACT_LIMIT + 1)
    en = betweenness(big, "en")["explanation"]
    nl = betweenness(big, "nl")["explanation"]
    assert "at most 0.47 percentage points" in en and "22% of the exact top 1%" in en
    assert "hooguit 0,47 procentpunt" in nl and "22% van de exacte top 1%" in nl
    assert "percentage" not in betweenness(nx.path_graph(5), "en")["explanation"]
