"""Network files of other tools as a district: Kumu, Gephi, Polinode, Network Canvas.

Researchers keep networks in tools that know only *nodes* and *links*. This
module reads their files into one neutral shape (:class:`Graph`: nodes with
attributes, links with attributes) and turns that into the four canonical
tables with a :class:`Mapping` the user chooses: which values of one node
attribute (say ``Type``) stand for a formal organisation, an informal
organisation or a parent group. A link between an organisation and a group
becomes reach; between two organisations a collaboration; every other node
attribute becomes a column of its table (declared columns such as
``neighbourhood`` or ``families`` by their header, the rest as extra columns,
which the schema keeps).

Formats, as their tools document them:

* **Kumu** workbook (XLSX): an ``Elements`` sheet (``Label`` in column A, or
  ``ID`` first) and a ``Connections`` sheet (``From``, ``To``); several values
  in one cell separated by ``|``; a ``To`` cell ``A|B`` draws two connections;
  sheets whose name contains ``(ignore)`` are skipped (docs.kumu.io, "Structure
  your data for Kumu"). Kumu's JSON ("blueprint"): ``{"elements": [{"label",
  "id", "type", ...}], "connections": [{"from", "to", ...}]}``; the project
  export nests fields under ``attributes`` and names the type ``element type``.
* **Gephi**: GEXF 1.2 and 1.3 (``<attributes class="node">`` declares
  ``<attribute id title type>``, nodes carry ``<attvalue for value>``),
  GraphML, and the Data Laboratory spreadsheet CSV (a node table with ``Id``
  and ``Label``, an edge table with ``Source``, ``Target``, ``Type``,
  ``Weight``; gephi.org, "Spreadsheet" format page).
* **Polinode** workbook: sheets ``Nodes`` (``Name`` identifies a node, or
  ``Id`` when present) and ``Edges`` (``Source``, ``Target``); its survey
  download has the same two sheets (docs.polinode.com, "Networks").
* **Network Canvas** GraphML: keys whose ids are UUIDs with the readable name
  in ``attr.name``; the node type in ``networkCanvasType``; parallel links of
  several types between the same two people.

XML is parsed with :mod:`defusedxml` (no DTDs, no entity expansion, no external
references). Sizes are checked against :data:`mapping.domain.limits.LIMITS` before
any parsing. The tables go through :func:`mapping.io.validate.validate_tables`,
so every problem comes back as an :class:`~mapping.io.validate.Issue` naming
file, row and column, in Dutch or English; nothing raises on bad input.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES, Dataset
from mapping.domain.limits import LIMITS, text_problem
from mapping.domain.limits import message as limit_message
from mapping.io.load import LoadResult, _decode, _delimiter, cell_text, format_result
from mapping.io.validate import Collector, Issue, RawTable, validate_tables
from mapping.locales import catalog

FORMATS: tuple[str, ...] = ("kumu", "kumu-json", "gexf", "graphml", "gephi-csv", "polinode")
"""Formats :func:`read_graph` recognises (Network Canvas GraphML is ``graphml``)."""

ROLES: tuple[str, ...] = ("formal", "informal", "group")

MESSAGES: dict[str, tuple[str, str]] = catalog.pairs("graph_import")


def _text(code: str, lang: str, **params: Any) -> str:
    nl, en = MESSAGES[code]
    return (en if lang == "en" else nl).format(**params)


@dataclass(frozen=True)
class Mapping:
    """Which values of one node attribute stand for which kind of node.

    Values compare ignoring case, accents and spacing (``"Formele organisatie"``
    matches ``"formele_organisatie"``).
    """

    type_field: str
    formal: tuple[str, ...] = ()
    informal: tuple[str, ...] = ()
    group: tuple[str, ...] = ()

    def role(self, value: str | None) -> str | None:
        """``formal``, ``informal``, ``group`` or ``None`` for a node's type value."""
        if value is None:
            return None
        # A multi-value cell ("Moskee|Vrijwilligers") counts by its first mapped value.
        for part in str(value).split(sc.LIST_SEPARATOR):
            word = sc.normalise_word(part)
            for role in ROLES:
                if word in {sc.normalise_word(v) for v in getattr(self, role)}:
                    return role
        return None


@dataclass
class Node:
    """One node as read: id, attributes as text, and where it stood (file and row)."""

    id: str
    attrs: dict[str, str]
    file: str
    row: int


@dataclass
class Edge:
    """One link as read."""

    source: str
    target: str
    attrs: dict[str, str]
    file: str
    row: int


@dataclass
class Graph:
    """A network file in neutral form: what every reader produces."""

    format: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    label_keys: tuple[str, ...] = ("label", "name")
    """Attributes that hold a node's display name, first found wins."""


class ImportProblem(Exception):
    """A file that cannot be read at all: carries the issue code and parameters."""

    def __init__(self, code: str, file: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.file, self.params = code, file, params


# --------------------------------------------------------------------------- values


def _cell(value: Any) -> str:
    """One attribute value as text (as a workbook cell reads); lists joined with ``|``."""
    if isinstance(value, (list, tuple)):
        return sc.LIST_SEPARATOR.join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


@functools.cache
def _norm(key: str) -> str:
    """:func:`mapping.domain.schema.normalise_header`, remembered: a city repeats its keys."""
    return sc.normalise_header(key)


@functools.cache
def _column_for(table: str, key: str) -> str:
    """The column an attribute called ``key`` becomes in ``table``."""
    return sc.column_lookup(table).get(_norm(key)) or sc.extra_column_name(key)


def _check_size(name: str, data: bytes) -> None:
    if len(data) > LIMITS.upload_bytes:
        raise ImportProblem("too_big", name, size=len(data), limit=LIMITS.upload_bytes)


def _check_counts(graph: Graph, name: str, lang: str) -> None:
    for what, items in (("nodes", graph.nodes), ("edges", graph.edges)):
        if len(items) > LIMITS.rows:
            word = _text({"nodes": "word_nodes", "edges": "word_links"}[what], lang)
            raise ImportProblem("too_many", name, what=word, n=len(items),
                                limit=LIMITS.rows)


# --------------------------------------------------------------------------- XML


def _plain_xml(data: bytes) -> bool:
    """A file in an ASCII-compatible encoding without ``<!DOCTYPE`` or ``<!ENTITY``.

    Without a DOCTYPE an XML file cannot declare an entity or point at an
    external one, so such a file is safe for the plain C parser.
    """
    head = data[:4]
    if b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    lower = data.lower()
    return b"<!doctype" not in lower and b"<!entity" not in lower


def _xml_root(name: str, data: bytes) -> Any:
    """The parsed root element; DTDs, entities and external references refused.

    Without a DOCTYPE an XML file cannot declare an entity or point at an
    external one, so a plain-ASCII-compatible file without ``<!DOCTYPE`` and
    ``<!ENTITY`` is parsed by the C parser (4x faster on a city); everything
    else (a DOCTYPE, UTF-16, anything unusual) goes through
    :mod:`defusedxml`, which refuses what is dangerous.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    plain = _plain_xml(data)
    try:
        if plain:
            import xml.etree.ElementTree as ElementTree

            return ElementTree.fromstring(data)
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ImportProblem("xml_forbidden", name) from exc
    except (ParseError, ValueError) as exc:
        raise ImportProblem("xml_invalid", name, detail=str(exc)[:120]) from exc


def _children(element: Any, tag: str) -> list[Any]:
    """Children called ``tag`` in the parent's namespace (GEXF 1.2 or 1.3, GraphML)."""
    parent = element.tag
    ns = parent[:parent.index("}") + 1] if isinstance(parent, str) and parent[:1] == "{" else ""
    return element.findall(ns + tag)


def _refuse_dtd(*_args: Any) -> None:
    raise ImportProblem("xml_forbidden", "")


def _stream_gexf(name: str, data: bytes) -> Graph:
    """GEXF read in one pass with expat, building nodes and links directly.

    Three times faster than building an element tree first (a 5,000-node city
    with every attribute: 0.3 s instead of 1.3 s). Only for files
    :func:`_plain_xml` accepts; the handlers refuse a DOCTYPE or entity anyway.
    """
    import xml.parsers.expat as expat

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    titles: dict[tuple[str, str], str] = {}
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    out = Graph("gexf")
    state: dict[str, Any] = {"klass": "node", "attrs": None, "default": None, "depth": 0,
                             "graphs": 0, "node_depth": 0, "text": []}
    node_file, edge_file = f"{name}, nodes", f"{name}, edges"
    locals_: dict[str, str] = {}  # tag with namespace -> local name (a handful of tags)

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = locals_.get(tag) or locals_.setdefault(tag, tag.rsplit("}", 1)[-1])
        if local == "attvalue":
            if state["attrs"] is not None:
                key = attrs.get("for") or attrs.get("id") or ""
                state["attrs"][titles.get((state["klass"], key), key)] = attrs.get("value") or ""
        elif local == "node":
            if state["node_depth"]:
                raise ImportProblem("hypergraph", name)
            state["node_depth"] = 1
            values = dict(defaults["node"])
            if attrs.get("label") is not None:
                values["label"] = attrs["label"]
            state["klass"], state["attrs"] = "node", values
            out.nodes.append(Node(attrs.get("id") or "", values, node_file, len(out.nodes) + 1))
        elif local == "edge":
            values = dict(defaults["edge"])
            for key in ("weight", "label", "type", "kind"):
                if attrs.get(key) is not None:
                    values[key] = attrs[key]
            state["klass"], state["attrs"] = "edge", values
            out.edges.append(Edge(attrs.get("source") or "", attrs.get("target") or "", values,
                                  edge_file, len(out.edges) + 1))
        elif local == "attributes":
            state["klass"] = attrs.get("class", "node")
        elif local == "attribute":
            key = attrs.get("id") or attrs.get("title") or ""
            title = attrs.get("title") or key
            titles[(state["klass"], key)] = title
            state["default"] = title
        elif local == "default":
            state["text"] = []
        elif local == "nodes" and state["node_depth"]:
            raise ImportProblem("hypergraph", name)
        elif local == "graph":
            state["graphs"] += 1
            if state["graphs"] > 1:
                raise ImportProblem("hypergraph", name)

    def end(tag: str) -> None:
        local = locals_.get(tag) or tag.rsplit("}", 1)[-1]
        if local in ("node", "edge"):
            state["attrs"] = None
            state["node_depth"] = 0
        elif local == "default" and state["default"] is not None:
            defaults.setdefault(state["klass"], {})[state["default"]] = "".join(state["text"])

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda text: state["text"].append(text)
    try:
        parser.Parse(data, True)
    except ImportProblem as problem:
        problem.file = problem.file or name
        raise
    except expat.ExpatError as exc:
        raise ImportProblem("xml_invalid", name, detail=str(exc)[:120]) from exc
    if not state["graphs"]:
        raise ImportProblem("xml_invalid", name, detail="<graph> missing")
    return out


def read_gexf(name: str, data: bytes) -> Graph:
    """A GEXF 1.1/1.2/1.3 file (Gephi, Gephi Lite, Polinode, networkx)."""
    if _plain_xml(data):
        return _stream_gexf(name, data)
    root = _xml_root(name, data)
    graphs = _children(root, "graph")
    if not graphs:
        raise ImportProblem("xml_invalid", name, detail="<graph> missing")
    graph_el = graphs[0]
    titles: dict[tuple[str, str], str] = {}
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for block in _children(graph_el, "attributes"):
        klass = block.get("class", "node")
        for attribute in _children(block, "attribute"):
            key = attribute.get("id") or attribute.get("title") or ""
            title = attribute.get("title") or key
            titles[(klass, key)] = title
            for default in _children(attribute, "default"):
                defaults.setdefault(klass, {})[title] = default.text or ""
    out = Graph("gexf")
    for block in _children(graph_el, "nodes"):
        for row, node in enumerate(_children(block, "node"), start=1):
            if _children(node, "nodes"):
                raise ImportProblem("hypergraph", name)
            attrs = dict(defaults.get("node", {}))
            if node.get("label") is not None:
                attrs["label"] = node.get("label")
            attrs.update(_attvalues(node, "node", titles))
            out.nodes.append(Node(node.get("id") or "", attrs, f"{name}, nodes", row))
    for block in _children(graph_el, "edges"):
        for row, edge in enumerate(_children(block, "edge"), start=1):
            attrs = dict(defaults.get("edge", {}))
            for key in ("weight", "label", "type", "kind"):
                if edge.get(key) is not None:
                    attrs[key] = edge.get(key)
            attrs.update(_attvalues(edge, "edge", titles))
            out.edges.append(Edge(edge.get("source") or "", edge.get("target") or "", attrs,
                                  f"{name}, edges", row))
    return out


def _attvalues(element: Any, klass: str, titles: dict[tuple[str, str], str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for block in _children(element, "attvalues"):
        for value in _children(block, "attvalue"):
            key = value.get("for") or value.get("id") or ""
            values[titles.get((klass, key), key)] = value.get("value") or ""
    return values


def read_graphml(name: str, data: bytes) -> Graph:
    """A GraphML file (Gephi, yEd, networkx, igraph, Network Canvas)."""
    root = _xml_root(name, data)
    keys: dict[str, str] = {}
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for key in _children(root, "key"):
        title = key.get("attr.name") or key.get("id") or ""
        keys[key.get("id") or title] = title
        for default in _children(key, "default"):
            for klass in ("node", "edge"):
                if key.get("for") in (klass, "all"):
                    defaults[klass][title] = default.text or ""
    graphs = _children(root, "graph")
    if not graphs:
        raise ImportProblem("xml_invalid", name, detail="<graph> missing")
    graph_el = graphs[0]
    if _children(graph_el, "hyperedge"):
        raise ImportProblem("hypergraph", name)
    out = Graph("graphml")
    for row, node in enumerate(_children(graph_el, "node"), start=1):
        if _children(node, "graph"):
            raise ImportProblem("hypergraph", name)
        attrs = dict(defaults["node"])
        attrs.update(_data(node, keys))
        out.nodes.append(Node(node.get("id") or "", attrs, f"{name}, nodes", row))
    for row, edge in enumerate(_children(graph_el, "edge"), start=1):
        attrs = dict(defaults["edge"])
        attrs.update(_data(edge, keys))
        out.edges.append(Edge(edge.get("source") or "", edge.get("target") or "", attrs,
                              f"{name}, edges", row))
    return out


def _data(element: Any, keys: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in _children(element, "data"):
        key = item.get("key") or ""
        values[keys.get(key, key)] = item.text or ""
    return values


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
    by_label = {n.attrs.get("label"): n.id for n in out.nodes if n.attrs.get("label")}
    known = {n.id for n in out.nodes}
    for row, connection in enumerate(doc.get("connections") or [], start=1):
        attrs = _flat(connection)
        attrs.pop("_id", None)
        attrs.pop("id", None)
        source, target = attrs.pop("from", ""), attrs.pop("to", "")
        # Connections name elements by id, or by label when the elements have no ids.
        source = source if source in known else by_label.get(source, source)
        for one in target.split(sc.LIST_SEPARATOR) if target else [""]:
            one = one.strip()
            one = one if one in known else by_label.get(one, one)
            out.edges.append(Edge(source, one, dict(attrs), f"{name}, connections", row))
    return out


def _flat(item: Any) -> dict[str, str]:
    if not isinstance(item, dict):
        return {}
    merged = {k: v for k, v in item.items() if k != "attributes"}
    if isinstance(item.get("attributes"), dict):
        merged.update(item["attributes"])
    return {str(k): _cell(v) for k, v in merged.items()}


# --------------------------------------------------------------------------- sheets


def _check_zip(name: str, data: bytes) -> None:
    """Refuse zip bombs before a workbook is opened (the limits of :mod:`mapping.domain.limits`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ImportProblem("workbook_invalid", name, detail=str(exc)[:120]) from exc
    if len(entries) > LIMITS.zip_entries:
        raise ImportProblem("workbook_invalid", name, detail=f"{len(entries)} zip entries")
    total = sum(e.file_size for e in entries)
    if total > LIMITS.uncompressed_bytes or any(
            e.file_size > LIMITS.compression_ratio * max(e.compress_size, 1) for e in entries):
        raise ImportProblem("workbook_invalid", name, detail="zip bomb")


def _sheets(name: str, data: bytes) -> dict[str, list[list[str]]]:
    from python_calamine import CalamineWorkbook

    _check_zip(name, data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {title: [[_cell(v) for v in row]
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


def _sheet_graph(fmt: str, name: str, nodes: list[list[str]], edges: list[list[str]],
                 node_sheet: str, edge_sheet: str, id_keys: tuple[str, ...],
                 source_keys: tuple[str, str], split_targets: bool) -> Graph:
    out = Graph(fmt)
    for row, record in _records(nodes):
        key, node_id = _pick(record, *id_keys)
        attrs = {k: v for k, v in record.items() if k != key or sc.normalise_header(k) != "id"}
        out.nodes.append(Node(node_id, attrs, f"{name}, {node_sheet}", row))
    by_label = {n.attrs.get(k): n.id for n in out.nodes for k in n.attrs
                if sc.normalise_header(k) == "label" and n.attrs.get(k)}
    known = {n.id for n in out.nodes}
    for row, record in _records(edges):
        source_key, source = _pick(record, source_keys[0])
        target_key, target = _pick(record, source_keys[1])
        attrs = {k: v for k, v in record.items() if k not in (source_key, target_key)}
        targets = target.split(sc.LIST_SEPARATOR) if split_targets else [target]
        source = source if source in known else by_label.get(source, source)
        for one in targets:
            one = one.strip()
            one = one if one in known else by_label.get(one, one)
            out.edges.append(Edge(source, one, dict(attrs), f"{name}, {edge_sheet}", row))
    return out


def read_workbook(name: str, data: bytes) -> Graph:
    """A Kumu (Elements/Connections) or Polinode (Nodes/Edges) workbook."""
    sheets = {title: rows for title, rows in _sheets(name, data).items()
              if "(ignore)" not in title.lower()}
    by_norm = {sc.normalise_header(t): t for t in sheets}
    if "elements" in by_norm:
        nodes = sheets[by_norm["elements"]]
        edges = sheets.get(by_norm.get("connections", ""), [])
        return _sheet_graph("kumu", name, nodes, edges, by_norm["elements"],
                            by_norm.get("connections", "Connections"), ("id", "label"),
                            ("from", "to"), split_targets=True)
    if "nodes" in by_norm:
        nodes = sheets[by_norm["nodes"]]
        edges = sheets.get(by_norm.get("edges", ""), [])
        return _sheet_graph("polinode", name, nodes, edges, by_norm["nodes"],
                            by_norm.get("edges", "Edges"), ("id", "name"),
                            ("source", "target"), split_targets=False)
    raise ImportProblem("format_unknown", name)


def read_gephi_csv(files: Sequence[tuple[str, bytes]]) -> Graph:
    """Gephi's spreadsheet CSV: a node table (``Id``, ``Label``) and an edge table."""
    nodes: list[list[str]] = []
    edges: list[list[str]] = []
    node_name = edge_name = ""
    for name, data in files:
        # The loader's decoding: UTF-8 or genuine Windows-1252, never a silent re-decode.
        text, escaped = _decode(name, data, Collector())
        if escaped:
            raise ImportProblem("text_invalid", name)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
        header = {sc.normalise_header(h) for h in (rows[0] if rows else [])}
        if {"source", "target"} <= header:
            edges, edge_name = rows, name
        elif "id" in header:
            nodes, node_name = rows, name
        else:
            raise ImportProblem("format_unknown", name)
    graph = _sheet_graph("gephi-csv", node_name or edge_name, nodes, edges, "", "", ("id",),
                         ("source", "target"), split_targets=False)
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


def detect(name: str, data: bytes) -> str | None:
    """The format of one file by its content (the name only breaks ties)."""
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
        _check_size(name, data)
    if sum(len(d) for _, d in files) > LIMITS.upload_bytes:
        raise ImportProblem("too_big", files[0][0], size=sum(len(d) for _, d in files),
                            limit=LIMITS.upload_bytes)
    kinds = [detect(n, d) for n, d in files]
    if all(k == "gephi-csv" for k in kinds):
        return read_gephi_csv(files)
    name, data = files[0]
    kind = kinds[0]
    readers = {"gexf": read_gexf, "graphml": read_graphml, "kumu-json": read_kumu_json,
               "workbook": read_workbook}
    if kind not in readers:
        raise ImportProblem("format_unknown", name)
    return readers[kind](name, data)


# --------------------------------------------------------------------------- mapping


def attribute_values(graph: Graph, type_field: str) -> dict[str, int]:
    """The values of ``type_field`` and how many nodes have each (for the mapping form)."""
    counts: dict[str, int] = {}
    want = sc.normalise_header(type_field)
    for node in graph.nodes:
        for key, value in node.attrs.items():
            if sc.normalise_header(key) == want and value.strip():
                counts[value.strip()] = counts.get(value.strip(), 0) + 1
    return counts


def attribute_names(graph: Graph) -> list[str]:
    """Every node attribute name, in first-seen order."""
    return list(dict.fromkeys(k for n in graph.nodes for k in n.attrs))


_TYPE_NAMES = ("type", "elementtype", "networkcanvastype", "soort", "kind", "category",
               "categorie", "nodetype")


def guess_type_field(graph: Graph) -> str | None:
    """The attribute that most likely holds the node type (for a form's first choice).

    A name tools use for it (``Type``, ``element type``, ``networkCanvasType``,
    ``Soort``...), else the attribute with the fewest distinct values (at least two).
    """
    names = attribute_names(graph)
    for want in _TYPE_NAMES:
        for name in names:
            if _norm(name) == want:
                return name
    counts = [(len(attribute_values(graph, n)), n) for n in names]
    useful = [c for c in counts if c[0] >= 2]
    return min(useful)[1] if useful else (names[0] if names else None)


def problem_message(problem: ImportProblem, lang: str = "nl") -> str:
    """The message of a file that could not be read at all, in ``lang``."""
    return _text(problem.code, "en" if lang == "en" else "nl", **problem.params)


# Columns the mapping itself fills in: a node attribute of that name does not override them.
_FIXED = {"organisations": {"id", "name", "kind"}, "parent_groups": {"id", "name"},
          "reach": {"organisation", "group"}, "collaborations": {"source", "target"}}


def _columns(table: str, attrs: dict[str, str], skip: set[str]) -> dict[str, str]:
    """Attributes as columns of ``table``: declared ones by header, the rest as extra columns.

    The first attribute for a column wins; attributes that would name a column
    the mapping fills (``id``, ``name``, ``kind``...) are left out.
    """
    out: dict[str, str] = {}
    for key, value in attrs.items():
        if key in skip or _norm(key) in skip or not value.strip():
            continue  # an empty cell of a rectangular sheet is no attribute
        column = _column_for(table, key)
        if column in _FIXED[table] or column in out:
            continue
        out[column] = value
    return out


def _raw(table: str, file: str, rows: list[tuple[int, dict[str, str]]]) -> RawTable:
    header = list(dict.fromkeys(k for _, r in rows for k in r))
    for column in _FIXED[table]:
        if column not in header:
            header.insert(0, column)
    return RawTable(table, file, header, [[r.get(h, "") for h in header] for _, r in rows],
                    [n for n, _ in rows], decimal_comma=False)


def to_tables(graph: Graph, mapping: Mapping, col: Collector, source: str
              ) -> dict[str, RawTable]:
    """The four raw tables of ``graph`` under ``mapping``; problems go to ``col``."""
    lang = col.lang
    want = sc.normalise_header(mapping.type_field)
    if not (mapping.formal or mapping.informal or mapping.group):
        col.errors.append(Issue(source, None, None, None,
                                _text("no_mapping", lang, field=mapping.type_field),
                                code="no_mapping"))
        return {}
    seen_values: dict[str, str] = {}
    for role in ROLES:
        for value in getattr(mapping, role):
            word = sc.normalise_word(value)
            if word in seen_values and seen_values[word] != role:
                col.errors.append(Issue(source, None, None, value,
                                        _text("value_twice", lang, value=value),
                                        code="value_twice"))
            seen_values[word] = role
    if not any(_norm(k) == want for n in graph.nodes for k in n.attrs):
        found = ", ".join(attribute_names(graph)[:12]) or "–"
        col.errors.append(Issue(source, None, mapping.type_field, None,
                                _text("type_field_missing", lang, field=mapping.type_field,
                                      found=found), code="type_field_missing"))
        return {}
    roles: dict[str, str] = {}
    orgs: list[tuple[int, dict[str, str]]] = []
    groups: list[tuple[int, dict[str, str]]] = []
    unmapped: dict[str, int] = {}
    files = {"organisations": "", "parent_groups": ""}
    for node in graph.nodes:
        if not node.id.strip():
            col.errors.append(Issue(node.file, node.row, None, None,
                                    _text("node_no_id", lang), code="node_no_id"))
            continue
        if node.id in roles or node.id in unmapped:
            col.warnings.append(Issue(node.file, node.row, None, node.id,
                                      _text("node_twice", lang, value=node.id), "warning",
                                      "node_twice"))
            continue
        type_key = next((k for k in node.attrs if _norm(k) == want), None)
        value = node.attrs.get(type_key, "") if type_key else ""
        role = mapping.role(value)
        if role is None:
            unmapped[node.id] = 0
            unmapped[f"\0{value}"] = unmapped.get(f"\0{value}", 0) + 1
            continue
        roles[node.id] = role
        label = next((node.attrs[k] for want_label in graph.label_keys for k in node.attrs
                      if _norm(k) == want_label and node.attrs[k].strip()), "")
        skip = {type_key or "", *graph.label_keys}
        if role == "group":
            row = {"id": node.id, "name": label or node.id,
                   **_columns("parent_groups", node.attrs, skip)}
            groups.append((node.row, row))
            files["parent_groups"] = node.file
        else:
            row = {"id": node.id, "name": label or node.id, "kind": role,
                   **_columns("organisations", node.attrs, skip)}
            orgs.append((node.row, row))
            files["organisations"] = node.file
    for key, n in unmapped.items():
        if key.startswith("\0"):
            col.warnings.append(Issue(source, None, mapping.type_field, key[1:] or None,
                                      _text("type_unmapped", lang, n=n, field=mapping.type_field,
                                            value=key[1:]), "warning", "type_unmapped"))
    reach: list[tuple[int, dict[str, str]]] = []
    collabs: list[tuple[int, dict[str, str]]] = []
    reach_pairs: set[tuple[str, str]] = set()
    between_groups = merged = 0
    edge_file = ""
    for edge in graph.edges:
        edge_file = edge.file
        missing = next((e for e in (edge.source, edge.target) if e not in roles
                        and e not in unmapped), None)
        if missing is not None:
            col.warnings.append(Issue(edge.file, edge.row, None, missing,
                                      _text("edge_unknown_node", lang, value=missing), "warning",
                                      "edge_unknown_node"))
            continue
        a, b = roles.get(edge.source), roles.get(edge.target)
        if a is None or b is None:
            continue  # an end that is not mapped: said once per value above
        if a == "group" and b == "group":
            between_groups += 1
        elif "group" in (a, b):
            org, grp = (edge.target, edge.source) if a == "group" else (edge.source, edge.target)
            if (org, grp) in reach_pairs:
                merged += 1
                continue
            reach_pairs.add((org, grp))
            reach.append((edge.row, {"organisation": org, "group": grp,
                                     **_columns("reach", edge.attrs, {"type"})}))
        else:
            collabs.append((edge.row, {"source": edge.source, "target": edge.target,
                                       **_columns("collaborations", edge.attrs, {"type"})}))
    if between_groups:
        col.warnings.append(Issue(source, None, None, None,
                                  _text("group_group", lang, n=between_groups), "warning",
                                  "group_group"))
    if merged:
        col.warnings.append(Issue(source, None, None, None, _text("multigraph", lang, n=merged),
                                  "warning", "multigraph"))
    raws = {}
    for table, rows, file in (("organisations", orgs, files["organisations"]),
                              ("parent_groups", groups, files["parent_groups"]),
                              ("reach", reach, edge_file), ("collaborations", collabs, edge_file)):
        raws[table] = _raw(table, file or _text("table_in_file", lang, file=source,
                                                table=_text(f"table_{table}", lang)), rows)
    _check_cells(raws, col)
    return raws


def _check_cells(raws: dict[str, RawTable], col: Collector) -> None:
    """Cell and column bounds of :data:`LIMITS` (validation sees only bounded tables)."""
    for raw in raws.values():
        if len(raw.header) > LIMITS.columns:
            col.errors.append(Issue(raw.file, None, None, None,
                                    _text("too_many", col.lang,
                                          what=_text("word_columns", col.lang),
                                        n=len(raw.header), limit=LIMITS.columns),
                                    code="too_many"))
        for number, row in zip(raw.numbers, raw.rows, strict=True):
            for header, value in zip(raw.header, row, strict=True):
                if len(value) > LIMITS.cell_chars and text_problem(value) == "text_too_long":
                    col.errors.append(Issue(raw.file, number, header, value[:40] + "…",
                                            limit_message("text_too_long", col.lang),
                                            code="text_too_long"))


def import_graph(files: Sequence[tuple[str, bytes]], mapping: Mapping, lang: str = "nl",
                 name: str | None = None) -> LoadResult:
    """Import a network file as a district, validated like any upload.

    Parameters
    ----------
    files
        ``(file name, content)``: one GEXF, GraphML, Kumu/Polinode workbook or
        Kumu JSON file, or Gephi's node and edge CSV files.
    mapping
        Which values of which node attribute are formal organisations,
        informal organisations and parent groups.
    lang
        ``nl`` or ``en`` for the messages.
    name
        Label of the dataset; defaults to the first file's stem.

    Returns
    -------
    LoadResult
        The dataset, or the issues (file, row, column) that kept it from loading.
    """
    col = Collector("en" if lang == "en" else "nl")
    label = name or (Path(files[0][0]).stem if files else "import")
    source = ", ".join(Path(n).name for n, _ in files) or label
    try:
        graph = read_graph(files)
        _check_counts(graph, source, col.lang)
        raws = to_tables(graph, mapping, col, source)
        if col.errors or not raws:
            return LoadResult(None, col.errors, col.warnings)
        counts = {t: len(raws[t].rows) for t in TABLES}
        counts["neighbourhoods"] = 0
        frames = validate_tables(raws, None, col, source=source)
    except ImportProblem as problem:
        col.errors.append(Issue(problem.file or source, None, None, None,
                                _text(problem.code, col.lang, **problem.params),
                                code=problem.code))
        return LoadResult(None, col.errors, col.warnings)
    except Exception as exc:  # never a traceback: say what broke, in the user's language
        col.error("internal", source, detail=f"{type(exc).__name__}: {exc}"[:200])
        return LoadResult(None, col.errors, col.warnings)
    if col.errors:
        return LoadResult(None, col.errors, col.warnings, counts)
    dataset = Dataset(**{t: frames[t] for t in TABLES}, neighbourhoods=None, name=label)
    return LoadResult(dataset, col.errors, col.warnings, counts)


# --------------------------------------------------------------------------- command line


def _values(text: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (text or "").split(",") if v.strip())


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI: ``python -m mapping import-graph FILE --type-field F --formal V,V ... --out DIR``."""
    parser = sub.add_parser(
        "import-graph", help="import a Kumu, Gephi, Polinode or Network Canvas file",
        description="Map the values of one node attribute to formal organisation, informal "
                    "organisation and parent group; writes the four tables as CSV. "
                    "Exit status: 0 imported, 1 errors, 2 usage error.")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="GEXF, GraphML, XLSX (Kumu/Polinode), Kumu JSON, or Gephi CSVs")
    parser.add_argument("--type-field", required=True, help="node attribute holding the type")
    parser.add_argument("--formal", default="", help="values meaning formal organisation (V,V)")
    parser.add_argument("--informal", default="", help="values meaning informal organisation")
    parser.add_argument("--group", default="", help="values meaning parent group")
    parser.add_argument("--out", required=True, help="folder for the CSV files")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    return "import-graph", run_import


def run_import(args: argparse.Namespace) -> int:
    """Import ``args.files`` with the mapping of the arguments; write CSVs to ``args.out``."""
    from mapping.io.write import write_csv_folder

    try:
        files = [(Path(p).name, Path(p).read_bytes()) for p in args.files]
    except OSError as exc:
        print(f"{exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    mapping = Mapping(args.type_field, _values(args.formal), _values(args.informal),
                      _values(args.group))
    result = import_graph(files, mapping, args.lang)
    print(format_result(result, args.lang), file=sys.stdout if result.ok else sys.stderr)
    if not result.ok or result.dataset is None:
        return 1
    write_csv_folder(result.dataset, args.out)
    return 0
