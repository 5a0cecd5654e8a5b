"""What every page shares: the sidebar, the session's context and the store.

Every page imports this module (``from pages import _shared as shared``); the
pieces live by concern and are re-exported here under their old names:

* :mod:`pages._url_state`: view values bound to widgets and to the link;
* :mod:`pages._sources`: the demo, files on disk, uploads, saved datasets;
* :mod:`pages._analysis`: cached analysis (and :data:`CALLS`, counting real computations);
* :mod:`pages._style`: the two stylesheets;
* here: the store (one per process and URL), the sidebar and the context.
"""

from __future__ import annotations

import contextvars
import os
import sys
import time
import weakref
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from mapping import session
from mapping.domain.dataset import Dataset
from mapping.i18n import format_number, normalise_lang
from mapping.ui_text import t
from pages._analysis import (  # noqa: F401  (re-exported: callers import them from here)
    CALLS,
    coverage,
    graph,
    graph_and_positions,
    measures,
    quality_tables,
    report,
)
from pages._sources import (  # noqa: F401  (re-exported: callers import them from here)
    DEMO_DIR,
    ROOT,
    Saved,
    _dataset_for,
    _failure_text,
    _remembered_saved,
    _saved_controls,
    _saved_dataset,
    _saved_names,
    _source_label,
    _source_options,
    _wants_store,
    load_folder,
    load_upload,
    sort_upload,
)
from pages._style import apply_style  # noqa: F401  (re-exported)
from pages._url_state import (  # noqa: F401  (re-exported: callers import them from here)
    bind,
    params,
    publish,
    read_bool,
    read_float,
    read_list,
    read_str,
    set_view,
    view,
    wkey,
)

IN_APP: contextvars.ContextVar[bool] = contextvars.ContextVar("in_app", default=False)
"""True while ``app.py`` runs the chosen page (a page run without it lacks the sidebar)."""


QUALITY_STEPS = [0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]


@dataclass(frozen=True)
class Context:
    """What a page needs to know about this session's view."""

    lang: str
    present: bool
    hide_names: bool
    min_quality: float | None
    dataset: Dataset | None
    key: str
    label: str
    error: str | None = None


# --------------------------------------------------------------------------- saved datasets


def _open_store(url: str | None) -> Any:
    """The process's one store (cached in :func:`pages._store._open`, shared with the workshop)."""
    from pages import _store  # imported here: _store imports this module

    return _store.store_for(url)


def store(cli: session.CliOptions | None = None) -> Any:
    """The store of ``--db`` (else ``$MAPPING_DB``, else the default file), or ``None``.

    ``None`` when it cannot be opened (a PostgreSQL server that is down, a
    read-only disk): the other sources still work, and a page asked for a
    saved dataset says why it cannot show it (the sidebar uses
    :func:`_store_or_failure` for the reason).
    """
    return _store_or_failure(cli)[0]


def _store_or_failure(cli: session.CliOptions | None) -> tuple[Any, BaseException | None]:
    cli = cli or cli_options()
    url = cli.db or os.environ.get("MAPPING_DB") or None
    failed = _STORE_FAILED.get(url)
    if failed is not None and time.monotonic() - failed[0] < STORE_RETRY_SECONDS:
        return None, failed[1]  # a server that is down would otherwise cost a timeout per rerun
    try:
        return _open_store(url), None
    except Exception as exc:  # any database or driver error: the other sources still work
        _STORE_FAILED[url] = (time.monotonic(), exc)
        return None, exc


STORE_RETRY_SECONDS = 10.0
"""How long a store that failed to open is not tried again (a dead host costs a timeout)."""
_STORE_FAILED: dict[str | None, tuple[float, BaseException]] = {}


# --------------------------------------------------------------------------- sidebar + context


def cli_options() -> session.CliOptions:
    """``--data`` / ``--db`` given after ``--`` on the ``streamlit run`` line."""
    return session.parse_cli(sys.argv[1:])


def language() -> str:
    """This session's language (``?lang=``, else the switch's last value, else Dutch).

    Binds the language switch's value without drawing it, so ``app.py`` can
    register the navigation (translated page titles) before any widget.
    """
    bind("lang", lambda p: normalise_lang(session.get_str(p, "lang")) if "lang" in p else None,
         "nl")
    return normalise_lang(st.session_state["lang"])


def sidebar(cli: session.CliOptions) -> Context:
    """Draw the sidebar controls every page shares and return the session's context."""
    lang = language()
    present = bind("present", read_bool("present"), False)
    with st.sidebar:
        st.radio(t("language", lang), ["nl", "en"], key="lang", horizontal=True,
                 format_func=lambda v: {"nl": "Nederlands", "en": "English"}[v])
        st.toggle(t("presentation", lang), key=present, help=t("presentation_help", lang))
        ctx = _dataset_controls(cli, lang)
    publish({"lang": lang, "present": st.session_state[present]},
            {"lang": "nl", "present": False})
    return ctx


def _dataset_controls(cli: session.CliOptions, lang: str) -> Context:
    db, failure = _store_or_failure(cli)
    names, lost = _saved_names(db)
    failure = failure or lost
    options = _source_options(cli, names)
    # A saved dataset was asked for and the database fails: keep that choice and
    # say why, rather than silently showing the demo in its place (issue 9).
    if failure is not None and "store" not in options and _wants_store():
        options.append("store")
    default = "path" if "path" in options else "demo"
    source_key = bind("source", read_str("src", options), default)
    if st.session_state[source_key] not in options:
        st.session_state[source_key] = default
    # Labels computed now, not in format_func: it may be called outside a run.
    labels = {s: _source_label(s, cli, lang) for s in options}
    source = st.selectbox(t("dataset", lang), options, key=source_key, format_func=labels.get)
    if source != "store":
        saved = None
    elif failure is None:
        saved = _saved_controls(db, names, lang)
    else:
        saved = _remembered_saved()
    quality_key = bind("min_q", read_float("q", 0.0, 5.0), 0.0)
    st.select_slider(t("min_quality", lang), QUALITY_STEPS, key=quality_key,
                     help=t("min_quality_help", lang),
                     format_func=lambda v: format_number(v, lang))
    hide_key = bind("hide_names", lambda p: not session.get_bool(p, "names")
                    if "names" in p else None, True)
    st.toggle(t("hide_names", lang), key=hide_key)
    publish({"src": source, "q": st.session_state[quality_key],
             "names": not st.session_state[hide_key],
             "sds": saved.name if saved else None, "ver": saved.version if saved else 0},
            {"src": default, "q": 0.0, "names": False, "sds": None, "ver": 0})
    if source == "store" and failure is not None:
        dataset, error, label = None, _failure_text(failure, lang), _source_label(source, cli, lang)
    elif saved is not None:
        dataset, number, error = _saved_dataset(db, saved, lang)
        label = t("source_store", lang, name=f"{saved.name}, "
                  f"{t('version_label', lang, v=number)}")
    else:
        dataset, error = _dataset_for(source, cli, lang)
        label = _source_label(source, cli, lang)
    return Context(
        lang=lang, present=bool(view("present")), hide_names=bool(st.session_state[hide_key]),
        min_quality=session.min_quality_or_none(float(st.session_state[quality_key])),
        dataset=dataset, key=fingerprint(dataset) if dataset is not None else "",
        label=label if dataset is not None else "", error=error,
    )


_FINGERPRINTS: weakref.WeakKeyDictionary[Dataset, str] = weakref.WeakKeyDictionary()


def fingerprint(dataset: Dataset) -> str:
    """:meth:`Dataset.fingerprint`, computed once per dataset object.

    Hashing writes every table as CSV; the loaders and the store hand every
    rerun the same (cached, immutable) object, so remembering the hash per
    object keeps a pure view change from paying for it again.
    """
    key = _FINGERPRINTS.get(dataset)
    if key is None:
        key = _FINGERPRINTS[dataset] = dataset.fingerprint()
    return key


def context() -> Context:
    """The context ``app.py`` computed for this run."""
    if not IN_APP.get() or "_ctx" not in st.session_state:
        _run_entrypoint()
    return st.session_state["_ctx"]


def _run_entrypoint() -> None:
    """Register ``app.py``'s navigation and rerun, when Streamlit ran a page without it.

    Right after a server start, Streamlit routes a deep link such as
    ``/network?hood=BU01`` straight to ``pages/network.py`` (its fallback for a
    ``pages/`` folder) until ``app.py`` has once called ``st.navigation``.
    Registering the navigation and rerunning (before any widget is drawn)
    makes the next run go through ``app.py`` with the sidebar and context.
    """
    import runpy

    app = runpy.run_path(str(ROOT / "app.py"), run_name="wijknetwerk_app")
    app["navigation"](normalise_lang(session.get_str(params(), "lang")))
    st.rerun()


def page_header(title_key: str, intro_key: str | None = None) -> Context | None:
    """Title, "which dataset is shown", and the context; ``None`` when there is no data.

    ``intro_key``: the page's introduction, shown as a caption under that line.
    """
    ctx = context()
    st.title(t(title_key, ctx.lang))
    if ctx.dataset is None:
        st.error(ctx.error or t("no_data", ctx.lang))
        return None
    st.caption(session.md_escape(t("shown", ctx.lang, name=f"{ctx.label} ({ctx.dataset.name})")))
    if intro_key is not None:
        st.caption(t(intro_key, ctx.lang))
    return ctx


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """One table as an Excel workbook, for a download button (values only, never formulas)."""
    from mapping.io.write import frame_xlsx_bytes

    return frame_xlsx_bytes(frame, sheet)
