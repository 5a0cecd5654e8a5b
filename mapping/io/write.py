"""Writing a district back to files: CSV folders, XLSX workbooks, templates.

Everything written here loads again with :mod:`mapping.io.load` to the same
tables (tested in ``tests/data``):

* :func:`write_csv`: one CSV per table plus the neighbourhoods GeoJSON.
  ``dialect="utf8"`` is the canonical form (``,``, UTF-8 without BOM, LF,
  decimal point); ``dialect="excel-nl"`` is what Dutch Excel writes and opens
  directly (``;``, Windows-1252, decimal comma, CRLF). Windows-1252 cannot hold
  every character (Arabic script, Turkish ``ş``...): such a cell raises
  :class:`UnicodeEncodeError` naming file, row and column rather than being
  silently replaced by ``?``; use ``utf8`` or XLSX for such data.
* :func:`write_xlsx`: one sheet per table. A workbook has no place for
  polygons, so the neighbourhoods go in a GeoJSON file beside it
  (:func:`write_geojson`, or ``geojson=True``); :func:`mapping.io.load.load_path`
  picks that file up when given the workbook.
* :func:`write_templates`: empty CSV templates and an XLSX template with an
  explanation sheet ("Uitleg"), all from :mod:`mapping.domain.schema`.
* :func:`drop_personal`: the dataset without columns that may name people.

List cells (``languages``, ``topics``) are joined with ``|``. Headers and file
names are English (``headers="en"``: ``organisations.csv``, ``lat``) or Dutch
(``headers="nl"``: ``organisaties.csv``, ``breedtegraad``). Extra columns keep
their name in both.

Every CSV and XLSX the project writes (these functions, the page downloads
through :func:`frame_csv_bytes` / :func:`frame_xlsx_bytes`, ``python -m
mapping export``) passes its text cells through :func:`neutralise`: text that
a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return first) gets a leading ``'`` (OWASP ASVS 5.0 1.2.10), and XLSX
cells are always written as values, never as formulas. Numbers stay numbers.
The loader removes that one ``'`` again (:func:`unneutralise`), so a file
written here loads to the same tables.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pandas as pd

from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES, Dataset
from mapping.io.cells import (  # noqa: F401  (re-exported: callers import them from here)
    _ILLEGAL_XLSX,
    FORMULA_PREFIXES,
    _csv_field,
    _encode,
    _is_missing,
    _number_text,
    _xlsx_row,
    _xlsx_value,
    cell_text,
    csv_line,
    neutralise,
    unneutralise,
)
from mapping.io.templates import (  # noqa: F401  (re-exported: callers import them from here)
    TEMPLATE_WORKBOOK,
    _topic_words,
    allowed_values,
    explanation_rows,
    register_templates,
    run_templates,
    template_columns,
    write_templates,
)

PERSONAL_COLUMNS: tuple[str, ...] = ("contact", "reported_by")
"""Columns that may name people; ``export --no-personal`` drops them."""

DIALECTS: tuple[str, ...] = ("utf8", "excel-nl")
"""CSV dialects :func:`write_csv` writes."""

GEOJSON_NAMES: dict[str, str] = {"en": "neighbourhoods.geojson", "nl": "wijken.geojson"}
"""File name of the neighbourhoods GeoJSON, by header language."""


# delimiter, encoding, line end, decimal comma
_DIALECT: dict[str, tuple[str, str, str, bool]] = {
    "utf8": (",", "utf-8", "\n", False),
    "excel-nl": (";", "cp1252", "\r\n", True),
}
_DUTCH_KIND = {"formal": "formeel", "informal": "informeel"}


def drop_personal(dataset: Dataset) -> Dataset:
    """``dataset`` without the columns that may name people (:data:`PERSONAL_COLUMNS`)."""
    return dataset.replace(**{t: dataset.table(t).drop(
        columns=[c for c in PERSONAL_COLUMNS if c in dataset.table(t).columns]) for t in TABLES})


# --------------------------------------------------------------------------- names


def _check_headers(headers: str) -> None:
    if headers not in ("en", "nl"):
        raise ValueError(f"headers must be 'en' or 'nl', not {headers!r}")


def table_file_name(table: str, headers: str = "en") -> str:
    """File (without extension) or sheet name of ``table``: ``organisations`` / ``organisaties``."""
    _check_headers(headers)
    return sc.SCHEMAS[table].name if headers == "en" else sc.SCHEMAS[table].dutch


def localised(frame: pd.DataFrame, headers: str) -> pd.DataFrame:
    """``frame`` with values in the language of the headers.

    With Dutch headers, ``kind`` is written ``formeel``/``informeel`` and
    topics in their Dutch spelling (``opvoeden``); the loader maps both back
    to the canonical values, so a round trip gives the same dataset.
    """
    if headers != "nl":
        return frame
    frame = frame.copy()
    if "kind" in frame.columns:
        frame["kind"] = frame["kind"].map(
            lambda v: _DUTCH_KIND.get(v, v) if isinstance(v, str) else v).astype(object)
    if "topics" in frame.columns:
        from mapping.analysis.topics import TOPICS  # late: keeps this module free of the analysis

        words = dict(zip(TOPICS, _topic_words(), strict=True))
        frame["topics"] = [tuple(words.get(t, t) for t in v) if isinstance(v, tuple) else v
                           for v in frame["topics"]]
    return frame


def header_names(table: str, columns: Sequence[str], headers: str = "en") -> list[str]:
    """Headers for ``columns`` of ``table``: canonical or Dutch; extra columns unchanged."""
    _check_headers(headers)
    if headers == "en":
        return [str(c) for c in columns]
    dutch = {c.name: c.dutch for c in sc.SCHEMAS[table].columns}
    return [dutch.get(str(c), str(c)) for c in columns]


# --------------------------------------------------------------------------- cells


def frame_csv_bytes(frame: pd.DataFrame, *, encoding: str = "utf-8-sig",
                    delimiter: str = ",") -> bytes:
    """Any table (a page's coverage table, a validation report) as a safe CSV download.

    Headers and text cells pass through :func:`neutralise`; numbers stay
    numbers; lists are joined with ``|``; missing values are empty. The
    default UTF-8 with BOM makes Excel read the accents right on a double click.
    """
    lines = [csv_line([neutralise(str(c)) for c in frame.columns], delimiter, "\r\n")]
    for values in frame.itertuples(index=False, name=None):
        lines.append(csv_line([cell_text(v) for v in values], delimiter, "\r\n"))
    return "".join(lines).encode(encoding)


def frame_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Blad1") -> bytes:
    """Any table as a one-sheet XLSX download: values only, never formulas.

    Headers and text cells pass through :func:`neutralise` and are typed as
    text; numbers stay numbers. ``sheet`` is cut to Excel's 31 characters.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    out = book.create_sheet(_sheet_title(sheet))
    out.append(_xlsx_row(out, [str(c) for c in frame.columns]))
    for values in frame.itertuples(index=False, name=None):
        out.append(_xlsx_row(out, values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", str(title)).strip("'") or "Blad1"
    return cleaned[:31]


# --------------------------------------------------------------------------- CSV


def table_csv(dataset: Dataset, table: str, *, dialect: str = "utf8",
              headers: str = "en") -> str:
    """The CSV text of one table (for downloads; :func:`write_csv` writes files)."""
    if dialect not in _DIALECT:
        raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
    delimiter, _encoding, newline, decimal_comma = _DIALECT[dialect]
    frame = localised(dataset.table(table), headers)
    lines = [csv_line([neutralise(h) for h in header_names(table, list(frame.columns), headers)],
                       delimiter, newline)]
    for values in frame.itertuples(index=False, name=None):
        lines.append(csv_line([cell_text(v, decimal_comma) for v in values], delimiter, newline))
    return "".join(lines)


def table_csv_bytes(dataset: Dataset, table: str, *, dialect: str = "utf8",
                    headers: str = "en") -> bytes:
    """:func:`table_csv` encoded as the dialect says (strict; see the module docstring)."""
    text = table_csv(dataset, table, dialect=dialect, headers=headers)
    return _encode(text, _DIALECT[dialect][1], f"{table_file_name(table, headers)}.csv")


def write_csv(dataset: Dataset, folder: str | Path, *, dialect: str = "utf8",
              headers: str = "en") -> list[Path]:
    """Write ``dataset`` as a folder of CSV files (one per table) plus its GeoJSON.

    Parameters
    ----------
    dataset
        The district to write.
    folder
        Created when missing. Existing files of the same names are replaced;
        other files are left alone (so do not mix English and Dutch names in
        one folder: the loader would see each table twice).
    dialect
        ``"utf8"``: ``,``, UTF-8, LF, decimal point. ``"excel-nl"``: ``;``,
        Windows-1252 (strict), decimal comma, CRLF.
    headers
        ``"en"`` canonical headers and file names, ``"nl"`` Dutch ones.

    Returns
    -------
    list of Path
        The files written. Every table is encoded before any file is written,
        so an unencodable cell leaves the folder untouched.
    """
    if dialect not in _DIALECT:
        raise ValueError(f"dialect must be one of {DIALECTS}, not {dialect!r}")
    _check_headers(headers)
    out = Path(folder)
    contents = {f"{table_file_name(t, headers)}.csv":
                table_csv_bytes(dataset, t, dialect=dialect, headers=headers) for t in TABLES}
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in contents.items():
        (out / name).write_bytes(data)
        written.append(out / name)
    if dataset.neighbourhoods is not None:
        written.append(write_geojson(dataset, out / GEOJSON_NAMES[headers]))
    return written


def write_csv_folder(dataset: Dataset, folder: str | Path) -> list[Path]:
    """The canonical CSV folder (UTF-8, English headers); used by ``export``."""
    return write_csv(dataset, folder, dialect="utf8", headers="en")


def write_geojson(dataset: Dataset, path: str | Path) -> Path:
    """Write the neighbourhoods as GeoJSON (UTF-8, as RFC 7946 requires).

    Writes an empty FeatureCollection when the dataset has no neighbourhoods.
    """
    collection = dataset.neighbourhoods or {"type": "FeatureCollection", "features": []}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # one feature per line: readable diffs of the committed demo, compact for big cities
    features = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":"))
                          for f in collection.get("features", []))
    head = {k: v for k, v in collection.items() if k != "features"}
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n' + features + "\n]}\n"
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


# --------------------------------------------------------------------------- XLSX


def write_xlsx(dataset: Dataset, target: str | Path | IO[bytes], headers: str = "nl",
               *, geojson: bool = False) -> Path | None:
    """Write ``dataset`` as one XLSX workbook with a sheet per table.

    Parameters
    ----------
    dataset
        The district to write.
    target
        File path, or a binary stream (for a download button).
    headers
        ``"nl"`` (default) Dutch sheet names and headers, ``"en"`` canonical ones.
    geojson
        Also write the neighbourhoods GeoJSON beside the workbook (a workbook
        cannot hold polygons); only with a path.

    Returns
    -------
    Path or None
        The GeoJSON written, if any.
    """
    from openpyxl import Workbook  # imported late: only workbooks need it

    _check_headers(headers)
    book = Workbook(write_only=True)
    for table in TABLES:
        frame = localised(dataset.table(table), headers)
        sheet = book.create_sheet(table_file_name(table, headers))
        sheet.append(_xlsx_row(sheet, header_names(table, list(frame.columns), headers)))
        for values in frame.itertuples(index=False, name=None):
            sheet.append(_xlsx_row(sheet, values))
    if isinstance(target, (str, Path)):
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
        if geojson and dataset.neighbourhoods is not None:
            return write_geojson(dataset, path.parent / GEOJSON_NAMES[headers])
        return None
    book.save(target)
    return None


def xlsx_bytes(dataset: Dataset, headers: str = "nl") -> bytes:
    """The workbook of :func:`write_xlsx` as bytes (for a download button)."""
    buffer = io.BytesIO()
    write_xlsx(dataset, buffer, headers)
    return buffer.getvalue()
