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

Directed links (GEXF, GraphML, Kumu's ``direction``, Gephi's ``Type``,
Polinode) keep their direction: see :mod:`mapping.io.graph_formats.links`.

The readers live in :mod:`mapping.io.graph_formats` (one module per family of
formats, the model, the mapping to tables); this module keeps the public names
and the command line.

XML is parsed with :mod:`defusedxml` (no DTDs, no entity expansion, no external
references). Sizes are checked against :data:`mapping.domain.limits.LIMITS` before
any parsing. The tables go through :func:`mapping.io.validate.validate_tables`,
so every problem comes back as an :class:`~mapping.io.validate.Issue` naming
file, row and column, in Dutch or English; nothing raises on bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mapping.domain.dataset import TABLES, Dataset
from mapping.domain.limits import LIMITS
from mapping.io.graph_formats.detect import (
    TOOL_FORMATS,
    check_counts,
    detect,
    read_graph,
    recognise,
)
from mapping.io.graph_formats.model import (
    MESSAGES,
    ROLES,
    Edge,
    Graph,
    ImportProblem,
    Mapping,
    Node,
    issue_text,
)
from mapping.io.graph_formats.sheet_readers import read_gephi_csv, read_kumu_json, read_workbook
from mapping.io.graph_formats.tables import (
    attribute_names,
    attribute_values,
    guess_type_field,
    to_tables,
)
from mapping.io.graph_formats.xml_readers import read_gexf, read_graphml
from mapping.io.load import LoadResult, format_result
from mapping.io.validate import Collector, Issue, validate_tables

__all__ = ["FORMATS", "LIMITS", "MESSAGES", "ROLES", "TOOL_FORMATS", "Edge", "Graph",
           "ImportProblem", "Mapping", "Node", "attribute_names", "attribute_values", "detect",
           "guess_type_field", "import_graph", "problem_message", "read_gephi_csv", "read_gexf",
           "read_graph", "read_graphml", "read_kumu_json", "read_workbook", "recognise",
           "register", "run_import", "to_tables"]

FORMATS: tuple[str, ...] = ("kumu", "kumu-json", "gexf", "graphml", "gephi-csv", "polinode")
"""Formats :func:`read_graph` recognises (Network Canvas GraphML is ``graphml``)."""


def problem_message(problem: ImportProblem, lang: str = "nl") -> str:
    """The message of a file that could not be read at all, in ``lang``."""
    return issue_text(problem.code, "en" if lang == "en" else "nl", **problem.params)


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
        check_counts(graph, source, col.lang)
        raws = to_tables(graph, mapping, col, source)
        if col.errors or not raws:
            return LoadResult(None, col.errors, col.warnings)
        counts = {t: len(raws[t].rows) for t in TABLES}
        counts["neighbourhoods"] = 0
        frames = validate_tables(raws, None, col, source=source)
    except ImportProblem as problem:
        col.errors.append(Issue(problem.file or source, None, None, None,
                                issue_text(problem.code, col.lang, **problem.params),
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


_ARGUMENTS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("files",), {"nargs": "+", "metavar": "FILE",
                  "help": "GEXF, GraphML, XLSX (Kumu/Polinode), Kumu JSON, or Gephi CSVs"}),
    (("--type-field",), {"required": True, "help": "node attribute holding the type"}),
    (("--formal",), {"default": "", "help": "values meaning formal organisation (V,V)"}),
    (("--informal",), {"default": "", "help": "values meaning informal organisation"}),
    (("--group",), {"default": "", "help": "values meaning parent group"}),
    (("--out",), {"required": True, "help": "folder for the CSV files"}),
    (("--lang",), {"choices": ("nl", "en"), "default": "nl"}),
)
"""The arguments of ``import-graph``, as data (one loop adds them)."""


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI: ``python -m mapping import-graph FILE --type-field F --formal V,V ... --out DIR``."""
    parser = sub.add_parser(
        "import-graph", help="import a Kumu, Gephi, Polinode or Network Canvas file",
        description="Map the values of one node attribute to formal organisation, informal "
                    "organisation and parent group; writes the four tables as CSV. Directed "
                    "links keep their direction (source -> target). "
                    "Exit status: 0 imported, 1 errors, 2 usage error.")
    for flags, options in _ARGUMENTS:
        parser.add_argument(*flags, **options)
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
