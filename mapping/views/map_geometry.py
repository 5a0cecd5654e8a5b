"""Where the district map draws things: cleaned polygons, centroids and placement.

Pure geometry on WGS84 ``(lon, lat)`` GeoJSON and ``(lat, lon)`` points; no
text, no colours. :func:`place` decides where every organisation and parent
group goes (own coordinates, a ring round its neighbourhood's centroid, or
beside the organisations reaching it) and what has no place at all.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import networkx as nx

from mapping.analysis.graph import GROUP, ORG, REACH

# Rings round a neighbourhood's centroid or an organisation, in degrees of latitude
# (0.001° ≈ 110 m): groups without coordinates go on the inner ring (the
# neighbourhood's name sits in its middle), organisations on an outer one.
GROUP_RING = 0.0016
ORG_GAP = 0.0008
BESIDE_RING = 0.0008
RING_SPACING = 0.0008
"""Least distance between neighbours on a ring; a ring grows when it holds more."""
LABEL_GAP = 0.0007
"""A neighbourhood's name sits this far above the rings round its centroid."""

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



Shape = tuple[str, str, dict[str, Any], LatLon | None]
"""Neighbourhood code, name, cleaned GeoJSON geometry, centroid (lat, lon)."""


def drawable_shapes(neighbourhoods: Mapping[str, Any] | None) -> list[Shape]:
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
        code = text_or_none(props.get("code")) or ""
        name = text_or_none(props.get("name")) or code
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


def place(graph: nx.Graph, shapes: list[Shape]) -> Placement:
    """Where every organisation and parent group goes (see ``render_map.map_placement``)."""
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
        own = latlon(data)
        hood = text_or_none(data.get("neighbourhood"))
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


def label_at(geometry: Mapping[str, Any], centre: LatLon | None, ring: float | None
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


def bounds(shapes: list[Shape], points: list[LatLon]) -> list[list[float]] | None:
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


def latlon(data: Mapping[str, Any]) -> LatLon | None:
    """Own coordinates when both are finite numbers on the globe, else ``None``."""
    lat, lon = data.get("lat"), data.get("lon")
    if lat is None or lon is None or not _lonlat_ok(lon, lat):
        return None
    return (float(lat), float(lon))


def number(value: Any, default: float | None = 0.0) -> Any:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def text_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)
