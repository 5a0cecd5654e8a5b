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

FORMATS: tuple[str, ...] = ("kumu", "kumu-json", "gexf", "graphml", "gephi-csv", "polinode")
"""Formats :func:`read_graph` recognises (Network Canvas GraphML is ``graphml``)."""

ROLES: tuple[str, ...] = ("formal", "informal", "group")

MESSAGES: dict[str, tuple[str, str]] = {
    "format_unknown": ("Geen Kumu-, Gephi-, Polinode- of Network Canvas-bestand herkend "
                       "(verwacht: GEXF, GraphML, een werkmap met de bladen Elements/Connections "
                       "of Nodes/Edges, Kumu-JSON, of Gephi-CSV met Id of Source/Target).",
                       "No Kumu, Gephi, Polinode or Network Canvas file recognised (expected: "
                       "GEXF, GraphML, a workbook with sheets Elements/Connections or "
                       "Nodes/Edges, Kumu JSON, or Gephi CSV with Id or Source/Target)."),
    "too_big": ("Bestand te groot: {size} bytes, hoogstens {limit}.",
                "File too large: {size} bytes, at most {limit}."),
    "too_many": ("Te veel {what}: {n}, hoogstens {limit}.",
                 "Too many {what}: {n}, at most {limit}."),
    "xml_invalid": ("Geen geldige XML ({detail}).", "Not valid XML ({detail})."),
    "xml_forbidden": ("Het bestand gebruikt DTD's of entiteiten; die worden om veiligheidsredenen "
                      "niet gelezen. Exporteer opnieuw zonder DOCTYPE.",
                      "The file uses DTDs or entities, which are not read for safety. "
                      "Export again without a DOCTYPE."),
    "json_invalid": ("Geen geldige JSON ({detail}).", "Not valid JSON ({detail})."),
    "text_invalid": ("Geen leesbare tekst: het bestand is geen UTF-8 of Windows-1252.",
                     "Not readable text: the file is neither UTF-8 nor Windows-1252."),
    "workbook_invalid": ("Kan de werkmap niet lezen ({detail}).",
                         "Cannot read the workbook ({detail})."),
    "hypergraph": ("Het bestand bevat hyperlinks (één lijn tussen meer dan twee knopen) of "
                   "geneste grafen; die kunnen niet worden gelezen.",
                   "The file holds hyperedges (one link between more than two nodes) or nested "
                   "graphs, which cannot be read."),
    "node_no_id": ("Knoop zonder id.", "Node without an id."),
    "node_twice": ("Knoop '{value}' komt vaker voor; de eerste telt.",
                   "Node '{value}' appears more than once; the first counts."),
    "edge_unknown_node": ("Lijn naar knoop '{value}', die niet in de knopen staat; overgeslagen.",
                          "Link to node '{value}', which is not among the nodes; skipped."),
    "type_field_missing": ("Geen knoop heeft het kenmerk '{field}' (wel: {found}).",
                           "No node has the attribute '{field}' (found: {found})."),
    "type_unmapped": ("{n} knopen met {field} = '{value}' zijn niet toegewezen aan formeel, "
                      "informeel of oudergroep en zijn overgeslagen (met hun lijnen).",
                      "{n} nodes with {field} = '{value}' are not mapped to formal, informal or "
                      "parent group and were skipped (with their links)."),
    "no_mapping": ("Geef aan welke waarden van '{field}' formeel, informeel en oudergroep zijn.",
                   "Say which values of '{field}' are formal, informal and parent group."),
    "value_twice": ("De waarde '{value}' is aan meer dan één rol toegewezen.",
                    "The value '{value}' is mapped to more than one role."),
    "group_group": ("{n} lijnen tussen twee oudergroepen overgeslagen (oudergroepen zijn nooit "
                    "tussenpersoon).",
                    "{n} links between two parent groups skipped (parent groups are never "
                    "intermediaries)."),
    "reach_from_group": ("{n} gerichte lijnen lopen van een oudergroep naar een organisatie "
                         "(eerste: rij {row}); gelezen als bereik van die organisatie.",
                         "{n} directed links run from a parent group to an organisation "
                         "(first: row {row}); read as reach of that organisation."),
    "reach_both_ways": ("{n} paren van organisatie en oudergroep zijn in beide richtingen "
                        "verbonden (eerste: rij {row}); elk paar telt als één bereiklijn, de "
                        "eerste rij telt.",
                        "{n} pairs of organisation and parent group are linked both ways "
                        "(first: row {row}); each pair is one reach link, the first row "
                        "counts."),
    "collab_mutual": ("{n} paren organisaties noemen elkaar (een gerichte lijn heen en een "
                      "terug, eerste: {a} en {b}); elke richting blijft een eigen beoordeling "
                      "van de organisatie waar de lijn begint.",
                      "{n} pairs of organisations name each other (a directed link each way, "
                      "first: {a} and {b}); each direction stays its own rating by the "
                      "organisation the link starts from."),
    "collab_one_way": ("{n} gerichte samenwerkingen zijn maar van één kant genoemd (eerste: "
                       "{a} → {b}, rij {row}); de beoordeling telt als die van de organisatie "
                       "waar de lijn begint.",
                       "{n} directed collaborations are named from one side only (first: "
                       "{a} → {b}, row {row}); the rating counts as that of the organisation "
                       "the link starts from."),
    "multigraph": ("Meervoudige graaf: {n} extra lijnen tussen hetzelfde paar organisatie en "
                   "oudergroep samengevoegd (eerste telt). Extra lijnen tussen organisaties "
                   "blijven als aparte beoordelingen.",
                   "Multigraph: {n} extra links between the same organisation and parent group "
                   "merged (the first counts). Extra links between organisations stay as "
                   "separate ratings."),
}


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
