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
import functools
import weakref
from collections.abc import Callable
from operator import itemgetter
from typing import Any, ParamSpec, TypeVar

import networkx as nx
import numpy as np
import pandas as pd

from mapping.analysis import graph as g
from mapping.domain.dataset import CONDITIONS

P = ParamSpec("P")
T = TypeVar("T")

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


class _Links:
    """The collaboration edges of one graph as arrays, walked once (see :func:`_links`).

    Organisations are numbered in node order (``ids``, ``names``); per link ``a``
    and ``b`` are the numbers of its two organisations with ``ids[a] <= ids[b]``,
    ``data`` its edge attributes; per rating row ``link`` is the row number of its
    link and ``rows`` the row itself.
    """

    def __init__(self, graph: nx.Graph) -> None:
        index: dict[Any, int] = {}
        ids: list[str] = []
        names: list[Any] = []
        a: list[int] = []
        b: list[int] = []
        data: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        counts: list[int] = []
        # One walk over the organisations' adjacency. The cyclic collector is paused:
        # the lists below grow by hundreds of thousands of entries, and every collection
        # it would start meanwhile rescans all of the graph's attribute dicts.
        with g.gc_paused():
            for node, d in graph.nodes(data=True):
                if d.get("type") == g.ORG:
                    index[node] = len(ids)
                    ids.append(d["id"])
                    names.append(d.get("name"))
            # networkx's own adjacency dicts: its edge view costs three times as much per
            # edge and walks the reach links too. Same order as ``graph.edges``: nodes in
            # order, each link once, from the end visited first.
            adjacency = graph._adj
            done: set[Any] = set()
            for u in index:
                for v, d in adjacency[u].items():
                    if v not in done and d["type"] == g.COLLABORATION:
                        a.append(index[u])
                        b.append(index[v])
                        data.append(d)
                        ratings = d["ratings"]
                        rows.extend(ratings)
                        counts.append(len(ratings))
                done.add(u)
        self.rows = rows
        self.ids = np.array(ids, dtype=object)
        self.names = names
        first = np.array(a, dtype=np.int64)
        second = np.array(b, dtype=np.int64)
        swap = self.ids[first] > self.ids[second] if len(data) else np.zeros(0, dtype=bool)
        self.a = np.where(swap, second, first)
        self.b = np.where(swap, first, second)
        self.data = data
        self.link = np.repeat(np.arange(len(data)), np.array(counts, dtype=np.int64))
        self.text_ids = pd.array(self.ids, dtype=_STRING)
        self.text_names = pd.array(np.array(names, dtype=object), dtype=_STRING)


def _links(graph: nx.Graph) -> _Links:
    """:class:`_Links` of ``graph``, kept per graph.

    Walking every edge of a city's graph is most of what the quality tables
    cost, and a page asks for all three tables of the same graph; so the walk
    is kept per graph (weakly: it goes with the graph) and redone when the
    graph's node or edge count changed.
    """
    size = (graph.number_of_nodes(), graph.number_of_edges())
    kept = _EDGES.get(graph)
    if kept is not None and kept[0] == size:
        return kept[1]
    found = _Links(graph)
    with contextlib.suppress(TypeError):  # a graph type without weak references: no keeping
        _EDGES[graph] = (size, found)
    return found


_EDGES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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


_STRING = pd.StringDtype(na_value=np.nan)


def _weakest_of(means: pd.DataFrame) -> pd.Series:
    """Per row, the column with the lowest mean (first in order on ties), else ``None``."""
    return _first_extreme(means, lowest=True)


def _first_extreme(values: pd.DataFrame, lowest: bool) -> pd.Series:
    """Per row, the column name of the lowest (or highest) value, NaN skipped, else ``None``.

    One ``argmin`` over the float matrix; it returns the first extreme, so a tie goes
    to the first column, as :func:`weakest` does. Rounded first: means summed in
    another order differ in the last bit, and such a tie must still go to the first.
    """
    matrix = values.to_numpy(dtype=float).round(9)
    missing = np.isnan(matrix)
    filled = np.where(missing, np.inf if lowest else -np.inf, matrix)
    pick = filled.argmin(axis=1) if lowest else filled.argmax(axis=1)
    names = np.array(list(values.columns), dtype=object)
    found = np.where(missing.all(axis=1), None, names[pick]) if len(matrix) else names[:0]
    return pd.Series(found, index=values.index, dtype=object)


@_gc_paused
def link_quality(graph: nx.Graph) -> pd.DataFrame:
    """One row per collaboration: condition means, rater counts, weakest condition.

    Columns: ``source``, ``target`` (organisation ids, sorted pair),
    ``source_name``, ``target_name``, per condition ``<c>`` (mean or NaN) and
    ``<c>_n``, ``raters``, ``quality``, ``weakest`` (condition with the lowest
    mean, ``None`` when unrated) and ``few_raters`` (some rated condition has
    fewer than :data:`MIN_RATERS` scores).
    """
    found = _links(graph)
    fields = [x for c in CONDITIONS for x in (c, f"{c}_n")] + ["raters", "quality"]
    # All numbers in one C-level pass (itemgetter) and one conversion to a float matrix
    # (None -> NaN): building the frame from row tuples made pandas infer every cell.
    values = np.array(list(map(itemgetter(*fields), found.data)),
                      dtype=float).reshape(len(found.data), len(fields))
    # Text columns are taken from the organisations' (already converted) id and name
    # arrays by number: converting 4 x links Python strings was a third of the time.
    frame = pd.DataFrame({
        "source": found.text_ids.take(found.a),
        "target": found.text_ids.take(found.b),
        "source_name": found.text_names.take(found.a),
        "target_name": found.text_names.take(found.b),
        **{field: values[:, i].astype(np.int64) if field.endswith("_n") or field == "raters"
           else values[:, i] for i, field in enumerate(fields)},
    })
    frame["weakest"] = _weakest_of(frame[list(CONDITIONS)])
    counts = frame[[f"{c}_n" for c in CONDITIONS]].to_numpy()
    frame["few_raters"] = ((counts > 0) & (counts < MIN_RATERS)).any(axis=1)
    columns = ["source", "target", "source_name", "target_name",
               *[x for c in CONDITIONS for x in (c, f"{c}_n")],
               "raters", "quality", "weakest", "few_raters"]
    return _as_text(frame[columns], ["weakest"])


def weakest(edge: dict[str, Any]) -> str | None:
    """The condition with the lowest mean on an edge (first in order on ties)."""
    # Rounded as in _weakest_of: decimal scores (3.1 + 3.2 vs 3.3 + 3.0) tie exactly.
    rated = [(round(edge[c], 9), i, c) for i, c in enumerate(CONDITIONS)
             if edge.get(c) is not None]
    return min(rated)[2] if rated else None


@_gc_paused
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


@_gc_paused
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
    found = _links(graph)
    if not len(found.rows):
        return pd.DataFrame(columns=columns)
    rows = found.rows
    link = found.link
    source = np.array([r["source"] for r in rows], dtype=object)
    reported_by = np.array([r.get("reported_by") for r in rows], dtype=object)
    scores = _scores(rows)
    side = _side_codes(source, reported_by, found)
    # Sums and counts per (link, side) with bincount: keys link*2 + side (0 = a, 1 = b);
    # rows whose side is neither organisation (code 2) take no part.
    keep = side < 2
    key = link[keep] * 2 + side[keep]
    size = 2 * len(found.data)
    raters = np.bincount(key, minlength=size).reshape(-1, 2)
    both = np.flatnonzero((raters[:, 0] > 0) & (raters[:, 1] > 0))
    frame = pd.DataFrame({
        "a": found.text_ids.take(found.a[both]),
        "b": found.text_ids.take(found.b[both]),
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


def _scores(rows: list[dict[str, Any]]) -> np.ndarray:
    """The four condition scores of every rating row as a float matrix (not rated = NaN).

    One conversion of all rows at once; only when some cell holds text is each
    column converted on its own, where anything but a number counts as not
    rated, as in :func:`mapping.analysis.graph.merge_ratings`.
    """
    cells = list(map(itemgetter(*CONDITIONS), rows))
    try:
        return np.array(cells, dtype=float).reshape(len(rows), len(CONDITIONS))
    except (TypeError, ValueError):
        table = np.array(cells, dtype=object).reshape(len(rows), len(CONDITIONS))
        return np.column_stack([
            pd.to_numeric(pd.Series(table[:, i], dtype=object), errors="coerce")
            .to_numpy(dtype=float) for i in range(len(CONDITIONS))])


def _side_codes(source: np.ndarray, reported_by: np.ndarray, found: _Links) -> np.ndarray:
    """Per rating row, 0 when side ``a`` of its link gave it, 1 for ``b``, 2 for neither.

    :func:`rating_side` for every row, vectorised: by ``source`` first, then
    overruled where ``reported_by`` names side ``b`` or (taking precedence)
    side ``a`` by id or name. Every text (source, folded ``reported_by``, folded
    ids and names) becomes a number in one shared table, so each comparison is
    one between integer arrays, not between strings.
    """
    a = found.a[found.link]
    b = found.b[found.link]
    src = pd.Index(found.ids).get_indexer(pd.Series(source, dtype=object).astype(str))
    codes = np.where(src == a, 0, np.where(src == b, 1, 2)).astype(np.int8)
    who = pd.Series(reported_by, dtype=object).where(pd.notna(reported_by), None)
    text = who.astype(_STRING).str.strip().str.casefold().fillna("")
    fold_id = pd.Series(found.text_ids).str.casefold()
    fold_name = pd.Series(found.text_names).fillna("").str.strip().str.casefold()
    # One numbering of all folded texts; "" (no reported_by, or no name) never matches.
    _, uniques = pd.factorize(pd.concat([fold_id, fold_name, text], ignore_index=True))
    table = pd.Index(uniques)
    text_code = table.get_indexer(text)
    id_code = table.get_indexer(fold_id)
    name_code = table.get_indexer(fold_name)
    named = (text != "").to_numpy()
    for column, code in ((b, 1), (a, 0)):  # a last: a row naming both sides is a's
        match = (text_code == id_code[column]) | (text_code == name_code[column])
        codes[named & match] = code
    return codes
