"""Wijknetwerk core: who reaches which parent groups in a city district.

Data flows one way: files -> validated tables (:mod:`mapping.io.load`,
:mod:`mapping.io.validate`) -> graph (:mod:`mapping.analysis.graph`) -> analysis
(:mod:`mapping.analysis.coverage` and friends) -> views (:mod:`mapping.views.render_network`,
:mod:`mapping.views.render_map`). Nothing in this package imports Streamlit.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Dataset"]


def __getattr__(name: str) -> Any:
    # Late: importing the package must not import pandas (a command starts its parse
    # worker first, so the two processes' imports overlap).
    if name == "Dataset":
        from mapping.domain.dataset import Dataset

        return Dataset
    raise AttributeError(f"module 'mapping' has no attribute {name!r}")
