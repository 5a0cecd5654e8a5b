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

import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import networkx as nx

from mapping.i18n import format_number
from mapping.views.legend import network_legend
from mapping.views.network_select import (
    GroupCoverage,
    Highlight,
    coverage_by_node,
    ego_nodes,
    filter_graph,
    route_highlight,
)
from mapping.views.network_style import (
    DIMMED_LABEL_LIMIT,
    LABEL_PX,
    PERSONAL_FIELDS,
    PHYSICS_LIMIT,
    STRONG_QUALITY,
    TEXT,
    WEAK_QUALITY,
    _darker,
    _edge,
    _node,
    _options,
    _sizes,
    label_order,
    node_text,
)
from mapping.views.palette import palette
from mapping.views.templates import (
    ASSETS,
    css_length,
    json_payload,
    render_page,
    script_json,
    static_asset,
    vis_asset,
)

__all__ = [
    "ASSETS", "DIMMED_LABEL_LIMIT", "LABEL_PX", "PERSONAL_FIELDS", "PHYSICS_LIMIT",
    "STRONG_QUALITY", "TEXT", "WEAK_QUALITY", "GroupCoverage", "Highlight", "_darker", "_sizes",
    "coverage_by_node", "css_length", "ego_nodes", "filter_graph", "json_payload",
    "label_order", "node_text", "render_network", "render_page", "route_highlight",
    "script_json", "static_asset",
]


def render_network(
    graph: nx.Graph,
    positions: Mapping[Hashable, tuple[float, float]],
    *,
    coverage: Any = None,
    size_by: Mapping[Hashable, float] | None = None,
    size_label: str | None = None,
    highlight: Highlight | None = None,
    weak_threshold: float = WEAK_QUALITY,
    lines: Sequence[tuple[Hashable, Hashable]] | None = None,
    physics: bool = False,
    # Who sees it, and how: the same settings as the map's (see render_map).
    hide_personal: bool = True, lang: str = "nl", presentation: bool = False,
    show_legend: bool = True, legend_folded: bool = False,
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
    lines
        The edges to draw (default: all), e.g.
        :func:`mapping.views.lines.strongest` for a crowded neighbourhood; the
        legend says how many weaker ones are hidden.
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
    drawn = graph.edges(data=True) if lines is None else [(u, v, graph.edges[u, v])
                                                           for u, v in lines]
    edges = [
        _edge(graph, u, v, d, pal, highlight, weak_threshold, lang, presentation)
        for u, v, d in drawn
    ]
    options = _options(pal, use_physics, presentation, graph.number_of_nodes())
    order = label_order(graph, sizes, highlight)
    legend = (
        network_legend(graph, pal, lang, weak_threshold, size_by is not None, size_label,
                highlight, cov, presentation)
        if show_legend else None
    )
    if legend is not None and len(edges) < graph.number_of_edges():
        legend["blocks"].insert(1, hidden_lines_note(len(edges), graph.number_of_edges(), lang))
    if legend is not None and legend_folded:
        legend["open"] = False  # folded in the HTML already, not only once the script runs
    page_title = title if title is not None else TEXT[lang]["title"]
    return render_page(
        "network/network.html",
        lang=lang,
        title=str(page_title),
        vis_css=vis_asset("vis-network.css"),
        vis_js=vis_asset("vis-network.min.js"),
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


def hidden_lines_note(shown: int, total: int, lang: str) -> dict[str, str]:
    """The legend line saying that only the ``shown`` strongest of ``total`` links are drawn."""
    text = TEXT[lang]["lines_hidden"].format(shown=format_number(shown, lang),
                                             m=format_number(total, lang),
                                             hidden=format_number(total - shown, lang))
    return {"kind": "p", "text": text, "cls": "muted"}


def _file_name(title: str) -> str:
    """A download file name from the title: letters, digits and dashes only."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40]
    return stem or "netwerk"

