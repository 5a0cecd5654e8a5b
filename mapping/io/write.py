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

import argparse
import io
import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import pandas as pd

from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES, Dataset

PERSONAL_COLUMNS: tuple[str, ...] = ("contact", "reported_by")
"""Columns that may name people; ``export --no-personal`` drops them."""

DIALECTS: tuple[str, ...] = ("utf8", "excel-nl")
"""CSV dialects :func:`write_csv` writes."""

GEOJSON_NAMES: dict[str, str] = {"en": "neighbourhoods.geojson", "nl": "wijken.geojson"}
"""File name of the neighbourhoods GeoJSON, by header language."""

TEMPLATE_WORKBOOK = "wijknetwerk-sjabloon.xlsx"
"""File name of the XLSX template written by :func:`write_templates`."""

# delimiter, encoding, line end, decimal comma
_DIALECT: dict[str, tuple[str, str, str, bool]] = {
    "utf8": (",", "utf-8", "\n", False),
    "excel-nl": (";", "cp1252", "\r\n", True),
}
_DUTCH_KIND = {"formal": "formeel", "informal": "informeel"}
# Characters an XLSX cell cannot hold (XML 1.0 control characters).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

FORMULA_PREFIXES: frozenset[str] = frozenset("=+-@\t\r\n")
"""First characters that make Excel, LibreOffice or Google Sheets evaluate a cell.

OWASP names ``= + - @``, tab and carriage return; a line feed is added because
a workbook's XML turns a carriage return into one, so ``'\r=1`` reads back as
``'\n=1`` and must still lose its apostrophe."""


def neutralise(value: Any) -> Any:
    """A cell that no spreadsheet will run as a formula (OWASP ASVS 5.0 1.2.10).

    The rule, used by every CSV and XLSX writer of the project:

    * Text whose first character is ``=``, ``+``, ``-``, ``@``, a tab, a
      carriage return or a line feed gets a leading apostrophe: ``=1+1`` is written
      ``'=1+1``, which every spreadsheet shows as the text ``=1+1``.
    * Text that already begins with apostrophes *followed by* such a
      character gets one more (``'=1`` is written ``''=1``), so
      :func:`unneutralise` can always take exactly one away and the round
      trip is exact. Other text starting with an apostrophe (``'s-Hertogenbosch``)
      is left alone.
    * Anything that is not a ``str`` (int, float, bool, None) is returned
      unchanged: a negative number stays the number ``-2``, never the text
      ``'-2``. Numbers are therefore neutralised *before* they become text.

    Parameters
    ----------
    value
        One cell value.

    Returns
    -------
    Any
        ``value``, or ``"'" + value`` for text that needs it.
    """
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_PREFIXES:
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The inverse of :func:`neutralise` for text read back from a file.

    Removes one leading apostrophe when the text after the apostrophes
    begins with a formula character; any other text is returned as it is
    (``'s-Hertogenbosch`` keeps its apostrophe).
    """
    if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_PREFIXES:
        return text[1:]
    return text


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


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _number_text(value: float, decimal_comma: bool) -> str:
    """A number as the shortest text that reads back to the same float."""
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return text.replace(".", ",") if decimal_comma else text


def cell_text(value: Any, decimal_comma: bool = False) -> str:
    """One cell as CSV text: lists joined with ``|``, missing values empty.

    Text is passed through :func:`neutralise`; numbers are written as numbers.
    """
    if isinstance(value, (tuple, list)):
        return neutralise(sc.LIST_SEPARATOR.join(str(v) for v in value))
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar -> Python scalar
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value, decimal_comma)
    return neutralise(str(value))


def _xlsx_value(value: Any) -> Any:
    """One cell for openpyxl: numbers stay numbers, lists joined, missing values empty.

    Text loses the characters XML cannot hold *before* :func:`neutralise`
    looks at it (``"\x00=1"`` would otherwise become the formula ``=1``).
    """
    if isinstance(value, (tuple, list)):
        value = sc.LIST_SEPARATOR.join(str(v) for v in value)
    if _is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, (bool, int, float)):
        if isinstance(value, float) and math.isinf(value):
            return str(value)  # a workbook cannot hold infinity
        return value
    return neutralise(_ILLEGAL_XLSX.sub("", str(value)))


def _xlsx_row(sheet: Any, values: Sequence[Any]) -> list[Any]:
    """One row for a write-only sheet: every text cell typed as text, never a formula.

    openpyxl stores a string beginning with ``=`` as a formula and any other
    string as text. :func:`neutralise` leaves no string beginning with ``=``;
    should one ever get here, its cell is typed ``"s"`` (a value) explicitly.
    (Typing every cell that way would cost a fifth more time on a city.)
    """
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for v in values:
        value = _xlsx_value(v)
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def _csv_field(text: str, delimiter: str) -> str:
    """One CSV field, quoted when it holds the delimiter, a quote or a line break.

    Like :mod:`csv` with ``QUOTE_MINIMAL``, except that a lone carriage return
    is quoted too (the :mod:`csv` writer only quotes the characters of its
    line terminator, so ``\r=1`` would split the row in the UTF-8 dialect).
    """
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(fields: Sequence[str], delimiter: str, newline: str) -> str:
    """One CSV row of already neutralised text fields (see :func:`_csv_field` for quoting)."""
    if len(fields) == 1 and fields[0] == "":
        return '""' + newline  # a lone empty field must not read as an empty line
    return delimiter.join(_csv_field(f, delimiter) for f in fields) + newline


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


def _encode(text: str, encoding: str, file: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        # Say where the character is, so the user can fix or choose UTF-8.
        line = text.count("\n", 0, exc.start) + 1
        exc.add_note(f"{file}, row {line}: {text[exc.start:exc.end]!r} cannot be written as "
                     f"{encoding}; write UTF-8 or XLSX instead")
        raise


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


# --------------------------------------------------------------------------- templates


def template_columns(table: str) -> list[sc.Column]:
    """Columns of a template: every declared column except the RD alternatives ``x``/``y``.

    RD coordinates are explained on the "Uitleg" sheet; a template with both
    coordinate systems invites filling in both.
    """
    return [c for c in sc.SCHEMAS[table].columns if c.dtype != "rd"]


def _topic_words() -> list[str]:
    """The topics in Dutch spelling (the first Dutch alias of each canonical key)."""
    from mapping.analysis.topics import TOPICS

    words = []
    for key in TOPICS:
        # "school" is Dutch already; every other key's first alias is its Dutch word
        dutch = key if key == "school" else next(
            (alias for alias, target in sc.TOPIC_ALIASES.items() if target == key), key)
        words.append(dutch)
    return words


def allowed_values(table: str, column: sc.Column) -> str:
    """Plain Dutch description of what a column accepts (for the "Uitleg" sheet)."""
    if column.dtype == "id":
        return "tekst of getal, uniek in dit tabblad"
    if column.dtype == "ref":
        target = sc.SCHEMAS[column.refers_to or "organisations"].dutch
        return f"een id uit het tabblad {target}"
    if column.dtype == "kind":
        return "formeel of informeel"
    if column.dtype == "category":
        return ", ".join(sc.CATEGORIES) + " (andere woorden worden bewaard, met een waarschuwing)"
    if column.dtype == "score":
        return "getal van 1 tot 5, decimalen toegestaan (3,5)"
    if column.dtype == "count":
        return "heel getal, 0 of meer"
    if column.dtype in ("lat", "lon", "rd"):
        return f"getal van {column.minimum:g} tot {column.maximum:g}"
    if column.dtype == "list":
        if column.name == "topics":
            return "meerdere, gescheiden door |: " + ", ".join(_topic_words())
        return "meerdere, gescheiden door | (bijvoorbeeld Arabisch|Nederlands)"
    return "vrije tekst"


_INTRO: tuple[str, ...] = (
    "Sjabloon Wijknetwerk: wie bereikt welke oudergroepen in de wijk?",
    "",
    "Vul per tabblad één rij per organisatie, oudergroep, bereik of samenwerking in. "
    "De eerste rij (de koppen) niet veranderen; extra kolommen mogen en worden bewaard.",
    "Verplichte kolommen moeten in elke rij een waarde hebben. Lijsten (talen, thema's) "
    "scheiden met |.",
    "Locatie: breedtegraad/lengtegraad (WGS84), of in plaats daarvan kolommen x en y in "
    "RD-coördinaten (meters).",
    "Wijkgrenzen passen niet in een werkmap: lever ze als GeoJSON-bestand (wijken.geojson, "
    "bijvoorbeeld van CBS met BU_CODE/BU_NAAM) naast dit bestand.",
    "Privacy: nooit individuele ouders; sleutelfiguren als rol; contactpersoon en 'gemeld door' "
    "zijn optioneel en kunnen bij export worden weggelaten.",
    "Controleren: python -m mapping validate <dit bestand>",
    "",
)


def explanation_rows() -> list[list[str]]:
    """Rows of the "Uitleg" sheet: one per column of every table, from the schema."""
    rows = [["Tabblad", "Kolom", "Verplicht", "Toegestane waarden", "Uitleg",
             "Ook herkend als"]]
    for table in TABLES:
        schema = sc.SCHEMAS[table]
        for column in schema.columns:
            rows.append([schema.dutch, column.dutch, "ja" if column.required else "nee",
                         allowed_values(table, column), column.help_nl,
                         ", ".join(h for h in column.headers() if h != column.dutch)])
    return rows


def write_templates(folder: str | Path) -> list[Path]:
    """Write empty templates with Dutch headers to ``folder``.

    One header-only CSV per table (Dutch Excel dialect: ``;``, Windows-1252,
    CRLF, so that a double click opens it in columns) and
    :data:`TEMPLATE_WORKBOOK` with a sheet per table and an "Uitleg" sheet
    that the loader skips. Returns the files written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        headers = [c.dutch for c in template_columns(table)]
        text = csv_line([neutralise(h) for h in headers], ";", "\r\n")
        path = out / f"{sc.SCHEMAS[table].dutch}.csv"
        path.write_bytes(_encode(text, "cp1252", path.name))
        written.append(path)

    book = Workbook()
    info = book.active
    info.title = "Uitleg"
    for line in _INTRO:
        info.append([neutralise(line)])
    info["A1"].font = Font(bold=True, size=14)
    first = len(_INTRO) + 1
    for row in explanation_rows():
        info.append([neutralise(c) for c in row])
    for cell in info[first]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (16, 22, 10, 48, 60, 48), strict=True):
        info.column_dimensions[letter].width = width
    for row in info.iter_rows(min_row=first + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    for table in TABLES:
        sheet = book.create_sheet(sc.SCHEMAS[table].dutch)
        columns = template_columns(table)
        sheet.append([neutralise(c.dutch) for c in columns])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = max(14, len(column.dutch) + 4)
            check = _validation(column, DataValidation)
            if check is not None:
                sheet.add_data_validation(check)
                check.add(f"{letter}2:{letter}2000")
    path = out / TEMPLATE_WORKBOOK
    book.save(path)
    written.append(path)
    return written


def _validation(column: sc.Column, factory: Any) -> Any:
    """An Excel input check for a template column (a warning, never a hard stop)."""
    if column.dtype == "kind":
        check = factory(type="list", formula1='"formeel,informeel"', allow_blank=True)
    elif column.dtype == "category":
        check = factory(type="list", formula1='"' + ",".join(sc.CATEGORIES) + '"',
                        allow_blank=True)
    elif column.dtype == "score":
        check = factory(type="decimal", operator="between", formula1="1", formula2="5",
                        allow_blank=True)
    elif column.dtype == "count":
        check = factory(type="whole", operator="greaterThanOrEqual", formula1="0",
                        allow_blank=True)
    else:
        return None
    # Excel's "warning" style lets people keep another value (the loader decides).
    check.errorStyle = "warning"
    check.showErrorMessage = True
    check.error = allowed_values("", column)
    check.errorTitle = column.dutch
    return check


# --------------------------------------------------------------------------- CLI


def register_templates(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI registrar: ``templates --out DIR``."""
    parser = sub.add_parser("templates", help="write empty CSV and XLSX templates (Dutch)")
    parser.add_argument("--out", required=True, help="folder to write")
    return "templates", run_templates


def run_templates(args: argparse.Namespace) -> int:
    """Run ``templates``: exit 1 when the folder cannot be written."""
    try:
        written = write_templates(args.out)
    except OSError as exc:
        print(f"cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0
