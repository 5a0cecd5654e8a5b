"""Problems in the input: the :class:`Issue` type, its message catalog and the :class:`Collector`.

Split from :mod:`mapping.io.validate` (which still exports these names). The
``MESSAGES`` catalog of file problems lives here, in one piece.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from mapping.domain import limits as lim
from mapping.domain import rules
from mapping.domain.limits import LIMITS

ERROR = "error"
WARNING = "warning"

ISSUE_COLUMNS: tuple[str, ...] = ("severity", "file", "row", "column", "value", "message", "code")
"""Columns of the issue table shown and downloaded on the data page."""

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (Dutch, English). Parameters in braces.
    "path_missing": ("Bestand of map bestaat niet.", "File or folder does not exist."),
    "file_unreadable": ("Kan het bestand niet lezen: {detail}.", "Cannot read the file: {detail}."),
    "file_empty": ("Het bestand is leeg.", "The file is empty."),
    "file_binary": ("Dit is geen CSV-bestand, Excel-werkmap of GeoJSON.",
                    "This is not a CSV file, Excel workbook or GeoJSON file."),
    "file_unknown": ("Niet geladen: uit de naam en de kolommen blijkt niet welke tabel dit is "
                     "(verwacht: {expected}).",
                     "Not loaded: neither the name nor the columns say which table this is "
                     "(expected: {expected})."),
    "no_tables": ("Geen tabellen gevonden (verwacht: {expected}).",
                  "No tables found (expected: {expected})."),
    "table_missing": ("De tabel {table} ontbreekt (bestand of blad '{names}').",
                      "The table {table} is missing (file or sheet '{names}')."),
    "table_absent": ("Geen tabel {table}: die wordt als leeg beschouwd.",
                     "No {table} table: it is taken as empty."),
    "table_twice": ("De tabel {table} staat er twee keer in (ook in {other}).",
                    "The table {table} appears twice (also in {other})."),
    "column_missing": ("Verplichte kolom '{name}' ontbreekt (ook goed als kop: {aliases}).",
                       "Required column '{name}' is missing "
                       "(also accepted as header: {aliases})."),
    "column_twice": ("De kolom '{name}' staat er twee keer in (kolom {first} en {second}).",
                     "The column '{name}' appears twice (columns {first} and {second})."),
    "column_unnamed": ("Kolom {position} heeft geen kop maar wel waarden; bewaard als '{name}'.",
                       "Column {position} has values but no header; kept as '{name}'."),
    "row_ragged": ("Deze rij heeft {found} waarden, de kopregel heeft er {expected}.",
                   "This row has {found} values; the header row has {expected}."),
    "id_duplicate": ("Id '{value}' komt vaker voor (eerst in rij {first}).",
                     "Id '{value}' appears more than once (first in row {first})."),
    "unknown_organisation": ("Organisatie '{value}' staat niet in de organisaties.",
                             "Organisation '{value}' is not in the organisations."),
    "unknown_group": ("Oudergroep '{value}' staat niet in de oudergroepen.",
                      "Parent group '{value}' is not in the parent groups."),
    "org_no_location": ("Organisatie zonder coördinaten: staat niet als punt op de kaart.",
                        "Organisation without coordinates: not shown as a point on the map."),
    "group_no_families": ("Aantal gezinnen onbekend: telt niet mee in de weging naar gezinnen.",
                          "Number of families unknown: not counted when weighting by families."),
    "self_collaboration": ("Samenwerking van een organisatie met zichzelf; telt niet mee.",
                           "Collaboration of an organisation with itself; ignored."),
    "org_isolated": ("Organisatie bereikt geen oudergroep en werkt met niemand samen.",
                     "Organisation reaches no parent group and works with nobody."),
    "neighbourhood_unknown": ("Wijk '{value}' staat niet in het wijkenbestand.",
                              "Neighbourhood '{value}' is not in the neighbourhoods file."),
    "geojson_invalid": ("Geen geldige GeoJSON: {detail}.", "Not valid GeoJSON: {detail}."),
    "geojson_not_collection": ("GeoJSON zonder lijst 'features' (FeatureCollection verwacht).",
                               "GeoJSON without a 'features' list (FeatureCollection expected)."),
    "geojson_geometry": ("Wijk {number} heeft geen bruikbare (Multi)Polygon.",
                         "Neighbourhood {number} has no usable (Multi)Polygon."),
    "geojson_no_code": ("Wijk zonder code en naam (code/name, BU_CODE/BU_NAAM of WK_CODE/WK_NAAM).",
                        "Neighbourhood without code and name (code/name, BU_CODE/BU_NAAM or "
                        "WK_CODE/WK_NAAM)."),
    "geojson_duplicate": ("Wijkcode '{value}' komt vaker voor.",
                          "Neighbourhood code '{value}' appears more than once."),
    # Bounds (mapping.domain.limits): each message names the limit that was reached.
    "limit_bytes": ("Te groot: {found} MB; hoogstens {limit} MB per upload of map.",
                    "Too large: {found} MB; at most {limit} MB per upload or folder."),
    "limit_zip_entries": ("De werkmap bestaat uit {found} onderdelen; hoogstens {limit}.",
                          "The workbook consists of {found} parts; at most {limit}."),
    "limit_uncompressed": ("Uitgepakt is de werkmap {found} MB; hoogstens {limit} MB.",
                           "Unpacked, the workbook is {found} MB; at most {limit} MB."),
    "limit_ratio": ("Onderdeel '{entry}' is {found} keer samengeperst; hoogstens {limit} keer "
                    "(zo werkt een zipbom). Niet gelezen.",
                    "Part '{entry}' is compressed {found} times; at most {limit} times "
                    "(that is how a zip bomb works). Not read."),
    "limit_dimension": ("Het blad beslaat {ref}: {rows} rijen x {columns} kolommen; hoogstens "
                        "{max_rows} rijen, {max_columns} kolommen en {max_cells} cellen. "
                        "Niet gelezen.",
                        "The sheet spans {ref}: {rows} rows x {columns} columns; at most "
                        "{max_rows} rows, {max_columns} columns and {max_cells} cells. Not read."),
    "limit_rows": ("Meer dan {limit} rijen; niet gelezen. Splits het bestand.",
                   "More than {limit} rows; not read. Split the file."),
    "limit_columns": ("{found} kolommen; hoogstens {limit}. Niet gelezen.",
                      "{found} columns; at most {limit}. Not read."),
    "limit_cells": ("Meer dan {limit} cellen (rijen x kolommen); niet gelezen.",
                    "More than {limit} cells (rows x columns); not read."),
    "geojson_features": ("{found} wijken; hoogstens {limit}. Niet gelezen.",
                         "{found} neighbourhoods; at most {limit}. Not read."),
    "geojson_vertices": ("Meer dan {limit} hoekpunten; niet gelezen. Vereenvoudig de vormen.",
                         "More than {limit} vertices; not read. Simplify the shapes."),
    "parse_timeout": ("Het bestand kon niet binnen {seconds} s gelezen worden; niets geladen.",
                      "The file could not be read within {seconds} s; nothing was loaded."),
    "parse_memory": ("Het bestand kon niet gelezen worden binnen {memory} GB geheugen "
                     "(de lezer stopte: {detail}); niets geladen.",
                     "The file could not be read within {memory} GB of memory "
                     "(the reader stopped: {detail}); nothing was loaded."),
    "parse_failed": ("Het bestand kon niet gelezen worden ({detail}); niets geladen.",
                     "The file could not be read ({detail}); nothing was loaded."),
    "utf8_invalid": ("Ongeldige tekens (geen UTF-8); sla het bestand op als 'CSV UTF-8'.",
                     "Invalid characters (not UTF-8); save the file as 'CSV UTF-8'."),
    "cp1252_assumed": ("Geen UTF-8: gelezen als Windows-1252 (eerste afwijkende teken in deze "
                       "rij). Controleer letters als é en ë.",
                       "Not UTF-8: read as Windows-1252 (first differing character in this "
                       "row). Check letters such as é and ë."),
    "text_invisible_free": ("Bevat een onzichtbaar teken (richtingsteken of spatie zonder "
                            "breedte); wel geladen.",
                            "Contains an invisible character (direction mark or zero-width "
                            "space); loaded anyway."),
    "issues_truncated": ("Nog {more} meldingen niet getoond (hoogstens {limit}); los eerst "
                         "deze op.",
                         "{more} more problems not shown (at most {limit}); fix these first."),
    "internal": ("Onverwachte fout bij het lezen ({detail}); het bestand is niet geladen.",
                 "Unexpected error while reading ({detail}); the file was not loaded."),
}

_TABLE_LABELS = {
    "nl": {"organisations": "organisaties", "parent_groups": "oudergroepen", "reach": "bereik",
           "collaborations": "samenwerkingen"},
    "en": {"organisations": "organisations", "parent_groups": "parent groups", "reach": "reach",
           "collaborations": "collaborations"},
}


@dataclass(frozen=True)
class Issue:
    """One problem in the input.

    ``row`` is the row number a spreadsheet shows (header = 1), or ``None``
    for a problem with a whole file; ``column`` is the header as the user
    wrote it where there was one.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = ERROR
    code: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The issue as a plain dict (for JSON and tables)."""
        return asdict(self)


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Issues as a table with :data:`ISSUE_COLUMNS` (nullable integer row)."""
    frame = pd.DataFrame([i.as_dict() for i in issues], columns=list(ISSUE_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame


def table_label(table: str, lang: str) -> str:
    """A table's name for people, in ``lang``."""
    return _TABLE_LABELS["en" if lang == "en" else "nl"].get(table, table)


@dataclass
class Collector:
    """Collects issues, formatting each message in the user's language."""

    lang: str = "nl"
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    dropped: int = 0
    """Issues not kept because :attr:`Limits.issues` were listed already."""

    def message(self, code: str, **params: Any) -> str:
        """The text of ``code`` in this collector's language."""
        if code in lim.MESSAGES:  # the shared text rules, same words as the store's
            return lim.message(code, self.lang)
        nl, en = MESSAGES[code] if code in MESSAGES else rules.MESSAGES[code]
        params = {k: v.format(self.lang) if isinstance(v, lim.Amount) else v
                  for k, v in params.items()}
        return (en if self.lang == "en" else nl).format(**params)

    def add(self, severity: str, code: str, file: str, row: int | None = None,
            column: str | None = None, value: Any = None, **params: Any) -> None:
        """Record one issue (beyond :attr:`Limits.issues` only counted).

        Errors are capped on their own, so warnings can never push the first
        error out (an error must always keep the dataset from loading).
        """
        full = (len(self.errors) if severity == ERROR
                else len(self.errors) + len(self.warnings)) >= LIMITS.issues
        if full:
            self.dropped += 1
            return
        params.setdefault("value", value)
        if isinstance(value, str) and len(value) > 200:
            value = value[:200] + "…"  # the message table shows the cell, not a 10,000-char note
        text = None if value is None else str(value)
        issue = Issue(file, row, column, text, self.message(code, **params), severity, code)
        (self.errors if severity == ERROR else self.warnings).append(issue)

    def finish(self, file: str) -> None:
        """Say how many issues were left out (call once, after sorting)."""
        if self.dropped:
            more, self.dropped = self.dropped, 0
            note = Issue(file, None, None, None, self.message(
                "issues_truncated", more=lim.Amount(more), limit=lim.Amount(LIMITS.issues)),
                ERROR if self.errors else WARNING, "issues_truncated")
            (self.errors if self.errors else self.warnings).append(note)

    def error(self, code: str, file: str, row: int | None = None, column: str | None = None,
              value: Any = None, **params: Any) -> None:
        """Record an error (the dataset will not load)."""
        self.add(ERROR, code, file, row, column, value, **params)

    def warning(self, code: str, file: str, row: int | None = None, column: str | None = None,
                value: Any = None, **params: Any) -> None:
        """Record a warning (the dataset loads; the user is told)."""
        self.add(WARNING, code, file, row, column, value, **params)
