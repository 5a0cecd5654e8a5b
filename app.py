"""Wijknetwerk dashboard: ``streamlit run app.py [-- --data PATH] [--db URL]``.

This file only wires the app together: page setup, the shared sidebar
(language, presentation mode, dataset, quality threshold) and the navigation.
Each page in ``pages/`` is a thin script over :mod:`mapping`.
"""

from __future__ import annotations

import streamlit as st

from mapping import session
from mapping.ui_text import t
from pages import _shared as shared

# No page icons: the active page's icon becomes the favicon (a Material icon is then
# fetched from Google Fonts, and the app must work offline), and emoji need a colour-emoji
# font that community-centre PCs often lack.
PAGES = (
    ("overview", "pages/overview.py"),
    ("network", "pages/network.py"),
    ("map", "pages/map.py"),
    ("gaps", "pages/gaps.py"),
    ("collaboration", "pages/collaboration.py"),
    ("roles", "pages/roles.py"),
    ("topics", "pages/topics.py"),
    ("compare", "pages/compare.py"),
    ("data", "pages/data.py"),
    ("workshop", "pages/workshop.py"),
)
JOIN = ("join", "pages/join.py")


def _page(name: str, path: str, lang: str, default: bool = False) -> st.Page:
    return st.Page(path, title=t(f"page_{name}", lang), url_path=name, default=default)


def main() -> None:
    """Set up the page, draw the sidebar, run the chosen page."""
    present = session.get_bool(shared.params(), "present") or bool(shared.view("present"))
    st.set_page_config(page_title="Wijknetwerk", page_icon="🤝", layout="wide",
                       initial_sidebar_state="collapsed" if present else "expanded")
    if shared.params().get("code") or st.session_state.get("_participant"):
        # A participant with a join code sees only the join page: no browsing.
        _run_join()
        return
    # Navigation first: until st.navigation has run, Streamlit treats the first run of a
    # session as a ``pages/``-folder app and gives widgets other ids, so the sidebar's
    # values would reset on the first click (a lost dataset choice, names shown again).
    page = navigation(shared.language())
    ctx = shared.sidebar(shared.cli_options())
    st.session_state["_ctx"] = ctx
    shared.apply_style(ctx.present)
    token = shared.IN_APP.set(True)
    try:
        page.run()
    finally:
        shared.IN_APP.reset(token)


def navigation(lang: str) -> st.Page:
    """Register the pages with Streamlit; returns the page the URL asks for."""
    pages = [_page(*spec, lang, default=(i == 0)) for i, spec in enumerate(PAGES)]
    pages.append(_page(*JOIN, lang))
    return st.navigation(pages, position="sidebar")


def _run_join() -> None:
    st.session_state["_participant"] = True
    lang = session.get_str(shared.params(), "lang", "nl", ("nl", "en")) or "nl"
    st.session_state["_ctx"] = shared.Context(
        lang=lang, present=False, hide_names=True, min_quality=None, dataset=None, key="",
        label="")
    # The QR link points at /join?code=...; a default page lives at "/", so the join
    # page is registered at its own path too (else Streamlit says "page not found").
    start = st.Page(_join_start, title=t("page_join", lang), url_path="start", default=True)
    page = st.navigation([start, _page(*JOIN, lang)], position="hidden")
    token = shared.IN_APP.set(True)
    try:
        page.run()
    finally:
        shared.IN_APP.reset(token)


def _join_start() -> None:
    """The join page for a participant who opened ``/?code=...``."""
    import runpy

    runpy.run_path(str(shared.ROOT / JOIN[1]), run_name="__page__")


if __name__ == "__main__":  # Streamlit runs the entry point as __main__
    main()
