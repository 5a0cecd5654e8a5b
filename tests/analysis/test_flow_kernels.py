"""The compiled route, distance and broker searches against the pure-Python oracle.

Not only the same numbers: the same paths in the same order, the same residual
sets, the same chains and the same broker tables, because reports show them
(``tests/analysis/flow_oracle.py`` is the former implementation, verbatim).
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.analysis import brokers as brokers_mod
from mapping.analysis import flow
from mapping.analysis.brokers import brokers, group_impacts, route_losses
from mapping.analysis.coverage import Network, compute, distances, network_from_dataset
from mapping.analysis.network_arrays import arrays_of
from mapping.analysis.whatif import Scenario, apply, recompute
from mapping.io.demo import generate
from tests.analysis import flow_oracle as oracle

NAMES = ("a", "b7", "c12", "d3", "e", "f99", "g1", "h", "k20", "m5", "n", "p8", "q", "r30",
         "s2", "t", "u14", "v6", "w", "x40", "y9", "z", "aa", "ab1", "ac", "ad2", "ae", "af")


def fresh(text: str) -> str:
    """An equal string that is a different object (ids are not always shared objects)."""
    return "".join(list(text)) if len(text) > 1 else text


@st.composite
def networks(draw, max_orgs: int = 22, max_groups: int = 7) -> Network:
    """Random districts: neighbours in random order, ids whose sorted order is not theirs."""
    n = draw(st.integers(1, max_orgs))
    orgs = list(NAMES[:n])
    draw(st.randoms(use_true_random=False)).shuffle(orgs)
    formal = {o for o in orgs if draw(st.integers(0, 3)) == 0}
    density = draw(st.sampled_from([0.1, 0.2, 0.35, 0.6]))
    rng = draw(st.randoms(use_true_random=False))
    copies = draw(st.booleans())  # neighbour ids as other string objects than the keys
    adj: dict[str, dict[str, None]] = {o: {} for o in orgs}
    pairs = [(a, b) for i, a in enumerate(orgs) for b in orgs[i + 1:] if rng.random() < density]
    rng.shuffle(pairs)
    for a, b in pairs:
        adj[a][fresh(b) if copies else b] = None
        adj[b][fresh(a) if copies else a] = None
    groups = {}
    reach = {}
    for j in range(draw(st.integers(1, max_groups))):
        gid = f"g{j}"
        reach[gid] = tuple(draw(st.lists(st.sampled_from(orgs), unique=True, max_size=6)))
        groups[gid] = {"id": gid, "name": gid, "families": draw(st.integers(0, 30))}
    info = {o: {"id": o, "name": o.upper(), "kind": "formal" if o in formal else "informal"}
            for o in orgs}
    return Network(adj, formal, reach, info, groups)


SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def assert_same_coverage(new, old) -> None:
    assert list(new.distance.items()) == list(old.distance.items())
    assert list(new.toward.items()) == list(old.toward.items())
    assert list(new.groups) == list(old.groups)
    for gid, gc in old.groups.items():
        mine = new.groups[gid]
        assert mine == gc, gid  # class, distance, routes, route, paths (in order), residual
        assert type(mine.residual) is type(gc.residual)


def assert_same_brokers(cov, old_cov) -> None:
    assert brokers(cov) == oracle.brokers(old_cov)
    for gid, gc in cov.groups.items():
        if gc.routes:
            assert list(route_losses(cov, gc).items()) == list(
                oracle.route_losses(old_cov, old_cov.groups[gid]).items())
        assert group_impacts(cov, gc) == oracle.group_impacts(old_cov, old_cov.groups[gid])


@SETTINGS
@given(networks())
def test_coverage_and_brokers_equal_the_oracle(net):
    new, old = compute(net), oracle.compute(net)
    assert_same_coverage(new, old)
    assert_same_brokers(new, old)


@SETTINGS
@given(networks(), st.data())
def test_max_flow_with_blocked_organisations_equals_the_oracle(net, data):
    dist, _ = distances(net)
    orgs = sorted(net.adj)
    blocked = frozenset(data.draw(st.lists(st.sampled_from(orgs), max_size=3)))
    reachers = tuple(data.draw(st.lists(st.sampled_from(orgs), max_size=8)))  # repeats too
    flow_new, res_new = flow.max_flow(net, reachers, dist, blocked)
    flow_old, res_old = oracle.max_flow(net, reachers, dist, blocked)
    assert flow_new.value == flow_old.value
    assert flow_new.paths() == flow_old.paths()
    assert flow_new.prv == flow_old.prv and flow_new.nxt == flow_old.nxt
    assert res_new == res_old


@SETTINGS
@given(networks(), st.data())
def test_changed_copies_get_their_own_arrays(net, data):
    before = compute(net)  # the original's arrays exist now; the copy inherits the numbering
    orgs = sorted(net.adj)
    pair = st.tuples(st.sampled_from(orgs), st.sampled_from(orgs))
    scenario = Scenario(
        remove_orgs=tuple(data.draw(st.lists(st.sampled_from(orgs), max_size=2))),
        remove_links=tuple(data.draw(st.lists(pair, max_size=3))),
        add_links=tuple(data.draw(st.lists(pair, max_size=3))),
    )
    after = apply(net, scenario)
    expected = oracle.compute(after)
    assert_same_coverage(compute(after), expected)
    assert_same_brokers(compute(after), expected)
    # The incremental what-if mixes kept and recomputed groups; its brokers still agree.
    partial = recompute(before, scenario)
    assert brokers(partial) == oracle.brokers(partial)
    assert_same_coverage(compute(net), oracle.compute(net))  # the original is untouched


def random_network(rng: random.Random) -> Network:
    """A small dense district with one group: many searches back up along routes."""
    n = rng.randint(4, 12)
    orgs = rng.sample(NAMES, n)
    p = rng.choice([0.2, 0.3, 0.4])
    adj: dict[str, dict[str, None]] = {o: {} for o in orgs}
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() < p:
                adj[orgs[i]][orgs[j]] = None
                adj[orgs[j]][orgs[i]] = None
    formal = {o for o in orgs if rng.random() < 0.25}
    size = rng.randint(1, min(5, n))
    # Now and then a reacher twice: tables never give that, but the search must not care.
    reachers = rng.choices(orgs, k=size) if rng.random() < 0.1 else rng.sample(orgs, size)
    return Network(adj, formal, {"g": tuple(reachers)}, {}, {"g": {"families": 3}})


def test_thousands_of_small_dense_networks_equal_the_oracle():
    # Random sweeps find the rare residual sets that need a search to back up
    # across a used organisation (the "undo its own crossing" step) far more often
    # than the shrinking-friendly examples above.
    rng = random.Random(20261201)
    for _ in range(3000):
        net = random_network(rng)
        new, old = compute(net), oracle.compute(net)
        assert_same_coverage(new, old)
        assert brokers(new) == oracle.brokers(old)


def test_a_search_that_backs_up_across_a_used_organisation():
    adj = {"o0": ["o1", "o4"], "o1": ["o0", "o3", "o5"], "o2": ["o3", "o4", "o5"],
           "o3": ["o1", "o2", "o5", "o7"], "o4": ["o0", "o2", "o5", "o6"],
           "o5": ["o1", "o2", "o3", "o4"], "o6": ["o4", "o7"], "o7": ["o3", "o6"]}
    net = Network({k: dict.fromkeys(v) for k, v in adj.items()}, {"o7"},
                  {"g": ("o4", "o5", "o1")}, {}, {"g": {}})
    gc = compute(net).groups["g"]
    assert gc.paths == [["o4", "o6", "o7"]]
    # o4's leaving side is reached only by backing up the route from o7, across o6's own
    # crossing.
    assert gc.residual == frozenset({"o0", "o1", "o2", "o3", "o4", "o5", "o6"})
    assert gc == oracle.compute(net).groups["g"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_small_city_equals_the_oracle(seed):
    net = network_from_dataset(generate(organisations=500, groups=150, seed=seed))
    new, old = compute(net), oracle.compute(net)
    assert_same_coverage(new, old)
    assert brokers(new) == oracle.brokers(old)
    assert sum(gc.routes for gc in new.groups.values()) > 100  # real flows were compared
    assert any(gc.residual for gc in new.groups.values())


def test_sessions_on_threads_share_a_network_safely():
    net = network_from_dataset(generate(organisations=400, groups=120, seed=5))
    expected = compute(net)
    table = brokers(expected)
    barrier = threading.Barrier(4)

    def run(_: int) -> tuple:
        barrier.wait()
        cov = compute(net)
        return cov.groups, cov.distance, brokers(cov)

    with ThreadPoolExecutor(4) as pool:
        for groups, dist, found in pool.map(run, range(4)):
            assert groups == expected.groups and dist == expected.distance
            assert found == table


def test_a_network_changed_in_place_after_saying_so():
    net = network_from_dataset(generate(organisations=200, groups=60, seed=7))
    compute(net)
    informal = sorted(o for o in net.adj if o not in net.formal)
    rng = random.Random(3)
    for org in rng.sample(informal, 10):
        for other in list(net.adj[org]):
            del net.adj[org][other]
            del net.adj[other][org]
    net.changed()
    assert_same_coverage(compute(net), oracle.compute(net))


def test_only_some_groups_and_single_group_calls():
    net = network_from_dataset(generate(organisations=300, groups=90, seed=9))
    old = oracle.compute(net)
    some = list(net.groups)[::3]
    part = compute(net, only=some)
    assert list(part.groups) == some
    assert all(part.groups[g] == old.groups[g] for g in some)
    assert arrays_of(net) is arrays_of(net)  # built once per network


def test_warm_compiles_on_a_tiny_network():
    flow.warm()
    net = Network({"x1": {"y1": None}, "y1": {"x1": None}}, {"y1"}, {"g": ("x1",)},
                  groups={"g": {"families": 4}})
    cov = compute(net)
    assert cov.groups["g"].paths == [["x1", "y1"]]
    assert brokers_mod.brokers(cov)[0]["id"] == "x1"
