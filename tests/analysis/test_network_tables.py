"""The network built from the tables is the network read off the networkx graph.

Not only equal: every set iterates in the same order (the route and broker
searches follow that order), so classes, distances, routes, brokers and
suggestions come out identical, also their paths and tie-breaks.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.analysis import graph as g
from mapping.analysis.brokers import brokers
from mapping.analysis.coverage import Network, compute, network_from_dataset, network_from_graph
from mapping.analysis.coverage_summary import group_rows
from mapping.analysis.report import build_report
from mapping.analysis.suggest import suggest
from mapping.domain.dataset import Dataset
from mapping.io import worker_answer as wa
from mapping.io.column_codes import codes_of
from mapping.io.demo import demo_district, generate
from mapping.io.load import LoadResult
from tests.factories import DatasetBuilder, datasets

THRESHOLDS = st.one_of(st.none(), st.sampled_from([1.0, 2.5, 3.0, 3.25, 4.0, 5.0]),
                       st.floats(1, 5))


def assert_same_network(new: Network, old: Network) -> None:
    assert list(new.adj) == list(old.adj)
    for org, nbrs in old.adj.items():
        assert list(new.adj[org]) == list(nbrs), org  # same members, same order
    assert new.formal == old.formal and list(new.formal) == list(old.formal)
    assert new.reach == old.reach and list(new.reach) == list(old.reach)
    assert new.orgs == old.orgs and new.groups == old.groups
    for oid in old.orgs:
        assert list(new.orgs[oid]) == list(old.orgs[oid])
    assert new.hood_names == old.hood_names


def assert_same_answers(new: Network, old: Network) -> None:
    a, b = compute(new), compute(old)
    assert group_rows(a) == group_rows(b)  # classes, distances, routes, route
    assert a.distance == b.distance and a.toward == b.toward
    for gid, gc in b.groups.items():
        assert a.groups[gid].paths == gc.paths
        assert a.groups[gid].residual == gc.residual
    assert brokers(a) == brokers(b)
    assert suggest(a, 5) == suggest(b, 5)
    assert suggest(a, 3, same_neighbourhood=True) == suggest(b, 3, same_neighbourhood=True)


def both(data, min_quality=None, include_unrated=True) -> tuple[Network, Network]:
    old = network_from_graph(g.build_graph(data), min_quality, include_unrated)
    return network_from_dataset(data, min_quality, include_unrated), old


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_orgs=10, max_groups=5), THRESHOLDS, st.booleans())
def test_same_network_on_random_datasets(data, min_quality, include_unrated):
    new, old = both(data, min_quality, include_unrated)
    assert_same_network(new, old)
    assert_same_answers(new, old)


def test_duplicates_self_links_and_pairs_rated_from_both_sides():
    data = (DatasetBuilder()
            .org("W2", "formal").org("M1", "informal").org("W1", "formal")
            .org("M2", "informal").org("M3", "informal")
            .group("G1", 10).group("G2", 5).group("G3")
            .reach("M2", "G1").reach("M1", "G1").reach("M2", "G1").reach("W1", "G2")
            .reach("M3", "G2").reach("M3", "G3")
            .collab("M3", "M1", trust=2).collab("M1", "M3", trust=5, equality=3)
            .collab("M1", "M1", trust=1).collab("M2", "W2", trust=3.1, shared_goals=3.3)
            .collab("W2", "M2", trust=3.3).collab("M3", "W1").collab("M2", "M1", trust=4.0)
            .collab("M1", "W1", role_clarity=1).build())
    for threshold in (None, 1.0, 2.9, 3.0, 3.2, 3.25, 4.0, 5.0):
        for unrated in (True, False):
            new, old = both(data, threshold, unrated)
            assert_same_network(new, old)
            assert_same_answers(new, old)


def test_empty_tables():
    data = DatasetBuilder().org("W1").group("G1", 3).build()
    new, old = both(data)
    assert_same_network(new, old)
    assert_same_answers(new, old)


def test_same_on_the_demo_district_and_a_small_city():
    for data in (demo_district(), generate(organisations=600, groups=180, seed=3)):
        for threshold in (None, 3.0):
            new, old = both(data, threshold)
            assert_same_network(new, old)
            assert_same_answers(new, old)


def test_report_is_the_report_of_the_graph_path():
    data = generate(organisations=400, groups=120, seed=5)
    report = build_report(data)
    cov = compute(network_from_graph(g.build_graph(data)))
    assert report["groups"] == group_rows(cov)
    assert report["brokers"] == [b for b in brokers(cov)
                                 if b["worse_groups"] or b["route_groups"]]
    assert report["suggestions"] == suggest(cov, 5)


def decoded(data: Dataset) -> Dataset:
    """``data`` as the server gets it from the parse worker: text columns with their codes."""
    answer = wa.encode_answer("path", "ok", LoadResult(data))
    status, result = wa.decode_answer("path", answer, 1 << 40, 10_000_000, check=False)
    assert status == "ok"
    return result.dataset


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_orgs=10, max_groups=5), THRESHOLDS, st.booleans())
def test_same_network_from_a_worker_answer(data, min_quality, include_unrated):
    """The references matched on their dictionary codes: the same network as the graph's."""
    data = decoded(data)
    new, old = both(data, min_quality, include_unrated)
    assert_same_network(new, old)
    assert_same_answers(new, old)


def test_the_codes_are_used_and_a_changed_column_is_not_taken_for_them():
    data = decoded(generate(organisations=300, groups=90, seed=7))
    collaborations = data.collaborations
    assert codes_of(collaborations["source"]) is not None  # the fast path is the one tested
    new, old = both(data, 3.0)
    assert_same_network(new, old)
    # A column changed after decoding no longer matches its codes: matched by value instead.
    changed = collaborations.copy()
    changed["source"] = changed["source"].to_numpy()[::-1].copy()
    changed["target"] = changed["target"].to_numpy()[::-1].copy()
    swapped = data.replace(collaborations=changed)
    assert codes_of(changed["source"]) is None
    new, old = both(swapped)
    assert_same_network(new, old)
    assert_same_answers(new, old)
