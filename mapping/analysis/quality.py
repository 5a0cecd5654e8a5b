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

import contextlib
import weakref
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
    """``(id_a, id_b, edge data)`` per collaboration edge, ids sorted, in edge order.

    Walking every edge of a city's graph is most of what the quality tables
    cost, and a page asks for all three tables of the same graph; so the walk
    is kept per graph (weakly: it goes with the graph) and redone when the
    graph's node or edge count changed.
    """
    size = (graph.number_of_nodes(), graph.number_of_edges())
    kept = _EDGES.get(graph)
    if kept is not None and kept[0] == size:
        return kept[1]
    ids = {n: d["id"] for n, d in graph.nodes(data=True) if d.get("type") == g.ORG}
    out = []
    for u, v, data in graph.edges(data=True):
        if data["type"] == g.COLLABORATION:
            a, b = ids[u], ids[v]
            out.append((a, b, data) if a <= b else (b, a, data))
    with contextlib.suppress(TypeError):  # a graph type without weak references: no keeping
        _EDGES[graph] = (size, out)
    return out


_EDGES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
    # All numbers in one C-level pass (itemgetter) and one conversion to a float matrix
    # (None -> NaN): building the frame from row tuples made pandas infer every cell.
    values = np.array(list(map(itemgetter(*fields), (d for _, _, d in edges))),
                      dtype=float).reshape(len(edges), len(fields))
    frame = pd.DataFrame({
        "source": np.array([a for a, _, _ in edges], dtype=object),
        "target": np.array([b for _, b, _ in edges], dtype=object),
        **{field: values[:, i].astype(np.int64) if field.endswith("_n") or field == "raters"
           else values[:, i] for i, field in enumerate(fields)},
    })
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

    Each rating row gets a side code (0 = ``a``, 1 = ``b``) and one
    ``numpy.bincount`` per condition over the keys ``link * 2 + side`` gives
    both sides' sums and counts, so the cost grows with the number of ratings,
    not with links times organisations. On equal gaps (rounded to 9 decimals)
    ``largest_gap`` is the first condition in order, as ``weakest`` does.
    """
    columns = ["a", "b", "a_raters", "b_raters",
               *[f"{c}_{s}" for c in CONDITIONS for s in ("a", "b", "gap")],
               "largest_gap", "few_raters"]
    edges = _collaboration_edges(graph)
    counts = np.array([len(d["ratings"]) for _, _, d in edges], dtype=np.int64)
    if not counts.sum():
        return pd.DataFrame(columns=columns)
    rows = [r for _, _, d in edges for r in d["ratings"]]
    link = np.repeat(np.arange(len(edges)), counts)
    table = np.array(list(map(itemgetter("source", "reported_by", *CONDITIONS), rows)),
                     dtype=object).reshape(len(rows), 2 + len(CONDITIONS))
    side = _side_codes(table[:, 0], table[:, 1], edges, link, _org_names(graph))
    # Sums and counts per (link, side) with bincount: keys link*2 + side (0 = a, 1 = b);
    # rows whose side is neither organisation (code 2) take no part.
    keep = side < 2
    key = link[keep] * 2 + side[keep]
    size = 2 * len(edges)
    raters = np.bincount(key, minlength=size).reshape(-1, 2)
    both = np.flatnonzero((raters[:, 0] > 0) & (raters[:, 1] > 0))
    frame = pd.DataFrame({
        "a": np.array([edges[i][0] for i in both], dtype=object),
        "b": np.array([edges[i][1] for i in both], dtype=object),
        "a_raters": raters[both, 0].astype(np.int64),
        "b_raters": raters[both, 1].astype(np.int64),
    })
    for c in CONDITIONS:
        # Anything but a number (text left in a cell) counts as not rated, as in merge_ratings.
        scores = pd.to_numeric(pd.Series(table[:, 2 + CONDITIONS.index(c)], dtype=object),
                               errors="coerce").to_numpy(dtype=float)[keep]
        rated = ~np.isnan(scores)
        total = np.bincount(key[rated], weights=scores[rated], minlength=size).reshape(-1, 2)
        n = np.bincount(key[rated], minlength=size).reshape(-1, 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        frame[f"{c}_a"] = mean[both, 0]
        frame[f"{c}_b"] = mean[both, 1]
        frame[f"{c}_gap"] = frame[f"{c}_a"] - frame[f"{c}_b"]
    gaps = frame[[f"{c}_gap" for c in CONDITIONS]].abs()
    gaps.columns = list(CONDITIONS)
    largest = pd.Series([None] * len(gaps), index=gaps.index, dtype=object)
    rated_any = gaps.notna().any(axis=1)
    if rated_any.any():
        # Rounded as in _weakest_of: equal gaps summed in another order still tie.
        largest[rated_any] = gaps[rated_any].round(9).idxmax(axis=1)
    frame["largest_gap"] = largest
    frame["few_raters"] = np.minimum(frame["a_raters"], frame["b_raters"]) < MIN_RATERS
    return _as_text(frame[columns], ["a", "b", "largest_gap"])


def _side_codes(source: np.ndarray, reported_by: np.ndarray,
                edges: list[tuple[str, str, dict[str, Any]]], link: np.ndarray,
                names: dict[str, Any]) -> np.ndarray:
    """Per rating row, 0 when side ``a`` of its link gave it, 1 for ``b``, 2 for neither.

    :func:`rating_side` for every row, vectorised: by ``source`` first, then
    overruled where ``reported_by`` names side ``b`` or (taking precedence)
    side ``a`` by id or name, each organisation's id and name folded once.
    """
    a = np.array([e[0] for e in edges], dtype=str)[link]
    b = np.array([e[1] for e in edges], dtype=str)[link]
    src = source.astype(str)
    codes = np.where(src == a, 0, np.where(src == b, 1, 2)).astype(np.int8)
    who = pd.Series(reported_by, dtype=object).where(pd.notna(reported_by), None)
    text = who.astype(_STRING).str.strip().str.casefold().fillna("").to_numpy(dtype=object)
    named = text != ""
    fold_id = {org: org.casefold() for org in names}
    fold_name = {org: str(name or "").strip().casefold() for org, name in names.items()}
    for column, code in ((b, 1), (a, 0)):  # a last: a row naming both sides is a's
        ids = pd.Series(column, dtype=object)
        own_id = ids.map(fold_id).fillna(ids.str.casefold()).to_numpy(dtype=object)
        own_name = ids.map(fold_name).fillna("").to_numpy(dtype=object)
        codes[named & ((text == own_id) | (text == own_name))] = code
    return codes
