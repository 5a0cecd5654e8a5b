"""A city-size network as a city: one node per neighbourhood and side.

Above :data:`CITY_ABOVE` visible nodes a browser cannot draw the network
smoothly and nobody can read it, so the network page shows it aggregated:
every neighbourhood becomes up to three nodes, its formal organisations, its
informal organisations and its parent groups (its *sides*), sized by how many
they are, and the links between the sides of all neighbourhoods become one
edge per pair, weighted by how many links it stands for. A parent-group node
carries the share of its families in each coverage class and is coloured by
the class that holds most of them.

Pure functions: the graph handed in (the page's cached graph) is only read;
the result is a new graph. Totals are preserved: the members of all
aggregate nodes are exactly the graph's nodes, and every link of the graph is
counted once, either on an aggregate edge or as an ``inner`` link of the one
aggregate node holding both its ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import networkx as nx

from mapping.analysis.graph import COLLABORATION, GROUP, ORG
from mapping.views.layout import grouped_positions
from mapping.views.lines import (  # noqa: F401  (re-exported: callers import them from here)
    LINE_CAP,
    Strength,
    link_strength,
    strongest,
    strongest_split,
)
from mapping.views.network_select import coverage_by_node
from mapping.views.palette import COVERAGE_CLASSES

CITY_ABOVE = 2000
"""Above this many visible nodes the network page starts aggregated."""


SIDES: tuple[str, ...] = ("formal", "informal", "groups")
"""The sides of a neighbourhood, one aggregate node each."""

NO_HOOD = "?"
"""Neighbourhood key of the nodes without a neighbourhood."""

NODE_CAP = 2000
"""Most aggregate nodes the city view sends to the browser (see :func:`merge_smallest`).

A national dataset has about 1,700 neighbourhoods, so about 5,000 aggregate nodes:
more than the real-node view is allowed to draw (:data:`CITY_ABOVE`)."""

REST = "\u2026"
"""Neighbourhood key of the nodes that stand for the smallest neighbourhoods together
("…": no CBS code looks like it)."""


def side_of(data: Mapping[str, Any]) -> str:
    """The side a node belongs to: ``"groups"``, ``"formal"`` or ``"informal"``."""
    if data.get("type") == GROUP:
        return "groups"
    return "formal" if data.get("kind") == "formal" else "informal"


def hood_of(data: Mapping[str, Any]) -> str:
    """The node's neighbourhood code, :data:`NO_HOOD` when it has none."""
    hood = data.get("neighbourhood")
    if hood is None or (isinstance(hood, float) and hood != hood):
        return NO_HOOD
    return str(hood).strip() or NO_HOOD


def aggregate_node(hood: str, side: str) -> str:
    """Key of the aggregate node of ``side`` in neighbourhood ``hood``."""
    return f"a:{side}:{hood}"


def aggregate(graph: nx.Graph, coverage: Any = None,
              hood_names: Mapping[str, str] | None = None, cap: int | None = NODE_CAP,
              ) -> nx.Graph:
    """The city view of ``graph``: one node per neighbourhood and side (a new graph).

    With more than ``cap`` such nodes, the smallest neighbourhoods are merged
    into one node per side (:func:`merge_smallest`), so the browser never gets
    more than ``cap`` nodes.

    Parameters
    ----------
    graph
        Graph from :func:`mapping.analysis.graph.build_graph`, possibly filtered;
        only read.
    coverage
        Coverage per group (anything :func:`mapping.views.network_select.coverage_by_node`
        accepts), for the class shares of the parent-group nodes.
    hood_names
        Neighbourhood code -> name, for the nodes' names.
    cap
        Most nodes of the result (:data:`NODE_CAP`); ``None`` merges nothing.

    Returns
    -------
    networkx.Graph
        Nodes keyed by :func:`aggregate_node` with ``type`` (``"organisation"``
        or ``"group"``, so the renderer draws them by the same shapes),
        ``side``, ``kind`` (organisations), ``neighbourhood``, ``name``,
        ``count`` (members), ``families`` (sum over the groups, or over the
        groups reached, for organisations), ``inner`` (links inside the node),
        ``classes`` (groups: coverage class -> families, in
        :data:`COVERAGE_CLASSES` order, ``None`` for groups without a class)
        and ``members`` (the node keys it stands for, sorted). Edges carry
        ``links`` (total), ``reach`` and ``collaborations``.
        ``graph.graph["aggregate"]`` is true; ``graph.graph["rest"]`` tells
        what :func:`merge_smallest` merged, when it did.
    """
    names = hood_names or {}
    cov = coverage_by_node(coverage)
    where: dict[Hashable, str] = {}
    members: dict[str, list[Hashable]] = {}
    families: dict[Hashable, int] = {}  # per group node, for the organisation sides
    for n, data in graph.nodes(data=True):
        side = side_of(data)
        key = aggregate_node(hood_of(data), side)
        where[n] = key
        members.setdefault(key, []).append(n)
        if side == "groups":
            families[n] = _families(data)
    city = nx.Graph(aggregate=True)
    for key in sorted(members, key=_order):
        side, hood = key.split(":", 2)[1:]
        nodes = sorted(members[key], key=str)
        attrs: dict[str, Any] = {
            "type": GROUP if side == "groups" else ORG, "side": side, "neighbourhood": hood,
            "name": names.get(hood, hood), "count": len(nodes), "members": tuple(nodes),
            "families": 0, "inner": 0,
        }
        if side == "groups":
            classes: Counter[str | None] = Counter()
            for n in nodes:
                gc = cov.get(n)
                classes[gc.coverage if gc else None] += families[n]
            attrs["families"] = sum(families[n] for n in nodes)
            attrs["classes"] = {c: classes[c] for c in (*COVERAGE_CLASSES, None) if c in classes}
        else:
            attrs["kind"] = side
        city.add_node(key, **attrs)
    # One pass over the links with plain counters (140,000 links at 4x); looking the
    # aggregate edge up in networkx for every link cost a third of the aggregation.
    inner: Counter[str] = Counter()
    reach: Counter[tuple[str, str]] = Counter()
    collabs: Counter[tuple[str, str]] = Counter()
    reached: Counter[str] = Counter()
    for u, v, kind in graph.edges(data="type"):
        a, b = where[u], where[v]
        if a == b:
            inner[a] += 1
            continue
        pair = (a, b) if a < b else (b, a)
        if kind == COLLABORATION:
            collabs[pair] += 1
            continue
        reach[pair] += 1
        # An organisation side is sized by the families it reaches.
        org, grp = (u, v) if v in families else (v, u)
        reached[where[org]] += families.get(grp, 0)
    for key, count in inner.items():
        city.nodes[key]["inner"] = count
    for key, count in reached.items():
        city.nodes[key]["families"] += count
    for a, b in sorted(reach.keys() | collabs.keys(), key=lambda p: (_order(p[0]), _order(p[1]))):
        r, c = reach[(a, b)], collabs[(a, b)]
        city.add_edge(a, b, links=r + c, reach=r, collaborations=c)
    return city if cap is None else merge_smallest(city, cap)


def merge_smallest(city: nx.Graph, cap: int = NODE_CAP) -> nx.Graph:
    """``city`` with at most ``cap`` nodes: the smallest neighbourhoods merged into one.

    Neighbourhoods are ranked by the organisations and groups they hold (ties:
    more families first, then by code); the largest keep their own nodes, as
    many as fit in ``cap`` beside the up to three nodes (one per side, key
    :func:`aggregate_node` of :data:`REST`) that stand for all the others
    together. A neighbourhood is kept or merged whole, so its sides are never
    split. Totals are preserved as in :func:`aggregate`: a link between two
    merged neighbourhoods on the same side becomes an ``inner`` link of the
    merged node. Every merged neighbourhood can still be opened on its own
    (:func:`drill_down` reads the real graph).

    Parameters
    ----------
    city
        Graph from :func:`aggregate` (with ``cap=None``); only read.
    cap
        Most nodes of the result; at least one more than there are sides.

    Returns
    -------
    networkx.Graph
        ``city`` itself when it has at most ``cap`` nodes; otherwise a new graph
        whose merged nodes also carry ``hoods`` (the neighbourhood codes they
        stand for, sorted) and ``merged`` (the number of neighbourhoods merged
        on all sides, which names them), with ``graph["rest"]`` = ``{"hoods": number merged,
        "members": organisations and groups in them, "shown": neighbourhoods
        kept}``.
    """
    if city.number_of_nodes() <= cap:
        return city
    if cap <= len(SIDES):
        raise ValueError(f"cap must exceed {len(SIDES)}, got {cap}")
    sides: dict[str, list[str]] = {}
    size: Counter[str] = Counter()
    families: Counter[str] = Counter()
    for n, d in city.nodes(data=True):
        hood = d["neighbourhood"]
        sides.setdefault(hood, []).append(n)
        size[hood] += d["count"]
        if d["side"] == "groups":
            families[hood] += d["families"]
    ranked = sorted(sides, key=lambda h: (-size[h], -families[h], h == NO_HOOD, h))
    budget, used, kept = cap - len(SIDES), 0, set()
    for hood in ranked:
        if hood == REST:
            continue  # a real neighbourhood coded "…" always joins the rest: keys stay unique
        if used + len(sides[hood]) > budget:
            break  # a prefix of the ranking: "the largest", never a gap-filling smaller one
        kept.add(hood)
        used += len(sides[hood])
    rest = [h for h in ranked if h not in kept]
    where = {n: n if d["neighbourhood"] in kept else aggregate_node(REST, d["side"])
             for n, d in city.nodes(data=True)}
    merged = nx.Graph(aggregate=True, rest={"hoods": len(rest),
                                            "members": sum(size[h] for h in rest),
                                            "shown": len(kept)})
    parts: dict[str, list[dict[str, Any]]] = {}
    for n, d in city.nodes(data=True):
        if d["neighbourhood"] not in kept:
            parts.setdefault(where[n], []).append(d)
    for key in sorted({*kept_nodes(city, kept), *parts}, key=_order):
        merged.add_node(key, **(_merged_node(parts[key], len(rest)) if key in parts
                                else city.nodes[key]))
    links: dict[tuple[str, str], Counter[str]] = {}
    for u, v, d in city.edges(data=True):
        a, b = where[u], where[v]
        if a == b:
            merged.nodes[a]["inner"] += d["links"]
            continue
        pair = (a, b) if _order(a) < _order(b) else (b, a)
        links.setdefault(pair, Counter()).update(
            {k: d[k] for k in ("links", "reach", "collaborations")})
    for (a, b) in sorted(links, key=lambda p: (_order(p[0]), _order(p[1]))):
        c = links[(a, b)]
        merged.add_edge(a, b, links=c["links"], reach=c["reach"],
                        collaborations=c["collaborations"])
    return merged


def kept_nodes(city: nx.Graph, kept: set[str]) -> list[str]:
    """The nodes of ``city`` in the neighbourhoods ``kept``."""
    return [n for n, hood in city.nodes(data="neighbourhood") if hood in kept]


def _merged_node(parts: list[dict[str, Any]], hoods: int) -> dict[str, Any]:
    """The attributes of the node standing for ``parts`` (one side of ``hoods`` merged
    neighbourhoods: not all of them have every side)."""
    side = parts[0]["side"]
    attrs: dict[str, Any] = {
        "type": parts[0]["type"], "side": side, "neighbourhood": REST, "name": REST,
        "count": sum(d["count"] for d in parts),
        "members": tuple(sorted((m for d in parts for m in d["members"]), key=str)),
        "families": sum(d["families"] for d in parts),
        "inner": sum(d["inner"] for d in parts),
        "hoods": tuple(sorted(d["neighbourhood"] for d in parts)), "merged": hoods,
    }
    if side == "groups":
        classes: Counter[str | None] = Counter()
        for d in parts:
            classes.update(d["classes"])
        attrs["classes"] = {c: classes[c] for c in (*COVERAGE_CLASSES, None) if c in classes}
    else:
        attrs["kind"] = side
    return attrs


def strongest_lines(city: nx.Graph, cap: int = LINE_CAP,
                    strength: Strength | None = None) -> list[tuple[Hashable, Hashable]]:
    """The aggregate edges the city view draws: at most ``cap``, the strongest of each kind.

    Most lines of a city stand for one link (at 4x, 12,447 of 13,871: a
    city-wide service in a group elsewhere), and each costs the browser as much
    as the thickest. The lines between neighbourhoods get half of ``cap`` (when
    there are that many) and the lines inside one the rest
    (:func:`mapping.views.lines.strongest_split`): inside lines are the
    strongest, and by strength alone they took 1,997 of 2,000 lines at 9x, so
    nothing showed how neighbourhoods connect. Within each kind every node
    keeps its strongest line and then the strongest others are drawn, by
    :func:`city_strength` (number of links, ties by the members the two ends
    stand for, then by key: the same data always draws the same lines) unless
    ``strength`` is given (e.g. :func:`mapping.views.lines.link_strength` for
    real nodes).

    Parameters
    ----------
    city
        Graph from :func:`aggregate`, or (with ``strength``) any graph whose
        nodes carry ``neighbourhood``.
    cap
        Most lines to keep.
    strength
        Sort key of an edge ``(u, v, data)``, strongest first.

    Returns
    -------
    list of tuple
        The kept edges ``(u, v)`` in ``city``'s own edge order.
    """
    return strongest_split(city, cap, strength if strength is not None else city_strength(city),
                           between_neighbourhoods(city))


def between_neighbourhoods(city: nx.Graph) -> Callable[[Hashable, Hashable], bool]:
    """Whether an edge ``(u, v)`` of ``city`` joins two neighbourhoods (:func:`hood_of`).

    The merged smallest neighbourhoods (:data:`REST`) count as one: they are
    drawn as one figure.
    """
    hood = {n: hood_of(d) for n, d in city.nodes(data=True)}
    return lambda u, v: hood[u] != hood[v]


def city_strength(city: nx.Graph) -> Strength:
    """Strength of an aggregate edge: its links, then the members of its ends, then keys.

    A line of a node standing for many merged neighbourhoods (:func:`merge_smallest`)
    counts its links per neighbourhood: at 9x the 85 merged ones held the 668
    strongest lines between neighbourhoods, one star from the middle of the city.
    """
    count = {n: d["count"] for n, d in city.nodes(data=True)}
    hoods = {n: len(d.get("hoods") or ()) or 1 for n, d in city.nodes(data=True)}

    def strength(edge: tuple[Hashable, Hashable, Mapping[str, Any]]) -> tuple:
        u, v, data = edge
        return (-data["links"] / max(hoods[u], hoods[v]), -(count[u] + count[v]),
                _order(str(u)), _order(str(v)))

    return strength


def city_positions(city: nx.Graph) -> dict[Hashable, tuple[float, float]]:
    """Positions for the city view: neighbourhoods by force, their sides around them.

    Each neighbourhood's formal and informal organisations sit above its parent
    groups, the same small figure everywhere (:func:`mapping.views.layout.grouped_positions`).
    Deterministic for the same aggregate, so a rerun draws the same city.
    """
    return grouped_positions(city, {n: d["neighbourhood"] for n, d in city.nodes(data=True)},
                             {n: SIDES.index(d["side"]) for n, d in city.nodes(data=True)},
                             len(SIDES))


def dominant_class(classes: Mapping[str | None, int]) -> str | None:
    """The coverage class holding most families (ties: the first in :data:`COVERAGE_CLASSES`)."""
    best: str | None = None
    top = -1
    for cls in (*COVERAGE_CLASSES, None):
        if classes.get(cls, -1) > top:
            best, top = cls, classes[cls]
    return best


def drill_down(graph: nx.Graph, hood: str) -> nx.Graph:
    """The real nodes of neighbourhood ``hood``: its organisations and groups (a new graph).

    Organisations elsewhere that reach a group of ``hood`` stay, as in the page's
    neighbourhood filter (:func:`mapping.views.network_select.filter_graph`), so
    a city-wide service working there is visible; :data:`NO_HOOD` opens the
    nodes without a neighbourhood.
    """
    inside = {n for n, d in graph.nodes(data=True) if hood_of(d) == hood}
    reachers = {m for n in inside if graph.nodes[n].get("type") == GROUP
                for m in graph.neighbors(n) if graph.nodes[m].get("type") == ORG}
    keep = inside | reachers
    return graph.subgraph([n for n in graph if n in keep]).copy()


def hoods(graph: nx.Graph) -> list[str]:
    """Neighbourhood codes of ``graph``'s nodes, sorted (:data:`NO_HOOD` last)."""
    found = {hood_of(d) for _, d in graph.nodes(data=True)}
    return sorted(found, key=lambda h: (h == NO_HOOD, h))


def _order(key: str) -> tuple[bool, bool, str, int]:
    side, hood = key.split(":", 2)[1:]
    return (hood == REST, hood == NO_HOOD, hood, SIDES.index(side))


def _families(data: Mapping[str, Any]) -> int:
    try:
        value = int(data.get("families") or 0)
    except (TypeError, ValueError):
        return 0
    return max(value, 0)
