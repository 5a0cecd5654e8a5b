"""The district map as one standalone, offline HTML page (vendored Leaflet).

Pure functions only: graph + neighbourhood polygons + options in, an HTML
string out. Leaflet 1.9.4 from ``mapping/views/assets/leaflet/`` is inlined, so the
map needs no internet; with the default background ("none") it asks no other
host for anything. OpenStreetMap and PDOK BRT Achtergrondkaart are ordinary
tile layers, requested only when chosen.

No user text is ever a template or code
---------------------------------------
The page is ``mapping/views/assets/map/map.html``, a file compiled by the
autoescaping, sandboxed Jinja2 environment of
:func:`mapping.views.render_network.render_page`; user strings are only ever
*variables* of it. Everything drawn (polygons with their names, neighbourhood
labels, markers, lines, popups, tooltips, notes) travels as one script-safe
JSON payload (``<script type="application/json" id="wk-data">``) that the
fixed script ``mapping/views/assets/map/map.js`` reads with ``JSON.parse`` and puts
on the page with ``textContent``. The legend is rendered by the template from
plain data, autoescaped. (folium is not used: branca compiles the *rendered*
output of its elements again as an unsandboxed Jinja2 template, so any user
string in it ran as code on the server.)

Placement
---------
Organisations and parent groups are drawn at their own coordinates; without
them, at their neighbourhood's centroid when a polygon is known, and parent
groups otherwise beside the organisations that reach them. What still has no
place is counted (see :func:`map_placement` and :func:`placement_notes`) and
said, on the map and on the page.

Browser tests read ``window.wijkkaart`` (``polygons``, ``markers``,
``groups``, ``lines``, ``labels``, ``drawn``, ``map``) and the ``data-*``
attributes of the ``#wijkkaart-status`` element, set after the map is built.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx

from mapping.analysis.graph import COLLABORATION, GROUP, ORG, REACH
from mapping.i18n import format_number, format_percent, translate
from mapping.locales import catalog
from mapping.views.palette import NO_DATA, Palette, label, palette
from mapping.views.render_network import (
    ASSETS,
    STRONG_QUALITY,
    WEAK_QUALITY,
    GroupCoverage,
    coverage_by_node,
    css_length,
    json_payload,
    node_text,
    render_page,
    static_asset,
)

LEAFLET = ASSETS / "leaflet"

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
PDOK_TILES = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
)
BASE_MAPS = ("none", "osm", "pdok")
"""Background choices; ``"none"`` (the default) needs no internet."""

DEFAULT_BASE_MAP = "none"

POPUP_MIN_WIDTH = 280
"""Popups are at least this many pixels wide, so a name and its lines read at a glance."""

POPUP_MAX_WIDTH = 420

# Rings round a neighbourhood's centroid or an organisation, in degrees of latitude
# (0.001° ≈ 110 m): groups without coordinates go on the inner ring (the
# neighbourhood's name sits in its middle), organisations on an outer one.
GROUP_RING = 0.0016
ORG_GAP = 0.0008
BESIDE_RING = 0.0008
RING_SPACING = 0.0008
LABEL_GAP = 0.0007
"""A neighbourhood's name sits this far above the rings round its centroid."""
"""Least distance between neighbours on a ring; a ring grows when it holds more."""

TEXT: dict[str, dict[str, str]] = catalog.namespace("render_map")

LatLon = tuple[float, float]


@dataclass(frozen=True)
class Placement:
    """Where the map draws every organisation and parent group, and what it cannot place.

    Attributes
    ----------
    at
        Node key -> ``(lat, lon)`` for every node drawn.
    how
        Node key -> ``"own"`` (its own coordinates), ``"centroid"`` (its
        neighbourhood's centroid) or ``"beside"`` (beside the organisations
        reaching it); same keys as ``at``.
    missing_orgs, missing_groups
        Node keys that have no place on the map, sorted.
    rings
        Neighbourhood (the key its centroid was found by) -> radius in degrees
        of the outermost ring of nodes placed round that centroid.
    """

    at: dict[Hashable, LatLon]
    how: dict[Hashable, str]
    missing_orgs: tuple[Hashable, ...] = ()
    missing_groups: tuple[Hashable, ...] = ()
    rings: dict[str, float] = field(default_factory=dict)

    def count(self, graph: nx.Graph, kind: str, how: str) -> int:
        """How many nodes of type ``kind`` (``ORG``/``GROUP``) are placed ``how``."""
        return sum(1 for node, way in self.how.items()
                   if way == how and graph.nodes[node].get("type") == kind)

    def summary(self, graph: nx.Graph) -> dict[str, int]:
        """Counts by kind and way of placement (the map's ``data-*`` status attributes)."""
        return {
            "groups-own": self.count(graph, GROUP, "own"),
            "groups-centroid": self.count(graph, GROUP, "centroid"),
            "groups-beside": self.count(graph, GROUP, "beside"),
            "groups-missing": len(self.missing_groups),
            "orgs-own": self.count(graph, ORG, "own"),
            "orgs-centroid": self.count(graph, ORG, "centroid"),
            "orgs-missing": len(self.missing_orgs),
        }


class Note(NamedTuple):
    """A sentence about placement: ``level`` is ``"warning"`` (not on the map) or ``"info"``."""

    level: str
    text: str


def render_map(
    graph: nx.Graph,
    neighbourhoods: Mapping[str, Any] | None = None,
    *,
    share: Any = None,
    coverage: Any = None,
    weak_threshold: float = WEAK_QUALITY,
    hide_personal: bool = True,
    lang: str = "nl",
    presentation: bool = False,
    base_map: str = DEFAULT_BASE_MAP,
    show_collaborations: bool = False,
    height: str = "100vh",
) -> str:
    """Standalone HTML page with the district map.

    Parameters
    ----------
    graph
        Graph from :func:`mapping.analysis.graph.build_graph` (or a filtered one).
        Nodes are placed as :func:`map_placement` says; what has no place is
        counted in a note on the map.
    neighbourhoods
        GeoJSON FeatureCollection (WGS84) with ``code`` and ``name`` properties;
        each polygon is drawn with its name as a permanent label.
    share
        Neighbourhood code -> share (0-1) of families with a route to
        professional help, or ``mapping.analysis.coverage.neighbourhood_shares`` rows
        (see :func:`share_by_code`); colours the polygons. A polygon matches
        on its ``code``, else on its ``name``.
    coverage
        Coverage per group (see :func:`mapping.views.render_network.coverage_by_node`).
    weak_threshold
        Collaborations below this mean quality (or unrated) are dashed.
    hide_personal
        Leave contact persons out of popups (and out of the HTML).
    lang
        ``"nl"`` or ``"en"``.
    presentation
        Larger type, thicker outlines, colour-blind-safe palette.
    base_map
        Initially shown background: ``"none"`` (default, offline), ``"osm"`` or
        ``"pdok"``; the others stay in the layer control and load tiles only
        when chosen there.
    show_collaborations
        Whether the collaboration-lines layer starts switched on.
    height
        CSS height of the map (a plain length such as ``"100vh"`` or ``"800px"``).

    Returns
    -------
    str
        A complete HTML document; with ``base_map="none"`` drawing it needs no
        request to another host.
    """
    lang = "en" if str(lang).lower().startswith("en") else "nl"
    t = TEXT[lang]
    pal = palette(presentation)
    cov = coverage_by_node(coverage)
    shares = share_by_code(share)
    shapes = _shapes(neighbourhoods)
    placed = _place(graph, shapes)
    hood_names = graph.graph.get("neighbourhood_names")

    weight = 3 if presentation else 1.5
    polygons = []
    for code, name, geometry, centre in shapes:
        value = None if not shares else shares.get(code, shares.get(name))
        lines = [name, f"{t['neighbourhood']}: {code}" if code and code != name else "",
                 f"{t['share']}: {_percent(value, lang)}" if value is not None
                 else f"{t['share']}: {t['no_data']}"]
        where = _label_at(geometry, centre, placed.rings.get(code) or placed.rings.get(name))
        polygons.append({
            "geometry": geometry, "at": list(where) if where else None, "name": name,
            "style": {"fillColor": pal.share(value), "color": pal.text, "weight": weight,
                      "fillOpacity": 0.55, "opacity": 0.8, "wkRole": "polygons"},
            "tooltip": "\n".join(x for x in lines if x),
        })

    lines_out: list[dict[str, Any]] = []
    for u, v, data in graph.edges(data=True):
        if data.get("type") != COLLABORATION or u not in placed.at or v not in placed.at:
            continue
        if graph.nodes[u].get("type") != ORG or graph.nodes[v].get("type") != ORG:
            continue
        quality = _number(data.get("quality"), None)
        colour, dashed = _collab_style(pal, quality, weak_threshold)
        rated = (f"{t['quality']}: {_decimal(quality, lang)}" if quality is not None
                 else t["unrated"])
        lines_out.append({
            "at": [list(placed.at[u]), list(placed.at[v])],
            "options": {"color": colour, "weight": 2 + min(quality or 1.0, 5.0),
                        "opacity": 0.85, "dashArray": "8 6" if dashed else None,
                        "wkRole": "lines"},
            "tooltip": f"{t['collaboration']}: {_name(graph, u)} – {_name(graph, v)}\n{rated}",
        })

    group_nodes = [n for n in placed.at if graph.nodes[n].get("type") == GROUP]
    top = max((_number(graph.nodes[g].get("families")) for g in group_nodes), default=0.0)
    group_items: list[dict[str, Any]] = []
    for node in group_nodes:
        data = graph.nodes[node]
        gc = cov.get(node)
        families = max(_number(data.get("families")), 0.0)
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

    org_items: list[dict[str, Any]] = []
    for node in placed.at:
        data = graph.nodes[node]
        if data.get("type") != ORG:
            continue
        formal = data.get("kind") == "formal"
        popup = _org_text(graph, node, hide_personal, lang)
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

    chosen = base_map if base_map in BASE_MAPS else DEFAULT_BASE_MAP
    bounds = _bounds(shapes, list(placed.at.values()))
    payload = {
        "text": {key: t[key] for key in ("polygons", "labels", "collaborations", "groups",
                                         "organisations")},
        "base": chosen,
        "baseLayers": [
            {"id": "none", "name": t["none"]},
            {"id": "osm", "name": t["osm"], "url": OSM_TILES,
             "attribution": "© OpenStreetMap contributors"},
            {"id": "pdok", "name": t["pdok"], "url": PDOK_TILES,
             "attribution": "Kaartgegevens © Kadaster"},
        ],
        "showCollaborations": bool(show_collaborations),
        "bounds": bounds,
        "centre": [52.1, 5.1],  # the Netherlands, when nothing has a place
        "polygons": polygons,
        "lines": lines_out,
        "groups": group_items,
        "orgs": org_items,
        "notes": [note.text for note in placement_notes(graph, placed, lang)],
        "placement": placed.summary(graph),
        "popup": {"minWidth": POPUP_MIN_WIDTH, "maxWidth": POPUP_MAX_WIDTH},
    }
    font = 20 if presentation else 14
    return render_page(
        "map/map.html",
        lang=lang,
        title=t["title"],
        leaflet_css=_leaflet("leaflet.css"),
        leaflet_js=_leaflet("leaflet.js"),
        map_css=static_asset("map/map.css"),
        map_js=static_asset("map/map.js"),
        height=css_length(height),
        font=font,
        label_font=font + 1,
        border=2 if presentation else 1,
        text=pal.text,
        legend=_legend(graph, pal, cov, shares is not None, lang),
        data=json_payload(payload),
    )


def map_placement(graph: nx.Graph, neighbourhoods: Mapping[str, Any] | None = None
                  ) -> Placement:
    """Where :func:`render_map` draws each organisation and parent group.

    Parameters
    ----------
    graph
        Graph from :func:`mapping.analysis.graph.build_graph`.
    neighbourhoods
        GeoJSON FeatureCollection (WGS84) with ``code`` and ``name`` properties.

    Returns
    -------
    Placement
        Organisations at their own coordinates, else on a ring round their
        neighbourhood's centroid; parent groups at their own coordinates, else
        on a ring round their neighbourhood's centroid, else beside the
        organisations with a place that reach them; the rest counted as missing.
    """
    return _place(graph, _shapes(neighbourhoods))


def placement_notes(graph: nx.Graph, placement: Placement, lang: str = "nl") -> list[Note]:
    """Sentences saying what is not on the map, or not at its own place, and why.

    Parameters
    ----------
    graph
        The graph the placement was made for.
    placement
        From :func:`map_placement`.
    lang
        ``"nl"`` or ``"en"``.

    Returns
    -------
    list of Note
        Warnings first (nodes not on the map), then information about
        estimated places; empty when everything is at its own coordinates.
    """
    lang = "en" if str(lang).lower().startswith("en") else "nl"

    def sentence(key: str, n: int) -> str:
        # The catalog sentence is the format template; only a number is put in.
        return translate(TEXT, key, lang, n=n)

    notes = []
    for key, n in (("groups_missing", len(placement.missing_groups)),
                   ("orgs_missing", len(placement.missing_orgs))):
        if n:
            notes.append(Note("warning", sentence(key, n)))
    for key, kind, how in (("groups_centroid", GROUP, "centroid"),
                           ("groups_beside", GROUP, "beside"),
                           ("orgs_centroid", ORG, "centroid")):
        n = placement.count(graph, kind, how)
        if n:
            notes.append(Note("info", sentence(key, n)))
    return notes


def share_by_code(share: Any) -> dict[str, float] | None:
    """Normalise share input to ``{neighbourhood: share}``.

    Parameters
    ----------
    share
        ``None``; a mapping code -> share; or rows with ``neighbourhood`` and
        ``share`` keys (``mapping.analysis.coverage.neighbourhood_shares``) or such a
        DataFrame. Rows with a missing share are left out (drawn as "no data").

    Returns
    -------
    dict or None
        Neighbourhood code (or name) -> share between 0 and 1.
    """
    if share is None:
        return None
    if isinstance(share, Mapping):
        return {str(k): float(v) for k, v in share.items() if _number(v, None) is not None}
    rows = share.to_dict("records") if hasattr(share, "to_dict") else list(share)
    return {str(r["neighbourhood"]): float(r["share"]) for r in rows
            if r.get("neighbourhood") is not None and _number(r.get("share"), None) is not None}


# --------------------------------------------------------------------------- page assembly


@cache
def _leaflet(name: str) -> Any:
    return static_asset(str(Path("leaflet") / name))


def _legend(graph: nx.Graph, pal: Palette, cov: Mapping[Hashable, GroupCoverage],
            with_share: bool, lang: str) -> dict[str, Any]:
    """The legend as data for ``legend.html``, folded: texts autoescaped, styles palette only."""
    t = TEXT[lang]

    def entry(style: str, text: str, dot: bool = False) -> dict[str, str]:
        return {"swatch": "sw dot" if dot else "sw", "style": style, "text": text}

    blocks: list[dict[str, Any]] = []
    if with_share:
        steps = len(pal.share_ramp)
        ramp = [entry(f"background:{colour}",
                      f"{_percent(i / steps, lang)} – {_percent((i + 1) / steps, lang)}")
                for i, colour in enumerate(pal.share_ramp)]
        ramp.append(entry(f"background:{NO_DATA}", t["no_data"]))
        blocks += [{"kind": "h3", "text": t["share_title"]}, {"kind": "ul", "entries": ramp}]
    classes = [c for c in ("direct", "bridged", "informal_only", "unreached")
               if any(g.coverage == c for g in cov.values())]
    groups = [entry(f"background:{pal.coverage_colour(cls)}",
                    label(cls, lang) if cls else label("group", lang), dot=True)
              for cls in classes or [None]]
    if any(g.fragile for g in cov.values()):
        groups.append(entry("background:#fff;border:3px dashed #000", label("fragile", lang),
                            dot=True))
    blocks += [{"kind": "h3", "text": t["groups"]}, {"kind": "ul", "entries": groups},
               {"kind": "p", "text": t["group_size"]}]
    present = sorted({(str(d.get("kind")), str(d.get("category")))
                      for _, d in graph.nodes(data=True) if d.get("type") == ORG})
    orgs = []
    for kind, cat in present:
        border = f";border:3px solid {pal.text}" if kind == "formal" else ""
        orgs.append(entry(f"background:{pal.organisation(kind, cat)}{border}",
                          f"{label(kind, lang)} · {label(cat, lang)}", dot=True))
    blocks += [{"kind": "h3", "text": t["organisations"]}, {"kind": "ul", "entries": orgs},
               {"kind": "p", "text": t["formal_border"]},
               {"kind": "p", "text": f"{t['collaborations']}: {t['weak']}"}]
    # Folded by default: the map is what people look at; the legend opens on a click.
    return {"cls": "wk-legend", "open": False, "title": t["legend"], "blocks": blocks}


# --------------------------------------------------------------------------- geometry


Shape = tuple[str, str, dict[str, Any], LatLon | None]
"""Neighbourhood code, name, cleaned GeoJSON geometry, centroid (lat, lon)."""


def _shapes(neighbourhoods: Mapping[str, Any] | None) -> list[Shape]:
    """The drawable polygons: finite coordinates only, each with its centroid."""
    features = (neighbourhoods or {}).get("features") if isinstance(neighbourhoods,
                                                                    Mapping) else None
    result: list[Shape] = []
    for feature in features or []:
        if not isinstance(feature, Mapping):
            continue
        geometry = _clean_geometry(feature.get("geometry"))
        if geometry is None:
            continue
        props = feature.get("properties") or {}
        props = props if isinstance(props, Mapping) else {}
        code = _text(props.get("code")) or ""
        name = _text(props.get("name")) or code
        ring = _largest_ring(geometry)
        result.append((code, name, geometry, _ring_centroid(ring) if ring else None))
    return result


def _clean_geometry(geometry: Any) -> dict[str, Any] | None:
    """A Polygon/MultiPolygon with only finite, in-range positions (else ``None``).

    A NaN or infinity in a user's GeoJSON would make the page's JSON invalid,
    and a ring with fewer than three positions cannot be drawn.
    """
    if not isinstance(geometry, Mapping):
        return None
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        rings = _clean_polygon(coords)
        return {"type": kind, "coordinates": rings} if rings else None
    if kind == "MultiPolygon" and isinstance(coords, list):
        polys = [p for p in (_clean_polygon(c) for c in coords) if p]
        return {"type": kind, "coordinates": polys} if polys else None
    return None


def _clean_polygon(coords: Any) -> list[list[list[float]]]:
    if not isinstance(coords, list):
        return []
    rings = []
    for ring in coords:
        if not isinstance(ring, list):
            continue
        points = [[float(p[0]), float(p[1])] for p in ring
                  if isinstance(p, (list, tuple)) and len(p) >= 2
                  and _lonlat_ok(p[0], p[1])]
        if len(points) >= 3:
            rings.append(points)
    return rings


def _lonlat_ok(lon: Any, lat: Any) -> bool:
    if isinstance(lon, bool) or isinstance(lat, bool):
        return False
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        return False
    return math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90


def _largest_ring(geometry: Mapping[str, Any]) -> list[list[float]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    rings = [coords[0]] if kind == "Polygon" and coords else (
        [poly[0] for poly in coords if poly] if kind == "MultiPolygon" else [])
    return max(rings, key=lambda r: abs(_area(r)), default=[])


def _area(ring: list[list[float]]) -> float:
    return 0.5 * sum(x1 * y2 - x2 * y1
                     for (x1, y1, *_), (x2, y2, *_) in pairwise(ring))


def _ring_centroid(ring: list[list[float]]) -> LatLon:
    area = _area(ring)
    if abs(area) < 1e-15:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return (sum(ys) / len(ys), sum(xs) / len(xs))
    cx = cy = 0.0
    for (x1, y1, *_), (x2, y2, *_) in pairwise(ring):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return (cy / (6 * area), cx / (6 * area))


def _place(graph: nx.Graph, shapes: list[Shape]) -> Placement:
    """See :func:`map_placement`."""
    centroids: dict[str, LatLon] = {}
    for code, name, _geometry, centre in shapes:
        for key in (code, name):
            if key and centre:
                centroids.setdefault(key, centre)
    at: dict[Hashable, LatLon] = {}
    how: dict[Hashable, str] = {}
    at_hood: dict[str, tuple[list[Hashable], list[Hashable]]] = {}
    rings: dict[str, float] = {}
    pending: list[Hashable] = []
    missing_orgs: list[Hashable] = []
    for node, data in graph.nodes(data=True):
        kind = data.get("type")
        if kind not in (ORG, GROUP):
            continue
        own = _latlon(data)
        hood = _text(data.get("neighbourhood"))
        if own:
            at[node], how[node] = own, "own"
        elif hood in centroids:
            at_hood.setdefault(hood, ([], []))[0 if kind == GROUP else 1].append(node)
        elif kind == GROUP:
            pending.append(node)
        else:
            missing_orgs.append(node)
    for hood, (groups, orgs) in at_hood.items():
        centre = centroids[hood]
        # Groups on the inner ring, starting at the bottom so the neighbourhood's
        # name (at the centroid) stays readable; organisations further out.
        inner = _ring_radius(len(groups), GROUP_RING)
        for node, point in _ring(centre, groups, inner, -math.pi / 2):
            at[node], how[node] = point, "centroid"
        outer = _ring_radius(len(orgs), inner + ORG_GAP if groups else GROUP_RING)
        for node, point in _ring(centre, orgs, outer, -math.pi / 3):
            at[node], how[node] = point, "centroid"
        rings[hood] = outer if orgs else inner
    beside: dict[LatLon, list[Hashable]] = {}
    missing_groups: list[Hashable] = []
    for node in pending:
        anchors = [at[m] for m in graph.neighbors(node)
                   if m in at and graph.nodes[m].get("type") == ORG
                   and graph.edges[node, m].get("type") == REACH]
        if anchors:
            centre = (round(sum(p[0] for p in anchors) / len(anchors), 6),
                      round(sum(p[1] for p in anchors) / len(anchors), 6))
            beside.setdefault(centre, []).append(node)
        else:
            missing_groups.append(node)
    for centre, nodes in beside.items():
        # A ring round the organisations, never on top of them.
        for node, point in _ring(centre, nodes, _ring_radius(len(nodes), BESIDE_RING),
                                 -math.pi / 4):
            at[node], how[node] = point, "beside"
    return Placement(at, how, tuple(sorted(missing_orgs, key=str)),
                     tuple(sorted(missing_groups, key=str)), rings)


def _label_at(geometry: Mapping[str, Any], centre: LatLon | None, ring: float | None
              ) -> LatLon | None:
    """Where a neighbourhood's name goes: above the rings round its centroid, if any.

    Below them when above would leave the polygon; at the centroid itself when
    nothing was placed there (or neither side fits).
    """
    if centre is None or not ring:
        return centre
    lats = [lat for _lon, lat, *_ in _all_points(geometry.get("coordinates"))]
    lat, lon = centre
    for candidate in (lat + ring + LABEL_GAP, lat - ring - LABEL_GAP):
        if min(lats) + LABEL_GAP / 2 < candidate < max(lats) - LABEL_GAP / 2:
            return (candidate, lon)
    return centre


def _ring_radius(n: int, least: float) -> float:
    """A ring's radius: at least ``least``, large enough to keep neighbours apart."""
    return max(least, n * RING_SPACING / (2 * math.pi))


def _ring(centre: LatLon, nodes: Iterable[Hashable], radius: float, start: float
          ) -> Iterable[tuple[Hashable, LatLon]]:
    nodes = sorted(nodes, key=str)
    lat, lon = centre
    stretch = 1 / max(math.cos(math.radians(lat)), 0.01)  # degrees of longitude are shorter
    for i, node in enumerate(nodes):
        angle = start + 2 * math.pi * i / len(nodes)
        yield node, (lat + radius * math.sin(angle), lon + radius * stretch * math.cos(angle))


def _bounds(shapes: list[Shape], points: list[LatLon]) -> list[list[float]] | None:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    for _code, _name, geometry, _centre in shapes:
        for lon, lat, *_ in _all_points(geometry.get("coordinates")):
            lats.append(lat)
            lons.append(lon)
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _all_points(coords: Any) -> list[list[float]]:
    if not coords:
        return []
    if isinstance(coords[0], (int, float)):
        return [coords]
    out: list[list[float]] = []
    for part in coords:
        out.extend(_all_points(part))
    return out


# --------------------------------------------------------------------------- text


def _org_text(graph: nx.Graph, node: Hashable, hide_personal: bool, lang: str) -> str:
    """The network's text about an organisation plus how many groups it reaches."""
    data = graph.nodes[node]
    text = node_text(data, None, hide_personal, lang, graph.graph.get("neighbourhood_names"))
    reached = sum(1 for m in graph.neighbors(node) if graph.edges[node, m].get("type") == REACH)
    return f"{text}\n{TEXT[lang]['groups']}: {reached}" if reached else text


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


def _latlon(data: Mapping[str, Any]) -> LatLon | None:
    """Own coordinates when both are finite numbers on the globe, else ``None``."""
    lat, lon = data.get("lat"), data.get("lon")
    if lat is None or lon is None or not _lonlat_ok(lon, lat):
        return None
    return (float(lat), float(lon))


def _number(value: Any, default: float | None = 0.0) -> Any:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _percent(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return format_percent(value, lang)


def _decimal(value: float, lang: str) -> str:
    return format_number(value, lang, 1)
