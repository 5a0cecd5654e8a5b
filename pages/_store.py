"""The dataset store of every page: one per database per process.

``st.cache_resource`` keeps one :class:`mapping.store.repository.Store` (one connection
pool, one write queue) for every session of this server; the store is thread-safe.
:func:`_open` is the only place a page opens a store: the sidebar's saved datasets
(``pages/_shared.store``), the workshop and the join page all get this one. The
database comes from ``--db`` after ``--`` on the ``streamlit run`` line, else
``$MAPPING_DB``, else a SQLite file in the user's data folder
(:func:`mapping.workshop.live.store_url`).

Failures (database down, disk full, read-only, corrupt) reach the pages as
:class:`mapping.store.repository.StoreError` with a Dutch and English message; the
helpers here show that message and never the exception text (SQLAlchemy's
holds SQL and row data).
"""

from __future__ import annotations

import logging

import streamlit as st

from mapping.session import md_escape
from mapping.store.repository import Store, StoreError, StoreUnavailable, open_store
from mapping.workshop import live as workshop
from pages import _shared as shared

_LOG = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(url: str) -> Store:
    """The process's store of ``url`` (the key is the resolved URL, so ``--db`` and
    ``$MAPPING_DB`` naming one file share one store)."""
    return open_store(url)


def store_for(cli_db: str | None) -> Store:
    """The process's store of ``--db`` (else ``$MAPPING_DB``, else the default file).

    Raises
    ------
    StoreError
        When it cannot be opened (:class:`StoreUnavailable` with the reason).
    """
    return _open(workshop.store_url(cli_db))


def get_store(lang: str) -> Store | None:
    """The store, or ``None`` after showing a translated error (never a traceback)."""
    try:
        return store_for(shared.cli_options().db)
    except Exception as exc:
        st.error(md_escape(error_message(exc, lang)))
    return None


def error_message(exc: BaseException, lang: str) -> str:
    """The words a page shows for a failed store call (translated, no SQL, no data)."""
    if isinstance(exc, StoreError):
        return exc.message(lang)
    # Not a store error: a bug rather than the database. Its text may still hold data,
    # so the page gets the generic message and the log the type.
    _LOG.warning("unexpected %s from the store", type(exc).__name__)
    return StoreUnavailable("failed").message(lang)
