"""Build the district network as a networkx graph.

Nodes
-----
* organisations: key ``org_node(id)`` (``"o:<id>"``), attributes
  ``type="organisation"``, ``id`` and every column of the organisations table
  (``name``, ``kind``, ``category``, ``neighbourhood``, ``lat``, ``lon``,
  ``topics``, extras...).
* parent groups: key ``group_node(id)`` (``"g:<id>"``), attributes
  ``type="group"``, ``id`` and every column of the parent-groups table
  (``families``, ``community``...).

Keys carry a prefix because an organisation and a parent group may share an id
in the user's spreadsheets.

Edges
-----
* ``type="reach"`` between an organisation and a group, with ``strength``,
  ``topics`` and any extra reach columns.
* ``type="collaboration"`` between two organisations. Several rows about the
  same pair (rated from both sides, or by several respondents) merge into one
  edge: for each condition the mean of the given scores and the number of
  scores (``trust`` / ``trust_n``...), ``raters`` (rows behind the edge),
  ``quality`` (mean of the condition means that were rated, ``None`` when none
  was) and ``forms``. The raw rows stay available as ``ratings`` (a tuple of
  dicts) for reciprocity analysis. A collaboration of an organisation with
  itself is not an edge (validation warns about it).
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Iterator
from itertools import repeat
from typing import Any

import networkx as nx
import pandas as pd

from mapping.domain.dataset import CONDITIONS, Dataset

ORG = "organisation"
GROUP = "group"
REACH = "reach"
COLLABORATION = "collaboration"


def extra_attributes(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The user's own columns on a node (not declared in the schema), as text pairs.

    Unknown columns are kept when loading so that they show up in tooltips,
    popups and exports; empty values are left out.
    """
    from mapping.domain.schema import SCHEMAS  # late: schema imports dataset, as this module does

    table = "organisations" if data.get("type") == ORG else "parent_groups"
    declared = {c.name for c in SCHEMAS[table].columns} | {"type", "id"}
    pairs = []
    for key, value in data.items():
        if key in declared or value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        text = str(value).strip()
        if text:
            pairs.append((str(key), text))
    return pairs


def org_node(org_id: str) -> str:
    """Graph key of the organisation with id ``org_id``."""
    return f"o:{org_id}"


def group_node(group_id: str) -> str:
    """Graph key of the parent group with id ``group_id``."""
    return f"g:{group_id}"


def neighbourhood_names(dataset: Dataset) -> dict[str, str]:
    """Neighbourhood code -> name from the dataset's GeoJSON (empty without polygons)."""
    names: dict[str, str] = {}
    for feature in (dataset.neighbourhoods or {}).get("features", []):
        props = feature.get("properties") or {}
        code, name = props.get("code"), props.get("name")
        if code and name:
            names[str(code)] = str(name)
    return names


def build_graph(dataset: Dataset) -> nx.Graph:
    """Return the network of ``dataset``; see the module docstring for its shape.

    The result is a new graph each call; callers that cache it must not mutate it.
    """
    # Neighbourhood names ride along so sentences can say "in Havenkwartier", not a CBS code.
    graph = nx.Graph(name=dataset.name, neighbourhood_names=neighbourhood_names(dataset))
    # Building a city creates hundreds of thousands of small dicts; the cyclic
    # garbage collector would rescan them again and again (two thirds of the
    # time at 20,000 organisations) while none of them can be garbage yet.
    with gc_paused():
        graph.add_nodes_from((org_node(row["id"]), {**row, "type": ORG})
                             for row in _records(dataset.organisations))
        graph.add_nodes_from((group_node(row["id"]), {**row, "type": GROUP})
                             for row in _records(dataset.parent_groups))
        graph.add_edges_from(
            (org_node(row.pop("organisation")), group_node(row.pop("group")),
             {**row, "type": REACH})
            for row in _records(dataset.reach))
        graph.add_edges_from(
            (org_node(a), org_node(b), {**merge_ratings(rows), "type": COLLABORATION})
            for (a, b), rows in _collaboration_rows(dataset.collaborations).items())
    return graph


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def merge_ratings(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge the rating rows about one organisation pair into edge attributes."""
    merged: dict[str, Any] = {"raters": len(rows), "ratings": tuple(rows)}
    rated_means = []
    for condition in CONDITIONS:
        # inlined _is_number: this runs for every collaboration of a city
        scores = [v for r in rows
                  if isinstance(v := r.get(condition), (int, float)) and v == v]
        merged[f"{condition}_n"] = len(scores)
        merged[condition] = sum(scores) / len(scores) if scores else None
        if scores:
            rated_means.append(merged[condition])
    merged["quality"] = sum(rated_means) / len(rated_means) if rated_means else None
    merged["forms"] = tuple(sorted({str(r["form"]) for r in rows if r.get("form")}))
    return merged


def collaboration_graph(
    graph: nx.Graph,
    min_quality: float | None = None,
    include_unrated: bool = True,
) -> nx.Graph:
    """The organisations and the collaborations that count as links.

    Parameters
    ----------
    graph
        A graph from :func:`build_graph`.
    min_quality
        When given, only collaborations whose ``quality`` is at least this
        value count.
    include_unrated
        Whether collaborations without any score count when ``min_quality``
        is given (without a threshold every collaboration counts).

    Returns
    -------
    networkx.Graph
        A view-free copy holding every organisation node (with attributes)
        and the qualifying collaboration edges.
    """
    orgs = organisations(graph)
    result = nx.Graph()
    result.add_nodes_from((n, graph.nodes[n]) for n in orgs)
    for u, v, data in graph.edges(data=True):
        if data["type"] != COLLABORATION:
            continue
        if counts_as_link(data, min_quality, include_unrated):
            result.add_edge(u, v, **data)
    return result


def counts_as_link(
    edge: dict[str, Any], min_quality: float | None, include_unrated: bool = True
) -> bool:
    """Whether a collaboration edge passes the quality threshold."""
    if min_quality is None:
        return True
    quality = edge.get("quality")
    if quality is None:
        return include_unrated
    return quality >= min_quality


def organisations(graph: nx.Graph) -> list[str]:
    """Keys of the organisation nodes, in insertion order."""
    return [n for n, t in graph.nodes(data="type") if t == ORG]


def groups(graph: nx.Graph) -> list[str]:
    """Keys of the parent-group nodes, in insertion order."""
    return [n for n, t in graph.nodes(data="type") if t == GROUP]


def reachers(graph: nx.Graph, group: str) -> list[str]:
    """Organisations that reach ``group`` (a group node key)."""
    return [n for n in graph.neighbors(group) if graph.edges[group, n]["type"] == REACH]


def is_formal(graph: nx.Graph, node: str) -> bool:
    """Whether ``node`` is a formal organisation."""
    return graph.nodes[node].get("kind") == "formal"


def _records(frame: pd.DataFrame, kind: str | None = None) -> list[dict[str, Any]]:
    """Rows as dicts with pandas' missing values turned into ``None``.

    Cleaned column by column (numbers and nullable integers without a
    per-cell type check), which is several times faster than per cell. With
    ``kind``, every row also gets ``"type": kind`` (as ``{**row, "type": kind}``
    would: last, or in the place of a ``type`` column of the table).
    """
    columns = list(frame.columns)
    values = [_column_values(frame[c]) for c in columns]
    if kind is not None:
        columns.append("type")
        values.append(repeat(kind, len(frame)))
    return list(map(dict, map(zip, repeat(columns), zip(*values, strict=False))))


def _column_values(series: pd.Series) -> list[Any]:
    """One column as Python values, ``None`` for missing (as :func:`_clean` per cell)."""
    dtype = series.dtype
    if dtype.kind == "f":  # float64: tolist() gives Python floats
        return [None if v != v else v for v in series.tolist()]
    if isinstance(dtype, pd.Int64Dtype) or str(dtype) in ("Int32", "Int16", "Int8"):
        return [None if v is pd.NA else v for v in series.tolist()]
    if dtype.kind in "iu":  # plain integers cannot be missing
        return series.tolist()
    values = series.tolist()
    # Text, tuples and missing cells need no per-cell call: only floats (NaN) and
    # cells of other types (numpy scalars, pd.NA...) do. A set of the cells' types
    # is made in C; any other type takes the general path.
    kinds = set(map(type, values))
    if kinds <= _PLAIN:
        return values
    if kinds <= _PLAIN_OR_FLOAT:
        return [None if v != v else v for v in values]  # only a float can be unequal to itself
    return [_clean(v) for v in values]


_PLAIN = frozenset({str, tuple, type(None), int, bool})
"""Cell types that :func:`_clean` returns unchanged."""
_PLAIN_OR_FLOAT = _PLAIN | {float}


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes, tuple)):
        return value.item()  # numpy scalar -> Python scalar, JSON-friendly
    return value


def _collaboration_rows(frame: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Group collaboration rows by unordered pair, skipping self-collaborations."""
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in _records(frame):
        a, b = row["source"], row["target"]
        if a == b:
            continue
        pairs.setdefault(_pair(a, b), []).append(row)
    return pairs


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value))
