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
from mapping.analysis.network_arrays import Ids, NetworkArrays
from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.io.column_codes import addresses, codes_of

if TYPE_CHECKING:
    from mapping.analysis.coverage import Network


def network_from_tables(dataset: Dataset, min_quality: float | None = None,
                        include_unrated: bool = True) -> Network:
    """The :class:`~mapping.analysis.coverage.Network` of ``dataset``, without networkx.

    ``dataset`` must be validated (references point at rows that exist);
    ``min_quality`` and ``include_unrated`` say which collaborations count as
    links (:func:`mapping.analysis.graph.counts_as_link`). The result equals
    ``network_from_graph(build_graph(dataset), ...)``, with the same iteration
    order of every neighbour dict and tuple in it. Its integer form for the
    compiled searches (:mod:`mapping.analysis.network_arrays`) comes with it,
    made from the same link codes rather than read back off the dicts.
    """
    from mapping.analysis.coverage import Network  # late: coverage imports this module's caller

    with g.gc_paused():  # hundreds of thousands of dicts and sets, none garbage yet
        orgs = _rows(dataset.organisations, g.ORG)
        groups = _rows(dataset.parent_groups, g.GROUP)
        formal = {oid for oid, row in orgs.items() if row.get("kind") == "formal"}
        ids = list(orgs)
        objects = _objects(ids)
        positions = _Positions(objects)
        early, late = _links(dataset.collaborations, positions, min_quality, include_unrated)
        others, counts = _ends(len(ids), early, late)
        adj = _adjacency(objects, others, counts)
        reach = _reachers(dataset.reach, positions, objects, groups)
        net = Network(adj, formal, reach, orgs, groups, g.neighbourhood_names(dataset))
        net._arrays = _arrays(net, objects, others, counts)
    return net


def _rows(frame: pd.DataFrame, kind: str) -> dict[Any, dict[str, Any]]:
    """Id -> the row as a dict with its node ``type`` (as the graph's node attributes)."""
    return {row["id"]: row for row in g._records(frame, kind)}


def _objects(values: list[Any]) -> np.ndarray:
    """``values`` as a one-dimensional object array (never split into a 2-D one)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


class _Positions:
    """Table positions of ids (-1 for an unknown id), each distinct reference looked up once.

    A column of 540,000 references names 100,000 organisations. A column read
    from the parse worker's answer comes with its dictionary codes
    (:func:`mapping.io.column_codes.codes_of`): only its distinct texts are looked
    up, in Arrow's hash table (``pyarrow.compute.index_in``), and spread to the rows
    by their codes. Any other column takes the pandas path (:meth:`_by_object`).
    Both compare by value, so the result is the same.
    """

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = ids
        self.size = len(ids)
        self._texts: Any = False  # the ids in Arrow (None: not all text), made on first use
        self._index: pd.Index | None = None

    def __call__(self, values: pd.Series) -> np.ndarray:
        column = values.to_numpy(dtype=object)
        if not len(column):
            return np.zeros(0, np.int64)
        known = codes_of(column)
        if known is not None:
            if self._texts is False:
                self._texts = _texts(self.ids)
            distinct = _texts(known[1]) if self._texts is not None else None
            if distinct is not None:
                import pyarrow.compute as pc

                found = pc.index_in(distinct, value_set=self._texts)  # null: no such id
                table = np.append(found.fill_null(-1).to_numpy(zero_copy_only=False), -1)
                return table.astype(np.int64)[known[0]]  # code -1 (empty cell): no id
        return self._by_object(column)

    def _by_object(self, column: np.ndarray) -> np.ndarray:
        """Positions found with pandas, one hash lookup per distinct object (by identity).

        The CSV reader hands out one string object per distinct value: numbering
        the objects by identity (in C, no string is read) leaves one lookup per
        distinct object instead of one per row. Equal objects have equal values,
        so the result is the same.
        """
        if self._index is None:
            self._index = pd.Index(self.ids)
        codes, distinct = pd.factorize(addresses(column))
        some = np.empty(len(distinct), dtype=object)
        some[codes] = column  # one object of each identity (any: they are the same object)
        found = self._index.get_indexer(some).astype(np.int64, copy=False)
        return found[codes]


def _texts(values: np.ndarray) -> Any:
    """``values`` as an Arrow ``large_string`` array (``None``: null), or ``None`` if not all text.

    Only ``str`` and ``None`` are taken (``from_pandas=False``: a float NaN is not text),
    so the lookup in Arrow finds exactly what Python's ``==`` would.
    """
    import pyarrow as pa

    try:
        return pa.array(values, type=pa.large_string(), from_pandas=False)
    except (pa.ArrowException, ValueError, TypeError, UnicodeError):  # a number, a surrogate
        return None


def _ends(n: int, early: np.ndarray, late: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The links' partners, grouped by organisation, each one's links in link order.

    Returns ``(others, counts)``: the partners (table positions) of organisation
    0, then of organisation 1...; ``counts`` how many each has.
    """
    # Link k sits at 2k (by its early end) and 2k + 1 (by its late end), so the
    # stable sort by organisation keeps each organisation's links in link order.
    ends = np.column_stack((early, late)).ravel()
    others = np.column_stack((late, early)).ravel()
    order = np.argsort(ends, kind="stable")
    return others[order], np.bincount(ends, minlength=n)


def _adjacency(objects: np.ndarray, others: np.ndarray, counts: np.ndarray
               ) -> dict[str, dict[str, None]]:
    """Neighbour dicts (see :func:`_ends`), each filled in link order.

    The same dicts as adding ``adj[early][late]`` and ``adj[late][early]`` link
    after link.
    """
    neighbours = objects[others].tolist()
    adj: dict[str, dict[str, None]] = {}
    start = 0
    for oid, count in zip(objects.tolist(), counts.tolist(), strict=True):
        adj[oid] = dict.fromkeys(neighbours[start:start + count])
        start += count
    return adj


def _arrays(net: Network, objects: np.ndarray, others: np.ndarray, counts: np.ndarray
            ) -> NetworkArrays | None:
    """The integer form of ``net`` from its links, as :func:`arrays_of` would build it.

    Organisations are numbered in the sorted order of their ids; each one's
    slice of ``nbr`` holds its partners in the order of its neighbour dict.
    ``None`` when the ids cannot be sorted (the searches then say so themselves).
    """
    try:
        order = np.asarray(sorted(range(len(objects)), key=objects.__getitem__), np.int64)
    except TypeError:
        return None
    rank = np.empty(len(objects), np.int64)
    rank[order] = np.arange(len(objects))
    ids = Ids(objects[order].tolist())
    stop = np.cumsum(counts)
    start = np.zeros(len(objects), np.int64)
    finish = np.zeros(len(objects), np.int64)
    start[rank] = stop - counts
    finish[rank] = stop
    formal = np.zeros(len(objects), np.bool_)
    is_formal = net.formal.__contains__
    formal[rank[np.fromiter(map(is_formal, objects.tolist()), np.bool_, len(objects))]] = True
    return NetworkArrays.assemble(net, ids, start, finish, rank[others].astype(np.int32),
                                  formal)


def _reachers(reach: pd.DataFrame, positions: _Positions, objects: np.ndarray,
              groups: dict[str, dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Group id -> ids of its reachers, unique, in the organisations' table order.

    The graph yields a reach edge from its organisation end (organisations come
    first in the graph), so that is the order :func:`network_from_graph` sees.
    """
    if reach.empty or not groups:
        return {gid: () for gid in groups}
    gids = list(groups)
    org = positions(reach["organisation"])
    grp = _Positions(_objects(gids))(reach["group"])
    keep = (org >= 0) & (grp >= 0)
    # Unique (group, organisation) pairs, sorted by group and then table position.
    width = max(len(objects), 1)
    pairs = np.sort(grp[keep] * width + org[keep])
    # Sorted, then unique (np.unique without return_index hashes, ten times slower here).
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    members = objects[pairs % width].tolist()
    counts = np.bincount(pairs // width, minlength=len(gids)).tolist()
    result: dict[str, tuple[str, ...]] = {}
    start = 0
    for gid, count in zip(gids, counts, strict=True):
        result[gid] = tuple(members[start:start + count])
        start += count
    return result


def _links(collaborations: pd.DataFrame, positions: _Positions, min_quality: float | None,
           include_unrated: bool) -> tuple[np.ndarray, np.ndarray]:
    """The collaborations that count as links, in the graph's edge order.

    Each pair once, as codes of ``(earlier organisation, later organisation)``
    in table order, sorted by the earlier one and then by the pair's first row:
    the order in which networkx reports the edges of :func:`build_graph`.
    """
    none = np.zeros(0, dtype=np.int64)
    if collaborations.empty:
        return none, none
    a = positions(collaborations["source"])
    b = positions(collaborations["target"])
    keep = (a >= 0) & (b >= 0) & (a != b)  # self-collaborations are not edges
    a, b = a[keep], b[keep]
    early, late = np.minimum(a, b), np.maximum(a, b)
    key = early * positions.size + late
    # Pairs numbered in the order of their first rows (factorize numbers values as they
    # first appear), as the graph's edge dict has them: pair j first occurs where the
    # running maximum of the numbers first reaches j.
    pair_of_row, unique = pd.factorize(key)
    new = np.ones(len(pair_of_row), dtype=bool)
    np.greater(pair_of_row[1:], np.maximum.accumulate(pair_of_row)[:-1], out=new[1:])
    first = np.flatnonzero(new)  # the first row of pair 0, 1, 2...
    order = np.arange(len(unique))
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
