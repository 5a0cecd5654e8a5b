"""Standard network measures of the collaboration network, explained in plain language.

Every measure comes with an ``explanation`` (nl/en) a team lead can read
without knowing network science. Betweenness comes from the compiled Brandes
kernel of :mod:`mapping.analysis.brandes` (numba, both cores): exact up to
:data:`EXACT_LIMIT` organisations, and above it estimated from
:data:`SAMPLES` sources (fixed seed, labelled ``approximate``, its measured
error stated), because exact betweenness grows with nodes x links.
Louvain communities come from NetworKit's PLM (compiled, one thread, fixed seed;
MIT): networkx's Louvain needs about 45 CPU seconds for a 20x city, this about 3
(PLM itself under one; the rest is reading the links out of the networkx graph).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from mapping.analysis import brandes
from mapping.i18n import Catalog, format_number, format_percent, translate
from mapping.locales import catalog

EXACT_LIMIT = 6_000
"""Above this many organisations betweenness is sampled (a 1x city has 5,000).

Exact betweenness grows with organisations x links (about n^2.2 in generated
cities): measured with :mod:`mapping.analysis.brandes` at 5,000 / 6,000 /
7,000 / 10,000 / 20,000 organisations it took 2.0 / 3.2 / 5.1 / 9.0 / 55-62 CPU
seconds (``bench_measures``, load 6-10), so on two free cores about 1.0 / 1.6 /
2.6 / 4.5 / 30 s. 6,000 keeps the exact case under 2 s; it was 10,000 when a
2x city was still cheaper exact than sampled with networkx.
"""

SAMPLES = 500
"""Source organisations for sampled betweenness.

Chosen from ``bench_measures --error 4 --samples ...`` on a 4x city (20,000
organisations, where sampling applies): 200 / 500 / 800 / 1,000 / 2,000 sources
took about 0.8 / 1.2-2.0 / 2.7 / 2.5-3.3 / 4.2 CPU s and missed the exact value
by at most 0.47 / 0.26 / 0.22 / 0.17 / 0.09 percentage points, sharing 18 / 30 /
38 / 44 / 57 % of the exact top 1 %. 500 keeps a 4x city under 1 s on two free
cores (well under the 2 s target, also when the machine is busy) with about
half the error of the 200 sources before; a 20x city takes a few seconds.
"""

SEED = 42

SAMPLED_ERROR = {"organisations": 20_000, "max_error": 0.0026, "largest": 0.0019,
                 "top_shared": 0.30}
"""What sampling cost where it was measured (``python -m bench.bench_measures --error 4``).

Sampled (:data:`SAMPLES` sources, :data:`SEED`) against exact betweenness on a
generated 4x city of ``organisations`` (90,000 links): the largest difference of
one organisation's normalised value (``max_error``, in percentage points of the
share of shortest paths), the largest exact value itself (``largest``: the
error must be read against it), and the share of the exact top 1 % that the
sample also puts in its top 1 % (``top_shared``). The explanation of an
approximate result quotes them. Mean error 0.00007, rank correlation 0.92:
the sample ranks the middle well, but a single organisation can be off by as
much as the largest value and its top 1 % is only partly right, which the
explanation says.
"""

MESSAGES: Catalog = catalog.namespace("measures")


def degree(collab: nx.Graph, lang: str = "nl") -> dict[str, Any]:
    """Collaboration partners per organisation node."""
    return {"values": dict(collab.degree()), "explanation": translate(MESSAGES, "degree", lang)}


def betweenness(collab: nx.Graph, lang: str = "nl") -> dict[str, Any]:
    """Normalised betweenness; sampled with a fixed seed above :data:`EXACT_LIMIT` nodes.

    Parameters
    ----------
    collab
        The collaboration graph (links unweighted, undirected).
    lang
        Language of the explanation (``"nl"`` or ``"en"``).

    Returns
    -------
    dict
        ``values`` (node key to normalised betweenness, as networkx gives it),
        ``approximate``, ``samples`` (sources used, or ``None`` when exact) and
        ``explanation``, which for a sample quotes :data:`SAMPLED_ERROR`.
    """
    n = collab.number_of_nodes()
    approximate = n > EXACT_LIMIT
    k = min(SAMPLES, n) if approximate else None
    values = sampled_betweenness(collab, k) if k else exact_betweenness(collab)
    text = translate(MESSAGES, "betweenness", lang)
    if approximate:
        text += translate(MESSAGES, "approximate", lang, k=k)
        text += translate(MESSAGES, "approximate_error", lang,
                          organisations=SAMPLED_ERROR["organisations"],
                          points=format_number(100 * SAMPLED_ERROR["max_error"], lang, 2),
                          largest=format_number(100 * SAMPLED_ERROR["largest"], lang, 2),
                          top=format_percent(SAMPLED_ERROR["top_shared"], lang, 0))
    return {"values": values, "approximate": approximate, "samples": k, "explanation": text}


def numbered(collab: nx.Graph) -> tuple[list[Any], np.ndarray]:
    """The nodes in sorted order and the links as a ``(links, 2)`` array of their numbers.

    Sorted, not in insertion or hash order, so that everything computed on the
    numbers (Louvain's random visiting order above all) is the same in every
    process, whatever ``PYTHONHASHSEED`` is; each row has ``u <= v``, rows sorted.
    The numbers stream into one flat array (no tuple per link) and repeated
    rows go by one integer code per row, not numpy's slower row-wise ``unique``.
    """
    nodes = sorted(collab.nodes, key=str)
    index = {node: i for i, node in enumerate(nodes)}
    flat = np.fromiter((index[end] for link in collab.edges for end in link),
                       dtype=np.int64, count=2 * collab.number_of_edges())
    pairs = flat.reshape(-1, 2)
    pairs.sort(axis=1)
    if len(pairs):
        width = len(nodes)
        pairs = np.column_stack(np.divmod(np.unique(pairs[:, 0] * width + pairs[:, 1]), width))
    return nodes, pairs


def exact_betweenness(collab: nx.Graph) -> dict[Any, float]:
    """Normalised betweenness of every node, as ``nx.betweenness_centrality`` gives it.

    networkx needs about a minute for a 1x city (5,000 organisations, 22,000
    links) in Python; :func:`mapping.analysis.brandes.exact` computes the same
    from the integer link array of :func:`numbered` in about 2 CPU seconds,
    on both cores.
    """
    nodes, pairs = numbered(collab)
    return dict(zip(nodes, brandes.exact(len(nodes), pairs).tolist(), strict=True))


def sampled_betweenness(collab: nx.Graph, k: int, seed: int = SEED) -> dict[Any, float]:
    """Betweenness estimated from ``k`` sources, scaled as ``nx.betweenness_centrality(k=k)``.

    The sources are a seeded numpy choice among the nodes in sorted order
    (:func:`mapping.analysis.brandes.sources`), so every process picks the
    same ones; networkx's own choice follows the graph's insertion order.
    """
    nodes, pairs = numbered(collab)
    found = brandes.sampled(len(nodes), pairs, k, seed)
    return dict(zip(nodes, found.tolist(), strict=True))


def communities(collab: nx.Graph, lang: str = "nl", seed: int = SEED) -> dict[str, Any]:
    """Louvain communities (fixed seed), largest first, as sorted lists of node keys.

    Parameters
    ----------
    collab
        The collaboration graph; a ``weight`` link attribute counts, else 1.
    lang
        Language of the explanation (``"nl"`` or ``"en"``).
    seed
        Seed of NetworKit's random generator.

    Returns
    -------
    dict
        ``values``: every node in exactly one community, each a sorted list,
        largest community first; ``explanation``: what the communities mean.

    Notes
    -----
    Computed by :func:`louvain` on a copy numbered in sorted node order
    (:func:`_weighted_links`, as :func:`numbered`), so two runs (two processes, two servers, any
    ``PYTHONHASHSEED``) give the same communities.
    """
    nodes, pairs, weights = _weighted_links(collab)
    labels = (louvain(len(nodes), pairs, weights, seed) if len(pairs)
              else np.arange(len(nodes)))
    # Group the node numbers by label in one sort; within a community they stay in
    # number order, which is the sorted order of the keys.
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    found = ([[nodes[i] for i in part.tolist()] for part in np.split(order, cuts)]
             if len(nodes) else [])
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))
    return {"values": ordered,
            "explanation": translate(MESSAGES, "communities", lang, n=len(ordered))}


def _weighted_links(collab: nx.Graph) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """:func:`numbered` with each link's ``weight`` (default 1), in one pass over the links.

    One pass instead of :func:`numbered` and a lookup per link: at 20x (450,000
    links) the lookups alone took longer than Louvain itself. A simple graph
    holds each link once, so no duplicates need removing. Rows are ``u <= v``
    and sorted, as in :func:`numbered`: NetworKit keeps neighbours in the order
    links were added, and Louvain's moves follow that order, so the graph's own
    (insertion) order must not reach it.
    """
    nodes = sorted(collab.nodes, key=str)
    index = {node: i for i, node in enumerate(nodes)}
    links = collab.edges(data="weight", default=1)
    flat = np.fromiter((x for u, v, w in links for x in (index[u], index[v], w)),
                       dtype=np.float64, count=3 * collab.number_of_edges())
    table = flat.reshape(-1, 3)
    ends = table[:, :2].astype(np.int64)
    pairs = np.column_stack((ends.min(axis=1), ends.max(axis=1)))
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return nodes, pairs[order], table[order, 2]


def louvain(n: int, pairs: np.ndarray, weights: np.ndarray, seed: int = SEED) -> np.ndarray:
    """The community number of each of ``n`` nodes, by NetworKit's PLM (Louvain).

    Parameters
    ----------
    n
        Number of nodes, numbered ``0 .. n - 1``.
    pairs
        ``(links, 2)`` array of node numbers, each link once (:func:`numbered`).
    weights
        Weight of each link in ``pairs``.
    seed
        Seed of NetworKit's random generator.

    Returns
    -------
    numpy.ndarray
        One community number per node (numbers only group nodes, their values mean nothing).

    Notes
    -----
    Deterministic: one thread (NetworKit's setting is process-wide, and two
    threads moving nodes at once make the result depend on timing), the
    sequential strategy ``par="none"`` (nodes visited in number order), and
    the seed set without the thread id. The graph's node numbers follow the
    sorted node keys, so the result does not depend on the hash seed either.
    NetworKit is imported here, not at the top: it takes about a second (it
    loads scipy) and most callers of this module only want betweenness.
    """
    import networkit as nk

    nk.setNumberOfThreads(1)
    nk.setSeed(seed, False)
    graph = nk.Graph(n, weighted=True)
    graph.addEdges((weights, (pairs[:, 0].copy(), pairs[:, 1].copy())))
    plm = nk.community.PLM(graph, refine=False, par="none")
    plm.run()
    return np.asarray(plm.getPartition().getVector(), dtype=np.int64)


def density(collab: nx.Graph, lang: str = "nl") -> dict[str, Any]:
    """Share of possible collaborations that exist."""
    value = nx.density(collab) if collab.number_of_nodes() > 1 else 0.0
    return {"value": value,
            "explanation": translate(MESSAGES, "density", lang,
                                     share=format_percent(value, lang, 1))}


def isolated(collab: nx.Graph, lang: str = "nl") -> dict[str, Any]:
    """Organisations that work with nobody (no collaboration that counts)."""
    nodes = sorted(nx.isolates(collab))
    return {"values": nodes, "explanation": translate(MESSAGES, "isolated", lang, n=len(nodes))}


def all_measures(collab: nx.Graph, lang: str = "nl") -> dict[str, dict[str, Any]]:
    """Every measure above on a graph from :func:`mapping.analysis.graph.collaboration_graph`."""
    return {
        "degree": degree(collab, lang),
        "betweenness": betweenness(collab, lang),
        "communities": communities(collab, lang),
        "density": density(collab, lang),
        "isolated": isolated(collab, lang),
    }
