"""Brokerage roles (Gould-Fernandez) and broker sentences on hand-built networks."""

from __future__ import annotations

import networkx as nx

from mapping.analysis.brokers import brokers
from mapping.analysis.graph import build_graph, collaboration_graph, org_node
from mapping.analysis.report import analyse
from mapping.analysis.roles import broker_sentences, brokerage, brokerage_sentence
from tests.analysis.conftest import make_dataset


def _collab(orgs, links):
    return collaboration_graph(build_graph(make_dataset(orgs, collaborations=links)))


def _row(frame, org):
    return frame.set_index("id").loc[org]


def test_formal_between_two_informal_is_itinerant():
    frame = brokerage(_collab([("F", "formal"), ("I1", "informal"), ("I2", "informal")],
                              [("I1", "F"), ("F", "I2")]))
    f = _row(frame, "F")
    assert (f["itinerant"], f["coordinator"], f["gatekeeper"], f["liaison"]) == (1, 0, 0, 0)
    assert _row(frame, "I1")["total"] == 0


def test_closed_triangle_has_no_broker():
    frame = brokerage(_collab([("A", "formal"), ("B", "formal"), ("C", "formal")],
                              [("A", "B"), ("B", "C"), ("A", "C")]))
    assert frame["total"].sum() == 0


def test_same_side_chain_is_coordinator():
    frame = brokerage(_collab([("A", "informal"), ("B", "informal"), ("C", "informal")],
                              [("A", "B"), ("B", "C")]))
    assert _row(frame, "B")["coordinator"] == 1


def test_bridge_to_own_side_is_gatekeeper_and_representative():
    # I1 - F1 - F2: F1 (formal) connects its colleague F2 with the informal I1.
    frame = brokerage(_collab([("F1", "formal"), ("F2", "formal"), ("I1", "informal")],
                              [("I1", "F1"), ("F1", "F2")]))
    f1 = _row(frame, "F1")
    assert (f1["gatekeeper"], f1["representative"], f1["itinerant"]) == (1, 1, 0)
    assert brokerage_sentence(f1, "en").startswith("Org F1 connects 1 times")


def test_liaison_needs_three_sides():
    graph = nx.Graph()
    for node, cat in (("a", "mzo"), ("b", "school"), ("c", "kerk")):
        graph.add_node(node, id=node, name=node, category=cat)
    graph.add_edges_from([("a", "b"), ("b", "c")])
    assert brokerage(graph, "category").set_index("id").loc["b", "liaison"] == 1
    assert brokerage(graph, "category").set_index("id").loc["b", "total"] == 1


def test_sorted_by_total_and_every_organisation_listed():
    collab = _collab([("F", "formal"), ("I1", "informal"), ("I2", "informal"),
                      ("I3", "informal")], [("I1", "F"), ("F", "I2"), ("F", "I3")])
    frame = brokerage(collab)
    assert frame["id"].iloc[0] == "F" and _row(frame, "F")["itinerant"] == 3
    assert set(frame["node"]) == {org_node(x) for x in ("F", "I1", "I2", "I3")}


def test_broker_sentences_tell_worse_off_from_losing_one_route():
    # G1 reached by I1 only, I1 works with F: I1 is G1's only route (worse + sole).
    # G2 reached by F1 and F2 directly: losing either leaves a route (route only).
    ds = make_dataset(
        [("F", "formal"), ("I1", "informal"), ("F1", "formal"), ("F2", "formal")],
        groups=[("G1", 40), ("G2", 25)],
        reach=[("I1", "G1"), ("F1", "G2"), ("F2", "G2")],
        collaborations=[("I1", "F")])
    cov = analyse(ds)
    found = {b["id"]: b for b in broker_sentences(cov, brokers(cov), "en")}
    i1 = found["I1"]
    assert i1["sole_bridge"] and i1["families"] == 40
    assert any("would be worse off" in s and "40 families" in s for s in i1["sentences"])
    assert any("only route to professional help" in s for s in i1["sentences"])
    for org in ("F1", "F2"):
        assert found[org]["sentences"] == [
            f"If Org {org} left, 1 group (25 families) would keep a route to help but lose "
            "one of its routes."]
