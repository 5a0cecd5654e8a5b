"""Collaboration quality on the four conditions (trust, shared goals, role clarity, equality).

Per link (one merged collaboration edge of :func:`mapping.analysis.graph.build_graph`):
the mean of each condition and the number of raters behind it, the weakest
condition, and a ``few_raters`` flag where fewer than :data:`MIN_RATERS`
scores stand behind an average (averages of fewer raters can identify a
respondent where anonymity was promised).

Which side gave a rating
-------------------------
A rating row belongs to the side of the organisation that gave it. That is
the row's ``reported_by`` when it names one of the two organisations of the
pair (by id or by name, ignoring case); otherwise (empty, or a pseudonymised
respondent) it is the row's ``source`` organisation, since the convention of
the survey templates is that the respondent fills in their own organisation as
``source``. Reciprocity gaps compare the two sides' means per condition.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from mapping.analysis import graph as g
from mapping.domain.dataset import CONDITIONS

MIN_RATERS = 3
"""Averages with fewer raters than this are flagged."""


def rating_side(row: dict[str, Any], pair: tuple[str, str], names: dict[str, str]) -> str:
    """The organisation id whose view a rating row gives (see module docstring)."""
    who = row.get("reported_by")
    if who is not None:
        text = str(who).strip().casefold()
        for org in pair:
            if text in (org.casefold(), str(names.get(org, "")).strip().casefold()):
                return org
    return str(row["source"])


def _collaboration_edges(graph: nx.Graph) -> list[tuple[str, str, dict[str, Any]]]:
    """``(id_a, id_b, edge data)`` per collaboration edge, ids sorted, in edge order."""
    ids = {n: d["id"] for n, d in graph.nodes(data=True) if d.get("type") == g.ORG}
    out = []
    for u, v, data in graph.edges(data=True):
        if data["type"] == g.COLLABORATION:
            a, b = ids[u], ids[v]
            out.append((a, b, data) if a <= b else (b, a, data))
    return out


def _org_names(graph: nx.Graph) -> dict[str, Any]:
    return {d["id"]: d.get("name") for _, d in graph.nodes(data=True) if d.get("type") == g.ORG}


def _as_text(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Text columns with pandas' inferred string dtype (missing = NaN), as a row-built frame has."""
    for column in columns:
        frame[column] = frame[column].astype(_STRING)
    return frame


_STRING = pd.StringDtype(na_value=np.nan)


def _weakest_of(means: pd.DataFrame) -> pd.Series:
    """Per row, the condition with the lowest mean (first in order on ties), else ``None``."""
    rated = means.notna().any(axis=1)
    result = pd.Series([None] * len(means), index=means.index, dtype=object)
    if rated.any():
        # idxmin skips NaN and returns the first minimum, as ``weakest`` does. Rounding
        # first: means summed in another order differ in the last bit, and a tie between
        # two conditions must still go to the first of them.
        result[rated] = means[rated].astype(float).round(9).idxmin(axis=1)
    return result


def link_quality(graph: nx.Graph) -> pd.DataFrame:
    """One row per collaboration: condition means, rater counts, weakest condition.

    Columns: ``source``, ``target`` (organisation ids, sorted pair),
    ``source_name``, ``target_name``, per condition ``<c>`` (mean or NaN) and
    ``<c>_n``, ``raters``, ``quality``, ``weakest`` (condition with the lowest
    mean, ``None`` when unrated) and ``few_raters`` (some rated condition has
    fewer than :data:`MIN_RATERS` scores).
    """
    edges = _collaboration_edges(graph)
    names = _org_names(graph)
    fields = [x for c in CONDITIONS for x in (c, f"{c}_n")] + ["raters", "quality"]
    pick = itemgetter(*fields)
    # One tuple per edge into the frame constructor: None becomes NaN in the score columns.
    frame = pd.DataFrame([(a, b, *pick(d)) for a, b, d in edges],
                         columns=["source", "target", *fields])
    for field in fields:
        frame[field] = frame[field].astype(np.int64 if field.endswith("_n") or
                                           field == "raters" else float)
    frame["source_name"] = frame["source"].map(names)
    frame["target_name"] = frame["target"].map(names)
    frame["weakest"] = _weakest_of(frame[list(CONDITIONS)])
    counts = frame[[f"{c}_n" for c in CONDITIONS]].to_numpy()
    frame["few_raters"] = ((counts > 0) & (counts < MIN_RATERS)).any(axis=1)
    columns = ["source", "target", "source_name", "target_name",
               *[x for c in CONDITIONS for x in (c, f"{c}_n")],
               "raters", "quality", "weakest", "few_raters"]
    return _as_text(frame[columns], ["source", "target", "source_name", "target_name",
                                     "weakest"])


def weakest(edge: dict[str, Any]) -> str | None:
    """The condition with the lowest mean on an edge (first in order on ties)."""
    # Rounded as in _weakest_of: decimal scores (3.1 + 3.2 vs 3.3 + 3.0) tie exactly.
    rated = [(round(edge[c], 9), i, c) for i, c in enumerate(CONDITIONS)
             if edge.get(c) is not None]
    return min(rated)[2] if rated else None


def organisation_profile(graph: nx.Graph, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per organisation: the mean of each condition over its links' means.

    Columns: ``id``, ``name``, ``links`` (collaborations), ``rated_links``,
    per condition the mean, ``quality`` and ``weakest``.

    ``links`` is :func:`link_quality` of the same graph when the caller has it
    already. One groupby over both ends of every link: no per-organisation mask
    (that was O(organisations x links), 15 s at a 1x city).
    """
    links = link_quality(graph) if links is None else links
    values = ["quality", *CONDITIONS]
    ends = pd.concat([
        links[["source", *values]].rename(columns={"source": "id"}),
        # A self-collaboration is one link of that organisation, not two.
        links.loc[links["source"] != links["target"], ["target", *values]]
        .rename(columns={"target": "id"}),
    ], ignore_index=True)
    by_org = ends.groupby("id", sort=False)
    stats = pd.DataFrame({"links": by_org.size(), "rated_links": by_org["quality"].count()})
    stats = stats.join(by_org[list(CONDITIONS)].mean())
    orgs = [(d["id"], d.get("name")) for _, d in graph.nodes(data=True)
            if d.get("type") == g.ORG]
    frame = pd.DataFrame(orgs, columns=["id", "name"], dtype=object)
    frame = frame.join(stats, on="id")
    frame["links"] = frame["links"].fillna(0).astype(np.int64)
    frame["rated_links"] = frame["rated_links"].fillna(0).astype(np.int64)
    means = frame[list(CONDITIONS)].astype(float)
    frame[list(CONDITIONS)] = means
    frame["quality"] = means.mean(axis=1, skipna=True)
    frame["weakest"] = _weakest_of(means)
    return _as_text(frame[["id", "name", "links", "rated_links", *CONDITIONS, "quality",
                           "weakest"]], ["id", "name", "weakest"])


def reciprocity_gaps(graph: nx.Graph) -> pd.DataFrame:
    """Links rated from both sides: per condition side-``a`` mean minus side-``b`` mean.

    Columns: ``a``, ``b`` (sorted ids), ``a_raters``, ``b_raters``, per
    condition ``<c>_a``, ``<c>_b``, ``<c>_gap`` (NaN when a side did not rate
    it), ``largest_gap`` (condition with the largest absolute gap) and
    ``few_raters``.

    The rating rows of every link go into one table and one groupby by
    (link, side) gives both sides' means, so the cost grows with the number of
    ratings, not with links times organisations.
    """
    columns = ["a", "b", "a_raters", "b_raters",
               *[f"{c}_{s}" for c in CONDITIONS for s in ("a", "b", "gap")],
               "largest_gap", "few_raters"]
    ratings = _rating_rows(graph)
    if ratings.empty:
        return pd.DataFrame(columns=columns)
    ratings["side"] = _sides(ratings)
    by_side = ratings.groupby(["link", "side"], sort=False)
    means = by_side[list(CONDITIONS)].mean()
    means["raters"] = by_side.size()
    means = means.reset_index()
    links = ratings.drop_duplicates("link")[["link", "a", "b"]]
    side_a = means.merge(links, on="link").query("side == a").set_index("link")
    side_b = means.merge(links, on="link").query("side == b").set_index("link")
    both = links.set_index("link").join(side_a.add_suffix("_a"), how="inner")
    both = both.join(side_b.add_suffix("_b"), how="inner").sort_index()
    frame = both[["a", "b"]].copy()
    frame["a_raters"] = both["raters_a"].astype(np.int64)
    frame["b_raters"] = both["raters_b"].astype(np.int64)
    for c in CONDITIONS:
        frame[f"{c}_a"] = both[f"{c}_a"].astype(float)
        frame[f"{c}_b"] = both[f"{c}_b"].astype(float)
        frame[f"{c}_gap"] = frame[f"{c}_a"] - frame[f"{c}_b"]
    gaps = frame[[f"{c}_gap" for c in CONDITIONS]].abs()
    gaps.columns = list(CONDITIONS)
    largest = pd.Series([None] * len(gaps), index=gaps.index, dtype=object)
    rated = gaps.notna().any(axis=1)
    if rated.any():
        largest[rated] = gaps[rated].idxmax(axis=1)
    frame["largest_gap"] = largest
    frame["few_raters"] = np.minimum(frame["a_raters"], frame["b_raters"]) < MIN_RATERS
    return _as_text(frame.reset_index(drop=True)[columns], ["a", "b", "largest_gap"])


def _rating_rows(graph: nx.Graph) -> pd.DataFrame:
    """One row per rating: link number, sorted pair, names, source, reported_by, scores."""
    names = _org_names(graph)
    pick = itemgetter("source", "reported_by", *CONDITIONS)
    rows = [(i, a, b, *pick(r))
            for i, (a, b, data) in enumerate(_collaboration_edges(graph))
            for r in data["ratings"]]
    frame = pd.DataFrame(rows, columns=["link", "a", "b", "source", "reported_by",
                                        *CONDITIONS])
    for c in CONDITIONS:
        # Anything but a number (text left in a cell) counts as not rated, as in merge_ratings.
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    frame["a_name"] = frame["a"].map(names)
    frame["b_name"] = frame["b"].map(names)
    return frame


def _fold(series: pd.Series) -> pd.Series:
    """Stripped, case-folded text; missing stays missing."""
    return series.astype(_STRING).str.strip().str.casefold()


def _sides(ratings: pd.DataFrame) -> np.ndarray:
    """:func:`rating_side` for every rating row at once."""
    who = _fold(ratings["reported_by"])
    has = who.notna().to_numpy()
    who = who.fillna("").to_numpy(dtype=object)

    def matches(side: str) -> np.ndarray:
        ids = _fold(ratings[side]).to_numpy(dtype=object)
        names = _fold(ratings[f"{side}_name"]).fillna("").to_numpy(dtype=object)
        return has & ((who == ids) | (who == names))

    is_a = matches("a")
    is_b = ~is_a & matches("b")
    return np.select([is_a, is_b], [ratings["a"].to_numpy(dtype=object),
                                    ratings["b"].to_numpy(dtype=object)],
                     default=ratings["source"].astype(str).to_numpy(dtype=object))
