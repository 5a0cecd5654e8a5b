"""The pages' look: two constant stylesheets, everyday and presentation mode.

The CSS lives in ``mapping/views/assets/pages/`` (no CSS in Python); no user data
ever reaches it. Split from :mod:`pages._shared` (which still exports these names).
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

STYLES = Path(__file__).resolve().parents[1] / "mapping" / "views" / "assets" / "pages"
"""Folder of the pages' stylesheets."""


@functools.cache
def stylesheet(name: str) -> str:
    """``<style>`` element with the stylesheet ``name`` (``base`` or ``presentation``)."""
    css = (STYLES / f"{name}.css").read_text(encoding="utf-8")
    return f"<style>\n{css}</style>"


def apply_style(present: bool) -> None:
    """The page CSS: constants only, never user data."""
    st.html(stylesheet("presentation" if present else "base"))
