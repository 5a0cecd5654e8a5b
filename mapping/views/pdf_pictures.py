"""The district report's pictures: the map and the network as reportlab vector drawings.

Drawn from the same places, sizes and colours as the dashboard: the map with
:func:`mapping.views.render_map.map_placement` and the share ramp, the
network from the dashboard's positions with the node sizes, shapes and edge
styles of :mod:`mapping.views.render_network`. Text inside a picture is a
``String`` (no markup). Above :data:`DETAIL_LIMIT` nodes (a city) the network
is capped (see :func:`network_drawing`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx
from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, Rect, String
from reportlab.graphics.shapes import Path as VPath
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from mapping.analysis import coverage as cov_mod
from mapping.analysis import graph as g
from mapping.domain.dataset import Dataset
from mapping.views.palette import Palette
from mapping.views.render_map import map_placement, share_by_code
from mapping.views.render_network import STRONG_QUALITY, WEAK_QUALITY, _darker, _sizes

DETAIL_LIMIT = 300
"""Networks up to this many nodes are drawn in full, every node labelled."""

CITY_LABELS = 12
"""Organisations named in a capped (city-size) network picture: the top brokers."""



def map_drawing(dataset: Dataset, graph: nx.Graph, cov: cov_mod.Coverage,
                report: dict[str, Any], pal: Palette, width: float, max_height: float,
                font: str, lang: str = "nl") -> Drawing | None:
    """The district map as a vector drawing (``None`` when nothing has a place).

    Polygons coloured by the share ramp, groups and organisations placed as on
    the dashboard's map (:mod:`mapping.views.render_map`), an equirectangular
    projection around the district's middle (exact enough at district scale).
    """
    features = list((dataset.neighbourhoods or {}).get("features") or [])
    # The same places as the dashboard's map (own coordinates, centroid rings, beside reachers).
    placed = map_placement(graph, dataset.neighbourhoods).at
    groups_at = {n: p for n, p in placed.items() if graph.nodes[n].get("type") == g.GROUP}
    orgs_at = {n: p for n, p in placed.items() if graph.nodes[n].get("type") == g.ORG}
    rings = [(f, ring) for f in features for ring in _outer_rings(f.get("geometry") or {})]
    lats = [p[0] for p in (*groups_at.values(), *orgs_at.values())]
    lons = [p[1] for p in (*groups_at.values(), *orgs_at.values())]
    for _, ring in rings:
        lons += [p[0] for p in ring]
        lats += [p[1] for p in ring]
    lats = [v for v in lats if math.isfinite(v)]
    lons = [v for v in lons if math.isfinite(v)]
    if not lats or not lons:
        return None
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * kx, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    pad = 6.0
    scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
    height = span_y * scale + 2 * pad
    off_x = (width - span_x * scale) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (off_x + (lon - min(lons)) * kx * scale, pad + (lat - min(lats)) * scale)

    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#f4f1ea"),
                     strokeColor=None))
    share = share_by_code(report["neighbourhoods"]) or {}
    outline = colors.HexColor(pal.text)
    for feature, ring in rings:
        props = feature.get("properties") or {}
        code, name = str(props.get("code") or ""), str(props.get("name") or "")
        value = share.get(code, share.get(name))
        points = [c for lon, lat, *_ in ring for c in xy(lat, lon)]
        drawing.add(Polygon(points, fillColor=colors.HexColor(pal.share(value)),
                            fillOpacity=0.55, strokeColor=outline,
                            strokeWidth=0.6, strokeOpacity=0.8))
    markers = len(groups_at) + len(orgs_at)
    # Leaflet's pixel radii, shrunk with the number of markers so a city stays readable.
    k = 0.42 if markers <= DETAIL_LIMIT else max(0.1, 0.42 * math.sqrt(DETAIL_LIMIT / markers))
    by_node = {g.group_node(gid): gc for gid, gc in cov.groups.items()}
    top = max((cov_mod.family_count(graph.nodes[n].get("families")) for n in groups_at),
              default=0)
    for node, (lat, lon) in groups_at.items():
        gc = by_node.get(node)
        families = cov_mod.family_count(graph.nodes[node].get("families"))
        radius = ((7 + 22 * math.sqrt(families / top)) if top else 10) * k
        fragile = bool(gc and gc.fragile)
        x, y = xy(lat, lon)
        drawing.add(Circle(x, y, radius,
                           fillColor=colors.HexColor(pal.coverage_colour(
                               gc.coverage if gc else None)), fillOpacity=0.85,
                           strokeColor=colors.HexColor(pal.text if fragile else "#ffffff"),
                           strokeWidth=(2.0 if fragile else 1.0) * max(k, 0.25) * 2,
                           strokeDashArray=[2, 1.5] if fragile else None))
    for node, (lat, lon) in orgs_at.items():
        data = graph.nodes[node]
        formal = data.get("kind") == "formal"
        x, y = xy(lat, lon)
        drawing.add(Circle(x, y, 6 * k,
                           fillColor=colors.HexColor(pal.organisation(data.get("kind"),
                                                                      data.get("category"))),
                           strokeColor=colors.HexColor(pal.text if formal else "#ffffff"),
                           strokeWidth=(1.4 if formal else 0.6) * max(k, 0.25) * 2.4))
    if len(features) <= 40:
        for feature in features:
            props = feature.get("properties") or {}
            name = str(props.get("name") or props.get("code") or "")
            ring = max(_outer_rings(feature.get("geometry") or {}), key=len, default=None)
            if not ring or not name:
                continue
            # Top edge of the polygon: the groups sit round the centroid.
            lat = max(p[1] for p in ring)
            lon = sum(p[0] for p in ring) / len(ring)
            x, y = xy(lat, lon)
            label_text = fit_text(name, font, 7.5, width / 2)
            drawing.add(String(x, y - 10, label_text, fontName=font, fontSize=7.5,
                               textAnchor="middle", fillColor=colors.HexColor("#333333")))
    return drawing


def _outer_rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon" and coords:
        return [coords[0]]
    if kind == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []


def network_drawing(graph: nx.Graph, placed: Mapping[Hashable, tuple[float, float]],
                    cov: cov_mod.Coverage, pal: Palette, width: float, max_height: float,
                    font: str, *, named: list[Hashable] | None = None,
                    presentation: bool = False,
                    only: set[Hashable] | None = None) -> Drawing | None:
    """The network as a vector drawing from the dashboard's positions and styles.

    Up to :data:`DETAIL_LIMIT` nodes: every edge and every label. Larger
    (a city): every node without label, only collaborations as hairlines, and
    labels for the ``named`` nodes only (see the module docstring); ``only``
    limits the picture (and its extent) to those nodes. Edges of
    one style are batched into one path, so a city's 30,000 lines cost one
    drawing operation per style.
    """
    nodes = [n for n in graph if n in placed and (only is None or n in only)]
    if not nodes:
        return None
    detail = graph.number_of_nodes() <= DETAIL_LIMIT
    keep = set(nodes)
    xs = [float(placed[n][0]) for n in nodes]
    ys = [float(placed[n][1]) for n in nodes]
    sizes = _sizes(graph, None, presentation)
    span_x = max(max(xs) - min(xs), 1.0)
    span_y = max(max(ys) - min(ys), 1.0)
    pad = 14.0 if detail else 6.0
    scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
    height = span_y * scale + 2 * pad
    off_x = (width - span_x * scale) / 2
    min_x, max_y = min(xs), max(ys)

    def xy(node: Hashable) -> tuple[float, float]:
        x, y = placed[node]
        # Canvas y grows downwards, PDF y upwards.
        return (off_x + (float(x) - min_x) * scale, pad + (max_y - float(y)) * scale)

    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor(pal.background),
                     strokeColor=colors.HexColor("#d0d5dc"), strokeWidth=0.5))
    by_node = {g.group_node(gid): gc for gid, gc in cov.groups.items()}
    px = scale if detail else max(scale, 0.05)
    # Edges: one path per (colour, width, dashed), reach lines first as on screen.
    batches: dict[tuple[int, str, float, bool], VPath] = {}
    for u, v, data in graph.edges(data=True):
        if u not in keep or v not in keep or u == v:
            continue
        if data.get("type") == g.COLLABORATION:
            q = data.get("quality")
            if q is None:
                colour, dashed = pal.collab_unrated, True
            else:
                q = float(q)
                colour = (pal.collab_strong if q >= STRONG_QUALITY
                          else pal.collab_medium if q >= WEAK_QUALITY else pal.collab_weak)
                dashed = q < WEAK_QUALITY
            w = (1.5 + (q if q is not None else 1.0) * (1.0 if presentation else 0.7)) * px
            order = 1
        else:
            if not detail:
                continue
            colour, dashed = pal.reach_edge, False
            strength = data.get("strength")
            try:
                s = float(strength) if strength is not None else 0.0
                s = 0.0 if math.isnan(s) else s
            except (TypeError, ValueError):
                s = 0.0
            w = (1.0 + s * 0.4) * px
            order = 0
        w = round(max(w, 0.3), 1) if detail else 0.25
        key = (order, colour, w, dashed)
        path = batches.get(key)
        if path is None:
            path = batches[key] = VPath(
                strokeColor=colors.HexColor(colour), strokeWidth=w, fillColor=None,
                strokeOpacity=1.0 if detail else 0.55,
                strokeDashArray=[max(8 * px, 1.2), max(6 * px, 0.9)] if dashed else None)
        path.moveTo(*xy(u))
        path.lineTo(*xy(v))
    for key in sorted(batches, key=lambda k: (k[0], k[1], k[2], k[3])):
        drawing.add(batches[key])
    shapes = Group()
    labels = Group()
    label_size = max(3.6, min(7.0, 14 * scale)) if detail else 6.0
    text = colors.HexColor(pal.text)
    named_set = set(named or ())
    for node in nodes:
        data = graph.nodes[node]
        x, y = xy(node)
        r = max(sizes.get(node, 8.0) * scale, 0.6 if not detail else 1.5)
        if data.get("type") == g.GROUP:
            gc = by_node.get(node)
            colour = pal.coverage_colour(gc.coverage if gc else None)
            fragile = bool(gc and gc.fragile)
            border = pal.text if fragile else _darker(colour)
            shape: Any = Polygon([x - r, y - r * 0.8, x + r, y - r * 0.8, x, y + r * 0.95],
                                 fillColor=colors.HexColor(colour),
                                 strokeColor=colors.HexColor(border),
                                 strokeWidth=(4 if fragile else 1) * px if detail else 0.2)
        else:
            colour = pal.organisation(data.get("kind"), data.get("category"))
            common = {"fillColor": colors.HexColor(colour),
                      "strokeColor": colors.HexColor(_darker(colour)),
                      "strokeWidth": px * 1.0 if detail else 0.2}
            if data.get("kind") == "formal":
                side = r * 0.8
                shape = Rect(x - side, y - side, 2 * side, 2 * side, **common)
            else:
                shape = Circle(x, y, r, **common)
        shapes.add(shape)
        if detail or node in named_set:
            name = str(data.get("name") or data.get("id") or node)
            name = fit_text(name, font, label_size, 40 * label_size)
            ly = y - r - label_size if detail else y + r + 1.5
            if not detail:  # a white box keeps a city label readable over the hairlines
                w = pdfmetrics.stringWidth(name, font, label_size)
                labels.add(Rect(x - w / 2 - 1, ly - 1.5, w + 2, label_size + 2,
                                fillColor=colors.white, fillOpacity=0.85, strokeColor=None))
            labels.add(String(x, ly, name, fontName=font, fontSize=label_size,
                              textAnchor="middle", fillColor=text))
    drawing.add(shapes)
    drawing.add(labels)
    return drawing


def largest_piece(graph: nx.Graph) -> set[Hashable]:
    """The nodes of the largest connected piece of ``graph``.

    A city's layout puts its connected network in the middle and the small
    separate pieces on rings far outside (at a 1x city: 5,853 of 6,500 nodes
    within a twelfth of the extent); fitting the picture to the whole extent
    would shrink the network to a blot, so the city picture shows this piece.
    """
    return set(max(nx.connected_components(graph), key=len, default=set()))


def page_count(pdf: bytes) -> int:
    """Number of pages of a PDF made by :func:`report_pdf` (for the CLI's message)."""
    # reportlab writes one "/Type /Page" object per page (and "/Type /Pages" once).
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


def swatch(shape: str, x: float, y: float, size: float, colour: str,
           border: str | None) -> Any:
    """A legend swatch: ``rect``/``square``/``circle``/``triangle`` (``-fragile``: dashed
    outline), or a ``line``/``dash`` sample of an edge style."""
    fill = colors.HexColor(colour)
    stroke = colors.HexColor(border) if border else None
    fragile = shape.endswith("-fragile")
    shape = shape.removesuffix("-fragile")
    if shape in ("line", "dash"):
        path = VPath(strokeColor=fill, strokeWidth=1.6, fillColor=None,
                     strokeDashArray=[2.5, 1.5] if shape == "dash" else None)
        path.moveTo(x, y + size / 2)
        path.lineTo(x + size, y + size / 2)
        return path
    common = {"fillColor": fill, "strokeColor": stroke or fill,
              "strokeWidth": 1.2 if fragile else 0.6,
              "strokeDashArray": [1.5, 1] if fragile else None}
    if shape == "rect":
        return Rect(x, y, size, size, **common)
    if shape == "square":
        return Rect(x + 0.7, y + 0.7, size - 1.4, size - 1.4, **common)
    if shape == "triangle":
        return Polygon([x, y, x + size, y, x + size / 2, y + size], **common)
    return Circle(x + size / 2, y + size / 2, size / 2, **common)


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with "…" so it fits ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits, by bisection (names can be 10,000 chars)
        mid = (low + high + 1) // 2
        if pdfmetrics.stringWidth(text[:mid] + "…", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low] + "…"
