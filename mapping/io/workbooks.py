"""Reading XLSX workbooks: sheet titles, zip-bomb and dimension checks, cells as CSV text.

Split from :mod:`mapping.io.load` (which still exports these names).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from typing import Any

from mapping import i18n
from mapping.domain import schema as sc
from mapping.domain.limits import LIMITS, Amount
from mapping.io.text_files import (
    _expected,
    _guess_table,
)
from mapping.io.validate import (
    Collector,
    RawTable,
)

_EXPLANATION_SHEETS = frozenset(
    sc.normalise_header(n) for n in ("uitleg", "toelichting", "explanation", "readme", "lees mij",
                                     "instructies", "instructions", "info"))


def cell_text(value: Any) -> str:
    """A workbook or JSON value as the text a CSV cell would hold (dates as ISO dates)."""
    if type(value) is str:  # most cells: skip the checks below (350,000 cells in a city)
        return value
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


def read_workbook_sheets(name: str, data: bytes, col: Collector
                         ) -> list[tuple[str, list[list[Any]]]] | None:
    """Every sheet of a workbook as ``(title, values)``, after the size checks.

    The one workbook opener of every table reader; ``None`` when the workbook
    is refused or unreadable (``col`` says why).
    """
    # calamine (Rust) reads a city-sized workbook about 15x faster than openpyxl.
    from python_calamine import CalamineWorkbook

    if not _check_workbook(name, data, col):
        return None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [(title, book.get_sheet_by_name(title).to_python(skip_empty_area=False))
                for title in book.sheet_names]
    except Exception as exc:
        col.error("file_unreadable", name, detail=type(exc).__name__)
        return None


def _workbook_tables(name: str, data: bytes, col: Collector) -> list[RawTable]:
    sheets = read_workbook_sheets(name, data, col)
    if sheets is None:
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
