"""How the store writes tables and versions as JSON, and reads them back exactly.

A stored row is one JSON object (:func:`_records`, :func:`_dumps`); a
version's column layout (names, pandas dtypes, what an edit may put in each
column) is a JSON blob (:func:`_layout_json`). :func:`_frame` rebuilds a
table with the dtypes it went in with, so round trips are exact for data
that follows the :mod:`mapping.domain.dataset` conventions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from mapping.domain.dataset import CONDITIONS, TABLES, Dataset

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


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [str(c) for c in frame.columns]
    return [{c: _encode_value(v) for c, v in zip(columns, values, strict=True)}
            for values in frame.itertuples(index=False, name=None)]


def _layout_json(layout: Layout) -> str:
    return _dumps({t: [[c.name, c.dtype, c.kind] for c in layout[t]] for t in TABLES})
