"""Cached analysis for the pages: graph and positions, coverage, report, quality, measures.

Caching rule (issue 4, "Speed"): everything computed from the data is cached
by the dataset's content (:meth:`Dataset.fingerprint`) and, where it matters,
the quality threshold and language. Filters, colours and selections are
applied *after* these cached calls, so changing them reruns the page but never
the analysis. :data:`CALLS` counts real (uncached) computations so tests can
prove that.

``st.cache_resource`` rather than ``st.cache_data``: graphs and coverage
objects are large and are only read, so handing every session the same object
is both safe (the core treats them as immutable) and avoids a pickle copy on
every rerun. Split from :mod:`pages._shared` (which still exports these names).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from mapping.domain.dataset import Dataset

CALLS: Counter[str] = Counter()
"""Uncached computations per kind (``load``, ``graph``, ``coverage``, ``report``...)."""


@st.cache_resource(show_spinner=False, max_entries=16)
def graph(key: str, _dataset: Dataset) -> nx.Graph:
    """The full networkx graph of the dataset, without a layout.

    For the pages that only read the graph (map, roles, collaboration, measures):
    at city size the layout costs several times the graph, so they do not wait
    for it. The network and overview pages get this same object with positions.
    """
    CALLS["graph"] += 1
    from mapping.analysis.graph import build_graph

    return build_graph(_dataset)


def graph_and_positions(key: str, dataset: Dataset) -> tuple[nx.Graph, dict]:
    """The full graph and its stable positions (filters only hide nodes later).

    When this session showed an earlier version of the same dataset (the
    workshop adds an organisation, a newer saved version is opened), its
    positions seed the new layout: known nodes stay exactly where they were
    and only the new ones find a place, so the room does not lose its bearings.
    """
    previous = st.session_state.get("_positions", {}).get(dataset.name)
    placed = _positions(key, dataset, previous)
    st.session_state["_positions"] = {dataset.name: placed}
    return graph(key, dataset), placed


@st.cache_resource(show_spinner=False, max_entries=16)
def _positions(key: str, _dataset: Dataset, _previous: dict | None) -> dict:
    CALLS["layout"] += 1
    from mapping.views.layout import positions

    return positions(graph(key, _dataset), previous=_previous)


@st.cache_resource(show_spinner=False, max_entries=32)
def coverage(key: str, min_quality: float | None, _dataset: Dataset) -> Any:
    """Coverage of every group for one threshold (language-independent)."""
    CALLS["coverage"] += 1
    from mapping.analysis.report import analyse

    return analyse(_dataset, min_quality)


@st.cache_resource(show_spinner=False, max_entries=32)
def report(key: str, min_quality: float | None, lang: str, _dataset: Dataset) -> dict:
    """:func:`mapping.analysis.report.build_report`: the figures of ``python -m mapping report``."""
    CALLS["report"] += 1
    from mapping.analysis.report import build_report

    return build_report(_dataset, min_quality=min_quality, lang=lang)


@st.cache_resource(show_spinner=False, max_entries=16)
def quality_tables(key: str, _dataset: Dataset) -> dict[str, pd.DataFrame]:
    """Per link, per organisation and reciprocity tables of the four conditions.

    Straight from the dataset's tables (no graph, no layout needed).
    """
    CALLS["quality"] += 1
    from mapping.analysis import quality

    links = quality.link_quality(_dataset)
    return {"links": links,
            "orgs": quality.organisation_profile(_dataset, links),
            "reciprocity": quality.reciprocity_gaps(_dataset)}


@st.cache_resource(show_spinner=False, max_entries=16)
def measures(key: str, min_quality: float | None, _dataset: Dataset) -> dict:
    """Network measures of the collaborations that count (for sizing nodes)."""
    CALLS["measures"] += 1
    from mapping.analysis.graph import collaboration_graph
    from mapping.analysis.measures import all_measures

    return all_measures(collaboration_graph(graph(key, _dataset), min_quality))
