"""Property tests on random districts (Hypothesis)."""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.analysis.brokers import brokers
from mapping.analysis.coverage import RANK, Network, compute
from mapping.analysis.suggest import suggest
from mapping.analysis.whatif import Scenario, full_recompute, gain, recompute, what_if


@st.composite
def networks(draw, max_orgs: int = 9, max_groups: int = 4) -> Network:
    n = draw(st.integers(1, max_orgs))
    orgs = [f"o{i}" for i in range(n)]
    formal = {o for o in orgs if draw(st.booleans())}
    pairs = [(a, b) for i, a in enumerate(orgs) for b in orgs[i + 1 :]]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    adj = {o: set() for o in orgs}
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    k = draw(st.integers(1, max_groups))
    reach = {f"g{j}": tuple(draw(st.lists(st.sampled_from(orgs), unique=True, max_size=4)))
             for j in range(k)}
    groups = {gid: {"id": gid, "name": gid, "families": draw(st.integers(0, 30))}
              for gid in reach}
    info = {o: {"id": o, "name": o, "kind": "formal" if o in formal else "informal",
                "category": "wijkteam", "neighbourhood": "X"} for o in orgs}
    return Network(adj, formal, reach, info, groups)


def flow_graph(net: Network, gid: str) -> nx.Graph:
    """Group + organisations + collaborations + a sink joined to every formal org."""
    graph = nx.Graph()
    graph.add_nodes_from(["SRC", "SNK", *net.adj])
    graph.add_edges_from((a, b) for a, nbrs in net.adj.items() for b in nbrs)
    graph.add_edges_from(("SRC", o) for o in net.reach[gid])
    graph.add_edges_from((f, "SNK") for f in net.formal)
    return graph


def state(gc) -> tuple[int, int, int]:
    return RANK[gc.coverage], gc.routes, -(gc.distance if gc.distance is not None else 99)


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(networks())
def test_routes_equal_node_connectivity(net):
    cov = compute(net)
    for gid, gc in cov.groups.items():
        expected = nx.algorithms.connectivity.local_node_connectivity(
            flow_graph(net, gid), "SRC", "SNK")
        assert gc.routes == expected
        assert len(gc.paths) == gc.routes
        used = [o for p in gc.paths for o in p]
        assert len(used) == len(set(used))  # vertex-disjoint
        for p in gc.paths:
            assert p[0] in net.reach[gid] and p[-1] in net.formal
            assert all(b in net.adj[a] for a, b in itertools.pairwise(p))


@SETTINGS
@given(networks(), st.data())
def test_removing_a_collaboration_never_improves(net, data):
    links = sorted((a, b) for a, nbrs in net.adj.items() for b in nbrs if a < b)
    if not links:
        return
    link = data.draw(st.sampled_from(links))
    before = compute(net)
    after = recompute(before, Scenario(remove_links=(link,)))
    full = full_recompute(before, Scenario(remove_links=(link,)))
    for gid in before.groups:
        assert state(after.groups[gid]) <= state(before.groups[gid])
        assert state(after.groups[gid]) == state(full.groups[gid])


@SETTINGS
@given(networks(), st.data())
def test_adding_a_collaboration_never_worsens(net, data):
    orgs = sorted(net.adj)
    a = data.draw(st.sampled_from(orgs))
    b = data.draw(st.sampled_from(orgs))
    before = compute(net)
    after = recompute(before, Scenario(add_links=((a, b),)))
    full = full_recompute(before, Scenario(add_links=((a, b),)))
    for gid in before.groups:
        assert state(after.groups[gid]) >= state(before.groups[gid])
        assert state(after.groups[gid]) == state(full.groups[gid])


@SETTINGS
@given(networks())
def test_suggestion_gain_equals_what_if_gain(net):
    cov = compute(net)
    for pick in suggest(cov, k=3):
        assert pick["families"] >= 0 and pick["groups"]
        result = what_if(cov, add_links=[(pick["formal"], pick["informal"])])
        families, ids = gain(cov, result["coverage"])
        assert (families, sorted(ids)) == (pick["families"], pick["groups"])
        cov = result["coverage"]


@SETTINGS
@given(networks())
def test_brokers_agree_with_removal(net):
    cov = compute(net)
    table = {b["id"]: b for b in brokers(cov)}
    for org in net.adj:
        after = full_recompute(cov, Scenario(remove_orgs=(org,)))
        worse = sorted(g for g in cov.groups
                       if RANK[after.groups[g].coverage] < RANK[cov.groups[g].coverage])
        lost = sorted(g for g in cov.groups if after.groups[g].routes < cov.groups[g].routes)
        entry = table.get(org, {"worse_groups": [], "route_groups": []})
        assert sorted(entry["worse_groups"]) == worse
        assert sorted(entry["route_groups"]) == lost


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_orgs=16, max_groups=6))
def test_suggestions_on_larger_networks(net):
    test_suggestion_gain_equals_what_if_gain.hypothesis.inner_test(net)
    test_routes_equal_node_connectivity.hypothesis.inner_test(net)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=120),
       st.integers(min_value=0, max_value=10_000))
def test_exact_betweenness_equals_networkx(n: int, m: int, seed: int) -> None:
    """The compiled betweenness is networkx's, node for node (isolated nodes and self-loops too)."""
    from mapping.analysis.measures import exact_betweenness

    graph = nx.gnm_random_graph(n, m, seed=seed)
    graph = nx.relabel_nodes(graph, {i: f"o:{i}" for i in graph})
    if n:
        graph.add_edge("o:0", "o:0")
    expected = nx.betweenness_centrality(graph)
    found = exact_betweenness(graph)
    assert found.keys() == expected.keys()
    assert all(abs(found[k] - expected[k]) < 1e-12 for k in expected)
