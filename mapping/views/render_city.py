"""The city view as one standalone, offline HTML page (see :mod:`mapping.views.aggregate`).

The same page as the network's (``network/network.html`` and its fixed
script, vis-network inlined, data as one script-safe JSON payload, tooltips
as text), drawing one node per neighbourhood and side: squares for formal
organisations, dots for informal ones, triangles for parent groups, sized by
how many they are; parent groups coloured by the coverage class of most of
their families; lines as wide as the number of links they stand for.

The page gets at most :data:`mapping.views.aggregate.NODE_CAP` nodes (the
smallest neighbourhoods merged into one node per side; the legend says how
many) and :data:`mapping.views.aggregate.LINE_CAP` lines (the strongest, up to
half of them between neighbourhoods; the legend says how many weaker ones of
each kind are hidden) and, per node and
line, numbers instead of tooltip text: ``city/city.js`` builds the tooltips in
the page from the numbers and the catalog's words before ``network.js`` draws.
A 4x city's page went from 4.1 MB (13,871 lines, each with its tooltip) to
about 0.5 MB.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import networkx as nx
from markupsafe import Markup

from mapping.i18n import format_number
from mapping.views.aggregate import (
    NO_HOOD,
    REST,
    between_neighbourhoods,
    dominant_class,
    strongest_lines,
)
from mapping.views.legend import coverage_entries, legend_entry
from mapping.views.network_select import GroupCoverage
from mapping.views.network_style import LABEL_PX, TEXT, _darker, _options, _sizes, label_order
from mapping.views.palette import COVERAGE_CLASSES, Palette, label, palette
from mapping.views.templates import (
    css_length,
    json_payload,
    render_page,
    static_asset,
    vis_asset,
)


def render_city(
    city: nx.Graph,
    positions: Mapping[Hashable, tuple[float, float]],
    *,
    total: int | None = None,
    lines: Sequence[tuple[Hashable, Hashable]] | None = None,
    lang: str = "nl", presentation: bool = False, height: str = "100vh",
    title: str | None = None,
) -> str:
    """Standalone HTML page drawing the aggregate ``city`` with vis-network.

    Drawn by the network page's own template and script, so search, picture
    downloads and full screen work as they do there.

    Parameters
    ----------
    city
        Graph from :func:`mapping.views.aggregate.aggregate`.
    positions
        Aggregate node -> ``(x, y)``, e.g. :func:`mapping.views.layout.positions`
        of ``city``.
    total
        Number of organisations and groups the view stands for, for the legend
        (default: the members counted in ``city``).
    lines
        The edges to draw (default :func:`mapping.views.aggregate.strongest_lines`);
        the others are counted in the legend and in their nodes' tooltips.
    lang
        ``"nl"`` or ``"en"``.
    presentation
        Larger type, higher contrast, colour-blind-safe palette.
    height
        CSS height of the drawing.
    title
        The page's title (plain text; default "city view").

    Returns
    -------
    str
        The city page: one HTML document that loads nothing from elsewhere.
    """
    lang = "en" if lang.lower().startswith("en") else "nl"
    t = TEXT[lang]
    pal = palette(presentation)
    drawn = list(strongest_lines(city) if lines is None else lines)
    kept = {frozenset(edge) for edge in drawn}
    hidden: dict[Hashable, int] = dict.fromkeys(city.nodes, 0)
    for u, v, links in city.edges(data="links"):
        if frozenset((u, v)) not in kept:
            hidden[u] += links
            hidden[v] += links
    sizes = _sizes(city, {n: d["count"] for n, d in city.nodes(data=True)}, presentation)
    nodes = [_city_node(n, d, positions.get(n), sizes[n], hidden[n], pal, lang)
             for n, d in city.nodes(data=True)]
    top = max((d["links"] for _, _, d in city.edges(data=True)), default=1)
    edges = [_city_edge(u, v, city.edges[u, v], top) for u, v in drawn]
    count = total if total is not None else sum(d["count"] for _, d in city.nodes(data=True))
    page_title = title if title is not None else t["city_title"]
    words = {key: t[key] for key in ("count", "families_n", "inner", "city_links", "agg_links",
                                     "city_hidden_links")}
    return render_page(
        "network/network.html",
        lang=lang, title=str(page_title),
        vis_css=vis_asset("vis-network.css"), vis_js=vis_asset("vis-network.min.js"),
        page_css=static_asset("network/network.css"),
        # city.js first: it turns the numbers into the tooltips network.js expects.
        page_js=Markup(static_asset("city/city.js") + "\n" + static_asset("network/network.js")),
        height=css_length(height), background=pal.background, text=pal.text,
        font=20 if presentation else 14,
        legend=_city_legend(city, count, drawn, hidden, pal, lang, presentation),
        ui={key: t[key] for key in ("search", "fullscreen", "png", "svg", "toolbar")},
        download_png=t["download"].format(what="PNG"),
        download_svg=t["download"].format(what="SVG"),
        data=json_payload({"nodes": nodes, "edges": edges,
                           "options": _options(pal, False, presentation, city.number_of_nodes()),
                           "focus": [], "text": pal.text, "background": pal.background,
                           "order": label_order(city, sizes), "labelPx": LABEL_PX[presentation],
                           "legendFolded": False, "found": t["found"],
                           "notFound": t["not_found"], "fileName": "stad",
                           "city": {"locale": "en-GB" if lang == "en" else "nl-NL",
                                    "words": words,
                                    "classes": [label(c, lang) for c in (*COVERAGE_CLASSES, None)],
                                    "colours": [pal.reach_edge, pal.collab_medium]}}),
    )


def city_name(data: Mapping[str, Any], lang: str) -> str:
    """``"<neighbourhood> · <side>"`` for an aggregate node (plain text)."""
    t = TEXT[lang]
    if data["neighbourhood"] == REST:
        hood = t["city_rest"].format(n=format_number(data["merged"], lang))
    else:
        hood = t["no_hood"] if data["neighbourhood"] == NO_HOOD else str(data["name"])
    return f"{hood} · {t['side_' + data['side']]}"


def _city_node(n: Hashable, data: Mapping[str, Any], pos: tuple[float, float] | None,
               size: float, hidden: int, pal: Palette, lang: str) -> dict[str, Any]:
    side = data["side"]
    # The tooltip's numbers; city.js words them (``tip``: name, count, families, links
    # inside, links on hidden lines, and for groups families per coverage class).
    tip: dict[str, Any] = {"name": city_name(data, lang), "count": data["count"],
                           "families": data["families"], "inner": data["inner"],
                           "hidden": hidden}
    if side == "groups":
        colour, shape = pal.coverage_colour(dominant_class(data.get("classes") or {})), "triangle"
        order = (*COVERAGE_CLASSES, None)
        tip["classes"] = [[order.index(cls), value] for cls, value in data["classes"].items()]
    else:
        colour = pal.organisation(side, None)
        shape = "square" if side == "formal" else "dot"
    hollow = colour.lower() == pal.background.lower()
    node: dict[str, Any] = {
        "id": str(n), "label": f"{city_name(data, lang)} ({format_number(data['count'], lang)})",
        "tip": tip, "shape": shape,
        "size": size * (0.8 if shape == "square" else 1.0),
        "color": {"background": colour, "border": pal.text if hollow else _darker(colour)},
    }
    if hollow:
        node["borderWidth"] = 3
    if pos is not None:
        node["x"], node["y"] = float(pos[0]), float(pos[1])
    return node


def _city_edge(u: Hashable, v: Hashable, data: Mapping[str, Any], top: int) -> dict[str, Any]:
    # Width by the square root of the share of the busiest edge: 1 to 9 px. ``c``: the
    # colour, 0 for mostly reach, 1 for mostly collaboration (city.js looks it up).
    width = 1.0 + 8.0 * math.sqrt(data["links"] / max(top, 1))
    return {"from": str(u), "to": str(v), "links": data["links"], "reach": data["reach"],
            "collab": data["collaborations"], "width": round(width, 2),
            "c": 0 if data["reach"] >= data["collaborations"] else 1}


def _city_legend(city: nx.Graph, total: int, drawn: Sequence[tuple[Hashable, Hashable]],
                 hidden: Mapping[Hashable, int],
                 pal: Palette, lang: str, presentation: bool) -> dict[str, Any]:
    t = TEXT[lang]
    cov = {n: GroupCoverage(dominant_class(d.get("classes") or {}))
           for n, d in city.nodes(data=True) if d["side"] == "groups"}
    sides = [legend_entry("sw sq", f"background:{pal.organisation('formal', None)}",
                          t["side_formal"]),
             legend_entry("sw dot", f"background:{pal.organisation('informal', None)}",
                          t["side_informal"])]
    groups = coverage_entries(pal, cov, lang, swatch="sw tri",
                              style="border-bottom-color:{colour}", fragile_swatch="sw tri",
                              fragile_style=f"border-bottom-color:{pal.background}")
    counts = t["city_nodes"].format(n=format_number(city.number_of_nodes(), lang),
                                    total=format_number(total, lang),
                                    m=format_number(city.number_of_edges(), lang))
    blocks: list[dict[str, Any]] = [
        {"kind": "p", "text": counts, "cls": "muted"}, {"kind": "p", "text": t["city_note"]},
        {"kind": "h3", "text": t["city_sides"]}, {"kind": "ul", "entries": sides},
        {"kind": "h3", "text": t["groups"]}, {"kind": "ul", "entries": groups},
        {"kind": "p", "text": t["city_colour"]}, {"kind": "p", "text": t["city_size"]},
        {"kind": "p", "text": t["city_width"]},
    ]
    lines = city.number_of_edges()
    if len(drawn) < lines:
        # Per kind: the lines between neighbourhoods have their own share of the cap.
        crosses = between_neighbourhoods(city)
        cross = sum(1 for u, v in city.edges if crosses(u, v))
        cross_drawn = sum(1 for u, v in drawn if crosses(u, v))
        n = {"shown": len(drawn), "m": lines, "between": cross_drawn, "m_between": cross,
             "inside": len(drawn) - cross_drawn, "m_inside": lines - cross,
             "hidden_between": cross - cross_drawn,
             "hidden_inside": lines - cross - len(drawn) + cross_drawn,
             "links": sum(hidden.values()) // 2}
        note = t["city_hidden"].format(**{k: format_number(v, lang) for k, v in n.items()})
        blocks.insert(1, {"kind": "p", "text": note, "cls": "muted"})
    rest = city.graph.get("rest")
    if rest:
        # Said first: what the picture leaves out of sight matters more than how it is drawn.
        note = t["city_merged"].format(shown=format_number(rest["shown"], lang),
                                       hoods=format_number(rest["shown"] + rest["hoods"], lang),
                                       rest=format_number(rest["hoods"], lang),
                                       members=format_number(rest["members"], lang),
                                       name=t["city_rest"].format(
                                           n=format_number(rest["hoods"], lang)))
        blocks.insert(1, {"kind": "p", "text": note, "cls": "muted"})
    return {"cls": "legend present" if presentation else "legend", "open": True,
            "title": t["legend"], "blocks": blocks}
