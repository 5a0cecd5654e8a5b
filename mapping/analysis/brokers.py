"""Brokers: which organisations the district's coverage depends on.

For each organisation: the groups (and families) that would fall to a worse
coverage class, or lose a route, if it disappeared. Only organisations on a
group's flow paths can cost it a route (removing a vertex lowers a max flow by
at most one, and a flow avoiding the vertex survives), so each such
organisation is tested by dropping its path and searching for one augmenting
path that avoids it.

Class worsening:

* a ``direct`` group whose only formal reacher disappears;
* a fragile group (``routes == 1``) whose single route is cut (to
  ``informal_only`` or ``unreached``);
* an ``informal_only`` group whose single reacher disappears (to ``unreached``).

A *sole bridge* is an organisation that is the only route to professional help
for at least one group: its departure cuts that group off.
"""

from __future__ import annotations

from typing import Any

from mapping.analysis.coverage import _SNK, _SRC, Coverage, Flow, GroupCoverage, augmenting_path


def flow_from_paths(paths: list[list[str]]) -> Flow:
    """A :class:`~mapping.analysis.coverage.Flow` carrying exactly ``paths``."""
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


def route_losses(cov: Coverage, gc: GroupCoverage) -> dict[str, bool]:
    """For each organisation on the group's flow paths: does removing it cost a route?"""
    losses: dict[str, bool] = {}
    alive = cov.distance
    # When every reacher with a chain carries a route, losing one of them is losing a
    # route: the flow cannot exceed the reachers left, so no search is needed.
    bound = {r for r in gc.reachers if r in alive}
    saturated = bound if gc.routes >= len(bound) else set()
    for i, path in enumerate(gc.paths):
        flow = None  # built once per path: augmenting_path only reads the flow
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
    """Organisations whose departure would hurt some group, most families first.

    Returns
    -------
    list of dict
        ``id``, ``name``, ``kind``, ``worse_groups`` (ids of groups that would
        fall to a worse class), ``worse_families``, ``route_groups`` (ids of
        groups that would lose a route), ``route_families``, ``sole_bridge``
        (bool) and ``sole_bridge_for`` (group ids it is the only route for).
    """
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


def sole_bridges(cov: Coverage) -> list[dict[str, Any]]:
    """The brokers that are the only route to professional help for some group."""
    return [b for b in brokers(cov) if b["sole_bridge"]]
