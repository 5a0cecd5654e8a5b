"""The incremental paths equal the ones they replace.

* suggestions, kept up to date pick by pick (candidates, changed groups,
  the mask of the distances), equal the former suggestions that looked at every
  group after each pick (``tests/analysis/suggest_oracle.py``);
* the integer arrays of a changed copy, updated for the changed organisations
  only, and those made by :func:`network_from_tables` from the link codes,
  equal the arrays read off the neighbour dicts;
* rows cleaned by type equal rows cleaned cell by cell.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.analysis import graph as g
from mapping.analysis import topics
from mapping.analysis.coverage import Network, compute, family_count, network_from_dataset
from mapping.analysis.network_arrays import Ids, NetworkArrays, arrays_of
from mapping.analysis.suggest import CATEGORY_PREFERENCE, suggest
from mapping.analysis.whatif import Scenario, apply
from mapping.io.column_codes import addresses
from mapping.io.demo import demo_district, generate
from tests.analysis import suggest_oracle as oracle
from tests.analysis.test_flow_kernels import networks
from tests.factories import datasets

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
CATEGORIES = (*CATEGORY_PREFERENCE[:3], "sport", None)


@st.composite
def districts(draw) -> Network:
    """:func:`networks` with categories and neighbourhoods (some unknown) for the partners."""
    net = draw(networks())
    for org in sorted(net.orgs):
        info = net.orgs[org]
        info["category"] = draw(st.sampled_from(CATEGORIES))
        info["neighbourhood"] = draw(st.sampled_from(("N1", "N2", None)))
    return net


def rebuilt(net: Network) -> NetworkArrays:
    """The arrays of ``net`` read off its neighbour dicts, numbered afresh."""
    return NetworkArrays(net, Ids(sorted(set(net.adj).union(net.formal))))


def assert_same_arrays(got: NetworkArrays, net: Network) -> None:
    """The same links, partners in the same order, and formal marks, id for id.

    A copy keeps the numbering of its original, so an organisation that left
    keeps its number, without links (a fresh numbering leaves it out).
    """
    want = rebuilt(net)
    assert got.fits(net)
    names = got.ids.names
    assert set(want.ids.names) <= set(names)
    known = set(want.ids.names)
    for v, org in enumerate(names):
        mine = [names[w] for w in got.nbr[got.start[v]:got.stop[v]].tolist()]
        if org not in known:
            assert mine == [] and not got.formal[v]
            continue
        u = want.ids.index[org]
        assert mine == [want.ids.names[w] for w in want.nbr[want.start[u]:want.stop[u]]], org
        assert got.formal[v] == want.formal[u]


@SETTINGS
@given(districts(), st.integers(1, 6), st.booleans(),
       st.one_of(st.none(), st.sets(st.sampled_from(CATEGORIES[:4]))))
def test_suggestions_equal_the_full_recount(net, k, same_hood, categories):
    cov = compute(net)
    assert (suggest(cov, k, same_hood, categories, "en")
            == oracle.suggest(cov, k, same_hood, categories, "en"))


def test_suggestions_equal_the_full_recount_on_cities():
    for data in (demo_district(), generate(organisations=800, groups=240, seed=11),
                 generate(organisations=1500, groups=450, seed=4)):
        cov = compute(network_from_dataset(data))
        for same_hood in (False, True):
            assert suggest(cov, 12, same_hood) == oracle.suggest(cov, 12, same_hood)
        assert suggest(cov, 6, categories={"school"}) == oracle.suggest(
            cov, 6, categories={"school"})


@SETTINGS
@given(networks(), st.data())
def test_changed_copies_update_their_arrays(net, data):
    compute(net)  # the original's arrays exist now
    orgs = sorted(net.adj)
    pair = st.tuples(st.sampled_from(orgs), st.sampled_from(orgs))
    scenario = Scenario(
        remove_orgs=tuple(data.draw(st.lists(st.sampled_from([*orgs, "nobody"]), max_size=2))),
        remove_links=tuple(data.draw(st.lists(pair, max_size=3))),
        add_links=tuple(data.draw(st.lists(pair, max_size=3))),
    )
    after = apply(net, scenario)
    assert isinstance(after._arrays, NetworkArrays)  # updated, not left to be rebuilt
    assert_same_arrays(after._arrays, after)
    again = apply(after, Scenario(add_links=scenario.remove_links))  # a copy of a copy
    assert_same_arrays(arrays_of(again), again)
    assert_same_arrays(arrays_of(net), net)  # the original is untouched


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_orgs=10, max_groups=5))
def test_arrays_from_the_tables_equal_those_of_the_dicts(data):
    net = network_from_dataset(data)
    assert isinstance(net._arrays, NetworkArrays)
    assert_same_arrays(net._arrays, net)


def test_arrays_from_the_tables_of_a_city():
    net = network_from_dataset(generate(organisations=700, groups=200, seed=2))
    assert_same_arrays(net._arrays, net)


def test_addresses_are_the_identities():
    values = np.array(["a", "b", "a", None, 1.5, ("x",)], dtype=object)
    assert addresses(values).tolist() == [id(v) for v in values]
    assert addresses(values[::2]).tolist() == [id(v) for v in values[::2]]  # not contiguous
    assert addresses(np.array([], dtype=object)).tolist() == []


CELLS = st.one_of(st.none(), st.text(max_size=3), st.integers(-3, 3), st.booleans(),
                  st.floats(allow_nan=True), st.tuples(st.text(max_size=2)),
                  st.just(math.nan), st.just(pd.NA), st.just(np.int64(4)),
                  st.just(np.float64("nan")), st.just(pd.NaT))


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, max_size=8), st.sampled_from([None, "organisation"]))
def test_rows_cleaned_by_type_equal_rows_cleaned_by_cell(cells, kind):
    column = pd.Series(np.array([*cells, None], dtype=object)[:len(cells)], dtype=object)
    frame = pd.DataFrame({"id": column, "type": column})
    want = [{c: g._clean(v) for c, v in row.items()} for row in
            ({"id": v, "type": v} for v in cells)]
    if kind is not None:
        want = [{**row, "type": kind} for row in want]
    got = g._records(frame, kind)
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert list(a) == list(b)
        for key in a:
            assert type(a[key]) is type(b[key]) and (a[key] == b[key] or a[key] is b[key]
                                                     or (a[key] != a[key] and b[key] != b[key]))


SHARED = ((), ("a",), ("a", "b"), "x", "y", None, math.nan)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(SHARED), st.booleans()), max_size=20))
def test_factorising_by_identity_equals_pandas(cells):
    # Some cells are other objects of an equal value (as after a copy), some shared.
    values = np.empty(len(cells), dtype=object)
    values[:] = [tuple(list(v)) if copy and isinstance(v, tuple) and v
                 else ("".join(list(v)) + "" if copy and isinstance(v, str) else v)
                 for v, copy in cells]
    codes, distinct = topics._factorize(values)
    want_codes, want_distinct = pd.factorize(values)
    assert codes.tolist() == want_codes.tolist()
    assert list(distinct) == list(want_distinct)


@SETTINGS
@given(networks())
def test_topics_through_the_numbering_equal_those_hashed(net):
    for org, info in sorted(net.orgs.items()):
        info["topics"] = ("school",) if len(org) % 2 else ("honour_violence", "x_y")
    hashed = topics.topic_reach(net, {})  # no numbering yet: ids hashed
    compute(net)
    assert topics.topic_reach(net, {}) == hashed
    assert list(topics.topic_reach(net, {})) == list(hashed)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 50), st.floats(allow_nan=True),
                          st.text(max_size=2), st.just(pd.NA)), min_size=1, max_size=6))
def test_counted_families_equal_family_count(values):
    groups = {f"g{i}": {"id": f"g{i}", "families": v} for i, v in enumerate(values)}
    net = Network({}, set(), {gid: () for gid in groups}, {}, groups)
    for gid, info in groups.items():
        assert net.families(gid) == family_count(info["families"])
    assert net.families("unknown") == 0
    copy = net.copy()
    assert [copy.families(gid) for gid in groups] == [net.families(gid) for gid in groups]
    other = Network({}, set(), {}, {}, {"g0": {"families": 7}})
    assert other.families("g0") == 7  # its own groups, not a neighbour's counts
