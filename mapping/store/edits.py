"""One write transaction's state and the rules every edit's values pass.

:class:`_Edit` holds the locked dataset and the rows an edit closes and
inserts (later changes of one edit see the earlier ones). :func:`_coerce`
types a form's or a join answer's values by the schema's rules
(:mod:`mapping.domain.rules`, the same rules as for a file);
:func:`_apply_slots` and :func:`_apply_rows` write what turns one version
into another.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sqlalchemy as sa

from mapping.domain import limits, rules
from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES
from mapping.store import tables as s
from mapping.store.codec import CANONICAL, Layout, _canonical_column, _Column, _dumps, _row_refs
from mapping.store.errors import EditError, RuleRefused

_REQUIRED: dict[str, tuple[str, ...]] = {
    table: tuple(c.name for c in schema.columns if c.required)
    for table, schema in sc.SCHEMAS.items()
}
"""Required fields per table: the schema's, as for files."""


@dataclass(frozen=True)
class _Ref:
    """A dataset as the internals address it: id, name and the head seen."""

    dataset_id: int
    name: str
    head: int

    @classmethod
    def of(cls, row: Any) -> _Ref:
        """From a ``datasets`` row."""
        return cls(int(row.id), str(row.name), int(row.head))


@dataclass
class _Edit:
    """The state of one write transaction: the locked dataset and pending row changes."""

    conn: sa.Connection
    dataset_id: int
    name: str
    head: int
    next_slot: int
    columns_hash: str
    geo_hash: str | None
    layout: Layout
    inserts: list[dict[str, Any]] = field(default_factory=list)
    closes: list[tuple[str, int]] = field(default_factory=list)
    layout_changed: bool = False

    @property
    def number(self) -> int:
        """The version this edit creates."""
        return self.head + 1

    @property
    def ref(self) -> _Ref:
        return _Ref(self.dataset_id, self.name, self.head)

    def current(self, table: str, *, key: str | None = None, ref_a: str | None = None,
                ref_b: str | None = None, either: str | None = None,
                ) -> list[tuple[int, dict[str, Any]]]:
        """Current rows of ``table`` (slot, row) matching the given identifying cells."""
        r = s.dataset_rows.c
        query = sa.select(r.slot, r.data).where(
            r.dataset_id == self.dataset_id, r.tbl == table, r.valid_to.is_(None))
        if key is not None:
            query = query.where(r.key == key)
        if ref_a is not None:
            query = query.where(r.ref_a == ref_a)
        if ref_b is not None:
            query = query.where(r.ref_b == ref_b)
        if either is not None:
            query = query.where(sa.or_(r.ref_a == either, r.ref_b == either))
        rows = self.conn.execute(query.order_by(r.slot)).all()
        if not self.inserts and not self.closes:
            return [(slot, json.loads(data)) for slot, data in rows]
        # Several changes in one edit (a participant's whole submission): later
        # changes must see the rows the earlier ones wrote but did not commit yet.
        closed = {slot for tbl, slot in self.closes if tbl == table}
        found = {slot: json.loads(data) for slot, data in rows if slot not in closed}
        for pending in self.inserts:
            if pending["tbl"] != table or not _matches(pending, key, ref_a, ref_b, either):
                continue
            found[pending["slot"]] = json.loads(pending["data"])
        return sorted(found.items())

    def exists(self, table: str, key: str) -> bool:
        return bool(self.current(table, key=key))

    def insert(self, table: str, record: Mapping[str, Any], slot: int | None = None) -> None:
        if slot is None:
            slot = self.next_slot
            self.next_slot += 1
        key, ref_a, ref_b = _row_refs(table, record)
        self.inserts.append({"dataset_id": self.dataset_id, "tbl": table, "slot": slot,
                             "valid_from": self.number, "valid_to": None, "key": key,
                             "ref_a": ref_a, "ref_b": ref_b, "data": _dumps(dict(record))})

    def delete(self, table: str, slot: int) -> None:
        self.closes.append((table, slot))

    def replace(self, table: str, slot: int, record: Mapping[str, Any]) -> None:
        self.delete(table, slot)
        self.insert(table, record, slot)

    def add_column(self, table: str, column: _Column) -> None:
        self.layout = {**self.layout, table: (*self.layout[table], column)}
        self.layout_changed = True


def _matches(pending: Mapping[str, Any], key: str | None, ref_a: str | None,
             ref_b: str | None, either: str | None) -> bool:
    """Whether a pending insert matches the look-up of :meth:`_Edit.current`."""
    if key is not None and pending["key"] != key:
        return False
    if ref_a is not None and pending["ref_a"] != ref_a:
        return False
    if ref_b is not None and pending["ref_b"] != ref_b:
        return False
    return either is None or either in (pending["ref_a"], pending["ref_b"])


_Change = Callable[[_Edit], tuple[str, str | None, int | None]]
"""An edit's work on the locked dataset: returns (action, subject, restored_from)."""


def _apply_slots(edit: _Edit, current: dict[str, list[tuple[int, dict[str, Any]]]],
                 target: dict[str, list[tuple[int, dict[str, Any]]]]) -> None:
    """Write what turns ``current`` into ``target``, row by row (same slots)."""
    for table in TABLES:
        now = dict(current[table])
        wanted = dict(target[table])
        for slot in now.keys() - wanted.keys():
            edit.delete(table, slot)
        for slot, row in target[table]:
            if slot not in now:
                edit.insert(table, row, slot)
            elif now[slot] != row:
                edit.replace(table, slot, row)


def _apply_rows(edit: _Edit, current: dict[str, list[tuple[int, dict[str, Any]]]],
                target: dict[str, list[dict[str, Any]]]) -> None:
    """Write what turns ``current`` into the rows ``target`` (new content, no slots).

    Rows are kept while they match position by position; from the first
    difference on, the old rows end and the new ones get fresh (higher) slots,
    which keeps the stored order exactly the order of ``target``.
    """
    for table in TABLES:
        rows = current[table]
        same = 0
        while (same < len(rows) and same < len(target[table])
               and rows[same][1] == target[table][same]):
            same += 1
        for slot, _ in rows[same:]:
            edit.delete(table, slot)
        for row in target[table][same:]:
            edit.insert(table, row)


def _coerce(edit: _Edit, table: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """Check and convert the cells of ``record`` for ``table`` (JSON values out).

    RD ``x``/``y`` are checked (range, both halves) and become ``lat``/``lon``
    unless those are given, as in a file; they are never stored themselves.
    """
    columns = {c.name: c for c in edit.layout[table]}
    out: dict[str, Any] = {}
    rd: dict[str, Any] = {}
    for raw_name, value in record.items():
        name = str(raw_name)
        declared = rules.column(table, name)
        if declared is not None and declared.dtype == "rd":
            rd[name] = _coerce_value(table, _canonical_column(name), value)
            continue
        out[name] = _coerce_value(table, _column(edit, table, columns, name), value)
    if rd:
        _check_pairs(rd)
        if rd.get("x") is not None and out.get("lat") is None:
            from mapping.io.geo import rd_to_wgs84  # pyproj: loaded when RD is typed only

            lat, lon = rd_to_wgs84(np.array([rd["x"]]), np.array([rd["y"]]))
            for name, degrees in (("lat", lat[0]), ("lon", lon[0])):
                _column(edit, table, columns, name)
                out[name] = float(degrees)
    return out


def _column(edit: _Edit, table: str, columns: dict[str, _Column], name: str) -> _Column:
    """The layout's column ``name``; a canonical one the dataset lacks is added."""
    column = columns.get(name)
    if column is None:
        if name not in CANONICAL[table]:
            raise EditError("unknown_column", field=name)
        column = _canonical_column(name)
        edit.add_column(table, column)
        columns[name] = column
    return column


_Typed = tuple[Any, tuple[str, dict[str, Any]] | None]
"""A value typed by the rules, or ``(None, (code, params))`` when a rule refused it."""


def _apply_rule(table: str, name: str, value: Any) -> _Typed:
    try:
        return rules.coerce(table, name, value), None
    except rules.RuleError as refused:
        return None, (refused.code, refused.params)


# One value through the rules costs about 0.2 ms of pandas; a phone's answer has some
# fifteen, and ran them inside the dataset's write lock, where 30 phones queue (issue 15).
# Remembered per value (typed=True: 1, 1.0 and True stay apart), so :func:`prepare` can
# type an answer before the lock is taken and the locked edit only looks the values up.
_cached_rule = functools.lru_cache(maxsize=8192, typed=True)(_apply_rule)


def _by_rule(table: str, name: str, value: Any) -> _Typed:
    """:func:`mapping.domain.rules.coerce` of one value, remembered for hashable values."""
    try:
        hash(value)
    except TypeError:  # a list of topics
        return _apply_rule(table, name, value)
    return _cached_rule(table, name, value)


def prepare(table: str, record: Mapping[str, Any] | None) -> None:
    """Type the schema's values of ``record`` now, outside the write lock (see :func:`_by_rule`).

    Nothing is checked here: the locked edit types them again (from the memo) and
    refuses what the rules refuse, with the same code and words.
    """
    if not isinstance(record, Mapping):
        return
    for name, value in record.items():
        if isinstance(name, str) and rules.column(table, name) is not None:
            _by_rule(table, name, value)


def _coerce_value(table: str, column: _Column, value: Any) -> Any:
    """A form or join value for ``table``: the schema's rules for its columns (as for files),
    the stored column's kind for extra columns."""
    name, kind = column.name, column.kind
    if rules.column(table, name) is not None:
        typed, refused = _by_rule(table, name, value)
        if refused is not None:
            raise RuleRefused(refused[0], name, **refused[1])
        return list(typed) if isinstance(typed, tuple) else typed
    if kind == "list":
        if rules.is_missing(value):
            return []
        items = value.split("|") if isinstance(value, str) else list(value)
        return [str(v).strip() for v in items if not rules.is_missing(v)]
    if rules.is_missing(value):
        return None
    if kind in ("float", "int"):
        number = _number(name, value)
        if kind == "int" and not float(number).is_integer():
            raise RuleRefused("count_not_whole", name)
        return int(number) if kind == "int" else float(number)
    if kind == "bool":
        return bool(value)
    if isinstance(value, np.generic):
        value = value.item()
    return str(value).strip()


def _number(name: str, value: Any) -> float:
    """A number for an extra numeric column (the schema's columns go through the rules)."""
    if isinstance(value, bool):
        raise RuleRefused("number_invalid", name)
    if isinstance(value, int | float | np.number):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise RuleRefused("number_invalid", name) from None
    if math.isnan(number):
        raise RuleRefused("number_invalid", name)
    if limits.number_problem(number):
        raise RuleRefused("number_huge", name)
    return number


def _check(table: str, row: dict[str, Any]) -> None:
    """Every required field of ``table`` is filled and no coordinate pair is half given
    (values were typed by :func:`_coerce`)."""
    for name in _REQUIRED[table]:
        if rules.is_missing(row.get(name)):
            raise RuleRefused("value_required", name)
    _check_pairs(row)


def _check_pairs(row: Mapping[str, Any]) -> None:
    """Refuse half a coordinate pair, as a file does (:func:`mapping.domain.rules.check_pairs`)."""
    try:
        rules.check_pairs(row)
    except rules.RuleError as refused:
        raise RuleRefused(refused.code, refused.params["missing"], **refused.params) from None


def _full_row(edit: _Edit, table: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` widened to every column of the table, in column order."""
    return {c.name: values.get(c.name, [] if c.kind == "list" else None)
            for c in edit.layout[table]}
