"""The map's CBS layer: how much of each neighbourhood's households with children the groups cover.

When the neighbourhood polygons carry the CBS key figures (see
:mod:`mapping.analysis.population`), each neighbourhood is coloured by the
families in the known parent groups divided by the CBS households with
children, on the same lightness-only ramp as the route-share layer (readable
with any colour vision and in greyscale). A figure the CBS keeps secret, or a
neighbourhood without figures, is never drawn as 0: it gets the off-ramp
"no data" fill and, for a secret figure, a dashed outline, and its popup says
which of the two it is. Everything here is data for the page's JSON payload;
``map.js`` puts the texts on the page with ``textContent``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mapping.i18n import format_number, format_percent
from mapping.locales import catalog
from mapping.views.palette import NO_DATA, Palette

TEXT: dict[str, dict[str, str]] = catalog.namespace("map_population")

def message(key: str, lang: str = "nl") -> str:
    """A text of the CBS layer in ``lang`` (``"nl"`` or ``"en"``), e.g. the page's ``toggle``."""
    return TEXT["en" if str(lang).lower().startswith("en") else "nl"][key]


SECRET_DASH = "6 4"
"""Outline of a neighbourhood whose CBS figure is secret (told apart by line, not colour)."""


def population_items(shapes: Sequence[tuple[str, str, dict[str, Any], Any]],
                     rows: Sequence[Mapping[str, Any]] | None, pal: Palette, lang: str,
                     weight: float) -> list[dict[str, Any]]:
    """The CBS layer's polygons, one per drawable neighbourhood.

    Parameters
    ----------
    shapes
        ``(code, name, geometry, centre)`` per polygon (the map's cleaned shapes).
    rows
        :func:`mapping.analysis.population.population_rows` (``None``: no CBS
        figures at all, so no layer).
    pal
        The map's palette (its ``share_ramp`` colours the layer).
    lang
        ``"nl"`` or ``"en"``.
    weight
        Outline width in pixels.

    Returns
    -------
    list of dict
        ``geometry``, ``name``, ``style`` (Leaflet path options, role
        ``population``), ``popup`` (lines of plain text), ``tooltip`` and
        ``cbs`` (``families``, ``households``, ``share``, ``status``:
        ``"known"``, ``"secret"`` or ``"missing"``: no figures, or none that
        is a usable number); empty without rows.
    """
    if not rows:
        return []
    t = TEXT[lang]
    by_code = {str(r["code"]): r for r in rows if r.get("code")}
    by_name = {str(r["name"]): r for r in rows}
    items = []
    for code, name, geometry, _centre in shapes:
        row = by_code.get(code) or by_name.get(name)
        # "unknown" (a figure that is no usable number) reads as "no figures" here.
        status = str(row.get("status") or "known") if row else "missing"
        status = "missing" if status == "unknown" else status
        families = int(row["families"]) if row else None
        households = row["households"] if row and status == "known" else None
        share = row["share"] if row and status == "known" else None
        lines = [name]
        if families is not None:
            lines.append(t["families"].format(n=format_number(families, lang)))
        if status == "known" and households is not None:
            lines.append(t["households"].format(n=format_number(households, lang)))
            lines.append(t["covered"].format(share=format_percent(share, lang))
                         if share is not None else t["none_with_children"])
        else:
            lines += [t["secret" if status == "secret" else "missing"], t["unknown_share"]]
        # Share above 1 (more known families than CBS counts) takes the ramp's top.
        fill = NO_DATA if share is None else pal.share(min(share, 1.0))
        items.append({
            "geometry": geometry, "name": name,
            "style": {"fillColor": fill, "color": pal.text, "weight": weight,
                      "fillOpacity": 0.7, "opacity": 0.9,
                      "dashArray": SECRET_DASH if status == "secret" else None,
                      "className": f"wk-population wk-cbs-{status}", "wkRole": "population"},
            "tooltip": name, "popup": "\n".join(lines),
            "cbs": {"families": families, "households": households, "share": share,
                    "status": status},
        })
    return items


def population_legend(pal: Palette, lang: str, percent: Any) -> list[dict[str, Any]]:
    """The legend blocks of the CBS layer (same shape as the map legend's blocks).

    ``percent`` formats a share for a ramp step (the map legend's own formatter).
    """
    t = TEXT[lang]
    steps = len(pal.share_ramp)
    entries = []
    for i, colour in enumerate(pal.share_ramp):
        low, high = percent(i / steps, lang), percent((i + 1) / steps, lang)
        text = t["or_more"].format(share=low) if i == steps - 1 else f"{low} – {high}"
        entries.append({"swatch": "sw", "style": f"background:{colour}", "text": text})
    entries.append({"swatch": "sw", "style": f"background:{NO_DATA};border:2px dashed {pal.text}",
                    "text": t["legend_secret"]})
    entries.append({"swatch": "sw", "style": f"background:{NO_DATA}", "text": t["legend_missing"]})
    return [{"kind": "h3", "text": t["title"]}, {"kind": "ul", "entries": entries}]
