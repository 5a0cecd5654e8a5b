"""How the network view draws nodes and edges: sizes, colours, tooltips, label order.

The page's data for vis-network, one dictionary per node and per edge, with
only what differs from the options' defaults (at 2,000 nodes and 10,000 edges
every repeated key is another 100 kB for the browser to parse). Tooltips are
plain text: the page's script shows them as ``textContent``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from mapping.analysis.graph import COLLABORATION, GROUP, extra_attributes
from mapping.analysis.topics import topic_label
from mapping.i18n import format_number
from mapping.locales import catalog
from mapping.views.network_select import GroupCoverage, Highlight
from mapping.views.palette import Palette, label

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

LABEL_PX: dict[bool, int] = {False: 13, True: 19}
"""On-screen label size in pixels, by presentation mode (kept at every zoom)."""

TEXT: dict[str, dict[str, str]] = catalog.namespace("render_network")
"""The network view's words, ``TEXT[lang][key]`` (the ``[render_network]`` catalog table)."""



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
            rated = (f"{t['quality']}: {format_number(q, lang, 1)} "
                     f"({t['raters']}: {data.get('raters', 0)})")
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
            lines.append(f"{t['strength']}: {format_number(float(strength), lang, 1)}")
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


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def _join(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)




def _darker(colour: str) -> str:
    """A darker shade of a ``#rrggbb`` colour, for node borders."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))
