"""What a decoded dataset from the parse worker must be: the invariants validation guarantees.

:mod:`mapping.io.worker_answer` proves an answer is well formed: every value of a declared
type, every table's buffers consistent. It cannot prove the worker *validated*: a worker
taken over by a hostile file could hand the server a well-formed dataset that validation
would have refused (duplicate ids, links to organisations that do not exist, a number
where a name belongs, more rows than the limit), and every page downstream assumes those
never occur. :func:`check_answer_datasets` re-checks, in the server, the invariants that
are cheap to check whole-column (no Python loop per cell; about 0.1 s for a national city
of 922,000 rows):

* each table has at most :attr:`Limits.rows` rows (or what :data:`ROWS_ENV` gave the
  worker) and :attr:`Limits.columns` columns,
  unique text column names, every column of the schema;
* each column has the dtype its schema type gives it (text: ``str`` or ``None`` cells,
  lists: tuples of ``str``, scores and coordinates: floats, counts: integers), no missing
  value in a required column, numbers within the column's range and
  :attr:`Limits.largest_number`, ``kind`` ``formal`` or ``informal``;
* ids unique; every reference resolves (reach to organisations and parent groups,
  collaborations to organisations; an organisation linked to itself is a warning in
  validation, not a refusal, so it passes here too);
* the neighbourhoods a GeoJSON dict with at most :attr:`Limits.geojson_features` features.

Text cells within :attr:`Limits.cell_chars` are checked while the tables are read
(:class:`mapping.io.answer_tables.TableReader`, on the distinct values' byte lengths).
A failure raises :class:`AnswerError`, which the sandbox turns into the one
``parse_answer`` message, as for a malformed answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from mapping.domain.dataset import TABLES, Dataset
from mapping.domain.limits import LIMITS, LimitSettingError, rows_from_environment
from mapping.domain.schema import SCHEMAS, Column
from mapping.io.answer_tables import AnswerError, ColumnFacts, fail

_TEXT = frozenset({"id", "ref", "text", "kind", "category"})
_FLOAT = frozenset({"score", "lat", "lon"})
_KINDS = ("formal", "informal")


def datasets_in(value: Any) -> Iterator[Dataset]:
    """The datasets an answer holds: itself, a result's ``dataset``, inside tuples."""
    if isinstance(value, Dataset):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from datasets_in(item)
    elif isinstance(getattr(value, "dataset", None), Dataset):
        yield value.dataset


Facts = dict[int, tuple[pd.DataFrame, list[ColumnFacts]]]


def check_answer_datasets(value: Any, facts: Facts | None = None) -> None:
    """Check every dataset in a decoded answer (:func:`check_dataset`).

    ``facts``: the reader's :attr:`~mapping.io.answer_tables.TableReader.facts`, with
    which text columns are checked on their codes and distinct values (fast).
    """
    for dataset in datasets_in(value):
        check_dataset(dataset, facts)


def check_dataset(dataset: Dataset, facts: Facts | None = None) -> None:
    """Raise :class:`AnswerError` unless ``dataset`` keeps what validation guarantees.

    See the module notes for the list. With the reader's ``facts`` a text column is
    checked on its ``int32`` codes and its distinct values (Arrow); without them (a table
    not read from an answer) on its cells with pandas, several times slower.
    """
    texts: dict[tuple[str, str], _Text] = {}
    for table in TABLES:
        frame = getattr(dataset, table)
        schema = SCHEMAS[table]
        _shape(frame, schema.output_columns(), table)
        columns = {c.name: c for c in schema.columns}
        held = (facts or {}).get(id(frame))
        column_facts = held[1] if held is not None and held[0] is frame else None
        for i, name in enumerate(frame.columns):
            column = columns.get(name)
            where = f"{table}.{name}"
            fact = column_facts[i] if column_facts is not None else None
            text = _column(frame.iloc[:, i], column, fact, where)
            if text is not None:
                texts[(table, name)] = text
        for key in schema.key:
            if not texts[(table, key)].unique():
                raise fail(table, f"{key} not unique")
    for target in TABLES:
        referring = [(table, column.name) for table in TABLES for column in SCHEMAS[table].columns
                     if column.refers_to == target]
        if referring:
            _resolve(texts[(target, "id")], target, {key: texts[key] for key in referring})
    _neighbourhoods(dataset.neighbourhoods)
    if type(dataset.name) is not str or len(dataset.name) > LIMITS.cell_chars:
        raise fail("Dataset.name", "bad name")


def _resolve(ids: _Text, table: str,
             referring: dict[tuple[str, str], _Text]) -> None:
    """Raise unless every used value of each referring column is one of ``ids``.

    One dictionary encoding of the ids' distinct values followed by every referring
    column's: the ids come first, so (being unique) they get the numbers ``0..k-1`` in
    order, and a reference resolves exactly when its number is below ``k``. Raises
    when the ids' distinct values repeat or a used reference does not resolve.
    """
    import pyarrow as pa
    import pyarrow.compute as pc  # late, as answer_tables imports pyarrow

    pieces = [ids.distinct, *(text.distinct for text in referring.values())]
    numbers = pc.dictionary_encode(pa.concat_arrays(pieces)).indices.to_numpy(
        zero_copy_only=False)
    k = len(ids.distinct)
    if not np.array_equal(numbers[:k], np.arange(k)):
        raise fail(f"{table}.id", "not unique")
    start = k
    for key, text in referring.items():
        positions = numbers[start:start + len(text.distinct)].astype(np.int32)
        start += len(text.distinct)
        if bool((positions[text.used()] >= k).any()):
            raise fail(f"{key[0]}.{key[1]}", f"refers to no {table}")


class _Text:
    """A text column as codes into distinct values, whichever way it was read."""

    def __init__(self, values: pd.Series, fact: ColumnFacts | None) -> None:
        if fact is not None and fact.codes is not None:
            self.codes, self.distinct = fact.codes, fact.distinct
        else:  # cells: factorised here (slower, hashing every cell)
            import pyarrow as pa

            codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
            self.codes = codes.astype(np.int32, copy=False)
            self.distinct = pa.array(np.asarray(uniques, dtype=object), type=pa.large_string())

    def used(self) -> np.ndarray:
        """Which distinct values some cell uses (a worker may send unused ones)."""
        used = np.zeros(len(self.distinct) + 1, dtype=bool)
        used[self.codes] = True  # code -1 (empty) marks the extra last entry
        return used[:-1]

    def missing(self) -> bool:
        """Some cell is empty."""
        return bool(len(self.codes)) and int(self.codes.min()) < 0

    def unique(self) -> bool:
        """No two cells hold the same text (nor two empty cells)."""
        if not len(self.codes):
            return True
        # Distinct codes; that the distinct values do not repeat either is checked where
        # the references are resolved against them (_resolve: every keyed table is referred to).
        return not (self.missing() or int(np.bincount(self.codes).max()) > 1)

    def within(self, allowed: tuple[str, ...]) -> bool:
        """Every used value is one of ``allowed``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        inside = pc.is_in(self.distinct, value_set=pa.array(allowed, type=pa.large_string()))
        return bool(inside.to_numpy(zero_copy_only=False)[self.used()].all())


def _row_limit() -> int:
    """The rows the worker's validation allowed: it reads :data:`ROWS_ENV` when it starts."""
    try:
        return max(LIMITS.rows, rows_from_environment())
    except LimitSettingError:  # a bad variable: the worker kept the default too
        return LIMITS.rows


def _shape(frame: pd.DataFrame, wanted: tuple[str, ...], table: str) -> None:
    rows = _row_limit()
    if len(frame) > rows:
        raise fail(table, f"{len(frame)} rows, at most {rows}")
    names = list(frame.columns)
    if len(names) > LIMITS.columns or any(type(n) is not str for n in names) \
            or len(set(names)) != len(names):
        raise fail(table, "bad columns")
    missing = set(wanted) - set(names)
    if missing:
        raise fail(table, f"column {sorted(missing)[0]!r} missing")


def _column(values: pd.Series, column: Column | None, fact: ColumnFacts | None,
            where: str) -> _Text | None:
    """One column against its schema type (an extra column: text); a text column's codes."""
    kind = "text" if column is None else column.dtype
    required = column is not None and column.required
    if not len(values):  # an empty table's columns may have any dtype: nothing to check
        return _Text(values, fact if fact is not None and fact.codes is not None else None) \
            if kind in _TEXT else None
    if kind in _TEXT:
        text = _text(values, fact, required, where)
        if kind == "kind" and not text.within(_KINDS):
            raise fail(where, "neither formal nor informal")
        return text
    if kind == "list":
        _tuples(values, fact, where)
    elif kind in _FLOAT or kind == "count":
        _numbers(values, column, kind, where)
        if required and bool(values.isna().any()):
            raise fail(where, "missing value in a required column")
    else:  # pragma: no cover - a schema type this module does not know yet
        raise fail(where, f"unchecked type {kind}")
    return None


def _text(values: pd.Series, fact: ColumnFacts | None, required: bool, where: str) -> _Text:
    if fact is not None:
        # Sent as text: the cells are str or None by construction (answer_tables).
        if fact.kind not in ("text", "string") or fact.codes is None:
            raise fail(where, "a cell that is not text")
    else:
        if not (values.dtype == np.dtype(object) or isinstance(values.dtype, pd.StringDtype)):
            raise fail(where, f"dtype {values.dtype}, expected text")
        if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            raise fail(where, "a cell that is not text")
        if any(len(v) > LIMITS.cell_chars for v in pd.unique(values.dropna().to_numpy())):
            raise fail(where, f"a text of more than {LIMITS.cell_chars} characters")
    text = _Text(values, fact)
    if required and text.missing():
        raise fail(where, "missing value in a required column")
    return text


def _tuples(values: pd.Series, fact: ColumnFacts | None, where: str) -> None:
    if fact is not None:
        # Sent as tuples: tuples of validated text, each within the cell size (answer_tables).
        if fact.kind != "tuples":
            raise fail(where, "a cell that is not a list of text")
        return
    if values.dtype != np.dtype(object):
        raise fail(where, f"dtype {values.dtype}, expected lists")
    cells = values.to_numpy()
    if len(cells) and set(map(type, cells)) != {tuple}:
        raise fail(where, "a cell that is not a list")
    for distinct in pd.unique(cells) if len(cells) else ():  # few: lists repeat
        if not all(type(item) is str and len(item) <= LIMITS.cell_chars for item in distinct):
            raise fail(where, "a list item that is not text")


def _numbers(values: pd.Series, column: Column | None, kind: str, where: str) -> None:
    dtype = values.dtype
    numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if not numeric or (kind in _FLOAT and not pd.api.types.is_float_dtype(dtype)):
        raise fail(where, f"dtype {dtype}, expected {'a count' if kind == 'count' else kind}")
    array = values.to_numpy(dtype=np.float64, na_value=np.nan)
    given = array[~np.isnan(array)]
    if not len(given):
        return
    low, high = float(given.min()), float(given.max())
    if not np.isfinite(low) or not np.isfinite(high) \
            or max(abs(low), abs(high)) > LIMITS.largest_number:
        raise fail(where, "a number beyond the limits")
    if column is not None and ((column.minimum is not None and low < column.minimum)
                               or (column.maximum is not None and high > column.maximum)):
        raise fail(where, "a number outside the column's range")
    if kind == "count" and (low < 0 or not bool((given == np.floor(given)).all())):
        raise fail(where, "a count that is not a whole number of at least 0")


def _neighbourhoods(value: Any) -> None:
    if value is None:
        return
    features = value.get("features") if type(value) is dict else None
    if type(features) is not list or len(features) > LIMITS.geojson_features:
        raise fail("Dataset.neighbourhoods", "bad neighbourhoods")


__all__ = ["AnswerError", "check_answer_datasets", "check_dataset", "datasets_in"]
