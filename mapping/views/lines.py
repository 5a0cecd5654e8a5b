"""Which lines a crowded network view draws: at most a cap, the strongest.

vis-network builds every edge as an object with its own options: 13,871 lines
of a 4x city cost Chromium about 2 of its 4 seconds before the first frame.
The city view (:mod:`mapping.views.aggregate`) and a neighbourhood's real
nodes opened from it both draw at most :data:`LINE_CAP` lines, chosen by
:func:`strongest`; the city view splits them between the lines inside a
neighbourhood and those between two (:func:`strongest_split`, so at city
zoom one sees how neighbourhoods connect). The legend says how many weaker
ones are hidden.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from typing import Any

import networkx as nx

from mapping.analysis.graph import COLLABORATION

LINE_CAP = 2000
"""Most lines a city view sends to the browser (the strongest; see :func:`strongest`)."""

BETWEEN_SHARE = 0.5
"""The lines between neighbourhoods' share of a city view's lines (see :func:`split_budget`)."""

Strength = Callable[[tuple[Hashable, Hashable, Mapping[str, Any]]], tuple]
"""Sort key of one edge ``(u, v, data)`` for :func:`strongest`: smaller is stronger."""


def strongest(graph: nx.Graph, cap: int, strength: Strength,
              keep: Collection[frozenset] = ()) -> list[tuple[Hashable, Hashable]]:
    """At most ``cap`` edges of ``graph``: every node's strongest, then the strongest others.

    Every node keeps its strongest line, so none looks unconnected (when there
    are more nodes with lines than ``cap`` allows, the first in ``strength``
    order win); the remaining room goes to the strongest other lines. The
    edges in ``keep`` (a highlighted route) come before all of them.

    Parameters
    ----------
    graph
        Any graph; only read.
    cap
        Most lines to keep.
    strength
        Sort key of an edge ``(u, v, data)``, strongest first; it must order
        every edge differently (end keys as the last tie-break) so the same
        data always draws the same lines.
    keep
        Edges (``frozenset((u, v))``) drawn before any other, up to ``cap``.

    Returns
    -------
    list of tuple
        The kept edges ``(u, v)`` in ``graph``'s own edge order (all of them
        when there are at most ``cap``).
    """
    if graph.number_of_edges() <= cap:
        return list(graph.edges)
    return _in_graph_order(graph, _choose(_ranked(graph, strength), cap, keep))


def split_budget(cap: int, inside: int, between: int, share: float = BETWEEN_SHARE,
                 drawn: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    """How many of ``cap`` lines go to the lines inside and between neighbourhoods.

    The lines between neighbourhoods get ``share`` of ``cap`` (rounded up)
    and the lines inside the rest; a share one kind leaves unused goes to the
    other. Lines already ``drawn`` (every node's strongest, see
    :func:`strongest_split`) stay and count in their kind's share; when they
    leave less room than the between-lines' share, the between-lines get all
    of it.

    Parameters
    ----------
    cap
        Most lines to keep in all.
    inside, between
        How many lines of each kind there are.
    share
        The between-lines' fair share of ``cap`` (0 to 1).
    drawn
        ``(inside, between)`` lines already kept, together at most ``cap``.

    Returns
    -------
    tuple of int
        ``(inside, between)``: the lines to keep of each kind, at least the
        ``drawn`` ones, together at most ``cap`` (all of both when they fit).
    """
    fair = min(cap, math.ceil(cap * share))
    cross = max(drawn[1], min(between, max(fair, cap - inside), cap - drawn[0]))
    return min(inside, cap - cross), cross


def strongest_split(graph: nx.Graph, cap: int, strength: Strength,
                    between: Callable[[Hashable, Hashable], bool],
                    share: float = BETWEEN_SHARE) -> list[tuple[Hashable, Hashable]]:
    """At most ``cap`` edges of ``graph``; the lines ``between`` neighbourhoods get a share.

    A city's lines inside a neighbourhood (its formal organisations to its own
    parent groups) are its strongest: chosen by strength alone they filled the
    cap at 9x (1,997 of 2,000) and left 3 lines to show how neighbourhoods
    connect. Here, as in :func:`strongest`, every node first keeps its
    strongest line (of either kind), so none looks unconnected; the room left
    is split by :func:`split_budget` (the between-lines' ``share`` of ``cap``
    when there is that much room), and each kind fills its part by
    :func:`strongest`'s rule among its own lines: every node's strongest line
    of that kind (the first in ``strength`` order when the part is too small
    for all), then the strongest others. So, when the part allows, every
    line stronger than the strongest hidden one of its kind is drawn.

    Parameters
    ----------
    graph
        Any graph whose edges ``between`` can tell apart; only read.
    cap
        Most lines to keep, of both kinds together.
    strength
        Sort key of an edge ``(u, v, data)``, as for :func:`strongest`.
    between
        Whether the edge ``(u, v)`` runs between two neighbourhoods.
    share
        The between-lines' fair share of ``cap`` (:data:`BETWEEN_SHARE`).

    Returns
    -------
    list of tuple
        As :func:`strongest`: the kept edges in ``graph``'s edge order.
    """
    if graph.number_of_edges() <= cap:
        return list(graph.edges)
    ranked = _ranked(graph, strength)
    chosen = _choose(ranked, cap, best_only=True)
    inside: list[tuple[Hashable, Hashable]] = []
    cross: list[tuple[Hashable, Hashable]] = []
    drawn_cross = 0
    for edge in ranked:
        if between(*edge):
            cross.append(edge)
            drawn_cross += edge in chosen
        else:
            inside.append(edge)
    quota = split_budget(cap, len(inside), len(cross), share,
                         (len(chosen) - drawn_cross, drawn_cross))
    # Each kind by strongest()'s rule among its own lines, the ones already kept first.
    kept = {frozenset(e) for e in chosen}
    inner, across = (_choose(edges, room, keep=kept)
                     for edges, room in zip((inside, cross), quota, strict=True))
    return _in_graph_order(graph, inner | across)


def _ranked(graph: nx.Graph, strength: Strength) -> list[tuple[Hashable, Hashable]]:
    """``graph``'s edges ``(u, v)``, strongest first."""
    return [(u, v) for u, v, _ in sorted(graph.edges(data=True), key=strength)]


def _choose(ranked: Sequence[tuple[Hashable, Hashable]], cap: int,
            keep: Collection[frozenset] = (),
            best_only: bool = False) -> set[tuple[Hashable, Hashable]]:
    """:func:`strongest`'s choice among the ``ranked`` edges (strongest first);
    ``best_only``: only the kept and every node's strongest, not the others."""
    if len(ranked) <= cap and not best_only:
        return set(ranked)
    chosen: set[tuple[Hashable, Hashable]] = set()
    seen: set[Hashable] = set()
    if keep:
        for u, v in ranked:
            if len(chosen) < cap and frozenset((u, v)) in keep:
                chosen.add((u, v))
                seen.update((u, v))
    # A node first appears in this order on its strongest line.
    for u, v in ranked:
        if len(chosen) >= cap:
            break
        if u not in seen or v not in seen:
            chosen.add((u, v))
            seen.update((u, v))
    if best_only:
        return chosen
    for edge in ranked:
        if len(chosen) >= cap:
            break
        chosen.add(edge)
    return chosen


def _in_graph_order(graph: nx.Graph,
                    chosen: set[tuple[Hashable, Hashable]]) -> list[tuple[Hashable, Hashable]]:
    return [(u, v) for u, v in graph.edges if (u, v) in chosen or (v, u) in chosen]


def link_strength() -> Strength:
    """Strength of a real link: its score, reach before collaboration, then the end keys.

    The score is the reach's ``strength`` or the collaboration's mean
    ``quality`` (1 to 5; a link without one counts as 0, the weakest), so the
    lines hidden in a crowded neighbourhood are the weakest contacts.
    """
    def strength(edge: tuple[Hashable, Hashable, Mapping[str, Any]]) -> tuple:
        u, v, data = edge
        collab = data.get("type") == COLLABORATION
        score = data.get("quality" if collab else "strength")
        value = float(score) if isinstance(score, (int, float)) and score == score else 0.0
        return (-value, collab, str(u), str(v))

    return strength
