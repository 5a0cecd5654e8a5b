"""Small network files made to each tool's documented format, for the import tests.

Where the format knowledge came from (read through the search tool, no internet):

* Kumu workbook and JSON: Kumu's own docs (``kumu/docs`` on GitHub,
  guides/import/import.md "Structure your data for Kumu": ``Label`` in A1 of
  the element sheet, ``From``/``To`` in A1/B1 of the connection sheet, ``|``
  separates several values, a ``To`` cell with ``A|B`` draws one connection
  per element, sheets named with ``(ignore)`` are skipped; guides/import/
  blueprints.md: ``{"elements": [...], "connections": [{"from", "to"}]}``,
  ids when labels repeat). The project export nests fields under
  ``attributes`` and calls the type ``element type``.
* Gephi: gephi.org "Spreadsheet" format page (node table ``Id``/``Label``,
  edge table ``Source``/``Target``/``Type``/``Weight``, ``;`` in the examples);
  GEXF 1.2draft and 1.3 namespaces as networkx's GEXF module declares them
  (``http://www.gexf.net/1.2draft``, ``http://gexf.net/1.3``), with ``viz``
  elements as Gephi writes them.
* Polinode: docs.polinode.com "Networks" (Excel upload with a Nodes sheet and an
  Edges sheet; GEXF and JSON also accepted); the node identifier is ``Name``.
* Network Canvas: the GraphML export in ``complexdatacollective/working-with-data``
  (networkCanvasExport/case_1_...graphml): the ``nc`` namespace on ``<graph>``,
  keys whose ids are UUIDs with the readable ``attr.name``, ``label``,
  ``networkCanvasType``/``networkCanvasUUID`` keys ``for="all"``, edges with
  ``networkCanvasSourceUUID``/``TargetUUID`` and parallel edges of several types.

Every sample holds the same small district: Wijkteam De Sluis (formal), Moskee
Nuur (informal) working with it, and Somalische moeders (a parent group) whom
only the mosque reaches: bridged at distance 1, one route.
"""

from __future__ import annotations

import io
import json

FORMAL, INFORMAL, GROUP = "Professional", "Community", "Parents"


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """An XLSX workbook of ``{sheet: rows}`` (as Excel or Google Sheets saves it)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def kumu_workbook() -> bytes:
    """Kumu's Elements/Connections workbook, with a To cell ``A|B`` and an (ignore) sheet."""
    return workbook({
        "Elements": [
            ["Label", "Type", "Description", "Tags", "Languages", "Families"],
            ["Wijkteam De Sluis", FORMAL, "Eerste aanspreekpunt", "wijkteam|jeugd",
             "Nederlands|Somalisch", None],
            ["Moskee Nuur", INFORMAL, "Vrijdaggebed en ouderavonden", "moskee",
             "Somalisch|Arabisch", None],
            ["GGD Regio", FORMAL, None, None, None, None],
            ["Somalische moeders", GROUP, "Moeders met kinderen 0-12", None, "Somalisch", 40],
        ],
        "Connections": [
            ["From", "To", "Type", "Strength"],
            ["Moskee Nuur", "Wijkteam De Sluis|GGD Regio", "Collaboration", None],
            ["Moskee Nuur", "Somalische moeders", "Reach", 4],
        ],
        "Notes (ignore)": [["Label"], ["not an element"]],
    })


def kumu_json() -> bytes:
    """A Kumu blueprint with ids (the labels could repeat)."""
    return json.dumps({
        "elements": [
            {"id": "e1", "label": "Wijkteam De Sluis", "type": FORMAL,
             "tags": ["wijkteam", "jeugd"]},
            {"id": "e2", "label": "Moskee Nuur", "type": INFORMAL, "Languages": ["Somalisch"]},
            {"id": "e3", "label": "Somalische moeders", "type": GROUP, "families": 40},
        ],
        "connections": [
            {"id": "c1", "from": "e2", "to": "e1", "type": "collaboration",
             "direction": "mutual"},
            {"id": "c2", "from": "e2", "to": "e3", "type": "reach"},
        ],
    }).encode()


def kumu_project_json() -> bytes:
    """Kumu's project export: fields under ``attributes``, the type as ``element type``."""
    return json.dumps({
        "elements": [
            {"_id": "elem-aaa", "attributes": {"label": "Wijkteam De Sluis",
                                               "element type": FORMAL}},
            {"_id": "elem-bbb", "attributes": {"label": "Moskee Nuur",
                                               "element type": INFORMAL}},
            {"_id": "elem-ccc", "attributes": {"label": "Somalische moeders",
                                               "element type": GROUP}},
        ],
        "connections": [
            {"_id": "conn-1", "from": "elem-bbb", "to": "elem-aaa",
             "attributes": {"connection type": "samenwerking"}},
            {"_id": "conn-2", "from": "elem-bbb", "to": "elem-ccc", "attributes": {}},
        ],
    }).encode()


def gexf(version: str = "1.2") -> bytes:
    """A GEXF file as Gephi (1.2draft) or Gephi Lite (1.3) saves it."""
    ns = ("http://www.gexf.net/1.2draft" if version == "1.2" else "http://gexf.net/1.3")
    viz = ("http://www.gexf.net/1.2draft/viz" if version == "1.2" else "http://gexf.net/1.3/viz")
    number = "1.2" if version == "1.2" else "1.3"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="{ns}" xmlns:viz="{viz}" version="{number}">
  <meta lastmodifieddate="2024-05-01">
    <creator>Gephi 0.10.1</creator>
    <description></description>
  </meta>
  <graph defaultedgetype="undirected" mode="static">
    <attributes class="node" mode="static">
      <attribute id="soort" title="Soort" type="string"/>
      <attribute id="wijk" title="Wijk" type="string"/>
      <attribute id="gezinnen" title="Gezinnen" type="integer"/>
      <attribute id="modularity_class" title="Modularity Class" type="integer"/>
    </attributes>
    <attributes class="edge" mode="static">
      <attribute id="vertrouwen" title="Vertrouwen" type="double"/>
    </attributes>
    <nodes>
      <node id="0" label="Wijkteam De Sluis">
        <attvalues>
          <attvalue for="soort" value="{FORMAL}"/>
          <attvalue for="wijk" value="De Sluis"/>
          <attvalue for="modularity_class" value="0"/>
        </attvalues>
        <viz:size value="10.0"/>
        <viz:position x="-12.5" y="40.1"/>
        <viz:color r="153" g="0" b="255"/>
      </node>
      <node id="1" label="Moskee Nuur">
        <attvalues><attvalue for="soort" value="{INFORMAL}"/>
          <attvalue for="wijk" value="De Sluis"/></attvalues>
      </node>
      <node id="2" label="Somalische moeders">
        <attvalues><attvalue for="soort" value="{GROUP}"/>
          <attvalue for="gezinnen" value="40"/></attvalues>
      </node>
    </nodes>
    <edges>
      <edge id="0" source="1" target="0" weight="1.0">
        <attvalues><attvalue for="vertrouwen" value="4.5"/></attvalues>
      </edge>
      <edge id="1" source="1" target="2" weight="1.0"/>
    </edges>
  </graph>
</gexf>
""".encode()


def graphml() -> bytes:
    """GraphML as Gephi exports it (keys ``d0``...)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="label" attr.type="string" for="node" id="label"/>
  <key attr.name="Soort" attr.type="string" for="node" id="d0"/>
  <key attr.name="Gezinnen" attr.type="int" for="node" id="d1"/>
  <key attr.name="Weight" attr.type="double" for="edge" id="weight"/>
  <graph edgedefault="undirected">
    <node id="w"><data key="label">Wijkteam De Sluis</data><data key="d0">{FORMAL}</data></node>
    <node id="m"><data key="label">Moskee Nuur</data><data key="d0">{INFORMAL}</data></node>
    <node id="s"><data key="label">Somalische moeders</data><data key="d0">{GROUP}</data>
      <data key="d1">40</data></node>
    <edge source="m" target="w"><data key="weight">1.0</data></edge>
    <edge source="s" target="m"><data key="weight">1.0</data></edge>
  </graph>
</graphml>
""".encode()


def gephi_csv() -> list[tuple[str, bytes]]:
    """Gephi's Data Laboratory node and edge tables (``;``, as on gephi.org)."""
    nodes = ("Id;Label;Soort;Gezinnen\r\n"
             f"w;Wijkteam De Sluis;{FORMAL};\r\n"
             f"m;Moskee Nuur;{INFORMAL};\r\n"
             f"s;\"Somalische moeders\";{GROUP};40\r\n")
    edges = ("Source;Target;Type;Weight\r\n"
             "m;w;Undirected;1\r\n"
             "m;s;Undirected;1\r\n")
    return [("nodes.csv", nodes.encode("utf-8-sig")), ("edges.csv", edges.encode("utf-8"))]


def polinode_workbook() -> bytes:
    """Polinode's Nodes/Edges workbook (``Name`` identifies a node)."""
    return workbook({
        "Nodes": [["Name", "Type", "Neighbourhood", "Families"],
                  ["Wijkteam De Sluis", FORMAL, "De Sluis", None],
                  ["Moskee Nuur", INFORMAL, "De Sluis", None],
                  ["Somalische moeders", GROUP, "De Sluis", 40]],
        "Edges": [["Source", "Target", "Weight"],
                  ["Moskee Nuur", "Wijkteam De Sluis", 1],
                  ["Moskee Nuur", "Somalische moeders", 1]],
    })


def network_canvas() -> bytes:
    """A Network Canvas GraphML export: UUID keys, ``nc`` namespace, parallel typed edges."""
    t_key = "1a2b3c4d-0000-4000-8000-000000000001"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
  <graphml
    xmlns="http://graphml.graphdrawing.org/xmlns"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns
    http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
    xmlns:nc="http://schema.networkcanvas.com/xmlns">
<key id="label" attr.name="label" attr.type="string" for="all"/>
<key id="networkCanvasType" attr.name="networkCanvasType" attr.type="string" for="all"/>
<key id="networkCanvasUUID" attr.name="networkCanvasUUID" attr.type="string" for="all"/>
<key id="{t_key}" attr.name="name" attr.type="string" for="node"/>
<key id="6621dc88-9cde-43a1-85ec-6fc7689b2211" attr.name="families" attr.type="int" for="node"/>
<key id="networkCanvasTargetUUID" attr.name="networkCanvasTargetUUID" attr.type="string"
  for="edge"/>
<key id="networkCanvasSourceUUID" attr.name="networkCanvasSourceUUID" attr.type="string"
  for="edge"/>
<graph
  edgedefault="undirected"
  nc:caseId="case_1"
  nc:sessionUUID="86e8cd5e-f908-49bc-9313-465a72e334fa"
  nc:protocolName="Wijknetwerk_Protocol"
>
<node id="1">
\t<data key="networkCanvasUUID">38eea03a-de1e-4a0b-bd22-9424cd1d9011</data>
\t<data key="networkCanvasType">Professional</data>
\t<data key="label">Wijkteam De Sluis</data>
\t<data key="{t_key}">Wijkteam De Sluis</data>
</node>
<node id="2">
\t<data key="networkCanvasUUID">21fc603a-34af-42eb-a317-14b9f04d811f</data>
\t<data key="networkCanvasType">Community</data>
\t<data key="label">Moskee Nuur</data>
</node>
<node id="3">
\t<data key="networkCanvasUUID">b22bcff1-e4b9-4aa8-b4cd-0667a1f19ea9</data>
\t<data key="networkCanvasType">Parents</data>
\t<data key="label">Somalische moeders</data>
\t<data key="6621dc88-9cde-43a1-85ec-6fc7689b2211">40</data>
</node>
<edge id="4" source="2" target="1">
\t<data key="networkCanvasType">Refers</data>
</edge>
<edge id="5" source="1" target="2">
\t<data key="networkCanvasType">Trusts</data>
</edge>
<edge id="6" source="2" target="3">
\t<data key="networkCanvasType">Reaches</data>
</edge>
<edge id="7" source="3" target="2">
\t<data key="networkCanvasType">Reaches</data>
</edge>
</graph>
</graphml>
""".encode()


# --------------------------------------------------------------------------- directed files
#
# One directed district in each tool's way of writing direction: Wijkteam (formal) and
# Moskee Nuur (informal) name each other, with different trust (two ratings); the
# Vrouwennetwerk (informal) names the mosque, not the other way round (one-way); the
# Wijkteam and the Vrouwennetwerk have an undirected link; the mosque reaches Somalische
# moeders and they name the mosque too (both ways: one reach link); Turkse vaders name
# the Vrouwennetwerk (a link from a group: reach of the Vrouwennetwerk).

DIRECTED_NODES = [("w", "Wijkteam De Sluis", FORMAL), ("m", "Moskee Nuur", INFORMAL),
                  ("v", "Vrouwennetwerk", INFORMAL), ("s", "Somalische moeders", GROUP),
                  ("t", "Turkse vaders", GROUP)]
DIRECTED_EDGES = [("m", "w", "directed", 4), ("w", "m", "directed", 2),
                  ("v", "m", "directed", 5), ("w", "v", "undirected", 3),
                  ("m", "s", "directed", None), ("s", "m", "directed", None),
                  ("t", "v", "directed", None)]
"""``(source, target, direction, trust)``: 4 collaboration rows and 2 reach links."""


def directed_gexf() -> bytes:
    """GEXF 1.3 with ``defaultedgetype="directed"`` and one edge ``type="undirected"``."""
    nodes = "".join(f'<node id="{i}" label="{label}"><attvalues><attvalue for="soort" '
                    f'value="{kind}"/></attvalues></node>' for i, label, kind in DIRECTED_NODES)
    edges = ""
    for n, (a, b, way, trust) in enumerate(DIRECTED_EDGES):
        kind = ' type="undirected"' if way == "undirected" else ""
        value = (f'<attvalues><attvalue for="trust" value="{trust}"/></attvalues>'
                 if trust is not None else "")
        edges += f'<edge id="{n}" source="{a}" target="{b}"{kind}>{value}</edge>'
    return (f'<?xml version="1.0" encoding="UTF-8"?><gexf xmlns="http://gexf.net/1.3" '
            f'version="1.3"><graph defaultedgetype="directed"><attributes class="node">'
            f'<attribute id="soort" title="Soort" type="string"/></attributes>'
            f'<attributes class="edge"><attribute id="trust" title="Vertrouwen" '
            f'type="double"/></attributes><nodes>{nodes}</nodes><edges>{edges}</edges>'
            f"</graph></gexf>").encode()


def directed_graphml() -> bytes:
    """GraphML with ``edgedefault="directed"`` and one edge ``directed="false"``."""
    nodes = "".join(f'<node id="{i}"><data key="label">{label}</data><data key="d0">{kind}'
                    f"</data></node>" for i, label, kind in DIRECTED_NODES)
    edges = ""
    for a, b, way, trust in DIRECTED_EDGES:
        flag = ' directed="false"' if way == "undirected" else ""
        value = f'<data key="d1">{trust}</data>' if trust is not None else ""
        edges += f'<edge source="{a}" target="{b}"{flag}>{value}</edge>'
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
            '<key id="label" for="node" attr.name="label" attr.type="string"/>'
            '<key id="d0" for="node" attr.name="Soort" attr.type="string"/>'
            '<key id="d1" for="edge" attr.name="trust" attr.type="double"/>'
            f'<graph edgedefault="directed">{nodes}{edges}</graph></graphml>').encode()


def directed_kumu_workbook() -> bytes:
    """Kumu's workbook with a ``Direction`` column (Kumu docs: directed/undirected/mutual)."""
    names = {i: label for i, label, _ in DIRECTED_NODES}
    return workbook({
        "Elements": [["Label", "Type"], *[[label, kind] for _, label, kind in DIRECTED_NODES]],
        "Connections": [["From", "To", "Direction", "Trust"],
                        *[[names[a], names[b], way, trust]
                          for a, b, way, trust in DIRECTED_EDGES]],
    })


def directed_gephi_csv() -> list[tuple[str, bytes]]:
    """Gephi's node and edge tables with ``Type`` ``Directed``/``Undirected`` per edge."""
    nodes = "Id;Label;Soort\r\n" + "".join(f"{i};{label};{kind}\r\n"
                                           for i, label, kind in DIRECTED_NODES)
    edges = "Source;Target;Type;Trust\r\n" + "".join(
        f"{a};{b};{way.capitalize()};{'' if trust is None else trust}\r\n"
        for a, b, way, trust in DIRECTED_EDGES)
    return [("nodes.csv", nodes.encode()), ("edges.csv", edges.encode())]


def polinode_directed_workbook() -> bytes:
    """A Polinode workbook (docs.polinode.com "Networks": Nodes and Edges sheets).

    Made to the documented layout, not exported by Polinode: no real Polinode
    file was found. ``Direction`` is our assumption (the docs do not say how a
    direction is written); without it the links are undirected.
    """
    names = {i: label for i, label, _ in DIRECTED_NODES}
    return workbook({
        "Nodes": [["Name", "Type"], *[[label, kind] for _, label, kind in DIRECTED_NODES]],
        "Edges": [["Source", "Target", "Direction", "Trust"],
                  *[[names[a], names[b], way, trust] for a, b, way, trust in DIRECTED_EDGES]],
    })
