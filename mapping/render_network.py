"""The network view as one standalone, offline HTML page (vis-network).

Pure functions only: graph + positions + options in, an HTML string out. The
page is self-contained: vis-network's JavaScript and CSS are read from the
installed ``pyvis`` wheel and inlined, so it draws with no internet and can
be downloaded as it is.

Escaping
--------
* Node and edge data travel as JSON inside a ``<script>`` element; the JSON is
  made safe for that context (``<``, ``>``, ``&``, U+2028/9 as ``\\uXXXX``) so
  no user string can close the script element.
* Tooltips are built in the browser as DOM elements whose ``textContent`` is
  the plain text, so a name such as ``<img onerror=...>`` shows as those
  characters and never as markup (whatever vis-network does with strings).
  Applying ``html.escape`` as well would show ``&lt;`` to the reader.
* Node labels are drawn on the canvas, which has no markup at all.
* The legend is HTML and every piece of text in it goes through ``html.escape``.

Browser tests read ``window.wijknetwerk`` (``network``, ``nodeCount``,
``edgeCount``, ``drawn``) and the container's ``data-drawn="1"`` and
``data-node-count`` attributes, set once the first frame is drawn.
"""

from __future__ import annotations

import html
import json
import math
from collections import deque
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import networkx as nx
import pandas as pd

from mapping.graph import (
    COLLABORATION,
    GROUP,
    ORG,
    REACH,
    collaboration_graph,
    extra_attributes,
    group_node,
    org_node,
)
from mapping.palette import Palette, label, palette
from mapping.topics import topic_label

PHYSICS_LIMIT = 500
"""Above this many nodes physics is always off, so the drawing appears at once."""

DIMMED_LABEL_LIMIT = 150
"""Above this many nodes, dimmed (not highlighted) nodes are drawn without a label."""

WEAK_QUALITY = 2.5
"""Collaborations with a mean quality below this are drawn dashed ("weak")."""

STRONG_QUALITY = 3.5
"""Collaborations with a mean quality of at least this are drawn in the strong colour."""

PERSONAL_FIELDS: frozenset[str] = frozenset(
    {"contact", "contactpersoon", "contact_person", "email", "phone", "telefoon", "reported_by"}
)
"""Node attributes that name or reach a person; hidden when ``hide_personal``."""

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "legend": "Legenda", "organisations": "Organisaties", "groups": "Oudergroepen",
        "links": "Verbindingen", "reach": "bereik (organisatie → groep)",
        "collab_strong": "samenwerking, kwaliteit ≥ {strong}",
        "collab_medium": "samenwerking, kwaliteit {weak}–{strong}",
        "collab_weak": "samenwerking, zwak (< {weak}), gestreept",
        "collab_unrated": "samenwerking, niet beoordeeld, gestreept",
        "size": "Grootte: {what}", "families": "aantal gezinnen (organisaties: bereikte gezinnen)",
        "shape": "■ formeel  ● informeel  ▲ oudergroep",
        "kind": "soort", "category": "categorie", "neighbourhood": "wijk", "topics": "thema's",
        "languages": "talen", "contact": "contact", "community": "gemeenschap",
        "families_n": "gezinnen", "coverage": "dekking", "routes": "routes",
        "collaboration": "samenwerking", "quality": "kwaliteit", "raters": "beoordelaars",
        "forms": "vorm", "strength": "sterkte", "unrated": "niet beoordeeld",
        "reach_edge": "bereik", "highlight": "Uitgelicht: {n} knopen",
        "title": "Netwerk", "nodes": "{n} knopen, {m} verbindingen",
    },
    "en": {
        "legend": "Legend", "organisations": "Organisations", "groups": "Parent groups",
        "links": "Links", "reach": "reach (organisation → group)",
        "collab_strong": "collaboration, quality ≥ {strong}",
        "collab_medium": "collaboration, quality {weak}–{strong}",
        "collab_weak": "collaboration, weak (< {weak}), dashed",
        "collab_unrated": "collaboration, not rated, dashed",
        "size": "Size: {what}", "families": "number of families (organisations: families reached)",
        "shape": "■ formal  ● informal  ▲ parent group",
        "kind": "kind", "category": "category", "neighbourhood": "neighbourhood",
        "topics": "topics", "languages": "languages", "contact": "contact",
        "community": "community", "families_n": "families", "coverage": "coverage",
        "routes": "routes", "collaboration": "collaboration", "quality": "quality",
        "raters": "raters", "forms": "form", "strength": "strength", "unrated": "not rated",
        "reach_edge": "reach", "highlight": "Highlighted: {n} nodes",
        "title": "Network", "nodes": "{n} nodes, {m} links",
    },
}


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
        a mapping ``group node key -> GroupCoverage``; a ``mapping.coverage``
        result object (its ``groups`` maps group id -> object with
        ``coverage``, ``routes``, ``fragile``); or a DataFrame such as
        ``mapping.coverage.coverage_table`` with an
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
    if isinstance(groups, Mapping):  # a mapping.coverage.Coverage result
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
        Graph from :func:`mapping.graph.build_graph`.
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


# --------------------------------------------------------------------------- rendering


def render_network(
    graph: nx.Graph,
    positions: Mapping[Hashable, tuple[float, float]],
    *,
    coverage: Any = None,
    size_by: Mapping[Hashable, float] | None = None,
    size_label: str | None = None,
    highlight: Highlight | None = None,
    weak_threshold: float = WEAK_QUALITY,
    physics: bool = False,
    hide_personal: bool = True,
    lang: str = "nl",
    presentation: bool = False,
    show_legend: bool = True,
    height: str = "100vh",
    title: str | None = None,
) -> str:
    """Standalone HTML page drawing ``graph`` with vis-network.

    Parameters
    ----------
    graph
        The graph to draw, usually :func:`filter_graph` of the full graph.
    positions
        Node -> ``(x, y)`` from :func:`mapping.layout.positions` on the *full*
        graph; nodes missing here are left for vis-network to place.
    coverage
        Coverage per group (see :func:`coverage_by_node`); colours parent
        groups and puts class and routes in their tooltips.
    size_by
        Node -> value to size nodes by (e.g. a centrality measure). By default
        groups are sized by ``families`` and organisations by the families of
        the groups they reach.
    size_label
        What ``size_by`` measures, for the legend (plain text).
    highlight
        Nodes/edges shown in full colour; the rest is dimmed.
    weak_threshold
        Collaborations with mean quality below this are dashed and coloured weak.
    physics
        Let vis-network's physics move the nodes. Ignored (off) above
        :data:`PHYSICS_LIMIT` nodes so large networks draw at once.
    hide_personal
        Leave contact persons and other personal fields out of tooltips (and
        out of the HTML altogether).
    lang
        ``"nl"`` or ``"en"`` for legend and tooltip labels.
    presentation
        Larger type, higher contrast, colour-blind-safe palette.
    show_legend
        Draw the legend box over the network.
    height
        CSS height of the network area.
    title
        Document title (plain text).

    Returns
    -------
    str
        A complete HTML document with no external references.
    """
    lang = "en" if lang.lower().startswith("en") else "nl"
    pal = palette(presentation)
    cov = coverage_by_node(coverage)
    sizes = _sizes(graph, size_by, presentation)
    use_physics = bool(physics) and graph.number_of_nodes() <= PHYSICS_LIMIT
    nodes = [
        _node(graph, n, positions.get(n), cov.get(n), sizes[n], pal, highlight, hide_personal,
              lang, presentation)
        for n in graph.nodes
    ]
    focus: list[str] = []
    if highlight is not None:
        # vis-network draws later nodes on top: highlighted nodes last, so dimmed
        # ones never cover them; and the first view zooms to the highlight.
        focus = [str(n) for n in graph.nodes if n in highlight.nodes]
        chosen = set(focus)
        nodes.sort(key=lambda node: node["id"] in chosen)
    edges = [
        _edge(graph, u, v, d, pal, highlight, weak_threshold, lang, presentation)
        for u, v, d in graph.edges(data=True)
    ]
    options = _options(pal, use_physics, presentation, graph.number_of_nodes())
    legend = (
        _legend_html(graph, pal, lang, weak_threshold, size_by is not None, size_label,
                     highlight, cov, presentation)
        if show_legend else ""
    )
    page_title = title if title is not None else TEXT[lang]["title"]
    return _PAGE.format(
        lang=lang,
        title=html.escape(page_title),
        css=_asset("vis-network.css"),
        js=_asset("vis-network.min.js"),
        height=html.escape(height, quote=True),
        background=pal.background,
        text=pal.text,
        legend_font=20 if presentation else 14,
        legend=legend,
        label_limit=DIMMED_LABEL_LIMIT,
        label_px=13 if presentation else 10,
        data=script_json({"nodes": nodes, "edges": edges, "options": options, "focus": focus,
                          "text": pal.text}),
    )


def script_json(value: Any) -> str:
    """JSON that is safe to place inside an HTML ``<script>`` element.

    ``json.dumps`` leaves ``</script>`` and ``<!--`` intact, which would end the
    script element early; escaping ``<``, ``>`` and ``&`` (and the JavaScript
    line separators) as ``\\uXXXX`` keeps the same value and no markup.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    return (
        text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


@cache
def _asset(name: str) -> str:
    """vis-network file from the installed pyvis wheel (read once per process)."""
    return (resources.files("pyvis") / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def _sizes(graph: nx.Graph, size_by: Mapping[Hashable, float] | None,
           presentation: bool) -> dict[Hashable, float]:
    """Node radius in pixels: square-root scale so area follows the value."""
    if size_by is None:
        values = {}
        for n, data in graph.nodes(data=True):
            if data.get("type") == GROUP:
                values[n] = _number(data.get("families"))
            else:
                values[n] = sum(
                    _number(graph.nodes[m].get("families")) for m in graph.neighbors(n)
                    if graph.nodes[m].get("type") == GROUP
                )
    else:
        values = {n: _number(size_by.get(n)) for n in graph}
    low, high = (12.0, 46.0) if presentation else (8.0, 36.0)
    top = max((math.sqrt(max(v, 0.0)) for v in values.values()), default=0.0)
    if top <= 0:
        return dict.fromkeys(graph, (low + high) / 3)
    return {n: round(low + (high - low) * math.sqrt(max(v, 0.0)) / top, 2)
            for n, v in values.items()}


def _node(graph: nx.Graph, n: Hashable, pos: tuple[float, float] | None,
          cov: GroupCoverage | None, size: float, pal: Palette, highlight: Highlight | None,
          hide_personal: bool, lang: str, presentation: bool) -> dict[str, Any]:
    data = graph.nodes[n]
    is_group = data.get("type") == GROUP
    if is_group:
        colour = pal.coverage_colour(cov.coverage if cov else None)
        shape = "triangle"
    else:
        colour = pal.organisation(data.get("kind"), data.get("category"))
        shape = "square" if data.get("kind") == "formal" else "dot"
    dimmed = highlight is not None and n not in highlight.nodes
    border = pal.text if (cov and cov.fragile) else _darker(colour)
    node: dict[str, Any] = {
        "id": str(n),
        # vis-network draws labels after all shapes, so in a large graph the labels
        # of dimmed nodes would cover the highlighted ones: leave them out there.
        "label": "" if dimmed and graph.number_of_nodes() > DIMMED_LABEL_LIMIT
        else str(data.get("name") or data.get("id") or n),
        "tooltip": node_text(data, cov, hide_personal, lang,
                                 graph.graph.get("neighbourhood_names") or {}),
        "shape": shape,
        "size": size * (0.8 if shape == "square" else 1.0),
        # Only what differs from the defaults in the options: at 2,000 nodes and
        # 10,000 edges every repeated key is another 100 kB for the browser to
        # parse. The page's script adds the hover/selection colours.
        "color": {
            "background": pal.dimmed_node if dimmed else colour,
            "border": pal.dimmed_node if dimmed else border,
        },
    }
    if dimmed:  # selecting a dimmed node shows its real colour
        node["color"]["highlight"] = {"background": colour, "border": pal.text}
        node["font"] = {"color": "#b8bec6"}
    if cov and cov.fragile:
        node["borderWidth"] = 4
    if pos is not None:
        node["x"], node["y"] = float(pos[0]), float(pos[1])
    return node


def node_text(data: Mapping[str, Any], cov: GroupCoverage | None, hide_personal: bool,
              lang: str, hood_names: Mapping[str, str] | None = None) -> str:
    """Plain text about a node, line by line: network tooltips and map popups.

    Neighbourhood codes become names where ``hood_names`` has them; the user's
    own extra columns follow. Plain text: the callers hand it over as text.
    """
    t = TEXT[lang]
    lines = [str(data.get("name") or data.get("id") or "")]
    if data.get("type") == GROUP:
        lines.append(label("group", lang))
        if data.get("community"):
            lines.append(f"{t['community']}: {data['community']}")
        if data.get("neighbourhood"):
            hood = str(data["neighbourhood"])
            lines.append(f"{t['neighbourhood']}: {(hood_names or {}).get(hood, hood)}")
        if data.get("families") is not None:
            lines.append(f"{t['families_n']}: {data['families']}")
        if cov is not None:
            lines.append(f"{t['coverage']}: {label(cov.coverage, lang)}")
            if cov.routes is not None:
                lines.append(f"{t['routes']}: {cov.routes}")
            if cov.fragile:
                lines.append(label("fragile", lang))
    else:
        lines.append(f"{label(data.get('kind'), lang)} · {label(data.get('category'), lang)}")
        if data.get("neighbourhood"):
            hood = str(data["neighbourhood"])
            lines.append(f"{t['neighbourhood']}: {(hood_names or {}).get(hood, hood)}")
        if data.get("topics"):
            lines.append(f"{t['topics']}: {_join([topic_label(x, lang) for x in data['topics']])}")
        if data.get("languages"):
            lines.append(f"{t['languages']}: {_join(data['languages'])}")
        if not hide_personal and data.get("contact"):
            lines.append(f"{t['contact']}: {data['contact']}")
    lines += [f"{key}: {value}" for key, value in extra_attributes(dict(data))]
    return "\n".join(lines)


def _edge(graph: nx.Graph, u: Hashable, v: Hashable, data: Mapping[str, Any], pal: Palette,
          highlight: Highlight | None, weak: float, lang: str,
          presentation: bool) -> dict[str, Any]:
    t = TEXT[lang]
    dimmed = highlight is not None and frozenset((u, v)) not in highlight.edges
    if data.get("type") == COLLABORATION:
        quality = data.get("quality")
        if quality is None:
            colour, dashes = pal.collab_unrated, True
            rated = t["unrated"]
        else:
            q = float(quality)
            colour = (pal.collab_strong if q >= STRONG_QUALITY
                      else pal.collab_medium if q >= weak else pal.collab_weak)
            dashes = q < weak
            rated = f"{t['quality']}: {_fmt(q, lang)} ({t['raters']}: {data.get('raters', 0)})"
        width = 1.5 + (float(quality) if quality is not None else 1.0) * (1.0 if presentation
                                                                          else 0.7)
        lines = [t["collaboration"], rated]
        if data.get("forms"):
            lines.append(f"{t['forms']}: {_join(data['forms'])}")
    else:
        colour, dashes = pal.reach_edge, False
        strength = data.get("strength")
        width = 1.0 + (float(strength) * 0.4 if strength is not None else 0.0)
        lines = [t["reach_edge"]]
        if strength is not None:
            lines.append(f"{t['strength']}: {_fmt(float(strength), lang)}")
        if data.get("topics"):
            lines.append(f"{t['topics']}: {_join(data['topics'])}")
    return {
        "from": str(u), "to": str(v),
        # The first line names both ends; the page's script adds the names from the
        # nodes' tooltips (half the size of a 10,000-edge network).
        "tooltip": "\n".join(lines),
        "color": {"color": pal.dimmed_edge if dimmed else colour},
        "width": round(width, 2),
        "dashes": [8, 6] if dashes else False,
    }


def _options(pal: Palette, physics: bool, presentation: bool, n: int) -> dict[str, Any]:
    font = 24 if presentation else 14
    return {
        "autoResize": True,
        # improvedLayout runs a Kamada-Kawai pre-pass (minutes at 2,000 nodes)
        # and is pointless with positions from Python.
        "layout": {"improvedLayout": False, "randomSeed": 42},
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -3000, "springLength": 90,
                          "avoidOverlap": 0.2},
            "stabilization": {"enabled": physics, "iterations": 150, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n > 500,
                        "navigationButtons": False, "keyboard": False, "multiselect": False},
        "nodes": {
            "borderWidth": 2 if presentation else 1,
            "font": {"size": font, "face": "Arial, Helvetica, sans-serif", "color": pal.text,
                     "strokeWidth": 4 if presentation else 3, "strokeColor": pal.background},
            # Hide labels when zoomed out so 2,000 nodes are not a grey smear.
            "scaling": {"label": {"enabled": False, "drawThreshold": 7}},
        },
        "edges": {"smooth": False, "selectionWidth": 2, "hoverWidth": 1},
    }


def _legend_html(graph: nx.Graph, pal: Palette, lang: str, weak: float, custom_size: bool,
                 size_label: str | None, highlight: Highlight | None,
                 cov: Mapping[Hashable, GroupCoverage], presentation: bool) -> str:
    t = TEXT[lang]
    esc = html.escape

    def item(swatch: str, text: str) -> str:
        # ``swatch`` is built here from palette colours only; ``text`` may be user text.
        return f"<li>{swatch}{esc(text)}</li>"

    def tri(colour: str, extra: str = "") -> str:
        return f"<span class='sw tri{extra}' style='border-bottom-color:{colour}'></span>"

    present = {(d.get("kind"), d.get("category")) for _, d in graph.nodes(data=True)
               if d.get("type") == ORG}
    counts = t["nodes"].format(n=graph.number_of_nodes(), m=graph.number_of_edges())
    # A <details> box: on a narrow screen the viewer folds it away to see the network.
    rows: list[str] = [f"<summary><h2>{esc(t['legend'])}</h2></summary>",
                       f"<p class='muted'>{esc(counts)}</p>",
                       f"<p>{esc(t['shape'])}</p>",
                       f"<h3>{esc(t['organisations'])}</h3><ul>"]
    for kind in ("formal", "informal"):
        shape = "sq" if kind == "formal" else "dot"
        cats = {c for k, c in present if (k == "formal") == (kind == "formal")}
        for cat in sorted(cats, key=lambda c: (c is None, str(c))):
            swatch = (f"<span class='sw {shape}' "
                      f"style='background:{pal.organisation(kind, cat)}'></span>")
            text = label(kind, lang) if cat is None else f"{label(kind, lang)} · {label(cat, lang)}"
            rows.append(item(swatch, text))
    rows.append(f"</ul><h3>{esc(t['groups'])}</h3><ul>")
    classes = [c for c in ("direct", "bridged", "informal_only", "unreached")
               if any(g.coverage == c for g in cov.values())]
    for cls in classes:
        rows.append(item(tri(pal.coverage_colour(cls)), label(cls, lang)))
    if any(g.fragile for g in cov.values()):
        rows.append(item(tri(pal.group_default, " fragile"), label("fragile", lang)))
    if not classes:
        rows.append(item(tri(pal.group_default), label("group", lang)))
    fmt = {"weak": _fmt(weak, lang), "strong": _fmt(STRONG_QUALITY, lang)}
    rows.append(f"</ul><h3>{esc(t['links'])}</h3><ul>")
    lines = [(pal.reach_edge, False, 2, t["reach"]),
             (pal.collab_strong, False, 5, t["collab_strong"].format(**fmt)),
             (pal.collab_medium, False, 4, t["collab_medium"].format(**fmt)),
             (pal.collab_weak, True, 3, t["collab_weak"].format(**fmt)),
             (pal.collab_unrated, True, 2, t["collab_unrated"].format(**fmt))]
    for colour, dashed, width, text in lines:
        style = "dashed" if dashed else "solid"
        rows.append(item(f"<span class='ln' style='border-top:{width}px {style} {colour}'></span>",
                         text))
    rows.append("</ul>")
    what = (size_label or "") if custom_size else t["families"]
    if what:
        rows.append(f"<p>{esc(t['size'].format(what=what))}</p>")
    if highlight is not None:
        shown = len(highlight.nodes & set(graph.nodes))
        rows.append(f"<p><strong>{esc(t['highlight'].format(n=shown))}</strong></p>")
    cls = "legend present" if presentation else "legend"
    return f"<details id='legend' class='{cls}' open>{''.join(rows)}</details>"


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
<style>
html, body {{ margin: 0; padding: 0; background: {background}; color: {text};
  font-family: Arial, Helvetica, sans-serif; }}
#wrap {{ position: relative; width: 100%; height: {height}; }}
#network {{ position: absolute; inset: 0; }}
.legend {{ position: absolute; top: 10px; left: 10px; z-index: 5; max-width: 340px;
  max-height: calc(100% - 40px); overflow: auto; background: rgba(255,255,255,0.94);
  border: 1px solid #bbb; border-radius: 6px; padding: 8px 12px; font-size: {legend_font}px;
  line-height: 1.35; }}
.legend.present {{ border: 2px solid #000; max-width: 480px; }}
.legend h2 {{ font-size: 1.15em; margin: 0 0 4px; display: inline; }}
.legend summary {{ cursor: pointer; }}
.legend h3 {{ font-size: 1em; margin: 8px 0 2px; }}
.legend ul {{ list-style: none; margin: 0; padding: 0; }}
.legend li {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.legend p {{ margin: 4px 0; }}
.legend .muted {{ color: #555; }}
.sw {{ display: inline-block; width: 0.9em; height: 0.9em; flex: none; }}
.sw.dot {{ border-radius: 50%; }}
.sw.tri {{ width: 0; height: 0; background: none; border-left: 0.5em solid transparent;
  border-right: 0.5em solid transparent; border-bottom: 0.9em solid; }}
.sw.tri.fragile {{ outline: 2px solid #000; outline-offset: 1px; }}
.ln {{ display: inline-block; width: 2.2em; height: 0; flex: none; }}
div.vis-tooltip {{ white-space: pre-line; font-size: {legend_font}px; max-width: 420px;
  font-family: Arial, Helvetica, sans-serif; }}
</style>
</head>
<body>
<div id="wrap">
<div id="network" data-drawn="0"></div>
{legend}
</div>
<script>{js}</script>
<script>
(function () {{
  "use strict";
  var data = {data};
  // Tooltips as DOM elements with textContent: user text can never become markup.
  function tip(text) {{
    var el = document.createElement("div");
    el.textContent = text;
    return el;
  }}
  // Expand the compact data: names for edge tooltips, hover and selection colours.
  var names = {{}};
  data.nodes.forEach(function (n) {{
    names[n.id] = n.tooltip.split("\\n")[0];
    n.title = tip(n.tooltip);
    delete n.tooltip;
    if (!n.color.highlight) {{
      n.color.highlight = {{background: n.color.background, border: data.text}};
    }}
    n.color.hover = n.color.highlight;
  }});
  data.edges.forEach(function (e) {{
    var lines = e.tooltip.split("\\n");
    lines[0] += ": " + names[e.from] + " \u2013 " + names[e.to];
    e.title = tip(lines.join("\\n"));
    delete e.tooltip;
    e.color.highlight = data.text;
  }});
  var container = document.getElementById("network");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, {{nodes: nodes, edges: edges}}, data.options);
  var state = window.wijknetwerk = {{
    network: network, nodes: nodes, edges: edges, drawn: false,
    nodeCount: network.body.nodeIndices.length, edgeCount: network.body.edgeIndices.length
  }};
  network.once("afterDrawing", function () {{
    state.drawn = true;
    state.drawnAt = performance.now();
    state.nodeCount = network.body.nodeIndices.length;
    state.edgeCount = network.body.edgeIndices.length;
    container.setAttribute("data-node-count", String(state.nodeCount));
    container.setAttribute("data-edge-count", String(state.edgeCount));
    container.setAttribute("data-drawn", "1");
  }});
  // Fit the nodes into the part of the frame the legend box leaves free, so the
  // legend hides no node; shrink only as far as the binding dimension needs.
  function fitBesideLegend() {{
    var ids = data.focus.length ? data.focus : nodes.getIds();
    var at = network.getPositions(ids);
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    Object.keys(at).forEach(function (id) {{
      minX = Math.min(minX, at[id].x); maxX = Math.max(maxX, at[id].x);
      minY = Math.min(minY, at[id].y); maxY = Math.max(maxY, at[id].y);
    }});
    if (!isFinite(minX)) {{ network.fit({{animation: false}}); return; }}
    var width = container.clientWidth, height = container.clientHeight;
    var legend = document.getElementById("legend");
    var room = legend && width >= 600 ? legend.offsetWidth + 20 : 0;
    // Screen pixels kept free around the outermost nodes: half a label sideways,
    // a node and its label below.
    var padX = Math.min(70, width / 12), padY = 30;
    var scale = Math.min((width - room - 2 * padX) / Math.max(maxX - minX, 1),
                         (height - 2 * padY) / Math.max(maxY - minY, 1), 2.5);
    network.moveTo({{position: {{x: (minX + maxX) / 2 - room / 2 / scale,
                                 y: (minY + maxY) / 2}},
                     scale: scale, animation: false}});
    // A district-sized network fits at a scale where labels would drop below the
    // draw threshold; grow them (in canvas units) so names read at the fitted zoom.
    // Large networks keep hiding labels until zoomed in.
    if (nodes.length <= {label_limit}) {{
      var px = data.options.nodes.font.size;
      network.setOptions({{nodes: {{font: {{size: Math.min({label_px} / scale, px * 3)}}}}}});
    }}
  }}
  var legendBox = document.getElementById("legend");
  // In a narrow frame an open legend would leave the network a strip: start folded.
  if (legendBox && container.clientWidth > 0 && container.clientWidth < 900) {{
    legendBox.removeAttribute("open");
  }}
  if (legendBox) {{
    legendBox.addEventListener("toggle", function () {{ if (!touched) {{ fitBesideLegend(); }} }});
  }}
  if (data.options.physics.enabled) {{
    network.once("stabilizationIterationsDone", fitBesideLegend);
  }} else {{
    fitBesideLegend();
  }}
  // The host page may size the frame after this script ran (Streamlit sets an
  // iframe's width once its column is laid out): fit again whenever the drawing
  // area changes size, until the viewer has zoomed or dragged the view.
  var touched = false;
  network.on("dragStart", function () {{ touched = true; }});
  network.on("zoom", function () {{ touched = true; }});
  var size = container.clientWidth + "x" + container.clientHeight;
  if (window.ResizeObserver) {{
    new ResizeObserver(function () {{
      var now = container.clientWidth + "x" + container.clientHeight;
      if (touched || now === size || !container.clientWidth) {{ return; }}
      size = now;
      network.redraw();
      fitBesideLegend();
    }}).observe(container);
  }}
}})();
</script>
</body>
</html>
"""


def _passes(edge: Mapping[str, Any], min_quality: float, include_unrated: bool) -> bool:
    quality = edge.get("quality")
    if quality is None:
        return include_unrated
    return float(quality) >= min_quality


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _join(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _fmt(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "nl" else text


def _darker(colour: str) -> str:
    """A darker shade of a ``#rrggbb`` colour, for node borders."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))
