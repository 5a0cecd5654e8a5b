"""GEXF 1.3 and GraphML text of a district's node and edge tables.

Both undirected (a collaboration edge is the pair, its ratings merged), with
typed attributes so networkx, igraph and Gephi read numbers as numbers.
Control characters XML 1.0 cannot hold are dropped; text is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pandas as pd

ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold at all (also not escaped)."""


def _xml_text(value: Any) -> str:
    return ILLEGAL_XML.sub("", str(value))


def _xml_type(values: Iterable[Any], fmt: str) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer" if fmt == "gexf" else "long"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "double"
    return "string"


def _xml_value(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return _xml_text(value)


def _xml_rows(frame: pd.DataFrame, cols: Sequence[str], types: dict[str, str], prefix: str,
              fmt: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Each row of ``frame`` with its present values as GEXF ``attvalue``s or GraphML ``data``."""
    for row in frame.itertuples(index=False, name=None):
        data = dict(zip(frame.columns, row, strict=True))
        present = [(i, c, _xml_value(data[c], types[c])) for i, c in enumerate(cols)
                   if data[c] is not None]
        if fmt == "gexf":
            values = "".join(f'<attvalue for="{prefix}{i}" value={quoteattr(v)}/>'
                             for i, _c, v in present)
        else:
            values = "".join(f'<data key="{prefix}{i}">{xml_escape(v)}</data>'
                             for i, _c, v in present)
        yield data, values


def to_gexf(nodes: pd.DataFrame, edges: pd.DataFrame, description: str = "") -> bytes:
    """GEXF 1.3 text of :func:`network_tables` (undirected, static)."""
    node_cols = [c for c in nodes.columns if c not in ("id", "label")]
    edge_cols = [c for c in edges.columns if c not in ("source", "target")]
    node_types = {c: _xml_type(nodes[c], "gexf") for c in node_cols}
    edge_types = {c: _xml_type(edges[c], "gexf") for c in edge_cols}
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
           f"  <meta><creator>Wijknetwerk</creator>"
           f"<description>{xml_escape(_xml_text(description))}</description></meta>",
           '  <graph defaultedgetype="undirected" mode="static">',
           '    <attributes class="node">']
    out += [f'      <attribute id="n{i}" title={quoteattr(c)} type="{node_types[c]}"/>'
            for i, c in enumerate(node_cols)]
    out += ["    </attributes>", '    <attributes class="edge">']
    out += [f'      <attribute id="e{i}" title={quoteattr(c)} type="{edge_types[c]}"/>'
            for i, c in enumerate(edge_cols)]
    out += ["    </attributes>", "    <nodes>"]
    for data, values in _xml_rows(nodes, node_cols, node_types, "n", "gexf"):
        out.append(f"      <node id={quoteattr(_xml_text(data['id']))} "
                   f"label={quoteattr(_xml_text(data['label']))}><attvalues>{values}"
                   f"</attvalues></node>")
    out += ["    </nodes>", "    <edges>"]
    for number, (data, values) in enumerate(_xml_rows(edges, edge_cols, edge_types, "e",
                                                      "gexf")):
        out.append(f"      <edge id=\"{number}\" source={quoteattr(_xml_text(data['source']))} "
                   f"target={quoteattr(_xml_text(data['target']))}><attvalues>{values}"
                   f"</attvalues></edge>")
    out += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(out).encode("utf-8")


def to_graphml(nodes: pd.DataFrame, edges: pd.DataFrame, description: str = "") -> bytes:
    """GraphML text of :func:`network_tables` (undirected; typed keys)."""
    node_cols = [c for c in nodes.columns if c != "id"]
    edge_cols = [c for c in edges.columns if c not in ("source", "target")]
    node_types = {c: _xml_type(nodes[c], "graphml") for c in node_cols}
    edge_types = {c: _xml_type(edges[c], "graphml") for c in edge_cols}
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
           '  <key id="description" for="graph" attr.name="description" attr.type="string"/>']
    out += [f'  <key id="n{i}" for="node" attr.name={quoteattr(c)} attr.type="{node_types[c]}"/>'
            for i, c in enumerate(node_cols)]
    out += [f'  <key id="e{i}" for="edge" attr.name={quoteattr(c)} attr.type="{edge_types[c]}"/>'
            for i, c in enumerate(edge_cols)]
    out.append('  <graph id="wijknetwerk" edgedefault="undirected">')
    out.append(f'    <data key="description">{xml_escape(_xml_text(description))}</data>')
    for data, values in _xml_rows(nodes, node_cols, node_types, "n", "graphml"):
        out.append(f"    <node id={quoteattr(_xml_text(data['id']))}>{values}</node>")
    for data, values in _xml_rows(edges, edge_cols, edge_types, "e", "graphml"):
        out.append(f"    <edge source={quoteattr(_xml_text(data['source']))} "
                   f"target={quoteattr(_xml_text(data['target']))}>{values}</edge>")
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out).encode("utf-8")
