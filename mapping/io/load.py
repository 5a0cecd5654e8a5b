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
A plain UTF-8 or Windows-1252 CSV file is parsed by pyarrow and validated once
per distinct cell text (:mod:`mapping.io.arrow_csv`); any other file by Python's
:mod:`csv` module, with the same issues and tables either way.

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
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mapping import i18n
from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES, Dataset
from mapping.domain.limits import LIMITS, Amount
from mapping.io.column_scan import collection_paused
from mapping.io.text_files import (  # noqa: F401  (re-exported: callers import them from here)
    _Bound,
    _csv_table,
    _decode,
    _delimiter,
    _expected,
    _guess_table,
    _looks_binary,
    _parse_csv,
    _report_undecodable,
    read_csv_rows,
)
from mapping.io.validate import (
    Collector,
    Issue,
    RawTable,
    issues_frame,
    table_label,
    validate_tables,
)
from mapping.io.workbooks import (  # noqa: F401  (re-exported: callers import them from here)
    _cell_span,
    _check_workbook,
    _workbook_tables,
    cell_text,
    read_workbook_sheets,
)
from mapping.io.worker_process import (
    add_max_rows_option,
    apply_max_rows,
)

TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
GEO_SUFFIXES = (".geojson", ".json")


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
    from mapping.io import geo  # late: pyproj costs 70 ms that commands reading no GeoJSON skip

    collection, problems = geo.read_neighbourhoods(data)
    for p in problems:
        col.error(p.code, name, p.feature or None, p.field or None, p.value or None,
                  number=p.feature, **p.params)
    return collection


TextCodes = dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]
"""Table -> text column -> ``(codes, values)``: per row the index of its cell among the
column's distinct texts as read, and each one's value in the dataset (``None``: empty;
two texts may repair to one value). Only for the columns of files the fast CSV reader
read (:attr:`mapping.io.validate.Typed.encoded`)."""


def load_files(files: Sequence[tuple[str, bytes]], lang: str = "nl",
               name: str | None = None, *, text_codes: TextCodes | None = None) -> LoadResult:
    """Load a district from ``(file name, content)`` pairs, as an upload gives them.

    Parameters
    ----------
    files
        CSV files, one XLSX workbook, and optionally a neighbourhoods GeoJSON.
    lang
        Language of the messages: ``nl`` (default) or ``en``.
    name
        Label of the dataset; defaults to the file names.
    text_codes
        When given, receives the dictionary codes of the text columns the reader
        already had (:data:`TextCodes`), so the parse worker's answer
        (:mod:`mapping.io.worker_answer`) need not hash every cell again.
    """
    col = Collector("en" if lang == "en" else "nl")
    label = name or ", ".join(Path(n).name for n, _ in files) or "upload"
    if not _within_size(label, sum(len(data) for _, data in files), col):
        return LoadResult(None, col.errors, col.warnings)
    try:
        with collection_paused():  # a million row lists, no cycles: see collection_paused
            raws, hoods = _read(files, col)
            if not raws and not col.errors:
                col.error("no_tables", label, expected=_expected(col.lang))
                return LoadResult(None, col.errors, col.warnings)
            counts = {t: len(raws[t].rows) if t in raws else 0 for t in TABLES}
            counts["neighbourhoods"] = len((hoods or {}).get("features", []))
            frames = validate_tables(raws, hoods, col, source=label, encoded=text_codes)
            del raws  # the text cells are garbage now: free them before the frames are used
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


def load_path(path: str | Path, lang: str = "nl", *,
              text_codes: TextCodes | None = None) -> LoadResult:
    """Load a district from a folder, a workbook or a single file.

    A workbook is combined with a neighbourhoods GeoJSON lying beside it
    (``wijken.geojson``, ``neighbourhoods.geojson``...). ``text_codes``: as
    :func:`load_files`.
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
        return load_files([(p.name, p.read_bytes()) for p in paths], lang, name=label,
                          text_codes=text_codes)
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
    add_max_rows_option(parser)
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

    if not apply_max_rows(args, args.lang):
        return 2
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
