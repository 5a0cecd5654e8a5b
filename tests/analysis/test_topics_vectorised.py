"""The array form of the topics equals their per-link definition.

:func:`mapping.analysis.topics.topic_reach` parses each distinct topic cell once
and selects links with masks; the reference here walks every reach link, as the
module's docstring defines it: a link's own topics, else its organisation's,
normalised. Same topics in the same order (the vocabulary first, then the others
in order of the first link that discusses them), same groups, organisations
and families.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.analysis.coverage import Network, network_from_dataset
from mapping.analysis.topics import (
    TABOO,
    TOPICS,
    _as_tuple,
    normalise_topic,
    taboo_support,
    topic_matrix,
    topic_reach,
    topics_from_dataset,
)
from tests.analysis.conftest import make_dataset
from tests.factories import datasets


def reference(net: Network, cells: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """Topic -> groups, organisations, taboo, families; one reach link at a time."""
    found: dict[str, tuple[set[str], set[str]]] = {t: (set(), set()) for t in TOPICS}
    for gid, orgs in net.reach.items():
        for org in orgs:
            raw = _as_tuple(cells.get((org, gid))) or _as_tuple(net.orgs.get(org, {}).get("topics"))
            for topic in dict.fromkeys(normalise_topic(t) for t in raw):
                groups, members = found.setdefault(topic, (set(), set()))
                groups.add(gid)
                members.add(org)
    return {topic: {"groups": sorted(groups), "organisations": sorted(members),
                    "taboo": topic in TABOO,
                    "families": sum(net.families(gid) for gid in groups)}
            for topic, (groups, members) in found.items()}


def reference_cells(dataset: Any) -> dict[tuple[str, str], Any]:
    """``(org, group) -> cell``, row by row: the last row of a link wins."""
    reach = dataset.reach
    cells = reach["topics"] if "topics" in reach.columns else [None] * len(reach)
    return {(str(o), str(g)): t
            for o, g, t in zip(reach["organisation"], reach["group"], cells, strict=True)}


def assert_same(found: dict[str, Any], expected: dict[str, Any]) -> None:
    assert list(found) == list(expected)  # the order of the topics too
    for topic, entry in expected.items():
        assert found[topic] == entry
        assert list(found[topic]) == list(entry)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_orgs=10, max_groups=6))
def test_topics_equal_the_per_link_definition(data):
    net = network_from_dataset(data)
    assert_same(topics_from_dataset(data, net), reference(net, reference_cells(data)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_orgs=8, max_groups=5), st.data())
def test_cells_of_every_shape(data, draw):
    """Strings with bars, lists (unhashable), hyphens only, empty cells, unknown links."""
    net = network_from_dataset(data)
    shapes = st.one_of(st.none(), st.just(()), st.just(""), st.just("|"), st.just("-"),
                       st.just("School| Honour-violence |school"),
                       st.lists(st.sampled_from(["school", "Nieuw onderwerp", "x", "-"]),
                                max_size=3),
                       st.lists(st.sampled_from(["b", "a", "raising children"]),
                                max_size=3).map(tuple))
    orgs = sorted(net.orgs) or ["O0"]
    groups = sorted(net.groups) or ["G0"]
    cells = draw.draw(st.dictionaries(st.tuples(st.sampled_from(orgs), st.sampled_from(groups)),
                                      shapes, max_size=8))
    assert_same(topic_reach(net, cells), reference(net, cells))


def test_duplicate_link_last_row_decides_even_when_empty():
    data = make_dataset([("M", "informal", "moskee", "C", ["school"]),
                         ("N", "informal", "moskee", "C", ["school"])],
                        groups=[("G1", 4), ("G2", 3)],
                        reach=[("M", "G1", ["honour_violence"]), ("M", "G1"),
                               ("N", "G2"), ("N", "G2", ["Eigen onderwerp", "b-c", "a"])])
    net = network_from_dataset(data)
    topics = topics_from_dataset(data, net)
    assert topics["honour_violence"]["groups"] == []  # M's last row for G1 has no topics
    assert topics["school"] == {"groups": ["G1"], "organisations": ["M"], "taboo": False,
                                "families": 4}
    assert list(topics)[len(TOPICS):] == ["eigen_onderwerp", "b_c", "a"]  # cell order
    assert_same(topics, reference(net, reference_cells(data)))


def test_taboo_candidates_sorted_once_per_topic():
    data = make_dataset([("F2", "formal", "cjg", "C", ["homosexuality"]),
                         ("F1", "formal", "ggd", "C", ["homosexuality"]),
                         ("I1", "informal", "moskee", "C", ["homosexuality"]),
                         ("I2", "informal", "moskee", "C", ["homosexuality"])],
                        groups=[("G1", 5), ("G2", 6)],
                        reach=[("I1", "G1"), ("I2", "G2")])
    net = network_from_dataset(data)
    links = taboo_support(data, net)["links"]
    assert [link["candidates"] for link in links] == [["F1", "F2"], ["F1", "F2"]]
    assert topic_matrix(data, net)["G1"] == {"homosexuality": ["I1"]}
