"""A :class:`Graph` under a :class:`Mapping` as the four raw tables of a district.

Nodes whose type value is mapped become organisations (``formal`` or
``informal``) or parent groups; every other node attribute becomes a column
(declared columns by their header, the rest as extra columns). Links become
reach or collaborations by :mod:`mapping.io.graph_formats.links`. The tables
are bounded by :data:`mapping.domain.limits.LIMITS` before validation.
"""

from __future__ import annotations

from mapping.domain import limits
from mapping.domain import schema as sc
from mapping.domain.limits import message as limit_message
from mapping.domain.limits import text_problem
from mapping.io.graph_formats.links import FIXED, Rows, columns, link_rows
from mapping.io.graph_formats.model import ROLES, Graph, Mapping, issue_text, norm_key
from mapping.io.validate import Collector, Issue, RawTable

_TYPE_NAMES = ("type", "elementtype", "networkcanvastype", "soort", "kind", "category",
               "categorie", "nodetype")

_TABLES = ("organisations", "parent_groups", "reach", "collaborations")
"""The tables a graph becomes (their names in a message: ``graph_import.table_<name>``)."""


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


def guess_type_field(graph: Graph) -> str | None:
    """The attribute that most likely holds the node type (for a form's first choice).

    A name tools use for it (``Type``, ``element type``, ``networkCanvasType``,
    ``Soort``...), else the attribute with the fewest distinct values (at least two).
    """
    names = attribute_names(graph)
    for want in _TYPE_NAMES:
        for name in names:
            if norm_key(name) == want:
                return name
    counts = [(len(attribute_values(graph, n)), n) for n in names]
    useful = [c for c in counts if c[0] >= 2]
    return min(useful)[1] if useful else (names[0] if names else None)


def _mapping_usable(graph: Graph, mapping: Mapping, col: Collector, source: str) -> bool:
    """False (with the errors in ``col``) for a mapping that maps nothing or a missing field."""
    if not (mapping.formal or mapping.informal or mapping.group):
        col.errors.append(Issue(source, None, None, None,
                                issue_text("no_mapping", col.lang, field=mapping.type_field),
                                code="no_mapping"))
        return False
    seen_values: dict[str, str] = {}
    for role in ROLES:
        for value in getattr(mapping, role):
            word = sc.normalise_word(value)
            if word in seen_values and seen_values[word] != role:
                col.errors.append(Issue(source, None, None, value,
                                        issue_text("value_twice", col.lang, value=value),
                                        code="value_twice"))
            seen_values[word] = role
    want = sc.normalise_header(mapping.type_field)
    if not any(norm_key(k) == want for n in graph.nodes for k in n.attrs):
        found = ", ".join(attribute_names(graph)[:12]) or "–"
        col.errors.append(Issue(source, None, mapping.type_field, None,
                                issue_text("type_field_missing", col.lang,
                                           field=mapping.type_field, found=found),
                                code="type_field_missing"))
        return False
    return True


def to_tables(graph: Graph, mapping: Mapping, col: Collector, source: str
              ) -> dict[str, RawTable]:
    """The four raw tables of ``graph`` under ``mapping``; problems go to ``col``."""
    if not _mapping_usable(graph, mapping, col, source):
        return {}
    want = sc.normalise_header(mapping.type_field)
    roles: dict[str, str] = {}
    names: dict[str, str] = {}
    rows: dict[str, Rows] = {"organisations": [], "parent_groups": []}
    files = {"organisations": "", "parent_groups": ""}
    unmapped: dict[str, int] = {}  # type value -> nodes
    unmapped_ids: set[str] = set()
    for node in graph.nodes:
        if not node.id.strip():
            col.errors.append(Issue(node.file, node.row, None, None,
                                    issue_text("node_no_id", col.lang), code="node_no_id"))
            continue
        if node.id in roles or node.id in unmapped_ids:
            col.warnings.append(Issue(node.file, node.row, None, node.id,
                                      issue_text("node_twice", col.lang, value=node.id),
                                      "warning", "node_twice"))
            continue
        type_key = next((k for k in node.attrs if norm_key(k) == want), None)
        value = node.attrs.get(type_key, "") if type_key else ""
        role = mapping.role(value)
        if role is None:
            unmapped_ids.add(node.id)
            unmapped[value] = unmapped.get(value, 0) + 1
            continue
        roles[node.id] = role
        label = next((node.attrs[k] for want_label in graph.label_keys for k in node.attrs
                      if norm_key(k) == want_label and node.attrs[k].strip()), "")
        names[node.id] = label or node.id
        table = "parent_groups" if role == "group" else "organisations"
        row = {"id": node.id, "name": names[node.id]}
        if role != "group":
            row["kind"] = role
        row.update(columns(table, node.attrs, {type_key or "", *graph.label_keys}))
        rows[table].append((node.row, row))
        files[table] = node.file
    for value, n in unmapped.items():
        col.warnings.append(Issue(source, None, mapping.type_field, value or None,
                                  issue_text("type_unmapped", col.lang, n=n,
                                             field=mapping.type_field, value=value),
                                  "warning", "type_unmapped"))
    links = link_rows(graph.edges, roles, unmapped_ids, names, col, source)
    rows.update(reach=links.reach, collaborations=links.collaborations)
    files.update(reach=links.file, collaborations=links.file)
    raws = {table: _raw(table, files[table] or issue_text(
                "table_in_file", col.lang, file=source,
                table=issue_text(f"table_{table}", col.lang)), rows[table])
            for table in _TABLES}
    _check_cells(raws, col)
    return raws


def _raw(table: str, file: str, rows: Rows) -> RawTable:
    header = list(dict.fromkeys(k for _, r in rows for k in r))
    for column in FIXED[table]:
        if column not in header:
            header.insert(0, column)
    return RawTable(table, file, header, [[r.get(h, "") for h in header] for _, r in rows],
                    [n for n, _ in rows], decimal_comma=False)


def _check_cells(raws: dict[str, RawTable], col: Collector) -> None:
    """Cell and column bounds of :data:`LIMITS` (validation sees only bounded tables)."""
    bounds = limits.LIMITS
    for raw in raws.values():
        if len(raw.header) > bounds.columns:
            col.errors.append(Issue(raw.file, None, None, None,
                                    issue_text("too_many", col.lang, what=issue_text(
                                        "word_columns", col.lang),
                                        n=len(raw.header), limit=bounds.columns),
                                    code="too_many"))
        for number, row in zip(raw.numbers, raw.rows, strict=True):
            for header, value in zip(raw.header, row, strict=True):
                if len(value) > bounds.cell_chars and text_problem(value) == "text_too_long":
                    col.errors.append(Issue(raw.file, number, header, value[:40] + "…",
                                            limit_message("text_too_long", col.lang),
                                            code="text_too_long"))
