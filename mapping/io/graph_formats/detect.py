"""Which tool a file comes from, and reading it into a :class:`Graph`.

:func:`recognise` is the question an upload form asks ("is this a Kumu, Gephi,
Polinode or Network Canvas file, or one of our own tables?"); :func:`read_graph`
reads the file, bounded by :data:`mapping.domain.limits.LIMITS` before any
parsing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from mapping.domain import limits
from mapping.domain import schema as sc
from mapping.io.graph_formats.model import Graph, ImportProblem, issue_text
from mapping.io.graph_formats.sheet_readers import (
    LAYOUTS,
    check_zip,
    csv_rows,
    read_gephi_csv,
    read_kumu_json,
    read_workbook,
)
from mapping.io.graph_formats.xml_readers import read_gexf, read_graphml

TOOL_FORMATS: tuple[str, ...] = ("kumu", "kumu-json", "gexf", "graphml", "network-canvas",
                                 "gephi-csv", "polinode")
"""What :func:`recognise` answers: the tool's format, Network Canvas apart from GraphML."""

# Headers a Gephi edge table has besides Source and Target (gephi.org, "Spreadsheet").
_GEPHI_EDGE_EXTRA = {"type", "weight", "id", "label", "kind", "timeset", "interval"}


def check_size(name: str, data: bytes) -> None:
    """Refuse a file over :attr:`~mapping.domain.limits.Limits.upload_bytes`."""
    bound = limits.LIMITS.upload_bytes
    if len(data) > bound:
        raise ImportProblem("too_big", name, size=len(data), limit=bound)


def check_counts(graph: Graph, name: str, lang: str) -> None:
    """Refuse a graph with more nodes or links than :attr:`~mapping.domain.limits.Limits.rows`."""
    bound = limits.LIMITS.rows
    for what, items in (("nodes", graph.nodes), ("edges", graph.edges)):
        if len(items) > bound:
            word = issue_text({"nodes": "word_nodes", "edges": "word_links"}[what], lang)
            raise ImportProblem("too_many", name, what=word, n=len(items),
                                limit=bound)


def detect(name: str, data: bytes) -> str | None:
    """The reader for one file by its content (the name only breaks ties).

    Answers ``workbook``, ``gexf``, ``graphml``, ``kumu-json``, ``gephi-csv``
    or ``None``; it does not open a workbook (see :func:`recognise`).
    """
    if data[:4] == b"PK\x03\x04":
        return "workbook"
    sniff = data[:65536]
    if sniff[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, as some Windows tools save XML
        sniff = sniff.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    head = sniff[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        lower = sniff.lower()
        if b"<gexf" in lower:
            return "gexf"
        if b"<graphml" in lower:
            return "graphml"
        return None
    if head.startswith(b"{"):
        return "kumu-json"
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "gephi-csv"
    return None


def _gephi_table(name: str, data: bytes) -> bool:
    """A CSV that is a Gephi node or edge table, not one of the district's own tables.

    A Gephi edge table has ``Source``/``Target`` and only Gephi's own columns
    (our collaborations table has the four conditions, form...); a node table
    has ``Id`` and ``Label`` and no ``name`` (which ours require).
    """
    try:
        rows = csv_rows(name, data[:65536])
    except ImportProblem:
        return False
    header = {sc.normalise_header(h) for h in (rows[0] if rows else []) if h.strip()}
    if {"source", "target"} <= header:
        return not (header - {"source", "target"} - _GEPHI_EDGE_EXTRA)
    org_columns = sc.column_lookup("organisations")
    return {"id", "label"} <= header and not any(org_columns.get(h) == "name" for h in header)


def recognise(name: str, data: bytes) -> str | None:
    """The network tool a file comes from, or ``None`` for anything else.

    For an upload form that takes both the district's own tables and network
    files: a GEXF, GraphML (``network-canvas`` when it carries Network
    Canvas's ``networkCanvasType``), Kumu JSON, a workbook with Kumu's
    ``Elements`` or Polinode's ``Nodes`` sheet, or a Gephi node or edge CSV.
    A district workbook or CSV (``organisaties``, ``samenwerkingen``...) is
    ``None``, as is a file over the upload limit or one that cannot be opened.

    Parameters
    ----------
    name
        The file's name (only its suffix is looked at, for CSV).
    data
        The file's content.

    Returns
    -------
    str or None
        One of :data:`TOOL_FORMATS`, or ``None``.
    """
    if len(data) > limits.LIMITS.upload_bytes:
        return None
    kind = detect(name, data)
    if kind == "graphml":
        return "network-canvas" if b"networkcanvastype" in data[:65536].lower() else "graphml"
    if kind == "kumu-json":
        return "kumu-json" if b'"elements"' in data else None
    if kind == "gephi-csv":
        return "gephi-csv" if _gephi_table(name, data) else None
    if kind == "workbook":
        try:
            return read_workbook_format(name, data)
        except ImportProblem:
            return None
    return kind


def read_workbook_format(name: str, data: bytes) -> str | None:
    """``kumu`` or ``polinode`` for a workbook with that tool's node sheet, else ``None``."""
    from python_calamine import CalamineWorkbook

    check_zip(name, data)
    try:
        titles = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    except Exception as exc:  # calamine raises its own types for broken files
        raise ImportProblem("workbook_invalid", name, detail=type(exc).__name__) from exc
    present = {sc.normalise_header(t) for t in titles if "(ignore)" not in t.lower()}
    return next((layout.format for layout in LAYOUTS if layout.node_sheet in present), None)


def read_graph(files: Sequence[tuple[str, bytes]]) -> Graph:
    """Read one network file (or Gephi's node and edge CSV pair) into a :class:`Graph`.

    Raises
    ------
    ImportProblem
        For a file that cannot be read at all (its code names the reason).
    """
    if not files:
        raise ImportProblem("format_unknown", "")
    for name, data in files:
        check_size(name, data)
    total = sum(len(d) for _, d in files)
    if total > limits.LIMITS.upload_bytes:
        raise ImportProblem("too_big", files[0][0], size=total,
                            limit=limits.LIMITS.upload_bytes)
    kinds = [detect(n, d) for n, d in files]
    if all(k == "gephi-csv" for k in kinds):
        return read_gephi_csv(files)
    name, data = files[0]
    readers = {"gexf": read_gexf, "graphml": read_graphml, "kumu-json": read_kumu_json,
               "workbook": read_workbook}
    if kinds[0] not in readers:
        raise ImportProblem("format_unknown", name)
    return readers[kinds[0]](name, data)
