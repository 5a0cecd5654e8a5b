"""The input of the collaboration-quality rules: organisations, links and rating rows as arrays.

Every table of :mod:`mapping.analysis.quality` is computed from one
:class:`LinkTable`. There are two ways to get one, and both give the same
table for the same data:

* :func:`from_dataset`, straight from the dataset's collaborations table with
  numpy and pandas: rows become pairs through integer codes, each condition's
  sum and count per pair is one ``numpy.bincount``. No graph is built and no
  Python code runs per link or per organisation. The pages, the exports, the
  PDF and the wave comparison use this path.
* :func:`from_graph`, the adapter for a caller that holds only a networkx
  graph of :func:`mapping.analysis.graph.build_graph`: one walk over the
  organisations' adjacency reads the merged edge attributes and the rating rows.

*The same* table, not merely an equal one: organisations in the graph's node
order (the organisations table's, first row of an id), links in the graph's
edge order (by the earlier organisation of the pair, then by the pair's first
row), and each condition mean summed row after row from zero as
:func:`~mapping.analysis.graph.merge_ratings` sums it, so every float is the
same bit for bit (``tests/analysis/test_quality_tables.py`` compares the paths).
"""

from __future__ import annotations

import contextlib
import functools
import weakref
from operator import itemgetter
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from mapping.analysis import graph as g
from mapping.domain.dataset import CONDITIONS, Dataset

STRING = pd.StringDtype(na_value=np.nan)
"""pandas' inferred string dtype (missing = NaN): the dtype of every text column of the tables."""

LINK_FIELDS: tuple[str, ...] = (*(x for c in CONDITIONS for x in (c, f"{c}_n")),
                                "raters", "quality")
"""The number columns of :attr:`LinkTable.links` after ``a`` and ``b``."""


class LinkTable:
    """Organisations, collaboration links and rating rows of one district.

    Attributes
    ----------
    ids, names
        The organisations' ids and names (``None`` where missing), object
        arrays in the graph's node order; an organisation's *number* is its
        position here.
    links
        One row per link (an organisation pair with at least one collaboration
        row), in the graph's edge order: ``a`` and ``b`` (int64 numbers of its
        organisations, ``ids[a] <= ids[b]``), per condition the mean ``<c>``
        (float, NaN when unrated) and the score count ``<c>_n`` (int64),
        ``raters`` (rows behind the link, int64) and ``quality`` (mean of the
        rated condition means, NaN when none was rated).
    ratings
        One row per collaboration row of a link: ``link`` (row number in
        ``links``), ``source`` (the number of the row's source organisation,
        -1 for none), ``reported_by`` (text, NaN when empty) and the four
        scores as floats (NaN: not rated).
    """

    def __init__(self, ids: np.ndarray, names: np.ndarray, links: pd.DataFrame,
                 ratings: pd.DataFrame) -> None:
        self.ids = ids
        self.names = names
        self.links = links
        self.ratings = ratings

    @functools.cached_property
    def text_ids(self) -> pd.api.extensions.ExtensionArray:
        """:attr:`ids` as text (converted once; the tables take their cells from here by number)."""
        return pd.array(self.ids, dtype=STRING)

    @functools.cached_property
    def text_names(self) -> pd.api.extensions.ExtensionArray:
        """:attr:`names` as text (missing = NaN)."""
        return pd.array(self.names, dtype=STRING)


def link_table(data: nx.Graph | Dataset | LinkTable) -> LinkTable:
    """The :class:`LinkTable` of a dataset or a graph, kept per object.

    A page asks for all three quality tables of the same data, so the table is
    kept (weakly: it goes with its dataset or graph). Datasets are immutable;
    a graph's table is redone when its node or edge count changed.
    """
    if isinstance(data, LinkTable):
        return data
    if isinstance(data, Dataset):
        kept = _BY_DATASET.get(data)
        if kept is None:
            kept = _BY_DATASET[data] = from_dataset(data)
        return kept
    size = (data.number_of_nodes(), data.number_of_edges())
    held = _BY_GRAPH.get(data)
    if held is not None and held[0] == size:
        return held[1]
    found = from_graph(data)
    with contextlib.suppress(TypeError):  # a graph type without weak references: no keeping
        _BY_GRAPH[data] = (size, found)
    return found


_BY_DATASET: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_BY_GRAPH: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# --------------------------------------------------------------------------- from the tables


def from_dataset(dataset: Dataset) -> LinkTable:
    """The :class:`LinkTable` of ``dataset``, from its tables (no graph).

    As :func:`~mapping.analysis.graph.build_graph` does, a row of an
    organisation with itself is no link; a row naming an organisation that is
    not in the organisations table (validation refuses those) is left out.
    """
    ids, names = _organisations(dataset.organisations)
    collab = dataset.collaborations
    src, dst = _ends(ids, collab)
    keep = np.flatnonzero((src >= 0) & (dst >= 0) & (src != dst))
    early = np.minimum(src[keep], dst[keep])
    late = np.maximum(src[keep], dst[keep])
    # One code per unordered pair; ``first`` is each pair's first row (a stable sort).
    _, first, pair_of_row = np.unique(early * max(len(ids), 1) + late, return_index=True,
                                      return_inverse=True)
    # The graph's edge order: networkx reports an edge from its end that came first
    # in node order, and each node's edges in the order they were added (first rows).
    order = np.lexsort((first, early[first]))
    number = np.empty(len(first), dtype=np.int64)
    number[order] = np.arange(len(first))
    link = number[pair_of_row.reshape(-1)]
    lo, hi = early[first[order]], late[first[order]]
    swap = ids[lo] > ids[hi] if len(lo) else np.zeros(0, dtype=bool)
    columns: dict[str, np.ndarray] = {"a": np.where(swap, hi, lo), "b": np.where(swap, lo, hi)}
    count = len(first)
    total = np.zeros(count)
    rated = np.zeros(count, dtype=np.int64)
    for condition in CONDITIONS:
        values = _merged_scores(collab, condition)[keep]
        given = ~np.isnan(values)
        n = np.bincount(link[given], minlength=count)
        # bincount adds its weights in row order, from 0.0: the sum merge_ratings makes.
        sums = np.bincount(link[given], weights=values[given], minlength=count)
        mean = np.divide(sums, n, out=np.full(count, np.nan), where=n > 0)
        columns[condition], columns[f"{condition}_n"] = mean, n.astype(np.int64)
        total += np.where(n > 0, mean, 0.0)  # the rated means, added in condition order
        rated += n > 0
    columns["raters"] = np.bincount(link, minlength=count).astype(np.int64)
    columns["quality"] = np.divide(total, rated, out=np.full(count, np.nan), where=rated > 0)
    ratings = _ratings(link, src[keep], _column(collab, "reported_by")[keep],
                       side_scores([_cells(collab, c)[keep] for c in CONDITIONS]))
    return LinkTable(ids, names, pd.DataFrame(columns), ratings)


def _organisations(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Ids (first row of each) and names (the last row's, as the graph keeps) as object arrays."""
    if "id" not in frame.columns or frame.empty:
        return np.zeros(0, dtype=object), np.zeros(0, dtype=object)
    repeated = frame["id"].duplicated(keep="first").to_numpy()
    ids = frame["id"].to_numpy(dtype=object)[~repeated]
    if "name" not in frame.columns:
        return ids, np.full(len(ids), None, dtype=object)
    names = frame["name"]
    if repeated.any():  # a later row of an id updates the graph node: its name wins
        names = frame.drop_duplicates("id", keep="last").set_index("id")["name"].reindex(ids)
    return ids, names.to_numpy(dtype=object)


def _array(values: list[Any]) -> np.ndarray:
    """A list as a one-dimensional object array (never split into a 2-D one)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _ends(ids: np.ndarray, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the organisation numbers of its source and target (-1: no such organisation).

    One ``factorize`` of the ids, sources and targets together (one hash of each
    text): the ids, all different, take the codes 0, 1, ... in order, so a row's
    code is its organisation's number and a larger code an id no organisation has.
    """
    n, size = len(ids), len(frame)
    codes, _ = pd.factorize(np.concatenate(
        [ids, _column(frame, "source"), _column(frame, "target")]))
    if not np.array_equal(codes[:n], np.arange(n)):  # an empty id: look each one up instead
        position = pd.Index(ids)
        return (position.get_indexer(_column(frame, "source")).astype(np.int64),
                position.get_indexer(_column(frame, "target")).astype(np.int64))
    codes = codes.astype(np.int64)
    codes[codes >= n] = -1
    return codes[n:n + size], codes[n + size:]


def _column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column's cells as an object array (``None`` when the column is absent)."""
    if column not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return frame[column].to_numpy(dtype=object)


def _cells(frame: pd.DataFrame, condition: str) -> np.ndarray:
    """A score column as floats when it holds numbers, else as the rating rows' cells."""
    if condition in frame.columns and pd.api.types.is_numeric_dtype(frame[condition].dtype):
        return frame[condition].to_numpy(dtype=float, na_value=np.nan)
    return _column(frame, condition)


def _merged_scores(frame: pd.DataFrame, condition: str) -> np.ndarray:
    """A score column as floats, NaN where :func:`~mapping.analysis.graph.merge_ratings`
    sees no number (anything but an int or float, and NaN)."""
    cells = _cells(frame, condition)
    if cells.dtype.kind == "f":
        return cells
    # Cells as the graph's rows hold them (numpy scalars as Python numbers), then its test.
    return np.array([float(v) if isinstance(v, (int, float)) and v == v else np.nan
                     for v in map(g._clean, cells.tolist())], dtype=float)


# --------------------------------------------------------------------------- from a graph


def from_graph(graph: nx.Graph) -> LinkTable:
    """The :class:`LinkTable` of a graph of :func:`~mapping.analysis.graph.build_graph`.

    One walk over the organisations' adjacency: the merged means and counts
    come from the edge attributes, the rating rows from ``ratings``.
    """
    index: dict[Any, int] = {}
    ids: list[Any] = []
    names: list[Any] = []
    a: list[int] = []
    b: list[int] = []
    data: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    counts: list[int] = []
    # The cyclic collector is paused: the lists grow by hundreds of thousands of
    # entries, and every collection meanwhile would rescan all attribute dicts.
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
    id_array = _array(ids)
    first = np.array(a, dtype=np.int64)
    second = np.array(b, dtype=np.int64)
    swap = id_array[first] > id_array[second] if len(data) else np.zeros(0, dtype=bool)
    # All numbers in one C-level pass (itemgetter) and one conversion to a float matrix
    # (None -> NaN): building the frame from row tuples made pandas infer every cell.
    values = np.array(list(map(itemgetter(*LINK_FIELDS), data)),
                      dtype=float).reshape(len(data), len(LINK_FIELDS))
    links = pd.DataFrame({
        "a": np.where(swap, second, first), "b": np.where(swap, first, second),
        **{field: values[:, i].astype(np.int64) if field.endswith("_n") or field == "raters"
           else values[:, i] for i, field in enumerate(LINK_FIELDS)}})
    link = np.repeat(np.arange(len(data)), np.array(counts, dtype=np.int64))
    source = pd.Series(_array([r["source"] for r in rows]), dtype=object).astype(str)
    ratings = _ratings(link, pd.Index(id_array).get_indexer(source),
                       _array([r.get("reported_by") for r in rows]),
                       side_scores([_array([r.get(c) for r in rows]) for c in CONDITIONS]))
    return LinkTable(id_array, _array(names), links, ratings)


# --------------------------------------------------------------------------- rating rows


def _ratings(link: np.ndarray, source: np.ndarray, reported_by: np.ndarray,
             scores: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"link": link.astype(np.int64), "source": source.astype(np.int64),
                         # as text once: the sides are found by folding it
                         "reported_by": pd.array(reported_by, dtype=STRING),
                         **{c: scores[:, i] for i, c in enumerate(CONDITIONS)}})


def side_scores(columns: list[np.ndarray]) -> np.ndarray:
    """The four score columns of the rating rows as one float matrix (not rated = NaN).

    The scores behind the two sides' means (:func:`~mapping.analysis.quality.reciprocity_gaps`).
    Float columns as they are; cells of other columns are converted all at once, and
    only when some cell holds text is each column converted on its own, where
    anything but a number counts as not rated.
    """
    size = len(columns[0]) if columns else 0
    try:
        return np.column_stack([np.asarray(c, dtype=float) for c in columns]).reshape(
            size, len(columns))
    except (TypeError, ValueError):
        return np.column_stack([
            pd.to_numeric(pd.Series(c, dtype=object), errors="coerce").to_numpy(dtype=float)
            for c in columns]).reshape(size, len(columns))
