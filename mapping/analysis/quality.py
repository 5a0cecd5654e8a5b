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

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import networkx as nx
import numpy as np
import pandas as pd

from mapping.analysis import graph as g
from mapping.analysis.quality_links import (
    LINK_FIELDS,
    LinkTable,
    from_dataset,
    from_graph,
    link_table,
)
from mapping.analysis.quality_links import STRING as _STRING
from mapping.domain.dataset import CONDITIONS, Dataset

__all__ = ["MIN_RATERS", "LinkTable", "from_dataset", "from_graph", "link_quality",
           "link_table", "organisation_profile", "rating_side", "reciprocity_gaps", "weakest"]

P = ParamSpec("P")
T = TypeVar("T")

Source = nx.Graph | Dataset | LinkTable
"""What the tables are computed from: a dataset (its tables, no graph), a graph, or a link table."""

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


def _gc_paused(fn: Callable[P, T]) -> Callable[P, T]:
    """Run ``fn`` with the cyclic garbage collector paused.

    The tables create a few tuples per link; with a city's graph alive, every
    collection those allocations trigger rescans all of its attribute dicts, which
    took more time than the tables themselves. Nothing made here is cyclic garbage.
    """
    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with g.gc_paused():
            return fn(*args, **kwargs)
    return paused


def _as_text(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Text columns with pandas' inferred string dtype (missing = NaN), as a row-built frame has."""
    for column in columns:
        frame[column] = frame[column].astype(_STRING)
    return frame


def _weakest_of(means: pd.DataFrame) -> pd.Series:
    """Per row, the column with the lowest mean (first in order on ties), else ``None``."""
    return _first_extreme(means, lowest=True)


def _first_extreme(values: pd.DataFrame, lowest: bool) -> pd.Series:
    """Per row, the column name of the lowest (or highest) value, NaN skipped, else ``None``.

    The first column holding the extreme of its row, so a tie goes to the first
    column, as :func:`weakest` does. Rounded first: means summed in another order
    differ in the last bit, and such a tie must still go to the first. (Rounding
    takes a number beyond about 1e299 to infinity, so the extreme is taken among
    the given values only: a missing one, filled with infinity, never ties with it.)
    """
    with np.errstate(over="ignore", invalid="ignore"):
        matrix = values.to_numpy(dtype=float).round(9)
    missing = np.isnan(matrix)
    filled = np.where(missing, np.inf if lowest else -np.inf, matrix)
    extreme = filled.min(axis=1) if lowest else filled.max(axis=1)
    pick = ((filled == extreme[:, None]) & ~missing).argmax(axis=1)
    names = np.array(list(values.columns), dtype=object)
    found = np.where(missing.all(axis=1), None, names[pick]) if len(matrix) else names[:0]
    return pd.Series(found, index=values.index, dtype=object)


@_gc_paused
def link_quality(data: Source) -> pd.DataFrame:
    """One row per collaboration: condition means, rater counts, weakest condition.

    ``data`` is the dataset (the quality is computed from its tables, no graph
    needed), a graph of :func:`~mapping.analysis.graph.build_graph`, or a
    :class:`~mapping.analysis.quality_links.LinkTable`; the rows are in the
    graph's edge order either way.

    Columns: ``source``, ``target`` (organisation ids, sorted pair),
    ``source_name``, ``target_name``, per condition ``<c>`` (mean or NaN) and
    ``<c>_n``, ``raters``, ``quality``, ``weakest`` (condition with the lowest
    mean, ``None`` when unrated) and ``few_raters`` (some rated condition has
    fewer than :data:`MIN_RATERS` scores).
    """
    table = link_table(data)
    links = table.links
    a, b = links["a"].to_numpy(), links["b"].to_numpy()
    # Text columns are taken from the organisations' (already converted) id and name
    # arrays by number: converting 4 x links Python strings was a third of the time.
    frame = pd.DataFrame({
        "source": table.text_ids.take(a),
        "target": table.text_ids.take(b),
        "source_name": table.text_names.take(a),
        "target_name": table.text_names.take(b),
        **{field: links[field].to_numpy() for field in LINK_FIELDS},
    })
    frame["weakest"] = _weakest_of(frame[list(CONDITIONS)])
    counts = frame[[f"{c}_n" for c in CONDITIONS]].to_numpy()
    frame["few_raters"] = ((counts > 0) & (counts < MIN_RATERS)).any(axis=1)
    columns = ["source", "target", "source_name", "target_name", *LINK_FIELDS,
               "weakest", "few_raters"]
    return _as_text(frame[columns], ["weakest"])


def weakest(edge: dict[str, Any]) -> str | None:
    """The condition with the lowest mean on an edge (first in order on ties)."""
    # Rounded as in _weakest_of: decimal scores (3.1 + 3.2 vs 3.3 + 3.0) tie exactly.
    rated = [(round(edge[c], 9), i, c) for i, c in enumerate(CONDITIONS)
             if edge.get(c) is not None]
    return min(rated)[2] if rated else None


@_gc_paused
def organisation_profile(data: Source, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per organisation: the mean of each condition over its links' means.

    Columns: ``id``, ``name``, ``links`` (collaborations), ``rated_links``,
    per condition the mean, ``quality`` and ``weakest``.

    ``data`` as for :func:`link_quality`; ``links`` is :func:`link_quality`
    of the same data when the caller has it already. One groupby over both
    ends of every link: no per-organisation mask (that was O(organisations x
    links), 15 s at a 1x city).
    """
    table = link_table(data)
    links = link_quality(table) if links is None else links
    # Every id as a number: one factorize of the organisations' ids and both ends of the
    # links (grouping and joining by number is several times faster than by text).
    codes, _ = pd.factorize(pd.concat([pd.Series(table.text_ids), links["source"],
                                       links["target"]], ignore_index=True))
    own, source, target = np.split(codes, [len(table.ids), len(table.ids) + len(links)])
    values = ["quality", *CONDITIONS]
    ends = pd.concat([
        links[values].assign(id=source),
        # A self-collaboration is one link of that organisation, not two.
        links.loc[source != target, values].assign(id=target[source != target]),
    ], ignore_index=True)
    by_org = ends[ends["id"] >= 0].groupby("id", sort=False)  # -1: no id
    stats = pd.DataFrame({"links": by_org.size(), "rated_links": by_org["quality"].count()})
    stats = stats.join(by_org[list(CONDITIONS)].mean()).reindex(own)
    frame = pd.DataFrame({"id": table.ids, "name": table.names}, dtype=object)
    for column in stats.columns:
        frame[column] = stats[column].to_numpy()
    frame["links"] = frame["links"].fillna(0).astype(np.int64)
    frame["rated_links"] = frame["rated_links"].fillna(0).astype(np.int64)
    means = frame[list(CONDITIONS)].astype(float)
    frame[list(CONDITIONS)] = means
    frame["quality"] = means.mean(axis=1, skipna=True)
    frame["weakest"] = _weakest_of(means)
    return _as_text(frame[["id", "name", "links", "rated_links", *CONDITIONS, "quality",
                           "weakest"]], ["id", "name", "weakest"])


@_gc_paused
def reciprocity_gaps(data: Source) -> pd.DataFrame:
    """Links rated from both sides: per condition side-``a`` mean minus side-``b`` mean.

    Columns: ``a``, ``b`` (sorted ids), ``a_raters``, ``b_raters``, per
    condition ``<c>_a``, ``<c>_b``, ``<c>_gap`` (NaN when a side did not rate
    it), ``largest_gap`` (condition with the largest absolute gap) and
    ``few_raters``.

    ``data`` as for :func:`link_quality`. Each rating row gets a side code
    (0 = ``a``, 1 = ``b``) and one ``numpy.bincount`` per condition over the
    keys ``link * 2 + side`` gives both sides' sums and counts, so the cost
    grows with the number of ratings, not with links times organisations. On
    equal gaps (rounded to 9 decimals) ``largest_gap`` is the first condition
    in order, as ``weakest`` does.
    """
    columns = ["a", "b", "a_raters", "b_raters",
               *[f"{c}_{s}" for c in CONDITIONS for s in ("a", "b", "gap")],
               "largest_gap", "few_raters"]
    table = link_table(data)
    rows = table.ratings
    if not len(rows):
        return pd.DataFrame(columns=columns)
    link = rows["link"].to_numpy()
    scores = rows[list(CONDITIONS)].to_numpy(dtype=float)
    side = _side_codes(table)
    # Sums and counts per (link, side) with bincount: keys link*2 + side (0 = a, 1 = b);
    # rows whose side is neither organisation (code 2) take no part.
    keep = side < 2
    key = link[keep] * 2 + side[keep]
    size = 2 * len(table.links)
    raters = np.bincount(key, minlength=size).reshape(-1, 2)
    both = np.flatnonzero((raters[:, 0] > 0) & (raters[:, 1] > 0))
    frame = pd.DataFrame({
        "a": table.text_ids.take(table.links["a"].to_numpy()[both]),
        "b": table.text_ids.take(table.links["b"].to_numpy()[both]),
        "a_raters": raters[both, 0].astype(np.int64),
        "b_raters": raters[both, 1].astype(np.int64),
    })
    for c in CONDITIONS:
        column = scores[keep, CONDITIONS.index(c)]
        rated = ~np.isnan(column)
        total = np.bincount(key[rated], weights=column[rated], minlength=size).reshape(-1, 2)
        n = np.bincount(key[rated], minlength=size).reshape(-1, 2)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        frame[f"{c}_a"] = mean[both, 0]
        frame[f"{c}_b"] = mean[both, 1]
        frame[f"{c}_gap"] = frame[f"{c}_a"] - frame[f"{c}_b"]
    gaps = frame[[f"{c}_gap" for c in CONDITIONS]].abs()
    gaps.columns = list(CONDITIONS)
    # Rounded as in _weakest_of: equal gaps summed in another order still tie.
    frame["largest_gap"] = _first_extreme(gaps, lowest=False)
    frame["few_raters"] = np.minimum(frame["a_raters"], frame["b_raters"]) < MIN_RATERS
    return _as_text(frame[columns], ["largest_gap"])


def _side_codes(table: LinkTable) -> np.ndarray:
    """Per rating row, 0 when side ``a`` of its link gave it, 1 for ``b``, 2 for neither.

    :func:`rating_side` for every row, vectorised: by ``source`` first, then
    overruled where ``reported_by`` names side ``b`` or (taking precedence)
    side ``a`` by id or name. The ids and names are folded once per
    organisation and taken to the rows by number, so each comparison is one of
    two string arrays, element by element.
    """
    rows = table.ratings
    link = rows["link"].to_numpy()
    a = table.links["a"].to_numpy()[link]
    b = table.links["b"].to_numpy()[link]
    src = rows["source"].to_numpy()
    codes = np.where(src == a, 0, np.where(src == b, 1, 2)).astype(np.int8)
    text = rows["reported_by"].str.strip().str.casefold().fillna("").array
    fold_id = pd.Series(table.text_ids).str.casefold().array
    fold_name = pd.Series(table.text_names).fillna("").str.strip().str.casefold().array
    # "" (no reported_by) names nobody, also an organisation without a name.
    named = np.asarray(text != "")
    for column, code in ((b, 1), (a, 0)):  # a last: a row naming both sides is a's
        # Each row's text against its own link's two ends: compared in C, text by text.
        match = np.asarray(text == fold_id.take(column)) | np.asarray(
            text == fold_name.take(column))
        codes[named & match] = code
    return codes
