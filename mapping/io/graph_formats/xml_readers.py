"""GEXF and GraphML readers (Gephi, Gephi Lite, networkx, igraph, yEd, Network Canvas).

XML is parsed safely: a file without ``<!DOCTYPE`` and ``<!ENTITY`` in an
ASCII-compatible encoding cannot declare or reference an entity, so it goes to
the fast C parser (or, for GEXF, a one-pass expat reader); everything else
through :mod:`defusedxml`, which refuses DTDs, entities and external references.

Direction: GEXF's ``defaultedgetype`` on ``<graph>`` and ``type`` on an edge
(``directed``, ``undirected``, ``mutual``); GraphML's ``edgedefault`` and an
edge's ``directed`` flag. A file that says nothing is undirected.
"""

from __future__ import annotations

from typing import Any

from mapping.io.graph_formats.model import Edge, Graph, ImportProblem, Node, is_directed

_EDGE_KEYS = ("weight", "label", "kind")
"""XML attributes of a GEXF edge kept as link attributes (``type`` is its direction)."""

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
                             "graphs": 0, "node_depth": 0, "text": [], "directed": False}
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
            edge = _gexf_edge(attrs, defaults["edge"], edge_file, len(out.edges) + 1,
                              state["directed"])
            state["klass"], state["attrs"] = "edge", edge.attrs
            out.edges.append(edge)
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
            state["directed"] = is_directed(attrs.get("defaultedgetype"))
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
    directed = is_directed(graph_el.get("defaultedgetype"))
    for block in _children(graph_el, "edges"):
        for row, element in enumerate(_children(block, "edge"), start=1):
            edge = _gexf_edge(element, defaults.get("edge", {}), f"{name}, edges", row, directed)
            edge.attrs.update(_attvalues(element, "edge", titles))
            out.edges.append(edge)
    return out


def _gexf_edge(attrs: Any, defaults: dict[str, str], file: str, row: int,
               directed: bool) -> Edge:
    """One GEXF edge from its XML attributes (a dict or an element; both have ``get``)."""
    values = dict(defaults)
    for key in _EDGE_KEYS:
        if attrs.get(key) is not None:
            values[key] = attrs.get(key)
    return Edge(attrs.get("source") or "", attrs.get("target") or "", values, file, row,
                is_directed(attrs.get("type"), directed))


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
    directed = is_directed(graph_el.get("edgedefault"))
    for row, edge in enumerate(_children(graph_el, "edge"), start=1):
        attrs = dict(defaults["edge"])
        attrs.update(_data(edge, keys))
        out.edges.append(Edge(edge.get("source") or "", edge.get("target") or "", attrs,
                              f"{name}, edges", row, is_directed(edge.get("directed"), directed)))
    return out


def _data(element: Any, keys: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in _children(element, "data"):
        key = item.get("key") or ""
        values[keys.get(key, key)] = item.text or ""
    return values
