"""The store's errors and their messages, and the text rules every edit passes first.

Every error a person can cause carries a Dutch and English message
(:class:`StoreError` and its subclasses); a database failure becomes
:class:`StoreUnavailable` with words a facilitator can act on, never SQL or
row data. :func:`_refuse_bad_text` and :func:`_refuse_bad_dataset` apply the
shared text rules (:func:`mapping.domain.limits.text_problem`) before any SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mapping.domain import limits, rules
from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES, Dataset
from mapping.i18n import Catalog, normalise_lang, translate
from mapping.locales import catalog
from mapping.store import tables as s

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

# Named for the module that held the store before it was split: operators and tests
# filter the store's warnings by that name.
_LOG = logging.getLogger("mapping.store.repository")

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
