"""Collaboration quality on the four conditions (trust, shared goals, role clarity, equality).

Per link (one merged collaboration edge of :func:`mapping.graph.build_graph`):
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

import math
from typing import Any

import networkx as nx
import pandas as pd

from mapping import graph as g
from mapping.dataset import CONDITIONS

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


def link_quality(graph: nx.Graph) -> pd.DataFrame:
    """One row per collaboration: condition means, rater counts, weakest condition.

    Columns: ``source``, ``target`` (organisation ids, sorted pair),
    ``source_name``, ``target_name``, per condition ``<c>`` (mean or NaN) and
    ``<c>_n``, ``raters``, ``quality``, ``weakest`` (condition with the lowest
    mean, ``None`` when unrated) and ``few_raters`` (some rated condition has
    fewer than :data:`MIN_RATERS` scores).
    """
    rows = []
    for u, v, data in graph.edges(data=True):
        if data["type"] != g.COLLABORATION:
            continue
        a, b = sorted((graph.nodes[u]["id"], graph.nodes[v]["id"]))
        row: dict[str, Any] = {"source": a, "target": b,
                               "source_name": graph.nodes[g.org_node(a)].get("name"),
                               "target_name": graph.nodes[g.org_node(b)].get("name")}
        for c in CONDITIONS:
            row[c] = math.nan if data[c] is None else data[c]
            row[f"{c}_n"] = data[f"{c}_n"]
        row["raters"] = data["raters"]
        row["quality"] = math.nan if data["quality"] is None else data["quality"]
        row["weakest"] = weakest(data)
        row["few_raters"] = any(0 < data[f"{c}_n"] < MIN_RATERS for c in CONDITIONS)
        rows.append(row)
    columns = ["source", "target", "source_name", "target_name",
               *[x for c in CONDITIONS for x in (c, f"{c}_n")],
               "raters", "quality", "weakest", "few_raters"]
    return pd.DataFrame(rows, columns=columns)


def weakest(edge: dict[str, Any]) -> str | None:
    """The condition with the lowest mean on an edge (first in order on ties)."""
    rated = [(edge[c], i, c) for i, c in enumerate(CONDITIONS) if edge.get(c) is not None]
    return min(rated)[2] if rated else None


def organisation_profile(graph: nx.Graph) -> pd.DataFrame:
    """Per organisation: the mean of each condition over its links' means.

    Columns: ``id``, ``name``, ``links`` (collaborations), ``rated_links``,
    per condition the mean, ``quality`` and ``weakest``.
    """
    links = link_quality(graph)
    rows = []
    for _node, data in graph.nodes(data=True):
        if data.get("type") != g.ORG:
            continue
        mine = links[(links["source"] == data["id"]) | (links["target"] == data["id"])]
        row: dict[str, Any] = {"id": data["id"], "name": data.get("name"), "links": len(mine),
                               "rated_links": int(mine["quality"].notna().sum())}
        for c in CONDITIONS:
            row[c] = float(mine[c].mean()) if mine[c].notna().any() else math.nan
        means = {c: row[c] for c in CONDITIONS if not math.isnan(row[c])}
        row["quality"] = sum(means.values()) / len(means) if means else math.nan
        row["weakest"] = weakest({c: means.get(c) for c in CONDITIONS})
        rows.append(row)
    return pd.DataFrame(rows, columns=["id", "name", "links", "rated_links", *CONDITIONS,
                                       "quality", "weakest"])


def reciprocity_gaps(graph: nx.Graph) -> pd.DataFrame:
    """Links rated from both sides: per condition side-``a`` mean minus side-``b`` mean.

    Columns: ``a``, ``b`` (sorted ids), ``a_raters``, ``b_raters``, per
    condition ``<c>_a``, ``<c>_b``, ``<c>_gap`` (NaN when a side did not rate
    it), ``largest_gap`` (condition with the largest absolute gap) and
    ``few_raters``.
    """
    names = {d["id"]: d.get("name") for _, d in graph.nodes(data=True) if d.get("type") == g.ORG}
    rows = [row for u, v, data in graph.edges(data=True)
            if data["type"] == g.COLLABORATION
            and (row := _reciprocity_row(graph, u, v, data, names)) is not None]
    columns = ["a", "b", "a_raters", "b_raters",
               *[f"{c}_{s}" for c in CONDITIONS for s in ("a", "b", "gap")],
               "largest_gap", "few_raters"]
    return pd.DataFrame(rows, columns=columns)


def _reciprocity_row(graph: nx.Graph, u: str, v: str, data: dict[str, Any],
                     names: dict[str, str]) -> dict[str, Any] | None:
    pair = tuple(sorted((graph.nodes[u]["id"], graph.nodes[v]["id"])))
    sides: dict[str, list[dict[str, Any]]] = {pair[0]: [], pair[1]: []}
    for rating in data["ratings"]:
        side = rating_side(rating, pair, names)
        if side in sides:
            sides[side].append(rating)
    if not sides[pair[0]] or not sides[pair[1]]:
        return None
    row: dict[str, Any] = {"a": pair[0], "b": pair[1], "a_raters": len(sides[pair[0]]),
                           "b_raters": len(sides[pair[1]])}
    gaps = {}
    for c in CONDITIONS:
        for label, org in (("a", pair[0]), ("b", pair[1])):
            scores = [r[c] for r in sides[org] if g._is_number(r.get(c))]
            row[f"{c}_{label}"] = sum(scores) / len(scores) if scores else math.nan
        row[f"{c}_gap"] = row[f"{c}_a"] - row[f"{c}_b"]
        if not math.isnan(row[f"{c}_gap"]):
            gaps[c] = abs(row[f"{c}_gap"])
    row["largest_gap"] = max(gaps, key=gaps.__getitem__) if gaps else None
    row["few_raters"] = min(row["a_raters"], row["b_raters"]) < MIN_RATERS
    return row
