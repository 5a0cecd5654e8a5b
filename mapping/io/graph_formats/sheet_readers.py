"""Kumu, Polinode and Gephi-spreadsheet readers: workbooks, Kumu JSON and CSV tables.

* **Kumu** workbook: an ``Elements`` sheet (``Label``, or ``ID`` first) and a
  ``Connections`` sheet (``From``, ``To``); a ``To`` cell ``A|B`` draws two
  connections; sheets whose name contains ``(ignore)`` are skipped. Kumu's
  JSON (blueprint or project export) has ``elements`` and ``connections``.
  Direction: a ``direction`` field (``directed``, ``undirected``, ``mutual``;
  Kumu docs, "How do I add arrows to my connections"), imported connections
  being undirected without it; a project export's ``reversed: true`` swaps
  the ends.
* **Polinode** workbook: ``Nodes`` (``Name``, or ``Id``) and ``Edges``
  (``Source``, ``Target``). Its documentation does not say how a link's
  direction is written, so links are undirected unless a ``Direction`` column
  says ``directed`` (as Kumu's does).
* **Gephi** Data Laboratory CSV: a node table (``Id``, ``Label``) and an edge
  table (``Source``, ``Target``, ``Type`` = ``Directed``/``Undirected``).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mapping.domain import limits
from mapping.domain import schema as sc
from mapping.io.graph_formats.model import Edge, Graph, ImportProblem, Node, cell, is_directed
from mapping.io.load import _decode, _delimiter
from mapping.io.validate import Collector

_KUMU_META = ("_id", "id", "delayed", "reversed", "direction")
"""Kumu connection fields that describe the drawing, not the link (no extra column)."""


class _Linker:
    """Adds links to a graph, naming ends by id or, where no id matches, by label."""

    def __init__(self, graph: Graph, label_key: str = "label") -> None:
        self.graph = graph
        self.known = {n.id for n in graph.nodes}
        self.by_label = {n.attrs.get(k): n.id for n in graph.nodes for k in n.attrs
                         if sc.normalise_header(k) == label_key and n.attrs.get(k)}

    def end(self, value: str) -> str:
        value = value.strip()
        return value if value in self.known else self.by_label.get(value, value)

    def add(self, source: str, targets: list[str], attrs: dict[str, str], file: str, row: int,
            directed: bool) -> None:
        for target in targets:
            self.graph.edges.append(Edge(self.end(source), self.end(target), dict(attrs), file,
                                         row, directed))


# --------------------------------------------------------------------------- JSON


def read_kumu_json(name: str, data: bytes) -> Graph:
    """A Kumu blueprint or project export (JSON with ``elements`` and ``connections``)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportProblem("json_invalid", name, detail=str(exc)[:120]) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("elements"), list):
        raise ImportProblem("format_unknown", name)
    out = Graph("kumu-json", label_keys=("label", "name"))
    for row, element in enumerate(doc["elements"], start=1):
        attrs = _flat(element)
        node_id = attrs.pop("_id", "") or attrs.get("id", "") or attrs.get("label", "")
        attrs.pop("id", None)
        out.nodes.append(Node(node_id, attrs, f"{name}, elements", row))
    linker = _Linker(out)
    for row, connection in enumerate(doc.get("connections") or [], start=1):
        attrs = _flat(connection)
        directed = is_directed(attrs.get("direction"))
        reversed_ = attrs.get("reversed", "").casefold() == "true"
        for key in _KUMU_META:
            attrs.pop(key, None)
        source, target = attrs.pop("from", ""), attrs.pop("to", "")
        targets = target.split(sc.LIST_SEPARATOR) if target else [""]
        if reversed_ and len(targets) == 1:  # Kumu draws the arrow the other way
            source, targets = targets[0], [source]
        linker.add(source, targets, attrs, f"{name}, connections", row, directed)
    return out


def _flat(item: Any) -> dict[str, str]:
    if not isinstance(item, dict):
        return {}
    merged = {k: v for k, v in item.items() if k != "attributes"}
    if isinstance(item.get("attributes"), dict):
        merged.update(item["attributes"])
    return {str(k): cell(v) for k, v in merged.items() if v is not None}


# --------------------------------------------------------------------------- sheets


def check_zip(name: str, data: bytes) -> None:
    """Refuse zip bombs before a workbook is opened (the limits of :mod:`mapping.domain.limits`)."""
    bounds = limits.LIMITS
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ImportProblem("workbook_invalid", name, detail=str(exc)[:120]) from exc
    if len(entries) > bounds.zip_entries:
        raise ImportProblem("workbook_invalid", name, detail=f"{len(entries)} zip entries")
    total = sum(e.file_size for e in entries)
    if total > bounds.uncompressed_bytes or any(
            e.file_size > bounds.compression_ratio * max(e.compress_size, 1) for e in entries):
        raise ImportProblem("workbook_invalid", name, detail="zip bomb")


def sheets(name: str, data: bytes) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as rows of text cells (zip bombs refused first)."""
    from python_calamine import CalamineWorkbook

    check_zip(name, data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {title: [[cell(v) for v in row]
                        for row in book.get_sheet_by_name(title).to_python(skip_empty_area=False)]
                for title in book.sheet_names}
    except Exception as exc:  # calamine raises its own types for broken files
        raise ImportProblem("workbook_invalid", name, detail=type(exc).__name__) from exc


def _records(rows: list[list[str]]) -> list[tuple[int, dict[str, str]]]:
    """Data rows as ``(spreadsheet row, {header: value})``, empty rows left out."""
    header: list[str] | None = None
    out = []
    for number, row in enumerate(rows, start=1):
        if not any(c.strip() for c in row):
            continue
        if header is None:
            header = [c.strip() for c in row]
            continue
        out.append((number, {h: (row[i].strip() if i < len(row) else "")
                             for i, h in enumerate(header) if h}))
    return out


def _pick(record: dict[str, str], *names: str) -> tuple[str | None, str]:
    """The header in ``record`` matching one of ``names`` (ignoring case), and its value."""
    wanted = [sc.normalise_header(n) for n in names]
    for want in wanted:
        for key, value in record.items():
            if sc.normalise_header(key) == want:
                return key, value
    return None, ""


@dataclass(frozen=True)
class SheetLayout:
    """How one tool lays out its node and link tables."""

    format: str
    node_sheet: str
    edge_sheet: str
    id_keys: tuple[str, ...]
    ends: tuple[str, str]
    direction_key: str
    """Column that gives a link's direction (its value read by :func:`is_directed`)."""
    directed: bool
    """Direction of a link whose direction column is empty or absent."""
    split_targets: bool = False


KUMU = SheetLayout("kumu", "elements", "connections", ("id", "label"), ("from", "to"),
                   "direction", False, split_targets=True)
POLINODE = SheetLayout("polinode", "nodes", "edges", ("id", "name"), ("source", "target"),
                       "direction", False)
GEPHI_CSV = SheetLayout("gephi-csv", "", "", ("id",), ("source", "target"), "type", False)
LAYOUTS = (KUMU, POLINODE)
"""Workbook layouts, in the order they are tried."""


def sheet_graph(layout: SheetLayout, name: str, nodes: list[list[str]],
                edges: list[list[str]], node_sheet: str, edge_sheet: str) -> Graph:
    """A :class:`Graph` of a node table and a link table laid out as ``layout``."""
    out = Graph(layout.format)
    for row, record in _records(nodes):
        key, node_id = _pick(record, *layout.id_keys)
        attrs = {k: v for k, v in record.items() if k != key or sc.normalise_header(k) != "id"}
        out.nodes.append(Node(node_id, attrs, f"{name}, {node_sheet}", row))
    linker = _Linker(out)
    for row, record in _records(edges):
        source_key, source = _pick(record, layout.ends[0])
        target_key, target = _pick(record, layout.ends[1])
        direction_key, direction = _pick(record, layout.direction_key)
        # Gephi's Type is the direction itself; Kumu's Type is the kind of link and stays.
        drop = {source_key, target_key} | ({direction_key} if layout.direction_key != "type"
                                           else set())
        attrs = {k: v for k, v in record.items() if k not in drop}
        targets = target.split(sc.LIST_SEPARATOR) if layout.split_targets else [target]
        linker.add(source, targets, attrs, f"{name}, {edge_sheet}", row,
                   is_directed(direction, layout.directed))
    return out


def read_workbook(name: str, data: bytes) -> Graph:
    """A Kumu (Elements/Connections) or Polinode (Nodes/Edges) workbook."""
    found = {title: rows for title, rows in sheets(name, data).items()
             if "(ignore)" not in title.lower()}
    by_norm = {sc.normalise_header(t): t for t in found}
    for layout in LAYOUTS:
        if layout.node_sheet in by_norm:
            node_sheet = by_norm[layout.node_sheet]
            edge_sheet = by_norm.get(layout.edge_sheet, layout.edge_sheet.capitalize())
            return sheet_graph(layout, name, found[node_sheet], found.get(edge_sheet, []),
                               node_sheet, edge_sheet)
    raise ImportProblem("format_unknown", name)


def csv_rows(name: str, data: bytes) -> list[list[str]]:
    """A CSV file as rows, decoded as the loader does (UTF-8 or genuine Windows-1252)."""
    text, escaped = _decode(name, data, Collector())
    if escaped:
        raise ImportProblem("text_invalid", name)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))


def read_gephi_csv(files: Sequence[tuple[str, bytes]]) -> Graph:
    """Gephi's spreadsheet CSV: a node table (``Id``, ``Label``) and an edge table."""
    nodes: list[list[str]] = []
    edges: list[list[str]] = []
    node_name = edge_name = ""
    for name, data in files:
        rows = csv_rows(name, data)
        header = {sc.normalise_header(h) for h in (rows[0] if rows else [])}
        if {"source", "target"} <= header:
            edges, edge_name = rows, name
        elif "id" in header:
            nodes, node_name = rows, name
        else:
            raise ImportProblem("format_unknown", name)
    graph = sheet_graph(GEPHI_CSV, node_name or edge_name, nodes, edges, "", "")
    for node in graph.nodes:
        node.file = node_name
    for edge in graph.edges:
        edge.file = edge_name
    if not nodes:
        # An edge table alone: Gephi creates the nodes; so do we, with their ids only.
        seen: dict[str, None] = {}
        for edge in graph.edges:
            seen.setdefault(edge.source)
            seen.setdefault(edge.target)
        graph.nodes = [Node(n, {}, edge_name, 0) for n in seen if n]
    return graph
