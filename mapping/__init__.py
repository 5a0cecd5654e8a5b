"""Wijknetwerk core: who reaches which parent groups in a city district.

Data flows one way: files -> validated tables (:mod:`mapping.load`,
:mod:`mapping.validate`) -> graph (:mod:`mapping.graph`) -> analysis
(:mod:`mapping.coverage` and friends) -> views (:mod:`mapping.render_network`,
:mod:`mapping.render_map`). Nothing in this package imports Streamlit.
"""

from mapping.dataset import Dataset

__all__ = ["Dataset"]
