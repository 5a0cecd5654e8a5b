"""The bounded layout used above ``layout.BOUNDED_ABOVE`` nodes (city scale)."""

from __future__ import annotations

import networkx as nx
import numpy as np

from mapping.views import layout


def _city(n: int) -> nx.Graph:
    # Sparse and clustered like a district: a few hubs with many leaves, plus a ring.
    graph = nx.connected_watts_strogatz_graph(n, 4, 0.05, seed=3)
    return nx.relabel_nodes(graph, {i: f"o:{i}" for i in graph})


def test_bounded_layout_is_deterministic_and_spread() -> None:
    graph = _city(layout.BOUNDED_ABOVE + 500)
    first = layout.positions(graph, seed=7, iterations=30)
    again = layout.positions(graph, seed=7, iterations=30)
    assert first == again
    xy = np.array(list(first.values())) / layout.SCALE
    assert np.isfinite(xy).all()
    # Spread out, not collapsed onto a point: the drawing is at least as wide as a
    # square grid of the nodes at half the ideal edge length.
    assert (np.ptp(xy, axis=0) > 0.5 * np.sqrt(len(xy))).all()
    # Neighbours stay near: the median edge is a few ideal lengths, not the whole drawing.
    lengths = [np.hypot(*(np.array(first[u]) - first[v])) / layout.SCALE for u, v in graph.edges]
    assert np.median(lengths) < 0.1 * np.ptp(xy, axis=0).max()


def test_near_field_uses_at_most_k_neighbours() -> None:
    pos = np.zeros((50, 2)) + np.linspace(0, 0.5, 50)[:, None]  # 50 nodes within the cut-off
    k = 5
    disp = layout._near_field(pos, np.repeat(np.arange(50), k - 1), k, cutoff=2.5)
    # The end nodes are pushed outwards, and every force stays finite.
    assert np.isfinite(disp).all()
    assert disp[0, 0] < 0 < disp[-1, 0]
