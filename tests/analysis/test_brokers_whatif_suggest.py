"""Brokers, what-if and suggestions on the hand-built district."""

from __future__ import annotations

from mapping.analysis.brokers import brokers, sole_bridges
from mapping.analysis.coverage import coverage
from mapping.analysis.suggest import suggest
from mapping.analysis.whatif import Scenario, full_recompute, what_if


def test_brokers_of_the_district(district):
    table = {b["id"]: b for b in brokers(coverage(district))}
    w1 = table["W1"]
    assert sorted(w1["worse_groups"]) == ["G1", "G5"]
    assert w1["worse_families"] == 18
    assert w1["sole_bridge_for"] == ["G1", "G5"]
    assert table["M4"]["worse_groups"] == ["G3"] and not table["M4"]["sole_bridge"]
    for org in ("M2", "M3", "W2"):
        assert table[org]["sole_bridge_for"] == ["G2"]
    assert "M1" not in table  # G1 keeps W1 when M1 leaves
    assert {b["id"] for b in sole_bridges(coverage(district))} == {
        "W1", "M2", "M3", "W2", "M5", "M6"}


def test_broker_that_costs_a_route_without_worsening(build):
    ds = build(orgs=[("W1", "formal"), ("W2", "formal"), ("A", "informal"), ("B", "informal")],
               groups=[("G", 7)], reach=[("A", "G"), ("B", "G")],
               collaborations=[("A", "W1"), ("B", "W2")])
    table = {b["id"]: b for b in brokers(coverage(ds))}
    assert table["A"]["route_groups"] == ["G"] and table["A"]["worse_groups"] == []
    assert table["A"]["route_families"] == 7 and not table["A"]["sole_bridge"]


def test_what_if_removing_a_bridge(district):
    cov = coverage(district)
    result = what_if(cov, remove_orgs=["M3"])
    assert result["lost"] == ["G2"] and result["gained"] == []
    assert result["families_lost"] == 20
    assert result["coverage"].groups["G2"].coverage == "informal_only"
    change = result["changes"][0]
    assert (change["before"], change["after"]) == ("bridged", "informal_only")


def test_what_if_removing_and_adding_links(district):
    cov = coverage(district)
    cut = what_if(cov, remove_links=[("W1", "M6")])
    assert cut["lost"] == ["G5"]
    added = what_if(cov, add_links=[("M4", "W2")])
    assert added["gained"] == ["G3"] and added["families_gained"] == 40
    assert added["coverage"].groups["G3"].coverage == "bridged"
    assert added["coverage"].groups["G3"].distance == 1


def test_what_if_matches_full_recomputation(district):
    cov = coverage(district)
    scenario = Scenario(remove_orgs=("M6",), add_links=(("M2", "W1"),))
    result = what_if(cov, remove_orgs=scenario.remove_orgs, add_links=scenario.add_links)
    full = full_recompute(cov, scenario)
    for gid, gc in full.groups.items():
        other = result["coverage"].groups[gid]
        assert (gc.coverage, gc.distance, gc.routes) == (other.coverage, other.distance,
                                                         other.routes)


def test_suggestions_greedy_with_explanations(district):
    cov = coverage(district)
    picks = suggest(cov, k=5)
    assert (picks[0]["informal"], picks[0]["families"], picks[0]["groups"]) == ("M4", 40, ["G3"])
    assert picks[0]["formal"] == "W1"  # wijkteam preferred
    assert (picks[1]["informal"], picks[1]["formal"], picks[1]["groups"]) == ("M1", "W2", ["G1"])
    assert len(picks) == 2  # G2 and G5 have a single reacher: no second route possible
    assert picks[0]["explanation"].startswith("Als Org W1 gaat samenwerken met Org M4")
    en = suggest(cov, k=1, lang="en")[0]["explanation"]
    assert "about 40 families" in en


def test_suggestion_constraints(build):
    ds = build(orgs=[("W", "formal", "wijkteam", "Noord"), ("S", "formal", "school", "Zuid"),
                     ("M", "informal", "moskee", "Zuid")],
               groups=[("G", 12, "Zuid")], reach=[("M", "G")])
    cov = coverage(ds)
    assert suggest(cov, k=1)[0]["formal"] == "S"  # same neighbourhood before category
    assert suggest(cov, k=1, categories=["wijkteam"])[0]["formal"] == "W"
    assert suggest(cov, k=1, same_neighbourhood=True, categories=["wijkteam"]) == []


def test_suggestion_gains_equal_what_if(district):
    cov = coverage(district)
    for pick in suggest(cov, k=3):
        result = what_if(cov, add_links=[(pick["formal"], pick["informal"])])
        assert result["families_gained"] == pick["families"]
        cov = result["coverage"]


def test_what_if_leaves_the_current_coverage_untouched(district):
    cov = coverage(district)
    adjacency = {k: list(v) for k, v in cov.network.adj.items()}
    what_if(cov, remove_orgs=["W1"], remove_links=[("M2", "M3")], add_links=[("M4", "W2")])
    assert {k: list(v) for k, v in cov.network.adj.items()} == adjacency
    assert cov.groups["G1"].coverage == "direct"


def test_what_if_ignores_a_hypothetical_self_collaboration(district):
    cov = coverage(district)
    assert what_if(cov, add_links=[("M4", "M4")])["changes"] == []
