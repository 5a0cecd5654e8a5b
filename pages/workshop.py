"""Workshop (issue 5): waits for ``mapping.store``; shows what is missing until then."""

from __future__ import annotations

import streamlit as st

from mapping.ui_text import t
from pages import _shared as shared


def main() -> None:
    ctx = shared.context()
    st.title(t("workshop_title", ctx.lang))
    try:
        from mapping import store  # noqa: F401
    except ImportError:
        st.info(t("core_missing", ctx.lang, module="mapping.store"))


main()
