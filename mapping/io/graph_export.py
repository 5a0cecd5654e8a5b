"""A district in the files the field opens: Gephi, Kumu, Polinode, Dutch Excel.

* **GEXF 1.3** and **GraphML**: one node per organisation and parent group,
  one edge per reach link and per collaborating pair (ratings merged, as the
  dashboard shows them). Nodes carry ``type`` (``formal``/``informal``/
  ``parent_group``), ``kind``, ``category``, the group's coverage class,
  distance and routes, the organisation's degree and betweenness and its mean
  of each of the four conditions; collaboration edges carry the four
  conditions, their rater counts and the quality. Both read back with
  networkx (``read_gexf(version="1.3")``, ``read_graphml``) and GraphML with
  igraph; they open in Gephi.
* **Kumu** workbook: ``Elements`` (``ID``, ``Label``, ``Type``...) and
  ``Connections`` (``From``, ``To``, ``Type``...), list cells joined with
  ``|`` as Kumu reads them. **Polinode** workbook: ``Nodes`` and ``Edges``.
* **Dutch-Excel CSV** (``csv-nl``): a zip with every table and every result
  (coverage per group, link and organisation quality, measures), each with
  ids, as ``;``-separated UTF-8 with BOM and decimal comma, which Dutch Excel
  opens by double-click; plus the same tables in one XLSX.

Every CSV and XLSX cell that begins with ``=``, ``+``, ``-``, ``@``, tab or
carriage return is neutralised by :func:`_safe` (a leading ``'``; OWASP ASVS
5.0 1.2.10), so a name typed as a formula stays text in Excel; numbers stay
numbers. XLSX cells are written as values, never formulas.

A **research export** (:func:`research_dataset`) leaves out fields that may
name people (``contact``, ``reported_by``), blanks the ratings of pairs with
fewer than :data:`MIN_RATERS` raters and the family counts of groups under a
threshold, and says so in a README sheet (or the file's description).

The GEXF and GraphML writers live in :mod:`mapping.io.graph_formats.xml_writers`,
the research export in :mod:`mapping.io.graph_formats.research`; this module
keeps their public names, the tables and workbooks, and the command line.
"""

from __future__ import annotations

import argparse
import io
import math
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from mapping.analysis import graph as g
from mapping.analysis import quality
from mapping.domain.dataset import CONDITIONS, TABLES, Dataset
from mapping.io.graph_formats.research import (
    MIN_FAMILIES,
    MIN_RATERS,
    README,
    Suppression,
    research_dataset,
)
from mapping.io.graph_formats.xml_writers import ILLEGAL_XML, to_gexf, to_graphml
from mapping.io.write import (
    csv_line,
    header_names,
    localised,
    neutralise,
    table_file_name,
)

__all__ = ["FORMATS", "MIME", "MIN_FAMILIES", "MIN_RATERS", "NODE_TYPES", "README", "SUFFIX",
           "Suppression", "csv_nl_bytes", "csv_zip_bytes", "export_bytes", "file_name",
           "kumu_sheets", "network_tables", "polinode_sheets", "read_back", "register",
           "research_dataset", "result_tables", "run_export", "to_gexf", "to_graphml",
           "workbook_bytes"]

FORMATS: tuple[str, ...] = ("gexf", "graphml", "kumu", "polinode", "csv-nl")
"""Formats :func:`export_bytes` writes."""

SUFFIX = {"gexf": ".gexf", "graphml": ".graphml", "kumu": "-kumu.xlsx",
          "polinode": "-polinode.xlsx", "csv-nl": "-csv-nl.zip"}
MIME = {"gexf": "application/xml", "graphml": "application/xml",
        "kumu": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "polinode": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv-nl": "application/zip"}

NODE_TYPES = {"formal": "formal", "informal": "informal", "group": "parent_group"}
"""Value of the ``type`` attribute per node kind (import these with the same mapping)."""


def _safe(value: Any) -> Any:
    """One cell for CSV or XLSX by the one rule, :func:`mapping.io.write.neutralise`."""
    return neutralise(value)


# --------------------------------------------------------------------------- network tables


def _plain(value: Any) -> Any:
    """A value for a file: lists joined with ``|``, missing as ``None``, numpy as Python."""
    if isinstance(value, (tuple, list)):
        return "|".join(str(v) for v in value) if value else None
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _node_ids(dataset: Dataset) -> dict[str, str]:
    """Graph key -> id in the file: the own id, prefixed only when an org and a group share one."""
    orgs = set(dataset.organisations["id"].astype(str))
    groups = set(dataset.parent_groups["id"].astype(str))
    clash = bool(orgs & groups)
    ids = {g.org_node(i): (f"o:{i}" if clash else i) for i in orgs}
    ids.update({g.group_node(i): (f"g:{i}" if clash else i) for i in groups})
    return ids


def network_tables(dataset: Dataset, min_quality: float | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per node and one per edge, with every attribute the graph formats carry.

    Node columns: ``id``, ``label``, ``type`` (:data:`NODE_TYPES`), the
    table's own columns, then ``coverage``, ``distance``, ``routes``,
    ``fragile`` (groups) and ``degree``, ``betweenness``, the four conditions
    and ``quality`` (organisations). Edge columns: ``source``, ``target``,
    ``type`` (``reach``/``collaboration``) and the link's attributes.
    """
    from mapping.analysis.coverage import compute, network_from_graph
    from mapping.analysis.measures import betweenness

    graph = g.build_graph(dataset)
    cov = compute(network_from_graph(graph, min_quality))
    collab = g.collaboration_graph(graph, min_quality)
    degree = dict(collab.degree())
    between = betweenness(collab)["values"]
    profile = quality.organisation_profile(dataset).set_index("id")
    ids = _node_ids(dataset)
    nodes: list[dict[str, Any]] = []
    for key, data in graph.nodes(data=True):
        row: dict[str, Any] = {"id": ids[key], "label": data.get("name") or data["id"]}
        if data["type"] == g.ORG:
            row["type"] = NODE_TYPES[data.get("kind") or "informal"]
        else:
            row["type"] = NODE_TYPES["group"]
        row.update({k: _plain(v) for k, v in data.items() if k not in ("type", "id", "name")})
        if data["type"] == g.GROUP:
            gc = cov.groups.get(data["id"])
            if gc is not None:
                row.update(coverage=gc.coverage, distance=gc.distance, routes=gc.routes,
                           fragile=gc.fragile)
        else:
            row.update(degree=int(degree.get(key, 0)), betweenness=float(between.get(key, 0.0)))
            if data["id"] in profile.index:
                means = profile.loc[data["id"]]
                for c in (*CONDITIONS, "quality"):
                    row[c] = _plain(float(means[c]))
        nodes.append(row)
    edges: list[dict[str, Any]] = []
    for u, v, data in graph.edges(data=True):
        row = {"source": ids[u], "target": ids[v], "type": data["type"]}
        if data["type"] == g.REACH:
            if graph.nodes[u]["type"] == g.GROUP:  # reach always runs organisation -> group
                row["source"], row["target"] = ids[v], ids[u]
            row.update({k: _plain(x) for k, x in data.items() if k != "type"})
        else:
            row.update(form=_plain(data.get("forms")), raters=data.get("raters"))
            for c in CONDITIONS:
                row[c] = _plain(data.get(c))
                row[f"{c}_n"] = data.get(f"{c}_n")
            row["quality"] = _plain(data.get("quality"))
        edges.append(row)
    return _frame(nodes), _frame(edges)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return pd.DataFrame([[r.get(c) for c in columns] for r in rows], columns=columns,
                        dtype=object)



# --------------------------------------------------------------------------- workbooks and CSV


def _xlsx_cell(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, str):
        return _safe(ILLEGAL_XML.sub("", value))
    return value


def workbook_bytes(sheets: Sequence[tuple[str, pd.DataFrame]],
                   readme: Sequence[str] = ()) -> bytes:
    """An XLSX workbook of ``(sheet name, table)``: values only, every text cell neutralised."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, frame in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append([_xlsx_cell(str(c)) for c in frame.columns])
        # _xlsx_cell neutralises every text that starts like a formula, so openpyxl
        # stores each string as text (it only makes formulas of strings starting "=").
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_xlsx_cell(v) for v in row])
    if readme:
        sheet = book.create_sheet("README (ignore)")
        for line in readme:
            sheet.append([_xlsx_cell(line)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    from mapping.io.write import cell_text

    value = _plain(value)
    return "" if value is None else cell_text(_safe(value), decimal_comma=True)


def csv_nl_bytes(frame: pd.DataFrame, headers: Sequence[str] | None = None) -> bytes:
    """One table as Dutch-Excel CSV: ``;``, decimal comma, CRLF, UTF-8 with BOM."""
    lines = [csv_line([_csv_cell(h) for h in (headers or [str(c) for c in frame.columns])],
                      ";", "\r\n")]
    lines += [csv_line([_csv_cell(v) for v in row], ";", "\r\n")
              for row in frame.itertuples(index=False, name=None)]
    return "".join(lines).encode("utf-8-sig")


def result_tables(dataset: Dataset, min_quality: float | None = None
                  ) -> list[tuple[str, pd.DataFrame]]:
    """Every table and result with ids.

    The four tables (Dutch headers), coverage per group and per neighbourhood,
    the organisations coverage depends on (brokers), collaboration quality per
    link and per organisation, and the network measures.
    """
    from mapping.analysis.brokers import brokers
    from mapping.analysis.coverage import CLASSES, compute, network_from_graph
    from mapping.analysis.coverage_summary import coverage_table, neighbourhood_shares
    from mapping.analysis.measures import betweenness

    graph = g.build_graph(dataset)
    tables: list[tuple[str, pd.DataFrame]] = []
    for table in TABLES:
        frame = localised(dataset.table(table), "nl")
        frame = frame.set_axis(header_names(table, list(frame.columns), "nl"), axis=1)
        tables.append((table_file_name(table, "nl"), frame))
    coverage = compute(network_from_graph(graph, min_quality))
    tables.append(("dekking", coverage_table(coverage)))
    hoods = neighbourhood_shares(coverage)
    tables.append(("dekking_per_wijk", pd.DataFrame([{
        "neighbourhood": h["neighbourhood"], "name": h["name"], "groups": h["groups"],
        "families": h["families"], "share": h["share"],
        **{f"{c}_{unit}": h[c][unit] for c in CLASSES for unit in ("groups", "families")},
    } for h in hoods])))
    tables.append(("makelaars", pd.DataFrame(
        [{k: tuple(v) if isinstance(v, list) else v for k, v in b.items()}
         for b in brokers(coverage)],
        columns=["id", "name", "kind", "worse_groups", "worse_families", "route_groups",
                 "route_families", "sole_bridge_for", "sole_bridge"])))
    links = quality.link_quality(dataset)
    tables.append(("kwaliteit_samenwerkingen", links))
    tables.append(("kwaliteit_organisaties", quality.organisation_profile(dataset, links)))
    collab = g.collaboration_graph(graph, min_quality)
    between = betweenness(collab)["values"]
    ids = {n: d["id"] for n, d in collab.nodes(data=True)}
    tables.append(("netwerkmaten", pd.DataFrame({
        "id": [ids[n] for n in collab.nodes],
        "name": [collab.nodes[n].get("name") for n in collab.nodes],
        "degree": [collab.degree(n) for n in collab.nodes],
        "betweenness": [between.get(n, 0.0) for n in collab.nodes]})))
    return tables


def csv_zip_bytes(dataset: Dataset, readme: Sequence[str] = (),
                  min_quality: float | None = None) -> bytes:
    """A zip of Dutch-Excel CSVs of :func:`result_tables`, plus all of them in one XLSX."""
    tables = result_tables(dataset, min_quality)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables:
            archive.writestr(f"{name}.csv", csv_nl_bytes(frame))
        archive.writestr("wijknetwerk.xlsx", workbook_bytes(tables, readme))
        if readme:
            archive.writestr("LEESMIJ-README.txt", ("\r\n".join(readme) + "\r\n").encode(
                "utf-8-sig"))
    return buffer.getvalue()


def kumu_sheets(nodes: pd.DataFrame, edges: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Kumu's Elements (``ID``, ``Label``, ``Type``...) and Connections (``From``, ``To``...)."""
    elements = nodes.rename(columns={"id": "ID", "label": "Label", "type": "Type"})
    connections = edges.rename(columns={"source": "From", "to": "To", "target": "To",
                                        "type": "Type"})
    return [("Elements", elements), ("Connections", connections)]


def polinode_sheets(nodes: pd.DataFrame, edges: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Polinode's Nodes (``Id``, ``Name``...) and Edges (``Source``, ``Target``...)."""
    return [("Nodes", nodes.rename(columns={"id": "Id", "label": "Name", "type": "Type"})),
            ("Edges", edges.rename(columns={"source": "Source", "target": "Target",
                                            "type": "Type"}))]


def export_bytes(dataset: Dataset, fmt: str, *, research: bool = False,
                 min_families: int = MIN_FAMILIES, lang: str = "nl",
                 min_quality: float | None = None) -> bytes:
    """``dataset`` in format ``fmt`` (one of :data:`FORMATS`).

    Parameters
    ----------
    dataset
        The district.
    fmt
        ``gexf``, ``graphml``, ``kumu``, ``polinode`` or ``csv-nl``.
    research
        Write a research export (:func:`research_dataset`), with a README.
    min_families
        Research export: family counts under this number are blanked.
    lang
        Language of the README lines.
    min_quality
        Collaborations that count as links for coverage and measures.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    readme: list[str] = []
    if research:
        dataset, suppressed = research_dataset(dataset, min_families)
        readme = suppressed.readme(lang)
    if fmt == "csv-nl":
        return csv_zip_bytes(dataset, readme, min_quality)
    nodes, edges = network_tables(dataset, min_quality)
    if fmt == "gexf":
        return to_gexf(nodes, edges, " ".join(readme) or dataset.name)
    if fmt == "graphml":
        return to_graphml(nodes, edges, " ".join(readme) or dataset.name)
    sheets = kumu_sheets(nodes, edges) if fmt == "kumu" else polinode_sheets(nodes, edges)
    return workbook_bytes(sheets, readme)


def file_name(dataset: Dataset, fmt: str) -> str:
    """A download name: the dataset's name plus the format's suffix."""
    stem = re.sub(r"[^\w.-]+", "-", dataset.name).strip("-") or "wijknetwerk"
    return stem + SUFFIX[fmt]


def read_back(data: bytes, fmt: str) -> nx.Graph:
    """A GEXF or GraphML export read with networkx (as Gephi users' scripts do)."""
    buffer = io.BytesIO(data)
    if fmt == "gexf":
        return nx.read_gexf(buffer, version="1.3")
    return nx.read_graphml(buffer)


# --------------------------------------------------------------------------- command line


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI: ``python -m mapping export-graph PATH --format F --out FILE [--research]``."""
    parser = sub.add_parser(
        "export-graph", help="export for Gephi, Kumu, Polinode or Dutch Excel",
        description="Exit status: 0 written, 1 the data has errors, 2 usage error.")
    parser.add_argument("path", help="folder of CSV files, XLSX workbook or single file")
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--out", required=True, help="file to write")
    parser.add_argument("--research", action="store_true",
                        help="leave out personal fields and suppress small cells")
    parser.add_argument("--min-families", type=int, default=MIN_FAMILIES)
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    return "export-graph", run_export


def run_export(args: argparse.Namespace) -> int:
    """Load ``args.path`` and write it in ``args.format`` to ``args.out``."""
    from mapping.io.load import load_for_command

    dataset = load_for_command(args.path, args.lang)
    if dataset is None:
        return 1
    data = export_bytes(dataset, args.format, research=args.research,
                        min_families=args.min_families, lang=args.lang)
    try:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        print(f"{args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"{args.out}: {len(data)} bytes")
    return 0
