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

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from mapping.analysis import graph as g
from mapping.analysis.flow import (  # noqa: F401  (public names kept here)
    _SNK,
    _SRC,
    Flow,
    augment,
    augmenting_path,
    max_flow,
)
from mapping.domain.dataset import Dataset
from mapping.i18n import Catalog, format_percent, translate
from mapping.locales import catalog

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

    def copy(self) -> Network:
        """A copy whose adjacency and reach can be changed without touching this one."""
        return Network(
            adj={k: dict.fromkeys(v) for k, v in self.adj.items()},
            formal=set(self.formal),
            reach=dict(self.reach),
            orgs=self.orgs,
            groups=self.groups,
            hood_names=self.hood_names,
        )

    def hood(self, code: Any) -> str | None:
        """The neighbourhood's name for people (its code when the GeoJSON has no name)."""
        if code is None or code == "":
            return None
        return self.hood_names.get(str(code), str(code))

    def families(self, group: str) -> int:
        """Estimated families of ``group``; 0 when unknown."""
        return family_count(self.groups.get(group, {}).get("families"))

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
    except (TypeError, ValueError):
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

    Returns
    -------
    dist, toward
        ``dist[org]``: 0 for formal organisations, else the fewest informal
        organisations on a collaboration chain from ``org`` to a formal one
        (``org`` itself included); organisations without such a chain are
        absent. ``toward[org]``: the next organisation on one shortest chain.
    """
    dist = {f: 0 for f in net.formal}
    toward: dict[str, str] = {}
    queue = deque(sorted(net.formal))
    adj = net.adj
    while queue:
        u = queue.popleft()
        # Only the neighbours not reached yet, sorted: deterministic routes. (Filtering
        # before sorting visits them in the same order, and sorts a few, not all.)
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
    return GroupCoverage(group, cls, distance, flow.value, route, flow.paths(), reachers, residual)


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


# --- tables and summaries for pages and reports -----------------------------


def group_rows(cov: Coverage) -> list[dict[str, Any]]:
    """One JSON-friendly dict per group, in the shape of the report's ``groups``."""
    rows = []
    for gid, gc in cov.groups.items():
        info = cov.network.groups.get(gid, {})
        families = info.get("families")
        rows.append(
            {
                "id": gid,
                "name": info.get("name") or gid,
                "neighbourhood": info.get("neighbourhood"),
                "families": None if families is None or pd.isna(families)
                else family_count(families),
                "coverage": gc.coverage,
                "distance": gc.distance,
                "routes": gc.routes,
                "fragile": gc.fragile,
                "route": list(gc.route),
            }
        )
    return rows


def coverage_table(cov: Coverage) -> pd.DataFrame:
    """Coverage per group as a DataFrame (columns as in the report's ``groups``).

    ``route`` holds a tuple of organisation ids; ``route_names`` the names.
    """
    rows = group_rows(cov)
    for row in rows:
        row["route"] = tuple(row["route"])
        row["route_names"] = tuple(cov.network.name(o) for o in row["route"])
    columns = ["id", "name", "neighbourhood", "families", "coverage", "distance", "routes",
               "fragile", "route", "route_names"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["families"] = frame["families"].astype("Int64")
    frame["distance"] = frame["distance"].astype("Int64")
    return frame


def worst_first(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`coverage_table` with the largest gaps on top.

    Unreached, then informal only, then fragile (one route) before sturdier
    groups of the same class, then by distance (farther is worse), then most
    families first; the name breaks ties so the order is stable.
    """
    key = pd.DataFrame({
        "rank": table["coverage"].map(RANK),
        "sturdy": ~table["fragile"].astype(bool),
        "distance": -table["distance"].astype("Float64").fillna(0),
        "families": -table["families"].astype("Float64").fillna(0),
        "name": table["name"].astype(str),
    })
    order = key.sort_values(list(key.columns), kind="stable").index
    return table.loc[order].reset_index(drop=True)


def summary(cov: Coverage) -> dict[str, dict[str, int]]:
    """Groups and families per class: ``{class: {"groups": n, "families": n}}``."""
    result = {c: {"groups": 0, "families": 0} for c in CLASSES}
    for gid, gc in cov.groups.items():
        result[gc.coverage]["groups"] += 1
        result[gc.coverage]["families"] += cov.network.families(gid)
    return result


def helped_share(cov: Coverage) -> float | None:
    """Share of families (0-1) with a route to professional help (direct or bridged).

    ``None`` when no group has a known number of families. The one place this
    figure is computed: the report, the overview, what-if and the map use it.
    """
    totals = summary(cov)
    families = sum(v["families"] for v in totals.values())
    helped = totals["direct"]["families"] + totals["bridged"]["families"]
    return helped / families if families else None


def neighbourhood_shares(cov: Coverage) -> list[dict[str, Any]]:
    """Per neighbourhood: groups and families per class, and the share of
    families (and of groups) with a route to professional help (direct or bridged).

    Groups without a neighbourhood are collected under ``None``. ``name`` is the
    neighbourhood's name from the GeoJSON (else its code). ``share`` is ``None``
    when the neighbourhood has no families recorded.
    """
    per: dict[Any, dict[str, Any]] = {}
    for gid, gc in cov.groups.items():
        hood = cov.network.groups.get(gid, {}).get("neighbourhood")
        entry = per.setdefault(hood, {"neighbourhood": hood, "name": cov.network.hood(hood),
                                      **{c: {"groups": 0, "families": 0} for c in CLASSES}})
        entry[gc.coverage]["groups"] += 1
        entry[gc.coverage]["families"] += cov.network.families(gid)
    for entry in per.values():
        helped = entry["direct"]["families"] + entry["bridged"]["families"]
        total = sum(entry[c]["families"] for c in CLASSES)
        groups = sum(entry[c]["groups"] for c in CLASSES)
        entry["families"] = total
        entry["groups"] = groups
        entry["share"] = helped / total if total else None
        entry["group_share"] = (entry["direct"]["groups"] + entry["bridged"]["groups"]) / groups
    return sorted(per.values(), key=lambda e: (e["neighbourhood"] is None,
                                               str(e["neighbourhood"])))


MESSAGES: Catalog = catalog.namespace("coverage")


def join_names(names: list[str], lang: str = "nl") -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"`` in the reader's language."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {translate(MESSAGES, 'and', lang)} " + names[-1]


def gap_sentences(cov: Coverage, lang: str = "nl", limit: int = 5) -> list[str]:
    """The largest gaps as plain sentences, biggest (by families) first.

    Unreached and informal-only groups come before fragile ones of the same
    size, because they have no route at all.
    """
    ranked = sorted(
        (gc for gc in cov.groups.values() if gc.coverage in ("unreached", "informal_only")
         or gc.fragile),
        key=lambda gc: (-cov.network.families(gc.id), gc.routes, gc.id),
    )
    return [_gap_sentence(cov, gc, lang) for gc in ranked[:limit]]


def _gap_sentence(cov: Coverage, gc: GroupCoverage, lang: str) -> str:
    net = cov.network
    hood = net.hood(net.groups.get(gc.id, {}).get("neighbourhood")) or translate(
        MESSAGES, "unknown_hood", lang)
    values = {"group": net.name(gc.id, is_group=True), "hood": hood,
              "families": net.families(gc.id)}
    if gc.coverage == "unreached":
        return translate(MESSAGES, "unreached", lang, **values)
    if gc.coverage == "informal_only":
        names = [net.name(o) for o in gc.reachers]
        return translate(MESSAGES, "informal_only_by", lang, orgs=join_names(names, lang),
                         count=len(names), **values)
    names = [net.name(o) for o in gc.paths[0]] if gc.paths else []
    return translate(MESSAGES, "fragile", lang, orgs=join_names(names, lang), **values)


def share_sentences(cov: Coverage, lang: str = "nl") -> list[str]:
    """One sentence per neighbourhood with its share of families with a route."""
    out = []
    for entry in neighbourhood_shares(cov):
        if entry["share"] is None:
            continue
        hood = cov.network.hood(entry["neighbourhood"]) or translate(
            MESSAGES, "unknown_hood", lang)
        out.append(translate(MESSAGES, "share", lang, hood=hood,
                             share=format_percent(entry["share"], lang)))
    return out
