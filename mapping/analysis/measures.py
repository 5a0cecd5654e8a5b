"""Standard network measures of the collaboration network, explained in plain language.

Every measure comes with an ``explanation`` (nl/en) a team lead can read
without knowing network science. Betweenness is exact up to
:data:`EXACT_LIMIT` organisations, computed by rustworkx (compiled, both
cores; Apache-2.0), and sampled with networkx (fixed seed, labelled
``approximate``) above it, because exact betweenness grows with nodes x links.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import rustworkx as rx

from mapping.i18n import Catalog, format_percent, translate
from mapping.locales import catalog

EXACT_LIMIT = 10_000
"""Above this many organisations betweenness is approximated (a 1x city has 5,000)."""

SAMPLES = 200
"""Sampled source organisations for approximate betweenness."""

SEED = 42

MESSAGES: Catalog = catalog.namespace("measures")


def degree(collab: nx.Graph, lang: str = "nl") -> dict[str, Any]:
    """Collaboration partners per organisation node."""
    return {"values": dict(collab.degree()), "explanation": translate(MESSAGES, "degree", lang)}


def betweenness(collab: nx.Graph, lang: str = "nl") -> dict[str, Any]:
    """Normalised betweenness; sampled with a fixed seed above :data:`EXACT_LIMIT` nodes."""
    n = collab.number_of_nodes()
    approximate = n > EXACT_LIMIT
    k = min(SAMPLES, n) if approximate else None
    values = (nx.betweenness_centrality(collab, k=k, seed=SEED) if approximate
              else exact_betweenness(collab))
    text = translate(MESSAGES, "betweenness", lang)
    if approximate:
        text += translate(MESSAGES, "approximate", lang, k=k)
    return {"values": values, "approximate": approximate, "samples": k, "explanation": text}


def exact_betweenness(collab: nx.Graph) -> dict[Any, float]:
    """Normalised betweenness of every node, as ``nx.betweenness_centrality`` gives it.

    networkx needs about a minute for a 1x city (5,000 organisations, 22,000
    links) in Python; rustworkx computes the same (Brandes) in a few seconds.
    """
    nodes = list(collab.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(nodes)))
    graph.add_edges_from_no_data([(index[u], index[v]) for u, v in collab.edges if u != v])
    found = rx.graph_betweenness_centrality(graph, normalized=True)
    return {node: float(found[i]) for i, node in enumerate(nodes)}


def communities(collab: nx.Graph, lang: str = "nl", seed: int = SEED) -> dict[str, Any]:
    """Louvain communities (fixed seed), largest first, as sorted lists of node keys."""
    found = nx.community.louvain_communities(collab, seed=seed) if collab.number_of_edges() else [
        {n} for n in collab.nodes]
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))
    return {"values": ordered,
            "explanation": translate(MESSAGES, "communities", lang, n=len(ordered))}


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
