"""The dataset store for the workshop and join pages: one per database per process.

``st.cache_resource`` keeps one :class:`mapping.store.Store` (one connection
pool) for every session of this server; the store is thread-safe. The
database comes from ``--db`` after ``--`` on the ``streamlit run`` line, else
``$MAPPING_DB``, else a SQLite file in the user's data folder
(:func:`mapping.workshop.store_url`).
"""

from __future__ import annotations

import streamlit as st

from mapping import workshop
from mapping.session import md_escape
from mapping.store import Store, StoreError, open_store
from mapping.ui_text import t
from pages import _shared as shared


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(url: str) -> Store:
    return open_store(url)


def get_store(lang: str) -> Store | None:
    """The store, or ``None`` after showing a translated error (never a traceback)."""
    url = workshop.store_url(shared.cli_options().db)
    try:
        return _open(url)
    except StoreError as exc:
        st.error(md_escape(exc.message(lang)))
    except Exception as exc:  # unreachable server, bad URL, unwritable folder
        # Only the first line: SQLAlchemy appends SQL and a help link.
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        st.error(md_escape(t("ws_store_error", lang, error=f"{type(exc).__name__}: {first}")))
    return None


def show_error(exc: Exception, lang: str) -> None:
    """A store error as a translated message."""
    if isinstance(exc, StoreError):
        st.error(md_escape(exc.message(lang)))
    else:
        st.error(t("ws_store_error", lang, error=type(exc).__name__))
