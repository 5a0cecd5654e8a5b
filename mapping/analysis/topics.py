"""Topics: which parent groups are reached by an organisation that discusses a topic.

A reach link carries the topics discussed with that group; when its ``topics``
cell is empty, the reaching organisation's own ``topics`` stand in for it.
Topic values are compared after normalisation (lower case, spaces and hyphens
as underscores), so ``"Honour violence"`` matches ``honour_violence``.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from mapping.analysis.coverage import Network
from mapping.analysis.network_arrays import numbering_of
from mapping.i18n import Catalog, translate
from mapping.io.column_codes import addresses

TOPICS: tuple[str, ...] = (
    "raising_children", "school", "discrimination", "harmful_influences",
    "homosexuality", "domestic_violence", "honour_violence",
)
"""The topics vocabulary, in display order."""

TABOO: frozenset[str] = frozenset({"homosexuality", "domestic_violence", "honour_violence"})
"""Topics that are hard to raise; the product highlights who can."""

LABELS: Catalog = {
    "nl": {
        "raising_children": "opvoeden in Nederland",
        "school": "het schoolsysteem",
        "discrimination": "omgaan met discriminatie",
        "harmful_influences": "schadelijke invloeden",
        "homosexuality": "homoseksualiteit",
        "domestic_violence": "huiselijk geweld",
        "honour_violence": "eergerelateerd geweld",
    },
    "en": {
        "raising_children": "raising children in the Netherlands",
        "school": "the school system",
        "discrimination": "coping with discrimination",
        "harmful_influences": "harmful influences",
        "homosexuality": "homosexuality",
        "domestic_violence": "domestic violence",
        "honour_violence": "honour-related violence",
    },
}


def normalise_topic(value: str) -> str:
    """Canonical form of a topic name."""
    return "_".join(str(value).strip().lower().replace("-", " ").split())


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(t for t in value.split("|") if t.strip())
    return tuple(value)


class _Cells:
    """Topic cells -> their normalised topics, each distinct cell parsed once.

    A city has hundreds of thousands of reach links but a few hundred distinct
    topic cells (combinations of seven topics), so :func:`normalise_topic` runs
    per distinct cell, not per link. ``None`` stands for an empty cell (the
    organisation's topics stand in for it); otherwise the topics in cell order,
    each once.
    """

    def __init__(self) -> None:
        self.parsed: dict[Any, tuple[str, ...] | None] = {}

    def __call__(self, cell: Any) -> tuple[str, ...] | None:
        try:
            return self.parsed[cell]
        except KeyError:
            found = self.parsed[cell] = self._parse(cell)
            return found
        except TypeError:  # an unhashable cell (a list): parse it every time
            return self._parse(cell)

    @staticmethod
    def _parse(cell: Any) -> tuple[str, ...] | None:
        raw = _as_tuple(cell)
        return tuple(dict.fromkeys(normalise_topic(t) for t in raw)) if raw else None


def reach_topics(reach_row_topics: Any, org_topics: Any) -> set[str]:
    """Topics of one reach link: its own, or the organisation's when it has none."""
    own = _as_tuple(reach_row_topics)
    return {normalise_topic(t) for t in (own or _as_tuple(org_topics))}


def topic_reach(net: Network, reach_topics_by_link: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """For each topic: the groups reached by an organisation that discusses it.

    Parameters
    ----------
    net
        The network (organisation attributes carry ``topics``).
    reach_topics_by_link
        ``(org id, group id) -> topics`` cell of the reach link.

    Returns
    -------
    dict
        ``topic -> {"groups": [...], "families": n, "organisations": [...],
        "taboo": bool}``; topics outside :data:`TOPICS` are included too, in
        the order of the first link (groups in network order, each group's
        reachers in order) that discusses them.
    """
    links = _Links(net, reach_topics_by_link)
    result: dict[str, dict[str, Any]] = {}
    families = [net.families(gid) for gid in links.group_ids.tolist()]
    for topic in (*TOPICS, *(t for t in links.topic_order if t not in TOPICS)):
        on = links.on(topic)
        groups = _present(links.group[on], len(links.group_ids))
        result[topic] = {
            "groups": links.group_ids[groups].tolist(),
            "organisations": links.org_ids[_present(links.org[on], len(links.org_ids))].tolist(),
            "taboo": topic in TABOO,
            "families": sum(map(families.__getitem__, groups.tolist())),
        }
    return result


def _distinct(cells: np.ndarray, value: Any, dtype: Any) -> np.ndarray:
    """``value(cell)`` for every cell, computed once per distinct cell.

    Cells are hashed in C (tuples and strings; an empty cell, ``None`` or NaN,
    counts as ``None``); a column holding an unhashable list falls back to one
    call per cell.
    """
    try:
        codes, distinct = _factorize(cells)
    except TypeError:
        return np.fromiter(map(value, cells.tolist()), dtype=dtype, count=len(cells))
    values = np.fromiter(map(value, [*distinct.tolist(), None]), dtype=dtype,
                         count=len(distinct) + 1)
    return values[codes]  # code -1 (an empty cell) takes the last value, that of None


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values)``, each distinct object hashed once.

    The loader hands out one object per distinct cell (every organisation's
    ``topics`` tuple is one of a few dozen objects, every empty cell the one
    empty tuple) and the reachers are the id objects of the organisations, so
    numbering the objects by identity first (in C, see
    :func:`~mapping.io.column_codes.addresses`) leaves the hashing of
    tuples and strings to a few distinct ones. The codes come out the same: the
    first object of each value comes first among the objects.
    """
    codes, _ = pd.factorize(addresses(values))
    some = np.empty(len(_), dtype=object)
    some[codes] = values  # one object of each identity (any: they are the same object)
    inner, distinct = pd.factorize(some)
    return inner[codes], distinct


def _reacher_codes(net: Network, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The reachers of every link, coded by their rank among the distinct reachers' ids.

    Returns the codes and those ids, sorted. The network's id numbering (sorted
    ids; the analysis made it) finds them by identity when it has them all;
    otherwise they are hashed, then the distinct ones sorted.
    """
    links = lambda: chain.from_iterable(net.reach.values())  # noqa: E731
    ids = numbering_of(net)
    numbers = ids.numbers(links, count, strict=False) if ids is not None else None
    if numbers is not None and (not len(numbers) or numbers.min() >= 0):
        present = np.zeros(len(ids.names), np.bool_)
        present[numbers] = True
        rank = np.cumsum(present) - 1
        return rank[numbers].astype(np.int64), ids.objects[present]
    reachers = np.array(list(links()), dtype=object)
    org, seen = _factorize(reachers)
    seen = seen.tolist()
    by_id = sorted(range(len(seen)), key=seen.__getitem__)
    org_rank = np.empty(len(seen), dtype=np.int64)
    org_rank[by_id] = np.arange(len(seen))
    codes = org_rank[org] if len(seen) else np.zeros(0, dtype=np.int64)
    return codes, np.array([seen[i] for i in by_id] + [""], dtype=object)[:len(seen)]


def _present(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct values of ``codes`` (integers below ``size``), ascending."""
    seen = np.zeros(size, dtype=bool)
    seen[codes] = True
    return np.flatnonzero(seen)


class _Links:
    """The reach links of a network as arrays, with the topics each one discusses.

    Link ``k`` is the ``k``-th (group, reacher) pair in network order. Groups and
    organisations are coded by their rank among the sorted ids, so the unique
    codes of a selection are its ids, sorted. Each link points at one distinct
    tuple of topics (its own cell's, else its organisation's).
    """

    def __init__(self, net: Network, cell_of: dict[tuple[str, str], Any]) -> None:
        cells = _Cells()
        gids = list(net.reach)
        sizes = np.fromiter(map(len, net.reach.values()), dtype=np.int64, count=len(gids))
        by_id = sorted(range(len(gids)), key=gids.__getitem__)
        group_rank = np.empty(len(gids), dtype=np.int64)
        group_rank[by_id] = np.arange(len(gids))
        self.group_ids = np.array([gids[i] for i in by_id] + [""], dtype=object)[:len(gids)]
        self.group = np.repeat(group_rank, sizes)
        self.org, self.org_ids = _reacher_codes(net, int(sizes.sum()))
        # Topic tuples: the organisations' first, then the links' own cells.
        code: dict[tuple[str, ...], int] = {(): 0}
        orgs = net.orgs
        org_cells = np.array([orgs.get(o, {}).get("topics") for o in self.org_ids.tolist()]
                             + [None], dtype=object)[:len(self.org_ids)]
        org_tuple = _distinct(org_cells,
                              lambda c: code.setdefault(cells(c) or (), len(code)), np.int64)
        self.tuple = org_tuple[self.org]
        if cell_of:
            starts = dict(zip(gids, (np.cumsum(sizes) - sizes).tolist(), strict=True))
            for (oid, gid), cell in cell_of.items():
                own = cells(cell)
                reached = net.reach.get(gid, ())
                if own is not None and oid in reached:
                    self.tuple[starts[gid] + reached.index(oid)] = code.setdefault(
                        own, len(code))
        self.tuples = list(code)
        # First link of each tuple, for the order of topics outside the vocabulary.
        used, first = np.unique(self.tuple, return_index=True)
        self.topic_order: dict[str, None] = {}
        for _, t in sorted(zip(first.tolist(), used.tolist(), strict=True)):
            self.topic_order.update(dict.fromkeys(self.tuples[t]))

    def on(self, topic: str) -> np.ndarray:
        """Which links discuss ``topic`` (a boolean mask)."""
        has = np.fromiter((topic in t for t in self.tuples), dtype=bool, count=len(self.tuples))
        return has[self.tuple]


def _cells_by_link(dataset: Any) -> dict[tuple[str, str], Any]:
    """``(org, group) -> topics`` cell of each reach link that has topics of its own.

    The last row of a link wins (as in a dict built row by row); a link whose
    cells are all empty is left out (its organisation's topics stand in).
    """
    reach = dataset.reach
    if "topics" not in reach.columns or reach.empty:
        return {}
    cells = reach["topics"].to_numpy(dtype=object)
    parse = _Cells()
    own = _distinct(cells, lambda c: parse(c) is not None, bool)
    if not own.any():
        return {}
    # A link given twice: its last row decides, even an empty one.
    rows = np.flatnonzero(own | reach.duplicated(["organisation", "group"], keep=False)
                          .to_numpy())
    orgs = reach["organisation"].to_numpy(dtype=object)[rows]
    groups = reach["group"].to_numpy(dtype=object)[rows]
    return {(str(o), str(gid)): t for o, gid, t in zip(orgs, groups, cells[rows], strict=True)}


def topics_from_dataset(dataset: Any, net: Network) -> dict[str, Any]:
    """:func:`topic_reach` with the reach links' topics taken from ``dataset.reach``."""
    return topic_reach(net, _cells_by_link(dataset))


def topic_label(topic: str, lang: str = "nl") -> str:
    """Readable name of a topic (the raw name when it is not in the vocabulary)."""
    try:
        return translate(LABELS, topic, lang)
    except KeyError:
        return topic.replace("_", " ")


def _link_topics(dataset: Any, net: Network) -> dict[tuple[str, str], set[str]]:
    """``(org, group) -> topics`` of each reach link (the organisation's if the link has none)."""
    reach = dataset.reach
    cells = reach["topics"] if "topics" in reach.columns else [None] * len(reach)
    parse = _Cells()
    org_topics: dict[str, set[str]] = {}

    def of_org(org: str) -> set[str]:
        if org not in org_topics:
            org_topics[org] = set(parse(net.orgs.get(org, {}).get("topics")) or ())
        return org_topics[org]

    result: dict[tuple[str, str], set[str]] = {}
    for o, gid, t in zip(reach["organisation"], reach["group"], cells, strict=True):
        own = parse(t)
        org = str(o)
        result[(org, str(gid))] = set(own) if own is not None else set(of_org(org))
    return result


def topic_matrix(dataset: Any, net: Network) -> dict[str, dict[str, list[str]]]:
    """Group x topic: which organisations discuss each topic with each group.

    Returns
    -------
    dict
        Group id -> topic -> sorted organisation ids; every group of the
        network is present (a group nobody reaches has no topics).
    """
    matrix: dict[str, dict[str, list[str]]] = {gid: {} for gid in net.groups}
    for (org, gid), topics in _link_topics(dataset, net).items():
        for topic in topics:
            matrix.setdefault(gid, {}).setdefault(topic, []).append(org)
    for by_topic in matrix.values():
        for orgs in by_topic.values():
            orgs.sort()
    return matrix


def taboo_support(dataset: Any, net: Network) -> dict[str, Any]:
    """Where the taboo topics are discussed, and who could back that up with expertise.

    Returns
    -------
    dict
        ``silent``: ids of groups reached by some organisation but with no
        organisation that discusses any taboo topic with them, most families
        first; ``unreached``: ids of groups nobody reaches (no topic at all);
        ``links``: one entry per (taboo topic, informal organisation, group)
        with ``topic``, ``organisation``, ``group``, ``partners`` (formal
        organisations the informal one already works with: they can support
        the meeting with expertise and open doors to specialised help) and
        ``candidates`` (when it has no formal partner: formal organisations
        that discuss the topic themselves; the links of one topic share that
        list, sorted once: a city has thousands of such links and formal
        organisations, so a copy per link would cost gigabytes).
    """
    matrix = topic_matrix(dataset, net)
    formal_on: dict[str, list[str]] = {}
    for org, data in net.orgs.items():
        if org in net.formal:
            for topic in reach_topics(None, data.get("topics")):
                formal_on.setdefault(topic, []).append(org)
    candidates = {topic: sorted(formal_on.get(topic, [])) for topic in TABOO}
    links = []
    for gid, by_topic in matrix.items():
        for topic in sorted(TABOO & by_topic.keys()):
            for org in by_topic[topic]:
                if org in net.formal:
                    continue
                partners = sorted(p for p in net.adj.get(org, ()) if p in net.formal)
                links.append({"topic": topic, "organisation": org, "group": gid,
                              "partners": partners,
                              "candidates": [] if partners else candidates[topic]})
    reached = {gid for gid, orgs in net.reach.items() if orgs}
    silent = [gid for gid in net.groups
              if gid in reached and not TABOO & matrix.get(gid, {}).keys()]
    silent.sort(key=lambda gid: (-net.families(gid), gid))
    unreached = sorted((gid for gid in net.groups if gid not in reached),
                       key=lambda gid: (-net.families(gid), gid))
    return {"silent": silent, "unreached": unreached, "links": links}
