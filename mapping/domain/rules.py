"""The one rule set for cell values, derived from the schema: files, workshop edits, join answers.

A value typed in the workshop form, sent from a participant's phone or read
from a spreadsheet cell goes through the same functions here, so it is
accepted or refused by the same rule, with the same issue code and words,
and stored in the same normal form ("opvoeden" becomes ``raising_children``,
"formeel" ``formal``, "3,5" ``3.5``).

Two entry points over one implementation:

* :func:`convert` — a whole column of text cells at once (vectorised, for
  files of a city): the typed values and the cells each rule refused.
* :func:`coerce` — one value (for the store): the typed value, or
  :class:`RuleError` with the code and its parameters.

Coordinates come in pairs (:data:`COORDINATE_PAIRS`): :func:`half_pairs` finds
the rows of a file with half a pair, :func:`check_pairs` refuses a store row
with half a pair, both with the code ``coord_pair``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from mapping.domain import limits
from mapping.domain import schema as sc
from mapping.domain.limits import LIMITS
from mapping.locales import catalog

ERROR = "error"
WARNING = "warning"

NUMERIC: tuple[str, ...] = ("score", "count", "lat", "lon", "rd")
"""Column types holding numbers."""

MESSAGES: dict[str, tuple[str, str]] = catalog.pairs("rules")

T = TypeVar("T")


@dataclass(frozen=True)
class Finding:
    """Cells of one column that one rule refused (or warns about)."""

    code: str
    mask: np.ndarray
    severity: str = ERROR
    params: dict[str, Any] = field(default_factory=dict)


class RuleError(ValueError):
    """One value refused by a rule: ``code`` (a key of :data:`MESSAGES`) and ``params``."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code, self.params = code, params
        super().__init__(message(code, "en", **params))


def message(code: str, lang: str = "nl", **params: Any) -> str:
    """The words of ``code`` in ``lang`` (``number_huge`` is the shared text rule's)."""
    if code not in MESSAGES:
        return limits.message(code, lang)
    nl, en = MESSAGES[code]
    return (en if lang == "en" else nl).format(**{"hint": "", **params})


def per_distinct(function: Callable[[Any], T], values: Sequence[Any]) -> list[T]:
    """``[function(v) for v in values]``, calling ``function`` once per distinct value.

    Only for pure functions of one value (the rules below): the result equals the
    per-cell loop's. Unhashable values (a list from a form) fall back to that loop.
    """
    try:
        distinct = dict.fromkeys(values)
    except TypeError:
        return [function(v) for v in values]
    answers = {value: function(value) for value in distinct}
    return list(map(answers.__getitem__, values))


def numbers(cells: pd.Series, decimal_comma: bool) -> pd.Series:
    """Text cells as floats (NaN where not a number); ``1.234,5`` when ``decimal_comma``."""
    text = cells.astype("string").str.replace(" ", "", regex=False)
    if decimal_comma:
        has_comma = text.str.contains(",", regex=False).fillna(False)
        text = text.where(~has_comma, text.str.replace(".", "", regex=False))
        text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype(float)


def convert(column: sc.Column, cells: pd.Series, decimal_comma: bool = False,
            given: np.ndarray | None = None) -> tuple[pd.Series, list[Finding]]:
    """Typed values of a column of text cells (``None`` = empty) and what the rules refused.

    Numbers: huge or infinite values, text that is no number, and values out of
    the column's range are findings (and NaN in the result). Kinds, categories,
    topics and forms come back in canonical form; an unknown category is kept
    as written, with a warning.

    Each rule is a function of one cell, applied once per *distinct* cell
    (a national file repeats a few dozen words and scores hundreds of
    thousands of times), so the result is the per-cell rule's. ``given``
    (where a cell is not empty) may be passed when the caller knows it already.
    """
    findings: list[Finding] = []
    if given is None:
        given = cells.notna().to_numpy()
    if column.required:
        findings.append(Finding("value_required", ~given))
    if column.dtype in NUMERIC:
        return _convert_number(column, cells, given, decimal_comma, findings)
    if column.dtype == "list":
        return _convert_list(cells, column.name), findings
    if column.dtype == "kind":
        kinds = pd.Series(per_distinct(_kind, cells.tolist()), dtype=object, index=cells.index)
        findings.append(Finding("kind_invalid", given & kinds.isna().to_numpy()))
        return kinds, findings
    if column.dtype == "category":
        found = per_distinct(_category, cells.tolist())
        unknown = np.fromiter(map(_unknown, found), dtype=bool, count=len(found))
        findings.append(Finding("category_unknown", unknown, WARNING,
                                {"known": ", ".join(sc.CATEGORIES)}))
        values = list(map(_first, found))
        return pd.Series(values, dtype=object, index=cells.index), findings
    if column.name == "form":
        forms = per_distinct(_form, cells.tolist())
        return pd.Series(forms, dtype=object, index=cells.index), findings
    return cells, findings


# The vocabulary rules, one cell at a time (convert maps them over the distinct cells).

def _kind(cell: Any) -> str | None:
    return sc.canonical_kind(cell) if cell is not None else None


def _category(cell: Any) -> tuple[str | None, bool]:
    return sc.canonical_category(cell) if cell is not None else (None, True)


def _form(cell: Any) -> str | None:
    return sc.canonical_form(cell)[0] if cell is not None else None


_first = itemgetter(0)


def _unknown(found: tuple[str | None, bool]) -> bool:
    return not found[1]


def _convert_number(column: sc.Column, cells: pd.Series, given: np.ndarray,
                    decimal_comma: bool, findings: list[Finding]
                    ) -> tuple[pd.Series, list[Finding]]:
    values = _numbers_once(cells, given, decimal_comma)
    parsed = values.to_numpy()
    with np.errstate(invalid="ignore"):
        # 1e20 families would overflow the Int64 column; 1e308 scores break sums.
        huge = given & (np.isinf(parsed) | (np.abs(np.nan_to_num(parsed)) > LIMITS.largest_number))
    findings.append(Finding("number_huge", huge, params={"limit": f"{LIMITS.largest_number:.0e}"}))
    bad = given & np.isnan(parsed)
    findings.append(Finding("number_invalid", bad))
    values[bad | huge] = np.nan
    ok = given & ~bad & ~huge
    arr = np.nan_to_num(values.to_numpy())
    if column.dtype == "score":
        findings.append(Finding("score_range", ok & ((arr < 1) | (arr > 5))))
    elif column.dtype == "count":
        findings.append(Finding("count_negative", ok & (arr < 0)))
        findings.append(Finding("count_not_whole", ok & (arr >= 0) & (np.floor(arr) != arr)))
    elif column.dtype in ("lat", "lon"):
        out = ok & ((arr < column.minimum) | (arr > column.maximum))
        findings.append(Finding(f"{column.dtype}_range", out))
    elif column.dtype == "rd":
        out = ok & ((arr < column.minimum) | (arr > column.maximum))
        findings.append(Finding("rd_range", out, params={
            "axis": column.name, "low": f"{column.minimum:,.0f}",
            "high": f"{column.maximum:,.0f}"}))
    return values, findings


def _numbers_once(cells: pd.Series, given: np.ndarray, decimal_comma: bool) -> pd.Series:
    """:func:`numbers` of ``cells``, parsing each distinct filled-in cell once.

    :func:`numbers` reads each cell on its own, so parsing the distinct cells and
    spreading the results back gives its result (a score column holds a few dozen
    distinct texts in 540,000 rows). Empty cells are NaN, as :func:`numbers` gives them.
    """
    filled = cells[given].tolist()
    try:
        distinct = list(dict.fromkeys(filled))
    except TypeError:  # not text (a value from a form): read every cell
        return numbers(cells, decimal_comma)
    parsed = numbers(pd.Series(distinct, dtype=object), decimal_comma).to_numpy()
    lookup = dict(zip(distinct, parsed.tolist(), strict=True))
    result = np.full(len(cells), np.nan)
    result[given] = np.fromiter(map(lookup.__getitem__, filled), dtype=float, count=len(filled))
    return pd.Series(result, index=cells.index)


def _convert_list(cells: pd.Series, name: str) -> pd.Series:
    split = _split_topics if name == "topics" else _split_words
    return pd.Series(per_distinct(split, cells.tolist()), dtype=object, index=cells.index)


def _split(cell: Any, topics: bool) -> tuple[str, ...]:
    """One list cell (``|``-separated text, or a sequence from a form) as a tuple of words."""
    if cell is None:
        return ()
    parts = cell.split(sc.LIST_SEPARATOR) if isinstance(cell, str) else list(cell)
    parts = (str(p).strip() for p in parts)
    return tuple(sc.canonical_topic(p) if topics else p for p in parts if p)


def _split_topics(cell: Any) -> tuple[str, ...]:
    return _split(cell, True)


def _split_words(cell: Any) -> tuple[str, ...]:
    return _split(cell, False)


COORDINATE_PAIRS: tuple[tuple[str, str], ...] = (("lat", "lon"), ("x", "y"))
"""Columns that mean something only together: WGS84 degrees, RD New metres."""


def half_pairs(present: Mapping[str, np.ndarray]) -> Iterator[tuple[str, str, np.ndarray]]:
    """Where one half of a coordinate pair is given and the other is not.

    Parameters
    ----------
    present
        Per coordinate column the table has: a boolean array, True where the
        cell holds a value (a column the table lacks is never given).

    Yields
    ------
    tuple
        ``(given, missing, mask)`` for each half of each pair the table has a
        column of, in :data:`COORDINATE_PAIRS` order; ``mask`` marks the rows
        that give ``given`` without ``missing`` (the issue belongs to ``missing``).
    """
    for a, b in COORDINATE_PAIRS:
        if a not in present and b not in present:
            continue
        size = len(present[a] if a in present else present[b])
        has_a = present.get(a, np.zeros(size, dtype=bool))
        has_b = present.get(b, np.zeros(size, dtype=bool))
        yield a, b, has_a & ~has_b
        yield b, a, has_b & ~has_a


def check_pairs(row: Mapping[str, Any]) -> None:
    """Refuse a row (a workshop edit, a join answer) that gives half a coordinate pair.

    Raises
    ------
    RuleError
        ``coord_pair`` with ``given`` and ``missing``: the file loader's code and words.
    """
    names = {name for pair in COORDINATE_PAIRS for name in pair}
    present = {name: np.array([not is_missing(row[name])]) for name in names if name in row}
    for given, missing, mask in half_pairs(present):
        if mask.any():
            raise RuleError("coord_pair", given=given, missing=missing)


def column(table: str, name: str) -> sc.Column | None:
    """The schema's declaration of ``table.name`` (``None`` for an extra column)."""
    for declared in sc.SCHEMAS[table].columns:
        if declared.name == name:
            return declared
    return None


def coerce(table: str, name: str, value: Any) -> Any:
    """One value for ``table.name`` by the rules of :func:`convert`, or :class:`RuleError`.

    Typed numbers (from a slider) and text ("3,5", as a Dutch form user types
    it) are both accepted; a decimal comma is read as the decimal sign. List
    columns take a ``|``-separated string or a sequence. Extra columns (not
    in the schema) pass as text. Missing values come back as ``None`` (``()``
    for lists), and required ones raise ``value_required``.
    """
    declared = column(table, name)
    if declared is None:
        return None if is_missing(value) else str(value).strip()
    cell = _as_cell(value, declared)
    converted, findings = convert(declared, pd.Series([cell], dtype=object), decimal_comma=True)
    for finding in findings:
        if finding.severity == ERROR and finding.mask.any():
            raise RuleError(finding.code, **finding.params)
    result = converted.iloc[0]
    if declared.dtype in NUMERIC:
        if isinstance(result, float) and math.isnan(result):
            return None
        return int(result) if declared.dtype == "count" else float(result)
    return result


def _as_cell(value: Any, declared: sc.Column) -> Any:
    """A form value as the text cell a file would hold (``None`` when empty)."""
    if is_missing(value):
        return None
    if declared.dtype == "list" and not isinstance(value, str):
        return [v for v in value if not is_missing(v)] or None
    if isinstance(value, bool):
        return str(value)  # never a number: True is not a score
    if isinstance(value, int | float | np.number):
        return repr(float(value)).replace(".", ",")
    text = str(value).strip()
    return text or None


def is_missing(value: Any) -> bool:
    """``None``, NA, NaN or blank text: an empty cell or form field."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()
