"""Stable node positions for the network view.

Positions are computed once in Python for the *full* graph and cached by the
page; filters and highlights only hide nodes, so nothing reshuffles between
reruns. When the data grows (an upload adds organisations), passing the old
positions as ``previous`` keeps every known node exactly where it was and puts
the new ones next to their already-placed neighbours.

Coordinates are in vis-network canvas pixels (an ideal edge is ``SCALE``
pixels; the drawing spans roughly ``SCALE·√n``), so the renderer uses them as
they are.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

Position = tuple[float, float]

SCALE = 150.0
"""Pixels per unit of ideal edge length; room for 14 px labels between neighbours."""

JITTER = 0.35
"""Jitter of a newly placed node, as a fraction of the typical edge length."""

BOUNDED_ABOVE = 2000
"""Above this many nodes the layout bounds its work per iteration (see
:func:`_bounded_force_layout`); up to it, the exact cut-off layout, which draws a
district a little tidier, is fast enough."""

NEIGHBOURS = 16
"""Nearest neighbours that repel a node in the bounded layout."""

GRID = 32
"""Cells per side of the far-field mesh in the bounded layout."""

FAR_WEIGHT = 0.03
"""Strength of the far-field repulsion between mesh cells, relative to the near field."""


def positions(
    graph: nx.Graph,
    previous: Mapping[Hashable, Position] | None = None,
    seed: int = 42,
    iterations: int | None = None,
) -> dict[Hashable, Position]:
    """Deterministic, stable positions for every node of ``graph``.

    Parameters
    ----------
    graph
        The network (usually the full graph of the dataset, before filtering).
    previous
        Positions from an earlier call. Nodes that appear in it keep their
        position exactly; nodes that do not are placed at the mean of their
        already-placed neighbours plus a small seeded jitter, and nodes with no
        placed neighbour on a ring just outside the drawing.
    seed
        Seed of the force-directed layout and of the jitter.
    iterations
        Force-directed iterations (default 60: about 1 s for 2,000 nodes on a
        busy laptop core).

    Returns
    -------
    dict
        Node -> ``(x, y)`` in canvas pixels, for every node of ``graph`` (and
        only those).
    """
    if graph.number_of_nodes() == 0:
        return {}
    known = {n: _pair(previous[n]) for n in graph if previous and n in previous}
    if not known:
        return _fresh(graph, seed, iterations)
    return _extend(graph, known, seed)


def _fresh(graph: nx.Graph, seed: int, iterations: int | None) -> dict[Hashable, Position]:
    """Force-directed layout of the whole graph, independent of insertion order."""
    # Sorted order: the same data loaded in another row order gives the same picture.
    nodes = sorted(graph.nodes, key=str)
    index = {node: i for i, node in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in graph.edges if u != v], dtype=np.int64)
    edges = edges.reshape(-1, 2)
    # A district of a few hundred nodes can afford more iterations and a firmer pull
    # to the centre: fewer overlapping labels, and unconnected groups stay close by.
    small = len(nodes) <= 500
    layout = _force_layout if len(nodes) <= BOUNDED_ABOVE else _bounded_force_layout
    xy = layout(len(nodes), edges, seed, iterations or (300 if small else 60),
                gravity=0.1 if small else 0.02)
    return {node: (round(float(x) * SCALE, 2), round(float(y) * SCALE, 2))
            for node, (x, y) in zip(nodes, xy, strict=True)}


def _force_layout(n: int, edges: np.ndarray, seed: int, iterations: int,
                  cutoff: float = 2.5, gravity: float = 0.02) -> np.ndarray:
    """Fruchterman-Reingold with a repulsion cut-off, in units of the ideal edge length.

    networkx's spring_layout takes 6-10 s for 2,000 nodes (Python loops in its
    sparse variant, n² memory in the dense one). Limiting repulsion to pairs
    closer than ``cutoff`` (found with a k-d tree) makes one iteration O(n)
    for the sparse, planar-ish networks of a district; a weak pull towards the
    centre keeps disconnected parts from drifting apart. About 15 ms per
    iteration at 2,000 nodes.
    """
    rng = np.random.default_rng(seed)
    side = math.sqrt(n)
    pos = rng.uniform(-side / 2, side / 2, (n, 2))
    ei, ej = edges[:, 0], edges[:, 1]
    temperature = side / 8
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        pairs = cKDTree(pos).query_pairs(cutoff, output_type="ndarray")
        if len(pairs):
            i, j = pairs[:, 0], pairs[:, 1]
            delta = pos[i] - pos[j]
            dist = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 0.01)
            # 1/d repulsion shifted to reach zero at the cut-off, so no jump there.
            force = (1.0 / dist - 1.0 / cutoff) / dist
            for axis in range(2):
                w = delta[:, axis] * force
                disp[:, axis] += np.bincount(i, w, n) - np.bincount(j, w, n)
        temperature = _attract_and_move(pos, disp, ei, ej, gravity, temperature)
    return pos - pos.mean(axis=0)


def _bounded_force_layout(n: int, edges: np.ndarray, seed: int, iterations: int,
                          cutoff: float = 2.5, gravity: float = 0.02) -> np.ndarray:
    """Fruchterman-Reingold whose cost per iteration does not grow as the drawing contracts.

    The cut-off layout repels every pair closer than ``cutoff``; when a city's
    layout contracts, those pairs explode (1.7 million per iteration at 6,500
    nodes, 58 million at 65,000). Here a node is repelled by its
    :data:`NEIGHBOURS` nearest nodes within ``cutoff`` (a fixed n x k query) and,
    for the long range, by the mass centres of a :data:`GRID` x :data:`GRID`
    mesh of cells (cells x cells pairs). Memory and time per iteration are then
    O(n k + cells²) whatever the density: 1.9 s for 6,500 nodes and 28 s for
    65,000 nodes on a busy 2-core machine, against 6.9 s and several minutes.
    """
    rng = np.random.default_rng(seed)
    side = math.sqrt(n)
    pos = rng.uniform(-side / 2, side / 2, (n, 2))
    ei, ej = edges[:, 0], edges[:, 1]
    temperature = side / 8
    k = min(NEIGHBOURS + 1, n)
    rows = np.repeat(np.arange(n), k - 1)
    for _ in range(iterations):
        disp = _near_field(pos, rows, k, cutoff) + _far_field(pos, cutoff)
        temperature = _attract_and_move(pos, disp, ei, ej, gravity, temperature)
    return pos - pos.mean(axis=0)


def _attract_and_move(pos: np.ndarray, disp: np.ndarray, ei: np.ndarray, ej: np.ndarray,
                      gravity: float, temperature: float) -> float:
    """Add edge attraction and the pull to the centre to ``disp``, move ``pos`` (in place).

    The step is capped at ``temperature``; returns the cooled temperature.
    """
    n = len(pos)
    if len(ei):
        delta = pos[ei] - pos[ej]
        dist = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 0.01)
        for axis in range(2):
            w = delta[:, axis] * dist  # d² attraction along the unit vector
            disp[:, axis] += np.bincount(ej, w, n) - np.bincount(ei, w, n)
    disp -= gravity * pos
    length = np.maximum(np.hypot(disp[:, 0], disp[:, 1]), 1e-9)
    pos += disp * (np.minimum(length, temperature) / length)[:, None]
    return max(temperature * 0.95, 0.01)


def _near_field(pos: np.ndarray, rows: np.ndarray, k: int, cutoff: float) -> np.ndarray:
    """Repulsion of each node by its ``k - 1`` nearest nodes within ``cutoff``."""
    n = len(pos)
    disp = np.zeros((n, 2))
    if k < 2:
        return disp
    dist, idx = cKDTree(pos).query(pos, k=k, distance_upper_bound=cutoff)
    dist, idx = dist[:, 1:].ravel(), idx[:, 1:].ravel()  # column 0 is the node itself
    found = idx < n  # missing neighbours come back as index n
    i, j, d = rows[found], idx[found], np.maximum(dist[found], 0.01)
    delta = pos[i] - pos[j]
    force = (1.0 / d - 1.0 / cutoff) / d
    for axis in range(2):
        disp[:, axis] = np.bincount(i, delta[:, axis] * force, n)
    return disp


def _far_field(pos: np.ndarray, cutoff: float) -> np.ndarray:
    """Repulsion between mesh cells (by node count, 1/d), handed to each cell's nodes."""
    low = pos.min(axis=0)
    span = np.maximum(pos.max(axis=0) - low, 1e-9)
    cell = np.minimum(((pos - low) / span * GRID).astype(np.int64), GRID - 1)
    cid = cell[:, 0] * GRID + cell[:, 1]
    mass = np.bincount(cid, minlength=GRID * GRID).astype(float)
    used = np.nonzero(mass)[0]
    cx = np.bincount(cid, pos[:, 0], GRID * GRID)[used] / mass[used]
    cy = np.bincount(cid, pos[:, 1], GRID * GRID)[used] / mass[used]
    dx, dy = cx[:, None] - cx[None, :], cy[:, None] - cy[None, :]
    d2 = dx * dx + dy * dy
    # Cells closer than the cut-off are the near field's business.
    far = d2 > cutoff * cutoff
    w = FAR_WEIGHT * np.where(far, mass[used][None, :] / np.where(far, d2, 1.0), 0.0)
    at = np.searchsorted(used, cid)
    return np.column_stack(((w * dx).sum(axis=1)[at], (w * dy).sum(axis=1)[at]))


def _extend(
    graph: nx.Graph, known: dict[Hashable, Position], seed: int
) -> dict[Hashable, Position]:
    """Keep ``known`` positions; place the other nodes near placed neighbours."""
    rng = np.random.default_rng(seed)
    placed = dict(known)
    pending = sorted((n for n in graph if n not in placed), key=str)
    step = _typical_edge_length(graph, placed)
    # Repeated passes so that a chain of new nodes grows out from the known part.
    while pending:
        progress = []
        for node in pending:
            near = [placed[m] for m in graph.neighbors(node) if m in placed]
            if near:
                x = sum(p[0] for p in near) / len(near)
                y = sum(p[1] for p in near) / len(near)
                dx, dy = rng.normal(0.0, JITTER * step, 2)
                placed[node] = (round(x + float(dx), 2), round(y + float(dy), 2))
                progress.append(node)
        if not progress:
            break
        done = set(progress)
        pending = [n for n in pending if n not in done]
    if pending:
        _ring(pending, placed, step, rng)
    return {n: placed[n] for n in graph}


def _ring(pending: list[Hashable], placed: dict[Hashable, Position], step: float,
          rng: np.random.Generator) -> None:
    """Put isolated new nodes evenly on a ring just outside the current drawing."""
    xs = np.array([p[0] for p in placed.values()]) if placed else np.zeros(1)
    ys = np.array([p[1] for p in placed.values()]) if placed else np.zeros(1)
    cx, cy = float(xs.mean()), float(ys.mean())
    radius = float(np.hypot(xs - cx, ys - cy).max()) + 2 * step
    start = float(rng.uniform(0, 2 * math.pi))
    for i, node in enumerate(pending):
        angle = start + 2 * math.pi * i / len(pending)
        placed[node] = (round(cx + radius * math.cos(angle), 2),
                        round(cy + radius * math.sin(angle), 2))


def _typical_edge_length(graph: nx.Graph, placed: Mapping[Hashable, Position]) -> float:
    """Median length of edges between placed nodes (a sensible jitter unit)."""
    lengths = [math.dist(placed[u], placed[v]) for u, v in graph.edges
               if u in placed and v in placed]
    if lengths:
        return max(1.0, float(np.median(lengths)))
    return SCALE


def _pair(value: object) -> Position:
    x, y = value  # type: ignore[misc]
    return (float(x), float(y))


GROUP_SPACING = 2.6
"""Median distance between neighbouring groups in :func:`grouped_positions`, in ideal edges."""

GROUP_RADIUS = 0.6
"""Distance of a member from its group's point in :func:`grouped_positions`, in ideal edges."""

GROUP_LINKS = 4
"""Strongest links per group that :func:`grouped_positions` lays the groups out by."""


def grouped_positions(
    graph: nx.Graph,
    group_of: Mapping[Hashable, Hashable],
    slot_of: Mapping[Hashable, int],
    slots: int,
    weight: str = "links",
    seed: int = 42,
) -> dict[Hashable, Position]:
    """Positions for an aggregate: the groups by force, their members around them.

    The city view has one node per neighbourhood and side, and most of its
    lines stand for a single link. A force layout of all its nodes and lines
    contracts into a hairball whose repulsion pairs explode (5 s for 999
    nodes and 13,871 lines, nodes on top of each other). Here the groups (the
    neighbourhoods) are laid out by the force layout on their
    :data:`GROUP_LINKS` strongest links each, spread to :data:`GROUP_SPACING`,
    and every member sits at its fixed slot on a small circle around its
    group's point, so each neighbourhood reads as the same little figure.
    Deterministic for the same data (sorted, seeded), so reruns do not move.

    Parameters
    ----------
    graph
        The aggregate graph (every node must be in ``group_of`` and ``slot_of``).
    group_of
        Node -> its group (e.g. the neighbourhood).
    slot_of
        Node -> its place around the group, ``0 .. slots - 1`` (e.g. the side).
    slots
        Number of places around a group.
    weight
        Edge attribute with the number of links an edge stands for (default 1).
    seed
        Seed of the groups' force layout.

    Returns
    -------
    dict
        Node -> ``(x, y)`` in canvas pixels, for every node of ``graph``.
    """
    if graph.number_of_nodes() == 0:
        return {}
    groups = sorted({group_of[n] for n in graph}, key=str)
    index = {g: i for i, g in enumerate(groups)}
    between: dict[tuple[int, int], float] = {}
    for u, v, w in graph.edges(data=weight, default=1):
        a, b = sorted((index[group_of[u]], index[group_of[v]]))
        if a != b:
            between[(a, b)] = between.get((a, b), 0.0) + float(w)
    strongest: set[tuple[int, int]] = set()
    per_group: dict[int, list[tuple[float, tuple[int, int]]]] = {}
    for pair, w in between.items():
        for g in pair:
            per_group.setdefault(g, []).append((-w, pair))
    for ranked in per_group.values():
        strongest.update(pair for _, pair in sorted(ranked)[:GROUP_LINKS])
    edges = np.array(sorted(strongest), dtype=np.int64).reshape(-1, 2)
    xy = _force_layout(len(groups), edges, seed, 60, gravity=0.02)
    if len(groups) > 1:
        nearest = cKDTree(xy).query(xy, k=2)[0][:, 1]
        xy *= GROUP_SPACING / max(float(np.median(nearest)), 1e-6)
    result: dict[Hashable, Position] = {}
    for node in graph:
        angle = math.pi / 2 + 2 * math.pi * (slot_of[node] + 1) / max(slots, 1)
        x, y = xy[index[group_of[node]]]
        x, y = x + GROUP_RADIUS * math.cos(angle), y + GROUP_RADIUS * math.sin(angle)
        result[node] = (round(float(x) * SCALE, 2), round(float(y) * SCALE, 2))
    return result
