"""The district's population beside the known groups (CBS wijk- en buurtkaart key figures).

The groups in the data are the ones someone knows about. When the
neighbourhood polygons carry the CBS key figures (``aantal_hh`` households,
``p_hh_m_k`` percentage of households with children; property names in any
case), the families in the known groups per neighbourhood are set beside the
CBS households with children: the rest are families nobody in the data
reaches or knows. The CBS marks a secret figure (too few households) as
``-99999999``; any negative value is treated as unknown.
"""

from __future__ import annotations

import math
from typing import Any

from mapping.domain.limits import LIMITS
from mapping.i18n import Catalog, format_number, format_percent, translate
from mapping.locales import catalog

CBS_SECRET = -99999999
"""How the CBS marks a key figure that is kept secret."""

MESSAGES: Catalog = catalog.namespace("population")


def population_rows(neighbourhoods: dict[str, Any] | None,
                    families_by_hood: dict[str, int]) -> list[dict[str, Any]] | None:
    """Per neighbourhood with CBS key figures: families in known groups beside CBS households.

    Parameters
    ----------
    neighbourhoods
        The dataset's GeoJSON (features with ``code``, ``name`` and the CBS properties).
    families_by_hood
        Neighbourhood code -> families in the known groups (the report's
        ``neighbourhoods`` entries).

    Returns
    -------
    list of dict or None
        ``code``, ``name``, ``families``, ``households`` (with children,
        rounded; ``None`` when secret), ``share`` (families / households or
        ``None``), ``status`` (``"known"``; ``"secret"`` when the CBS marks a
        figure secret, a negative value; ``"unknown"`` when a figure is no
        usable number); ``None`` when no polygon carries the figures.
    """
    rows = []
    for feature in (neighbourhoods or {}).get("features") or []:
        props = {str(k).lower(): v for k, v in (feature.get("properties") or {}).items()}
        if "aantal_hh" not in props or "p_hh_m_k" not in props:
            continue
        code = str(props.get("code") or "")
        households, percentage = _cbs(props["aantal_hh"]), _cbs(props["p_hh_m_k"], 100.0)
        with_children = (None if households is None or percentage is None
                         else round(households * percentage / 100))
        families = int(families_by_hood.get(code, 0))
        rows.append({"code": code, "name": str(props.get("name") or code),
                     "families": families, "households": with_children,
                     "share": families / with_children if with_children else None,
                     "status": _status(with_children, props["aantal_hh"], props["p_hh_m_k"])})
    return rows or None


def families_by_hood(report: dict[str, Any]) -> dict[str, int]:
    """Neighbourhood code -> families in the known groups, from a report dict."""
    return {str(e["neighbourhood"]): e["families"] for e in report["neighbourhoods"]
            if e["neighbourhood"] is not None}


def population_sentences(rows: list[dict[str, Any]] | None, lang: str = "nl") -> list[str]:
    """One sentence per neighbourhood (or the one saying what would enable the comparison)."""
    if rows is None:
        return [translate(MESSAGES, "none", lang)]
    out = []
    for row in rows:
        if row["households"] is None:
            out.append(translate(MESSAGES, "secret", lang, hood=row["name"]))
        else:
            share = format_percent(row["share"], lang) if row["share"] is not None else "–"
            out.append(translate(MESSAGES, "line", lang, share=share, hood=row["name"],
                                 households=format_number(row["households"], lang)))
    return out


def _cbs(value: Any, largest: float = LIMITS.largest_number) -> float | None:
    """A usable CBS figure: a finite number from 0 to ``largest`` (else ``None``).

    Beyond the input bound (or 100 for a percentage) a figure is no count a
    neighbourhood can have, and would overflow the product.
    """
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(number) or number < 0 or number > largest:
        return None
    return number


def _status(with_children: int | None, *raw: Any) -> str:
    """``"known"``, ``"secret"`` (a negative CBS code such as -99999999) or ``"unknown"``."""
    if with_children is not None:
        return "known"
    for value in raw:
        if isinstance(value, bool):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            continue
        if math.isfinite(number) and number < 0:
            return "secret"
    return "unknown"
