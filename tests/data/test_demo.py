"""The fictional demo district and the synthetic-city generator (mapping.io.demo)."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.analysis.coverage import CLASSES, Coverage, compute, network_from_dataset
from mapping.analysis.topics import TOPICS
from mapping.cli import main
from mapping.domain import schema as sc
from mapping.domain.dataset import CONDITIONS, TABLES, Dataset
from mapping.io.demo import by_nodes, demo_district, generate, write_demo
from mapping.io.load import load_path

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "data" / "demo"


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return demo_district()


@pytest.fixture(scope="module")
def demo_coverage(demo: Dataset) -> Coverage:
    return compute(network_from_dataset(demo))


@pytest.fixture(scope="module")
def city() -> Dataset:
    return generate()


def _classes(cov: Coverage) -> Counter:
    return Counter((g.coverage, g.distance if g.coverage == "bridged" else None)
                   for g in cov.groups.values())


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Ray casting: whether (lon, lat) lies inside a closed ring."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _check_points_in_polygons(dataset: Dataset) -> None:
    rings = {f["properties"]["code"]: f["geometry"]["coordinates"][0]
             for f in dataset.neighbourhoods["features"]}
    for row in dataset.organisations.itertuples():
        assert _inside(row.lon, row.lat, rings[row.neighbourhood]), row.id


# --------------------------------------------------------------------------- demo district


def test_demo_is_labelled_fictional(demo):
    assert "fictief" in demo.name.lower()
    assert demo.parent_groups["notes"].str.contains("Fictief", na=False).any()
    # the folder's name is what a loaded dataset is called, so the map says it too
    assert all("(fictief)" in f["properties"]["name"] for f in demo.neighbourhoods["features"])


def test_demo_counts_are_in_the_asked_ranges(demo):
    kinds = Counter(demo.organisations["kind"])
    assert 20 <= kinds["formal"] <= 30
    assert 30 <= kinds["informal"] <= 40
    assert 25 <= len(demo.parent_groups) <= 35
    assert 3 <= demo.counts()["neighbourhoods"] <= 5
    assert demo.parent_groups["community"].nunique() >= 8
    assert demo.parent_groups["families"].notna().all()
    assert (demo.parent_groups["families"] > 0).all()


def test_demo_uses_the_vocabularies(demo):
    assert set(demo.organisations["category"]) <= set(sc.CATEGORIES)
    formal = demo.organisations[demo.organisations["kind"] == "formal"]
    assert set(formal["category"]) == set(sc.FORMAL_CATEGORIES)
    informal = demo.organisations[demo.organisations["kind"] == "informal"]
    assert set(informal["category"]) == set(sc.INFORMAL_CATEGORIES)
    topics = {t for cell in (*demo.organisations["topics"], *demo.reach["topics"]) for t in cell}
    assert topics <= set(TOPICS)
    assert {"homosexuality", "domestic_violence", "honour_violence"} <= topics


def test_demo_is_consistent(demo):
    org_ids = set(demo.organisations["id"])
    assert demo.organisations["id"].is_unique and demo.parent_groups["id"].is_unique
    assert set(demo.reach["organisation"]) <= org_ids
    assert set(demo.reach["group"]) <= set(demo.parent_groups["id"])
    assert set(demo.collaborations["source"]) | set(demo.collaborations["target"]) <= org_ids
    assert not demo.reach.duplicated(["organisation", "group"]).any()
    scores = demo.collaborations[list(CONDITIONS)].stack().dropna()
    assert scores.between(1, 5).all()
    assert demo.reach["strength"].between(1, 5).all()
    hoods = {f["properties"]["code"] for f in demo.neighbourhoods["features"]}
    assert set(demo.organisations["neighbourhood"]) <= hoods
    assert set(demo.parent_groups["neighbourhood"]) <= hoods


def test_demo_organisations_lie_in_their_neighbourhood(demo):
    _check_points_in_polygons(demo)
    for feature in demo.neighbourhoods["features"]:
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]
        assert feature["properties"]["code"].startswith("BU9999")
        assert all(51.9 < lat < 52.1 and 4.2 < lon < 4.4 for lon, lat in ring)


def test_demo_has_every_coverage_class(demo_coverage):
    found = _classes(demo_coverage)
    for cls in CLASSES:
        assert any(c == cls for c, _ in found), (cls, found)
    assert found[("bridged", 1)] >= 2
    assert found[("bridged", 2)] >= 1


def test_demo_has_fragile_and_robust_groups(demo_coverage):
    routes = Counter(g.routes for g in demo_coverage.groups.values()
                     if g.coverage in ("direct", "bridged"))
    assert routes[1] >= 3  # fragile
    assert sum(n for r, n in routes.items() if r >= 2) >= 5
    fragile_bridged = [g for g in demo_coverage.groups.values()
                       if g.coverage == "bridged" and g.fragile]
    assert fragile_bridged


def test_demo_has_an_organisation_that_works_with_nobody(demo):
    collab = set(demo.collaborations["source"]) | set(demo.collaborations["target"])
    loners = set(demo.organisations["id"]) - collab
    assert loners
    # it still reaches a group: that group is reached only informally
    assert loners & set(demo.reach["organisation"])


def test_demo_ratings_cover_both_sides_unrated_and_rater_counts(demo):
    c = demo.collaborations
    directed = set(zip(c["source"], c["target"], strict=True))
    both = {(a, b) for a, b in directed if (b, a) in directed}
    assert both, "some pairs are rated from both sides"
    for a, b in both:
        there = c[(c["source"] == a) & (c["target"] == b)]["reported_by"]
        back = c[(c["source"] == b) & (c["target"] == a)]["reported_by"]
        assert set(there).isdisjoint(set(back))
    unrated = c[list(CONDITIONS)].isna().all(axis=1)
    assert unrated.any() and (~unrated).any()
    assert c.loc[unrated, "reported_by"].isna().all()
    rated = c[~unrated]
    pair = rated.apply(lambda r: tuple(sorted((r["source"], r["target"]))), axis=1)
    raters = pair.value_counts()
    assert (raters >= 3).any() and (raters < 3).any()
    # decimals are used
    assert (rated[list(CONDITIONS)].stack().dropna() % 1 != 0).any()


def test_demo_contacts_are_roles_and_respondents_pseudonyms(demo):
    contacts = set(demo.organisations["contact"].dropna())
    assert "coördinator" in contacts
    assert all(len(c.split()) <= 3 and c == c.lower() for c in contacts)
    respondents = demo.collaborations["reported_by"].dropna()
    assert respondents.str.fullmatch(r"R\d+").all()
    key_figures = demo.organisations[demo.organisations["category"] == "sleutelfiguur"]
    assert key_figures["name"].str.startswith("Sleutelfiguur").all()


def test_demo_is_windows_1252_encodable(demo):
    for table in TABLES:
        demo.table(table).to_csv(index=False).encode("cp1252")


def test_demo_is_deterministic(demo):
    again = demo_district()
    assert again.fingerprint() == demo.fingerprint()
    assert again.neighbourhoods == demo.neighbourhoods


def test_committed_demo_folder_is_current_and_loads(demo, tmp_path):
    written = tmp_path / "demo"
    assert main(["demo", "--out", str(written)]) == 0
    names = sorted(p.name for p in written.iterdir())
    assert names == sorted(p.name for p in DEMO_DIR.iterdir())
    for name in names:
        assert (written / name).read_bytes() == (DEMO_DIR / name).read_bytes(), name
    assert "Fictief" in (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    result = load_path(DEMO_DIR)
    assert result.ok, result.errors
    assert not result.warnings, result.warnings
    for table in TABLES:
        pd.testing.assert_frame_equal(result.dataset.table(table), demo.table(table),
                                      check_exact=True)
    assert result.dataset.neighbourhoods == demo.neighbourhoods


# --------------------------------------------------------------------------- generator


def test_generate_default_size(city):
    counts = city.counts()
    assert counts["organisations"] == 5000 and counts["parent_groups"] == 1500
    links = counts["reach"] + counts["collaborations"]
    assert 36_000 <= links <= 44_000, counts
    share = (city.organisations["kind"] == "formal").mean()
    assert 0.35 <= share <= 0.45
    assert counts["neighbourhoods"] == round(5000 / 60)
    assert not city.reach.duplicated(["organisation", "group"]).any()
    assert (city.collaborations["source"] != city.collaborations["target"]).all()


def test_generate_has_every_class_and_distance(city):
    found = _classes(compute(network_from_dataset(city)))
    for key in (("unreached", None), ("direct", None), ("bridged", 1), ("bridged", 2),
                ("informal_only", None)):
        assert found[key] > 0, (key, found)
    routes = Counter(g.routes for g in compute(network_from_dataset(city)).groups.values())
    assert routes[1] > 0 and sum(n for r, n in routes.items() if r >= 2) > 0


def test_generate_points_lie_in_their_neighbourhood(city):
    _check_points_in_polygons(city)


def test_generate_is_deterministic_per_seed():
    a, b, c = generate(300, 90, seed=3), generate(300, 90, seed=3), generate(300, 90, seed=4)
    assert a.fingerprint() == b.fingerprint()
    assert a.neighbourhoods == b.neighbourhoods
    assert a.fingerprint() != c.fingerprint()


@pytest.mark.parametrize(("orgs", "groups"), [(500, 150), (1000, 300), (10_000, 3000)])
def test_generate_scales_links_proportionally(orgs, groups):
    counts = generate(orgs, groups).counts()
    expected = 40_000 * (orgs + groups) / 6500
    assert abs(counts["reach"] + counts["collaborations"] - expected) <= 0.1 * expected
    assert counts["neighbourhoods"] == max(3, round(orgs / 60))


@pytest.mark.parametrize(("orgs", "groups"), [(5, 5), (12, 6), (40, 20)])
def test_generate_small_cities_still_show_every_class(orgs, groups):
    city = generate(orgs, groups)
    assert city.counts()["neighbourhoods"] == 3
    found = {c for c, _ in _classes(compute(network_from_dataset(city)))}
    assert found == set(CLASSES)


def test_by_nodes_sizes_the_city():
    city = by_nodes(1300, seed=1)
    counts = city.counts()
    assert counts["organisations"] + counts["parent_groups"] == 1300
    assert math.isclose(counts["organisations"] / 1300, 5000 / 6500, abs_tol=0.01)


def test_generated_city_written_by_the_cli_is_valid(tmp_path):
    out = tmp_path / "city"
    assert main(["demo", "--organisations", "5000", "--groups", "1500", "--out", str(out)]) == 0
    result = load_path(out)
    assert result.ok, result.errors[:5]
    counts = result.dataset.counts()
    assert counts["organisations"] == 5000 and counts["parent_groups"] == 1500
    assert counts["reach"] + counts["collaborations"] >= 36_000
    # the only warnings are organisations that work with nobody (by design)
    assert {w.code for w in result.warnings} <= {"org_isolated"}
    assert "fictief" in (out / "README.md").read_text(encoding="utf-8").lower()


def test_cli_demo_formats(tmp_path):
    assert main(["demo", "--out", str(tmp_path / "nl"), "--format", "csv-nl"]) == 0
    assert (tmp_path / "nl" / "organisaties.csv").read_bytes().count(b"\r\n") > 10
    assert main(["demo", "--out", str(tmp_path / "x"), "--format", "xlsx"]) == 0
    assert (tmp_path / "x" / "wijken.geojson").is_file()
    result = load_path(tmp_path / "x" / "wijknetwerk.xlsx")
    assert result.ok and result.dataset.counts()["neighbourhoods"] == 4
    assert main(["demo", "--out", str(tmp_path / "s"), "-n", "50", "-g", "20", "--seed", "2"]) == 0
    assert load_path(tmp_path / "s").dataset.counts()["organisations"] == 50


def test_cli_demo_usage_errors(tmp_path, capsys):
    assert main(["demo"]) == 2  # --out is required
    assert main(["demo", "--out", str(tmp_path), "--organisations", "0"]) == 2
    capsys.readouterr()


def test_write_demo_rejects_unknown_format(tmp_path):
    with pytest.raises(ValueError):
        write_demo(tmp_path, fmt="ods")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orgs=st.integers(5, 400), groups=st.integers(5, 150), seed=st.integers(0, 2**32 - 1))
def test_generate_any_size_is_valid_and_complete(orgs, groups, seed):
    city = generate(orgs, groups, seed=seed)
    counts = city.counts()
    assert (counts["organisations"], counts["parent_groups"]) == (orgs, groups)
    ids = set(city.organisations["id"])
    assert set(city.reach["organisation"]) <= ids
    assert set(city.collaborations["source"]) | set(city.collaborations["target"]) <= ids
    assert set(city.reach["group"]) <= set(city.parent_groups["id"])
    _check_points_in_polygons(city)
    found = _classes(compute(network_from_dataset(city)))
    for key in (("unreached", None), ("direct", None), ("bridged", 1), ("bridged", 2),
                ("informal_only", None)):
        assert found[key] > 0, (key, found)
