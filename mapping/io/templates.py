"""Empty templates to fill in: columns, allowed values, explanation sheet, Excel validation.

Split from :mod:`mapping.io.write` (which still exports these names).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES
from mapping.io.cells import (
    _encode,
    csv_line,
    neutralise,
)

TEMPLATE_WORKBOOK = "wijknetwerk-sjabloon.xlsx"
"""File name of the XLSX template written by :func:`write_templates`."""


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
