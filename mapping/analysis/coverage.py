"""Coverage of parent groups: who has a route to professional help, and how robust it is.

Definitions (normative, ``docs/domain.md``):

* ``unreached``: no organisation reaches the group.
* ``direct``: a formal organisation reaches it (distance 0).
* ``bridged``: only informal organisations reach it and a chain of
  collaborations leads from one of them to a formal organisation; distance =
  the fewest informal organisations on such a chain (1 = the informal reacher
  itself works with a professional).
* ``informal_only``: reached, but no chain leads to a formal organisation.
* ``routes``: the largest number of vertex-disjoint paths from the group through
  its own reach links and then collaborations, ending at distinct formal
  organisations. Other parent groups are never intermediaries (only
  collaborations are followed). ``fragile`` means ``routes == 1``.

Algorithms (chosen for speed on a city of thousands of organisations):

* distance: one multi-source BFS from every formal organisation over the
  collaboration graph, expanding only into informal organisations; a group's
  distance is the minimum over its reachers.
* routes: unit-vertex-capacity max flow (node splitting, done implicitly),
  augmenting paths on adjacency sets. Each search stops at the first free
  formal organisation, and the flow stops as soon as it equals the number of
  reachers (an upper bound), so most groups never run a failing search.
  Organisations without any chain to a formal one are pruned from the search.

The working representation is :class:`Network` (plain dicts and sets keyed by
organisation id); :func:`network_from_graph` reads it off the graph of
:func:`mapping.analysis.graph.build_graph` (the pages have one for drawing);
:func:`network_from_dataset` builds the same network straight from the tables.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from mapping.analysis import graph as g
from mapping.analysis.flow import (  # noqa: F401  (public names kept here)
    _SNK,
    _SRC,
    Flow,
    flatten,
    group_flows,
    max_flow,
)
from mapping.analysis.network_arrays import NetworkArrays, arrays_of, kernels, numbering_of
from mapping.domain.dataset import Dataset

CLASSES: tuple[str, ...] = ("direct", "bridged", "informal_only", "unreached")
"""Coverage classes, best first."""

RANK: dict[str, int] = {"unreached": 0, "informal_only": 1, "bridged": 2, "direct": 3}
"""Higher is better; used to compare a group before and after a change."""


@dataclass
class Network:
    """The parts of a district that coverage depends on, keyed by plain ids.

    Attributes
    ----------
    adj
        Organisation id -> ids of the organisations it collaborates with
        (only collaborations that count as links; no self-loops), as the keys
        of a dict in table order. Not a set: a set of strings iterates in an
        order that follows ``PYTHONHASHSEED``, and the route searches walk the
        neighbours in order, so the routes of a report would change from one
        process to the next.
    formal
        Ids of the formal organisations.
    reach
        Group id -> ids of the organisations that reach it (unique, in order).
    orgs
        Organisation id -> attributes (``name``, ``kind``, ``category``,
        ``neighbourhood``, ``topics``...).
    groups
        Group id -> attributes (``name``, ``neighbourhood``, ``families``...).
    """

    adj: dict[str, dict[str, None]]
    formal: set[str]
    reach: dict[str, tuple[str, ...]]
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    hood_names: dict[str, str] = field(default_factory=dict)
    # The integer form the route kernels read (mapping.analysis.network_arrays), built
    # on first use. Change ``adj`` or ``formal`` only on a fresh copy, before analysing it.
    _arrays: Any = field(default=None, init=False, repr=False, compare=False)
    # Families per group, counted once per groups dict (read for every group by the
    # summary, the shares, brokers and suggestions). ``groups`` is read-only, as
    # copies share it.
    _families: Any = field(default=None, init=False, repr=False, compare=False)

    def copy(self) -> Network:
        """A copy whose adjacency and reach can be changed without touching this one."""
        return self.derive({k: dict.fromkeys(v) for k, v in self.adj.items()}, set(self.formal),
                           dict(self.reach))

    def derive(self, adj: dict[str, dict[str, None]], formal: set[str],
               reach: dict[str, tuple[str, ...]], changed: Iterable[str] | None = None
               ) -> Network:
        """A network of the same organisations and groups with other links.

        The one way a changed network is made (:meth:`copy`, and the copy on write
        of :func:`mapping.analysis.whatif.apply`). With ``changed``, the
        organisations whose neighbour dicts differ from this network's, ``adj`` is
        final and the integer form is updated for them at once
        (:meth:`~mapping.analysis.network_arrays.NetworkArrays.derived`); without,
        the copy may still be changed before its first analysis, and only keeps
        the id numbering (its arrays are built on first use).
        """
        new = Network(adj=adj, formal=formal, reach=reach, orgs=self.orgs, groups=self.groups,
                      hood_names=self.hood_names)
        new._families = self._families  # the same groups
        arrays = self._arrays
        new._arrays = numbering_of(self)  # only the numbering: the copy's links may change
        if changed is not None and isinstance(arrays, NetworkArrays) and arrays.fits(self):
            with contextlib.suppress(KeyError):  # a partner the numbering lacks: built on use
                new._arrays = arrays.derived(new, changed)
        return new

    def changed(self) -> None:
        """Say that ``adj`` or ``formal`` were changed in place after an analysis.

        The integer form the route searches read is then built again on next use
        (changing a fresh :meth:`copy` before analysing it needs no call).
        """
        self._arrays = numbering_of(self)

    def hood(self, code: Any) -> str | None:
        """The neighbourhood's name for people (its code when the GeoJSON has no name)."""
        if code is None or code == "":
            return None
        return self.hood_names.get(str(code), str(code))

    def families(self, group: str) -> int:
        """Estimated families of ``group``; 0 when unknown."""
        counted = self._families
        if counted is None or counted[0] is not self.groups:
            counted = self._families = (self.groups, {
                gid: family_count(info.get("families")) for gid, info in self.groups.items()})
        return counted[1].get(group, 0)

    def name(self, org_or_group: str, is_group: bool = False) -> str:
        """Display name of an organisation (or group), falling back to the id."""
        table = self.groups if is_group else self.orgs
        return str(table.get(org_or_group, {}).get("name") or org_or_group)


@dataclass
class GroupCoverage:
    """Coverage of one parent group (see module docstring for the definitions)."""

    id: str
    coverage: str
    distance: int | None
    routes: int
    route: list[str]
    paths: list[list[str]]
    reachers: tuple[str, ...]
    residual: frozenset[str] | None = None
    """Organisations whose outgoing side the final failing flow search reached,
    ``None`` when that search was skipped (flow met its upper bound)."""
    _numbers: Any = field(default=None, repr=False, compare=False)
    """Reachers and routes as numbers (:class:`mapping.analysis.flow.Numbers`),
    for the broker search; ``None`` when the group has no routes."""

    @property
    def fragile(self) -> bool:
        """One organisation's departure would cut the group off."""
        return self.routes == 1


@dataclass
class Coverage:
    """Coverage of every group of a network, plus the distances it came from."""

    network: Network
    groups: dict[str, GroupCoverage]
    distance: dict[str, int]
    toward: dict[str, str]


def family_count(value: Any) -> int:
    """Families as an int: missing or invalid counts as 0 (the group still counts)."""
    if type(value) is int:  # the common case, without pandas' isna (called per group, often)
        return max(value, 0)
    if value is None or (type(value) is float and value != value):
        return 0
    try:
        if value is None or pd.isna(value):
            return 0
        return max(int(value), 0)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
        return 0


def network_from_graph(
    graph: nx.Graph, min_quality: float | None = None, include_unrated: bool = True
) -> Network:
    """Extract a :class:`Network` from a graph of :func:`mapping.analysis.graph.build_graph`.

    Parameters
    ----------
    graph
        The district graph.
    min_quality, include_unrated
        Which collaborations count as links (see :func:`mapping.analysis.graph.counts_as_link`).
    """
    adj: dict[str, dict[str, None]] = {}
    formal: set[str] = set()
    orgs: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {}
    reach: dict[str, list[str]] = {}
    for _node, data in graph.nodes(data=True):
        if data.get("type") == g.ORG:
            orgs[data["id"]] = data
            adj[data["id"]] = {}
            if data.get("kind") == "formal":
                formal.add(data["id"])
        elif data.get("type") == g.GROUP:
            groups[data["id"]] = data
            reach[data["id"]] = []
    for u, v, data in graph.edges(data=True):
        a, b = graph.nodes[u], graph.nodes[v]
        if data["type"] == g.REACH:
            org, grp = (a, b) if a["type"] == g.ORG else (b, a)
            if org["id"] not in reach[grp["id"]]:
                reach[grp["id"]].append(org["id"])
        elif g.counts_as_link(data, min_quality, include_unrated) and a["id"] != b["id"]:
            adj[a["id"]][b["id"]] = None
            adj[b["id"]][a["id"]] = None
    return Network(adj, formal, {k: tuple(v) for k, v in reach.items()}, orgs, groups,
                   dict(graph.graph.get("neighbourhood_names") or {}))


def network_from_dataset(
    dataset: Dataset, min_quality: float | None = None, include_unrated: bool = True
) -> Network:
    """Build the :class:`Network` of ``dataset``, straight from its tables.

    The same network as ``network_from_graph(build_graph(dataset))``, without
    building the networkx graph (see :mod:`mapping.analysis.network_tables`).
    """
    from mapping.analysis.network_tables import network_from_tables  # imports this module

    return network_from_tables(dataset, min_quality, include_unrated)


# --- distance ---------------------------------------------------------------


def distances(net: Network) -> tuple[dict[str, int], dict[str, str]]:
    """Distance of every organisation to professional help, by multi-source BFS.

    The search starts from every formal organisation in id order and visits the
    new neighbours of each organisation in id order, so the chains are the same in
    every process (compiled: :func:`mapping.analysis.flow_kernels.distances`).

    Returns
    -------
    dist, toward
        ``dist[org]``: 0 for formal organisations, else the fewest informal
        organisations on a collaboration chain from ``org`` to a formal one
        (``org`` itself included); organisations without such a chain are
        absent. ``toward[org]``: the next organisation on one shortest chain.
    """
    arrays = arrays_of(net)
    sources = np.flatnonzero(arrays.formal).astype(np.int32)  # numbers in id order
    step, via, order = kernels().distances(arrays.start, arrays.stop, arrays.nbr, sources,
                                           arrays.n)
    objects = arrays.ids.objects
    found = order[len(sources):]
    names = objects[found].tolist()
    dist = dict.fromkeys(net.formal, 0)
    dist.update(zip(names, step[found].tolist(), strict=True))
    toward = dict(zip(names, objects[via[found]].tolist(), strict=True))
    arrays.remember_alive(dist, step >= 0, step)  # the route searches' mask of these distances
    return dist, toward


def _classify(
    net: Network, group: str, dist: dict[str, int], toward: dict[str, str]
) -> GroupCoverage | tuple[str, int, list[str]]:
    """A group's coverage when it has no routes; else its class, distance and route."""
    reachers = net.reach.get(group, ())
    if not reachers:
        return GroupCoverage(group, "unreached", None, 0, [], [], reachers)
    formal = [r for r in reachers if r in net.formal]
    if formal:
        return "direct", 0, [formal[0]]
    linked = [r for r in reachers if r in dist]
    if not linked:
        return GroupCoverage(group, "informal_only", None, 0, [], [], reachers)
    best = min(linked, key=lambda r: dist[r])
    return "bridged", dist[best], _chain(best, toward)


def group_coverage(
    net: Network, group: str, dist: dict[str, int], toward: dict[str, str]
) -> GroupCoverage:
    """Coverage of one group given the organisations' distances."""
    found = _classify(net, group, dist, toward)
    if isinstance(found, GroupCoverage):
        return found
    reachers = net.reach.get(group, ())
    cls, distance, route = found
    flow = group_flows(net, [reachers], dist)[0]
    return GroupCoverage(group, cls, distance, flow.routes, route, flow.paths, reachers,
                         flow.residual, flow.numbers)


def _chain(start: str, toward: dict[str, str]) -> list[str]:
    route = [start]
    while route[-1] in toward:
        route.append(toward[route[-1]])
    return route


def group_coverages(net: Network, groups: Iterable[str], dist: dict[str, int],
                    toward: dict[str, str]) -> dict[str, GroupCoverage]:
    """Coverage of several groups given the organisations' distances, in one search call.

    The same coverages as :func:`group_coverage` group by group (each group's
    flow starts empty), for the price of one call of the compiled search; the
    classes are found for all groups at once on the reachers' numbers.
    """
    gids = list(groups)
    reach = net.reach
    tuples = [reach.get(gid, ()) for gid in gids]
    arrays = arrays_of(net)
    gptr, flat = flatten(arrays, tuples)
    first_formal, best_linked = _choices(arrays, dist, gptr, flat)
    found: dict[str, Any] = {}
    flowing: list[int] = []
    starts = gptr.tolist()
    for k, (gid, reachers, ff, bl) in enumerate(zip(gids, tuples, first_formal.tolist(),
                                                    best_linked.tolist(), strict=True)):
        if not reachers:
            found[gid] = GroupCoverage(gid, "unreached", None, 0, [], [], reachers)
        elif ff >= 0:
            found[gid] = ("direct", 0, [reachers[ff - starts[k]]])
            flowing.append(k)
        elif bl >= 0:
            best = reachers[bl - starts[k]]
            found[gid] = ("bridged", dist[best], _chain(best, toward))
            flowing.append(k)
        else:
            found[gid] = GroupCoverage(gid, "informal_only", None, 0, [], [], reachers)
    flows = group_flows(net, [tuples[g] for g in flowing], dist,
                        numbered=_segments(gptr, flat, flowing))
    for k, flow in zip(flowing, flows, strict=True):
        gid = gids[k]
        cls, distance, route = found[gid]
        found[gid] = GroupCoverage(gid, cls, distance, flow.routes, route, flow.paths,
                                   tuples[k], flow.residual, flow.numbers)
    return found


def _choices(arrays: Any, dist: dict[str, int], gptr: np.ndarray, flat: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Per group: its first formal reacher, and its first reacher of least distance.

    Both as positions in ``flat`` (-1: none), as :func:`_classify` picks them
    (``min`` keeps the first of equal distances).
    """
    n = len(gptr) - 1
    seg = np.repeat(np.arange(n), np.diff(gptr))
    known = flat >= 0
    number = np.where(known, flat, 0)
    positions = np.arange(len(flat), dtype=np.int64)
    first_formal = np.full(n, len(flat), np.int64)
    formal = np.flatnonzero(known & arrays.formal[number])
    np.minimum.at(first_formal, seg[formal], positions[formal])
    steps = np.where(known, arrays.steps(dist)[number], -1)
    linked = np.flatnonzero(steps >= 0)
    width = len(flat) + 1
    best = np.full(n, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(best, seg[linked], steps[linked] * width + positions[linked])
    first_formal[first_formal == len(flat)] = -1
    best_linked = np.where(best == np.iinfo(np.int64).max, -1, best % width)
    return first_formal, best_linked


def _segments(gptr: np.ndarray, flat: np.ndarray, chosen: list[int]
              ) -> tuple[np.ndarray, np.ndarray]:
    """The reacher numbers of the ``chosen`` groups only, as ``(gptr, flat)``."""
    sizes = np.diff(gptr)
    keep = np.zeros(len(sizes), np.bool_)
    keep[chosen] = True
    ptr = np.zeros(len(chosen) + 1, np.int64)
    np.cumsum(sizes[keep], out=ptr[1:])
    return ptr, flat[np.repeat(keep, sizes)]


def compute(net: Network, only: Iterable[str] | None = None) -> Coverage:
    """Coverage of every group of ``net`` (or only of the groups in ``only``).

    The routes of all groups are found in one call of the compiled search.
    """
    dist, toward = distances(net)
    found = group_coverages(net, list(net.groups) if only is None else list(only), dist, toward)
    return Coverage(net, found, dist, toward)


def coverage(
    dataset: Dataset, min_quality: float | None = None, include_unrated: bool = True
) -> Coverage:
    """Coverage of every parent group of ``dataset``.

    Parameters
    ----------
    dataset
        The district.
    min_quality
        Only collaborations whose mean rated condition is at least this count.
    include_unrated
        Whether unrated collaborations count when ``min_quality`` is given.
    """
    return compute(network_from_dataset(dataset, min_quality, include_unrated))
