"""Which lines a crowded network view draws: at most a cap, the strongest.

vis-network builds every edge as an object with its own options: 13,871 lines
of a 4x city cost Chromium about 2 of its 4 seconds before the first frame.
The city view (:mod:`mapping.views.aggregate`) and a neighbourhood's real
nodes opened from it both draw at most :data:`LINE_CAP` lines, chosen by
:func:`strongest`; the legend says how many weaker ones are hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping
from typing import Any

import networkx as nx

from mapping.analysis.graph import COLLABORATION

LINE_CAP = 2000
"""Most lines a city view sends to the browser (the strongest; see :func:`strongest`)."""

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
    ranked = [(u, v) for u, v, _ in sorted(graph.edges(data=True), key=strength)]
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
    for edge in ranked:
        if len(chosen) >= cap:
            break
        chosen.add(edge)
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
