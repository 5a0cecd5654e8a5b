"""The network view as one standalone, offline HTML page (vis-network).

Pure functions only: graph + positions + options in, an HTML string out. The
page is self-contained: vis-network's JavaScript and CSS are read from the
installed ``pyvis`` wheel and inlined, so it draws with no internet and can
be downloaded as it is.

No user text is ever a template or code
---------------------------------------
* The page is a template *file*, ``mapping/views/assets/network/network.html``,
  compiled by an autoescaping, sandboxed Jinja2 environment
  (:func:`render_page`); no string built at run time is ever compiled, and no
  page passes through ``str.format``. User text is only ever a variable.
* Node and edge data travel as one JSON payload in
  ``<script type="application/json" id="wk-data">``; the JSON is made safe
  for that context (``<``, ``>``, ``&``, U+2028/9 as ``\\uXXXX``, see
  :func:`script_json`) so no user string can close the element. The fixed
  script ``mapping/views/assets/network/network.js`` reads it with ``JSON.parse``.
* Tooltips are built in the browser as DOM elements whose ``textContent`` is
  the plain text, so a name such as ``<img onerror=...>`` shows as those
  characters and never as markup (whatever vis-network does with strings).
* Node labels are drawn on the canvas, which has no markup at all.
* The legend and the title are HTML rendered by the template: autoescaped.

A screen people read from the back of the room
----------------------------------------------
* Labels are drawn only where they fit: the page's script places them in
  :func:`label_order` (highlighted, formal, large, well-connected first) and
  shows a label only when it overlaps no label shown before it, covers no
  node's middle and lies wholly inside the frame; the others show on zoom
  (labels keep :data:`LABEL_PX` screen pixels, so zooming in makes room),
  on hover and for the node found by the search box.
* The legend is a column beside the drawing when the drawing keeps three
  quarters of the width, else (and with ``legend_folded``) a folded box.
* A toolbar above the drawing: search (case- and accent-insensitive, over
  organisations and groups), PNG and SVG download of the current view, full screen.

Browser tests read ``window.wijknetwerk`` (``network``, ``nodeCount``,
``edgeCount``, ``drawn``, ``labelBoxes()``, ``overlappingLabels()``,
``focusNode()``, ``pngDataUrl()``, ``svgText()``) and the container's
``data-drawn="1"`` and ``data-node-count`` attributes, set once the first
frame is drawn.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from mapping.analysis.graph import (
    COLLABORATION,
    GROUP,
    ORG,
    REACH,
    collaboration_graph,
    extra_attributes,
    group_node,
    org_node,
)
from mapping.analysis.topics import topic_label
from mapping.i18n import format_number
from mapping.locales import catalog
from mapping.views.palette import Palette, label, palette

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

TEXT: dict[str, dict[str, str]] = catalog.namespace("render_network")


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
        ``mapping.analysis.coverage.coverage_table`` with an
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
    legend_folded: bool = False,
    height: str = "100vh",
    title: str | None = None,
) -> str:
    """Standalone HTML page drawing ``graph`` with vis-network.

    Parameters
    ----------
    graph
        The graph to draw, usually :func:`filter_graph` of the full graph.
    positions
        Node -> ``(x, y)`` from :func:`mapping.views.layout.positions` on the *full*
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
        Draw the legend: beside the network in a wide frame, else as a folded
        box over its top-left corner.
    legend_folded
        Always show the legend as a folded box over the drawing (the workshop's
        live network), never beside it.
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
    order = label_order(graph, sizes, highlight)
    legend = (
        _legend(graph, pal, lang, weak_threshold, size_by is not None, size_label,
                highlight, cov, presentation)
        if show_legend else None
    )
    if legend is not None and legend_folded:
        legend["open"] = False  # folded in the HTML already, not only once the script runs
    page_title = title if title is not None else TEXT[lang]["title"]
    return render_page(
        "network/network.html",
        lang=lang,
        title=str(page_title),
        vis_css=_vis_asset("vis-network.css"),
        vis_js=_vis_asset("vis-network.min.js"),
        page_css=static_asset("network/network.css"),
        page_js=static_asset("network/network.js"),
        height=css_length(height),
        background=pal.background,
        text=pal.text,
        font=20 if presentation else 14,
        legend=legend,
        ui={key: TEXT[lang][key] for key in ("search", "fullscreen", "png", "svg", "toolbar")},
        download_png=TEXT[lang]["download"].format(what="PNG"),
        download_svg=TEXT[lang]["download"].format(what="SVG"),
        data=json_payload({"nodes": nodes, "edges": edges, "options": options, "focus": focus,
                           "text": pal.text, "background": pal.background, "order": order,
                           "labelPx": LABEL_PX[presentation], "legendFolded": legend_folded,
                           "found": TEXT[lang]["found"], "notFound": TEXT[lang]["not_found"],
                           "fileName": _file_name(str(page_title))}),
    )


LABEL_PX: dict[bool, int] = {False: 13, True: 19}
"""On-screen label size in pixels, by presentation mode (kept at every zoom)."""

def label_order(graph: nx.Graph, sizes: Mapping[Hashable, float],
                highlight: Highlight | None = None) -> list[str]:
    """Node ids in the order their labels are placed: the most important first.

    The page draws a label only where it overlaps no label placed before it,
    so this order decides which names show at a given zoom: highlighted nodes,
    then formal organisations, then by size, then by degree (name breaks ties).

    Parameters
    ----------
    graph
        The graph drawn.
    sizes
        Node radius as drawn (:func:`_sizes`).
    highlight
        The highlight, whose nodes come first.

    Returns
    -------
    list of str
        Node ids (as in the page's data), most important first.
    """
    chosen = highlight.nodes if highlight is not None else frozenset()

    def key(n: Hashable) -> tuple:
        data = graph.nodes[n]
        return (n not in chosen, data.get("kind") != "formal", -sizes.get(n, 0.0),
                -graph.degree(n), str(data.get("name") or n))

    return [str(n) for n in sorted(graph.nodes, key=key)]


def _file_name(title: str) -> str:
    """A download file name from the title: letters, digits and dashes only."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40]
    return stem or "netwerk"


# --------------------------------------------------------------------------- page assembly

ASSETS = Path(__file__).parent / "assets"
"""Page templates, scripts and styles (and the vendored Leaflet) shipped with the code."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_CSS_LENGTH = re.compile(r"(?:\d{1,5}(?:\.\d{1,3})?(?:px|vh|vw|%|em|rem)|0|auto)")


def render_page(template: str, **values: Any) -> str:
    """Render one of the page templates under ``mapping/views/assets/`` with ``values`` as data.

    The templates are files of this package, compiled once by an autoescaping,
    sandboxed Jinja2 environment; no string built at run time is ever compiled,
    so user text handed over in ``values`` is only ever data: autoescaped where
    it lands in HTML, or inside a :func:`json_payload`.

    Parameters
    ----------
    template
        Path of the template relative to ``mapping/views/assets/``.
    **values
        The template's variables.

    Returns
    -------
    str
        The rendered page.
    """
    page = _environment().get_template(template).render(**values)
    # A lone surrogate in autoescaped text could not be written as UTF-8 (the JSON
    # payload has none: script_json escapes them); show it as U+FFFD instead.
    return _SURROGATE.sub("\ufffd", page) if _SURROGATE.search(page) else page


def json_payload(value: Any) -> Markup:
    """:func:`script_json` of ``value``, marked safe for a ``<script type="application/json">``.

    Safe to mark: :func:`script_json` leaves no ``<``, ``>`` or ``&`` that could
    end the script element, and a JSON script is never run, only parsed.
    """
    return Markup(script_json(value))


@cache
def static_asset(name: str) -> Markup:
    """A script or stylesheet file shipped with the code, to inline in a page.

    Marked safe because it is a file of this package, never user text; one that
    could end its ``<script>``/``<style>`` element is refused.
    """
    text = (ASSETS / name).read_text(encoding="utf-8")
    return _inline_safe(name, text)


def css_length(value: str, default: str = "100vh") -> str:
    """``value`` if it is a plain CSS length (``820px``, ``100vh``, ``75%``), else ``default``."""
    text = str(value).strip()
    return text if _CSS_LENGTH.fullmatch(text) else default


@cache
def _environment() -> SandboxedEnvironment:
    # Sandboxed and autoescaping even though only our own files are compiled:
    # whatever a variable holds it is escaped text, and a mistake in a template
    # cannot reach Python internals.
    return SandboxedEnvironment(loader=FileSystemLoader(ASSETS), autoescape=True,
                                undefined=StrictUndefined, keep_trailing_newline=True)


def _inline_safe(name: str, text: str) -> Markup:
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise ValueError(f"{name} cannot be inlined: it would end its element")
    return Markup(text)


def script_json(value: Any) -> str:
    """JSON that is safe to place inside an HTML ``<script>`` element.

    ``json.dumps`` leaves ``</script>`` and ``<!--`` intact, which would end the
    script element early; escaping ``<``, ``>`` and ``&`` (and the JavaScript
    line separators) as ``\\uXXXX`` keeps the same value and no markup. A lone
    surrogate (text that is not valid Unicode) is escaped the same way, so the
    page can still be written as UTF-8.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    text = (
        text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


@cache
def _vis_asset(name: str) -> Markup:
    """vis-network file from the installed pyvis wheel (read once per process)."""
    text = (resources.files("pyvis") / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")
    return _inline_safe(name, text)


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
    formal = not is_group and data.get("kind") == "formal"
    hollow = colour.lower() == pal.background.lower()  # "other": an outline, no fill
    # Formal organisations carry a dark outline in presentation mode: shape *and*
    # outline tell formal from informal on a projector.
    border = (pal.text if (cov and cov.fragile) or hollow or (presentation and formal)
              else _darker(colour))
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
    elif hollow or (presentation and formal):
        node["borderWidth"] = 3
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
    # The page's script sets each shown label's size so it stays LABEL_PX on screen.
    font = LABEL_PX[presentation]
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
            # The page's script decides which labels show (those that fit); this only
            # hides what would be unreadably small while a zoom is under way.
            "scaling": {"label": {"enabled": False, "drawThreshold": 5}},
        },
        "edges": {"smooth": False, "selectionWidth": 2, "hoverWidth": 1},
    }


def _legend(graph: nx.Graph, pal: Palette, lang: str, weak: float, custom_size: bool,
            size_label: str | None, highlight: Highlight | None,
            cov: Mapping[Hashable, GroupCoverage], presentation: bool) -> dict[str, Any]:
    """The legend as data for ``legend.html``: texts are shown as text, styles are palette only."""
    t = TEXT[lang]

    def item(swatch: str, style: str, text: str) -> dict[str, str]:
        # ``swatch`` and ``style`` are built here from palette colours only; ``text``
        # may be user text (a category) and is autoescaped by the template.
        return {"swatch": swatch, "style": style, "text": text}

    present = {(d.get("kind"), d.get("category")) for _, d in graph.nodes(data=True)
               if d.get("type") == ORG}
    counts = t["nodes"].format(n=graph.number_of_nodes(), m=graph.number_of_edges())
    orgs: list[dict[str, str]] = []
    for kind in ("formal", "informal"):
        shape = ("sw sq out" if presentation else "sw sq") if kind == "formal" else "sw dot"
        cats = {c for k, c in present if (k == "formal") == (kind == "formal")}
        for cat in sorted(cats, key=lambda c: (c is None, str(c))):
            text = label(kind, lang) if cat is None else f"{label(kind, lang)} · {label(cat, lang)}"
            colour = pal.organisation(kind, cat)
            hollow = " out" if colour.lower() == pal.background.lower() else ""
            orgs.append(item(shape + hollow, f"background:{colour}", text))
    groups: list[dict[str, str]] = []
    classes = [c for c in ("direct", "bridged", "informal_only", "unreached")
               if any(g.coverage == c for g in cov.values())]
    for cls in classes:
        groups.append(item("sw tri", f"border-bottom-color:{pal.coverage_colour(cls)}",
                           label(cls, lang)))
    if any(g.fragile for g in cov.values()):
        # Fragile is an outline on top of the class colour: shown as an outline only.
        groups.append(item("sw tri fragile", f"border-bottom-color:{pal.background}",
                           label("fragile", lang)))
    if not classes:
        groups.append(item("sw tri", f"border-bottom-color:{pal.group_default}",
                           label("group", lang)))
    fmt = {"weak": _fmt(weak, lang), "strong": _fmt(STRONG_QUALITY, lang)}
    links = [item("ln", f"border-top:{width}px {'dashed' if dashed else 'solid'} {colour}", text)
             for colour, dashed, width, text in (
                 (pal.reach_edge, False, 2, t["reach"]),
                 (pal.collab_strong, False, 5, t["collab_strong"].format(**fmt)),
                 (pal.collab_medium, False, 4, t["collab_medium"].format(**fmt)),
                 (pal.collab_weak, True, 3, t["collab_weak"].format(**fmt)),
                 (pal.collab_unrated, True, 2, t["collab_unrated"].format(**fmt)))]
    blocks: list[dict[str, Any]] = [
        {"kind": "p", "text": counts, "cls": "muted"},
        {"kind": "p", "text": t["shape"]},
        {"kind": "h3", "text": t["organisations"]}, {"kind": "ul", "entries": orgs},
        {"kind": "h3", "text": t["groups"]}, {"kind": "ul", "entries": groups},
        {"kind": "h3", "text": t["links"]}, {"kind": "ul", "entries": links},
    ]
    what = (size_label or "") if custom_size else t["families"]
    if what:
        # The catalog sentence is the format template; ``what`` is only a value in it.
        blocks.append({"kind": "p", "text": t["size"].format(what=what)})
    if highlight is not None:
        shown = len(highlight.nodes & set(graph.nodes))
        blocks.append({"kind": "p", "text": t["highlight"].format(n=shown), "cls": "strong"})
    # A <details> box: on a narrow screen the viewer folds it away to see the network.
    return {"cls": "legend present" if presentation else "legend", "open": True,
            "title": t["legend"], "blocks": blocks}


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
    return format_number(value, lang, 1)


def _darker(colour: str) -> str:
    """A darker shade of a ``#rrggbb`` colour, for node borders."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))
