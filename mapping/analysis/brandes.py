"""Brandes' betweenness on integer arrays, compiled with numba: exact or from sampled sources.

The collaboration network is unweighted and undirected, so one breadth-first
search per source and one pass back up its levels (Brandes 2001) give every
node's share of the shortest paths from that source. The kernel works on a
CSR adjacency (``indptr``, ``indices``: the neighbours of node ``v`` are
``indices[indptr[v]:indptr[v + 1]]``) built from the integer link array of
:func:`mapping.analysis.measures.numbered`, never on networkx dicts: exact
betweenness of a 1x city (5,000 organisations, 22,530 links) takes about 2 CPU
seconds, shared by two threads, against about a minute in networkx.

- :func:`exact` uses every node as a source; :func:`sampled` a seeded choice of
  ``k`` of them, scaled as ``nx.betweenness_centrality(k=...)`` scales (networkx
  3.6: sources and other nodes apart). Both return what networkx returns, node
  for node, with self-loops ignored and isolated nodes 0.
- Both cores: the sources are dealt into :data:`CHUNKS` interleaved parts, each
  run by the nogil kernel on a thread of a ``ThreadPoolExecutor``. The parts
  and the order their sums are added in never depend on the machine, so the
  result is the same to the last bit on one core or two (numba's
  ``parallel=True`` is not used: its default threading layer aborts the process
  when two threads launch parallel kernels at once, and Streamlit serves
  sessions on threads).
- Compilation (about 7 s) happens once per machine: ``cache=True`` keeps the
  machine code in ``__pycache__`` (or numba's user cache). Where neither can be
  written it compiles in memory once per process, and without numba at all the
  same kernel runs as plain Python (slow, but the same numbers): the one mechanism
  of :mod:`mapping.analysis.kernels`, shared with the route kernels. :func:`warm`
  loads or compiles the kernel on a tiny graph, for an app to call at start in
  a background thread. numba is imported only then (the import alone costs
  about 0.4 s).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

CHUNKS = 2
"""Parts the sources are dealt into (one thread each); fixed, so sums are the same everywhere."""

_SMALL_WORK = 200_000
"""Below this many source x adjacency entries the parts run on the calling thread."""

_SIGNATURE = "float64[::1](int64[::1], int32[::1], int64[::1])"

_LOCK = threading.Lock()
_COMPILED: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None
_MODE = ""


def _dependencies(indptr: np.ndarray, indices: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Sum over ``sources`` of each node's dependency (Brandes), unscaled.

    For every source ``s``: a breadth-first search counts the shortest paths
    ``sigma`` to every node, queues the nodes in the order it reaches them, and
    writes down, per queued node, its neighbours one level further (its
    children in the shortest-path DAG) in one block of ``child``. Walking the
    queue backwards, a node's dependency is ``sigma[x]`` times the sum over its
    children ``y`` of ``(1 + delta[y]) / sigma[y]`` (``share``), which is final
    by then because children come later in the queue. The backward walk reads
    only the DAG's links, in one stream, instead of every neighbour again: this
    halved the time of the textbook version (2.9 to 1.8 CPU s at 1x). Only
    nodes the search reached are reset, so a source in a small component costs
    only that component. This is the function numba compiles; run as Python it
    gives the same numbers.
    """
    n = len(indptr) - 1
    total = np.zeros(n)
    sigma = np.zeros(n)
    share = np.zeros(n)  # (1 + delta) / sigma; written before any parent reads it
    dist = np.full(n, -1, np.int32)
    order = np.empty(n, np.int32)  # the search's queue, walked back afterwards
    block = np.empty(n + 1, np.int64)  # block[i]: where the children of order[i] start
    child = np.empty(max(len(indices), 1), np.int32)
    for s in sources:
        sigma[s] = 1.0
        dist[s] = 0
        order[0] = s
        head = 0
        tail = 1
        links = 0
        while head < tail:
            x = order[head]
            block[head] = links
            head += 1
            step = dist[x] + 1
            paths = sigma[x]
            for k in range(indptr[x], indptr[x + 1]):
                y = indices[k]
                if dist[y] < 0:
                    dist[y] = step
                    order[tail] = y
                    tail += 1
                if dist[y] == step:
                    sigma[y] += paths
                    child[links] = y
                    links += 1
        block[tail] = links
        for i in range(tail - 1, -1, -1):
            x = order[i]
            passing = 0.0
            for e in range(block[i], block[i + 1]):
                passing += share[child[e]]
            delta = sigma[x] * passing
            share[x] = (1.0 + delta) / sigma[x]
            if i > 0:  # order[0] is s itself: its own paths do not count for it
                total[x] += delta
        for i in range(tail):
            w = order[i]
            sigma[w] = 0.0
            dist[w] = -1
    return total


def _kernel() -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """The compiled :func:`_dependencies`: from the cache, compiled now, or as Python.

    The explicit signature compiles (or loads) at once, under the lock, so two
    threads asking at the same time compile once, and a call with other array
    types fails loudly instead of compiling a second version.
    """
    global _COMPILED, _MODE
    if _COMPILED is not None:
        return _COMPILED
    with _LOCK:
        if _COMPILED is None:
            _COMPILED, _MODE = _compile()
    return _COMPILED


def _compile() -> tuple[Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray], str]:
    """Cached build, else in memory, else plain Python (:func:`mapping.analysis.kernels.build`)."""
    from mapping.analysis.kernels import build

    return build(_dependencies, _SIGNATURE, cache=True, nogil=True)


def warm() -> str:
    """Load or compile the kernel and run it on a tiny graph; return how it runs.

    Returns
    -------
    str
        ``"cached"`` (machine code from, or now written to, numba's cache),
        ``"memory"`` (compiled for this process only: no cache directory could
        be written) or ``"python"`` (numba unavailable or failing).

    Notes
    -----
    Meant for a background thread at app start, so the first page that needs
    betweenness does not wait the ~7 s of a first compilation (loading from the
    cache takes a fraction of a second). Safe to call from several threads and
    more than once.
    """
    indptr, indices = csr(3, np.array([[0, 1], [1, 2]]))
    _kernel()(indptr, indices, np.arange(3, dtype=np.int64))
    return _MODE


def csr(n: int, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The symmetric CSR adjacency of ``n`` nodes with the links ``pairs``.

    Parameters
    ----------
    n
        Number of nodes, numbered ``0 .. n - 1``.
    pairs
        ``(links, 2)`` integer array of node numbers, in any order and
        direction; self-loops and repeated links are dropped.

    Returns
    -------
    indptr, indices
        ``int64`` row offsets (``n + 1``) and ``int32`` neighbours, each row
        sorted, so the kernel adds in the same order whatever order the links came in.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    tails = np.concatenate((pairs[:, 0], pairs[:, 1]))
    heads = np.concatenate((pairs[:, 1], pairs[:, 0]))
    codes = np.unique(tails * max(n, 1) + heads)  # sorted by tail, then head; each once
    tails, heads = np.divmod(codes, max(n, 1))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails, minlength=n), out=indptr[1:])
    return indptr, heads.astype(np.int32)


def dependencies(indptr: np.ndarray, indices: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Each node's dependency summed over ``sources`` (Brandes), on both cores, unscaled.

    Parameters
    ----------
    indptr, indices
        CSR adjacency from :func:`csr`.
    sources
        Node numbers to search from.

    Returns
    -------
    numpy.ndarray
        ``float64`` per node; divide as :func:`exact` or :func:`sampled` do.
    """
    kernel = _kernel()
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
    indices = np.ascontiguousarray(indices, dtype=np.int32)
    sources = np.asarray(sources, dtype=np.int64)
    # Interleaved, not halves: neighbouring numbers may share a component, so halves
    # could leave one thread with all the work.
    parts = [np.ascontiguousarray(sources[i::CHUNKS]) for i in range(CHUNKS)]
    if len(sources) * max(len(indices), 1) < _SMALL_WORK or (os.cpu_count() or 1) < 2:
        sums = [kernel(indptr, indices, part) for part in parts]
    else:
        with ThreadPoolExecutor(max_workers=CHUNKS, thread_name_prefix="brandes") as pool:
            sums = list(pool.map(lambda part: kernel(indptr, indices, part), parts))
    total = np.zeros(len(indptr) - 1)
    for part_sum in sums:  # always in part order: the same float sum everywhere
        total += part_sum
    return total


def exact(n: int, pairs: np.ndarray) -> np.ndarray:
    """Normalised betweenness of ``n`` nodes, as ``nx.betweenness_centrality(G)``.

    Parameters
    ----------
    n
        Number of nodes, numbered ``0 .. n - 1``.
    pairs
        ``(links, 2)`` integer array of node numbers (see :func:`csr`).

    Returns
    -------
    numpy.ndarray
        One value per node: the share of shortest paths between two other nodes
        that pass through it (divided by ``(n - 1)(n - 2)``: every ordered pair
        is counted from both ends). Below 3 nodes no node lies between two
        others and all are 0, as networkx gives them.
    """
    if n < 3:
        return np.zeros(n)
    indptr, indices = csr(n, pairs)
    return dependencies(indptr, indices, np.arange(n, dtype=np.int64)) / ((n - 1) * (n - 2))


def sources(n: int, k: int, seed: int) -> np.ndarray:
    """``k`` distinct node numbers out of ``n``, sorted, from numpy's generator with ``seed``.

    numpy's ``default_rng`` gives the same choice in every process and on every
    platform; the nodes are numbered in sorted key order, so the hash seed cannot change it.
    """
    chosen = np.random.default_rng(seed).choice(n, size=min(k, n), replace=False)
    return np.sort(chosen).astype(np.int64)


def sampled(n: int, pairs: np.ndarray, k: int, seed: int,
            chosen: np.ndarray | None = None) -> np.ndarray:
    """Betweenness estimated from ``k`` sources, scaled as networkx scales a sample.

    Parameters
    ----------
    n
        Number of nodes, numbered ``0 .. n - 1``.
    pairs
        ``(links, 2)`` integer array of node numbers (see :func:`csr`).
    k
        Number of sources (at most ``n``).
    seed
        Seed of the choice of sources (:func:`sources`).
    chosen
        The sources themselves, instead of ``k`` and ``seed`` (for tests).

    Returns
    -------
    numpy.ndarray
        One value per node. As ``nx.betweenness_centrality(G, k=k)`` does
        (networkx 3.6): a source's own paths are never counted for it, so a
        source is divided by ``(k - 1)(n - 2)`` and any other node by
        ``k (n - 2)``; both estimate the exact value. ``k = 1`` leaves the one
        source undefined (NaN), as in networkx.
    """
    chosen = sources(n, k, seed) if chosen is None else np.asarray(chosen, dtype=np.int64)
    k = len(chosen)
    if k < 1:
        raise ValueError("sampled betweenness needs at least one source")
    if n < 3:
        return np.zeros(n)
    indptr, indices = csr(n, pairs)
    found = dependencies(indptr, indices, chosen)
    scale = np.full(n, 1.0 / (k * (n - 2)))
    scale[chosen] = 1.0 / ((k - 1) * (n - 2)) if k > 1 else np.nan
    return found * scale
