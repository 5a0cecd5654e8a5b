"""Validation: from raw text cells to typed tables, collecting every problem.

The reader (:mod:`mapping.io.load`) hands over each table as rows of text cells
with the row numbers a spreadsheet shows (header = row 1). This module maps
headers to the schema (:mod:`mapping.domain.schema`), converts cells to the types of
:mod:`mapping.domain.dataset`, and checks the tables against each other. It never
stops at the first problem: every problem becomes an :class:`Issue` naming
file, row, column and value, with a plain message in Dutch or English.

Errors mean nothing is loaded; warnings are loaded and said. The checks are
vectorised with pandas so that a city of 40,000 links validates in a fraction
of a second; per-cell Python only runs for cells that are wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mapping.domain import limits as lim
from mapping.domain import rules
from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES
from mapping.domain.limits import LIMITS
from mapping.io import column_scan as scan
from mapping.io import geo
from mapping.io.arrow_csv import Encoded
from mapping.io.issues import (  # noqa: F401  (re-exported: callers import them from here)
    ERROR,
    ISSUE_COLUMNS,
    MESSAGES,
    WARNING,
    Collector,
    Issue,
    issues_frame,
    table_label,
)
from mapping.io.table_checks import (  # noqa: F401  (re-exported: callers import them from here)
    Typed,
    _check_refs,
    _check_warnings,
    _ids,
    _pair,
    _warn_rows,
    _within,
)
from mapping.io.write import unneutralise


@dataclass
class RawTable:
    """A table as read: text cells, before any interpretation.

    Attributes
    ----------
    table
        Canonical table name.
    file
        Label for people: ``organisaties.csv`` or ``wijk.xlsx, blad Organisaties``.
    header
        The header cells as written.
    rows
        Data rows (lists of text cells), empty rows already left out.
    numbers
        Spreadsheet row number of each data row (header = 1).
    decimal_comma
        Numbers may use a decimal comma (``;``-separated CSV, as Dutch Excel writes).
    encoded
        The same cells column by column, dictionary-encoded, when the fast CSV reader
        read the file (:mod:`mapping.io.arrow_csv`; ``rows`` then rebuilds rows on
        demand): every column is as wide as the header, no row is ragged.
    """

    table: str
    file: str
    header: list[str]
    rows: Sequence[list[str]]
    numbers: Sequence[int]
    decimal_comma: bool = False
    encoded: list[Encoded] | None = None


# --- single table -------------------------------------------------------------------------


def _map_headers(raw: RawTable, col: Collector) -> tuple[dict[str, int], dict[str, int]]:
    """Canonical column -> position, and extra column name -> position."""
    lookup = sc.column_lookup(raw.table)
    known: dict[str, int] = {}
    extra: dict[str, int] = {}
    for position, header in enumerate(raw.header):
        name = lookup.get(sc.normalise_header(header)) if header.strip() else None
        if name is not None:
            if name in known:
                col.error("column_twice", raw.file, 1, header, header, name=header,
                          first=known[name] + 1, second=position + 1)
            else:
                known[name] = position
            continue
        if not header.strip():
            if _filled(raw, position):
                name = f"kolom_{position + 1}"
                col.warning("column_unnamed", raw.file, 1, None, None, position=position + 1,
                            name=name)
                extra[name] = position
            continue
        name = sc.extra_column_name(header)
        while name in extra or name in known or name in sc.SCHEMAS[raw.table].output_columns():
            name += "_"
        extra[name] = position
    return known, extra


def _filled(raw: RawTable, position: int) -> bool:
    """Whether any row holds a non-blank cell at ``position``."""
    if raw.encoded is not None:  # every distinct text occurs in some row
        return any(text.strip() for text in raw.encoded[position].distinct)
    return any(position < len(r) and r[position].strip() for r in raw.rows)


def _strip(cell: str) -> str | None:
    """The cell without surrounding blanks, ``None`` when empty.

    A leading tab or carriage return is kept: stripping it would turn the
    text ``\t=1+1`` into the formula ``=1+1`` (the cell stays exactly as typed).
    """
    stripped = cell.strip()
    if not stripped:
        return None
    lead = cell[: len(cell) - len(cell.lstrip())]
    if "\t" in lead or "\r" in lead:
        return cell.rstrip()
    return stripped


@dataclass
class Cells:
    """One column's stripped text cells, and what the column-wide scans found.

    Attributes
    ----------
    values
        The cells, ``None`` where empty.
    blank
        Where the cell was empty.
    lengths
        Characters per cell (0 where empty).
    unusual
        Rows holding anything but printable ASCII or an apostrophe: the only
        cells the repairs of :func:`_cells` and the text rule need to look at.
    codes, distinct
        For a column of an encoded table (:attr:`RawTable.encoded`): per row, the
        index of its cell in ``distinct``, the :class:`Cells` of the distinct texts
        (a rule of one cell then runs once per distinct text).
    """

    values: pd.Series
    blank: np.ndarray
    lengths: np.ndarray
    unusual: np.ndarray
    codes: np.ndarray | None = None
    distinct: Cells | None = None


# Anything but printable ASCII, and the apostrophe of a neutralised formula ("'=1+1").
_UNUSUAL = re.compile(r"[^\x20-\x26\x28-\x7e]")


def _cells(raw: RawTable, position: int, columns: Sequence[Sequence[str]] = ()) -> Cells:
    """One column's stripped text cells (empty cells ``None``), with the scans' findings.

    ``columns`` may hold the table's first columns already taken apart (:func:`scan.columns`).
    Most cells need no stripping and no repair: both are found with whole-column
    passes, and the per-cell rules (:func:`_strip`, :func:`unneutralise`) run
    only on the cells those passes point at.
    """
    if raw.encoded is not None:
        return _encoded_cells(raw.encoded[position])
    column = columns[position] if position < len(columns) else scan.take(raw.rows, position)
    return _repaired(column)


def _encoded_cells(encoded: Encoded) -> Cells:
    """:func:`_cells` of an encoded column: each distinct text repaired once, spread to the rows."""
    distinct = _repaired(encoded.distinct)
    codes = encoded.codes
    unusual = np.zeros(0, dtype=np.int64)
    if len(distinct.unusual):  # most columns of a city are plain ASCII: nothing to spread
        mask = np.zeros(len(encoded.distinct), dtype=bool)
        mask[distinct.unusual] = True
        unusual = np.flatnonzero(mask[codes])
    values = distinct.values.to_numpy()[codes]
    return Cells(pd.Series(values, dtype=object), distinct.blank[codes], distinct.lengths[codes],
                 unusual, codes, distinct)


def _repaired(column: Sequence[str]) -> Cells:
    """The cells of ``column`` stripped and repaired (see :func:`_cells`)."""
    stripped = list(map(str.strip, column))
    size = scan.lengths(stripped)
    # str.strip returns the cell itself when there is nothing to strip: compare identities.
    for index in scan.changed(column, stripped):
        # Blanks came off: _strip keeps a leading tab or CR as typed (never a formula).
        kept = _strip(column[index]) or ""
        stripped[index] = kept
        size[index] = len(kept)
    unusual = scan.flagged(stripped, _UNUSUAL)
    for index in unusual.tolist():
        value = stripped[index]
        if value and value[0] == "'":
            # "'=1+1" is how mapping.io.write neutralises a formula-like cell: one ' comes off.
            value = unneutralise(value)
        if "\r" in value:
            # Line breaks inside a cell: CSV keeps CRLF, workbooks give LF; one form for both.
            # A leading CR is kept as typed, like a leading tab (see _strip).
            value = value[0] + value[1:].replace("\r\n", "\n").replace("\r", "\n")
        stripped[index] = value
        size[index] = len(value)
    blank = size == 0
    values = np.array(stripped, dtype=object)
    values[blank] = None
    return Cells(pd.Series(values, dtype=object), blank, size, unusual)


_SUSPECT = re.compile(r"[^\x20-\x7e]")  # anything but printable ASCII: worth a closer look


def _check_text(raw: RawTable, header: str, cells: Cells, is_id: bool,
                col: Collector) -> None:
    """Control characters, invisible characters and over-long cells, per row.

    The shared rule (:func:`mapping.domain.limits.text_problem`) runs only on cells
    that hold something other than printable ASCII or are long (found by the
    column-wide scans of :func:`_cells`), so a city's clean cells cost nothing here.
    """
    suspect = _suspects(cells if cells.distinct is None else cells.distinct, is_id)
    if cells.codes is not None:  # found per distinct text, spread over the rows
        suspect = suspect[cells.codes]
    values = cells.values.to_numpy()
    for index in np.flatnonzero(suspect).tolist():
        value = values[index]
        code = lim.text_problem(value, is_id=is_id)
        row = raw.numbers[index]
        if code is not None:
            col.error(code, raw.file, row, header, value)
        elif lim.has_invisible(value):
            col.warning("text_invisible_free", raw.file, row, header, value)


def _suspects(cells: Cells, is_id: bool) -> np.ndarray:
    """Where the text rule must look: long cells, and cells holding what the rule objects to."""
    suspect = cells.lengths > LIMITS.cell_chars
    values = cells.values.to_numpy()
    # Free text: only the characters the two rules below look at (an "é" is no suspect).
    pattern = _SUSPECT if is_id else lim.FREE_TEXT_FLAGS
    for index in cells.unusual.tolist():
        if pattern.search(values[index]):
            suspect[index] = True
    return suspect


def _report(col: Collector, severity: str, code: str, raw: RawTable, header: str,
            cells: pd.Series, mask: pd.Series | np.ndarray, **params: Any) -> None:
    """One issue per row where ``mask`` holds."""
    for index in np.flatnonzero(np.asarray(mask, dtype=bool)):
        col.add(severity, code, raw.file, raw.numbers[index], header, cells.iloc[index], **params)


def _convert_column(raw: RawTable, column: sc.Column, header: str, cells: Cells,
                    col: Collector) -> pd.Series:
    """Typed values by the shared rules (:mod:`mapping.domain.rules`), findings reported."""
    if cells.codes is not None and cells.distinct is not None:
        values, findings = _spread(column, cells.distinct, cells.codes, raw.decimal_comma)
    else:
        values, findings = rules.convert(column, cells.values, raw.decimal_comma,
                                         given=~cells.blank)
    cells = cells.values
    for finding in findings:
        params = dict(finding.params)
        if finding.code == "number_invalid" and finding.mask.any() and not raw.decimal_comma \
                and cells[finding.mask].astype(str).str.contains(",").any():
            params["hint"] = col.message("decimal_hint")
        elif finding.code == "number_invalid":
            params["hint"] = ""
        _report(col, finding.severity, finding.code, raw, header, cells, finding.mask, **params)
    return values


def _spread(column: sc.Column, distinct: Cells, codes: np.ndarray, decimal_comma: bool
            ) -> tuple[pd.Series, list[rules.Finding]]:
    """:func:`rules.convert` of an encoded column: run on its distinct texts, spread to the rows.

    Every rule of :func:`rules.convert` is a function of one cell, so its values
    and findings per distinct text, taken per row, are its values and findings per row.
    """
    values, findings = rules.convert(column, distinct.values, decimal_comma,
                                     given=~distinct.blank)
    spread = [rules.Finding(f.code, f.mask[codes], f.severity, f.params) for f in findings]
    rows = values.take(codes)  # keeps the dtype (float, object)
    rows.index = pd.RangeIndex(len(codes))
    return rows, spread


def _check_ragged(raw: RawTable, widths: np.ndarray, col: Collector) -> None:
    """Rows with fewer cells than the header, or more that are not blank."""
    width = len(raw.header)
    for index in np.flatnonzero(widths != width).tolist():
        cells, found = raw.rows[index], int(widths[index])
        if found < width or any(c.strip() for c in cells[width:]):
            col.error("row_ragged", raw.file, raw.numbers[index], None, None, found=found,
                      expected=width)


def _coordinates(raw: RawTable, frame: pd.DataFrame, typed: dict[str, pd.Series],
                 headers: dict[str, str], col: Collector) -> None:
    """Fill ``lat``/``lon`` from RD ``x``/``y`` where those are given; check pairs."""
    present = {name: typed[name].notna().to_numpy() for pair in rules.COORDINATE_PAIRS
               for name in pair if name in typed}
    for given, missing, mask in rules.half_pairs(present):  # the store's rule too
        for index in np.flatnonzero(mask):
            col.error("coord_pair", raw.file, raw.numbers[index], headers.get(missing, missing),
                      None, given=headers.get(given, given), missing=missing)
    lat = typed.get("lat", pd.Series(np.nan, index=frame.index)).copy()
    lon = typed.get("lon", pd.Series(np.nan, index=frame.index)).copy()
    if "x" in typed and "y" in typed:
        use = (lat.isna() & typed["x"].notna() & typed["y"].notna()).to_numpy()
        if use.any():
            new_lat, new_lon = geo.rd_to_wgs84(typed["x"][use], typed["y"][use])
            lat[use], lon[use] = new_lat, new_lon
    frame["lat"], frame["lon"] = lat.astype(float), lon.astype(float)


def validate_table(raw: RawTable, col: Collector) -> Typed:
    """Check and convert one raw table; problems go to ``col``.

    The returned frame has every declared column (absent optional columns are
    empty) in schema order, then the extra columns, as text.
    """
    schema = sc.SCHEMAS[raw.table]
    known, extra = _map_headers(raw, col)
    for column in schema.columns:
        if column.required and column.name not in known:
            aliases = ", ".join(column.headers()[1:])
            col.error("column_missing", raw.file, 1, column.name, None, name=column.name,
                      aliases=aliases)
    columns: Sequence[Sequence[str]] = ()
    if raw.encoded is None:  # an encoded table is never ragged (see RawTable.encoded)
        _check_ragged(raw, scan.lengths(raw.rows), col)
        columns = scan.columns(raw.rows)
    headers = {name: raw.header[pos] for name, pos in known.items()}
    typed: dict[str, pd.Series] = {}
    blank: dict[str, np.ndarray] = {}
    encoded: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for header in raw.header:
        code = lim.text_problem(header)
        if code is not None:
            col.error(code, raw.file, 1, None, header)
    for column in schema.columns:
        if column.name in known:
            cells = _cells(raw, known[column.name], columns)
            if column.dtype not in rules.NUMERIC:  # a bad number cell is already number_invalid
                _check_text(raw, headers[column.name], cells, column.dtype in ("id", "ref"), col)
            blank[column.name] = cells.blank
            if cells.codes is not None and cells.distinct is not None and column.dtype in _AS_READ:
                encoded[column.name] = (cells.codes, cells.distinct.values.to_numpy())
            typed[column.name] = _convert_column(raw, column, headers[column.name], cells, col)
    frame = pd.DataFrame(index=pd.RangeIndex(len(raw.rows)))
    for column in schema.columns:
        if column.dtype in ("rd", "lat", "lon"):
            continue
        frame[column.name] = typed.get(column.name, _empty(column, len(raw.rows)))
    if schema.name in ("organisations", "parent_groups"):
        _coordinates(raw, frame, typed, headers, col)
    frame = frame[list(schema.output_columns())]
    if "families" in frame:
        frame["families"] = _families(frame["families"])
    for name, position in extra.items():
        cells = _cells(raw, position, columns)
        frame[name] = cells.values
        _check_text(raw, raw.header[position] or name, cells, False, col)
    numbers = np.asarray(raw.numbers, dtype=int)
    for key in schema.key:
        _check_unique(raw, frame, key, headers.get(key, key), numbers, col)
    return Typed(frame, raw.file, numbers, headers, blank, encoded=encoded)


_AS_READ = ("id", "ref", "text")
"""Column types whose typed values are the text cells themselves (:func:`rules.convert`)."""


def _families(values: pd.Series) -> pd.Series:
    whole = values.where(np.isfinite(values) & (values >= 0) & (np.floor(values) == values))
    return whole.astype("Int64")


def _empty(column: sc.Column, length: int) -> pd.Series:
    if column.dtype in ("score", "count", "lat", "lon", "rd"):
        return pd.Series(np.full(length, np.nan))
    if column.dtype == "list":
        return pd.Series([()] * length, dtype=object)
    return pd.Series([None] * length, dtype=object)


def _check_unique(raw: RawTable, frame: pd.DataFrame, key: str, header: str,
                  numbers: np.ndarray, col: Collector) -> None:
    values = frame[key]
    dup = values.notna() & values.duplicated(keep="first")
    if not dup.any():
        return
    first = {v: numbers[i] for i, v in reversed(list(enumerate(values)))}
    for index in np.flatnonzero(dup.to_numpy()):
        value = values.iloc[index]
        col.error("id_duplicate", raw.file, int(numbers[index]), header, value, first=first[value])


def validate_tables(raws: dict[str, RawTable], hoods: dict[str, Any] | None,
                    col: Collector, source: str = "",
                    encoded: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] | None = None,
                    ) -> dict[str, pd.DataFrame]:
    """Validate each present table and check them against each other.

    Absent optional tables come back empty (with their declared columns); an
    absent required table is an error. Returns the typed frames; whether they
    may be used is decided by ``col.errors``. ``encoded``, when given, receives
    each table's :attr:`Typed.encoded` (the parse worker sends those codes on).
    """
    # A file that could not be read already explains why its table is missing.
    unreadable = bool(col.errors)  # also a file refused at a row (over a limit, bad bytes)
    typed = {name: validate_table(raw, col) for name, raw in raws.items()}
    if encoded is not None:
        encoded.update((name, t.encoded) for name, t in typed.items())
    for name in TABLES:
        if name in typed or unreadable:
            continue
        schema = sc.SCHEMAS[name]
        names = "', '".join((schema.dutch, schema.name))
        if schema.required:
            col.error("table_missing", source, None, None, None, table=table_label(name, col.lang),
                      names=names)
        else:
            col.warning("table_absent", source, None, None, None, table=table_label(name, col.lang))
    _check_refs(typed, col)
    _check_warnings(typed, hoods, col)
    frames = {name: t.frame for name, t in typed.items()}
    for name in TABLES:
        if name not in frames:
            schema = sc.SCHEMAS[name]
            frames[name] = pd.DataFrame(
                {c.name: _empty(c, 0) for c in schema.columns if c.name in schema.output_columns()})
            if "families" in frames[name]:
                frames[name]["families"] = frames[name]["families"].astype("Int64")
    return frames
