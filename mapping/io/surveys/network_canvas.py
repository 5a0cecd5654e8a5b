"""Network Canvas CSV exports as one respondents table (one interview = one organisation).

Network Canvas (Interviewer, Fresco) exports every interview as CSV files
named ``<caseId>_<sessionId>_<part>.csv``, with the columns its exporter writes:

* ``…_ego.csv``: ``networkCanvasEgoUUID``, ``networkCanvasCaseID``,
  ``networkCanvasSessionID``, ``networkCanvasProtocolName``, ``sessionStart``,
  ``sessionFinish``, ``sessionExported``, then the ego variables by name
  (older, merged exports: ``_egoID``);
* ``…_attributeList_<NodeType>.csv``: ``nodeID`` (restarts at 1 in every
  interview), ``networkCanvasEgoUUID``, ``networkCanvasUUID``, then the node
  variables by name; the ego's answers *about* a node (trust, shared goals...)
  are node variables;
* ``…_edgeList_<EdgeType>.csv``: ``edgeID``, ``from``, ``to``,
  ``networkCanvasEgoUUID``, ``networkCanvasUUID``, ``networkCanvasSourceUUID``,
  ``networkCanvasTargetUUID``, then the edge variables.

A categorical (multiple choice) variable is one ``<name>_<option>`` column
per option holding ``true``/``false``. Several interviews' files are read at
once and joined on ``networkCanvasEgoUUID`` (never on ``nodeID``).

The result is the shape every other tool gives (:class:`SurveyTable`): the
egos are the main sheet (``_index`` = the ego's UUID); a node type whose name
says parent groups (``ParentGroup``, ``Oudergroep``) becomes a ``;``-joined list
column of the ego's groups on the main sheet (and ``<variable> [<group>]``
columns for its variables, e.g. topics); every other node type is a repeat
sheet with one row per partner (``_parent_index`` = the ego's UUID); an edge
between two partners the ego drew is a collaboration the ego reported. So the
guess, the mapping form and the build are the same as for any export.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from mapping.domain import schema as sc
from mapping.io.load import read_csv_rows
from mapping.io.surveys.answers import _FALSE, _TRUE, _plain
from mapping.io.surveys.catalog import _say
from mapping.io.surveys.formats import _sheet
from mapping.io.surveys.table import Sheet, SurveyTable
from mapping.io.validate import Collector

_PART = re.compile(r"_(ego|attributelist|edgelist)(?:_(?P<type>[^.]+))?\.csv$", re.I)
_GROUP_TYPE = re.compile(r"\b(oudergroep\w*|ouders|parent ?groups?|parents|doelgroep\w*|"
                         r"groups? of parents)\b")
_NAME_COLUMNS = ("name", "naam", "label", "organisatie", "organisation", "organization")
EGO = "networkcanvasegouuid"


def _norm(header: Sequence[str]) -> set[str]:
    return {sc.normalise_header(h) for h in header}


def _part(name: str, header: Sequence[str]) -> tuple[str | None, str]:
    """``ego``, ``alters`` or ``edges`` (or ``None``), and the node or edge type."""
    found = _PART.search(Path(name).name)
    norm = _norm(header)
    if found:
        kind = {"ego": "ego", "attributelist": "alters", "edgelist": "edges"}[
            found.group(1).lower()]
        return kind, found.group("type") or ("Node" if kind == "alters" else "Edge")
    if {"networkcanvassourceuuid", "networkcanvastargetuuid"} <= norm:
        return "edges", "Edge"
    if "nodeid" in norm and EGO in norm:
        return "alters", "Node"
    if EGO in norm or "egoid" in norm:
        return "ego", ""
    return None, ""


def is_network_canvas(files: Sequence[tuple[str, bytes]]) -> bool:
    """Whether these files are a Network Canvas CSV export (by name or by header)."""
    for name, data in files:
        if _PART.search(Path(name).name):
            return True
        head = data[:4096].split(b"\n", 1)[0].lower()
        if b"networkcanvasegouuid" in head:
            return True
    return False


def _label(type_name: str) -> str:
    """``ParentGroup`` -> ``Parent Group`` (so question words match type names)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type_name).replace("_", " ").strip()


def _ticks(values: list[str]) -> bool:
    filled = [v for v in values if v.strip()]
    return bool(filled) and all(sc.normalise_header(v) in _TRUE | _FALSE for v in filled)


def _collapse(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """``<name>_<option>`` true/false columns (a categorical variable) as one ``;`` list."""
    ticks = [i for i, h in enumerate(header) if _ticks([r[i] for r in rows if i < len(r)])]
    groups: dict[str, list[int]] = {}
    for i in ticks:
        parts = header[i].split("_")
        for cut in range(len(parts) - 1, 0, -1):  # the longest prefix another tick column shares
            prefix = "_".join(parts[:cut])
            if sum(header[j].startswith(prefix + "_") for j in ticks) >= 2:
                groups.setdefault(prefix, []).append(i)
                break
    grouped = {i for members in groups.values() for i in members}
    out_header = [h for i, h in enumerate(header) if i not in grouped] + list(groups)
    out_rows = []
    for r in rows:
        cells = [c for i, c in enumerate(r) if i not in grouped]
        for prefix, members in groups.items():
            chosen = [header[i][len(prefix) + 1:] for i in members
                      if i < len(r) and sc.normalise_header(r[i]) in _TRUE]
            cells.append(";".join(chosen))
        out_rows.append(cells)
    return out_header, out_rows


def _records(header: list[str], rows: list[list[str]]) -> list[dict[str, str]]:
    return [{h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(header)}
            for r in rows]


def _pick(header: list[str], *names: str) -> str | None:
    by_norm = {sc.normalise_header(h): h for h in header}
    return next((by_norm[n] for n in names if n in by_norm), None)


def _union(headers: list[list[str]]) -> list[str]:
    return list(dict.fromkeys(h for header in headers for h in header))


def read_network_canvas(files: Sequence[tuple[str, bytes]], lang: str = "nl"
                        ) -> tuple[SurveyTable | None, Collector]:
    """Read several interviews' Network Canvas CSV files into one :class:`SurveyTable`."""
    col = Collector("en" if lang == "en" else "nl")
    parts: dict[str, list[tuple[str, str, list[str], list[list[str]], list[int]]]] = {
        "ego": [], "alters": [], "edges": []}
    for name, data in files:
        label = Path(name).name
        read = read_csv_rows(label, data, col)
        if read is None:
            continue
        header, rows, numbers, _delimiter = read
        header = [h.strip().lstrip("\ufeff") for h in header]
        kind, type_name = _part(label, header)
        if kind is None:
            col.warning("file_unknown", label, expected="_ego.csv, _attributeList_<Type>.csv, "
                                                        "_edgeList_<Type>.csv")
            continue
        header, rows = _collapse(header, rows) if kind != "edges" else (header, rows)
        parts[kind].append((label, type_name, header, rows, numbers))
    if col.errors:
        return None, col
    if not parts["ego"]:
        _say(col, "error", "nc_no_ego", ", ".join(Path(n).name for n, _ in files)[:200],
             None, None)
        return None, col
    # The egos: one main-sheet row per interview, keyed by its UUID.
    ego_header = ["_index", *_union([p[2] for p in parts["ego"]])]
    ego_rows: list[dict[str, str]] = []
    where: list[tuple[str, int]] = []
    for label, _t, header, rows, numbers in parts["ego"]:
        key = _pick(header, EGO, "egoid")
        for record, number in zip(_records(header, rows), numbers, strict=True):
            record["_index"] = record.get(key or "", "") or f"{label}#{number}"
            ego_rows.append(record)
            where.append((label, number))
    known = {r["_index"]: n for n, r in enumerate(ego_rows)}
    # The alters: parent groups as list columns of their ego, other types as repeat sheets.
    names: dict[tuple[str, str], str] = {}  # (ego, node UUID) -> name
    repeats: dict[str, tuple[list[str], list[dict[str, str]], list[tuple[str, int]]]] = {}
    for label, type_name, header, rows, numbers in parts["alters"]:
        name_col = _pick(header, *_NAME_COLUMNS) or next(
            (h for h in header if sc.normalise_header(h) not in (
                "nodeid", EGO, "networkcanvasuuid")), None)
        ego_col = _pick(header, EGO, "egoid")
        uuid_col = _pick(header, "networkcanvasuuid")
        is_group = bool(_GROUP_TYPE.search(_plain(_label(type_name))))
        shown = _label(type_name)
        for record, number in zip(_records(header, rows), numbers, strict=True):
            ego = record.get(ego_col or "", "")
            name = record.get(name_col or "", "")
            if ego not in known:
                _say(col, "warning", "nc_unknown_ego", label, number, ego_col, ego, value=ego)
                continue
            if uuid_col and name:
                names[(ego, record[uuid_col])] = name
            if not name:
                continue
            if is_group:
                row = ego_rows[known[ego]]
                row[shown] = ";".join(filter(None, [row.get(shown, ""), name]))
                if shown not in ego_header:
                    ego_header.append(shown)
                for var in header:
                    if var in (name_col, ego_col, uuid_col) or sc.normalise_header(var) == \
                            "nodeid" or not record.get(var):
                        continue
                    column = f"{var} [{name}]"
                    row[column] = record[var]
                    if column not in ego_header:
                        ego_header.append(column)
                continue
            columns, out, at = repeats.setdefault(type_name, (
                ["_parent_index", f"{shown}: name"], [], []))
            entry = {"_parent_index": ego, f"{shown}: name": name}
            for var in header:
                if var in (name_col, ego_col) or sc.normalise_header(var) in (
                        "nodeid", "networkcanvasuuid"):
                    continue
                entry[var] = record.get(var, "")
                if var not in columns:
                    columns.append(var)
            out.append(entry)
            at.append((label, number))
    # The sheets, built as any export's (headers split, columns keyed).
    main = _joined_sheet("", ego_header, ego_rows, where, lang)
    sheets = [_joined_sheet(t, cols, out, at, lang) for t, (cols, out, at) in repeats.items()]
    table = SurveyTable("network-canvas", parts["ego"][0][0] if len(parts["ego"]) == 1
                        else "Network Canvas", main, sheets)
    # Links between two partners the ego drew: collaborations the ego reported.
    for label, _t, header, rows, numbers in parts["edges"]:
        ego_col = _pick(header, EGO, "egoid")
        source_col = _pick(header, "networkcanvassourceuuid")
        target_col = _pick(header, "networkcanvastargetuuid")
        for record, number in zip(_records(header, rows), numbers, strict=True):
            ego = record.get(ego_col or "", "")
            ends = [names.get((ego, record.get(c or "", ""))) for c in (source_col, target_col)]
            if ego not in known:
                _say(col, "warning", "nc_unknown_ego", label, number, ego_col, ego, value=ego)
            elif None in ends:
                missing = record.get(source_col or "", "") if ends[0] is None else \
                    record.get(target_col or "", "")
                _say(col, "warning", "nc_unknown_node", label, number,
                     source_col if ends[0] is None else target_col, missing, value=missing)
            else:
                table.links.append((ego, str(ends[0]), str(ends[1]), label, number))
    return table, col


def _joined_sheet(name: str, header: list[str], records: list[dict[str, str]],
                  where: list[tuple[str, int]], lang: str) -> Sheet:
    """One sheet of rows from several files; each row remembers its file and row number."""
    rows = [header, *[[r.get(h, "") for h in header] for r in records]]
    numbers = [1, *[n for _f, n in where]]
    label = name or "interviews"
    sheet = _sheet("network-canvas", name, label, rows, numbers)
    sheet.files = [f for f, _n in where]
    return sheet
