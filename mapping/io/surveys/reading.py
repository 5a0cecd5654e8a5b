"""Reading an export (CSV or XLSX) into a :class:`~mapping.io.surveys.table.SurveyTable`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mapping.domain import schema as sc
from mapping.domain.limits import LIMITS, Amount
from mapping.io.load import WORKBOOK_SUFFIXES, cell_text, read_csv_rows, read_workbook_sheets
from mapping.io.surveys.catalog import _say
from mapping.io.surveys.formats import _sheet, detect_tool
from mapping.io.surveys.network_canvas import is_network_canvas, read_network_canvas
from mapping.io.surveys.table import SurveyProblem, SurveyTable
from mapping.io.validate import Collector


def _csv_rows(name: str, data: bytes, col: Collector) -> tuple[list[list[str]], list[int]]:
    """Every non-empty row of a CSV export (header first) and its row numbers."""
    read = read_csv_rows(name, data, col)  # the loader's decoding, delimiter and bounds
    if read is None:
        raise SurveyProblem
    header, rows, numbers, _delimiter = read
    return [header, *rows], [max(1, numbers[0] - 1) if numbers else 1, *numbers]


def _workbook_rows(name: str, data: bytes, col: Collector
                   ) -> list[tuple[str, list[list[str]], list[int]]]:
    """Every sheet of an XLSX export: title, non-empty rows as text, their row numbers."""
    sheets = read_workbook_sheets(name, data, col)
    if sheets is None:
        raise SurveyProblem
    out = []
    for title, values in sheets:
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, row in enumerate(values, start=1):
            cells = [cell_text(v) for v in row]
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > LIMITS.columns and any(c.strip() for c in cells[LIMITS.columns:]):
                col.error("limit_columns", f"{name}, {title}", number, found=Amount(len(cells)),
                          limit=Amount(LIMITS.columns))
                raise SurveyProblem
            if len(rows) > LIMITS.rows:
                col.error("limit_rows", f"{name}, {title}", number, limit=Amount(LIMITS.rows))
                raise SurveyProblem
            rows.append(cells[:LIMITS.columns])
            numbers.append(number)
        if rows:
            while rows[0] and not rows[0][-1].strip():
                rows[0].pop()
            width = len(rows[0])
            rows = [r[:width] for r in rows]
            out.append((title, rows, numbers))
    return out


def read_survey(name: str, data: bytes, lang: str = "nl"
                ) -> tuple[SurveyTable | None, Collector]:
    """Read one export (CSV or XLSX) into a :class:`SurveyTable`.

    Sizes, rows, columns and cells are bounded by :data:`LIMITS` before and
    while reading; bytes are decoded as :mod:`mapping.io.load` decodes them.
    Returns ``(None, collector)`` when the file cannot be read (the collector
    says why, with file and row).
    """
    col = Collector("en" if lang == "en" else "nl")
    label = Path(name).name
    if len(data) > LIMITS.upload_bytes:
        mb = 1024 * 1024
        col.error("limit_bytes", label, found=Amount(len(data) / mb, 1),
                  limit=Amount(LIMITS.upload_bytes / mb))
        return None, col
    try:
        if data[:4] == b"PK\x03\x04" or Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = _workbook_rows(label, data, col)
        else:
            rows, numbers = _csv_rows(label, data, col)
            sheets = [("", rows, numbers)]
    except SurveyProblem:
        return None, col
    if not sheets or len(sheets[0][1]) < 2:
        col.error("file_empty", label)
        return None, col
    _title, rows, _numbers = sheets[0]
    tool = detect_tool(rows[0], rows[1] if len(rows) > 1 else (), rows[2] if len(rows) > 2 else ())
    multi = len(sheets) > 1
    main = _sheet(tool, sheets[0][0] if multi else "", label if not multi
                  else f"{label}, {sheets[0][0]}", rows, sheets[0][2])
    repeats = []
    for title, srows, snumbers in sheets[1:]:
        if any(sc.normalise_header(h) == "parentindex" for h in srows[0]):
            repeats.append(_sheet("kobo" if tool == "kobo" else tool, title, f"{label}, {title}",
                                  srows, snumbers))
    if not main.rows:
        col.error("file_empty", label)
        return None, col
    return SurveyTable(tool, label, main, repeats), col



def read_surveys(files: Sequence[tuple[str, bytes]], lang: str = "nl"
                 ) -> tuple[SurveyTable | None, Collector]:
    """One export, or the CSV files of several Network Canvas interviews, as one table."""
    if is_network_canvas(files):
        return read_network_canvas(files, lang)
    if len(files) == 1:
        return read_survey(files[0][0], files[0][1], lang)
    col = Collector("en" if lang == "en" else "nl")
    _say(col, "error", "several_files", ", ".join(Path(n).name for n, _ in files)[:200], None,
         None, n=len(files))
    return None, col
