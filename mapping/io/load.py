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
import io
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES, Dataset
from mapping.io import geo
from mapping.io.validate import (
    Collector,
    Issue,
    RawTable,
    issues_frame,
    table_label,
    validate_tables,
)

csv.field_size_limit(2**31 - 1)  # long notes with line breaks are legitimate cells

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


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252 as Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps them so no byte is lost.
        return data.decode("latin-1")


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > max(2, len(head) // 100)


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


def _parse_csv(text: str) -> tuple[list[str], list[list[str]], list[int], str]:
    """Header, non-empty data rows, their spreadsheet row numbers, and the delimiter."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=False)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, record in enumerate(reader, start=1):
        if not any(cell.strip() for cell in record):
            continue  # an empty line is an empty spreadsheet row, not data
        if header is None:
            header = record
            continue
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
    header, rows, numbers, delimiter = _parse_csv(_decode(data))
    if not header:
        col.error("file_empty", name)
        return None
    header = [h.strip().lstrip("\ufeff") for h in header]
    table = sc.table_for_name(name) or _guess_table(header)
    if table is None:
        col.warning("file_unknown", name, expected=_expected(col.lang))
        return None
    return RawTable(table, name, header, rows, numbers, decimal_comma=delimiter in ";\t")


def _expected(lang: str) -> str:
    names = [f"{sc.SCHEMAS[t].dutch}/{t}" for t in TABLES]
    return ", ".join(names) + (", wijken.geojson" if lang != "en" else ", neighbourhoods.geojson")


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


def _cell_text(value: Any) -> str:
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


def _workbook_tables(name: str, data: bytes, col: Collector) -> list[RawTable]:
    # calamine (Rust) reads a city-sized workbook about 15x faster than openpyxl.
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(title, book.get_sheet_by_name(title).to_python(skip_empty_area=False))
                  for title in book.sheet_names]
    except Exception as exc:
        col.error("file_unreadable", name, detail=type(exc).__name__)
        return []
    tables = [raw for title, rows in sheets
              if (raw := _sheet_table(name, title, rows, col)) is not None]
    if not tables:
        col.error("no_tables", name, expected=_expected(col.lang))
    return tables


def _sheet_table(name: str, title: str, values: list[list[Any]],
                 col: Collector) -> RawTable | None:
    label = f"{name}, blad {title}" if col.lang != "en" else f"{name}, sheet {title}"
    if sc.normalise_header(title) in _EXPLANATION_SHEETS:
        return None
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, row in enumerate(values, start=1):  # skip_empty_area=False: index 0 is row 1
        cells = [_cell_text(v) for v in row]
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
    if header is None:
        return None  # an empty sheet is not a table
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
    try:
        raws, hoods = _read(files, col)
        if not raws and not col.errors:
            col.error("no_tables", label, expected=_expected(col.lang))
            return LoadResult(None, col.errors, col.warnings)
        counts = {t: len(raws[t].rows) if t in raws else 0 for t in TABLES}
        counts["neighbourhoods"] = len((hoods or {}).get("features", []))
        frames = validate_tables(raws, hoods, col, source=label)
    except Exception as exc:
        col.error("internal", label, detail=f"{type(exc).__name__}: {exc}"[:200])
        return LoadResult(None, col.errors, col.warnings)
    col.errors.sort(key=_position)
    col.warnings.sort(key=_position)
    if col.errors:
        return LoadResult(None, col.errors, col.warnings, counts)
    dataset = Dataset(**{t: frames[t] for t in TABLES}, neighbourhoods=hoods, name=label)
    return LoadResult(dataset, col.errors, col.warnings, counts)


def _position(issue: Issue) -> tuple[str, int]:
    """Issues in reading order: by file, then row (whole-file problems first)."""
    return issue.file, issue.row or 0


def _folder_files(folder: Path) -> list[tuple[str, bytes]]:
    wanted = (*TABLE_SUFFIXES, *WORKBOOK_SUFFIXES, *GEO_SUFFIXES)
    paths = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() in wanted
                   and not p.name.startswith((".", "~$")))  # hidden files, Excel lock files
    return [(p.name, p.read_bytes()) for p in paths]


def load_path(path: str | Path, lang: str = "nl") -> LoadResult:
    """Load a district from a folder, a workbook or a single file.

    A workbook is combined with a neighbourhoods GeoJSON lying beside it
    (``wijken.geojson``, ``neighbourhoods.geojson``...).
    """
    path = Path(path)
    col = Collector("en" if lang == "en" else "nl")
    try:
        if path.is_dir():
            return load_files(_folder_files(path), lang, name=path.name)
        if not path.is_file():
            col.error("path_missing", str(path))
            return LoadResult(None, col.errors, col.warnings)
        files = [(path.name, path.read_bytes())]
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            files += [(p.name, p.read_bytes()) for p in sorted(path.parent.iterdir())
                      if p.suffix.lower() in GEO_SUFFIXES and sc.is_neighbourhoods_name(p.name)]
        return load_files(files, lang, name=path.stem)
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
    """Load for a CLI command: the dataset, or ``None`` after printing the problems to stderr."""
    result = load_path(path, lang)
    if result.ok:
        return result.dataset
    print(format_result(result, lang), file=sys.stderr)
    return None


def _issue_json(issue: Issue) -> dict[str, Any]:
    return {k: getattr(issue, k) for k in ("file", "row", "column", "value", "message", "code")}


def run_validate(args: argparse.Namespace) -> int:
    """Validate ``args.path``; print JSON or a readable report; 0 valid, 1 errors."""
    result = load_path(args.path, args.lang)
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
    en = lang == "en"
    lines: list[str] = []
    if result.ok and result.dataset is not None:
        counts = result.dataset.counts()
        labels = {t: table_label(t, lang) for t in TABLES}
        labels["reach"] = "reach links" if en else "bereiklijnen"
        labels["neighbourhoods"] = "neighbourhoods" if en else "wijken"
        lines.append(("Valid: " if en else "Geldig: ") + ", ".join(
            f"{n} {labels[name]}" for name, n in counts.items()))
    else:
        lines.append(f"{len(result.errors)} " + ("errors; nothing loaded." if en
                                                  else "fouten; niets geladen."))
    for title, issues in (("Errors" if en else "Fouten", result.errors),
                          ("Warnings" if en else "Waarschuwingen", result.warnings)):
        if issues:
            lines.append(f"\n{title} ({len(issues)}):")
        for i in issues:
            where = i.file + (f", {'row' if en else 'rij'} {i.row}" if i.row else "")
            where += f", {'column' if en else 'kolom'} {i.column}" if i.column else ""
            value = f" [{i.value}]" if i.value not in (None, "") else ""
            lines.append(f"  {where}{value}: {i.message}")
    return "\n".join(lines)
