"""What changed between two versions: the diff types and how two versions are compared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mapping.store.codec import _Column, _decode_value, _jsonable


@dataclass(frozen=True)
class RowChange:
    """One row present in both versions with different content."""

    key: tuple[str, ...]
    before: dict[str, Any]
    after: dict[str, Any]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class TableDiff:
    """Rows added, removed and changed in one table between two versions."""

    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


class _TableOf:
    """Read-only attribute ``diff.<table>``: that table's :class:`TableDiff` in ``diff.tables``."""

    def __init__(self, table: str) -> None:
        self.table = table

    def __get__(self, diff: DatasetDiff | None, owner: type | None = None) -> TableDiff:
        if diff is None:  # looked up on the class (help(), the docs): the descriptor itself
            return self  # type: ignore[return-value]
        return diff.tables[self.table]


@dataclass(frozen=True)
class DatasetDiff:
    """What changed from version ``old`` to version ``new`` of dataset ``name``.

    Rows are matched by ``id`` (organisations, parent groups), by
    ``(organisation, group)`` (reach) and by stored row identity
    (collaborations, where one pair may carry several ratings).
    """

    name: str
    old: int
    new: int
    tables: dict[str, TableDiff]
    columns_changed: bool
    neighbourhoods_changed: bool

    organisations = _TableOf("organisations")
    parent_groups = _TableOf("parent_groups")
    reach = _TableOf("reach")
    collaborations = _TableOf("collaborations")

    @property
    def is_empty(self) -> bool:
        """True when both versions hold the same content."""
        return not (any(self.tables.values()) or self.columns_changed
                    or self.neighbourhoods_changed)

    def counts(self) -> dict[str, dict[str, int]]:
        """``{table: {"added": n, "removed": n, "changed": n}}``."""
        return {name: {"added": len(d.added), "removed": len(d.removed),
                       "changed": len(d.changed)} for name, d in self.tables.items()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form (tuples become lists)."""
        def rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [_jsonable(r) for r in items]

        return {
            "name": self.name, "old": self.old, "new": self.new,
            "columns_changed": self.columns_changed,
            "neighbourhoods_changed": self.neighbourhoods_changed,
            "tables": {
                name: {"added": rows(d.added), "removed": rows(d.removed),
                       "changed": [{"key": list(c.key), "before": _jsonable(c.before),
                                    "after": _jsonable(c.after), "fields": list(c.fields)}
                                   for c in d.changed]}
                for name, d in self.tables.items()
            },
        }


def _diff_key(table: str, slot: int, row: Mapping[str, Any]) -> tuple[str, ...]:
    if table in ("organisations", "parent_groups"):
        return (str(row.get("id")),)
    if table == "reach":
        return (str(row.get("organisation")), str(row.get("group")))
    return (str(row.get("source")), str(row.get("target")), str(slot))


def _table_diff(table: str, before: list[tuple[int, dict[str, Any]]],
                after: list[tuple[int, dict[str, Any]]], layout_old: tuple[_Column, ...],
                layout_new: tuple[_Column, ...]) -> TableDiff:
    kinds = {c.name: c.kind for c in (*layout_old, *layout_new)}

    def decoded(row: Mapping[str, Any]) -> dict[str, Any]:
        return {k: _decode_value(v, kinds.get(k, "text")) for k, v in row.items()}

    old = {_diff_key(table, slot, row): row for slot, row in before}
    new = {_diff_key(table, slot, row): row for slot, row in after}
    diff = TableDiff()
    for key, row in new.items():
        if key not in old:
            diff.added.append(decoded(row))
        elif old[key] != row:
            names = list(dict.fromkeys([*old[key], *row]))
            fields = tuple(n for n in names if old[key].get(n) != row.get(n))
            if fields:
                diff.changed.append(RowChange(key, decoded(old[key]), decoded(row), fields))
    diff.removed.extend(decoded(row) for key, row in old.items() if key not in new)
    return diff


# --------------------------------------------------------------------------- join sessions
