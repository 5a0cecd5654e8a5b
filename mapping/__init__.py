"""Wijknetwerk core: who reaches which parent groups in a city district.

Data flows one way: files -> validated tables (:mod:`mapping.io.load`,
:mod:`mapping.io.validate`) -> graph (:mod:`mapping.analysis.graph`) -> analysis
(:mod:`mapping.analysis.coverage` and friends) -> views (:mod:`mapping.views.render_network`,
:mod:`mapping.views.render_map`). Nothing in this package imports Streamlit.
"""

from mapping.domain.dataset import Dataset

__all__ = ["Dataset"]
