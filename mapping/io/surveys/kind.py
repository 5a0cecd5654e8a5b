"""What an upload is: the project's own tables, a survey export, or a network tool's file.

The Data page takes every kind of file in one uploader and sends each batch
to its reader: :func:`mapping.io.load.load_files` (the four tables, a
workbook of them, neighbourhoods), :func:`mapping.io.surveys.import_files`
(a survey tool's export, Network Canvas CSV files) or
:func:`mapping.io.graph_import.import_graph` (Kumu, GEXF, GraphML, Gephi CSV,
Polinode). Only headers, sheet titles and the first bytes are looked at; a
workbook is opened only after the loader's size checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mapping.domain import schema as sc
from mapping.io.load import _guess_table, read_csv_rows, read_workbook_sheets
from mapping.io.surveys.formats import detect_tool
from mapping.io.surveys.network_canvas import is_network_canvas
from mapping.io.validate import Collector

KINDS: tuple[str, ...] = ("tables", "survey", "network")



def _header_kind(name: str, header: list[str], second: list[str], third: list[str]) -> str:
    norm = {sc.normalise_header(h) for h in header}
    if detect_tool(header, second, third) != "generic":
        return "survey"  # a tool's own columns (a Forms "Name" column is no parent group)
    if {"id", "label"} <= norm:
        return "network"  # Gephi's node table (the project's tables say "naam"/"name")
    if sc.table_for_name(name) or _guess_table([h.strip() for h in header]):
        return "tables"
    if {"source", "target"} <= norm:
        return "network"  # Gephi's edge table alone
    if len(norm) >= 3:
        return "survey"
    return "tables"


def _file_kind(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix == ".geojson" or sc.is_neighbourhoods_name(name):
        return "tables"
    if head.startswith(b"<"):
        return "network"  # GEXF, GraphML
    if head.startswith((b"{", b"[")):
        return "tables" if b"FeatureCollection" in data[:65536] else "network"  # Kumu JSON
    col = Collector()
    if data[:4] == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
        sheets = read_workbook_sheets(name, data, col)  # size checks first: no bomb opened
        if not sheets:
            return "tables"  # the loader says why
        titles = {sc.normalise_header(t) for t, _v in sheets}
        if titles & {"elements", "nodes"}:
            return "network"
        # The first sheet with answers decides: a survey's repeat sheets may be called
        # "partners", a workbook of the four tables starts with "organisaties".
        for title, values in sheets:
            rows = [[str(c) for c in r] for r in values if any(str(c).strip() for c in r)]
            if rows:
                return _header_kind(title, rows[0], rows[1] if len(rows) > 1 else [],
                                    rows[2] if len(rows) > 2 else [])
        return "tables"
    read = read_csv_rows(name, data, col)
    if read is None:
        return "tables"  # unreadable: the loader's messages
    header, rows, _numbers, _delimiter = read
    return _header_kind(name, header, rows[0] if rows else [], rows[1] if len(rows) > 1 else [])


def upload_kind(files: Sequence[tuple[str, bytes]]) -> str:
    """``tables``, ``survey`` or ``network``: which reader an upload batch goes to."""
    if not files:
        return "tables"
    if is_network_canvas(files):
        return "survey"
    kinds = {_file_kind(name, data) for name, data in files}
    if "network" in kinds:  # a Gephi edge table reads like collaborations too
        return "network"
    return "tables" if "tables" in kinds else "survey"
