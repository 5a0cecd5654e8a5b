"""Legends as data for the ``legend.html`` macro, shared by the network, the city view and the map.

Every string in a legend is shown as text (the template autoescapes it); every
``style`` is built here from palette colours only, never from user text.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from mapping.analysis.graph import ORG
from mapping.i18n import format_number
from mapping.views.network_select import GroupCoverage, Highlight
from mapping.views.network_style import STRONG_QUALITY, TEXT
from mapping.views.palette import COVERAGE_CLASSES, Palette, label


def legend_entry(swatch: str, style: str, text: str) -> dict[str, str]:
    """One legend line: a swatch (CSS classes), its palette-only style and its text."""
    return {"swatch": swatch, "style": style, "text": text}


def coverage_entries(pal: Palette, cov: Mapping[Hashable, GroupCoverage], lang: str, *,
                     swatch: str, style: str, fragile_swatch: str,
                     fragile_style: str) -> list[dict[str, str]]:
    """Legend lines for the parent groups: each coverage class present, then "fragile".

    Parameters
    ----------
    pal
        The palette.
    cov
        Coverage per group node (:func:`mapping.views.network_select.coverage_by_node`).
    lang
        ``"nl"`` or ``"en"``.
    swatch, style
        The swatch's CSS classes and its style with ``{colour}`` where the
        class colour goes (``"background:{colour}"`` for a dot on the map,
        ``"border-bottom-color:{colour}"`` for a triangle in the network).
    fragile_swatch, fragile_style
        Swatch and (palette-only) style of the "fragile" line, shown when a
        group has one route only.

    Returns
    -------
    list of dict
        The classes in :data:`COVERAGE_CLASSES` order; a plain "parent group"
        line when no group has a class.
    """
    classes = [c for c in COVERAGE_CLASSES if any(g.coverage == c for g in cov.values())]
    entries = [legend_entry(swatch, style.format(colour=pal.coverage_colour(cls)),
                            label(cls, lang) if cls else label("group", lang))
               for cls in classes or [None]]
    if any(g.fragile for g in cov.values()):
        entries.append(legend_entry(fragile_swatch, fragile_style, label("fragile", lang)))
    return entries


def link_entries(pal: Palette, lang: str, weak: float) -> list[dict[str, str]]:
    """Legend lines for reach and the four collaboration styles."""
    t = TEXT[lang]
    fmt = {"weak": format_number(weak, lang, 1), "strong": format_number(STRONG_QUALITY, lang, 1)}
    return [legend_entry("ln", f"border-top:{width}px {'dashed' if dashed else 'solid'} {colour}",
                         text)
            for colour, dashed, width, text in (
                (pal.reach_edge, False, 2, t["reach"]),
                (pal.collab_strong, False, 5, t["collab_strong"].format(**fmt)),
                (pal.collab_medium, False, 4, t["collab_medium"].format(**fmt)),
                (pal.collab_weak, True, 3, t["collab_weak"].format(**fmt)),
                (pal.collab_unrated, True, 2, t["collab_unrated"].format(**fmt)))]


def network_legend(graph: nx.Graph, pal: Palette, lang: str, weak: float, custom_size: bool,
                   size_label: str | None, highlight: Highlight | None,
                   cov: Mapping[Hashable, GroupCoverage], presentation: bool) -> dict[str, Any]:
    """The network page's legend: organisations present, coverage classes, links, size."""
    t = TEXT[lang]
    present = {(d.get("kind"), d.get("category")) for _, d in graph.nodes(data=True)
               if d.get("type") == ORG}
    counts = t["nodes"].format(n=graph.number_of_nodes(), m=graph.number_of_edges())
    orgs: list[dict[str, str]] = []
    for kind in ("formal", "informal"):
        shape = ("sw sq out" if presentation else "sw sq") if kind == "formal" else "sw dot"
        cats = {c for k, c in present if (k == "formal") == (kind == "formal")}
        for cat in sorted(cats, key=lambda c: (c is None, str(c))):
            text = label(kind, lang) if cat is None else f"{label(kind, lang)} · {label(cat, lang)}"
            colour = pal.organisation(kind, cat)
            hollow = " out" if colour.lower() == pal.background.lower() else ""
            orgs.append(legend_entry(shape + hollow, f"background:{colour}", text))
    # Fragile is an outline on top of the class colour: shown as an outline only.
    groups = coverage_entries(pal, cov, lang, swatch="sw tri",
                              style="border-bottom-color:{colour}",
                              fragile_swatch="sw tri fragile",
                              fragile_style=f"border-bottom-color:{pal.background}")
    blocks: list[dict[str, Any]] = [
        {"kind": "p", "text": counts, "cls": "muted"},
        {"kind": "p", "text": t["shape"]},
        {"kind": "h3", "text": t["organisations"]}, {"kind": "ul", "entries": orgs},
        {"kind": "h3", "text": t["groups"]}, {"kind": "ul", "entries": groups},
        {"kind": "h3", "text": t["links"]},
        {"kind": "ul", "entries": link_entries(pal, lang, weak)},
    ]
    what = (size_label or "") if custom_size else t["families"]
    if what:
        # The catalog sentence is the format template; ``what`` is only a value in it.
        blocks.append({"kind": "p", "text": t["size"].format(what=what)})
    if highlight is not None:
        shown = len(highlight.nodes & set(graph.nodes))
        blocks.append({"kind": "p", "text": t["highlight"].format(n=shown), "cls": "strong"})
    # A <details> box: on a narrow screen the viewer folds it away to see the network.
    return {"cls": "legend present" if presentation else "legend", "open": True,
            "title": t["legend"], "blocks": blocks}

