"""The district map's drawn items as plain data: polygons, lines, groups, organisations.

Each function turns part of the graph into the dicts the page's JSON payload
carries (Leaflet options, tooltips and popups as plain text). ``t`` is the
map's text catalog for one language (``render_map.TEXT[lang]``); names and
other user text are only ever values here, never markup or templates.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from mapping.analysis.graph import COLLABORATION, GROUP, ORG, REACH
from mapping.i18n import format_number
from mapping.views.map_geometry import Placement, Shape, label_at, number
from mapping.views.palette import Palette
from mapping.views.render_network import STRONG_QUALITY, GroupCoverage, node_text

Text = Mapping[str, str]
"""The map's texts in one language."""


def polygon_items(shapes: list[Shape], shares: Mapping[str, float] | None, placed: Placement,
                  pal: Palette, t: Text, lang: str, weight: float) -> list[dict[str, Any]]:
    """The route-share polygons: fill by share (``None``: "no data"), name label above the rings."""
    polygons = []
    for code, name, geometry, centre in shapes:
        value = None if not shares else shares.get(code, shares.get(name))
        lines = [name, f"{t['neighbourhood']}: {code}" if code and code != name else "",
                 f"{t['share']}: {percent(value, lang)}" if value is not None
                 else f"{t['share']}: {t['no_data']}"]
        where = label_at(geometry, centre, placed.rings.get(code) or placed.rings.get(name))
        polygons.append({
            "geometry": geometry, "at": list(where) if where else None, "name": name,
            "style": {"fillColor": pal.share(value), "color": pal.text, "weight": weight,
                      "fillOpacity": 0.55, "opacity": 0.8, "wkRole": "polygons"},
            "tooltip": "\n".join(x for x in lines if x),
        })
    return polygons


def line_items(graph: nx.Graph, placed: Placement, pal: Palette, t: Text, lang: str,
               weak_threshold: float) -> list[dict[str, Any]]:
    """Collaboration lines between placed organisations (dashed when weak or unrated)."""
    lines_out: list[dict[str, Any]] = []
    for u, v, data in graph.edges(data=True):
        if data.get("type") != COLLABORATION or u not in placed.at or v not in placed.at:
            continue
        if graph.nodes[u].get("type") != ORG or graph.nodes[v].get("type") != ORG:
            continue
        quality = number(data.get("quality"), None)
        colour, dashed = _collab_style(pal, quality, weak_threshold)
        rated = (f"{t['quality']}: {format_number(quality, lang, 1)}" if quality is not None
                 else t["unrated"])
        lines_out.append({
            "at": [list(placed.at[u]), list(placed.at[v])],
            "options": {"color": colour, "weight": 2 + min(quality or 1.0, 5.0),
                        "opacity": 0.85, "dashArray": "8 6" if dashed else None,
                        "wkRole": "lines"},
            "tooltip": f"{t['collaboration']}: {_name(graph, u)} – {_name(graph, v)}\n{rated}",
        })
    return lines_out


def group_items(graph: nx.Graph, placed: Placement, cov: Mapping[Hashable, GroupCoverage],
                pal: Palette, t: Text, lang: str, presentation: bool) -> list[dict[str, Any]]:
    """Parent-group circles: area by families, fill by coverage class, dashed when fragile."""
    hood_names = graph.graph.get("neighbourhood_names")
    group_nodes = [n for n in placed.at if graph.nodes[n].get("type") == GROUP]
    top = max((number(graph.nodes[g].get("families")) for g in group_nodes), default=0.0)
    group_items: list[dict[str, Any]] = []
    for node in group_nodes:
        data = graph.nodes[node]
        gc = cov.get(node)
        families = max(number(data.get("families")), 0.0)
        base = 10 if presentation else 7
        radius = base + 22 * math.sqrt(families / top) if top > 0 else base + 3
        fragile = bool(gc and gc.fragile)
        popup = node_text(data, gc, True, lang, hood_names)
        if placed.how[node] == "centroid":
            popup += "\n" + t["at_centroid"]
        elif placed.how[node] == "beside":
            popup += "\n" + t["beside"]
        group_items.append({
            "at": list(placed.at[node]),
            "options": {"radius": round(radius, 1), "color": pal.text if fragile else "#ffffff",
                        "weight": 4 if fragile else 2, "dashArray": "4 3" if fragile else None,
                        "fill": True, "fillColor": pal.coverage_colour(gc.coverage if gc else None),
                        "fillOpacity": 0.8, "wkRole": "groups"},
            "tooltip": _name(graph, node),
            "popup": popup,
        })
    return group_items


def org_items(graph: nx.Graph, placed: Placement, pal: Palette, t: Text, lang: str,
              presentation: bool, hide_personal: bool) -> list[dict[str, Any]]:
    """Organisation markers: fill by kind and category, formal ones with a dark outline."""
    org_items: list[dict[str, Any]] = []
    for node in placed.at:
        data = graph.nodes[node]
        if data.get("type") != ORG:
            continue
        formal = data.get("kind") == "formal"
        popup = _org_text(graph, node, hide_personal, t, lang)
        if placed.how[node] == "centroid":
            popup += "\n" + t["at_centroid"]
        org_items.append({
            "at": list(placed.at[node]),
            "options": {"radius": 8 if presentation else 6,
                        "color": pal.text if formal else "#ffffff",
                        "weight": 3 if formal else 1.5, "fill": True,
                        "fillColor": pal.organisation(data.get("kind"), data.get("category")),
                        "fillOpacity": 0.95, "wkRole": "markers"},
            "tooltip": _name(graph, node),
            "popup": popup,
        })
    return org_items


def share_by_code(share: Any) -> dict[str, float] | None:
    """Normalise share input to ``{neighbourhood: share}``.

    Parameters
    ----------
    share
        ``None``; a mapping code -> share; or rows with ``neighbourhood`` and
        ``share`` keys (``mapping.analysis.coverage_summary.neighbourhood_shares``) or such a
        DataFrame. Rows with a missing share are left out (drawn as "no data").

    Returns
    -------
    dict or None
        Neighbourhood code (or name) -> share between 0 and 1.
    """
    if share is None:
        return None
    if isinstance(share, Mapping):
        return {str(k): float(v) for k, v in share.items() if number(v, None) is not None}
    rows = share.to_dict("records") if hasattr(share, "to_dict") else list(share)
    return {str(r["neighbourhood"]): float(r["share"]) for r in rows
            if r.get("neighbourhood") is not None and number(r.get("share"), None) is not None}


def percent(value: float | None, lang: str) -> str:
    """A share as a whole percentage (``"–"`` for none); the legend's steps use it too."""
    if value is None:
        return "–"
    return f"{value * 100:.0f}%"


def _org_text(graph: nx.Graph, node: Hashable, hide_personal: bool, t: Text, lang: str) -> str:
    """The network's text about an organisation plus how many groups it reaches."""
    data = graph.nodes[node]
    text = node_text(data, None, hide_personal, lang, graph.graph.get("neighbourhood_names"))
    reached = sum(1 for m in graph.neighbors(node) if graph.edges[node, m].get("type") == REACH)
    return f"{text}\n{t['groups']}: {reached}" if reached else text


def _collab_style(pal: Palette, quality: float | None, weak: float) -> tuple[str, bool]:
    if quality is None:
        return pal.collab_unrated, True
    if quality >= STRONG_QUALITY:
        return pal.collab_strong, False
    if quality >= weak:
        return pal.collab_medium, False
    return pal.collab_weak, True


def _name(graph: nx.Graph, node: Hashable) -> str:
    data = graph.nodes[node]
    return str(data.get("name") or data.get("id") or node)


