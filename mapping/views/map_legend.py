"""The district map's legend as plain data for ``legend.html`` (autoescaped there).

Texts come from the map's catalog, styles hold palette colours only; no user
text is part of it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import networkx as nx

from mapping.analysis.graph import ORG
from mapping.views.map_payload import Text, percent
from mapping.views.map_population import population_legend
from mapping.views.palette import NO_DATA, Palette, label
from mapping.views.render_network import GroupCoverage


def legend(graph: nx.Graph, pal: Palette, cov: Mapping[Hashable, GroupCoverage],
           with_share: bool, t: Text, lang: str,
           population: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The legend as data for ``legend.html``, folded: texts autoescaped, styles palette only.

    Parameters
    ----------
    graph, pal, cov
        What the map draws, its palette and the coverage per group.
    with_share
        Whether the route-share colours are explained (the polygons carry shares).
    t, lang
        The map's texts in ``lang``.
    population
        The CBS layer's rows (see :mod:`mapping.views.map_population`); its
        colours are explained when given.
    """

    def entry(style: str, text: str, dot: bool = False) -> dict[str, str]:
        return {"swatch": "sw dot" if dot else "sw", "style": style, "text": text}

    blocks: list[dict[str, Any]] = []
    if with_share:
        steps = len(pal.share_ramp)
        ramp = [entry(f"background:{colour}",
                      f"{percent(i / steps, lang)} – {percent((i + 1) / steps, lang)}")
                for i, colour in enumerate(pal.share_ramp)]
        ramp.append(entry(f"background:{NO_DATA}", t["no_data"]))
        blocks += [{"kind": "h3", "text": t["share_title"]}, {"kind": "ul", "entries": ramp}]
    if population:
        blocks += population_legend(pal, lang, percent)
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
