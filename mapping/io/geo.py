"""Coordinates and neighbourhood polygons.

Dutch data often comes in RD New (EPSG:28992) metres; everything inside the
product is WGS84 degrees. Conversion goes through pyproj, which carries the
official transformation (hand-written formulas drift by metres).

Neighbourhood polygons come as GeoJSON, with CBS property names
(``BU_CODE``/``BU_NAAM``, ``WK_CODE``/``WK_NAAM``) or plain ``code``/``name``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from mapping.domain.limits import LIMITS, Amount, text_problem
from mapping.domain.schema import NEIGHBOURHOOD_CODE_KEYS, NEIGHBOURHOOD_NAME_KEYS

if TYPE_CHECKING:
    from pyproj import Transformer

_POLYGONS = ("Polygon", "MultiPolygon")


@lru_cache(maxsize=1)
def _rd_to_wgs84() -> Transformer:
    # Imported here: pyproj costs about 70 ms, which a command reading no RD coordinates skips.
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


def rd_to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert RD New metres to WGS84 ``(lat, lon)`` degrees (vectorised)."""
    lon, lat = _rd_to_wgs84().transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)


@dataclass
class GeoProblem:
    """Something wrong in a GeoJSON file: ``feature`` is 1-based (0 = the file)."""

    feature: int
    field: str
    value: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def _positions(coords: Any) -> Iterator[list[float]]:
    """Every ``[x, y]`` position in a (Multi)Polygon coordinate array."""
    if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
        yield coords
    elif isinstance(coords, list):
        for part in coords:
            yield from _positions(part)


def _map_coords(coords: Any, fn: Any) -> Any:
    if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
        return fn(coords)
    return [_map_coords(part, fn) for part in coords]


def _looks_like_rd(geometry: dict[str, Any]) -> bool:
    """RD metres are in the thousands; degrees never exceed 180."""
    return any(abs(p[0]) > 180 or abs(p[1]) > 180 for p in _positions(geometry["coordinates"]))


def _to_wgs84(geometry: dict[str, Any]) -> dict[str, Any]:
    transformer = _rd_to_wgs84()

    def convert(position: list[float]) -> list[float]:
        lon, lat = transformer.transform(position[0], position[1])
        return [round(lon, 7), round(lat, 7)]

    return {"type": geometry["type"], "coordinates": _map_coords(geometry["coordinates"], convert)}


def _valid_coords(coords: Any) -> bool:
    positions = list(_positions(coords))
    return bool(positions) and all(
        len(p) >= 2 and all(isinstance(v, (int, float)) and np.isfinite(v) for v in p[:2])
        for p in positions)


def _first(properties: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    lowered = {str(k).lower(): v for k, v in properties.items()}
    for key in keys:
        value = lowered.get(key.lower())
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def read_neighbourhoods(data: bytes) -> tuple[dict[str, Any] | None, list[GeoProblem]]:
    """Parse a neighbourhoods GeoJSON file into a WGS84 FeatureCollection.

    Returns the collection (features carry ``code`` and ``name`` properties,
    plus the original properties) and the problems found. Polygons in RD New
    are converted. A feature without a usable polygon or without both code and
    name is a problem; the rest still load so that every problem is reported.
    """
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # RecursionError: brackets nested thousands deep, which no real file has.
        return None, [GeoProblem(0, "", "", "geojson_invalid",
                                 {"detail": str(exc)[:120] or type(exc).__name__})]
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        return None, [GeoProblem(0, "", "", "geojson_not_collection")]
    bound = _over_limits(document["features"])
    if bound is not None:
        return None, [bound]
    features: list[dict[str, Any]] = []
    problems: list[GeoProblem] = []
    seen: set[str] = set()
    for number, feature in enumerate(document["features"], start=1):
        feature = feature if isinstance(feature, dict) else {}
        geometry = feature.get("geometry")
        properties = feature.get("properties") or {}
        properties = properties if isinstance(properties, dict) else {}
        code = _first(properties, NEIGHBOURHOOD_CODE_KEYS)
        name = _first(properties, NEIGHBOURHOOD_NAME_KEYS)
        if not (isinstance(geometry, dict) and geometry.get("type") in _POLYGONS
                and _valid_coords(geometry.get("coordinates"))):
            kind = geometry.get("type") if isinstance(geometry, dict) else ""
            problems.append(GeoProblem(number, "geometry", str(kind or ""), "geojson_geometry"))
            continue
        if code is None and name is None:
            problems.append(GeoProblem(number, "code", "", "geojson_no_code"))
            continue
        code = code or name
        # The code is matched against the tables' ids: the same text rules apply.
        bad_text = [GeoProblem(number, key, text, problem)
                    for key, text, is_id in (("code", code, True), ("name", name, False))
                    if text and (problem := text_problem(text, is_id=is_id)) is not None]
        if bad_text:
            problems.extend(bad_text)
            continue
        if code in seen:
            problems.append(GeoProblem(number, "code", str(code), "geojson_duplicate"))
            continue
        seen.add(str(code))
        if _looks_like_rd(geometry):
            geometry = _to_wgs84(geometry)
        features.append({
            "type": "Feature",
            "geometry": geometry,
            "properties": {**properties, "code": code, "name": name or code},
        })
    return {"type": "FeatureCollection", "features": features}, problems


def _over_limits(features: list[Any]) -> GeoProblem | None:
    """A problem when there are more features or vertices than :data:`LIMITS` allow.

    Counted before any polygon is checked or converted (pyproj per vertex is
    the expensive part); the count stops at the limit.
    """
    if len(features) > LIMITS.geojson_features:
        return GeoProblem(0, "", "", "geojson_features",
                          {"found": Amount(len(features)),
                           "limit": Amount(LIMITS.geojson_features)})
    vertices = 0
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict):
            continue
        for _ in _positions(geometry.get("coordinates")):
            vertices += 1
            if vertices > LIMITS.geojson_vertices:
                return GeoProblem(0, "", "", "geojson_vertices",
                                  {"limit": Amount(LIMITS.geojson_vertices)})
    return None


def neighbourhood_keys(collection: dict[str, Any] | None) -> set[str]:
    """Codes and names of a FeatureCollection, normalised for matching table cells."""
    keys: set[str] = set()
    for feature in (collection or {}).get("features", []):
        props = feature.get("properties", {})
        for key in ("code", "name"):
            if props.get(key):
                keys.add(str(props[key]).strip().lower())
    return keys
