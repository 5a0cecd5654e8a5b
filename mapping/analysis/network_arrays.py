"""The integer form of a :class:`~mapping.analysis.coverage.Network` that the compiled kernels read.

Organisations become the integers ``0..n-1`` in the sorted order of their ids (so
comparing numbers compares ids), and the adjacency dicts become one flat array of
neighbours, each organisation's slice in the order of its dict. The form is built
lazily, once per :class:`Network` object, and kept on it.

:func:`mapping.analysis.network_tables.network_from_tables` makes the form
together with the network, from the same link codes.

Changing a network: a :meth:`Network.copy` starts without arrays (it only
inherits the id numbering, which stays valid while no new organisation appears)
and builds its own on first use; what-if and suggestions make their copies with
:meth:`Network.derive`, which knows the changed organisations and updates the
arrays for them only (:meth:`NetworkArrays.derived`). A network's ``adj`` and ``formal`` must not be
changed in place after its first analysis: the arrays would no longer match (a
change of their sizes, or new ``adj``/``formal`` objects, is noticed and rebuilds
them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from types import ModuleType

    from mapping.analysis.coverage import Network


class Ids:
    """Organisation ids in sorted order, their numbers, and the ids as an object array."""

    __slots__ = ("_idents", "index", "names", "objects")

    def __init__(self, names: list[Any]) -> None:
        self.names = names
        self.index: dict[Any, int] = dict(zip(names, range(len(names)), strict=True))
        self.objects = np.empty(len(names), dtype=object)
        self.objects[:] = names
        # The id objects' identities (a hash index), for numbering by identity (see numbers).
        self._idents = pd.Index(np.fromiter(map(id, names), np.int64, len(names)))

    def numbers(self, ids: Callable[[], Iterable[Any]], count: int, strict: bool) -> np.ndarray:
        """The numbers of the ``count`` ids that ``ids()`` yields, as int32.

        An id that is one of this numbering's own objects (the networks share the
        id strings of their tables) is found by its identity, with a vectorised
        hash lookup; looking up a string in a dict of 100,000 costs a cache miss or two,
        which at national size (a million neighbour entries) is most of the time.
        Other ids are looked up by value: unknown ones raise ``KeyError`` when
        ``strict``, else get -1. ``ids`` is called again only for those.
        """
        if count == 0:
            return np.empty(0, np.int32)
        result = self._idents.get_indexer(np.fromiter(map(id, ids()), np.int64, count))
        result = result.astype(np.int32)
        missed = np.flatnonzero(result < 0)
        if len(missed):
            find = self.index.__getitem__ if strict else (lambda o: self.index.get(o, -1))
            values = list(ids())
            result[missed] = [find(values[i]) for i in missed.tolist()]
        return result


class NetworkArrays:
    """Arrays of one network: ``nbr[start[v]:stop[v]]`` are ``v``'s collaborations.

    ``formal`` marks the formal organisations. ``alive`` keeps the mask of the
    latest distances computed on this network, with the dict it belongs to.
    """

    __slots__ = ("adj", "alive", "formal", "formal_set", "ids", "n_formal", "n_keys", "nbr",
                 "start", "stop")

    def __init__(self, net: Network, ids: Ids) -> None:
        adj = net.adj
        n = len(ids.names)
        keys = ids.numbers(lambda: adj, len(adj), strict=True)
        degree = np.fromiter(map(len, adj.values()), np.int64, len(adj))
        ends = np.cumsum(degree)
        self.nbr = ids.numbers(lambda: chain.from_iterable(adj.values()),
                               int(ends[-1]) if len(ends) else 0, strict=True)
        self.start = np.zeros(n, np.int64)
        self.stop = np.zeros(n, np.int64)
        self.start[keys] = ends - degree
        self.stop[keys] = ends
        self.formal = np.zeros(n, np.bool_)
        self.formal[ids.numbers(lambda: net.formal, len(net.formal), strict=True)] = True
        self.ids = ids
        self.adj, self.formal_set = adj, net.formal
        self.n_keys, self.n_formal = len(adj), len(net.formal)
        self.alive: tuple[Any, np.ndarray, np.ndarray | None] | None = None

    @classmethod
    def assemble(cls, net: Network, ids: Ids, start: np.ndarray, stop: np.ndarray,
                 nbr: np.ndarray, formal: np.ndarray) -> NetworkArrays:
        """Arrays of ``net`` made elsewhere (numbered by ``ids``), kept as they are."""
        self = cls.__new__(cls)
        self.start, self.stop, self.nbr, self.formal = start, stop, nbr, formal
        self.ids = ids
        self.adj, self.formal_set = net.adj, net.formal
        self.n_keys, self.n_formal = len(net.adj), len(net.formal)
        self.alive = None
        return self

    def derived(self, net: Network, changed: Iterable[Any]) -> NetworkArrays:
        """The arrays of ``net``, a changed copy of this network (a what-if, a suggestion).

        ``net`` may differ from the network of these arrays only in the neighbour
        dicts of the organisations in ``changed`` (an organisation that left has
        none), and in fewer formal organisations; no new organisation appears. Each
        changed organisation's partners are appended to a copy of ``nbr`` and its
        slice pointed there, so a new link costs a few milliseconds instead of
        numbering a city's million neighbour entries again. These arrays are left
        as they are (another session may be searching them).
        """
        known = self.ids.index
        changed = [org for org in dict.fromkeys(changed) if org in known]
        adj = net.adj
        keys = self.ids.numbers(lambda: changed, len(changed), strict=True)
        lists = [adj.get(org, {}) for org in changed]
        counts = np.fromiter(map(len, lists), np.int64, len(lists))
        added = self.ids.numbers(lambda: chain.from_iterable(lists), int(counts.sum()),
                                 strict=True)
        stop = len(self.nbr) + np.cumsum(counts)
        start, finish = self.start.copy(), self.stop.copy()
        start[keys] = stop - counts
        finish[keys] = stop
        formal = self.formal
        if net.formal != self.formal_set:
            gone = [org for org in self.formal_set if org not in net.formal]
            new = [org for org in net.formal if org not in self.formal_set]
            formal = formal.copy()
            formal[self.ids.numbers(lambda: gone, len(gone), strict=True)] = False
            formal[self.ids.numbers(lambda: new, len(new), strict=True)] = True
        return NetworkArrays.assemble(net, self.ids, start, finish,
                                      np.concatenate((self.nbr, added)), formal)

    @property
    def n(self) -> int:
        """Number of organisations."""
        return len(self.ids.names)

    def fits(self, net: Network) -> bool:
        """Whether these arrays were built for ``net`` as it is (cheap checks only)."""
        return (self.adj is net.adj and self.formal_set is net.formal
                and self.n_keys == len(net.adj) and self.n_formal == len(net.formal))

    def numbers(self, ids: Callable[[], Iterable[Any]], count: int) -> np.ndarray:
        """The numbers of ``count`` ids (``ids()`` yields them), -1 for unknown ones."""
        return self.ids.numbers(ids, count, strict=False)

    def mask(self, alive: Any) -> np.ndarray:
        """``alive`` (ids, as a dict's keys or a set) as a boolean array (not to be changed)."""
        cached = self.alive
        if cached is not None and cached[0] is alive:
            return cached[1]
        result = np.zeros(self.n, np.bool_)
        found = self.numbers(lambda: alive, len(alive))
        result[found[found >= 0]] = True
        return result

    def remember_alive(self, alive: Any, mask: np.ndarray, steps: np.ndarray | None = None
                       ) -> None:
        """Keep ``mask`` as the array of ``alive`` (the distances just computed).

        ``steps``, when given, holds the distances themselves (-1: none).
        """
        self.alive = (alive, mask, steps)  # one tuple: a reading thread sees all or nothing

    def steps(self, dist: dict[Any, int]) -> np.ndarray:
        """The distances ``dist`` as an array over the numbers (-1: no chain; not to be changed)."""
        cached = self.alive
        if cached is not None and cached[0] is dist and cached[2] is not None:
            return cached[2]
        result = np.full(self.n, -1, np.int64)
        found = self.numbers(lambda: dist, len(dist))
        values = np.fromiter(dist.values(), np.int64, len(dist))
        result[found[found >= 0]] = values[found >= 0]
        return result


def _all_ids(net: Network) -> list[Any]:
    ids = set(net.adj).union(net.formal)
    ids.update(chain.from_iterable(net.adj.values()))
    return sorted(ids)


def arrays_of(net: Network) -> NetworkArrays:
    """The arrays of ``net``, built on first use and kept on the network."""
    cached = net._arrays
    if isinstance(cached, NetworkArrays) and cached.fits(net):
        return cached
    ids = cached if isinstance(cached, Ids) else (
        cached.ids if isinstance(cached, NetworkArrays) else None)
    built = None
    if ids is not None:
        try:
            built = NetworkArrays(net, ids)
        except KeyError:  # an id the numbering lacks: number them again
            built = None
    if built is None:
        try:
            built = NetworkArrays(net, Ids(sorted(set(net.adj).union(net.formal))))
        except KeyError:  # a collaborator that is not a key of adj
            built = NetworkArrays(net, Ids(_all_ids(net)))
    net._arrays = built
    return built


def numbering_of(net: Network) -> Ids | None:
    """The id numbering a copy of ``net`` may start from (``None`` before any analysis)."""
    cached = net._arrays
    if isinstance(cached, NetworkArrays):
        return cached.ids
    return cached if isinstance(cached, Ids) else None


_local = threading.local()


def scratch(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """This thread's scratch arrays for searches on ``n`` organisations.

    Kept between calls (the kernels leave the flow rows clear and use stamps for
    the rest), one set per thread, so sessions on several threads never share them.
    """
    from mapping.analysis.flow_kernels import MARK_ROWS, WORK_ROWS

    held = getattr(_local, "scratch", None)
    if held is None or held[1].shape[1] < n:
        size = max(n, 16)
        held = (np.full((WORK_ROWS, 2 * size + 2), -1, np.int32),
                np.zeros((MARK_ROWS, size), np.int64), np.zeros(1, np.int64))
        _local.scratch = held
    return held


def drop_scratch() -> None:
    """Forget this thread's scratch arrays (after a kernel failed half-way)."""
    _local.scratch = None


def kernels() -> ModuleType:
    """The compiled kernels (imports numba on first use)."""
    from mapping.analysis import flow_kernels

    return flow_kernels
