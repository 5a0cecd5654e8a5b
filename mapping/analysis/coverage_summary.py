"""What a coverage says: its tables and its sentences, for the pages, the report and the CLI.

:func:`mapping.analysis.coverage.compute` finds classes, distances and routes; this
module turns a :class:`~mapping.analysis.coverage.Coverage` into what people read:
one row per group (:func:`coverage_table`, :func:`worst_first`), the counts per class
(:func:`summary`), the one share of families with a route (:func:`helped_share`,
per neighbourhood :func:`neighbourhood_shares`), and the gap and share sentences in
Dutch and English.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mapping.analysis.coverage import CLASSES, RANK, Coverage, GroupCoverage, family_count
from mapping.i18n import Catalog, format_percent, translate
from mapping.locales import catalog


def group_rows(cov: Coverage) -> list[dict[str, Any]]:
    """One JSON-friendly dict per group, in the shape of the report's ``groups``."""
    rows = []
    for gid, gc in cov.groups.items():
        info = cov.network.groups.get(gid, {})
        families = info.get("families")
        rows.append(
            {
                "id": gid,
                "name": info.get("name") or gid,
                "neighbourhood": info.get("neighbourhood"),
                "families": None if families is None or pd.isna(families)
                else family_count(families),
                "coverage": gc.coverage,
                "distance": gc.distance,
                "routes": gc.routes,
                "fragile": gc.fragile,
                "route": list(gc.route),
            }
        )
    return rows


def coverage_table(cov: Coverage) -> pd.DataFrame:
    """Coverage per group as a DataFrame (columns as in the report's ``groups``).

    ``route`` holds a tuple of organisation ids; ``route_names`` the names.
    """
    rows = group_rows(cov)
    for row in rows:
        row["route"] = tuple(row["route"])
        row["route_names"] = tuple(cov.network.name(o) for o in row["route"])
    columns = ["id", "name", "neighbourhood", "families", "coverage", "distance", "routes",
               "fragile", "route", "route_names"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["families"] = frame["families"].astype("Int64")
    frame["distance"] = frame["distance"].astype("Int64")
    return frame


def worst_first(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`coverage_table` with the largest gaps on top.

    Unreached, then informal only, then fragile (one route) before sturdier
    groups of the same class, then by distance (farther is worse), then most
    families first; the name breaks ties so the order is stable.
    """
    key = pd.DataFrame({
        "rank": table["coverage"].map(RANK),
        "sturdy": ~table["fragile"].astype(bool),
        "distance": -table["distance"].astype("Float64").fillna(0),
        "families": -table["families"].astype("Float64").fillna(0),
        "name": table["name"].astype(str),
    })
    order = key.sort_values(list(key.columns), kind="stable").index
    return table.loc[order].reset_index(drop=True)


def summary(cov: Coverage) -> dict[str, dict[str, int]]:
    """Groups and families per class: ``{class: {"groups": n, "families": n}}``."""
    result = {c: {"groups": 0, "families": 0} for c in CLASSES}
    for gid, gc in cov.groups.items():
        result[gc.coverage]["groups"] += 1
        result[gc.coverage]["families"] += cov.network.families(gid)
    return result


def helped_share(cov: Coverage) -> float | None:
    """Share of families (0-1) with a route to professional help (direct or bridged).

    ``None`` when no group has a known number of families. The one place this
    figure is computed: the report, the overview, what-if and the map use it.
    """
    totals = summary(cov)
    families = sum(v["families"] for v in totals.values())
    helped = totals["direct"]["families"] + totals["bridged"]["families"]
    return helped / families if families else None


def neighbourhood_shares(cov: Coverage) -> list[dict[str, Any]]:
    """Per neighbourhood: groups and families per class, and the share of
    families (and of groups) with a route to professional help (direct or bridged).

    Groups without a neighbourhood are collected under ``None``. ``name`` is the
    neighbourhood's name from the GeoJSON (else its code). ``share`` is ``None``
    when the neighbourhood has no families recorded.
    """
    per: dict[Any, dict[str, Any]] = {}
    for gid, gc in cov.groups.items():
        hood = cov.network.groups.get(gid, {}).get("neighbourhood")
        entry = per.setdefault(hood, {"neighbourhood": hood, "name": cov.network.hood(hood),
                                      **{c: {"groups": 0, "families": 0} for c in CLASSES}})
        entry[gc.coverage]["groups"] += 1
        entry[gc.coverage]["families"] += cov.network.families(gid)
    for entry in per.values():
        helped = entry["direct"]["families"] + entry["bridged"]["families"]
        total = sum(entry[c]["families"] for c in CLASSES)
        groups = sum(entry[c]["groups"] for c in CLASSES)
        entry["families"] = total
        entry["groups"] = groups
        entry["share"] = helped / total if total else None
        entry["group_share"] = (entry["direct"]["groups"] + entry["bridged"]["groups"]) / groups
    return sorted(per.values(), key=lambda e: (e["neighbourhood"] is None,
                                               str(e["neighbourhood"])))


MESSAGES: Catalog = catalog.namespace("coverage")


def join_names(names: list[str], lang: str = "nl") -> str:
    """``"A"``, ``"A and B"``, ``"A, B and C"`` in the reader's language."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {translate(MESSAGES, 'and', lang)} " + names[-1]


def gap_sentences(cov: Coverage, lang: str = "nl", limit: int = 5) -> list[str]:
    """The largest gaps as plain sentences, biggest (by families) first.

    Unreached and informal-only groups come before fragile ones of the same
    size, because they have no route at all.
    """
    ranked = sorted(
        (gc for gc in cov.groups.values() if gc.coverage in ("unreached", "informal_only")
         or gc.fragile),
        key=lambda gc: (-cov.network.families(gc.id), gc.routes, gc.id),
    )
    return [_gap_sentence(cov, gc, lang) for gc in ranked[:limit]]


def _gap_sentence(cov: Coverage, gc: GroupCoverage, lang: str) -> str:
    net = cov.network
    hood = net.hood(net.groups.get(gc.id, {}).get("neighbourhood")) or translate(
        MESSAGES, "unknown_hood", lang)
    values = {"group": net.name(gc.id, is_group=True), "hood": hood,
              "families": net.families(gc.id)}
    if gc.coverage == "unreached":
        return translate(MESSAGES, "unreached", lang, **values)
    if gc.coverage == "informal_only":
        names = [net.name(o) for o in gc.reachers]
        return translate(MESSAGES, "informal_only_by", lang, orgs=join_names(names, lang),
                         count=len(names), **values)
    names = [net.name(o) for o in gc.paths[0]] if gc.paths else []
    return translate(MESSAGES, "fragile", lang, orgs=join_names(names, lang), **values)


def share_sentences(cov: Coverage, lang: str = "nl") -> list[str]:
    """One sentence per neighbourhood with its share of families with a route."""
    out = []
    for entry in neighbourhood_shares(cov):
        if entry["share"] is None:
            continue
        hood = cov.network.hood(entry["neighbourhood"]) or translate(
            MESSAGES, "unknown_hood", lang)
        out.append(translate(MESSAGES, "share", lang, hood=hood,
                             share=format_percent(entry["share"], lang)))
    return out
