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

The CBS layer
-------------
With ``population`` rows (:func:`mapping.analysis.population.population_rows`)
a second polygon layer colours each neighbourhood by the families in the known
groups divided by the CBS households with children (see
:mod:`mapping.views.map_population`); it is an overlay in the layer control.

Modules
-------
Geometry and placement live in :mod:`mapping.views.map_geometry`, the drawn
items in :mod:`mapping.views.map_payload`, the legend in
:mod:`mapping.views.map_legend`; this module assembles the page and keeps the
public names.

Browser tests read ``window.wijkkaart`` (``polygons``, ``markers``,
``groups``, ``lines``, ``labels``, ``drawn``, ``map``) and the ``data-*``
attributes of the ``#wijkkaart-status`` element, set after the map is built.
"""


from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx

from mapping.analysis.graph import GROUP, ORG
from mapping.i18n import translate
from mapping.locales import catalog
from mapping.views.map_geometry import (  # noqa: F401  (public names kept here)
    BESIDE_RING,
    GROUP_RING,
    LABEL_GAP,
    ORG_GAP,
    RING_SPACING,
    LatLon,
    Placement,
    Shape,
    bounds,
    drawable_shapes,
    number,
    place,
)
from mapping.views.map_legend import legend
from mapping.views.map_payload import (
    group_items,
    line_items,
    org_items,
    polygon_items,
    share_by_code,
)
from mapping.views.map_population import TEXT as POPULATION_TEXT
from mapping.views.map_population import population_items
from mapping.views.palette import palette
from mapping.views.render_network import (
    ASSETS,
    WEAK_QUALITY,
    coverage_by_node,
    css_length,
    json_payload,
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


TEXT: dict[str, dict[str, str]] = catalog.namespace("render_map")


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
    population: list[dict[str, Any]] | None = None,
    show_population: bool = False,
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
        professional help, or ``mapping.analysis.coverage_summary.neighbourhood_shares`` rows
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
    population
        Per neighbourhood the families in the known groups beside the CBS
        households with children
        (:func:`mapping.analysis.population.population_rows`); adds the CBS
        layer and its legend. ``None``: no such layer.
    show_population
        Whether the CBS layer starts switched on (instead of the route shares).

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
    shapes = drawable_shapes(neighbourhoods)
    placed = place(graph, shapes)
    weight = 3 if presentation else 1.5
    cbs = population_items(shapes, population, pal, lang, weight)

    chosen = base_map if base_map in BASE_MAPS else DEFAULT_BASE_MAP
    payload = {
        "text": {**{key: t[key] for key in ("polygons", "labels", "collaborations", "groups",
                                            "organisations")},
                 "population": POPULATION_TEXT[lang]["layer"]},
        "base": chosen,
        "baseLayers": [
            {"id": "none", "name": t["none"]},
            {"id": "osm", "name": t["osm"], "url": OSM_TILES,
             "attribution": "© OpenStreetMap contributors"},
            {"id": "pdok", "name": t["pdok"], "url": PDOK_TILES,
             "attribution": "Kaartgegevens © Kadaster"},
        ],
        "showCollaborations": bool(show_collaborations),
        "showPopulation": bool(show_population and cbs),
        "bounds": bounds(shapes, list(placed.at.values())),
        "centre": [52.1, 5.1],  # the Netherlands, when nothing has a place
        "polygons": polygon_items(shapes, shares, placed, pal, t, lang, weight),
        "population": cbs,
        "lines": line_items(graph, placed, pal, t, lang, weak_threshold),
        "groups": group_items(graph, placed, cov, pal, t, lang, presentation),
        "orgs": org_items(graph, placed, pal, t, lang, presentation, hide_personal),
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
        legend=legend(graph, pal, cov, shares is not None, t, lang, population if cbs else None),
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
    return place(graph, drawable_shapes(neighbourhoods))


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


@cache
def _leaflet(name: str) -> Any:
    return static_asset(str(Path("leaflet") / name))
