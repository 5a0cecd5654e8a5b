"""The analysis :class:`~mapping.analysis.coverage.Network`, built straight from the tables.

:func:`mapping.analysis.coverage.network_from_graph` reads the network off the
networkx graph of :func:`mapping.analysis.graph.build_graph`, which the pages
need for drawing. The report, the command line and the coverage of a page do
not draw, and at national size (100,000 organisations, 540,000 collaboration
rows) the graph costs most of the time: one dict per node and per edge, every
rating row merged in Python. Here the same network comes from the tables with
pandas: pairs found with integer codes, duplicates dropped at once, and the
quality of a pair (only when a threshold asks for it) summed with numpy.

*Exactly* the same network, not merely an equal one: the coverage, route and
broker searches iterate the organisations' neighbours in the order they went
in (insertion-ordered dicts, never sets, whose order follows the hash seed).
So the neighbours are added
in the order :func:`~mapping.analysis.coverage.network_from_graph` adds them
(the graph's edge order: by the earlier organisation of the table, then by the
pair's first row), the reachers of a group are in table order of the
organisations, and pair quality is summed row after row like
:func:`mapping.analysis.graph.merge_ratings` (``tests/analysis/test_network_tables.py``
compares both paths).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mapping.analysis import graph as g
from mapping.domain.dataset import CONDITIONS, Dataset

if TYPE_CHECKING:
    from mapping.analysis.coverage import Network


def network_from_tables(dataset: Dataset, min_quality: float | None = None,
                        include_unrated: bool = True) -> Network:
    """The :class:`~mapping.analysis.coverage.Network` of ``dataset``, without networkx.

    ``dataset`` must be validated (references point at rows that exist);
    ``min_quality`` and ``include_unrated`` say which collaborations count as
    links (:func:`mapping.analysis.graph.counts_as_link`). The result equals
    ``network_from_graph(build_graph(dataset), ...)``, with the same iteration
    order of every neighbour dict and tuple in it.
    """
    from mapping.analysis.coverage import Network  # late: coverage imports this module's caller

    with g.gc_paused():  # hundreds of thousands of dicts and sets, none garbage yet
        orgs = _rows(dataset.organisations, g.ORG)
        groups = _rows(dataset.parent_groups, g.GROUP)
        formal = {oid for oid, row in orgs.items() if row.get("kind") == "formal"}
        ids = list(orgs)
        index = pd.Index(_objects(ids))
        early, late = _links(dataset.collaborations, index, min_quality, include_unrated)
        adj = _adjacency(ids, early, late)
        reach = _reachers(dataset.reach, index, ids, groups)
    return Network(adj, formal, reach, orgs, groups, g.neighbourhood_names(dataset))


def _rows(frame: pd.DataFrame, kind: str) -> dict[Any, dict[str, Any]]:
    """Id -> the row as a dict with its node ``type`` (as the graph's node attributes)."""
    rows = g._records(frame)
    for row in rows:  # fresh dicts: setting the key keeps its place, like {**row, "type": kind}
        row["type"] = kind
    return {row["id"]: row for row in rows}


def _objects(values: list[Any]) -> np.ndarray:
    """``values`` as a one-dimensional object array (never split into a 2-D one)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _codes(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Table positions of the organisation ids in ``values`` (-1 for an unknown id)."""
    return index.get_indexer(values.to_numpy(dtype=object)).astype(np.int64, copy=False)


def _adjacency(ids: list[str], early: np.ndarray, late: np.ndarray) -> dict[str, dict[str, None]]:
    """Neighbour dicts from the links in edge order, each filled in that order.

    The same dicts as adding ``adj[early][late]`` and ``adj[late][early]`` link
    after link: a stable sort of both ends by organisation keeps, per
    organisation, its links in edge order.
    """
    # Link k sits at 2k (by its early end) and 2k + 1 (by its late end), so the
    # stable sort by organisation keeps each organisation's links in link order.
    ends = np.column_stack((early, late)).ravel()
    others = np.column_stack((late, early)).ravel()
    order = np.argsort(ends, kind="stable")
    neighbours = _objects(ids)[others[order]].tolist()
    counts = np.bincount(ends, minlength=len(ids)).tolist()
    adj: dict[str, dict[str, None]] = {}
    start = 0
    for oid, count in zip(ids, counts, strict=True):
        adj[oid] = dict.fromkeys(neighbours[start:start + count])
        start += count
    return adj


def _reachers(reach: pd.DataFrame, index: pd.Index, ids: list[str],
              groups: dict[str, dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Group id -> ids of its reachers, unique, in the organisations' table order.

    The graph yields a reach edge from its organisation end (organisations come
    first in the graph), so that is the order :func:`network_from_graph` sees.
    """
    if reach.empty or not groups:
        return {gid: () for gid in groups}
    gids = list(groups)
    org = _codes(reach["organisation"], index)
    grp = pd.Index(_objects(gids)).get_indexer(reach["group"].to_numpy(dtype=object))
    keep = (org >= 0) & (grp >= 0)
    # Unique (group, organisation) pairs, sorted by group and then table position.
    width = max(len(ids), 1)
    pairs = np.unique(grp[keep].astype(np.int64) * width + org[keep])
    members = _objects(ids)[pairs % width].tolist()
    counts = np.bincount(pairs // width, minlength=len(gids)).tolist()
    result: dict[str, tuple[str, ...]] = {}
    start = 0
    for gid, count in zip(gids, counts, strict=True):
        result[gid] = tuple(members[start:start + count])
        start += count
    return result


def _links(collaborations: pd.DataFrame, index: pd.Index, min_quality: float | None,
           include_unrated: bool) -> tuple[np.ndarray, np.ndarray]:
    """The collaborations that count as links, in the graph's edge order.

    Each pair once, as codes of ``(earlier organisation, later organisation)``
    in table order, sorted by the earlier one and then by the pair's first row:
    the order in which networkx reports the edges of :func:`build_graph`.
    """
    none = np.zeros(0, dtype=np.int64)
    if collaborations.empty:
        return none, none
    a = _codes(collaborations["source"], index)
    b = _codes(collaborations["target"], index)
    keep = (a >= 0) & (b >= 0) & (a != b)  # self-collaborations are not edges
    a, b = a[keep], b[keep]
    early, late = np.minimum(a, b), np.maximum(a, b)
    key = early * len(index) + late
    # First-row order of each unordered pair, as the graph's edge dict has it.
    unique, first, pair_of_row = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # pair codes by first row
    if min_quality is not None:
        quality, rated = _pair_quality(collaborations.loc[keep], pair_of_row, len(unique))
        passes = np.where(rated, quality >= min_quality, include_unrated)
        order = order[passes[order]]
    order = order[np.argsort(early[first[order]], kind="stable")]
    return early[first[order]], late[first[order]]


def _pair_quality(rows: pd.DataFrame, pair_of_row: np.ndarray, pairs: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: the mean of its rated condition means, and whether any condition was rated.

    Summed row after row in file order from 0 (``np.add.at`` is unbuffered), so
    each mean is the float that :func:`mapping.analysis.graph.merge_ratings` computes.
    """
    total = np.zeros(pairs)
    rated = np.zeros(pairs, dtype=np.int64)
    for condition in CONDITIONS:
        if condition not in rows.columns:
            continue
        values = _scores(rows[condition])
        given = ~np.isnan(values)
        sums = np.zeros(pairs)
        np.add.at(sums, pair_of_row[given], values[given])
        counts = np.bincount(pair_of_row[given], minlength=pairs)
        has = counts > 0
        total[has] += sums[has] / counts[has]
        rated += has
    quality = np.divide(total, rated, out=np.full(pairs, np.nan), where=rated > 0)
    return quality, rated > 0


def _scores(column: pd.Series) -> np.ndarray:
    """A condition column as floats, NaN where :func:`merge_ratings` sees no number."""
    if pd.api.types.is_numeric_dtype(column.dtype):  # float, int, nullable Int64/Float64
        return column.to_numpy(dtype=float, na_value=np.nan)
    return np.array([float(v) if isinstance(v, (int, float)) and v == v else np.nan
                     for v in column.tolist()], dtype=float)
