"""What the network view shows: coverage per group, the page's filters and highlights.

Pure functions over the graph of :func:`mapping.analysis.graph.build_graph`;
each returns a new object and leaves its input (usually the page's cached
graph) untouched.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import networkx as nx
import pandas as pd

from mapping.analysis.graph import (
    COLLABORATION,
    GROUP,
    ORG,
    REACH,
    collaboration_graph,
    group_node,
    org_node,
)


@dataclass(frozen=True)
class Highlight:
    """Nodes and edges to show in full colour; everything else is dimmed.

    Attributes
    ----------
    nodes
        Node keys to highlight.
    edges
        Edges to highlight as unordered pairs (``frozenset({u, v})``).
    """

    nodes: frozenset[Hashable] = field(default_factory=frozenset)
    edges: frozenset[frozenset[Hashable]] = field(default_factory=frozenset)


@dataclass(frozen=True)
class GroupCoverage:
    """Coverage of one parent group as the renderers need it."""

    coverage: str | None
    routes: int | None = None
    fragile: bool = False


# --------------------------------------------------------------------------- coverage input


def coverage_by_node(coverage: Any) -> dict[Hashable, GroupCoverage]:
    """Normalise coverage input to ``{group node key: GroupCoverage}``.

    Parameters
    ----------
    coverage
        ``None``; a mapping ``group node key -> class`` (e.g. ``{"g:7": "bridged"}``);
        a mapping ``group node key -> GroupCoverage``; a ``mapping.analysis.coverage``
        result object (its ``groups`` maps group id -> object with
        ``coverage``, ``routes``, ``fragile``); or a DataFrame such as
        ``mapping.analysis.coverage_summary.coverage_table`` with an
        ``id`` column (the parent group's id from the table, not the node key)
        or a ``node`` column (node key), a ``coverage`` column and optionally
        ``routes`` and ``fragile``.

    Returns
    -------
    dict
        Group node key -> :class:`GroupCoverage`.
    """
    if coverage is None:
        return {}
    groups = getattr(coverage, "groups", None)
    if isinstance(groups, Mapping):  # a mapping.analysis.coverage.Coverage result
        return {
            group_node(str(gid)): GroupCoverage(
                _text(getattr(gc, "coverage", None)), getattr(gc, "routes", None),
                bool(getattr(gc, "fragile", False)))
            for gid, gc in groups.items()
        }
    if isinstance(coverage, pd.DataFrame):
        result: dict[Hashable, GroupCoverage] = {}
        for row in coverage.to_dict("records"):
            key = row["node"] if "node" in row else group_node(str(row["id"]))
            routes = row.get("routes")
            routes = None if routes is None or pd.isna(routes) else int(routes)
            fragile = row.get("fragile")
            fragile = bool(fragile) if fragile is not None and not pd.isna(fragile) else False
            result[key] = GroupCoverage(_text(row.get("coverage")), routes, fragile)
        return result
    return {
        key: value if isinstance(value, GroupCoverage) else GroupCoverage(_text(value))
        for key, value in coverage.items()
    }


# --------------------------------------------------------------------------- filters and highlights


def filter_graph(
    graph: nx.Graph,
    neighbourhoods: Collection[str] | None = None,
    categories: Collection[str] | None = None,
    topics: Collection[str] | None = None,
    coverage_classes: Collection[str] | None = None,
    min_quality: float | None = None,
    coverage: Any = None,
    include_unrated: bool = True,
) -> nx.Graph:
    """The part of ``graph`` that passes the page's filters (a new graph; input untouched).

    Each filter narrows one kind of node, so the filters combine predictably;
    ``None`` or an empty collection means "no filter".

    Parameters
    ----------
    graph
        Graph from :func:`mapping.analysis.graph.build_graph`.
    neighbourhoods
        Keep parent groups in these neighbourhoods, and organisations located
        in them *or* reaching a kept group there (city-wide services that work
        in the neighbourhood stay visible).
    categories
        Keep organisations of these categories (groups are not affected, so
        unreached groups stay visible).
    topics
        Keep organisations working on at least one of these topics.
    coverage_classes
        Keep parent groups whose coverage class (from ``coverage``) is one of
        these; groups without a known class are dropped.
    min_quality
        Drop collaborations whose mean quality is below this (nodes stay).
    coverage
        Coverage input for ``coverage_classes``, see :func:`coverage_by_node`.
    include_unrated
        Whether unrated collaborations survive ``min_quality``.

    Returns
    -------
    networkx.Graph
        Node-induced copy of ``graph`` without the dropped collaborations.
        Positions computed for the full graph apply unchanged.
    """
    orgs = [n for n, t in graph.nodes(data="type") if t == ORG]
    grps = [n for n, t in graph.nodes(data="type") if t == GROUP]
    if coverage_classes:
        classes = set(coverage_classes)
        cov = coverage_by_node(coverage)
        grps = [g for g in grps if g in cov and cov[g].coverage in classes]
    if categories:
        wanted = set(categories)
        orgs = [o for o in orgs if graph.nodes[o].get("category") in wanted]
    if topics:
        wanted = set(topics)
        orgs = [o for o in orgs if wanted.intersection(graph.nodes[o].get("topics") or ())]
    if neighbourhoods:
        places = {str(p) for p in neighbourhoods}
        grps = [g for g in grps if str(graph.nodes[g].get("neighbourhood")) in places]
        kept_groups = set(grps)
        orgs = [
            o for o in orgs
            if str(graph.nodes[o].get("neighbourhood")) in places
            or any(m in kept_groups and graph.edges[o, m]["type"] == REACH
                   for m in graph.neighbors(o))
        ]
    keep = set(orgs) | set(grps)
    result = graph.subgraph([n for n in graph if n in keep]).copy()
    if min_quality is not None:
        drop = [
            (u, v) for u, v, d in result.edges(data=True)
            if d.get("type") == COLLABORATION and not _passes(d, min_quality, include_unrated)
        ]
        result.remove_edges_from(drop)
    return result


def ego_nodes(graph: nx.Graph, org: Hashable, steps: int = 1) -> Highlight:
    """The ego network of ``org``: nodes within ``steps`` links and the edges among them.

    Parameters
    ----------
    graph
        The (possibly filtered) graph.
    org
        Node key of the organisation (``"o:<id>"``); a group key works too.
    steps
        Number of links to follow (reach and collaboration alike).

    Returns
    -------
    Highlight
        The nodes and the edges between them; empty if ``org`` is not in ``graph``.
    """
    if org not in graph:
        return Highlight()
    nodes = frozenset(nx.single_source_shortest_path_length(graph, org, cutoff=max(0, steps)))
    edges = frozenset(frozenset((u, v)) for u, v in graph.subgraph(nodes).edges)
    return Highlight(nodes, edges)


def route_highlight(
    graph: nx.Graph,
    group: Hashable,
    coverage_route: Sequence[Hashable] | Sequence[Sequence[Hashable]] | None = None,
) -> Highlight:
    """A parent group's routes to professional help, as a highlight.

    Parameters
    ----------
    graph
        The graph.
    group
        Node key of the parent group (``"g:<id>"``).
    coverage_route
        The route(s) from the coverage analysis: one path (the ``route``
        column of ``coverage_table``, organisation ids from the reaching
        organisation to the formal one, e.g. ``("3", "9")``) or a list of such
        paths (``GroupCoverage.paths``). Node keys (``"o:3"``) work too, and a
        path may start with the group's key. When ``None`` or empty, the
        group, every organisation reaching it and,
        for each of those that is informal, one shortest chain of
        collaborations to a formal organisation are highlighted.

    Returns
    -------
    Highlight
        Nodes and consecutive-pair edges of the route(s), always including
        the group and its reach links.
    """
    if group not in graph:
        return Highlight()
    paths: list[list[Hashable]] = []
    if coverage_route is not None and len(coverage_route) > 0:
        first = coverage_route[0]
        is_nested = not isinstance(first, (str, bytes)) and isinstance(first, Sequence)
        raw = coverage_route if is_nested else [coverage_route]
        for path in raw:
            keys = [_node_key(graph, x) for x in path]  # type: ignore[union-attr]
            keys = [k for k in keys if k is not None]
            # coverage.py's routes start at the reaching organisation, not the group.
            paths.append(keys if keys and keys[0] == group else [group, *keys])
    else:
        collab = collaboration_graph(graph)
        for org in graph.neighbors(group):
            if graph.edges[group, org].get("type") != REACH:
                continue
            chain = _chain_to_formal(collab, org)
            paths.append([group, *chain] if chain else [group, org])
    nodes = {group}
    edges: set[frozenset[Hashable]] = set()
    for org in graph.neighbors(group):
        if graph.edges[group, org].get("type") == REACH:
            nodes.add(org)
            edges.add(frozenset((group, org)))
    for path in paths:
        nodes.update(path)
        for u, v in pairwise(path):
            if graph.has_edge(u, v):
                edges.add(frozenset((u, v)))
    return Highlight(frozenset(nodes), frozenset(edges))


def _node_key(graph: nx.Graph, value: Hashable) -> Hashable | None:
    """A node key for ``value``: already a key, or an organisation id."""
    if value in graph:
        return value
    key = org_node(str(value))
    return key if key in graph else None


def _chain_to_formal(collab: nx.Graph, start: Hashable) -> list[Hashable]:
    """Shortest collaboration chain from ``start`` to a formal organisation (BFS)."""
    if start not in collab:
        return []
    parent: dict[Hashable, Hashable | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if collab.nodes[node].get("kind") == "formal":
            chain = [node]
            while parent[chain[-1]] is not None:
                chain.append(parent[chain[-1]])  # type: ignore[arg-type]
            return chain[::-1]
        for nxt in sorted(collab.neighbors(node), key=str):
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return []


def _passes(edge: Mapping[str, Any], min_quality: float, include_unrated: bool) -> bool:
    quality = edge.get("quality")
    if quality is None:
        return include_unrated
    return float(quality) >= min_quality


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)
