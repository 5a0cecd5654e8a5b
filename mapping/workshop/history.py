"""What changed in a workshop: the version history, its choices and readable diff lines.

Split from :mod:`mapping.workshop.live` (which still exports these names).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from mapping.domain.dataset import Dataset
from mapping.store.repository import (
    DatasetDiff,
    Store,
    StoreError,
)
from mapping.workshop.choices import (
    group_names,
    organisation_names,
)
from mapping.workshop.clock import (
    date_time,
    local_time,
)
from mapping.workshop.messages import (
    text,
)


def history(store: Store, name: str, lang: str = "nl", hide_personal: bool = True,
            ) -> pd.DataFrame:
    """The version list as people read it, newest first.

    Times are Dutch time (:func:`local_time`); changes name organisations and
    groups by their names, not their ids (:func:`history_names`). With
    ``hide_personal`` the author column is left out (authors may be people's
    names).
    """
    frame = store.versions(name)
    known = history_names(store, name, frame)
    rows = []
    for r in frame.itertuples(index=False):
        rows.append({
            text("col_number", lang): int(r.number),
            text("col_time", lang): local_time(r.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            text("col_author", lang): r.author or "",
            text("col_change", lang): describe_action(r.action, r.subject, r.restored_from,
                                                      lang, known),
            text("col_label", lang): ", ".join(r.labels),
        })
    out = pd.DataFrame(rows[::-1])
    if hide_personal and not out.empty:
        out = out.drop(columns=[text("col_author", lang)])
    return out


def version_options(store: Store, name: str, lang: str = "nl") -> dict[int, str]:
    """Version number -> menu label (``Versie 7 · 14:05 · na workshop``), newest first.

    Read from the store on every call, so a menu drawn from it always lists
    the versions that exist now.
    """
    frame = store.versions(name)
    out: dict[int, str] = {}
    for r in frame.iloc[::-1].itertuples(index=False):
        label = text("version_option", lang, v=int(r.number), time=date_time(r.created_at, lang))
        out[int(r.number)] = f"{label} · {r.label}" if r.label else label
    return out


def history_names(store: Store, name: str, versions: pd.DataFrame | None = None,
                  ) -> dict[str, str]:
    """Id -> name of every organisation and group the history mentions.

    The newest version knows most of them; an id it does not know (deleted
    since) is looked up in the version before its deletion, so only versions
    that mention a removed organisation are loaded.
    """
    frame = store.versions(name) if versions is None else versions
    if frame.empty:
        return {}
    known = _all_names(store.load(name))
    for r in frame.itertuples(index=False):
        ids = _subject_ids(r.subject)
        if not ids or all(i in known for i in ids):
            continue
        before = r.parent if str(r.action or "").startswith("delete_") else r.number
        if before is None or before is pd.NA:
            continue
        try:
            older = _all_names(store.load(name, int(before)))
        except StoreError:
            continue
        for i in ids:
            if i in older:
                known.setdefault(i, older[i])
    return known


def _all_names(dataset: Dataset) -> dict[str, str]:
    return {**group_names(dataset), **organisation_names(dataset)}


def _subject_ids(subject: str | None) -> list[str]:
    """The ids in a version's subject: ``M7``, ``M7 -> G2`` or ``M7 - W1``."""
    if not subject:
        return []
    for separator in (" -> ", " - "):
        if separator in subject:
            return [part.strip() for part in subject.split(separator, 1)]
    return [subject.strip()]


def describe_action(action: str | None, subject: str | None, restored_from: Any,
                    lang: str = "nl", names: Mapping[str, str] | None = None) -> str:
    """One history line: ``+ organisatie Moskee Nuur``, ``teruggezet naar versie 3``...

    ``names`` (id -> name, :func:`history_names`) turns the ids of the
    subject into names; an id without a known name is shown as it is.
    """
    action = action or ""
    v = None if restored_from is None or restored_from is pd.NA else int(restored_from)
    subject = _named_subject(subject, names or {})
    if action in ("restore", "undo"):
        return text(f"action_{action}", lang, v=v)
    if action == "join_submit":
        return text("action_join_submit", lang, subject=subject or "")
    if action in ("create", "save", "snapshot"):
        return text(f"action_{action}", lang)
    verb, _, kind = action.partition("_")
    sign = {"add": "+", "update": "~", "delete": "-"}.get(verb)
    table = _TABLE_OF_ACTION.get(kind)
    if sign and table:
        return f"{sign} {text(table, lang)} {subject or ''}".strip()
    return f"{action} {subject or ''}".strip()


def _named_subject(subject: str | None, names: Mapping[str, str]) -> str | None:
    if not subject:
        return subject
    for separator, shown in ((" -> ", " → "), (" - ", " – ")):
        if separator in subject:
            a, b = (part.strip() for part in subject.split(separator, 1))
            return f"{names.get(a, a)}{shown}{names.get(b, b)}"
    return names.get(subject.strip(), subject)


_TABLE_OF_ACTION = {"organisation": "organisations", "group": "parent_groups",
                    "reach": "reach", "collaboration": "collaborations"}


def diff_lines(diff: DatasetDiff, dataset: Dataset | None = None, lang: str = "nl",
               hide_personal: bool = True, older: Dataset | None = None) -> list[str]:
    """What changed, one plain sentence per row, with names instead of ids.

    ``dataset`` (either version) supplies organisation and group names for
    links. An organisation or group is named by its name alone; its id is
    added only when another one in ``dataset`` has the same name (so two
    "Buurthuis" rows stay apart). With ``hide_personal``, changes that only
    touch ``contact`` or ``reported_by`` show without the values. ``older``
    (the other version) names what was removed since.
    """
    names: dict[str, str] = {}
    if older is not None:
        names.update(_all_names(older))
    if dataset is not None:
        names.update(_all_names(dataset))
    counts: dict[str, int] = {}
    for shown in (_all_names(dataset) if dataset is not None else names).values():
        counts[shown.casefold()] = counts.get(shown.casefold(), 0) + 1
    lines: list[str] = []
    for table in ("organisations", "parent_groups", "reach", "collaborations"):
        part = diff.tables[table]
        what = text(table, lang)
        for row in part.added:
            lines.append(text("added", lang, what=what,
                              name=_row_name(table, row, names, counts)))
        for row in part.removed:
            lines.append(text("removed", lang, what=what,
                              name=_row_name(table, row, names, counts)))
        for change in part.changed:
            fields = [f for f in change.fields
                      if not (hide_personal and f in ("contact", "reported_by"))]
            lines.append(text("changed", lang, what=what,
                              name=_row_name(table, change.after, names, counts),
                              fields=", ".join(fields) or "…"))
    if diff.columns_changed and not lines:
        lines.append(text("columns_changed", lang))
    if diff.neighbourhoods_changed:
        lines.append(text("neighbourhoods_changed", lang))
    return lines or [text("no_change", lang)]


def _row_name(table: str, row: Mapping[str, Any], names: Mapping[str, str],
              counts: Mapping[str, int]) -> str:
    if table in ("organisations", "parent_groups"):
        shown = str(row.get("name") or row.get("id"))
        if counts.get(shown.casefold(), 0) > 1:  # two of that name: the id tells them apart
            return f"{shown} ({row.get('id')})"
        return shown
    a, b = (("organisation", "group") if table == "reach" else ("source", "target"))
    left, right = str(row.get(a)), str(row.get(b))
    return f"{names.get(left, left)} → {names.get(right, right)}"


def recent_changes(store: Store, name: str, lang: str = "nl", limit: int = 5,
                   ) -> list[tuple[int, str]]:
    """The last ``limit`` versions as ``(number, sentence)``, newest first (live feed)."""
    head = store.head(name)
    out: list[tuple[int, str]] = []
    dataset = store.load(name, head)
    for number in range(head, max(1, head - limit), -1):
        lines = diff_lines(store.diff(name, number - 1, number), dataset, lang,
                           older=store.load(name, number - 1))
        out.append((number, "; ".join(lines)))
    return out
