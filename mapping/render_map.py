"""The district map as one standalone, offline HTML page (folium + vendored Leaflet).

Pure functions only: graph + neighbourhood polygons + options in, an HTML
string out. folium's default CDN scripts and styles (jQuery, Bootstrap,
awesome-markers, Font Awesome, Leaflet from jsDelivr) are removed and Leaflet
1.9.4 from ``mapping/assets/leaflet/`` is inlined, so the map needs no
internet. Only Leaflet-core layers are used: GeoJSON polygons, circle
markers, polylines, tile layers and the layer control.

Base maps (OpenStreetMap, PDOK BRT Achtergrondkaart) are ordinary tile
layers: offline their tiles fail quietly and the polygons and markers draw on
the plain background; "no base map" is an empty base layer.

Escaping
--------
folium's ``Tooltip`` and ``Popup`` paste their text into a JavaScript
template literal (and ``Popup`` needs jQuery), so a name containing a
backtick or ``${...}`` would run as code. This module binds tooltips and
popups itself: the text travels as script-safe JSON and is put in the page
with ``textContent``, so it is always shown as text. The legend is HTML built
with ``html.escape``.

Browser tests read ``window.wijkkaart`` (``polygons``, ``markers``,
``groups``, ``lines``, ``drawn``) and the ``data-*`` attributes of the
``#wijkkaart-status`` element, set after the map is built.
"""

from __future__ import annotations

import html
import math
from collections.abc import Hashable, Mapping
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import folium
import networkx as nx
from branca.element import Element, MacroElement
from jinja2 import Template

from mapping.graph import COLLABORATION, GROUP, ORG, REACH
from mapping.palette import NO_DATA, Palette, label, palette
from mapping.render_network import (
    STRONG_QUALITY,
    WEAK_QUALITY,
    GroupCoverage,
    coverage_by_node,
    node_text,
    script_json,
)

ASSETS = Path(__file__).parent / "assets" / "leaflet"

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
PDOK_TILES = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
)
BASE_MAPS = ("osm", "pdok", "none")

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "osm": "OpenStreetMap", "pdok": "PDOK BRT Achtergrondkaart",
        "none": "Geen achtergrondkaart",
        "polygons": "Wijken: aandeel gezinnen met route naar hulp",
        "organisations": "Organisaties", "groups": "Oudergroepen",
        "collaborations": "Samenwerkingen",
        "share_title": "Gezinnen met route naar professionele hulp",
        "no_data": "geen gegevens", "formal": "formeel (dikke rand)",
        "informal": "informeel",
        "group_size": "Cirkelgrootte oudergroep: aantal gezinnen",
        "share": "aandeel met route", "families": "gezinnen", "coverage": "dekking",
        "routes": "routes", "neighbourhood": "wijk", "community": "gemeenschap",
        "topics": "thema's", "contact": "contact", "quality": "kwaliteit",
        "unrated": "niet beoordeeld", "collaboration": "samenwerking",
        "legend": "Legenda", "weak": "zwak of niet beoordeeld: gestreept",
    },
    "en": {
        "osm": "OpenStreetMap", "pdok": "PDOK BRT base map", "none": "No base map",
        "polygons": "Neighbourhoods: share of families with a route to help",
        "organisations": "Organisations", "groups": "Parent groups",
        "collaborations": "Collaborations",
        "share_title": "Families with a route to professional help",
        "no_data": "no data", "formal": "formal (thick border)", "informal": "informal",
        "group_size": "Parent-group circle size: number of families",
        "share": "share with route", "families": "families", "coverage": "coverage",
        "routes": "routes", "neighbourhood": "neighbourhood", "community": "community",
        "topics": "topics", "contact": "contact", "quality": "quality",
        "unrated": "not rated", "collaboration": "collaboration",
        "legend": "Legend", "weak": "weak or not rated: dashed",
    },
}


class TextBinding(MacroElement):
    """Bind a plain-text tooltip or popup to the parent layer (text via ``textContent``).

    Parameters
    ----------
    text
        Plain text; newlines become line breaks (CSS ``pre-line``).
    kind
        ``"tooltip"`` or ``"popup"``.
    sticky
        Tooltip follows the mouse.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var el = document.createElement("div");
            el.className = "wk-text";
            el.textContent = {{ this.text_json }};
            {% if this.kind == "popup" %}
            {{ this._parent.get_name() }}.bindPopup(el, {maxWidth: 420});
            {% else %}
            {{ this._parent.get_name() }}.bindTooltip(el, {sticky: {{ this.sticky }}});
            {% endif %}
        })();
        {% endmacro %}
        """
    )

    def __init__(self, text: str, kind: str = "tooltip", sticky: bool = True) -> None:
        super().__init__()
        self._name = "TextBinding"
        self.text_json = script_json(str(text))
        self.kind = "popup" if kind == "popup" else "tooltip"
        self.sticky = "true" if sticky else "false"


class _Batch(MacroElement):
    """Many circle markers or polylines in one script, with plain-text tooltips/popups.

    One folium element per marker costs about 1 ms of template rendering each
    (2 s for a 2,000-node district); one JSON array and a loop in the browser
    cost next to nothing and produce the same Leaflet layers.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var parent = {{ this._parent.get_name() }};
            function text(value) {
                var el = document.createElement("div");
                el.className = "wk-text";
                el.textContent = value;
                return el;
            }
            {{ this.items_json }}.forEach(function (it) {
                var layer = L.{{ this.factory }}(it.at, it.options);
                if (it.tooltip) { layer.bindTooltip(text(it.tooltip), {sticky: true}); }
                if (it.popup) { layer.bindPopup(text(it.popup), {maxWidth: 420}); }
                layer.addTo(parent);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, factory: str, items: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "Batch"
        if factory not in ("circleMarker", "polyline"):
            raise ValueError(factory)
        self.factory = factory
        self.items_json = script_json(items)


class _Status(MacroElement):
    """After everything is added, count drawn layers and expose them for tests."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var counts = {polygons: 0, markers: 0, groups: 0, lines: 0};
            map.eachLayer(function (layer) {
                var role = layer.options && layer.options.wkRole;
                if (role && layer._path) { counts[role] += 1; }
            });
            counts.drawn = true;
            counts.map = map;
            window.wijkkaart = counts;
            var status = document.getElementById("wijkkaart-status");
            ["polygons", "markers", "groups", "lines"].forEach(function (k) {
                status.setAttribute("data-" + k, String(counts[k]));
            });
            status.setAttribute("data-drawn", "1");
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Status"


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
    base_map: str = "osm",
    show_collaborations: bool = False,
    height: str = "100vh",
) -> str:
    """Standalone HTML page with the district map.

    Parameters
    ----------
    graph
        Graph from :func:`mapping.graph.build_graph` (or a filtered one).
        Organisations need ``lat``/``lon``; those without are put at their
        neighbourhood's centroid, or left out when that is unknown too.
    neighbourhoods
        GeoJSON FeatureCollection (WGS84) with ``code`` and ``name`` properties.
    share
        Neighbourhood code -> share (0-1) of families with a route to
        professional help, or ``mapping.coverage.neighbourhood_shares`` rows
        (see :func:`share_by_code`); colours the polygons. A polygon matches
        on its ``code``, else on its ``name``.
    coverage
        Coverage per group (see :func:`mapping.render_network.coverage_by_node`).
    weak_threshold
        Collaborations below this mean quality (or unrated) are dashed.
    hide_personal
        Leave contact persons out of popups (and out of the HTML).
    lang
        ``"nl"`` or ``"en"``.
    presentation
        Larger type, thicker outlines, colour-blind-safe palette.
    base_map
        Initially shown base layer: ``"osm"``, ``"pdok"`` or ``"none"``.
    show_collaborations
        Whether the collaboration-lines layer starts switched on.
    height
        CSS height of the map.

    Returns
    -------
    str
        A complete HTML document; no request to another host is needed to draw it.
    """
    lang = "en" if lang.lower().startswith("en") else "nl"
    t = TEXT[lang]
    pal = palette(presentation)
    cov = coverage_by_node(coverage)
    share = share_by_code(share)
    features = list((neighbourhoods or {}).get("features") or [])
    centroids = _centroids(features)
    places = _place_groups(graph, centroids)
    org_at = _org_locations(graph, centroids)

    fmap = folium.Map(location=[52.1, 5.1], zoom_start=13, tiles=None, control_scale=True,
                      width="100%", height=height, prefer_canvas=False, zoom_snap=0.25)
    _strip_cdn(fmap)

    chosen = base_map if base_map in BASE_MAPS else "osm"
    folium.TileLayer(OSM_TILES, name=t["osm"], attr="© OpenStreetMap contributors",
                     max_zoom=19, show=chosen == "osm", overlay=False).add_to(fmap)
    folium.TileLayer(PDOK_TILES, name=t["pdok"], attr="Kaartgegevens © Kadaster",
                     max_zoom=19, show=chosen == "pdok", overlay=False).add_to(fmap)
    folium.FeatureGroup(name=t["none"], overlay=False, show=chosen == "none").add_to(fmap)

    weight = 3 if presentation else 1.5
    polygons = folium.FeatureGroup(name=t["polygons"], show=True)
    for feature in features:
        props = feature.get("properties") or {}
        code = _text(props.get("code")) or ""
        name = _text(props.get("name")) or code
        value = None if not share else share.get(code, share.get(name))
        style = {"fillColor": pal.share(value), "color": pal.text, "weight": weight,
                 "fillOpacity": 0.55, "opacity": 0.8, "wkRole": "polygons"}
        layer = folium.GeoJson({"type": "Feature", "properties": {},
                                "geometry": feature.get("geometry")},
                               style_function=lambda _f, s=style: s, highlight_function=None,
                               zoom_on_click=False)
        # Tooltips from geometry alone would lose the name; bind our own text.
        lines = [name, f"{t['neighbourhood']}: {code}" if code and code != name else ""]
        lines.append(f"{t['share']}: {_percent(value, lang)}" if value is not None
                     else f"{t['share']}: {t['no_data']}")
        TextBinding("\n".join(x for x in lines if x)).add_to(layer)
        layer.add_to(polygons)
    polygons.add_to(fmap)

    lines_group = folium.FeatureGroup(name=t["collaborations"], show=show_collaborations)
    lines: list[dict[str, Any]] = []
    for u, v, data in graph.edges(data=True):
        if data.get("type") != COLLABORATION or u not in org_at or v not in org_at:
            continue
        quality = data.get("quality")
        colour, dashed = _collab_style(pal, quality, weak_threshold)
        rated = (f"{t['quality']}: {_decimal(quality, lang)}" if quality is not None
                 else t["unrated"])
        lines.append({
            "at": [org_at[u], org_at[v]],
            "options": {"color": colour, "weight": 2 + (quality or 1), "opacity": 0.85,
                        "dashArray": "8 6" if dashed else None, "wkRole": "lines"},
            "tooltip": f"{t['collaboration']}: {_name(graph, u)} – {_name(graph, v)}\n{rated}",
        })
    _Batch("polyline", lines).add_to(lines_group)
    lines_group.add_to(fmap)

    groups_layer = folium.FeatureGroup(name=t["groups"], show=True)
    top = max((_number(graph.nodes[g].get("families")) for g in places), default=0.0)
    group_items: list[dict[str, Any]] = []
    for node, where in places.items():
        data = graph.nodes[node]
        gc = cov.get(node)
        families = _number(data.get("families"))
        radius = (10 if presentation else 7) + 22 * math.sqrt(families / top) if top else 10
        fragile = bool(gc and gc.fragile)
        group_items.append({
            "at": where,
            "options": {"radius": round(radius, 1), "color": pal.text if fragile else "#ffffff",
                        "weight": 4 if fragile else 2, "dashArray": "4 3" if fragile else None,
                        "fill": True, "fillColor": pal.coverage_colour(gc.coverage if gc else None),
                        "fillOpacity": 0.8, "wkRole": "groups"},
            "tooltip": str(data.get("name") or data.get("id")),
            "popup": node_text(data, gc, True, lang, graph.graph.get("neighbourhood_names")),
        })
    _Batch("circleMarker", group_items).add_to(groups_layer)
    groups_layer.add_to(fmap)

    orgs_layer = folium.FeatureGroup(name=t["organisations"], show=True)
    org_items: list[dict[str, Any]] = []
    for node, where in org_at.items():
        data = graph.nodes[node]
        formal = data.get("kind") == "formal"
        org_items.append({
            "at": where,
            "options": {"radius": 8 if presentation else 6,
                        "color": pal.text if formal else "#ffffff",
                        "weight": 3 if formal else 1.5, "fill": True,
                        "fillColor": pal.organisation(data.get("kind"), data.get("category")),
                        "fillOpacity": 0.95, "wkRole": "markers"},
            "tooltip": str(data.get("name") or data.get("id")),
            "popup": _org_text(graph, node, hide_personal, lang),
        })
    _Batch("circleMarker", org_items).add_to(orgs_layer)
    orgs_layer.add_to(fmap)

    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    bounds = _bounds(features, [*places.values(), *org_at.values()])
    if bounds:
        fmap.fit_bounds(bounds, padding=(20, 20))
    root = fmap.get_root()
    root.html.add_child(Element(_legend(graph, pal, cov, share is not None, lang, presentation)))
    root.html.add_child(Element("<div id='wijkkaart-status' data-drawn='0' hidden></div>"))
    _Status().add_to(fmap)
    root.header.add_child(Element(_head_css(pal, presentation)))
    return root.render()


def share_by_code(share: Any) -> dict[str, float] | None:
    """Normalise share input to ``{neighbourhood: share}``.

    Parameters
    ----------
    share
        ``None``; a mapping code -> share; or rows with ``neighbourhood`` and
        ``share`` keys (``mapping.coverage.neighbourhood_shares``) or such a
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
def _leaflet(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _strip_cdn(fmap: folium.Map) -> None:
    """Replace folium's CDN links by the vendored Leaflet, inlined."""
    fmap.default_js = []
    fmap.default_css = []
    header = fmap.get_root().header
    header.add_child(Element(f"<style>{_leaflet('leaflet.css')}</style>"), name="leaflet_css")
    header.add_child(Element(f"<script>{_leaflet('leaflet.js')}</script>"), name="leaflet_js")


def _head_css(pal: Palette, presentation: bool) -> str:
    font = 20 if presentation else 14
    return f"""<style>
.leaflet-container {{ background: #f4f1ea; font-family: Arial, Helvetica, sans-serif;
  font-size: {font}px; }}
.leaflet-control-layers {{ font-size: {font}px; }}
.wk-text {{ white-space: pre-line; font-size: {font}px; color: {pal.text}; }}
.wk-legend {{ position: absolute; z-index: 1000; bottom: 64px; left: 10px; max-width: 360px;
  max-height: calc(100% - 140px); overflow: auto; background: rgba(255,255,255,0.95);
  border: {2 if presentation else 1}px solid #888;
  border-radius: 6px; padding: 8px 12px; font: {font}px/1.35 Arial, Helvetica, sans-serif;
  color: {pal.text}; }}
.wk-legend h2 {{ font-size: 1.1em; margin: 0 0 4px; }}
.wk-legend h3 {{ font-size: 1em; margin: 6px 0 2px; }}
.wk-legend ul {{ list-style: none; margin: 0; padding: 0; }}
.wk-legend li {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.wk-legend .sw {{ display: inline-block; width: 1em; height: 1em; flex: none;
  border: 1px solid #666; }}
.wk-legend .dot {{ border-radius: 50%; }}
</style>"""


def _legend(graph: nx.Graph, pal: Palette, cov: Mapping[Hashable, GroupCoverage],
            with_share: bool, lang: str, presentation: bool) -> str:
    t = TEXT[lang]
    esc = html.escape

    def item(style: str, text: str, dot: bool = False) -> str:
        # ``style`` holds palette colours only; ``text`` is escaped here.
        shape = "sw dot" if dot else "sw"
        return f"<li><span class='{shape}' style='{style}'></span>{esc(text)}</li>"

    rows = [f"<h2>{esc(t['legend'])}</h2>"]
    if with_share:
        rows.append(f"<h3>{esc(t['share_title'])}</h3><ul>")
        steps = len(pal.share_ramp)
        for i, colour in enumerate(pal.share_ramp):
            low, high = i / steps, (i + 1) / steps
            rows.append(item(f"background:{colour}",
                             f"{_percent(low, lang)} – {_percent(high, lang)}"))
        rows.append(item(f"background:{NO_DATA}", t["no_data"]))
        rows.append("</ul>")
    classes = [c for c in ("direct", "bridged", "informal_only", "unreached")
               if any(g.coverage == c for g in cov.values())]
    rows.append(f"<h3>{esc(t['groups'])}</h3><ul>")
    for cls in classes or [None]:
        rows.append(item(f"background:{pal.coverage_colour(cls)}",
                         label(cls, lang) if cls else label("group", lang), dot=True))
    if any(g.fragile for g in cov.values()):
        rows.append(item("background:#fff;border:3px dashed #000", label("fragile", lang),
                         dot=True))
    rows.append(f"</ul><p>{esc(t['group_size'])}</p>")
    present = sorted({(str(d.get("kind")), str(d.get("category")))
                      for _, d in graph.nodes(data=True) if d.get("type") == ORG})
    rows.append(f"<h3>{esc(t['organisations'])}</h3><ul>")
    for kind, cat in present:
        border = f"border:3px solid {pal.text}" if kind == "formal" else ""
        rows.append(item(f"background:{pal.organisation(kind, cat)};{border}",
                         f"{label(kind, lang)} · {label(cat, lang)}", dot=True))
    rows.append(f"</ul><p>{esc(t['collaborations'])}: {esc(t['weak'])}</p>")
    return f"<div class='wk-legend' id='legend'>{''.join(rows)}</div>"


# --------------------------------------------------------------------------- geometry


def _centroids(features: list[Mapping[str, Any]]) -> dict[str, tuple[float, float]]:
    """Neighbourhood code and name -> (lat, lon) of the largest ring's area centroid."""
    result: dict[str, tuple[float, float]] = {}
    for feature in features:
        props = feature.get("properties") or {}
        ring = _largest_ring(feature.get("geometry") or {})
        if not ring:
            continue
        centre = _ring_centroid(ring)
        for key in (props.get("code"), props.get("name")):
            if key is not None:
                result.setdefault(str(key), centre)
    return result


def _largest_ring(geometry: Mapping[str, Any]) -> list[list[float]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    rings = [coords[0]] if kind == "Polygon" and coords else (
        [poly[0] for poly in coords if poly] if kind == "MultiPolygon" else [])
    return max(rings, key=lambda r: abs(_area(r)), default=[])


def _area(ring: list[list[float]]) -> float:
    return 0.5 * sum(x1 * y2 - x2 * y1
                     for (x1, y1, *_), (x2, y2, *_) in pairwise(ring))


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float]:
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


def _place_groups(graph: nx.Graph, centroids: Mapping[str, tuple[float, float]]
                  ) -> dict[Hashable, tuple[float, float]]:
    """Groups at their own lat/lon, else spread on a small circle round their centroid."""
    result: dict[Hashable, tuple[float, float]] = {}
    waiting: dict[str, list[Hashable]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("type") != GROUP:
            continue
        own = _latlon(data)
        if own:
            result[node] = own
        elif str(data.get("neighbourhood")) in centroids:
            waiting.setdefault(str(data.get("neighbourhood")), []).append(node)
    for place, nodes in waiting.items():
        lat, lon = centroids[place]
        # Several groups in one neighbourhood would hide each other at the centroid.
        spread = 0.0 if len(nodes) == 1 else 0.0012
        for i, node in enumerate(sorted(nodes, key=str)):
            angle = 2 * math.pi * i / len(nodes)
            result[node] = (lat + spread * math.sin(angle),
                            lon + spread * math.cos(angle) / math.cos(math.radians(lat)))
    return result


def _org_locations(graph: nx.Graph, centroids: Mapping[str, tuple[float, float]]
                   ) -> dict[Hashable, tuple[float, float]]:
    result: dict[Hashable, tuple[float, float]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("type") != ORG:
            continue
        own = _latlon(data)
        if own:
            result[node] = own
        elif str(data.get("neighbourhood")) in centroids:
            lat, lon = centroids[str(data["neighbourhood"])]
            result[node] = (lat - 0.0006, lon)  # just below the groups' ring
    return result


def _bounds(features: list[Mapping[str, Any]], points: list[tuple[float, float]]
            ) -> list[list[float]] | None:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    for feature in features:
        for lon, lat, *_ in _all_points((feature.get("geometry") or {}).get("coordinates")):
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
    return str(graph.nodes[node].get("name") or node)


def _latlon(data: Mapping[str, Any]) -> tuple[float, float] | None:
    lat, lon = _number(data.get("lat"), None), _number(data.get("lon"), None)
    if lat is None or lon is None:
        return None
    return (lat, lon)


def _number(value: Any, default: float | None = 0.0) -> Any:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else number


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _percent(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    text = f"{value * 100:.0f}%"
    return text


def _decimal(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "nl" else text
