"""Loading a district: folders of CSV files, XLSX workbooks, or single files.

Accepts what Dutch offices hand over:

* a folder of CSV files with English or Dutch names (``organisaties.csv``...),
  plus an optional ``wijken.geojson``;
* one XLSX workbook with a sheet per table (English or Dutch sheet names, any
  case), plus an optional GeoJSON beside it;
* individual files, as the upload page passes them (:func:`load_files`).

CSV as Excel and other tools write it: UTF-8 with or without BOM or
Windows-1252; ``,`` ``;`` or tab as delimiter (a decimal comma is read in
``;`` and tab files, as Dutch Excel writes them); CRLF or LF; quoted fields with
line breaks. A file whose name says nothing is recognised by its columns.

Every outcome is a :class:`LoadResult`: a dataset, or the list of problems
that kept it from loading, each naming file, row and column (see
:mod:`mapping.io.validate`). Nothing raises on bad input.

Examples
--------
>>> result = load_path("data/demo")  # doctest: +SKIP
>>> result.ok, result.dataset.counts()  # doctest: +SKIP
(True, {'organisations': 60, ...})
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
import json
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mapping import i18n
from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES, Dataset
from mapping.domain.limits import LIMITS, Amount
from mapping.io import geo
from mapping.io.validate import (
    Collector,
    Issue,
    RawTable,
    issues_frame,
    table_label,
    validate_tables,
)

csv.field_size_limit(2**31 - 1)  # long notes are legitimate; LIMITS.cell_chars is checked per cell

TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
GEO_SUFFIXES = (".geojson", ".json")
_EXPLANATION_SHEETS = frozenset(
    sc.normalise_header(n) for n in ("uitleg", "toelichting", "explanation", "readme", "lees mij",
                                     "instructies", "instructions", "info"))


@dataclass(frozen=True)
class LoadResult:
    """What loading produced.

    Attributes
    ----------
    dataset
        The validated dataset, or ``None`` when there were errors.
    errors
        Problems that kept the data from loading (empty when ``ok``).
    warnings
        Things that loaded but deserve attention.
    counts
        Rows read per table and neighbourhood polygons, also when there were errors.
    """

    dataset: Dataset | None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the data loaded (warnings allowed)."""
        return self.dataset is not None and not self.errors

    @property
    def issues(self) -> pd.DataFrame:
        """Errors then warnings as one table (file, row, column, value, message...)."""
        return issues_frame([*self.errors, *self.warnings])


# --- reading text -------------------------------------------------------------------------


_ASCII = bytes(range(128))
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_ESCAPED = re.compile("[\udc80-\udcff]")


def _decode(name: str, data: bytes, col: Collector) -> tuple[str, bool]:
    """The text of a CSV file, and whether it holds bytes that are not UTF-8.

    UTF-8 (with or without BOM) when it decodes. Otherwise Windows-1252, as
    older Excel writes it, but only when the bytes look like that throughout:
    no byte that Windows-1252 leaves undefined, and fewer valid UTF-8
    sequences than stray high bytes (with some valid ones, a warning names the
    row of the first stray byte). A file that is mostly UTF-8 with a few
    bad bytes is *not* re-decoded (that would garble every é in it): the text
    comes back with the bad bytes escaped (``surrogateescape``) and the flag
    set, so the caller can name the rows and columns that hold them.
    """
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError as exc:
        first = exc.start
    high = data.translate(None, _ASCII)
    sequences = _UTF8_SEQUENCE.findall(data)
    stray = len(high) - sum(len(q) for q in sequences)
    if not (_CP1252_UNDEFINED & set(high)) and len(sequences) < stray:
        text = data.decode("cp1252")
        if sequences:  # some bytes read as UTF-8 too: say which reading was taken, and where
            col.warning("cp1252_assumed", name, text.count("\n", 0, first) + 1)
        return text, False
    return data.decode("utf-8-sig", errors="surrogateescape"), True


# PNG, PDF, GIF, JPEG, old .xls (OLE), gzip, UTF-16 byte-order marks.
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"\x1f\x8b",
                 b"\xff\xfe", b"\xfe\xff")


def _looks_binary(data: bytes) -> bool:
    """Many control bytes (NUL included) at the start: an image, a PDF, UTF-16.

    A few stray control characters are not "binary": they are reported per
    cell, with row and column (see :func:`mapping.io.validate._check_text`).
    """
    head = data[:8192]
    if head.startswith(_BINARY_MAGIC):
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return len(head) >= 256 and control > len(head) // 10


def _delimiter(text: str) -> str:
    """The delimiter of the header line: whichever of ``;`` ``,`` tab occurs most outside quotes."""
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for ch in text[:65536]:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
        elif not quoted and ch in "\r\n":
            break
    best = max(counts, key=lambda k: (counts[k], k == ","))
    return best if counts[best] else ","


class _Bound(Exception):
    """A table beyond :data:`LIMITS`: stop reading at once (caught by the caller)."""

    def __init__(self, code: str, row: int | None, **params: Any) -> None:
        super().__init__(code)
        self.code, self.row, self.params = code, row, params


def _parse_csv(text: str) -> tuple[list[str], list[list[str]], list[int], str]:
    """Header, non-empty data rows, their spreadsheet row numbers, and the delimiter.

    Reading stops with :class:`_Bound` at the first row beyond the row,
    column or cell limit, so a million-row file costs what 200,000 rows cost
    and a 10,000-column header is refused before any cell is kept.
    """
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=False)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    cells = 0
    for number, record in enumerate(reader, start=1):
        if len(record) > LIMITS.columns:
            raise _Bound("limit_columns", number, found=Amount(len(record)),
                         limit=Amount(LIMITS.columns))
        if not "".join(record).strip():
            continue  # an empty line is an empty spreadsheet row, not data
        if header is None:
            header = record
            continue
        if len(rows) >= LIMITS.rows:
            raise _Bound("limit_rows", number, limit=Amount(LIMITS.rows))
        cells += len(record)
        if cells > LIMITS.cells:
            raise _Bound("limit_cells", number, limit=Amount(LIMITS.cells))
        rows.append(record)
        numbers.append(number)
    return header or [], rows, numbers, delimiter


def _csv_table(name: str, data: bytes, col: Collector) -> RawTable | None:
    if not data.strip():
        col.error("file_empty", name)
        return None
    if _looks_binary(data):
        col.error("file_binary", name)
        return None
    text, escaped = _decode(name, data, col)
    try:
        header, rows, numbers, delimiter = _parse_csv(text)
    except _Bound as bound:
        col.error(bound.code, name, bound.row, **bound.params)
        return None
    except csv.Error as exc:
        col.error("file_unreadable", name, detail=str(exc)[:120])
        return None
    if escaped:
        _report_undecodable(name, header, rows, numbers, col)
        return None
    if not header:
        col.error("file_empty", name)
        return None
    header = [h.strip().lstrip("\ufeff") for h in header]
    table = sc.table_for_name(name) or _guess_table(header)
    if table is None:
        col.warning("file_unknown", name, expected=_expected(col.lang))
        return None
    return RawTable(table, name, header, rows, numbers, decimal_comma=delimiter in ";\t")


def _report_undecodable(name: str, header: list[str], rows: list[list[str]],
                        numbers: list[int], col: Collector) -> None:
    """One ``utf8_invalid`` error per cell holding bytes that are not UTF-8 (row and column)."""
    shown = [h.strip().lstrip("\ufeff") for h in header]
    for cells, number in [(header, 1), *zip(rows, numbers, strict=True)]:
        for position, cell in enumerate(cells):
            if _ESCAPED.search(cell):
                column = shown[position] if position < len(shown) else None
                col.error("utf8_invalid", name, number, column or None,
                          _ESCAPED.sub("\ufffd", cell))


def _expected(lang: str) -> str:
    names = [f"{sc.SCHEMAS[t].dutch}/{t}" for t in TABLES]
    return ", ".join([*names, i18n.t("load.neighbourhood_file", lang)])


def _guess_table(header: Sequence[str]) -> str | None:
    """The table whose required columns all appear in ``header`` and that matches most columns."""
    best: tuple[int, str] | None = None
    for name, table in sc.SCHEMAS.items():
        lookup = sc.column_lookup(name)
        found = {lookup[h] for h in (sc.normalise_header(x) for x in header) if h in lookup}
        required = {c.name for c in table.columns if c.required}
        if required <= found and (best is None or len(found) > best[0]):
            best = (len(found), name)
    return best[1] if best else None


# --- reading workbooks --------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A workbook or JSON value as the text a CSV cell would hold (dates as ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# A zip entry this small cannot exhaust memory whatever its ratio; the ratio
# check only matters above it (styles.xml of an empty sheet compresses 50x).
_RATIO_FLOOR = 1024 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
# Cell and row references in the sheet XML: calamine sizes its dense range from the first
# to the last cell, so one cell at A1 and one at XFD1048576 are the same bomb as a declared
# dimension (the 512 GiB allocation of calamine#693).
# In sheet XML only <c> and <row> carry an attribute named plainly "r".
_XML_REF = re.compile(rb"\sr=[\"']\$?([A-Za-z]{0,3})\$?([0-9]{1,7})[\"']")
_SCAN_CHUNK = 1024 * 1024
_TAG = re.compile(rb"<(?:\w+:)?(sheet|Relationship)\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"([\w:]+)\s*=\s*[\"']([^\"']*)[\"']")
_WORKBOOK_XML_BYTES = 4 * 1024 * 1024  # workbook.xml and its rels: a sheet list, never large


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _within(span: tuple[int, int]) -> bool:
    """Whether a sheet of ``(rows, columns)`` is within the limits (the header row extra)."""
    rows, columns = span
    return rows <= LIMITS.rows + 1 and columns <= LIMITS.columns and rows * columns <= LIMITS.cells


def _dimension(ref: str) -> tuple[int, int] | None:
    """Rows and columns spanned by a ``<dimension ref>`` such as ``A1:XFD1048576``."""
    corners = [_CELL_REF.fullmatch(part.strip()) for part in ref.split(":")]
    if not corners or len(corners) > 2 or not all(corners):
        return None
    first, last = corners[0], corners[-1]
    rows = abs(int(last.group(2)) - int(first.group(2))) + 1
    columns = abs(_column_number(last.group(1)) - _column_number(first.group(1))) + 1
    return rows, columns


def _cell_span(stream: Any, head: bytes) -> tuple[int, int] | None:
    """Rows and columns from the first to the last cell referenced in a sheet's XML.

    A streaming scan in chunks of a megabyte (the total is bounded by
    :attr:`Limits.uncompressed_bytes`), with an overlap so that no reference
    is cut in two; only the ``r`` attributes of ``<c>`` and ``<row>`` are read.
    """
    low_row = low_col = 1 << 30
    high_row = high_col = 0
    chunk, tail = head, b""
    while chunk:
        data = tail + chunk
        found = _XML_REF.findall(data)
        if found:
            # Whole-chunk min/max in C: a city's sheet has 350,000 references.
            letters, digits = zip(*found, strict=True)
            rows = list(map(int, digits))
            low_row, high_row = min(low_row, min(rows)), max(high_row, max(rows))
            columns = [_column_number(x.decode("ascii")) for x in set(letters) if x]
            if columns:
                low_col, high_col = min(low_col, min(columns)), max(high_col, max(columns))
        cut = data.rfind(b"<")
        tail = data[cut:] if cut >= 0 and len(data) - cut < 4096 else b""
        chunk = stream.read(_SCAN_CHUNK)
    if not high_row:
        return None
    return high_row - low_row + 1, (high_col - low_col + 1 if high_col else 1)


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part (``xl/worksheets/sheet1.xml``) -> the title the user sees, best effort."""
    def attributes(part: str, tag: bytes) -> list[dict[bytes, str]]:
        try:
            info = archive.getinfo(part)
        except KeyError:
            return []
        if info.file_size > _WORKBOOK_XML_BYTES:
            return []
        with archive.open(info) as stream:
            data = stream.read(_WORKBOOK_XML_BYTES)
        return [{k.split(b":")[-1]: html.unescape(v.decode("utf-8", "replace"))
                 for k, v in _ATTRIBUTE.findall(m.group(2))}
                for m in _TAG.finditer(data) if m.group(1) == tag]

    targets = {r.get(b"Id"): r.get(b"Target", "") for r in
               attributes("xl/_rels/workbook.xml.rels", b"Relationship")}
    titles: dict[str, str] = {}
    for sheet in attributes("xl/workbook.xml", b"sheet"):
        target = targets.get(sheet.get(b"id"))
        if target:
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            titles[part] = sheet.get(b"name", part)
    return titles


def _check_workbook(name: str, data: bytes, col: Collector) -> bool:
    """Whether the workbook is within :data:`LIMITS`, judged from its zip directory alone.

    Runs *before* calamine sees the bytes: calamine trusts a sheet's
    ``<dimension>`` and allocates the whole declared range (A1:XFD1048576 is
    17 billion cells, an abort no Python code can catch; calamine#693), and a
    zip bomb unpacks gigabytes. Only the zip directory and the first
    :attr:`Limits.sheet_head_bytes` of each worksheet are read.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        col.error("file_unreadable", name, detail=type(exc).__name__)
        return False
    if len(infos) > LIMITS.zip_entries:
        col.error("limit_zip_entries", name, found=Amount(len(infos)),
                  limit=Amount(LIMITS.zip_entries))
        return False
    mb = 1024 * 1024
    total = sum(info.file_size for info in infos)
    if total > LIMITS.uncompressed_bytes:
        col.error("limit_uncompressed", name, found=Amount(total / mb),
                  limit=Amount(LIMITS.uncompressed_bytes / mb))
        return False
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > LIMITS.compression_ratio:
            col.error("limit_ratio", name, entry=info.filename, found=Amount(ratio),
                      limit=Amount(LIMITS.compression_ratio))
            return False
    try:
        titles = _sheet_titles(archive)
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with archive.open(info) as stream:
                head = stream.read(LIMITS.sheet_head_bytes)
                found = _DIMENSION.search(head)
                ref = found.group(1).decode("ascii", "replace") if found else None
                span = _dimension(ref) if ref else None
                if span is None or _within(span):
                    # No dimension, or a modest one: the cells themselves decide the range.
                    span, ref = _cell_span(stream, head), None
            if span is not None and not _within(span):
                rows, columns = span
                title = titles.get(info.filename, info.filename)
                label = i18n.t("load.sheet_label", col.lang, name=name, title=title)
                col.error("limit_dimension", label,
                          ref=ref or f"A1:{_column_letters(columns)}{rows}",
                          rows=Amount(rows), columns=Amount(columns),
                          max_rows=Amount(LIMITS.rows), max_columns=Amount(LIMITS.columns),
                          max_cells=Amount(LIMITS.cells))
                return False
    except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError) as exc:
        # RuntimeError: an encrypted entry; the others: a damaged deflate stream.
        col.error("file_unreadable", name, detail=type(exc).__name__)
        return False
    return True


def _workbook_tables(name: str, data: bytes, col: Collector) -> list[RawTable]:
    # calamine (Rust) reads a city-sized workbook about 15x faster than openpyxl.
    from python_calamine import CalamineWorkbook

    if not _check_workbook(name, data, col):
        return []

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(title, book.get_sheet_by_name(title).to_python(skip_empty_area=False))
                  for title in book.sheet_names]
    except Exception as exc:
        col.error("file_unreadable", name, detail=type(exc).__name__)
        return []
    before = len(col.errors)
    tables = [raw for title, rows in sheets
              if (raw := _sheet_table(name, title, rows, col)) is not None]
    if not tables and len(col.errors) == before:  # a sheet over a limit already said why
        col.error("no_tables", name, expected=_expected(col.lang))
    return tables


def _sheet_table(name: str, title: str, values: list[list[Any]],
                 col: Collector) -> RawTable | None:
    label = i18n.t("load.sheet_label", col.lang, name=name, title=title)
    if sc.normalise_header(title) in _EXPLANATION_SHEETS:
        return None
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, row in enumerate(values, start=1):  # skip_empty_area=False: index 0 is row 1
        cells = [cell_text(v) for v in row]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = cells
            while header and not header[-1].strip():
                header.pop()
            continue
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()  # sheets are rectangular: rows are padded to the widest one
        cells += [""] * (len(header) - len(cells))
        rows.append(cells)
        numbers.append(number)
        if len(rows) > LIMITS.rows:  # a sheet without <dimension> gets here; still bounded
            col.error("limit_rows", label, number, limit=Amount(LIMITS.rows))
            return None
    if header is None:
        return None  # an empty sheet is not a table
    if len(header) > LIMITS.columns:
        col.error("limit_columns", label, 1, found=Amount(len(header)),
                  limit=Amount(LIMITS.columns))
        return None
    header = [h.strip() for h in header]
    table = sc.table_for_name(title) or _guess_table(header)
    if table is None:
        col.warning("file_unknown", label, expected=_expected(col.lang))
        return None
    return RawTable(table, label, header, rows, numbers, decimal_comma=False)


# --- assembling ---------------------------------------------------------------------------


def _kind(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if data[:4] == b"PK\x03\x04" or suffix in WORKBOOK_SUFFIXES:
        return "workbook"
    if suffix in GEO_SUFFIXES or (sc.is_neighbourhoods_name(name) and data.lstrip()[:1] == b"{"):
        return "geojson"
    return "table"


def _read(files: Iterable[tuple[str, bytes]], col: Collector
          ) -> tuple[dict[str, RawTable], dict[str, Any] | None]:
    raws: dict[str, RawTable] = {}
    hoods: dict[str, Any] | None = None
    for name, data in files:
        kind = _kind(name, data)
        if kind == "geojson":
            hoods = _neighbourhoods(name, data, col) if hoods is None else hoods
            continue
        found = (_workbook_tables(name, data, col) if kind == "workbook"
                 else [t for t in [_csv_table(name, data, col)] if t is not None])
        for raw in found:
            if raw.table in raws:
                col.error("table_twice", raw.file, table=table_label(raw.table, col.lang),
                          other=raws[raw.table].file)
            else:
                raws[raw.table] = raw
    return raws, hoods


def _neighbourhoods(name: str, data: bytes, col: Collector) -> dict[str, Any] | None:
    collection, problems = geo.read_neighbourhoods(data)
    for p in problems:
        col.error(p.code, name, p.feature or None, p.field or None, p.value or None,
                  number=p.feature, **p.params)
    return collection


def load_files(files: Sequence[tuple[str, bytes]], lang: str = "nl",
               name: str | None = None) -> LoadResult:
    """Load a district from ``(file name, content)`` pairs, as an upload gives them.

    Parameters
    ----------
    files
        CSV files, one XLSX workbook, and optionally a neighbourhoods GeoJSON.
    lang
        Language of the messages: ``nl`` (default) or ``en``.
    name
        Label of the dataset; defaults to the file names.
    """
    col = Collector("en" if lang == "en" else "nl")
    label = name or ", ".join(Path(n).name for n, _ in files) or "upload"
    if not _within_size(label, sum(len(data) for _, data in files), col):
        return LoadResult(None, col.errors, col.warnings)
    try:
        raws, hoods = _read(files, col)
        if not raws and not col.errors:
            col.error("no_tables", label, expected=_expected(col.lang))
            return LoadResult(None, col.errors, col.warnings)
        counts = {t: len(raws[t].rows) if t in raws else 0 for t in TABLES}
        counts["neighbourhoods"] = len((hoods or {}).get("features", []))
        frames = validate_tables(raws, hoods, col, source=label)
    except MemoryError:
        raise  # the parse worker reports it as the memory limit (mapping.io.sandbox)
    except Exception as exc:
        col.error("internal", label, detail=f"{type(exc).__name__}: {exc}"[:200])
        return LoadResult(None, col.errors, col.warnings)
    col.errors.sort(key=_position)
    col.warnings.sort(key=_position)
    col.finish(label)
    if col.errors:
        return LoadResult(None, col.errors, col.warnings, counts)
    dataset = Dataset(**{t: frames[t] for t in TABLES}, neighbourhoods=hoods, name=label)
    return LoadResult(dataset, col.errors, col.warnings, counts)


def _within_size(label: str, size: int, col: Collector) -> bool:
    """Whether ``size`` bytes are within :attr:`Limits.upload_bytes` (else an error)."""
    if size <= LIMITS.upload_bytes:
        return True
    mb = 1024 * 1024
    col.error("limit_bytes", label, found=Amount(size / mb, 1),
              limit=Amount(LIMITS.upload_bytes / mb))
    return False


def _position(issue: Issue) -> tuple[str, int]:
    """Issues in reading order: by file, then row (whole-file problems first)."""
    return issue.file, issue.row or 0


def _folder_paths(folder: Path) -> list[Path]:
    wanted = (*TABLE_SUFFIXES, *WORKBOOK_SUFFIXES, *GEO_SUFFIXES)
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in wanted
                  and not p.name.startswith((".", "~$")))  # hidden files, Excel lock files


def _folder_files(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in _folder_paths(folder)]


def load_path(path: str | Path, lang: str = "nl") -> LoadResult:
    """Load a district from a folder, a workbook or a single file.

    A workbook is combined with a neighbourhoods GeoJSON lying beside it
    (``wijken.geojson``, ``neighbourhoods.geojson``...).
    """
    path = Path(path)
    col = Collector("en" if lang == "en" else "nl")
    try:
        if path.is_dir():
            paths, label = _folder_paths(path), path.name
        elif not path.is_file():
            col.error("path_missing", str(path))
            return LoadResult(None, col.errors, col.warnings)
        else:
            paths, label = [path], path.stem
            if path.suffix.lower() in WORKBOOK_SUFFIXES:
                paths += [p for p in sorted(path.parent.iterdir())
                          if p.suffix.lower() in GEO_SUFFIXES
                          and sc.is_neighbourhoods_name(p.name)]
        # Sizes from the directory first: a 5 GB file is refused without being read.
        if not _within_size(label, sum(p.stat().st_size for p in paths), col):
            return LoadResult(None, col.errors, col.warnings)
        return load_files([(p.name, p.read_bytes()) for p in paths], lang, name=label)
    except OSError as exc:
        col.error("file_unreadable", str(path), detail=exc.strerror or type(exc).__name__)
        return LoadResult(None, col.errors, col.warnings)


# --- command line -------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI: ``python -m mapping validate PATH [--json] [--lang nl|en]``."""
    parser = sub.add_parser(
        "validate", help="check a folder of CSV files or an XLSX workbook",
        description="Exit status: 0 valid (warnings allowed), 1 errors, 2 usage error.")
    parser.add_argument("path", help="folder of CSV files, XLSX workbook or single file")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    return "validate", run_validate


def load_for_command(path: str | Path, lang: str = "nl") -> Dataset | None:
    """Load for a CLI command: the dataset, or ``None`` after printing the problems to stderr.

    Read in the bounded parse worker (:mod:`mapping.io.sandbox`): a file that
    makes a native reader abort or allocate without bound ends in a message,
    not in a dead command.
    """
    from mapping.io.sandbox import load_path_isolated  # imports this module: loaded late

    result = load_path_isolated(path, lang)
    if result.ok:
        return result.dataset
    print(format_result(result, lang), file=sys.stderr)
    return None


def _issue_json(issue: Issue) -> dict[str, Any]:
    return {k: getattr(issue, k) for k in ("file", "row", "column", "value", "message", "code")}


def run_validate(args: argparse.Namespace) -> int:
    """Validate ``args.path``; print JSON or a readable report; 0 valid, 1 errors."""
    from mapping.io.sandbox import load_path_isolated

    result = load_path_isolated(args.path, args.lang)
    counts = result.dataset.counts() if result.dataset is not None else result.counts
    if args.json:
        print(json.dumps({
            "ok": result.ok,
            "counts": counts,
            "errors": [_issue_json(i) for i in result.errors],
            "warnings": [_issue_json(i) for i in result.warnings],
        }, ensure_ascii=False, indent=2))
    else:
        print(format_result(result, args.lang))
    return 0 if result.ok else 1


def format_result(result: LoadResult, lang: str = "nl") -> str:
    """A readable validation report (what ``validate`` prints without ``--json``)."""
    lines: list[str] = []
    if result.ok and result.dataset is not None:
        counts = result.dataset.counts()
        labels = {t: table_label(t, lang) for t in TABLES}
        labels["reach"] = i18n.t("load.reach_links", lang)
        labels["neighbourhoods"] = i18n.t("load.neighbourhoods", lang)
        lines.append(i18n.t("load.valid", lang, counts=", ".join(
            f"{n} {labels[name]}" for name, n in counts.items())))
    else:
        lines.append(i18n.t("load.nothing_loaded", lang, n=len(result.errors)))
    for title, issues in ((i18n.t("load.errors", lang), result.errors),
                          (i18n.t("load.warnings", lang), result.warnings)):
        if issues:
            lines.append(f"\n{title} ({len(issues)}):")
        for i in issues:
            # str(): a row number is shown as it is in the file, without a thousands dot
            where = i.file + (", " + i18n.t("load.row", lang, row=str(i.row)) if i.row else "")
            where += ", " + i18n.t("load.column", lang, column=i.column) if i.column else ""
            value = f" [{i.value}]" if i.value not in (None, "") else ""
            lines.append(f"  {where}{value}: {i.message}")
    return "\n".join(lines)
