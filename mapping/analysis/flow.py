"""Routes: a unit-vertex-capacity max flow from a group's reachers to the formal side.

The number of vertex-disjoint routes from a parent group to formal help is the
group's robustness: how many organisations can drop out before it loses every
route. Each organisation carries at most one route (unit vertex capacity), so
the flow is found with BFS augmenting paths over split in/out states, which is
fast for the small values (a handful of routes) a district has.

The searches run compiled (:mod:`mapping.analysis.flow_kernels`, on the integer
form of :mod:`mapping.analysis.network_arrays`), many groups per call. Their order
of search is fixed (reachers in order, then each organisation's collaborations in
the order of its adjacency dict), and it decides which routes are reported: the
kernels replay the former pure-Python search state for state (kept as the oracle
in ``tests/analysis/flow_oracle.py``), so reports stay byte-identical.

Call :func:`warm` at application start: it compiles the kernels (once per
machine; numba caches them in ``__pycache__``) or loads them from that cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from mapping.analysis.network_arrays import (
    Ids,
    NetworkArrays,
    arrays_of,
    drop_scratch,
    kernels,
    scratch,
)

if TYPE_CHECKING:
    from mapping.analysis.coverage import Network

_SRC = ("source",)  # sentinels: tuples never collide with string org ids
_SNK = ("sink",)

Paths = list[list[str]]
"""Routes of one group, each from a reacher to a formal organisation."""


@dataclass
class Flow:
    """A unit-vertex-capacity flow for one group: ``prv``/``nxt`` per used org."""

    prv: dict[str, Any] = field(default_factory=dict)
    nxt: dict[str, Any] = field(default_factory=dict)
    value: int = 0

    def paths(self) -> list[list[str]]:
        """The flow's paths, each from a reacher to a formal organisation."""
        result = []
        for start, before in self.prv.items():
            if before is not _SRC:
                continue
            path, node = [start], self.nxt[start]
            while node is not _SNK:
                path.append(node)
                node = self.nxt[node]
            result.append(path)
        return sorted(result, key=lambda p: (len(p), p))


def flow_from_paths(paths: Iterable[list[str]]) -> Flow:
    """A :class:`Flow` carrying exactly ``paths``."""
    flow = Flow()
    for path in paths:
        before: Any = _SRC
        for org in path:
            flow.prv[org] = before
            if before is not _SRC:
                flow.nxt[before] = org
            before = org
        flow.nxt[path[-1]] = _SNK
        flow.value += 1
    return flow


def _run(arrays: NetworkArrays, kernel: Any, *args: Any) -> Any:
    """Call ``kernel`` on the network's arrays with this thread's scratch arrays."""
    work, marks, clock = scratch(arrays.n)
    try:
        return kernel(arrays.start, arrays.stop, arrays.nbr, arrays.formal, *args,
                      work, marks, clock)
    except BaseException:
        drop_scratch()  # its flow rows may not be clear any more
        raise


def flatten(arrays: NetworkArrays, lists: Sequence[Sequence[str]]) -> tuple[np.ndarray,
                                                                             np.ndarray]:
    """Lists of ids as one int32 array of numbers and the int64 offsets of the lists."""
    ptr = np.zeros(len(lists) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, lists), np.int64, len(lists)), out=ptr[1:])
    return ptr, arrays.numbers(lambda: chain.from_iterable(lists), int(ptr[-1]))


class Numbers(NamedTuple):
    """A group's reachers and routes in the integers of one id numbering.

    Kept with its coverage (``GroupCoverage._numbers``) so that the broker
    search does not look the ids up again.
    """

    ids: Ids
    reachers: np.ndarray
    """Numbers of the reachers, in order (-1: an id the network lacks)."""
    nodes: np.ndarray
    """Numbers of the organisations on the routes, one route after the other."""
    lengths: np.ndarray
    """Length of each route."""


class GroupFlow(NamedTuple):
    """One group's max flow (see :func:`group_flows`)."""

    routes: int
    paths: Paths
    residual: frozenset[str] | None
    numbers: Numbers


def group_flows(net: Network, reachers: Sequence[Sequence[str]], alive: Any,
                numbered: tuple[np.ndarray, np.ndarray] | None = None) -> list[GroupFlow]:
    """Max flows of several groups at once, from each one's reachers.

    Parameters
    ----------
    net
        The network.
    reachers
        Per group, the organisations that reach it (in order).
    alive
        The organisations a route may use (those with a chain to a formal one:
        the keys of the distances).
    numbered
        The reachers already as :func:`flatten` gives them (the caller had them).

    Returns
    -------
    list of GroupFlow
        Per group: the number of vertex-disjoint routes; the routes, shortest
        first, then by id; the organisations whose leaving side the final
        failing search reached (``None`` when the flow met its upper bound, the
        number of reachers, so that search was skipped); and all that in numbers.
    """
    arrays = arrays_of(net)
    gptr, flat = flatten(arrays, reachers) if numbered is None else numbered
    values, nodes, plens, rlens, rnodes = _run(
        arrays, kernels().group_flows, arrays.mask(alive), gptr, flat)
    ids = arrays.ids
    names, res_names = ids.objects[nodes].tolist(), ids.objects[rnodes].tolist()
    lengths = plens.tolist()
    bounds = gptr.tolist()
    results: list[GroupFlow] = []
    pos = res = path = 0
    for g, (value, rlen) in enumerate(zip(values.tolist(), rlens.tolist(), strict=True)):
        paths, first = [], pos
        for length in lengths[path:path + value]:
            paths.append(names[pos:pos + length])
            pos += length
        residual = None
        if rlen >= 0:
            residual = frozenset(res_names[res:res + rlen])
            res += rlen
        numbers = Numbers(ids, flat[bounds[g]:bounds[g + 1]], nodes[first:pos],
                          plens[path:path + value])
        path += value
        results.append(GroupFlow(value, paths, residual, numbers))
    return results


def max_flow(
    net: Network,
    reachers: tuple[str, ...],
    alive: dict[str, int] | set[str],
    blocked: frozenset[str] = frozenset(),
) -> tuple[Flow, frozenset[str] | None]:
    """Maximum number of vertex-disjoint routes from ``reachers`` to formal orgs.

    Organisations not in ``alive``, or in ``blocked``, carry no route. Returns the
    flow and, when the final failing search ran, the set of organisations whose
    leaving side it reached.
    """
    if blocked:
        alive = {o for o in alive if o not in blocked}
    found = group_flows(net, [reachers], alive)[0]
    flow = flow_from_paths(found.paths)
    assert flow.value == found.routes
    return flow, found.residual


def route_loss_flags(net: Network, alive: Any, groups: Sequence[Any]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The organisations on the groups' routes, and whether losing each costs a route.

    Parameters as :func:`route_losses`. Returns ``(nodes, flags)``: the numbers
    (:mod:`mapping.analysis.network_arrays`) of the organisations on every route
    of every group, one after the other, and per entry 1 (a route is lost), 0
    (it is not) or -1 (the organisation was already decided for the group).
    """
    arrays = arrays_of(net)
    parts = [_numbers_of(arrays, gc) for gc in groups]
    gptr = np.zeros(len(groups) + 1, np.int64)
    np.cumsum(np.fromiter((len(p.reachers) for p in parts), np.int64, len(parts)), out=gptr[1:])
    pptr = np.zeros(len(groups) + 1, np.int64)
    np.cumsum(np.fromiter((len(p.lengths) for p in parts), np.int64, len(parts)), out=pptr[1:])
    routes = np.fromiter((gc.routes for gc in groups), np.int64, len(groups))
    flat, nodes, plens = (_joined([getattr(p, name) for p in parts])
                          for name in ("reachers", "nodes", "lengths"))
    # A copy: the kernel blocks organisations in it one at a time, and the cached
    # mask may be read by another session's thread meanwhile.
    mask = arrays.mask(alive).copy()
    flags = _run(arrays, kernels().route_losses, mask, gptr, flat, routes, pptr, plens, nodes)
    return nodes, flags


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts).astype(np.int32, copy=False) if parts else np.empty(0, np.int32)


def _numbers_of(arrays: NetworkArrays, gc: Any) -> Numbers:
    """The group's :class:`Numbers` in the network's numbering (kept, or looked up)."""
    kept = getattr(gc, "_numbers", None)
    if kept is not None and kept.ids is arrays.ids:
        return kept
    ids = arrays.ids
    return Numbers(ids, ids.numbers(lambda: gc.reachers, len(gc.reachers), strict=False),
                   ids.numbers(lambda: chain.from_iterable(gc.paths),
                               sum(map(len, gc.paths)), strict=True),
                   np.fromiter(map(len, gc.paths), np.int32, len(gc.paths)))


def route_losses(net: Network, alive: Any, groups: Sequence[Any]) -> list[dict[str, bool]]:
    """For several groups: does the loss of each organisation on its routes cost a route?

    Parameters
    ----------
    net
        The network.
    alive
        The organisations a route may use (the keys of the distances).
    groups
        Coverages of groups (:class:`~mapping.analysis.coverage.GroupCoverage`):
        their ``reachers``, ``routes`` and ``paths`` (as :func:`group_flows`
        found them) are read.

    Returns
    -------
    list of dict
        Per group, organisation -> whether removing it lowers the group's routes,
        in the order of the routes. Removing one organisation lowers a max flow
        by at most one, and only an organisation on the flow can lower it: each
        is tested by dropping its own route and searching for one augmenting path
        that avoids it.
    """
    flags = route_loss_flags(net, alive, groups)[1].tolist()
    result: list[dict[str, bool]] = []
    pos = 0
    for gc in groups:
        losses: dict[str, bool] = {}
        for path in gc.paths:
            for org in path:
                flag = flags[pos]
                pos += 1
                if flag >= 0:
                    losses[org] = flag == 1
        result.append(losses)
    return result


def warm() -> None:
    """Compile the route kernels, or load them from numba's cache, on a tiny network.

    For application start: the first coverage a user asks for then runs at once
    (compiling takes seconds, loading the cache a fraction of one).
    """
    from mapping.analysis.brokers import brokers
    from mapping.analysis.coverage import Network, compute

    adj = {"a": {"b": None}, "b": {"a": None, "c": None}, "c": {"b": None}}
    net = Network(adj, {"a"}, {"g": ("c", "b"), "h": ("a",)})
    brokers(compute(net))
