"""Betweenness from the compiled Brandes kernel is networkx's, exact and sampled.

Exact: node for node against ``nx.betweenness_centrality`` on random graphs
(disconnected, self-loops, isolated nodes, 0 to 3 nodes, stars, paths).
Sampled: against networkx given the very same sources. Also: the same in every
process whatever the hash seed, and still working (compiled in memory, or as
plain Python) where numba cannot cache or cannot compile.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import types
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.analysis import brandes, kernels, measures
from mapping.analysis import graph as g
from mapping.io.demo import generate

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 1e-12


@st.composite
def graphs(draw) -> nx.Graph:
    """A random graph with string keys: random, star, path or two pieces, plus loops and loners."""
    shape = draw(st.sampled_from(["random", "star", "path", "pieces"]))
    n = draw(st.integers(0, 3)) if draw(st.booleans()) else draw(st.integers(0, 30))
    if shape == "random":
        graph = nx.gnm_random_graph(n, draw(st.integers(0, 3 * n + 1)),
                                    seed=draw(st.integers(0, 10_000)))
    elif shape == "star":
        graph = nx.star_graph(max(n - 1, 0)) if n else nx.Graph()
    elif shape == "path":
        graph = nx.path_graph(n)
    else:
        graph = nx.disjoint_union(nx.path_graph(n // 2), nx.complete_graph(n - n // 2))
    loners = draw(st.integers(0, 3))
    graph.add_nodes_from(range(len(graph), len(graph) + loners))
    nodes = list(graph)
    if nodes:
        graph.add_edges_from((v, v) for v in draw(st.lists(st.sampled_from(nodes), max_size=3)))
    # Keys in a shuffled insertion order: the result must not depend on it.
    order = draw(st.permutations(nodes))
    shuffled = nx.Graph()
    shuffled.add_nodes_from(f"o:{v}" for v in order)
    shuffled.add_edges_from((f"o:{u}", f"o:{v}") for u, v in graph.edges)
    return shuffled


def _close(found: dict, expected: dict) -> bool:
    return found.keys() == expected.keys() and all(
        abs(found[k] - expected[k]) < TOLERANCE for k in expected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_exact_is_networkx(graph: nx.Graph) -> None:
    assert _close(measures.exact_betweenness(graph), nx.betweenness_centrality(graph))


class _Chosen(random.Random):
    """A random generator whose ``sample`` returns given nodes: networkx then uses those sources."""

    def __init__(self, chosen: list) -> None:
        super().__init__(0)
        self.chosen = chosen

    def sample(self, population, k, *, counts=None):  # networkx calls it so
        assert k == len(self.chosen) and set(self.chosen) <= set(population)
        return list(self.chosen)


def _networkx_from(graph: nx.Graph, sources: list) -> dict:
    return nx.betweenness_centrality(graph, k=len(sources), seed=_Chosen(sources))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(2, 30), st.integers(0, 2**32 - 1))
def test_sampled_is_networkx_from_the_same_sources(graph: nx.Graph, k: int, seed: int) -> None:
    nodes, pairs = measures.numbered(graph)
    k = min(k, len(nodes))
    if k < 2:  # one source leaves itself undefined (NaN) in networkx too
        return
    chosen = brandes.sources(len(nodes), k, seed)
    assert len(set(chosen.tolist())) == k and np.all(np.diff(chosen) > 0)
    found = dict(zip(nodes, brandes.sampled(len(nodes), pairs, k, seed).tolist(), strict=True))
    assert _close(found, _networkx_from(graph, [nodes[i] for i in chosen]))


def test_sampled_betweenness_uses_the_seeded_sources() -> None:
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(60, 2, seed=1), lambda v: f"o:{v}")
    nodes = sorted(graph, key=str)
    chosen = [nodes[i] for i in brandes.sources(len(nodes), 12, measures.SEED)]
    found = measures.sampled_betweenness(graph, 12)
    assert _close(found, _networkx_from(graph, chosen))
    assert found == measures.sampled_betweenness(graph, 12)
    assert found != measures.sampled_betweenness(graph, 12, seed=measures.SEED + 1)
    # All sources: the estimate is the exact value.
    assert _close(measures.sampled_betweenness(graph, len(graph)),
                  nx.betweenness_centrality(graph))


def test_betweenness_above_the_limit_is_the_sample(monkeypatch) -> None:
    monkeypatch.setattr(measures, "EXACT_LIMIT", 40)
    monkeypatch.setattr(measures, "SAMPLES", 10)
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(50, 2, seed=2), lambda v: f"o:{v}")
    found = measures.betweenness(graph, "en")
    assert found["approximate"] and found["samples"] == 10
    assert found["values"] == measures.sampled_betweenness(graph, 10)
    small = measures.betweenness(nx.relabel_nodes(nx.path_graph(40), str), "en")
    assert not small["approximate"] and small["samples"] is None


def test_csr_drops_loops_and_repeats_and_sorts_rows() -> None:
    indptr, indices = brandes.csr(4, np.array([[2, 0], [0, 2], [1, 1], [0, 1], [3, 0]]))
    assert indptr.tolist() == [0, 3, 4, 5, 6]
    assert indices.tolist() == [1, 2, 3, 0, 0, 0]
    assert (indptr.dtype, indices.dtype) == (np.int64, np.int32)
    empty = brandes.csr(0, np.empty((0, 2), dtype=np.int64))
    assert empty[0].tolist() == [0] and empty[1].tolist() == []


def test_tiny_graphs_are_all_zero() -> None:
    for n in range(3):
        assert brandes.exact(n, np.array([[0, 1]] if n == 2 else [])).tolist() == [0.0] * n
    assert measures.betweenness(nx.Graph())["values"] == {}


def test_the_kernel_as_python_gives_the_same_numbers() -> None:
    graph = nx.barabasi_albert_graph(40, 3, seed=5)
    graph.add_nodes_from([40, 41])
    indptr, indices = brandes.csr(len(graph), np.array(list(graph.edges)))
    sources = np.arange(len(graph), dtype=np.int64)
    compiled = brandes.dependencies(indptr, indices, sources)
    python = brandes._dependencies(indptr, indices, sources)
    assert np.allclose(compiled, python, rtol=0, atol=1e-12)


def test_two_threads_give_the_same_sum_as_one() -> None:
    # Large enough for the thread pool; the parts and their order are fixed.
    graph = nx.barabasi_albert_graph(600, 3, seed=6)
    indptr, indices = brandes.csr(len(graph), np.array(list(graph.edges)))
    sources = np.arange(len(graph), dtype=np.int64)
    assert len(sources) * len(indices) >= brandes._SMALL_WORK
    kernel = brandes._kernel()
    parts = [np.ascontiguousarray(sources[i::brandes.CHUNKS]) for i in range(brandes.CHUNKS)]
    alone = np.zeros(len(graph))
    for part in parts:
        alone += kernel(indptr, indices, part)
    assert np.array_equal(brandes.dependencies(indptr, indices, sources), alone)


def _fake_numba(cache_fails: bool, compile_fails: bool) -> types.ModuleType:
    def njit(signature: str, cache: bool, nogil: bool):
        assert signature == brandes._SIGNATURE and nogil
        if (cache and cache_fails) or compile_fails:
            raise RuntimeError("cannot cache function: no locator available")
        return lambda fn: fn

    return types.SimpleNamespace(njit=njit)


@pytest.mark.parametrize(("cache_fails", "compile_fails", "mode"), [
    (False, False, "cached"), (True, False, "memory"), (True, True, "python")])
def test_the_kernel_falls_back_without_a_cache_or_a_compiler(
        monkeypatch, caplog, cache_fails: bool, compile_fails: bool, mode: str) -> None:
    monkeypatch.setitem(sys.modules, "numba", _fake_numba(cache_fails, compile_fails))
    monkeypatch.setattr(kernels, "_WARNED", set())  # each case warns afresh
    monkeypatch.setattr(brandes, "_COMPILED", None)
    monkeypatch.setattr(brandes, "_MODE", "")
    assert brandes.warm() == mode
    assert brandes.exact(4, np.array([[0, 1], [1, 2], [2, 3]])).tolist() == pytest.approx(
        [0.0, 2 / 3, 2 / 3, 0.0])
    assert ("not cached" in caplog.text) == cache_fails


def test_warm_reports_how_the_kernel_runs() -> None:
    assert brandes.warm() in {"cached", "memory"}
    assert brandes.warm() == brandes._MODE


# The unwritable-cache case (compiled in memory, no traceback, one warning) runs for both
# kernel families in tests/analysis/test_kernels_fallback.py, on a copy of the package.


SCRIPT = """
import json
from mapping.analysis import graph as g
from mapping.analysis import measures
from mapping.io.demo import generate
collab = g.collaboration_graph(g.build_graph(generate(organisations=300, groups=90, seed=4)))
print(json.dumps([measures.exact_betweenness(collab),
                  measures.sampled_betweenness(collab, 40)], sort_keys=True))
"""


def _in_a_process(hash_seed: str) -> str:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": path}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_betweenness_is_the_same_under_two_hash_seeds() -> None:
    first = _in_a_process("1")
    assert first == _in_a_process("2024")
    exact, sampled = json.loads(first)
    collab = g.collaboration_graph(g.build_graph(generate(organisations=300, groups=90, seed=4)))
    assert _close(exact, nx.betweenness_centrality(collab))
    assert sampled.keys() == exact.keys() and sampled != exact


def test_two_threads_warming_at_once_build_the_kernel_once(monkeypatch) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    builds = []
    gate = threading.Barrier(4)

    def njit(signature: str, cache: bool, nogil: bool):
        builds.append(cache)
        return lambda fn: fn

    monkeypatch.setitem(sys.modules, "numba", types.SimpleNamespace(njit=njit))
    monkeypatch.setattr(brandes, "_COMPILED", None)
    monkeypatch.setattr(brandes, "_MODE", "")

    def start() -> str:
        gate.wait()
        return brandes.warm()

    with ThreadPoolExecutor(max_workers=4) as pool:
        modes = list(pool.map(lambda _: start(), range(4)))
    assert modes == ["cached"] * 4 and builds == [True]
