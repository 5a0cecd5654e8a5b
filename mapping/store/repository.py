"""Versioned datasets in SQLite (default) or PostgreSQL, with join codes.

One code path for both backends (SQLAlchemy Core); the tables live in
:mod:`mapping.store.tables`.

Design
------
Named datasets, each with an append-only history of numbered versions
(1, 2, 3, ...). A version row records ``created_at``, ``author``,
``message``, the ``action`` that made it (``create``, ``add_organisation``,
``restore``, ``undo``...), its ``parent`` (the version it was derived from)
and, for restore/undo, ``restored_from``. Labels ("na workshop 12 maart")
are appended to ``version_labels``; a version may carry several.

Content is stored as *valid-time rows*: every logical row of the four tables
(an organisation, a group, a reach link, one collaboration rating) has a
``slot`` (its identity and its position in the table) and one stored row per
content it ever had, valid for versions ``valid_from <= v < valid_to``
(``valid_to`` is NULL while the row is current). Consequences:

* An edit writes only what it changes: adding an organisation inserts one row;
  updating closes one row (sets its ``valid_to``) and inserts its successor.
  Nothing is ever deleted, so every version stays loadable.
* Loading version ``v`` is one indexed range query; no replay of change sets.
* Restore and undo compare the target version with the current one slot by
  slot and write only the difference, so they cost O(rows that differ).
* Column layout (names, dtypes) and neighbourhood GeoJSON are stored once per
  distinct content in a content-addressed ``blobs`` table; versions point to
  them, so an edit does not copy polygons.

Concurrency ("20 writers, zero lost writes"): every change is a
read-validate-write inside one transaction that first takes the dataset's
write lock: ``BEGIN IMMEDIATE`` on SQLite (WAL mode, busy timeout, see
:mod:`mapping.store.tables`) and ``SELECT ... FOR UPDATE`` on the dataset's
row on PostgreSQL. The writer then reads the current head, validates against
the current content (ids unique, referenced ids exist), writes version
``head + 1`` and commits. Writers to one dataset are therefore serialised; a
second writer sees the first one's rows and builds on them, so no edit is
lost, and a process killed mid-save leaves only an uncommitted transaction
that the database discards: the last complete version stays intact.

Privacy: the store holds exactly what a :class:`~mapping.domain.dataset.Dataset`
holds (group-level data, never individual parents). ``contact`` and
``reported_by`` are ordinary columns; ``export --no-personal`` drops them.

Round trips are exact for data that follows the :mod:`mapping.domain.dataset`
conventions: column order and dtypes (``str``/``object`` ids, ``float64`` with
NaN, ``Int64``), tuples in list columns and extra columns come back as they
went in. (Non-conventional cells are normalised: lists become tuples, ``None``
in a list column becomes ``()``, NaN in a text column of dtype ``object``
becomes ``None``.)

The pages hold one :class:`Store` per process (``st.cache_resource`` around
:func:`open_store`); a store is safe to share between threads. Create it
after any ``fork``, not before.

Examples
--------
>>> store = open_store()  # doctest: +SKIP
>>> store.create_dataset("wijk-zuid", dataset, author="Anna")  # doctest: +SKIP
1
>>> store.add_organisation("wijk-zuid", {"id": "M7", "name": "Moskee Nuur",
...                                      "kind": "informal"})  # doctest: +SKIP
2
>>> number, current = store.latest("wijk-zuid")  # doctest: +SKIP
>>> store.head("wijk-zuid") != number  # cheap poll: did anyone add something? # doctest: +SKIP
>>> code = store.open_join("wijk-zuid")  # shown as QR code  # doctest: +SKIP
>>> store.join(code).add_reach({"organisation": "M7", "group": "G2"})  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import math
import os
import secrets
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no file locks; see _SqliteWriteQueue
    fcntl = None  # type: ignore[assignment]

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from mapping.domain import limits, rules
from mapping.domain import schema as sc
from mapping.domain.dataset import CONDITIONS, TABLES, Dataset
from mapping.i18n import Catalog, normalise_lang, translate
from mapping.io.write import PERSONAL_COLUMNS as PERSONAL_COLUMNS  # re-exported; lives in write
from mapping.io.write import drop_personal, write_csv_folder
from mapping.locales import catalog
from mapping.store import tables as s

__all__ = [
    "DatasetDiff",
    "DatasetExists",
    "DatasetNotFound",
    "EditError",
    "JoinCodeError",
    "JoinSession",
    "NothingToUndo",
    "RowChange",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "TableDiff",
    "TextRefused",
    "VersionNotFound",
    "open_store",
]

DEMO_NAME = "demo"
"""Name under which :func:`open_store` seeds the demo district."""

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"

JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
"""Join-code characters: no 0/O, 1/I/L or U/V look-alikes to misread on a screen."""

JOIN_CODE_LENGTH = 10
"""30 ** 10 = 5.9e14 codes (49 bits): with the join page's attempt limit
(:data:`mapping.access.JOIN_LIMITER`) a guess succeeds with a chance of about
one in a billion per open code and workshop day, even without the limit at a
hundred guesses a second. Shown in groups of four (``ABCD-EFGH-JK``)."""

JOIN_GROUP = 4
"""Symbols per group when a code is shown (:func:`format_code`)."""

JOIN_HOURS_DEFAULT = 4.0
"""How long a new join code stays valid unless the facilitator chooses otherwise."""

JOIN_HOURS_MAX = 24.0 * 7
"""Longest validity a facilitator can give a code (a week of sessions)."""

JOIN_HOURS_CHOICES = (1.0, 2.0, 4.0, 8.0, 24.0)
"""Validity choices offered on the workshop page (hours)."""

JOIN_CODE_INPUT_MAX = 64
"""Characters of a typed code looked at; longer input is cut before any work."""

# Canonical columns per table (docs/domain.md). An edit may fill a canonical
# column the dataset does not have yet (it is added); other keys are typos.
CANONICAL: dict[str, tuple[str, ...]] = {
    "organisations": ("id", "name", "kind", "category", "neighbourhood", "lat", "lon",
                      "postcode", "languages", "topics", "contact", "notes"),
    "parent_groups": ("id", "name", "community", "neighbourhood", "families", "languages",
                      "children_age", "notes"),
    "reach": ("organisation", "group", "strength", "topics", "since"),
    "collaborations": ("source", "target", "form", *CONDITIONS, "reported_by"),
}
_LIST_COLUMNS = frozenset({"languages", "topics"})
_FLOAT_COLUMNS = frozenset({"lat", "lon", "strength", *CONDITIONS})
_INT_COLUMNS = frozenset({"families"})
_REQUIRED: dict[str, tuple[str, ...]] = {
    table: tuple(c.name for c in schema.columns if c.required)
    for table, schema in sc.SCHEMAS.items()
}
"""Required fields per table: the schema's, as for files."""

MESSAGES: Catalog = catalog.namespace("repository")


# --------------------------------------------------------------------------- errors


class StoreError(Exception):
    """Base class of the store's errors; carries a message in Dutch and English.

    Parameters
    ----------
    key
        Message key in :data:`MESSAGES`.
    **params
        Values for the message template.

    Notes
    -----
    ``str(error)`` gives both languages (for logs and the CLI); pages show
    ``error.message(lang)``.
    """

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("nl") + " / " + self.message("en"))

    def message(self, lang: str = "nl") -> str:
        """The message in ``lang`` (``"nl"`` or ``"en"``)."""
        shown = {k: v if isinstance(v, (int, float)) else str(v) for k, v in self.params.items()}
        return translate(MESSAGES, self.key, normalise_lang(lang), **shown)


class DatasetNotFound(StoreError):
    """No dataset with that name."""


class DatasetExists(StoreError):
    """A dataset with that name exists already."""


class VersionNotFound(StoreError):
    """No such version (or label) in the dataset."""


class EditError(StoreError, ValueError):
    """An edit was refused: missing field, duplicate id, unknown reference, score range."""


class NothingToUndo(StoreError):
    """Undo at the first version."""


class JoinCodeError(StoreError):
    """A join code is unknown, closed or expired (one error: the three are not told apart)."""


# --------------------------------------------------------------------------- failures

_LOG = logging.getLogger(__name__)

FAILURE_KEYS: dict[str, str] = {
    "unreachable": "db_unreachable", "disk_full": "db_disk_full", "read_only": "db_read_only",
    "corrupt": "db_corrupt", "busy": "busy", "conflict": "db_conflict", "failed": "db_failed",
}
"""Message key per :data:`mapping.store.tables.FAILURE_REASONS` reason."""

# Kept apart from MESSAGES' literal so edits to either stay small; merged below.
_FAILURE_MESSAGES: Catalog = catalog.namespace("repository")
for _lang, _texts in _FAILURE_MESSAGES.items():
    MESSAGES[_lang].update(_texts)


class StoreUnavailable(StoreError):
    """The database failed: unreachable, disk full, read-only, corrupt, busy, or otherwise.

    Raised by every :class:`Store` method in place of SQLAlchemy, DBAPI and
    file-system errors. The message says what happened in words a facilitator
    can act on; it never holds SQL, parameters or row data (the server log
    gets the error types and codes, see :func:`mapping.store.tables.failure_detail`).

    Parameters
    ----------
    reason
        One of :data:`mapping.store.tables.FAILURE_REASONS`.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason if reason in FAILURE_KEYS else "failed"
        super().__init__(FAILURE_KEYS[self.reason])


def _failure(exc: BaseException, during: str) -> StoreUnavailable:
    """``exc`` as a :class:`StoreUnavailable`, logged without SQL or data."""
    failure = StoreUnavailable(s.failure_reason(exc))
    _LOG.warning("store %s failed (%s): %s", during, failure.reason, s.failure_detail(exc))
    return failure


class TextRefused(EditError):
    """Text the store does not accept: control characters, invisible characters in an id,
    over-long cells (the rules of :func:`mapping.domain.limits.text_problem`).

    Parameters
    ----------
    code
        The :data:`mapping.domain.limits.MESSAGES` code (``text_control``, ``text_invisible``,
        ``text_too_long``): the same code and words the file loader uses.
    field
        The field or column.
    table, row
        For a whole dataset (``import``): the table and the row as a file
        numbers it (the header is row 1).
    """

    def __init__(self, code: str, field: str, table: str | None = None,
                 row: int | None = None) -> None:
        self.code = code
        self.table = table
        params: dict[str, Any] = {"field": _printable(field)}
        if table is not None and row is not None:
            params.update(table=table, row=str(row))
        super().__init__("text_cell" if "table" in params else "text_field", **params)

    def message(self, lang: str = "nl") -> str:
        """The message in ``lang``, with the loader's text for the problem."""
        lang = normalise_lang(lang)
        params = dict(self.params)
        if self.table is not None and self.table in sc.SCHEMAS:
            schema = sc.SCHEMAS[self.table]
            params["table"] = schema.name if lang == "en" else schema.dutch
        return translate(MESSAGES, self.key, lang, problem=limits.message(self.code, lang),
                         **params)


class RuleRefused(EditError):
    """A value refused by the schema's rules (:mod:`mapping.domain.rules`): the same code
    and words as for a cell in a file (``score_range``, ``kind_invalid``, ``number_invalid``...).

    Parameters
    ----------
    code
        The :data:`mapping.domain.rules.MESSAGES` code.
    field
        The field or column.
    **params
        The rule's parameters (for the message).
    """

    def __init__(self, code: str, field: str, **params: Any) -> None:
        self.code, self.rule_params = code, params
        super().__init__("rule_field", field=_printable(field))
        self.key = code  # the issue code a file's cell would get

    def message(self, lang: str = "nl") -> str:
        """The message in ``lang``, with the loader's text for the problem."""
        lang = normalise_lang(lang)
        return translate(MESSAGES, "rule_field", lang,
                         problem=rules.message(self.code, lang, **self.rule_params),
                         **self.params)


def _printable(text: Any) -> str:
    """``text`` with control and invisible characters shown as escapes (for messages)."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(text))


_ID_FIELDS = frozenset({"id", "organisation", "group", "source", "target"})
"""Fields holding an id or a reference to one: the strict rules apply."""


def _refuse_bad_text(value: Any, field: str, *, is_id: bool | None = None) -> None:
    """Raise :class:`TextRefused` when ``value`` (or anything inside it) breaks the text rules.

    Runs before any SQL, on everything an edit hands the store: records
    (field by field, nested partner records too), ids, names, labels, authors.
    """
    strict = field in _ID_FIELDS if is_id is None else is_id
    if isinstance(value, str):
        code = limits.text_problem(value, is_id=strict)
        if code is not None:
            raise TextRefused(code, field)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_bad_text(str(key), "field", is_id=True)
            _refuse_bad_text(item, str(key))
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_bad_text(item, field, is_id=strict)


_SUSPECT = r"[^\x20-\x7e]"  # only cells with more than printable ASCII need a closer look


def _refuse_bad_dataset(dataset: Dataset) -> None:
    """:func:`_refuse_bad_text` for every text cell of a whole dataset, naming table/row/column.

    One vectorised pass per column finds the few cells worth the per-cell rule,
    so a city-sized import costs milliseconds.
    """
    for table in TABLES:
        frame = dataset.table(table)
        for column in frame.columns:
            _refuse_bad_text(str(column), "column", is_id=True)
            series = frame[column]
            if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(
                    series.dtype):
                continue  # text lives in object and string ("str") columns
            text = series.map(lambda v: "|".join(map(str, v)) if isinstance(v, tuple | list)
                              else v if isinstance(v, str) else None).dropna()
            if text.empty:
                continue
            as_str = text.astype(str)
            suspect = (as_str.str.contains(_SUSPECT, regex=True)
                       | (as_str.str.len() > limits.LIMITS.cell_chars))
            for position in np.flatnonzero(suspect.to_numpy()):
                code = limits.text_problem(as_str.iloc[position], is_id=str(column) in _ID_FIELDS)
                if code is not None:
                    row = int(frame.index.get_loc(text.index[position])) + 2
                    raise TextRefused(code, str(column), table=table, row=row)


# --------------------------------------------------------------------------- diff types


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

    @property
    def organisations(self) -> TableDiff:
        return self.tables["organisations"]

    @property
    def parent_groups(self) -> TableDiff:
        return self.tables["parent_groups"]

    @property
    def reach(self) -> TableDiff:
        return self.tables["reach"]

    @property
    def collaborations(self) -> TableDiff:
        return self.tables["collaborations"]

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


# --------------------------------------------------------------------------- encoding


@dataclass(frozen=True)
class _Column:
    """Layout of one column: its name, pandas dtype and what an edit may put in it."""

    name: str
    dtype: str
    kind: str  # "list", "float", "int", "bool" or "text"


Layout = dict[str, tuple[_Column, ...]]


def _column_kind(name: str, series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if name in _LIST_COLUMNS or any(isinstance(v, tuple | list) for v in series):
        return "list"
    return "text"


def _layout_of(dataset: Dataset) -> Layout:
    return {t: tuple(_Column(str(c), str(dataset.table(t)[c].dtype),
                             _column_kind(str(c), dataset.table(t)[c]))
                     for c in dataset.table(t).columns)
            for t in TABLES}


def _canonical_column(name: str) -> _Column:
    if name in _LIST_COLUMNS:
        return _Column(name, "object", "list")
    if name in _FLOAT_COLUMNS:
        return _Column(name, "float64", "float")
    if name in _INT_COLUMNS:
        return _Column(name, "Int64", "int")
    return _Column(name, "object", "text")


def _encode_value(value: Any) -> Any:
    """A cell as a JSON value; missing (None, NaN, NA) becomes null."""
    if isinstance(value, tuple | list):
        return [_encode_value(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str | bool | int | float):
        return value
    return str(value)


def _decode_value(value: Any, kind: str) -> Any:
    if kind == "list":
        return tuple(value) if value is not None else ()
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _series(values: list[Any], dtype: str) -> pd.Series:
    series = pd.Series(values, dtype=object)
    if dtype == "object":
        return series
    try:
        return series.astype(dtype)
    except (TypeError, ValueError):  # a dtype this pandas cannot rebuild: keep the values
        return series


def _frame(columns: tuple[_Column, ...], records: list[dict[str, Any]]) -> pd.DataFrame:
    data = {c.name: _series([_decode_value(r.get(c.name), c.kind) for r in records], c.dtype)
            for c in columns}
    return pd.DataFrame(data, columns=[c.name for c in columns], index=pd.RangeIndex(len(records)))


def _row_refs(table: str, record: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(key, ref_a, ref_b) copied out of a row for indexed look-ups."""
    def text(v: Any) -> str | None:
        return None if v is None else str(v)

    if table in ("organisations", "parent_groups"):
        return text(record.get("id")), None, None
    if table == "reach":
        return None, text(record.get("organisation")), text(record.get("group"))
    return None, text(record.get("source")), text(record.get("target"))


def _jsonable(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in record.items()}


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _clean_name(name: str) -> str:
    text = str(name or "").strip()
    if not text or len(text) > 200:
        raise EditError("bad_name")
    return text


_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _check_token(token: Any) -> None:
    """Refuse a submission token that is not 8-64 letters, digits, ``-`` or ``_``."""
    if not (isinstance(token, str) and 8 <= len(token) <= 64 and set(token) <= _TOKEN_CHARS):
        raise ValueError("a submission token is 8-64 characters of A-Z, a-z, 0-9, - and _")


def normalise_code(code: str | None) -> str:
    """A join code as typed (any case, spaces, hyphens or dots) in its stored form.

    Only ASCII letters and digits are kept (a phone keyboard may add a full-width
    or accented look-alike; it cannot match a code and must not reach SQL as
    something else), and only the first :data:`JOIN_CODE_INPUT_MAX` characters
    are looked at.
    """
    text = str(code or "")[:JOIN_CODE_INPUT_MAX].upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def format_code(code: str) -> str:
    """A stored code as shown to people: groups of four, ``ABCD-EFGH-JK``."""
    plain = normalise_code(code)
    return "-".join(plain[i:i + JOIN_GROUP] for i in range(0, len(plain), JOIN_GROUP))


def new_code() -> str:
    """A random join code of :data:`JOIN_CODE_LENGTH` symbols from :data:`JOIN_ALPHABET`."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def code_expiry(created_at: datetime, expires_at: datetime | None) -> datetime:
    """When a code stops working. Codes from before expiry existed (``expires_at``
    NULL) expire :data:`JOIN_HOURS_DEFAULT` hours after they were opened."""
    if expires_at is not None:
        return _utc(expires_at)  # type: ignore[return-value]
    return _utc(created_at) + timedelta(hours=JOIN_HOURS_DEFAULT)  # type: ignore[operator]


def code_state(row: Any, now: datetime | None = None) -> str:
    """``"open"``, ``"closed"`` or ``"expired"`` for a ``join_codes`` row."""
    if row.closed_at is not None:
        return "closed"
    if (now or _now()) >= code_expiry(row.created_at, row.expires_at):
        return "expired"
    return "open"


# --------------------------------------------------------------------------- edit context


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

# --------------------------------------------------------------------------- the store


class _FifoLock:
    """A lock granted in arrival order (``threading.Lock`` makes no such promise).

    Parameters
    ----------
    timeout
        Seconds to wait before giving up with :class:`StoreError` ``busy``.
    """

    def __init__(self, timeout: float) -> None:
        self._cond = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._abandoned: set[int] = set()
        self._timeout = timeout

    def __enter__(self) -> None:
        with self._cond:
            ticket = self._next_ticket
            self._next_ticket += 1
            try:
                if not self._cond.wait_for(lambda: self._serving == ticket, self._timeout):
                    raise StoreError("busy")
            except BaseException:
                # A waiter that gives up (timeout, interrupt) must not block the queue.
                self._abandoned.add(ticket)
                self._advance()
                raise

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._serving += 1
            self._advance()

    def _advance(self) -> None:
        while self._serving in self._abandoned:
            self._abandoned.discard(self._serving)
            self._serving += 1
        self._cond.notify_all()


class _SqliteWriteQueue:
    """Where SQLite writers wait: in arrival order per process, then on a file lock.

    Between processes, writers wait in a blocking ``flock`` on
    ``<database>-writers.lock``, which wakes them as soon as it is free,
    instead of in SQLite's busy handler, whose growing sleeps (up to 100 ms)
    let a busy writer win again and again: with 20 writing processes some
    participants otherwise wait seconds (measured: longest save 3.4 s without,
    0.2 s with). The kernel drops the lock of a killed process. Without
    ``fcntl`` (Windows) only the in-process queue is used; SQLite's own
    locking keeps writes correct either way.
    """

    def __init__(self, database: str | None) -> None:
        self._timeout = s.SQLITE_BUSY_TIMEOUT_MS / 1000
        self._fifo = _FifoLock(self._timeout)
        in_file = bool(database) and database != ":memory:" and not database.startswith("file:")
        self._path = f"{database}-writers.lock" if in_file and fcntl is not None else None
        self._fd: int | None = None
        self._pid = 0

    def __enter__(self) -> None:
        self._fifo.__enter__()
        if self._path is None:
            return
        try:
            if self._fd is None or self._pid != os.getpid():
                # A descriptor inherited through fork shares its lock with the
                # parent, so each process opens its own.
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            # Blocking: the holder is inside one short transaction, which SQLite's
            # busy timeout bounds; only a frozen (not killed) process would hold
            # it longer, and then other threads of this process time out above.
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._fifo.__exit__(None, None, None)
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            if self._path is not None and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._fifo.__exit__(None, None, None)

    def close(self) -> None:
        """Close this process's lock file descriptor."""
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None



class Store:
    """Versioned datasets in one database.

    Parameters
    ----------
    url
        A database URL or SQLite path (see :func:`mapping.store.tables.resolve_url`).
        ``None`` uses ``$MAPPING_DB`` or the default file.
    create
        Create the tables when they do not exist yet.

    Notes
    -----
    Every method that changes a dataset takes the dataset ``name`` first and
    an optional ``author`` (free text shown in the history) last, creates
    exactly one new version and returns its number.

    ``record`` / ``changes`` arguments are dicts with canonical column names
    (``docs/domain.md``). Values are converted to the column's type: list
    columns accept a tuple/list or a ``"a|b"`` string; numbers accept ``"3,5"``;
    empty strings mean "not given". A canonical column the dataset lacks is
    added; any other key is refused.

    Methods raise :class:`StoreError` subclasses with a Dutch/English message
    for anything a person can cause: :class:`DatasetNotFound`,
    :class:`DatasetExists`, :class:`VersionNotFound`, :class:`EditError`
    (missing field, duplicate id, unknown reference, score outside 1-5...),
    :class:`NothingToUndo`, :class:`JoinCodeError`. A refused edit writes
    nothing.
    """

    def __init__(self, url: str | Path | None = None, *, create: bool = True) -> None:
        try:
            self.url = s.resolve_url(url)
            self.backend = self.url.get_backend_name()
            self.engine = s.create_engine(self.url)
        except Exception as exc:  # bad URL, missing driver, unwritable folder
            if not s.is_failure(exc):
                raise
            raise _failure(exc, "open") from None
        self._cache: OrderedDict[tuple[int, int], Dataset] = OrderedDict()
        self._blob_cache: dict[str, Any] = {}
        self._cache_lock = threading.Lock()
        # SQLite's busy handler retries by sleeping, so a writer that just
        # committed tends to win again and some sessions starve; threads of one
        # process (Streamlit sessions) therefore queue in arrival order first.
        # PostgreSQL queues row-lock waiters itself.
        self._write_queue: contextlib.AbstractContextManager[Any] = (
            _SqliteWriteQueue(self.url.database) if self.backend == "sqlite"
            else contextlib.nullcontext())
        if create:
            try:
                self.ensure_schema()
            except BaseException:
                self.close()  # a store that failed to open keeps no connection pool
                raise

    # -- lifecycle

    def close(self) -> None:
        """Close the connection pool (the store can not be used afterwards)."""
        self.engine.dispose()
        if isinstance(self._write_queue, _SqliteWriteQueue):
            self._write_queue.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"

    @contextlib.contextmanager
    def _transaction(self, write: bool = False) -> Iterator[sa.Connection]:
        """One transaction; every database, driver or file error leaves it as
        :class:`StoreUnavailable` (a message without SQL or data, ``from None``
        so no traceback printer finds the statement in the chain)."""
        queue = self._write_queue if write else contextlib.nullcontext()
        try:
            with queue, self.engine.connect() as conn:
                if write:
                    conn.execution_options(store_write=True)
                with conn.begin():
                    yield conn
        except StoreError:
            raise
        except Exception as exc:
            if not s.is_failure(exc):
                raise  # a bug in our code: keep its traceback for the developer
            raise _failure(exc, "write" if write else "read") from None

    def ensure_schema(self) -> None:
        """Create the tables if they are missing (safe when several processes start)."""
        with self._transaction(write=True) as conn:
            if self.backend == "postgresql":
                # Two processes creating tables at once collide on the catalog;
                # the advisory lock lets one finish first (DDL is transactional).
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7243110)"))
            s.metadata.create_all(conn, checkfirst=True)
            s.upgrade(conn)
            meta = s.store_meta.c
            if conn.execute(sa.select(meta.value).where(meta.key == "schema_version")
                            ).scalar() is None:
                conn.execute(s.store_meta.insert().values(key="schema_version",
                                                          value=s.SCHEMA_VERSION))

    def _meta(self, key: str) -> str | None:
        meta = s.store_meta.c
        with self._transaction() as conn:
            return conn.execute(sa.select(meta.value).where(meta.key == key)).scalar()

    def _set_meta(self, key: str, value: str) -> None:
        meta = s.store_meta.c
        with self._transaction(write=True) as conn:
            if conn.execute(sa.select(meta.key).where(meta.key == key)).first():
                conn.execute(s.store_meta.update().where(meta.key == key).values(value=value))
            else:
                conn.execute(s.store_meta.insert().values(key=key, value=value))

    # -- reading

    def list_datasets(self) -> list[str]:
        """Names of all datasets, sorted."""
        with self._transaction() as conn:
            return list(conn.execute(sa.select(s.datasets.c.name)
                                     .order_by(s.datasets.c.name)).scalars())

    def exists(self, name: str) -> bool:
        """Whether a dataset called ``name`` exists."""
        with self._transaction() as conn:
            return self._dataset_row(conn, name, missing_ok=True) is not None

    def head(self, name: str) -> int:
        """The newest version number of ``name`` (cheap: for polling pages)."""
        with self._transaction() as conn:
            return int(self._dataset_row(conn, name).head)

    def latest(self, name: str) -> tuple[int, Dataset]:
        """The newest version of ``name``: ``(version_number, Dataset)``."""
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            return row.head, self._load(conn, row.id, row.name, row.head)

    def load(self, name: str, version: int | str | None = None) -> Dataset:
        """Version ``version`` of ``name`` (number or label; ``None`` = newest).

        The returned Dataset is shared with other callers (it is cached):
        treat it as immutable, as every Dataset.
        """
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            number = self._resolve_version(conn, _Ref.of(row), version)
            return self._load(conn, row.id, row.name, number)

    def versions(self, name: str) -> pd.DataFrame:
        """The history of ``name``, oldest first.

        Returns
        -------
        DataFrame
            ``number`` (int), ``created_at`` (UTC timestamp), ``author``,
            ``message``, ``label`` (the newest label, or None), ``labels``
            (tuple of all), ``action``, ``subject``, ``parent``,
            ``restored_from`` (Int64).
        """
        v = s.versions.c
        lab = s.version_labels.c
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            rows = conn.execute(
                sa.select(v.number, v.created_at, v.author, v.message, v.action, v.subject,
                          v.parent, v.restored_from)
                .where(v.dataset_id == row.id).order_by(v.number)).all()
            labels: dict[int, list[str]] = {}
            for number, label in conn.execute(
                    sa.select(lab.number, lab.label).where(lab.dataset_id == row.id)
                    .order_by(lab.id)):
                labels.setdefault(number, []).append(label)
        frame = pd.DataFrame({
            "number": pd.Series([r.number for r in rows], dtype="int64"),
            "created_at": pd.to_datetime([_utc(r.created_at) for r in rows], utc=True),
            "author": pd.Series([r.author for r in rows], dtype=object),
            "message": pd.Series([r.message for r in rows], dtype=object),
            "label": pd.Series([labels[r.number][-1] if r.number in labels else None
                                for r in rows], dtype=object),
            "labels": pd.Series([tuple(labels.get(r.number, ())) for r in rows], dtype=object),
            "action": pd.Series([r.action for r in rows], dtype=object),
            "subject": pd.Series([r.subject for r in rows], dtype=object),
            "parent": pd.Series([r.parent for r in rows], dtype=object).astype("Int64"),
            "restored_from": pd.Series([r.restored_from for r in rows],
                                       dtype=object).astype("Int64"),
        })
        return frame

    def diff(self, name: str, v1: int | str, v2: int | str) -> DatasetDiff:
        """What changed from version ``v1`` to version ``v2`` (numbers or labels)."""
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            ref = _Ref.of(row)
            old = self._resolve_version(conn, ref, v1)
            new = self._resolve_version(conn, ref, v2)
            before = self._state(conn, row.id, old)
            after = self._state(conn, row.id, new)
            vold = self._version_row(conn, ref, old)
            vnew = self._version_row(conn, ref, new)
            layout_old = self._layout(conn, vold.columns_hash)
            layout_new = self._layout(conn, vnew.columns_hash)
        tables = {t: _table_diff(t, before[t], after[t], layout_old[t], layout_new[t])
                  for t in TABLES}
        return DatasetDiff(name=row.name, old=old, new=new, tables=tables,
                           columns_changed=vold.columns_hash != vnew.columns_hash,
                           neighbourhoods_changed=vold.geo_hash != vnew.geo_hash)

    # -- whole-dataset writes

    def create_dataset(self, name: str, dataset: Dataset, author: str | None = None,
                       message: str | None = None) -> int:
        """Store ``dataset`` as version 1 of a new dataset called ``name``.

        Raises
        ------
        DatasetExists
            When the name is taken (also when another process took it just now).
        """
        name = _clean_name(name)
        _refuse_bad_text(name, "name", is_id=True)
        _refuse_bad_text([author, message], "author", is_id=False)
        _refuse_bad_dataset(dataset)
        try:
            with self._transaction(write=True) as conn:
                if self._dataset_row(conn, name, missing_ok=True) is not None:
                    raise DatasetExists("dataset_exists", name=name)
                layout = _layout_of(dataset)
                columns_hash = self._put_blob(conn, _layout_json(layout))
                geo_hash = (None if dataset.neighbourhoods is None
                            else self._put_blob(conn, _dumps(dataset.neighbourhoods)))
                result = conn.execute(s.datasets.insert().values(
                    name=name, created_at=_now(), head=1, next_slot=0))
                dataset_id = int(result.inserted_primary_key[0])
                edit = _Edit(conn, dataset_id, name, 0, 0, columns_hash, geo_hash, layout)
                for table in TABLES:
                    for record in _records(dataset.table(table)):
                        edit.insert(table, record)
                self._commit(edit, "create", author=author, message=message, subject=None,
                             parent=None)
        except (IntegrityError, StoreUnavailable) as exc:
            if isinstance(exc, StoreUnavailable) and exc.reason != "conflict":
                raise
            # lost a race for the name to another process
            raise DatasetExists("dataset_exists", name=name) from None
        return 1

    def save(self, name: str, dataset: Dataset, author: str | None = None,
             message: str | None = None) -> int:
        """Store ``dataset`` as the next version of ``name`` (created if missing).

        Used for re-importing a file into an existing dataset; like
        :meth:`restore`, only rows that differ are written.
        """
        name = _clean_name(name)
        _refuse_bad_text(name, "name", is_id=True)
        _refuse_bad_dataset(dataset)
        if not self.exists(name):
            with contextlib.suppress(DatasetExists):
                return self.create_dataset(name, dataset, author, message)
        layout = _layout_of(dataset)
        target = {t: _records(dataset.table(t)) for t in TABLES}

        def change(edit: _Edit) -> tuple[str, str | None, int | None]:
            edit.columns_hash = self._put_blob(edit.conn, _layout_json(layout))
            edit.geo_hash = (None if dataset.neighbourhoods is None
                             else self._put_blob(edit.conn, _dumps(dataset.neighbourhoods)))
            _apply_rows(edit, self._state(edit.conn, edit.dataset_id, edit.head), target)
            return "save", None, None

        return self._edit(name, change, author, message)

    def restore(self, name: str, version: int | str, author: str | None = None,
                message: str | None = None) -> int:
        """Add a new version whose content equals version ``version``; returns its number."""
        def change(edit: _Edit) -> tuple[str, str | None, int | None]:
            number = self._resolve_version(edit.conn, edit.ref, version)
            self._restore_into(edit, number)
            return "restore", str(number), number

        return self._edit(name, change, author, message)

    def undo(self, name: str, author: str | None = None) -> int:
        """Revert the last change by adding a version equal to the one before it.

        History is kept. Repeated undos walk further back: an undo version
        counts as "the change before it was undone", so undo, undo reverts
        the last two changes. Undo after a restore reverts the restore.

        Raises
        ------
        NothingToUndo
            At the first version.
        """
        def change(edit: _Edit) -> tuple[str, str | None, int | None]:
            target = self._undo_target(edit)
            self._restore_into(edit, target)
            return "undo", str(target), target

        return self._edit(name, change, author, None)

    def snapshot(self, name: str, label: str, author: str | None = None,
                 version: int | None = None) -> int:
        """Label the current version (or ``version``); returns the labelled number.

        Labels are appended, never overwritten; :meth:`load` accepts a label
        in place of a number (the newest version carrying it).
        """
        label = str(label or "").strip()
        if not label or len(label) > 200:
            raise EditError("bad_label")
        _refuse_bad_text(label, "label", is_id=False)
        _refuse_bad_text(author, "author", is_id=False)
        with self._transaction(write=True) as conn:
            row = self._dataset_row(conn, name)
            number = self._resolve_version(conn, _Ref.of(row), version)
            conn.execute(s.version_labels.insert().values(
                dataset_id=row.id, number=number, label=label, created_at=_now(),
                author=author))
        return number

    # -- fine-grained edits

    def add_organisation(self, name: str, record: Mapping[str, Any],
                         author: str | None = None, *, token: str | None = None) -> int:
        """Add one organisation (``id``, ``name``, ``kind`` required; id unique).

        ``token`` (here and in the other ``add_*`` methods and
        :meth:`JoinSession.submit`): the submission token of the form that
        sends the edit; a second call with the same token saves nothing and
        returns the version the first call made (see :meth:`_edit`).
        """
        _refuse_bad_text(record, "record")
        return self._edit(name, lambda e: _add_entity(e, "organisations", record), author,
                          token=token)

    def update_organisation(self, name: str, org_id: str, changes: Mapping[str, Any],
                            author: str | None = None) -> int:
        """Change fields of organisation ``org_id`` (its id cannot change)."""
        _refuse_bad_text([org_id], "id")
        _refuse_bad_text(changes, "record")
        return self._edit(name, lambda e: _update_entity(e, "organisations", org_id, changes),
                          author)

    def delete_organisation(self, name: str, org_id: str, author: str | None = None) -> int:
        """Delete organisation ``org_id`` with its reach links and collaborations."""
        _refuse_bad_text([org_id], "id")
        return self._edit(name, lambda e: _delete_entity(e, "organisations", org_id), author)

    def add_group(self, name: str, record: Mapping[str, Any], author: str | None = None, *,
                  token: str | None = None) -> int:
        """Add one parent group (``id``, ``name`` required; ``families`` >= 0)."""
        _refuse_bad_text(record, "record")
        return self._edit(name, lambda e: _add_entity(e, "parent_groups", record), author,
                          token=token)

    def update_group(self, name: str, group_id: str, changes: Mapping[str, Any],
                     author: str | None = None) -> int:
        """Change fields of parent group ``group_id`` (its id cannot change)."""
        _refuse_bad_text([group_id], "id")
        _refuse_bad_text(changes, "record")
        return self._edit(name, lambda e: _update_entity(e, "parent_groups", group_id, changes),
                          author)

    def delete_group(self, name: str, group_id: str, author: str | None = None) -> int:
        """Delete parent group ``group_id`` and the reach links to it."""
        _refuse_bad_text([group_id], "id")
        return self._edit(name, lambda e: _delete_entity(e, "parent_groups", group_id), author)

    def add_reach(self, name: str, record: Mapping[str, Any], author: str | None = None, *,
                  token: str | None = None) -> int:
        """Add that ``organisation`` reaches ``group`` (both must exist; ``strength`` 1-5)."""
        _refuse_bad_text(record, "record")
        return self._edit(name, lambda e: _add_reach(e, record), author,
                          token=token)

    def update_reach(self, name: str, organisation: str, group: str,
                     changes: Mapping[str, Any], author: str | None = None) -> int:
        """Change fields (``strength``, ``topics``...) of the link ``organisation`` -> ``group``."""
        _refuse_bad_text({"organisation": organisation, "group": group}, "record")
        _refuse_bad_text(changes, "record")
        return self._edit(name, lambda e: _update_reach(e, organisation, group, changes), author)

    def delete_reach(self, name: str, organisation: str, group: str,
                     author: str | None = None) -> int:
        """Delete the reach link from ``organisation`` to ``group``."""
        _refuse_bad_text({"organisation": organisation, "group": group}, "record")
        return self._edit(name, lambda e: _delete_reach(e, organisation, group), author)

    def add_collaboration(self, name: str, record: Mapping[str, Any],
                          author: str | None = None, *, token: str | None = None) -> int:
        """Add one collaboration rating (``source``, ``target``; four scores 1-5)."""
        _refuse_bad_text(record, "record")
        return self._edit(name, lambda e: _add_collaboration(e, record), author,
                          token=token)

    def update_collaboration(self, name: str, source: str, target: str,
                             changes: Mapping[str, Any], reported_by: str | None = None,
                             author: str | None = None) -> int:
        """Change one rating of the pair ``source``/``target`` (either direction).

        When the pair carries several ratings, ``reported_by`` picks the one;
        otherwise the edit is refused as ambiguous.
        """
        _refuse_bad_text({"source": source, "target": target}, "record")
        _refuse_bad_text([reported_by], "reported_by")
        _refuse_bad_text(changes, "record")
        return self._edit(name, lambda e: _update_collaboration(e, source, target, reported_by,
                                                                changes), author)

    def delete_collaboration(self, name: str, source: str, target: str,
                             reported_by: str | None = None, author: str | None = None) -> int:
        """Delete the collaboration between ``source`` and ``target`` (either direction).

        With ``reported_by`` only that respondent's ratings go; otherwise all
        ratings of the pair.
        """
        _refuse_bad_text({"source": source, "target": target}, "record")
        _refuse_bad_text([reported_by], "reported_by")
        return self._edit(name, lambda e: _delete_collaboration(e, source, target, reported_by),
                          author)

    # -- join codes

    def open_join(self, name: str, author: str | None = None,
                  hours: float = JOIN_HOURS_DEFAULT) -> str:
        """The open join code of ``name``, creating one valid for ``hours`` if there is none.

        Calling it again (every page rerun) returns the same code until it is
        closed or expires; an expired code is closed and a new one made.

        Raises
        ------
        ValueError
            When ``hours`` is not between 0 and :data:`JOIN_HOURS_MAX`.
        """
        hours = float(hours)
        if not 0 < hours <= JOIN_HOURS_MAX:  # also refuses NaN
            raise ValueError(f"join code validity must be 0-{JOIN_HOURS_MAX:g} hours")
        j = s.join_codes.c
        now = _now()
        with self._transaction(write=True) as conn:
            row = self._lock_dataset(conn, name)
            for existing in conn.execute(sa.select(j.code, j.created_at, j.closed_at,
                                                   j.expires_at).where(
                    j.dataset_id == row.id, j.closed_at.is_(None)).order_by(j.created_at)):
                if code_state(existing, now) == "open":
                    return str(existing.code)
            # Expired codes are closed, so the dataset has at most one open code.
            conn.execute(s.join_codes.update().where(j.dataset_id == row.id,
                                                     j.closed_at.is_(None))
                         .values(closed_at=now))
            while True:
                code = new_code()
                if conn.execute(sa.select(j.code).where(j.code == code)).first() is None:
                    break
            conn.execute(s.join_codes.insert().values(
                code=code, dataset_id=row.id, created_at=now, created_by=author,
                expires_at=now + timedelta(hours=hours)))
            return code

    def join_code(self, name: str) -> str | None:
        """The open (not closed, not expired) join code of ``name``, or None."""
        info = self.join_code_info(name)
        return None if info is None else info[0]

    def join_code_info(self, name: str) -> tuple[str, datetime] | None:
        """The open join code of ``name`` and when it expires (UTC), or None."""
        j = s.join_codes.c
        now = _now()
        with self._transaction() as conn:
            row = self._dataset_row(conn, name)
            for found in conn.execute(sa.select(j.code, j.created_at, j.closed_at,
                                                j.expires_at).where(
                    j.dataset_id == row.id, j.closed_at.is_(None)).order_by(j.created_at)):
                if code_state(found, now) == "open":
                    return str(found.code), code_expiry(found.created_at, found.expires_at)
        return None

    def close_join(self, code_or_name: str) -> int:
        """Close a join code, or every open code of a dataset; returns how many closed."""
        j = s.join_codes.c
        code = normalise_code(code_or_name)
        with self._transaction(write=True) as conn:
            found = conn.execute(sa.select(j.dataset_id).where(
                j.code == code, j.closed_at.is_(None))).first()
            if found is not None:
                where = [j.code == code]
                dataset_id = found.dataset_id
            else:
                row = self._dataset_row(conn, code_or_name, missing_ok=True)
                if row is None:
                    return 0
                where = [j.dataset_id == row.id]
                dataset_id = row.id
            # Lock like an edit does, so no join edit commits after the close.
            self._lock_dataset_id(conn, dataset_id)
            result = conn.execute(s.join_codes.update().where(*where, j.closed_at.is_(None))
                                  .values(closed_at=_now()))
            return int(result.rowcount or 0)

    def dataset_for_code(self, code: str) -> str | None:
        """The dataset an open join code gives access to; None when closed, expired or unknown."""
        j = s.join_codes.c
        d = s.datasets.c
        plain = normalise_code(code)
        if not plain:
            return None
        with self._transaction() as conn:
            found = conn.execute(sa.select(d.name, j.created_at, j.closed_at, j.expires_at)
                                 .select_from(s.join_codes.join(s.datasets,
                                                                j.dataset_id == d.id))
                                 .where(j.code == plain)).first()
        if found is None or code_state(found) != "open":
            return None
        return str(found.name)

    def code_status(self, code: str) -> str:
        """``"open"``, ``"closed"``, ``"expired"`` or ``"unknown"``.

        For the facilitator and for tests only: the join page must not tell
        these apart (it shows one message for every code that does not work).
        """
        j = s.join_codes.c
        with self._transaction() as conn:
            row = conn.execute(sa.select(j.created_at, j.closed_at, j.expires_at).where(
                j.code == normalise_code(code))).first()
        if row is None:
            return "unknown"
        return code_state(row)

    def join(self, code: str) -> JoinSession:
        """A :class:`JoinSession` for an open code.

        Raises
        ------
        JoinCodeError
            When the code is unknown, closed or expired (one error for all three).
        """
        name = self.dataset_for_code(code)
        if name is None:
            raise JoinCodeError("join_invalid")
        return JoinSession(self, normalise_code(code), name)

    # -- internals: reading

    def _dataset_row(self, conn: sa.Connection, name: str, missing_ok: bool = False) -> Any:
        if limits.text_problem(str(name), is_id=True) is not None:
            if missing_ok:
                return None
            raise DatasetNotFound("dataset_not_found", name=_printable(name))
        row = conn.execute(sa.select(s.datasets).where(s.datasets.c.name == str(name).strip())
                           ).first()
        if row is None and not missing_ok:
            raise DatasetNotFound("dataset_not_found", name=name)
        return row

    def _lock_dataset(self, conn: sa.Connection, name: str) -> Any:
        # FOR UPDATE is dropped by the SQLite compiler; there BEGIN IMMEDIATE
        # already holds the database's write lock.
        if limits.text_problem(str(name), is_id=True) is not None:
            raise DatasetNotFound("dataset_not_found", name=_printable(name))
        row = conn.execute(sa.select(s.datasets).where(s.datasets.c.name == str(name).strip())
                           .with_for_update()).first()
        if row is None:
            raise DatasetNotFound("dataset_not_found", name=name)
        return row

    def _lock_dataset_id(self, conn: sa.Connection, dataset_id: int) -> Any:
        return conn.execute(sa.select(s.datasets).where(s.datasets.c.id == dataset_id)
                            .with_for_update()).first()

    def _resolve_version(self, conn: sa.Connection, ref: _Ref, version: int | str | None,
                         ) -> int:
        """A version number from a number, a numeric string, a label or None (newest)."""
        if version is None:
            return ref.head
        if isinstance(version, str) and not version.strip().lstrip("-").isdigit():
            lab = s.version_labels.c
            found = conn.execute(sa.select(lab.number).where(
                lab.dataset_id == ref.dataset_id, lab.label == version.strip())
                .order_by(lab.number.desc(), lab.id.desc())).first()
            if found is None:
                raise VersionNotFound("label_not_found", name=ref.name, label=version)
            return int(found.number)
        number = int(version)
        if not 1 <= number <= ref.head:
            raise VersionNotFound("version_not_found", name=ref.name, version=number)
        return number

    def _version_row(self, conn: sa.Connection, ref: _Ref, number: int) -> Any:
        v = s.versions.c
        found = conn.execute(sa.select(s.versions).where(
            v.dataset_id == ref.dataset_id, v.number == number)).first()
        if found is None:
            raise VersionNotFound("version_not_found", name=ref.name, version=number)
        return found

    def _blob(self, conn: sa.Connection, digest: str | None) -> Any:
        if digest is None:
            return None
        with self._cache_lock:
            if digest in self._blob_cache:
                return self._blob_cache[digest]
        text = conn.execute(sa.select(s.blobs.c.data).where(s.blobs.c.hash == digest)).scalar()
        value = json.loads(text)
        with self._cache_lock:
            self._blob_cache[digest] = value
        return value

    def _layout(self, conn: sa.Connection, digest: str) -> Layout:
        raw = self._blob(conn, digest)
        return {t: tuple(_Column(*c) for c in raw[t]) for t in TABLES}

    def _put_blob(self, conn: sa.Connection, text: str) -> str:
        digest = hashlib.sha256(text.encode()).hexdigest()
        if self.backend == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        # Another dataset's writer may store the same blob at the same moment.
        conn.execute(insert(s.blobs).values(hash=digest, data=text).on_conflict_do_nothing())
        return digest

    def _state(self, conn: sa.Connection, dataset_id: int, number: int,
               ) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        """Rows of version ``number`` per table as ``(slot, encoded row)``, in order."""
        r = s.dataset_rows.c
        state: dict[str, list[tuple[int, dict[str, Any]]]] = {t: [] for t in TABLES}
        for table, slot, data in conn.execute(
                sa.select(r.tbl, r.slot, r.data).where(
                    r.dataset_id == dataset_id, r.valid_from <= number,
                    sa.or_(r.valid_to.is_(None), r.valid_to > number))
                .order_by(r.tbl, r.slot)):
            state[table].append((slot, json.loads(data)))
        return state

    def _load(self, conn: sa.Connection, dataset_id: int, name: str, number: int) -> Dataset:
        key = (dataset_id, number)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        version = self._version_row(conn, _Ref(dataset_id, name, number), number)
        layout = self._layout(conn, version.columns_hash)
        state = self._state(conn, dataset_id, number)
        frames = {t: _frame(layout[t], [row for _, row in state[t]]) for t in TABLES}
        dataset = Dataset(**frames, neighbourhoods=self._blob(conn, version.geo_hash), name=name)
        with self._cache_lock:
            self._cache[key] = dataset
            while len(self._cache) > 32:
                self._cache.popitem(last=False)
        return dataset

    # -- internals: writing

    def _edit(self, name: str, change: _Change, author: str | None,
              message: str | None = None, join_code: str | None = None,
              token: str | None = None) -> int:
        """Run ``change`` on the locked current version and commit the next version.

        ``token`` makes the edit idempotent (issue 11: a double tap on "Send"
        must save once): it is looked up under the dataset's write lock, so of
        two saves with one token (two requests, two threads, two app servers)
        exactly one writes; the other returns the version the first one made.
        A token is any 8-64 characters of letters, digits, ``-`` and ``_``.
        """
        _refuse_bad_text([author, message], "author", is_id=False)
        if token is not None:
            _check_token(token)
        with self._transaction(write=True) as conn:
            row = self._lock_dataset(conn, name)
            if join_code is not None:
                j = s.join_codes.c
                found = conn.execute(sa.select(j.created_at, j.closed_at, j.expires_at).where(
                    j.code == join_code, j.dataset_id == row.id)).first()
                if found is None or code_state(found) != "open":
                    raise JoinCodeError("join_invalid")
            if token is not None:
                tk = s.submission_tokens.c
                done = conn.execute(sa.select(tk.number).where(
                    tk.dataset_id == row.id, tk.token == token)).scalar()
                if done is not None:
                    return int(done)  # saved before: nothing new
            version = self._version_row(conn, _Ref.of(row), row.head)
            edit = _Edit(conn, row.id, row.name, row.head, row.next_slot,
                         version.columns_hash, version.geo_hash,
                         self._layout(conn, version.columns_hash))
            action, subject, restored_from = change(edit)
            if edit.layout_changed:
                edit.columns_hash = self._put_blob(conn, _layout_json(edit.layout))
            self._commit(edit, action, author=author, message=message, subject=subject,
                         parent=row.head, restored_from=restored_from)
            if token is not None:
                conn.execute(s.submission_tokens.insert().values(
                    dataset_id=row.id, token=token, number=edit.number, created_at=_now()))
            return edit.number

    def _commit(self, edit: _Edit, action: str, *, author: str | None, message: str | None,
                subject: str | None, parent: int | None, restored_from: int | None = None,
                ) -> None:
        conn = edit.conn
        r = s.dataset_rows.c
        conn.execute(s.versions.insert().values(
            dataset_id=edit.dataset_id, number=edit.number, created_at=_now(), author=author,
            message=message, action=action, subject=subject, parent=parent,
            restored_from=restored_from, columns_hash=edit.columns_hash,
            geo_hash=edit.geo_hash))
        if edit.closes:
            conn.execute(
                s.dataset_rows.update().where(
                    r.dataset_id == edit.dataset_id, r.tbl == sa.bindparam("b_tbl"),
                    r.slot == sa.bindparam("b_slot"), r.valid_to.is_(None))
                .values(valid_to=edit.number),
                [{"b_tbl": t, "b_slot": slot} for t, slot in edit.closes])
        if edit.inserts:
            conn.execute(s.dataset_rows.insert(), edit.inserts)
        conn.execute(s.datasets.update().where(s.datasets.c.id == edit.dataset_id)
                     .values(head=edit.number, next_slot=edit.next_slot))

    def _restore_into(self, edit: _Edit, number: int) -> None:
        version = self._version_row(edit.conn, edit.ref, number)
        edit.columns_hash = version.columns_hash
        edit.geo_hash = version.geo_hash
        edit.layout = self._layout(edit.conn, version.columns_hash)
        current = self._state(edit.conn, edit.dataset_id, edit.head)
        target = self._state(edit.conn, edit.dataset_id, number)
        _apply_slots(edit, current, target)

    def _undo_target(self, edit: _Edit) -> int:
        number = edit.head
        while True:
            version = self._version_row(edit.conn, edit.ref, number)
            if version.action == "undo" and version.restored_from is not None:
                number = int(version.restored_from)
                continue
            if version.parent is None:
                raise NothingToUndo("nothing_to_undo", name=edit.name)
            return int(version.parent)


# --------------------------------------------------------------------------- edit rules


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [str(c) for c in frame.columns]
    return [{c: _encode_value(v) for c, v in zip(columns, values, strict=True)}
            for values in frame.itertuples(index=False, name=None)]


def _layout_json(layout: Layout) -> str:
    return _dumps({t: [[c.name, c.dtype, c.kind] for c in layout[t]] for t in TABLES})


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
    """Check and convert the cells of ``record`` for ``table`` (JSON values out)."""
    columns = {c.name: c for c in edit.layout[table]}
    out: dict[str, Any] = {}
    for raw_name, value in record.items():
        name = str(raw_name)
        column = columns.get(name)
        if column is None:
            if name not in CANONICAL[table]:
                raise EditError("unknown_column", field=name)
            column = _canonical_column(name)
            edit.add_column(table, column)
            columns[name] = column
        out[name] = _coerce_value(table, column, value)
    return out


def _coerce_value(table: str, column: _Column, value: Any) -> Any:
    """A form or join value for ``table``: the schema's rules for its columns (as for files),
    the stored column's kind for extra columns."""
    name, kind = column.name, column.kind
    if rules.column(table, name) is not None:
        try:
            typed = rules.coerce(table, name, value)
        except rules.RuleError as refused:
            raise RuleRefused(refused.code, name, **refused.params) from None
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
    """Every required field of ``table`` is filled (values were typed by :func:`_coerce`)."""
    for name in _REQUIRED[table]:
        if rules.is_missing(row.get(name)):
            raise RuleRefused("value_required", name)


def _full_row(edit: _Edit, table: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` widened to every column of the table, in column order."""
    return {c.name: values.get(c.name, [] if c.kind == "list" else None)
            for c in edit.layout[table]}


_ENTITY_ERRORS = {"organisations": ("duplicate_organisation", "unknown_organisation"),
                  "parent_groups": ("duplicate_group", "unknown_group")}
_ACTIONS = {"organisations": "organisation", "parent_groups": "group"}


def _add_entity(edit: _Edit, table: str, record: Mapping[str, Any]) -> tuple[str, str, None]:
    row = _full_row(edit, table, _coerce(edit, table, record))
    _check(table, row)
    if edit.exists(table, row["id"]):
        raise EditError(_ENTITY_ERRORS[table][0], id=row["id"])
    edit.insert(table, row)
    return f"add_{_ACTIONS[table]}", row["id"], None


def _update_entity(edit: _Edit, table: str, entity_id: str, changes: Mapping[str, Any],
                   ) -> tuple[str, str, None]:
    entity_id = str(entity_id).strip()
    found = edit.current(table, key=entity_id)
    if not found:
        raise EditError(_ENTITY_ERRORS[table][1], id=entity_id)
    slot, old = found[0]
    values = _coerce(edit, table, changes)
    if "id" in values and values["id"] != entity_id:
        raise EditError("id_change", old=entity_id, new=values["id"])
    row = _full_row(edit, table, {**old, **values})
    _check(table, row)
    if row != old:
        edit.replace(table, slot, row)
    return f"update_{_ACTIONS[table]}", entity_id, None


def _delete_entity(edit: _Edit, table: str, entity_id: str) -> tuple[str, str, None]:
    entity_id = str(entity_id).strip()
    found = edit.current(table, key=entity_id)
    if not found:
        raise EditError(_ENTITY_ERRORS[table][1], id=entity_id)
    for slot, _ in found:
        edit.delete(table, slot)
    if table == "organisations":
        for slot, _ in edit.current("reach", ref_a=entity_id):
            edit.delete("reach", slot)
        for slot, _ in edit.current("collaborations", either=entity_id):
            edit.delete("collaborations", slot)
    else:
        for slot, _ in edit.current("reach", ref_b=entity_id):
            edit.delete("reach", slot)
    return f"delete_{_ACTIONS[table]}", entity_id, None


def _add_reach(edit: _Edit, record: Mapping[str, Any]) -> tuple[str, str, None]:
    row = _full_row(edit, "reach", _coerce(edit, "reach", record))
    _check("reach", row)
    org, group = row["organisation"], row["group"]
    if not edit.exists("organisations", org):
        raise EditError("unknown_organisation", id=org)
    if not edit.exists("parent_groups", group):
        raise EditError("unknown_group", id=group)
    if edit.current("reach", ref_a=org, ref_b=group):
        raise EditError("duplicate_reach", organisation=org, group=group)
    edit.insert("reach", row)
    return "add_reach", f"{org} -> {group}", None


def _update_reach(edit: _Edit, organisation: str, group: str, changes: Mapping[str, Any],
                  ) -> tuple[str, str, None]:
    org, grp = str(organisation).strip(), str(group).strip()
    found = edit.current("reach", ref_a=org, ref_b=grp)
    if not found:
        raise EditError("unknown_reach", organisation=org, group=grp)
    slot, old = found[0]
    values = _coerce(edit, "reach", changes)
    if values.get("organisation", org) != org or values.get("group", grp) != grp:
        raise EditError("link_change")
    row = _full_row(edit, "reach", {**old, **values})
    _check("reach", row)
    if row != old:
        edit.replace("reach", slot, row)
    return "update_reach", f"{org} -> {grp}", None


def _delete_reach(edit: _Edit, organisation: str, group: str) -> tuple[str, str, None]:
    org, grp = str(organisation).strip(), str(group).strip()
    found = edit.current("reach", ref_a=org, ref_b=grp)
    if not found:
        raise EditError("unknown_reach", organisation=org, group=grp)
    for slot, _ in found:
        edit.delete("reach", slot)
    return "delete_reach", f"{org} -> {grp}", None


def _add_collaboration(edit: _Edit, record: Mapping[str, Any]) -> tuple[str, str, None]:
    row = _full_row(edit, "collaborations", _coerce(edit, "collaborations", record))
    _check("collaborations", row)
    source, target = row["source"], row["target"]
    if source == target:
        raise EditError("self_collaboration", id=source)
    for org in (source, target):
        if not edit.exists("organisations", org):
            raise EditError("unknown_organisation", id=org)
    edit.insert("collaborations", row)
    return "add_collaboration", f"{source} - {target}", None


def _ratings(edit: _Edit, a: str, b: str, reported_by: str | None,
             ) -> list[tuple[int, dict[str, Any]]]:
    """Current ratings of the pair a/b (either direction), of ``reported_by`` when given."""
    found = [(slot, row) for slot, row in edit.current("collaborations", either=a)
             if {row.get("source"), row.get("target")} == {a, b}
             and (reported_by is None or row.get("reported_by") == reported_by)]
    if not found:
        raise EditError("unknown_collaboration", source=a, target=b)
    return found


def _update_collaboration(edit: _Edit, source: str, target: str, reported_by: str | None,
                          changes: Mapping[str, Any]) -> tuple[str, str, None]:
    a, b = str(source).strip(), str(target).strip()
    found = _ratings(edit, a, b, reported_by)
    if len(found) > 1:
        raise EditError("ambiguous_collaboration", source=a, target=b)
    slot, old = found[0]
    values = _coerce(edit, "collaborations", changes)
    if {values.get("source", old["source"]), values.get("target", old["target"])} != {a, b}:
        raise EditError("link_change")
    row = _full_row(edit, "collaborations", {**old, **values})
    _check("collaborations", row)
    if row != old:
        edit.replace("collaborations", slot, row)
    return "update_collaboration", f"{a} - {b}", None


def _delete_collaboration(edit: _Edit, source: str, target: str, reported_by: str | None,
                          ) -> tuple[str, str, None]:
    a, b = str(source).strip(), str(target).strip()
    found = _ratings(edit, a, b, reported_by)
    for slot, _ in found:
        edit.delete("collaborations", slot)
    return "delete_collaboration", f"{a} - {b}", None


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


class JoinSession:
    """What a workshop participant holding a join code may do: add to one dataset.

    No deleting, no updating, no other datasets, no history. Every write
    re-checks inside its transaction that the code is still open, so a
    closed code stops writes at once.

    Parameters
    ----------
    store
        The store.
    code
        An open join code (normalised).
    dataset_name
        The dataset the code belongs to.
    """

    def __init__(self, store: Store, code: str, dataset_name: str) -> None:
        self._store = store
        self.code = code
        self.dataset_name = dataset_name

    def is_open(self) -> bool:
        """Whether the code still gives access."""
        return self._store.dataset_for_code(self.code) == self.dataset_name

    def organisations(self) -> pd.DataFrame:
        """Organisations to pick from: ``id``, ``name``, ``kind``, ``category`` only."""
        frame = self._current().organisations
        return frame[[c for c in ("id", "name", "kind", "category") if c in frame.columns]].copy()

    def parent_groups(self) -> pd.DataFrame:
        """Parent groups to tick: ``id``, ``name``, ``community``, ``neighbourhood`` only."""
        frame = self._current().parent_groups
        wanted = ("id", "name", "community", "neighbourhood")
        return frame[[c for c in wanted if c in frame.columns]].copy()

    def add_organisation(self, record: Mapping[str, Any], author: str | None = None) -> int:
        """Add the participant's organisation; returns the new version number."""
        _refuse_bad_text(record, "record")
        return self._write(lambda e: _add_entity(e, "organisations", record), author)

    def add_reach(self, record: Mapping[str, Any], author: str | None = None) -> int:
        """Add a reach link (organisation -> parent group)."""
        _refuse_bad_text(record, "record")
        return self._write(lambda e: _add_reach(e, record), author)

    def add_collaboration(self, record: Mapping[str, Any], author: str | None = None) -> int:
        """Add a collaboration with its four scores."""
        _refuse_bad_text(record, "record")
        return self._write(lambda e: _add_collaboration(e, record), author)

    def submit(self, organisation: str | Mapping[str, Any],
               groups: list[str] | tuple[str, ...] = (),
               partners: list[Mapping[str, Any]] | tuple[Mapping[str, Any], ...] = (),
               author: str | None = None, *, token: str | None = None) -> int:
        """Save a participant's whole answer as ONE version (all or nothing).

        Parameters
        ----------
        organisation
            The id of an existing organisation, or a record for a new one.
        groups
            Ids of parent groups the organisation reaches; links that exist
            already are skipped (two colleagues of one organisation may both
            tick the same group).
        partners
            Collaboration records without ``source`` (it is the organisation):
            ``target`` plus the four condition scores. ``target`` may be a
            record for a new organisation (a partner not in the list yet).
        author
            Shown in the history (default ``join:CODE``).
        token
            The submission token of the rendered form (see :meth:`Store._edit`):
            a second submission with it saves nothing and returns the first
            one's version, so a double tap gives one answer.

        Returns
        -------
        int
            The new version number. One version per submission means the
            facilitator's "undo" takes back exactly one participant's answer.
        """
        # Every id and name of the answer is checked before any SQL runs.
        _refuse_bad_text(organisation if isinstance(organisation, Mapping) else [organisation],
                         "record" if isinstance(organisation, Mapping) else "organisation")
        _refuse_bad_text(list(groups), "group")
        _refuse_bad_text(list(partners), "record")

        def change(edit: _Edit) -> tuple[str, str | None, None]:
            if isinstance(organisation, Mapping):
                _, org_id, _ = _add_entity(edit, "organisations", organisation)
            else:
                org_id = str(organisation).strip()
                if not edit.exists("organisations", org_id):
                    raise EditError("unknown_organisation", id=org_id)
            for group in groups:
                if not edit.current("reach", ref_a=org_id, ref_b=str(group)):
                    _add_reach(edit, {"organisation": org_id, "group": group})
            for partner in partners:
                target = partner.get("target")
                if isinstance(target, Mapping):
                    _, target, _ = _add_entity(edit, "organisations", target)
                _add_collaboration(edit, {**partner, "target": target, "source": org_id})
            return "join_submit", org_id, None

        return self._write(change, author, token)

    def _current(self) -> Dataset:
        if not self.is_open():
            raise JoinCodeError("join_invalid")
        return self._store.load(self.dataset_name)

    def _write(self, change: _Change, author: str | None, token: str | None = None) -> int:
        return self._store._edit(self.dataset_name, change, author or f"join:{self.code}",
                                 join_code=self.code, token=token)


# --------------------------------------------------------------------------- opening


def open_store(url_or_path: str | Path | None = None, seed_demo: bool = True) -> Store:
    """Open (and on first use create) the store.

    Parameters
    ----------
    url_or_path
        ``--db`` value: a URL (``sqlite:///...``, ``postgresql://...``) or a
        SQLite file path. ``None``: ``$MAPPING_DB``, else
        :func:`mapping.store.tables.default_path`
        (``~/.local/share/wijknetwerk/wijknetwerk.db``).
    seed_demo
        Store the demo district (``data/demo``) as dataset ``"demo"`` the
        first time the store is opened where the demo data exists.

    Returns
    -------
    Store
    """
    store = Store(url_or_path)
    try:
        if seed_demo and store._meta("demo_seeded") is None:
            demo = _demo_dataset()
            if demo is not None:
                with contextlib.suppress(DatasetExists):
                    store.create_dataset(DEMO_NAME, demo, author="wijknetwerk",
                                         message="demo district")
                store._set_meta("demo_seeded", _now().isoformat())
    except BaseException:
        store.close()  # a failed open must not leave a connection pool behind
        raise
    return store


def _demo_dataset() -> Dataset | None:
    """The demo district, or None when it is not available (yet)."""
    try:
        from mapping.io.load import load_path
    except ImportError:
        return None
    if not DEMO_DIR.is_dir() or not any(DEMO_DIR.iterdir()):
        return None
    result = load_path(DEMO_DIR, "nl")
    return result.dataset if result.ok else None


# --------------------------------------------------------------------------- CLI


def register_import(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI registrar: ``import PATH [--db URL] [--name NAME] [--replace] [--author A]``."""
    parser = sub.add_parser("import", help="validate a dataset and save it in the store")
    parser.add_argument("path", help="CSV folder or XLSX workbook")
    parser.add_argument("--db", default=None,
                        help="database URL or SQLite file (default: $MAPPING_DB or "
                             "~/.local/share/wijknetwerk/wijknetwerk.db)")
    parser.add_argument("--name", default=None, help="dataset name (default: file name)")
    parser.add_argument("--replace", action="store_true",
                        help="add as a new version when the dataset exists")
    parser.add_argument("--author", default=None)
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    return "import", run_import


@contextlib.contextmanager
def _cli_log() -> Iterator[None]:
    """The CLI prints one line per failure: the store's log warning would be a second one."""
    level = _LOG.level
    _LOG.setLevel(logging.ERROR)
    try:
        yield
    finally:
        _LOG.setLevel(level)


def run_import(args: argparse.Namespace) -> int:
    """Run ``import``: exit 1 with the error report when the data is invalid.

    Every store failure (database down, disk full, read-only, text the store
    refuses) is one line on stderr and exit code 1; never a traceback, SQL or
    row data.
    """
    from mapping.io.load import load_for_command  # only this command needs the file readers

    lang = normalise_lang(args.lang)
    dataset = load_for_command(args.path, lang)
    if dataset is None:
        return 1
    name = args.name or Path(args.path).stem
    try:
        with _cli_log(), contextlib.closing(open_store(args.db)) as store:
            if args.replace:
                number = store.save(name, dataset, author=args.author,
                                    message=f"import {args.path}")
            else:
                number = store.create_dataset(name, dataset, author=args.author,
                                              message=f"import {args.path}")
    except StoreError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    print(f"{name}: version {number}")
    return 0


def register_export(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI registrar: ``export NAME --out DIR [--db URL] [--version V] [--no-personal]``."""
    parser = sub.add_parser("export", help="write a stored dataset as a canonical CSV folder")
    parser.add_argument("name", help="dataset name")
    parser.add_argument("--db", default=None,
                        help="database URL or SQLite file (default: $MAPPING_DB or "
                             "~/.local/share/wijknetwerk/wijknetwerk.db)")
    parser.add_argument("--out", required=True, help="folder to write")
    parser.add_argument("--version", default=None, help="version number or label (default: newest)")
    parser.add_argument("--no-personal", action="store_true",
                        help="leave out contact persons and respondents")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    return "export", run_export


def run_export(args: argparse.Namespace) -> int:
    """Run ``export``: exit 1 when the dataset or version does not exist, the
    database fails or the folder cannot be written (one line on stderr, no traceback).

    The CSV files are neutralised like every export (:func:`mapping.io.write.neutralise`).
    """
    lang = normalise_lang(args.lang)
    try:
        with _cli_log(), contextlib.closing(open_store(args.db)) as store:
            dataset = store.load(args.name, args.version)
    except StoreError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    if args.no_personal:
        dataset = drop_personal(dataset)
    try:
        write_csv_folder(dataset, Path(args.out))
    except OSError as exc:
        print(translate(MESSAGES, "export_failed", lang, path=args.out,
                        reason=exc.strerror or type(exc).__name__), file=sys.stderr)
        return 1
    print(f"{dataset.name} -> {args.out}")
    return 0

