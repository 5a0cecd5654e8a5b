"""Two waves of a district compared: last year's survey and this year's.

:func:`compare` takes two datasets (two files, or two saved versions) and
returns what changed, in a JSON-friendly dict:

* per parent group: coverage class, distance and routes before -> after;
* per class: groups and families before -> after;
* collaborations started and ended (unordered organisation pairs);
* per link present in both waves and per organisation: the change of each of
  the four conditions;
* ``actions``: plain sentences a team lead can read out ("Somali mothers in
  De Sluis lost their route when Moskee Nuur stopped working with the
  wijkteam"), worst news first.

Groups and organisations are matched by id. Names come from the later wave
(the earlier one for what disappeared).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from mapping.analysis import graph as g
from mapping.analysis import quality
from mapping.analysis.coverage import CLASSES, Coverage, compute, family_count, network_from_graph
from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.i18n import Catalog, format_number, translate
from mapping.locales import catalog

DROP = 0.5
"""A condition mean that falls by at least this much gets an action sentence."""

_HELPED = {"direct", "bridged"}

MESSAGES: Catalog = catalog.namespace("waves")

CONDITION_LABELS: dict[str, dict[str, str]] = {
    "nl": {"trust": "Vertrouwen", "shared_goals": "Gezamenlijke doelen",
           "role_clarity": "Duidelijkheid over rollen", "equality": "Gelijkwaardigheid"},
    "en": {"trust": "Trust", "shared_goals": "Shared goals", "role_clarity": "Role clarity",
           "equality": "Equality"},
}


def _num(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


class _Wave:
    """One wave, analysed once: graph, coverage, collaborating pairs, quality tables."""

    def __init__(self, dataset: Dataset, min_quality: float | None) -> None:
        self.dataset = dataset
        self.graph = g.build_graph(dataset)
        self.cov: Coverage = compute(network_from_graph(self.graph, min_quality))
        self.links = quality.link_quality(dataset)
        self.orgs = quality.organisation_profile(dataset, self.links)
        self.pairs = {(a, b) for a, b in zip(self.links["source"], self.links["target"],
                                             strict=True)}
        self.org_names = {d["id"]: str(d.get("name") or d["id"])
                          for _, d in self.graph.nodes(data=True) if d["type"] == g.ORG}
        self.reach = {(str(o), str(gr)) for o, gr in zip(dataset.reach["organisation"],
                                                          dataset.reach["group"], strict=True)}


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def compare(a: Dataset, b: Dataset, lang: str = "nl",
            min_quality: float | None = None) -> dict[str, Any]:
    """What changed from wave ``a`` to wave ``b``.

    Parameters
    ----------
    a, b
        The earlier and the later wave.
    lang
        Language of the action sentences (``nl`` or ``en``).
    min_quality
        Which collaborations count as links, in both waves.

    Returns
    -------
    dict
        ``before``/``after`` (dataset names), ``summary`` (per class
        ``{"groups": [before, after], "families": [before, after]}``),
        ``groups`` (per group id, name, neighbourhood, families, ``coverage``,
        ``distance``, ``routes`` as ``[before, after]`` and ``changed``),
        ``collaborations_started`` and ``collaborations_ended`` (``a``,
        ``b``, names), ``links`` (per pair in both waves: per condition
        ``[before, after, change]``), ``organisations`` (the same per
        organisation) and ``actions`` (sentences, worst news first).
    """
    lang = "en" if lang == "en" else "nl"
    before, after = _Wave(a, min_quality), _Wave(b, min_quality)
    names = {**before.org_names, **after.org_names}
    groups = _group_changes(before, after)
    started = sorted(after.pairs - before.pairs)
    ended = sorted(before.pairs - after.pairs)
    links = _condition_changes(before.links.set_index(["source", "target"]),
                               after.links.set_index(["source", "target"]),
                               sorted(before.pairs & after.pairs))
    orgs = _condition_changes(before.orgs.set_index("id"), after.orgs.set_index("id"),
                              sorted(set(before.orgs["id"]) & set(after.orgs["id"])))
    result = {
        "before": a.name, "after": b.name,
        "summary": _summary(before.cov, after.cov),
        "groups": groups,
        "collaborations_started": [{"a": x, "b": y, "a_name": names.get(x, x),
                                    "b_name": names.get(y, y)} for x, y in started],
        "collaborations_ended": [{"a": x, "b": y, "a_name": names.get(x, x),
                                  "b_name": names.get(y, y)} for x, y in ended],
        "links": [{"a": k[0], "b": k[1], "a_name": names.get(k[0], k[0]),
                   "b_name": names.get(k[1], k[1]), **v} for k, v in links.items()],
        "organisations": [{"id": k, "name": names.get(k, k), **v} for k, v in orgs.items()],
    }
    result["actions"] = _actions(result, before, after, set(ended), names, lang)
    return result


def _summary(before: Coverage, after: Coverage) -> dict[str, dict[str, list[int]]]:
    out = {c: {"groups": [0, 0], "families": [0, 0]} for c in CLASSES}
    for side, cov in enumerate((before, after)):
        for gid, gc in cov.groups.items():
            out[gc.coverage]["groups"][side] += 1
            out[gc.coverage]["families"][side] += cov.network.families(gid)
    return out


def _group_changes(before: _Wave, after: _Wave) -> list[dict[str, Any]]:
    rows = []
    ids = list(dict.fromkeys([*after.cov.groups, *before.cov.groups]))
    for key in ids:
        old, new = before.cov.groups.get(key), after.cov.groups.get(key)
        info = (after.cov.network.groups.get(key) or before.cov.network.groups.get(key) or {})
        row = {
            "id": key,
            "name": str(info.get("name") or key),
            "neighbourhood": info.get("neighbourhood"),
            "families": family_count(info.get("families")),
            "coverage": [old.coverage if old else None, new.coverage if new else None],
            "distance": [old.distance if old else None, new.distance if new else None],
            "routes": [old.routes if old else 0, new.routes if new else 0],
        }
        row["changed"] = (row["coverage"][0] != row["coverage"][1]
                          or row["distance"][0] != row["distance"][1]
                          or row["routes"][0] != row["routes"][1])
        rows.append(row)
    return rows


def _condition_changes(old: pd.DataFrame, new: pd.DataFrame, keys: list[Any]
                       ) -> dict[Any, dict[str, list[float | None]]]:
    out = {}
    for key in keys:
        values = {}
        for c in CONDITIONS:
            x, y = _num(old.at[key, c]), _num(new.at[key, c])
            values[c] = [x, y, None if x is None or y is None else round(y - x, 6)]
        out[key] = values
    return out


def _actions(result: dict[str, Any], before: _Wave, after: _Wave,
             ended: set[tuple[str, str]], names: dict[str, str], lang: str) -> list[str]:
    def t(key: str, **values: Any) -> str:
        return translate(MESSAGES, key, lang, **values)

    bad: list[tuple[int, int, str]] = []  # (rank, -families, sentence): worst first
    good: list[tuple[int, int, str]] = []
    for row in result["groups"]:
        key = str(row["id"])
        hood_name = (after.cov.network.hood(row["neighbourhood"])
                     if row["neighbourhood"] else None)
        where = {"group": row["name"], "hood": t("in", hood=hood_name) if hood_name else ""}
        old_class, new_class = row["coverage"]
        old_gc, new_gc = before.cov.groups.get(key), after.cov.groups.get(key)
        families = -row["families"]
        if old_class in _HELPED and new_class not in _HELPED and new_class is not None:
            bad.append((0, families, _lost_sentence(where, old_gc, before, after, ended,
                                                    names, new_class, t)))
        elif old_class not in _HELPED and new_class in _HELPED and new_gc is not None:
            route = " → ".join(names.get(o, o) for o in new_gc.route) or "–"
            good.append((0, families, t("gained", **where, route=route)))
        elif old_class == "unreached" and new_class == "informal_only" and new_gc is not None:
            orgs = ", ".join(names.get(o, o) for o in new_gc.reachers)
            good.append((1, families, t("newly_reached", **where, orgs=orgs)))
        elif new_class in _HELPED and old_gc is not None and new_gc is not None:
            if new_gc.routes == 1 and old_gc.routes > 1:
                first = new_gc.route[0] if new_gc.route else "–"
                bad.append((1, families, t("fragile", **where, org=names.get(first, first))))
            elif (old_gc.distance is not None and new_gc.distance is not None
                  and new_gc.distance != old_gc.distance):
                key_ = "farther" if new_gc.distance > old_gc.distance else "closer"
                (bad if key_ == "farther" else good).append(
                    (2, families, t(key_, **where, before=old_gc.distance,
                                    after=new_gc.distance)))
    labels = CONDITION_LABELS[lang]
    for link in result["links"]:
        for c in CONDITIONS:
            x, y, change = link[c]
            if change is not None and change <= -DROP:
                bad.append((3, int(change * 100), t(
                    "dropped", condition=labels[c], a=link["a_name"], b=link["b_name"],
                    before=format_number(x, lang, 1), after=format_number(y, lang, 1))))
    for pair in result["collaborations_started"]:
        good.append((4, 0, t("started", a=pair["a_name"], b=pair["b_name"])))
    sentences = [s for *_, s in sorted(bad)] + [s for *_, s in sorted(good)]
    return sentences or [t("no_changes")]


def _lost_sentence(where: dict[str, str], old_gc: Any, before: _Wave, after: _Wave,
                   ended: set[tuple[str, str]], names: dict[str, str], new_class: str,
                   t: Any) -> str:
    """Why a group lost its route: an ended collaboration on it, lost reach, a closed org."""
    if old_gc is not None:
        route = [str(o) for o in old_gc.route]
        for x, y in itertools.pairwise(route):
            if _pair(x, y) in ended:
                return t("lost_collab", **where, a=names.get(x, x), b=names.get(y, y))
        first = route[0] if route else None
        if first is not None and first not in after.org_names:
            return t("lost_gone", **where, org=names.get(first, first))
        if first is not None and (first, str(old_gc.id)) not in after.reach:
            return t("lost_reach", **where, org=names.get(first, first))
    return t("unreached" if new_class == "unreached" else "lost", **where)


# --------------------------------------------------------------------------- text and CLI


def format_compare(result: dict[str, Any], lang: str = "nl") -> str:
    """The comparison as text: the action list, then the class counts before -> after."""
    from mapping.views.palette import label

    lines = [f"{result['before']} → {result['after']}", ""]
    lines += [f"- {s}" for s in result["actions"]]
    lines.append("")
    for c, counts in result["summary"].items():
        (g0, g1), (f0, f1) = counts["groups"], counts["families"]
        lines.append(translate(MESSAGES, "class_change", lang, label=label(c, lang), g0=g0,
                               g1=g1, f0=f0, f1=f1))
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI: ``python -m mapping compare A B [--json] [--lang nl|en] [--db URL]``."""
    parser = sub.add_parser(
        "compare", help="compare two waves (datasets or saved versions)",
        description="A and B are folders, workbooks or files, or saved versions written "
                    "store:NAME@VERSION (store:NAME for the newest). "
                    "Exit status: 0 compared, 1 a dataset has errors or does not exist.")
    parser.add_argument("before", help="the earlier wave")
    parser.add_argument("after", help="the later wave")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    parser.add_argument("--min-quality", type=float, default=None)
    parser.add_argument("--db", default=None,
                        help="database URL or SQLite file for store:NAME@VERSION "
                             "(default: $MAPPING_DB or the user's store)")
    return "compare", run


def load_wave(ref: str, lang: str = "nl", db: str | None = None) -> Dataset | None:
    """A wave for the command line: ``store:NAME[@VERSION]`` or a path; ``None`` after an error.

    Problems are printed to stderr in ``lang``.
    """
    from mapping.io.load import load_for_command

    if not ref.startswith("store:"):
        return load_for_command(ref, lang)
    from mapping.store.repository import StoreError, open_store

    name, _, version = ref.removeprefix("store:").partition("@")
    try:
        with contextlib.closing(open_store(db)) as store:
            return store.load(name, version or None)
    except StoreError as exc:
        print(exc.message(lang), file=sys.stderr)
        return None


def path_problems(refs: Sequence[str], lang: str = "nl") -> list[str]:
    """The loader's report for each path in ``refs`` that is no readable folder or file.

    ``store:`` references are left to the store. Checked before any wave is
    loaded: each load starts a parse worker (2.4 s under load), also for a
    mistyped path, and the second wave was read even when the first was missing.
    """
    from mapping.io.load import LoadResult, format_result
    from mapping.io.validate import Collector

    reports = []
    for ref in refs:
        if ref.startswith("store:"):
            continue
        path, col = Path(ref), Collector("en" if lang == "en" else "nl")
        try:  # the loader's own checks and messages (mapping.io.load.load_path)
            if path.is_dir():
                with os.scandir(path):
                    pass
            elif path.is_file():
                with path.open("rb"):
                    pass
            else:
                col.error("path_missing", str(path))
        except OSError as exc:
            col.error("file_unreadable", str(path), detail=exc.strerror or type(exc).__name__)
        if col.errors:
            reports.append(format_result(LoadResult(None, col.errors, col.warnings), lang))
    return reports


def run(args: argparse.Namespace) -> int:
    """Compare ``args.before`` with ``args.after`` and print the result."""
    problems = path_problems([args.before, args.after], args.lang)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    a = load_wave(args.before, args.lang, args.db)
    b = load_wave(args.after, args.lang, args.db)
    if a is None or b is None:
        return 1
    result = compare(a, b, args.lang, args.min_quality)
    if args.json:
        from mapping.json_text import print_indented  # json.dump's text, via orjson

        try:
            print_indented(result, default=str)
        except ImportError as exc:  # orjson is pinned; a broken install is a sentence
            print(translate(MESSAGES, "json_missing", args.lang, error=exc), file=sys.stderr)
            return 1
    else:
        print(format_compare(result, args.lang))
    return 0
