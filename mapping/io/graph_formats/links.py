"""Links of a network file as reach and collaborations, with their direction.

What a link means follows from the kinds of its two ends:

* **organisation – parent group: reach.** Reach has no direction in the
  district: the organisation is in touch with the group. A directed link from
  the organisation to the group is reach as it stands; one from the group to
  the organisation (parents turn to it) is read as reach too, and said. A pair
  linked both ways is one reach link (the first row counts), and said; so are
  extra links between the same pair (a multigraph).
* **organisation – organisation: collaboration.** The collaborations table has
  an organisation (``source``) and a partner (``target``), and a rating belongs
  to the organisation that gave it, which is the ``source`` unless
  ``reported_by`` says otherwise (:mod:`mapping.analysis.quality`). So a
  directed link keeps its direction as ``source``/``target``: a pair that
  names each other gives two rows, one rating from each side; a link named
  from one side only gives one row, that side's. Both are said, never merged.
  Undirected links keep the file's order.
* **parent group – parent group**: skipped (groups are never intermediaries), and said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mapping.io.graph_formats.model import Edge, column_for, issue_text, norm_key
from mapping.io.validate import Collector, Issue

FIXED = {"organisations": {"id", "name", "kind"}, "parent_groups": {"id", "name"},
         "reach": {"organisation", "group"}, "collaborations": {"source", "target"}}
"""Columns the mapping itself fills in: a node attribute of that name does not override them."""

RESERVED = frozenset({"type"})
"""Keys :func:`mapping.analysis.graph.build_graph` gives every node and link itself: an
extra column of that name (Kumu's element ``Type`` on a group) would overwrite them, so it
becomes ``node_type``."""

Rows = list[tuple[int, dict[str, str]]]


def columns(table: str, attrs: dict[str, str], skip: set[str]) -> dict[str, str]:
    """Attributes as columns of ``table``: declared ones by header, the rest as extra columns.

    The first attribute for a column wins; attributes that would name a column
    the mapping fills (``id``, ``name``, ``kind``...) are left out.
    """
    out: dict[str, str] = {}
    for key, value in attrs.items():
        if key in skip or norm_key(key) in skip or not value.strip():
            continue  # an empty cell of a rectangular sheet is no attribute
        column = column_for(table, key)
        if column in RESERVED:
            column = column_for(table, f"node {key}")
        if column in FIXED[table] or column in out:
            continue
        out[column] = value
    return out


@dataclass
class LinkRows:
    """The reach and collaboration rows of a file's links, and what was said of them."""

    reach: Rows = field(default_factory=list)
    collaborations: Rows = field(default_factory=list)
    file: str = ""
    """The file (and sheet) the links came from."""


@dataclass
class _Tally:
    """How many links of each notable sort, and the first of each (row, ends)."""

    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, tuple[int, str, str]] = field(default_factory=dict)

    def add(self, code: str, edge: Edge) -> None:
        self.counts[code] = self.counts.get(code, 0) + 1
        self.first.setdefault(code, (edge.row, edge.source, edge.target))


def link_rows(edges: list[Edge], roles: dict[str, str], unmapped: set[str],
              names: dict[str, str], col: Collector, source: str) -> LinkRows:
    """Reach and collaboration rows of ``edges``; what was merged or skipped goes to ``col``.

    Parameters
    ----------
    edges
        The links as read.
    roles
        Node id -> ``formal``, ``informal`` or ``group`` (mapped nodes only).
    unmapped
        Ids of nodes whose type is not mapped (their links are left out quietly:
        the unmapped values are said once per value).
    names
        Node id -> display name, for the sentences.
    col, source
        Where problems go, and the file they are said of.
    """
    out = LinkRows()
    tally = _Tally()
    reach_ways: dict[tuple[str, str], set[str]] = {}
    directed: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        out.file = edge.file
        missing = next((e for e in (edge.source, edge.target) if e not in roles
                        and e not in unmapped), None)
        if missing is not None:
            col.warnings.append(Issue(edge.file, edge.row, None, missing,
                                      issue_text("edge_unknown_node", col.lang, value=missing),
                                      "warning", "edge_unknown_node"))
            continue
        a, b = roles.get(edge.source), roles.get(edge.target)
        if a is None or b is None:
            continue
        if a == "group" and b == "group":
            tally.add("group_group", edge)
        elif "group" in (a, b):
            _reach(edge, a == "group", reach_ways, tally, out)
        else:
            out.collaborations.append((edge.row, {
                "source": edge.source, "target": edge.target,
                **columns("collaborations", edge.attrs, {"type"})}))
            if edge.directed and edge.source != edge.target:
                directed.setdefault((edge.source, edge.target), edge)
    _directions(directed, tally)
    _say(tally, names, col, source)
    return out


def _reach(edge: Edge, from_group: bool, ways: dict[tuple[str, str], set[str]], tally: _Tally,
           out: LinkRows) -> None:
    """One organisation–group link as reach, unless its pair already has one."""
    org, grp = (edge.target, edge.source) if from_group else (edge.source, edge.target)
    way = ("from_group" if from_group else "to_group") if edge.directed else "undirected"
    if way == "from_group":
        tally.add("reach_from_group", edge)
    seen = ways.get((org, grp))
    if seen is None:
        ways[(org, grp)] = {way}
        out.reach.append((edge.row, {"organisation": org, "group": grp,
                                     **columns("reach", edge.attrs, {"type"})}))
        return
    if {way, *seen} >= {"from_group", "to_group"} and way not in seen:
        tally.add("reach_both_ways", edge)
    else:
        tally.add("multigraph", edge)
    seen.add(way)


def _directions(directed: dict[tuple[str, str], Edge], tally: _Tally) -> None:
    """Directed collaborations: pairs that name each other, and links named by one side."""
    for (a, b), edge in directed.items():
        if (b, a) not in directed:
            tally.add("collab_one_way", edge)
        elif a < b:  # each mutual pair once
            tally.add("collab_mutual", edge)


def _say(tally: _Tally, names: dict[str, str], col: Collector, source: str) -> None:
    """One warning per notable sort of link, with its count and its first example."""
    for code in ("group_group", "reach_from_group", "reach_both_ways", "collab_mutual",
                 "collab_one_way", "multigraph"):
        n = tally.counts.get(code)
        if not n:
            continue
        row, a, b = tally.first[code]
        text = issue_text(code, col.lang, n=n, row=row, a=names.get(a, a), b=names.get(b, b))
        col.warnings.append(Issue(source, None, None, None, text, "warning", code))
