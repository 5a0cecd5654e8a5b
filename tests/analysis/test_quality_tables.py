"""The quality tables from the dataset's tables equal those the graph-based code computed.

The oracle below is the graph-based computation as it stood before the table
path (main at 4c029e4), rewritten one link and one organisation at a time:
links in ``graph.edges`` order from the merged edge attributes, sides decided
row by row with the same text folding, sums added row after row. Both paths of
:mod:`mapping.analysis.quality` (a dataset, and a graph through the adapter)
must give frames equal to it in every value, dtype, column and row order.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.analysis import graph as g
from mapping.analysis import quality
from mapping.domain.dataset import CONDITIONS, Dataset
from tests.factories import DatasetBuilder
from tests.security.corpus import CONTROL, FORMULAS, HUGE_NUMBERS, INVISIBLE, TEXT_ATTACKS

TEXT = pd.StringDtype(na_value=np.nan)
HOSTILE = (*TEXT_ATTACKS, *FORMULAS, *CONTROL, *INVISIBLE)
HUGE = tuple(float(v) for v in HUGE_NUMBERS)  # 1e20 ... inf, nan: beyond any score

LINK_COLUMNS = ["source", "target", "source_name", "target_name",
                *[x for c in CONDITIONS for x in (c, f"{c}_n")], "raters", "quality",
                "weakest", "few_raters"]
GAP_COLUMNS = ["a", "b", "a_raters", "b_raters",
               *[f"{c}_{s}" for c in CONDITIONS for s in ("a", "b", "gap")],
               "largest_gap", "few_raters"]


# --------------------------------------------------------------------------- the oracle


def _pick(values: dict[str, float], lowest: bool) -> str | None:
    """The first condition with the lowest (highest) value rounded to 9 decimals, NaN skipped."""
    best: tuple[float, str] | None = None
    for condition, value in values.items():
        if value is None or math.isnan(value):
            continue
        rounded = float(np.array([value]).round(9)[0])  # as numpy rounds arrays: 1e308 -> inf
        if best is None or (rounded < best[0] if lowest else rounded > best[0]):
            best = (rounded, condition)
    return None if best is None else best[1]


def _orgs(graph: nx.Graph) -> dict[Any, dict[str, Any]]:
    return {n: d for n, d in graph.nodes(data=True) if d.get("type") == g.ORG}


def _collaborations(graph: nx.Graph) -> list[tuple[dict[str, Any], dict[str, Any], dict]]:
    """Per collaboration edge in edge order: its two organisations (by id) and its data."""
    orgs = _orgs(graph)
    found = []
    for u, v, data in graph.edges(data=True):
        if data["type"] == g.COLLABORATION:
            first, second = sorted((orgs[u], orgs[v]), key=lambda o: o["id"])
            found.append((first, second, data))
    return found


def _nan(value: Any) -> float:
    return math.nan if value is None else float(value)


def oracle_links(graph: nx.Graph) -> pd.DataFrame:
    rows = []
    for first, second, data in _collaborations(graph):
        means = {c: _nan(data[c]) for c in CONDITIONS}
        rows.append([first["id"], second["id"], first.get("name"), second.get("name"),
                     *[x for c in CONDITIONS for x in (means[c], data[f"{c}_n"])],
                     data["raters"], _nan(data["quality"]), _pick(means, lowest=True),
                     any(0 < data[f"{c}_n"] < quality.MIN_RATERS for c in CONDITIONS)])
    frame = pd.DataFrame(rows, columns=LINK_COLUMNS, dtype=object)
    return frame.astype({**{c: TEXT for c in ("source", "target", "source_name",
                                              "target_name", "weakest")},
                         **{c: float for c in (*CONDITIONS, "quality")},
                         **{f"{c}_n": np.int64 for c in CONDITIONS}, "raters": np.int64,
                         "few_raters": bool})


def oracle_profile(graph: nx.Graph) -> pd.DataFrame:
    links = oracle_links(graph)
    # Both ends of every link, sources first: pandas' group mean adds in that order.
    ends = pd.concat([links.assign(id=links["source"]),
                      links[links["source"] != links["target"]].assign(id=links["target"])],
                     ignore_index=True)
    stats = ends.groupby("id", sort=False).agg(
        links=("id", "size"), rated_links=("quality", "count"),
        **{c: (c, "mean") for c in CONDITIONS})
    rows = []
    for data in _orgs(graph).values():
        row = stats.loc[data["id"]] if data["id"] in stats.index else None
        means = {c: math.nan if row is None else float(row[c]) for c in CONDITIONS}
        rated = [m for m in means.values() if not math.isnan(m)]
        rows.append([data["id"], data.get("name"), 0 if row is None else int(row["links"]),
                     0 if row is None else int(row["rated_links"]), *means.values(),
                     sum(rated) / len(rated) if rated else math.nan,
                     _pick(means, lowest=True)])
    frame = pd.DataFrame(rows, columns=["id", "name", "links", "rated_links", *CONDITIONS,
                                        "quality", "weakest"], dtype=object)
    return frame.astype({"id": TEXT, "name": TEXT, "weakest": TEXT, "links": np.int64,
                         "rated_links": np.int64,
                         **{c: float for c in (*CONDITIONS, "quality")}})


def _fold(values: list[Any], strip: bool = True) -> list[str]:
    """Texts folded as the sides are compared: pandas' strip and casefold, empty = ""."""
    series = pd.Series(values, dtype=object).where(pd.notna(pd.Series(values, dtype=object)),
                                                   None).astype(TEXT)
    series = series.str.strip() if strip else series
    return series.str.casefold().fillna("").tolist()


def _scores(rows: list[dict[str, Any]]) -> np.ndarray:
    """The rows' scores as floats: all cells at once, else each column with to_numeric."""
    cells = [[r.get(c) for c in CONDITIONS] for r in rows]
    try:
        return np.array(cells, dtype=float).reshape(len(rows), len(CONDITIONS))
    except (TypeError, ValueError):
        columns = list(zip(*cells, strict=True)) if cells else [()] * len(CONDITIONS)
        return np.column_stack([pd.to_numeric(pd.Series(list(c), dtype=object),
                                               errors="coerce").to_numpy(dtype=float)
                                for c in columns])


def oracle_gaps(graph: nx.Graph) -> pd.DataFrame:
    links = _collaborations(graph)
    rows = [r for _, _, data in links for r in data["ratings"]]
    if not rows:
        return pd.DataFrame(columns=GAP_COLUMNS)
    scores = iter(_scores(rows))
    reported = iter(_fold([r.get("reported_by") for r in rows]))
    orgs = list(_orgs(graph).values())
    folded = dict(zip([o["id"] for o in orgs], zip(
        _fold([o["id"] for o in orgs], strip=False), _fold([o.get("name") for o in orgs]),
        strict=True), strict=True))
    out = []
    for first, second, data in links:
        ends = [(str(o["id"]), *folded[o["id"]]) for o in (first, second)]
        sides: list[list[np.ndarray]] = [[], []]
        for row in data["ratings"]:
            text, score = next(reported), next(scores)
            side = next((i for i, end in enumerate(ends) if str(row["source"]) == end[0]), 2)
            for i in (1, 0):  # side a last: a row naming both is a's
                if text and text in ends[i][1:]:
                    side = i
            if side < 2:
                sides[side].append(score)
        if not sides[0] or not sides[1]:
            continue
        entry: dict[str, Any] = {"a": first["id"], "b": second["id"],
                                 "a_raters": len(sides[0]), "b_raters": len(sides[1])}
        gaps = {}
        for i, c in enumerate(CONDITIONS):
            for label, side_scores in zip("ab", sides, strict=True):
                given = [s[i] for s in side_scores if not math.isnan(s[i])]
                total = 0.0
                for value in given:  # row after row, as a bincount adds
                    total += value
                entry[f"{c}_{label}"] = total / len(given) if given else math.nan
            entry[f"{c}_gap"] = gaps[c] = entry[f"{c}_a"] - entry[f"{c}_b"]
        entry["largest_gap"] = _pick({c: abs(v) for c, v in gaps.items()}, lowest=False)
        entry["few_raters"] = min(entry["a_raters"], entry["b_raters"]) < quality.MIN_RATERS
        out.append(entry)
    frame = pd.DataFrame(out, columns=GAP_COLUMNS)
    return frame.astype({"a": TEXT, "b": TEXT, "largest_gap": TEXT, "a_raters": np.int64,
                         "b_raters": np.int64, "few_raters": bool,
                         **{f"{c}_{s}": float for c in CONDITIONS for s in ("a", "b", "gap")}})


# --------------------------------------------------------------------------- checks


def _assert_same(dataset: Dataset) -> None:
    """Dataset path and graph path both equal the oracle, to the last bit."""
    graph = g.build_graph(dataset)
    expected = (oracle_links(graph), oracle_profile(graph), oracle_gaps(graph))
    for source in (dataset, g.build_graph(dataset)):
        links = quality.link_quality(source)
        found = (links, quality.organisation_profile(source, links),
                 quality.reciprocity_gaps(source))
        for got, want in zip(found, expected, strict=True):
            pd.testing.assert_frame_equal(got, want, check_exact=True)
    # Without the caller's link table, the profile is the same.
    pd.testing.assert_frame_equal(quality.organisation_profile(dataset.replace()),
                                  expected[1], check_exact=True)


_IDS = ["O1", "o1 ", "O2", "Zeta", "alpha", "Ä", "ß", "SS", "10", "9"]
_NAMES = st.one_of(st.none(), st.sampled_from(["Org A", "org a", " Moskee ", "", "None",
                                               *HOSTILE[:12]]))
_SCORES = st.one_of(st.none(), st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, 2.5, 3.1, 3.2, 3.3,
                                                3.0, 1.7]),
                    st.sampled_from(HUGE))


@st.composite
def districts(draw: st.DrawFn) -> Dataset:
    """A small district: ids that fold alike, hostile names, repeated and self rows."""
    ids = draw(st.lists(st.sampled_from(_IDS), min_size=1, max_size=7, unique=True))
    names = {oid: draw(_NAMES) for oid in ids}
    builder = DatasetBuilder("wijk")
    for oid in ids:
        builder.org(oid, draw(st.sampled_from(["formal", "informal"])), name=names[oid])
    everyone = [*ids, "ghost"]  # an id no organisation has (validation refuses it)
    for _ in range(draw(st.integers(0, 40))):
        source = draw(st.sampled_from(everyone if draw(st.booleans()) else ids))
        target = draw(st.sampled_from(ids))
        fields: dict[str, Any] = {c: draw(_SCORES) for c in CONDITIONS
                                  if draw(st.integers(0, 9)) < 7}
        fields["reported_by"] = draw(st.one_of(
            st.none(), st.sampled_from(["", "  ", "someone", *HOSTILE[:6]]),
            st.sampled_from(ids).map(lambda o: f"  {o.upper()} "),
            st.sampled_from([n for n in names.values() if n] or ["x"]).map(str.swapcase)))
        builder.collab(source, target, **fields)
    data = builder.build()
    if draw(st.booleans()):  # a score column holding text, as a hand-made frame can
        column = data.collaborations["trust"].astype(object)
        for i in range(len(column)):
            if draw(st.integers(0, 4)) == 0:
                column.iloc[i] = draw(st.sampled_from(["n.v.t.", "3", " 4 ", "=1+1", True]))
        data = data.replace(collaborations=data.collaborations.assign(trust=column))
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_dataset_path_equals_the_graph_computation(data: Dataset) -> None:
    _assert_same(_known(data))


def _known(data: Dataset) -> Dataset:
    """Without the rows naming an unknown organisation: the graph cannot hold those links."""
    ids = set(data.organisations["id"])
    rows = data.collaborations
    return data.replace(collaborations=rows[rows["source"].isin(ids)
                                            & rows["target"].isin(ids)].reset_index(drop=True))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_rows_of_unknown_organisations_are_no_links(data: Dataset) -> None:
    # The graph would hold them as untyped nodes (and its walk stopped on them); the
    # table path leaves them out, as if validation had refused them.
    for make in (quality.link_quality, quality.organisation_profile, quality.reciprocity_gaps):
        pd.testing.assert_frame_equal(make(data), make(_known(data)), check_exact=True)


def test_a_generated_city_read_back_from_csv(tmp_path) -> None:
    from mapping.io.demo import generate, write_demo
    from mapping.io.load import load_path

    write_demo(tmp_path / "city", generate(organisations=600, groups=180, seed=5))
    data = load_path(tmp_path / "city").dataset
    _assert_same(data)
    gaps = quality.reciprocity_gaps(data)
    assert len(quality.link_quality(data)) > 1000 and len(gaps) > 50
    assert gaps["largest_gap"].notna().any()


def test_tie_goes_to_the_first_condition_and_few_raters_flagged() -> None:
    data = (DatasetBuilder().org("A").org("B", "informal")
            .collab("A", "B", trust=3.1, shared_goals=3.2, role_clarity=3.3, equality=3.0)
            .collab("B", "A", trust=3.2, shared_goals=3.1, role_clarity=3.0, equality=3.3)
            .build())
    links = quality.link_quality(data)
    # 3.1 + 3.2 and 3.2 + 3.1 differ in the last bit of their sum: still a tie, trust first.
    assert links.loc[0, "weakest"] == "trust" and links.loc[0, "few_raters"]
    gaps = quality.reciprocity_gaps(data)
    # Gaps -0.1, 0.1, 0.3, -0.3 (give or take the last bit): role clarity before equality.
    assert gaps.loc[0, "largest_gap"] == "role_clarity"
    _assert_same(data)


def test_tables_without_collaborations_or_organisations() -> None:
    _assert_same(DatasetBuilder().org("A").org("B").build())
    _assert_same(DatasetBuilder().build())
    assert quality.reciprocity_gaps(DatasetBuilder().org("A").build()).empty


def test_a_dataset_keeps_its_link_table() -> None:
    data = DatasetBuilder().org("A").org("B").collab("A", "B", trust=4).build()
    assert quality.link_table(data) is quality.link_table(data)
    assert quality.link_table(data.replace()) is not quality.link_table(data)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_and_reporters_stay_text(hostile: str) -> None:
    data = (DatasetBuilder().org("A", name=hostile).org("B", "informal", name="Org B")
            .collab("A", "B", trust=2, reported_by=hostile)
            .collab("A", "B", trust=5, reported_by="org b").build())
    links = quality.link_quality(data)
    assert links.loc[0, "source_name"] == hostile
    gaps = quality.reciprocity_gaps(data)
    assert (gaps.loc[0, "trust_a"], gaps.loc[0, "trust_b"]) == (2, 5)
    _assert_same(data)
