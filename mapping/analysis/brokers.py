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

import numpy as np

from mapping.analysis import flow
from mapping.analysis.coverage import Coverage, GroupCoverage
from mapping.analysis.flow import flow_from_paths  # noqa: F401  (public name kept here)
from mapping.analysis.network_arrays import arrays_of


def route_losses(cov: Coverage, gc: GroupCoverage) -> dict[str, bool]:
    """For each organisation on the group's flow paths: does removing it cost a route?"""
    return flow.route_losses(cov.network, cov.distance, [gc])[0]


def group_impacts(cov: Coverage, gc: GroupCoverage) -> dict[str, dict[str, bool]]:
    """Per organisation whose loss hurts the group: ``{"worse": .., "route": .., "sole": ..}``."""
    return _impacts(cov, gc, route_losses(cov, gc) if gc.routes else {})


def _impacts(cov: Coverage, gc: GroupCoverage, losses: dict[str, bool]
             ) -> dict[str, dict[str, bool]]:
    impacts: dict[str, dict[str, bool]] = {}
    if gc.coverage == "informal_only" and len(gc.reachers) == 1:
        impacts[gc.reachers[0]] = {"worse": True, "route": False, "sole": False}
    if gc.routes == 0:
        return impacts
    for org, lost in losses.items():
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
    gcs = list(cov.groups.values())
    flowing = [i for i, gc in enumerate(gcs) if gc.routes]
    # Every group's route losses in one call of the compiled search, then the
    # impacts as arrays: one record (group, organisation, worse, route, sole) each.
    nodes, flags = flow.route_loss_flags(net, cov.distance, [gcs[i] for i in flowing])
    on_routes = np.fromiter((sum(map(len, gcs[i].paths)) for i in flowing), np.int64,
                            len(flowing))
    group_of = np.repeat(np.asarray(flowing, np.int64), on_routes)
    lost = flags == 1
    routes = np.fromiter((gc.routes for gc in gcs), np.int64, len(gcs))
    rec_group, rec_org = group_of[lost], nodes[lost].astype(np.int64)
    cut_off = routes[rec_group] == 1
    rec_worse, rec_route, rec_sole = cut_off, np.ones(len(rec_group), np.bool_), cut_off
    extra_group, extra_org = _class_losses(cov, gcs)
    arrays = arrays_of(net)
    extra_num = arrays.ids.numbers(lambda: extra_org, len(extra_org), strict=True)
    group_ix = np.concatenate([rec_group, np.asarray(extra_group, np.int64)])
    org_ix = np.concatenate([rec_org, extra_num.astype(np.int64)])
    if not len(org_ix):
        return []
    worse = np.concatenate([rec_worse, np.ones(len(extra_group), np.bool_)])
    route = np.concatenate([rec_route, np.zeros(len(extra_group), np.bool_)])
    sole = np.concatenate([rec_sole, np.zeros(len(extra_group), np.bool_)])
    # One impact per (organisation, group), its flags or-ed, groups in their order.
    order = np.lexsort((group_ix, org_ix))
    group_ix, org_ix = group_ix[order], org_ix[order]
    first = np.flatnonzero(np.r_[True, (np.diff(org_ix) != 0) | (np.diff(group_ix) != 0)])
    group_ix, org_ix = group_ix[first], org_ix[first]
    worse, route, sole = (np.logical_or.reduceat(f[order], first) for f in (worse, route, sole))
    families = np.fromiter(map(net.families, cov.groups), np.int64, len(gcs))[group_ix]
    starts = np.flatnonzero(np.r_[True, np.diff(org_ix) != 0])
    worse_families = np.add.reduceat(np.where(worse, families, 0), starts)
    route_families = np.add.reduceat(np.where(route, families, 0), starts)
    worse_count = np.add.reduceat(worse.astype(np.int64), starts)
    # Most families first; org numbers follow the ids' sorted order, so they break ties.
    ranked = np.lexsort((org_ix[starts], -worse_count, -route_families, -worse_families))
    # The table column by column: each broker's groups are slices of three flat
    # lists (its records are contiguous), so no per-broker filtering is needed.
    gids = _objects(list(cov.groups))
    worse_groups = _slices(gids, group_ix, worse, starts, ranked)
    route_groups = _slices(gids, group_ix, route, starts, ranked)
    sole_for = _slices(gids, group_ix, sole, starts, ranked)
    orgs = arrays.ids.objects[org_ix[starts[ranked]]].tolist()
    infos = net.orgs
    empty: dict[str, Any] = {}
    rows = [infos.get(org) or empty for org in orgs]
    return [{
        "id": org,
        "name": str(info.get("name") or org),
        "kind": info.get("kind"),
        "worse_groups": wg,
        "worse_families": wf,
        "route_groups": rg,
        "route_families": rf,
        "sole_bridge_for": sf,
        "sole_bridge": bool(sf),
    } for org, info, wg, wf, rg, rf, sf in zip(
        orgs, rows, worse_groups, worse_families[ranked].tolist(), route_groups,
        route_families[ranked].tolist(), sole_for, strict=True)]


def _objects(values: list[Any]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _slices(gids: np.ndarray, group_ix: np.ndarray, flag: np.ndarray, starts: np.ndarray,
            ranked: np.ndarray) -> list[list[Any]]:
    """Per broker in ``ranked`` order, the ids of its groups whose ``flag`` is set.

    Broker ``k``'s records are ``starts[k]`` up to the next start (groups in order).
    """
    chosen = np.flatnonzero(flag)
    flat = gids[group_ix[chosen]].tolist()
    # Where each broker's flagged records begin and end in ``flat``.
    bounds = np.searchsorted(chosen, np.r_[starts, len(flag)])
    lo, hi = bounds[:-1][ranked].tolist(), bounds[1:][ranked].tolist()
    return [flat[a:b] for a, b in zip(lo, hi, strict=True)]


def _class_losses(cov: Coverage, gcs: list[GroupCoverage]) -> tuple[list[int], list[str]]:
    """Impacts on the class alone: (group position, organisation) pairs.

    An ``informal_only`` group's single reacher, and a ``direct`` group's single
    formal reacher, take the group to a worse class when they leave.
    """
    formal = cov.network.formal
    groups: list[int] = []
    orgs: list[str] = []
    for i, gc in enumerate(gcs):
        if gc.coverage == "informal_only" and len(gc.reachers) == 1:
            groups.append(i)
            orgs.append(gc.reachers[0])
        elif gc.coverage == "direct":
            mine = [r for r in gc.reachers if r in formal]
            if len(mine) == 1:
                groups.append(i)
                orgs.append(mine[0])
    return groups, orgs


def sole_bridges(cov: Coverage) -> list[dict[str, Any]]:
    """The brokers that are the only route to professional help for some group."""
    return [b for b in brokers(cov) if b["sole_bridge"]]
