"""The reference: routes, distances and brokers as they were computed in pure Python.

This is the former production code of ``mapping.analysis.flow``, ``coverage`` and
``brokers`` (before the compiled kernels), kept verbatim as the oracle the kernels
are checked against (``tests/analysis/test_flow_kernels.py``): the same flows, the
same paths in the same order, the same residual sets, distances and broker tables.
It reads the production :class:`~mapping.analysis.coverage.Network` and builds the
production result classes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from mapping.analysis.coverage import Coverage, GroupCoverage, Network
from mapping.analysis.flow import _SNK, _SRC, Flow, flow_from_paths


def augmenting_path(
    net: Network,
    reachers: Iterable[str],
    flow: Flow,
    alive: dict[str, int] | set[str],
    blocked: frozenset[str] = frozenset(),
) -> tuple[list[tuple[str, int]] | None, set[str]]:
    """BFS for one augmenting path in the residual graph of ``flow``."""
    prv, nxt, formal, adj = flow.prv, flow.nxt, net.formal, net.adj
    par_in: dict[str, Any] = {}
    par_out: dict[str, Any] = {}
    queue: deque[tuple[str, int]] = deque()
    for r in reachers:
        if r in alive and r not in blocked and r not in par_in and prv.get(r) is not _SRC:
            par_in[r] = _SRC
            queue.append((r, 0))
    pop, push, nxt_get, prv_get = queue.popleft, queue.append, nxt.get, prv.get
    while queue:
        v, side = pop()
        if side == 0:
            before = prv_get(v)
            target = v if before is None else (None if before is _SRC else before)
            if target is None or target in par_out:
                continue
            par_out[target] = (v, 0)
            if target in formal and nxt_get(target) is not _SNK:
                return _trace((target, 1), par_in, par_out), set(par_out)
            push((target, 1))
            continue
        after = nxt_get(v)
        out = (v, 1)
        if v not in par_in and prv_get(v) is not None:
            par_in[v] = out
            push((v, 0))
        for w in adj[v]:
            if w in par_in or w == after or w not in alive or w in blocked or nxt_get(w) == v:
                continue
            par_in[w] = out
            push((w, 0))
    return None, set(par_out)


def _trace(end: tuple[str, int], par_in: dict, par_out: dict) -> list[tuple[str, int]]:
    states = []
    state: Any = end
    while state is not _SRC:
        states.append(state)
        state = par_out[state[0]] if state[1] else par_in[state[0]]
    states.reverse()
    return states


def augment(flow: Flow, states: list[tuple[str, int]]) -> None:
    """Push one unit along ``states``: cancellations first, then new arcs."""
    prv, nxt = flow.prv, flow.nxt
    pairs = list(pairwise(states))
    for (a, sa), (b, sb) in pairs:
        if sa == 0 and sb == 1 and a != b:
            nxt.pop(b, None)
            prv.pop(a, None)
    prv[states[0][0]] = _SRC
    for (a, sa), (b, sb) in pairs:
        if sa == 1 and sb == 0 and a != b:
            nxt[a] = b
            prv[b] = a
    nxt[states[-1][0]] = _SNK
    flow.value += 1


def max_flow(
    net: Network,
    reachers: tuple[str, ...],
    alive: dict[str, int] | set[str],
    blocked: frozenset[str] = frozenset(),
) -> tuple[Flow, frozenset[str] | None]:
    """Maximum number of vertex-disjoint routes from ``reachers`` to formal orgs."""
    flow = Flow()
    limit = sum(1 for r in reachers if r in alive and r not in blocked)
    while flow.value < limit:
        states, reached = augmenting_path(net, reachers, flow, alive, blocked)
        if states is None:
            return flow, frozenset(reached)
        augment(flow, states)
    return flow, None


def distances(net: Network) -> tuple[dict[str, int], dict[str, str]]:
    """Distance of every organisation to professional help, by multi-source BFS."""
    dist = {f: 0 for f in net.formal}
    toward: dict[str, str] = {}
    queue = deque(sorted(net.formal))
    adj = net.adj
    while queue:
        u = queue.popleft()
        fresh = [w for w in adj.get(u, ()) if w not in dist]
        if not fresh:
            continue
        fresh.sort()
        step = dist[u] + 1
        for w in fresh:
            dist[w] = step
            toward[w] = u
        queue.extend(fresh)
    return dist, toward


def group_coverage(
    net: Network, group: str, dist: dict[str, int], toward: dict[str, str]
) -> GroupCoverage:
    """Coverage of one group given the organisations' distances."""
    reachers = net.reach.get(group, ())
    if not reachers:
        return GroupCoverage(group, "unreached", None, 0, [], [], reachers)
    formal = [r for r in reachers if r in net.formal]
    if formal:
        cls, distance, route = "direct", 0, [formal[0]]
    else:
        linked = [r for r in reachers if r in dist]
        if not linked:
            return GroupCoverage(group, "informal_only", None, 0, [], [], reachers)
        best = min(linked, key=lambda r: dist[r])
        cls, distance, route = "bridged", dist[best], _chain(best, toward)
    flow, residual = max_flow(net, reachers, dist)
    return GroupCoverage(group, cls, distance, flow.value, route, flow.paths(), reachers,
                         residual)


def _chain(start: str, toward: dict[str, str]) -> list[str]:
    route = [start]
    while route[-1] in toward:
        route.append(toward[route[-1]])
    return route


def compute(net: Network, only: Iterable[str] | None = None) -> Coverage:
    """Coverage of every group of ``net`` (or only of the groups in ``only``)."""
    dist, toward = distances(net)
    ids = list(net.groups) if only is None else list(only)
    result = {gid: group_coverage(net, gid, dist, toward) for gid in ids}
    return Coverage(net, result, dist, toward)


def route_losses(cov: Coverage, gc: GroupCoverage) -> dict[str, bool]:
    """For each organisation on the group's flow paths: does removing it cost a route?"""
    losses: dict[str, bool] = {}
    alive = cov.distance
    bound = {r for r in gc.reachers if r in alive}
    saturated = bound if gc.routes >= len(bound) else set()
    for i, path in enumerate(gc.paths):
        flow = None
        for org in path:
            if org in losses:
                continue
            if org in saturated:
                losses[org] = True
                continue
            if flow is None:
                flow = flow_from_paths(gc.paths[:i] + gc.paths[i + 1 :])
            states, _ = augmenting_path(cov.network, gc.reachers, flow, alive,
                                        blocked=frozenset((org,)))
            losses[org] = states is None
    return losses


def group_impacts(cov: Coverage, gc: GroupCoverage) -> dict[str, dict[str, bool]]:
    """Per organisation whose loss hurts the group: ``{"worse": .., "route": .., "sole": ..}``."""
    impacts: dict[str, dict[str, bool]] = {}
    if gc.coverage == "informal_only" and len(gc.reachers) == 1:
        impacts[gc.reachers[0]] = {"worse": True, "route": False, "sole": False}
    if gc.routes == 0:
        return impacts
    for org, lost in route_losses(cov, gc).items():
        if lost:
            cut_off = gc.routes == 1
            impacts[org] = {"worse": cut_off, "route": True, "sole": cut_off}
    if gc.coverage == "direct":
        formal = [r for r in gc.reachers if r in cov.network.formal]
        if len(formal) == 1:
            entry = impacts.setdefault(formal[0], {"worse": False, "route": False, "sole": False})
            entry["worse"] = True
    return impacts


def brokers(cov: Coverage) -> list[dict[str, Any]]:
    """Organisations whose departure would hurt some group, most families first."""
    net = cov.network
    table: dict[str, dict[str, Any]] = {}
    for gid, gc in cov.groups.items():
        for org, impact in group_impacts(cov, gc).items():
            entry = table.setdefault(org, _empty_entry(cov, org))
            families = net.families(gid)
            if impact["worse"]:
                entry["worse_groups"].append(gid)
                entry["worse_families"] += families
            if impact["route"]:
                entry["route_groups"].append(gid)
                entry["route_families"] += families
            if impact["sole"]:
                entry["sole_bridge_for"].append(gid)
    for entry in table.values():
        entry["sole_bridge"] = bool(entry["sole_bridge_for"])
    return sorted(table.values(), key=lambda e: (-e["worse_families"], -e["route_families"],
                                                 -len(e["worse_groups"]), e["id"]))


def _empty_entry(cov: Coverage, org: str) -> dict[str, Any]:
    return {
        "id": org,
        "name": cov.network.name(org),
        "kind": cov.network.orgs.get(org, {}).get("kind"),
        "worse_groups": [],
        "worse_families": 0,
        "route_groups": [],
        "route_families": 0,
        "sole_bridge_for": [],
        "sole_bridge": False,
    }
