"""Wijknetwerk dashboard: ``streamlit run app.py [-- --data PATH] [--db URL]``.

This file only wires the app together: page setup, the access gate, the
shared sidebar (language, presentation mode, dataset, quality threshold) and
the navigation. Each page in ``pages/`` is a thin script over :mod:`mapping`.

Access (issue 9, :mod:`mapping.access`), decided before anything else runs:

* a participant (``?code=`` in the URL, or a session that entered a code) only
  ever runs the join page;
* a session that has not signed in, on a server that requires sign-in, runs
  only the sign-in form (at every page address) or the join page: the sidebar,
  the store's dataset list and every dataset are never loaded for it;
* everyone else (signed in, or the open laptop case) gets the whole app.
"""

from __future__ import annotations

import streamlit as st

from mapping import access, session
from mapping.ui_text import t
from pages import _auth as auth
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
    ("survey", "pages/survey.py"),
    ("workshop", "pages/workshop.py"),
)
JOIN = ("join", "pages/join.py")
# The default page's own url_path: empty, like its address "/". Streamlit serves the
# default page only at "/" and answers any name it is given with a "Page not found"
# dialog; the first page's name ("overview") and "home" (the name it had) are hidden
# pages of their own that lead to "/" (see _navigate). Comments, not docstrings:
# Streamlit's magic would print a bare string of the entry script on every page.
HOME = ""
HOME_ALIASES = (PAGES[0][0], "home")


def _page(name: str, path: str, lang: str, default: bool = False) -> st.Page:
    return st.Page(path, title=t(f"page_{name}", lang), url_path=HOME if default else name,
                   default=default)


def _to_home() -> None:
    """Never runs: :func:`_navigate` sends the first page's own address to ``/`` first."""


def _navigate(pages: list[st.Page], position: str) -> st.Page:
    """``st.navigation`` over ``pages`` plus the addresses that lead home.

    ``/overview`` or ``/home`` (a bookmark, a pasted link) then opens the overview
    at ``/``, with its query (``?lang=en&present=1``) kept, instead of Streamlit's
    "Page not found" dialog. The switch happens before any widget is drawn.
    """
    home = pages[0]
    aliases = [st.Page(_to_home, title=home.title, url_path=name, visibility="hidden")
               for name in HOME_ALIASES]
    chosen = st.navigation([*pages, *aliases], position=position)
    if any(chosen is alias for alias in aliases):
        query = [(key, value) for key in st.query_params
                 for value in st.query_params.get_all(key)]
        st.switch_page(home, query_params=query)
    return chosen


def main() -> None:
    """Set up the page, draw the sidebar, run the chosen page."""
    present = session.get_bool(shared.params(), "present") or bool(shared.view("present"))
    st.set_page_config(page_title="Wijknetwerk", page_icon="🤝", layout="wide",
                       initial_sidebar_state="collapsed" if present else "expanded")
    access.setup_logging()
    if shared.params().get("code") or st.session_state.get("_participant"):
        # A participant with a join code sees only the join page: no browsing.
        _run_join()
        return
    if not auth.allowed():
        # Before the sidebar: nothing of any dataset is loaded or sent to this session.
        _run_gate(shared.language())
        return
    # Navigation first: until st.navigation has run, Streamlit treats the first run of a
    # session as a ``pages/``-folder app and gives widgets other ids, so the sidebar's
    # values would reset on the first click (a lost dataset choice, names shown again).
    page = navigation(shared.language())
    ctx = shared.sidebar(shared.cli_options())
    st.session_state["_ctx"] = ctx
    shared.apply_style(ctx.present)
    if auth.required():
        with st.sidebar:
            auth.sign_out_button(ctx.lang)
    _run_in_app(page)


def _run_in_app(page: st.Page) -> None:
    """Run the chosen page with :data:`pages._shared.IN_APP` set (its context is ready)."""
    token = shared.IN_APP.set(True)
    try:
        page.run()
    finally:
        shared.IN_APP.reset(token)


def navigation(lang: str) -> st.Page:
    """Register the pages with Streamlit; returns the page the URL asks for.

    A session that may not see the app gets the gate's pages instead, also when
    ``pages/_shared.py`` registers the navigation itself (its deep-link fallback).
    """
    if not auth.allowed():
        return _gate_navigation(lang)
    pages = [_page(*spec, lang, default=(i == 0)) for i, spec in enumerate(PAGES)]
    pages.append(_page(*JOIN, lang))
    return _navigate(pages, "sidebar")


def _no_data_context(lang: str) -> shared.Context:
    """The context of a session that may see no dataset (participant, not signed in)."""
    return shared.Context(lang=lang, present=False, hide_names=True, min_quality=None,
                          dataset=None, key="", label="")


def _run_gate(lang: str) -> None:
    """A visitor who has not signed in: the sign-in form at every address, or join.

    The sign-in form is registered under every page's address (same ``url_path``,
    hence the same page id), so ``/workshop`` shows the form without a "page not
    found" notice and, after signing in, the same run continues on the workshop
    (``/overview`` leads to ``/``, as in the app).
    """
    st.session_state["_ctx"] = _no_data_context(lang)
    _run_in_app(_gate_navigation(lang))


def _gate_navigation(lang: str) -> st.Page:
    """Sign-in form under every page address, and the join page; nothing else."""
    pages = [st.Page(auth.signin_page, title=access.message("signin_title", lang),
                     url_path=HOME if i == 0 else name, default=(i == 0))
             for i, (name, _) in enumerate(PAGES)]
    pages.append(_page(*JOIN, lang))
    return _navigate(pages, "hidden")


def _run_join() -> None:
    st.session_state["_participant"] = True
    # A participant is never also a facilitator in the same session.
    st.session_state.pop(auth.SIGNED_IN, None)
    lang = session.get_str(shared.params(), "lang", "nl", ("nl", "en")) or "nl"
    st.session_state["_ctx"] = _no_data_context(lang)
    # The QR link points at /join?code=...; a default page lives at "/", so the join
    # page is registered at its own path too (else Streamlit says "page not found").
    start = st.Page(_join_start, title=t("page_join", lang), url_path="start", default=True)
    # Every other page's address with a code (a link pasted from the shared screen) shows
    # the join form too, without Streamlit's "Page not found" dialog over it.
    aliases = [st.Page(_join_start, title=t("page_join", lang), url_path=name,
                       visibility="hidden") for name, _ in PAGES]
    _run_in_app(st.navigation([start, _page(*JOIN, lang), *aliases], position="hidden"))


def _join_start() -> None:
    """The join page for a participant who opened ``/?code=...``."""
    import runpy

    runpy.run_path(str(shared.ROOT / JOIN[1]), run_name="__page__")


if __name__ == "__main__":  # Streamlit runs the entry point as __main__
    main()
