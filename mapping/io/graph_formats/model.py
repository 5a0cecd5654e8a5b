"""What every network-tool reader produces, and the words it uses for problems.

:class:`Graph` is the neutral shape (nodes and links with text attributes, and
for each link whether it has a direction); :class:`Mapping` says which values
of one node attribute stand for which kind of node; :class:`ImportProblem` is a
file that cannot be read at all. :data:`MESSAGES` holds every message of the
import in Dutch and English.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from mapping.domain import schema as sc
from mapping.io.load import cell_text
from mapping.locales import catalog

FORMATS: tuple[str, ...] = ("kumu", "kumu-json", "gexf", "graphml", "gephi-csv", "polinode")
"""Formats :func:`read_graph` recognises (Network Canvas GraphML is ``graphml``)."""

ROLES: tuple[str, ...] = ("formal", "informal", "group")

MESSAGES: dict[str, tuple[str, str]] = catalog.pairs("graph_import")


def issue_text(code: str, lang: str, **params: Any) -> str:
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
    """One link as read.

    ``directed`` is true when the file gives the link a direction, from
    ``source`` to ``target`` (a GEXF ``type="directed"``, GraphML
    ``edgedefault="directed"``, Kumu's ``direction`` ``directed``, Gephi's
    ``Type`` ``Directed``); false for an undirected or mutual link, whose ends
    are in file order only.
    """

    source: str
    target: str
    attrs: dict[str, str]
    file: str
    row: int
    directed: bool = False


DIRECTED_WORDS = frozenset({"directed", "gericht", "true", "1", "yes", "ja"})
"""Values of a direction field or flag that mean "from source to target"."""


def is_directed(value: str | None, default: bool = False) -> bool:
    """Whether a direction value (``directed``, ``undirected``, ``mutual``...) has a direction.

    ``mutual`` (Kumu: an arrow at both ends) counts as undirected: it is one
    link both ways, not two. An empty value gives ``default``.
    """
    word = (value or "").strip().casefold()
    return default if not word else word in DIRECTED_WORDS


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


def cell(value: Any) -> str:
    """One attribute value as text (as a workbook cell reads); lists joined with ``|``."""
    if isinstance(value, (list, tuple)):
        return sc.LIST_SEPARATOR.join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


@functools.cache
def norm_key(key: str) -> str:
    """:func:`mapping.domain.schema.normalise_header`, remembered: a city repeats its keys."""
    return sc.normalise_header(key)


@functools.cache
def column_for(table: str, key: str) -> str:
    """The column an attribute called ``key`` becomes in ``table``."""
    return sc.column_lookup(table).get(norm_key(key)) or sc.extra_column_name(key)
