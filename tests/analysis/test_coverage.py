"""Coverage classes, distances and routes on hand-built districts with known answers."""

from __future__ import annotations

import pandas as pd

from mapping.analysis import graph as g
from mapping.analysis.coverage import RANK, coverage
from mapping.analysis.coverage_summary import (
    coverage_table,
    gap_sentences,
    neighbourhood_shares,
    share_sentences,
    summary,
)


def test_every_class_in_the_district(district):
    cov = coverage(district)
    got = {gid: (gc.coverage, gc.distance, gc.routes, gc.route) for gid, gc in cov.groups.items()}
    assert got == {
        "G1": ("direct", 0, 1, ["W1"]),
        "G2": ("bridged", 2, 1, ["M2", "M3", "W2"]),
        "G3": ("informal_only", None, 0, []),
        "G4": ("unreached", None, 0, []),
        "G5": ("bridged", 2, 1, ["M5", "M6", "W1"]),
    }
    assert cov.groups["G1"].fragile and not cov.groups["G3"].fragile


def test_group_reached_by_both_kinds_is_direct(build):
    ds = build(orgs=[("W", "formal"), ("M", "informal"), ("V", "formal")], groups=[("G", 3)],
               reach=[("M", "G"), ("W", "G")], collaborations=[("M", "V")])
    gc = coverage(ds).groups["G"]
    assert (gc.coverage, gc.distance, gc.routes, gc.route) == ("direct", 0, 2, ["W"])


def test_distance_one_when_the_reacher_itself_works_with_a_professional(build):
    ds = build(orgs=[("W", "formal"), ("M", "informal")], groups=[("G", 3)],
               reach=[("M", "G")], collaborations=[("W", "M")])
    gc = coverage(ds).groups["G"]
    assert (gc.coverage, gc.distance, gc.route) == ("bridged", 1, ["M", "W"])


def test_formal_org_only_via_another_group_does_not_count(build):
    # M reaches both groups, W reaches only GB: GA must not borrow GB's reach link.
    ds = build(orgs=[("W", "formal"), ("M", "informal")], groups=[("GA", 1), ("GB", 1)],
               reach=[("M", "GA"), ("M", "GB"), ("W", "GB")])
    cov = coverage(ds)
    assert cov.groups["GA"].coverage == "informal_only"
    assert cov.groups["GA"].routes == 0
    assert cov.groups["GB"].coverage == "direct"


def test_cycle_of_informal_orgs(build):
    ds = build(orgs=[("W", "formal"), ("A", "informal"), ("B", "informal"), ("C", "informal")],
               groups=[("G", 2)], reach=[("A", "G")],
               collaborations=[("A", "B"), ("B", "C"), ("C", "A"), ("C", "W")])
    gc = coverage(ds).groups["G"]
    assert (gc.coverage, gc.distance, gc.routes, gc.route) == ("bridged", 2, 1, ["A", "C", "W"])


def test_disconnected_parts_give_two_routes(build):
    ds = build(orgs=[("W1", "formal"), ("W2", "formal"), ("A", "informal"), ("B", "informal")],
               groups=[("G", 2), ("H", 1)], reach=[("A", "G"), ("B", "G"), ("B", "H")],
               collaborations=[("A", "W1"), ("B", "W2")])
    cov = coverage(ds)
    assert cov.groups["G"].routes == 2 and not cov.groups["G"].fragile
    assert cov.groups["H"].routes == 1 and cov.groups["H"].fragile


def test_routes_end_at_distinct_formal_orgs(build):
    ds = build(orgs=[("W", "formal"), ("A", "informal"), ("B", "informal")], groups=[("G", 2)],
               reach=[("A", "G"), ("B", "G")], collaborations=[("A", "W"), ("B", "W")])
    assert coverage(ds).groups["G"].routes == 1


def test_shared_intermediary_limits_routes(build):
    # Two reachers and two professionals, but everything passes through X.
    ds = build(orgs=[("W1", "formal"), ("W2", "formal"), ("A", "informal"), ("B", "informal"),
                     ("X", "informal")], groups=[("G", 2)], reach=[("A", "G"), ("B", "G")],
               collaborations=[("A", "X"), ("B", "X"), ("X", "W1"), ("X", "W2")])
    assert coverage(ds).groups["G"].routes == 1


def test_self_collaboration_is_ignored(build):
    ds = build(orgs=[("W", "formal"), ("M", "informal")], groups=[("G", 2)],
               reach=[("M", "G")], collaborations=[("M", "M")])
    assert coverage(ds).groups["G"].coverage == "informal_only"


def test_collaboration_rated_by_both_sides_is_one_link(build):
    ds = build(orgs=[("W", "formal"), ("M", "informal")], groups=[("G", 2)],
               reach=[("M", "G")],
               collaborations=[{"source": "M", "target": "W", "trust": 4},
                               {"source": "W", "target": "M", "trust": 2}])
    graph = g.build_graph(ds)
    assert graph.edges[g.org_node("M"), g.org_node("W")]["raters"] == 2
    gc = coverage(ds).groups["G"]
    assert (gc.coverage, gc.routes) == ("bridged", 1)


def test_min_quality_cuts_a_bridge(build):
    ds = build(orgs=[("W", "formal"), ("M", "informal"), ("V", "formal"), ("N", "informal")],
               groups=[("G", 2), ("H", 3)], reach=[("M", "G"), ("N", "H")],
               collaborations=[{"source": "M", "target": "W", "trust": 2, "equality": 2},
                               ("N", "V")])
    assert coverage(ds).groups["G"].coverage == "bridged"
    assert coverage(ds, min_quality=3).groups["G"].coverage == "informal_only"
    assert coverage(ds, min_quality=2).groups["G"].coverage == "bridged"
    # unrated N - V counts unless excluded
    assert coverage(ds, min_quality=3).groups["H"].coverage == "bridged"
    assert coverage(ds, 3, include_unrated=False).groups["H"].coverage == "informal_only"


def test_summary_weights_by_families_and_counts_unknown_families(build, district):
    cov = coverage(district)
    s = summary(cov)
    assert s["direct"] == {"groups": 1, "families": 10}
    assert s["bridged"] == {"groups": 2, "families": 28}
    assert s["informal_only"] == {"groups": 1, "families": 40}
    assert s["unreached"] == {"groups": 1, "families": 5}
    ds = build(orgs=[("W", "formal")], groups=[("G", None)], reach=[("W", "G")])
    assert summary(coverage(ds))["direct"] == {"groups": 1, "families": 0}


def test_coverage_table_and_shares(district):
    cov = coverage(district)
    table = coverage_table(cov)
    assert isinstance(table, pd.DataFrame)
    assert list(table["id"]) == ["G1", "G2", "G3", "G4", "G5"]
    assert table.loc[1, "route_names"] == ("Org M2", "Org M3", "Org W2")
    (hood,) = neighbourhood_shares(cov)
    assert hood["neighbourhood"] == "Centrum"
    assert hood["share"] == (10 + 20 + 8) / 83


def test_gap_sentences(district):
    cov = coverage(district)
    nl = gap_sentences(cov, "nl")
    en = gap_sentences(cov, "en")
    assert nl[0] == ("Group G3 in Centrum, ongeveer 40 gezinnen, wordt alleen bereikt door "
                     "Org M4, die met geen enkele professional samenwerkt.")
    assert en[0] == ("Group G3 in Centrum, about 40 families, are reached only by Org M4, "
                     "which works with no professional.")
    assert len(nl) == 5


def test_share_sentences(district):
    assert share_sentences(coverage(district), "nl") == [
        "Centrum: 46% van de gezinnen heeft een route naar professionele hulp."]
    assert share_sentences(coverage(district), "en") == [
        "Centrum: 46% of families have a route to professional help."]


def test_worst_first_puts_the_largest_gaps_on_top(district):
    from mapping.analysis.coverage_summary import worst_first

    table = worst_first(coverage_table(coverage(district)))
    ranks = [RANK[c] for c in table["coverage"]]
    assert ranks == sorted(ranks)
    # Within a class, fragile groups come before groups with more routes.
    for cls in set(table["coverage"]):
        fragile = list(table.loc[table["coverage"] == cls, "fragile"])
        assert fragile == sorted(fragile, reverse=True)
    assert sorted(table["id"]) == ["G1", "G2", "G3", "G4", "G5"]


def test_a_users_type_column_does_not_replace_the_node_type(tmp_path):
    """An extra column called ``type`` (common in exports) must not break the analysis."""
    import shutil

    from mapping.analysis.report import build_report
    from mapping.io.load import load_path

    shutil.copytree("data/demo", tmp_path / "wijk")
    path = tmp_path / "wijk" / "parent_groups.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    path.write_text("\n".join([lines[0] + f"{delimiter}type"]
                              + [line + f"{delimiter}wijkgroep" for line in lines[1:]]) + "\n",
                    encoding="utf-8")
    plain = build_report(load_path("data/demo").dataset)
    loaded = load_path(tmp_path / "wijk")
    assert not loaded.errors
    assert build_report(loaded.dataset)["groups"] == plain["groups"]
