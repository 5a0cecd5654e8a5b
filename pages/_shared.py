"""What every page shares: the sidebar, the chosen dataset, cached analysis, URL state.

Caching rule (issue 4, "Speed"): everything computed from the data is cached
by the dataset's content (:meth:`Dataset.fingerprint`) and, where it matters,
the quality threshold and language. Filters, colours and selections are
applied *after* these cached calls, so changing them reruns the page but never
the analysis. :data:`CALLS` counts real (uncached) computations so tests can
prove that.

``st.cache_resource`` rather than ``st.cache_data``: graphs and coverage
objects are large and are only read, so handing every session the same object
is both safe (the core treats them as immutable) and avoids a pickle copy on
every rerun.
"""

from __future__ import annotations

import contextvars
import os
import sys
import time
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from mapping import session
from mapping.domain.dataset import Dataset
from mapping.i18n import format_number, normalise_lang
from mapping.ui_text import moment, t

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"

IN_APP: contextvars.ContextVar[bool] = contextvars.ContextVar("in_app", default=False)
"""True while ``app.py`` runs the chosen page (a page run without it lacks the sidebar)."""

CALLS: Counter[str] = Counter()
"""Uncached computations per kind (``load``, ``graph``, ``coverage``, ``report``...)."""

QUALITY_STEPS = [0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]

# Presentation mode: a constant stylesheet (no user data can reach it). Large
# type for the back of the room, black-on-white contrast, thicker focus rings.
PRESENTATION_CSS = """
<style>
html { font-size: 22px; }
.block-container { padding-top: 3.4rem !important; }
.stApp, .stApp p, .stApp li { color: #000 !important; }
.stApp h1 { font-size: 3rem !important; }
[data-testid="stMetricValue"] { font-size: 3.4rem !important; font-weight: 700 !important; }
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
  font-size: 3.4rem !important; line-height: 1.15; }
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {
  font-size: 1.2rem !important; line-height: 1.3; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #222 !important; }
[data-testid="stMetric"] { border: 3px solid #000 !important; background: #fff !important;
  border-radius: 8px; padding: 12px 18px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
  font-size: 1.3rem !important; line-height: 1.45; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem !important; }
*:focus-visible { outline: 4px solid #0072B2 !important; }
</style>
"""

# Everyday layout: metric tiles as cards so the overview reads at a glance.
BASE_CSS = """
<style>
[data-testid="stMetric"] { border: 1px solid #d0d5dc; border-radius: 8px; padding: 10px 14px;
  background: #fafbfc; }
[data-testid="stMetricValue"] { font-weight: 650; }
.block-container { padding-top: 2.2rem; }
</style>
"""


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


# --------------------------------------------------------------------------- URL state


def params() -> dict[str, list[str]]:
    """The current query parameters with every value of repeated ones."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def wkey(base: str) -> str:
    """The widget key of view value ``base`` for the current language.

    Streamlit stores a select widget's value as its *displayed* text, so a
    widget whose option labels change with the language would lose its value
    on a language switch. One widget per language (``net_cat.nl``,
    ``net_cat.en``) seeded from the language-neutral saved value avoids that.
    """
    return base if base == "lang" else f"{base}.{normalise_lang(st.session_state.get('lang'))}"


def bind(base: str, read: Callable[[dict[str, list[str]]], Any], default: Any) -> str:
    """Seed the widget of view value ``base``; returns the widget key to use.

    First value: the URL (so a shared link shows what its sender saw), else
    this session's last value (Streamlit drops the widgets of pages not shown
    and clears page parameters on navigation), else ``default``.
    """
    key = wkey(base)
    st.session_state.setdefault("_bound", {})[key] = base
    if key not in st.session_state:
        found = read(params())
        saved = st.session_state.setdefault("_saved_view", {})
        st.session_state[key] = found if found is not None else saved.get(base, default)
    return key


def view(base: str, default: Any = None) -> Any:
    """The current value of view value ``base``."""
    return st.session_state.get(wkey(base), default)


def set_view(base: str, value: Any) -> None:
    """Change view value ``base`` (from a callback, before its widget is drawn)."""
    st.session_state[wkey(base)] = value
    st.session_state.setdefault("_saved_view", {})[base] = value


def publish(values: dict[str, Any], defaults: dict[str, Any]) -> None:
    """Write view values to the URL (defaults removed); remember bound widgets' values."""
    saved = st.session_state.setdefault("_saved_view", {})
    for key, base in st.session_state.get("_bound", {}).items():
        if key == wkey(base) and key in st.session_state:  # skip the other language's widget
            saved[base] = st.session_state[key]
    to_set, to_drop = session.param_updates(values, defaults)
    for name in to_drop:
        if name in st.query_params:
            del st.query_params[name]
    for name, value in to_set.items():
        current = st.query_params.get_all(name)
        wanted = value if isinstance(value, list) else [value]
        if current != wanted:
            st.query_params[name] = value


def read_list(name: str, allowed: list[str] | None = None) -> Callable[[dict], list[str] | None]:
    """Reader: the values of repeated parameter ``name`` (``None`` when absent)."""
    def read(p: dict[str, list[str]]) -> list[str] | None:
        return session.get_list(p, name, allowed) if name in p else None
    return read


def read_str(name: str, allowed: list[str] | None = None) -> Callable[[dict], str | None]:
    """Reader: the value of parameter ``name`` if allowed (``None`` when absent)."""
    return lambda p: session.get_str(p, name, None, allowed)


def read_bool(name: str) -> Callable[[dict], bool | None]:
    """Reader: ``?name=1`` style flag (``None`` when absent)."""
    return lambda p: session.get_bool(p, name) if name in p else None


def read_float(name: str, low: float, high: float) -> Callable[[dict], float | None]:
    """Reader: a number clamped to ``[low, high]`` (``None`` when absent)."""
    return lambda p: session.get_float(p, name, low, low, high) if name in p else None


# --------------------------------------------------------------------------- loading


def load_folder(path: str, lang: str) -> Any:
    """Load a CSV folder or workbook from disk (the demo or ``--data``).

    Cached by path *and* the files' sizes and modification times, so a
    researcher who saves a corrected spreadsheet sees it on the next rerun.
    Read in the bounded parse worker (:mod:`mapping.io.sandbox`), like uploads.
    """
    from mapping.io import sandbox

    sandbox.warm_up()  # the first upload then finds a worker with the readers imported
    return _load_folder(path, _disk_signature(path), lang)


# Cache bounds: a cached result holds DataFrames, and each is bounded by the input limits
# (mapping.domain.limits: 50 MB of files, 200,000 rows, 10 million cells) and by the parse worker
# that built it (its 2 GB address space held the result *and* its pickle, so a result is
# under 1 GB; a 47 MB CSV of 200,000 organisations measures 0.16 GB, 52 MB pickled).
# Uploads: 4 entries, dropped after an hour; folders (the demo, --data): 4 entries.
_RESULTS_KEPT = 4
_RESULT_SECONDS = 3600


@st.cache_resource(show_spinner=False, max_entries=_RESULTS_KEPT, ttl=_RESULT_SECONDS)
def _load_folder(path: str, signature: tuple, lang: str) -> Any:
    CALLS["load"] += 1
    from mapping.io.sandbox import load_path_isolated

    return load_path_isolated(path, lang)


def _disk_signature(path: str) -> tuple:
    target = Path(path)
    files = sorted(target.iterdir()) if target.is_dir() else [target]
    return tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files if f.exists())


@st.cache_resource(show_spinner=False, max_entries=_RESULTS_KEPT, ttl=_RESULT_SECONDS)
def load_upload(files: tuple[tuple[str, bytes], ...], lang: str) -> Any:
    """Load uploaded files; keyed by their names and bytes, so a re-upload is free.

    The files are read in a separate process with a memory and time limit
    (:mod:`mapping.io.sandbox`): a hostile file costs that process, never the server.
    """
    CALLS["load"] += 1
    from mapping.io.sandbox import load_files_isolated

    return load_files_isolated(list(files), lang)


# --------------------------------------------------------------------------- saved datasets


@st.cache_resource(show_spinner=False, max_entries=4)
def _open_store(url: str | None) -> Any:
    """One :class:`mapping.store.repository.Store` per process and URL (it is thread-safe)."""
    from mapping.store.repository import open_store

    return open_store(url)


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


def _saved_names(db: Any) -> tuple[list[str], BaseException | None]:
    """The saved datasets, and the failure when the database went away since it was opened."""
    if db is None:
        return [], None
    try:
        return db.list_datasets(), None
    except Exception as exc:  # database gone since it was opened
        return [], exc


def _failure_text(exc: BaseException, lang: str) -> str:
    """A store failure in words (the store's translated message; never the exception text)."""
    from mapping.store.repository import StoreError, StoreUnavailable

    return (exc if isinstance(exc, StoreError) else StoreUnavailable("failed")).message(lang)


def _wants_store() -> bool:
    """Whether this session (or its link) asked for a saved dataset."""
    return (st.session_state.get(wkey("source")) == "store"
            or st.session_state.get("_saved_view", {}).get("source") == "store"
            or params().get("src") == ["store"])


def _remembered_saved() -> Saved | None:
    """The saved dataset and version this session (or its link) chose, without widgets.

    Used while the database fails: the URL keeps ``sds``/``ver``, so the same
    dataset comes back once the database does.
    """
    saved_view = st.session_state.get("_saved_view", {})
    link = params()
    name = (st.session_state.get(wkey("store_name")) or saved_view.get("store_name")
            or (link.get("sds") or [None])[0])
    if not name:
        return None
    version = st.session_state.get(wkey("store_ver"), saved_view.get("store_ver"))
    if version is None:
        text = (link.get("ver") or ["0"])[0]
        version = int(text) if text.isdigit() else 0
    return Saved(str(name), int(version or 0))


@dataclass(frozen=True)
class Saved:
    """The saved dataset and version chosen in the sidebar (version 0 = newest)."""

    name: str
    version: int


def _saved_controls(db: Any, names: list[str], lang: str) -> Saved:
    """Dataset and version selectors for the "saved" source (kept in the URL)."""
    name_key = bind("store_name", read_str("sds", names), names[0])
    if st.session_state[name_key] not in names:
        st.session_state[name_key] = names[0]
    name = st.selectbox(t("choose_dataset", lang), names, key=name_key)
    try:
        history = db.versions(name)
    except Exception:
        history = None
    numbers = [] if history is None else [int(n) for n in history["number"]][::-1]
    labels = {0: t("latest", lang)}
    if history is not None:
        for row in history.itertuples():
            when = moment(row.created_at, lang)  # in Amsterdam time
            extra = f" · {row.label}" if row.label else ""
            labels[int(row.number)] = f"{t('version_label', lang, v=int(row.number))}{extra}" \
                                      f" · {when}"
    allowed = [str(n) for n in numbers]
    version_key = bind("store_ver", lambda p: int(v) if (v := read_str("ver", allowed)(p))
                       else None, 0)
    if st.session_state[version_key] not in [0, *numbers]:
        st.session_state[version_key] = 0
    version = st.selectbox(t("version", lang), [0, *numbers], key=version_key,
                           format_func=labels.get)
    return Saved(name, int(version))


def _local(moment: pd.Timestamp) -> pd.Timestamp:
    """A stored (UTC) time as the room reads clocks (the one helper, in the workshop module)."""
    from mapping.workshop.live import local_time

    return pd.Timestamp(local_time(moment))


def _saved_dataset(db: Any, saved: Saved, lang: str) -> tuple[Dataset | None, int, str | None]:
    """Version ``saved.version`` (0: the newest) of a stored dataset."""
    from mapping.store.repository import StoreError

    try:
        if saved.version:
            return db.load(saved.name, saved.version), saved.version, None
        number, dataset = db.latest(saved.name)
        return dataset, number, None
    except StoreError as exc:  # not found, or the database failed (StoreUnavailable)
        return None, 0, exc.message(lang)
    except Exception as exc:  # anything else: say so without its text (it may hold SQL)
        return None, 0, _failure_text(exc, lang)


# --------------------------------------------------------------------------- sources


def _source_options(cli: session.CliOptions, saved_names: list[str]) -> list[str]:
    options = ["demo"]
    if cli.data:
        options.append("path")
    if st.session_state.get("_upload"):
        options.append("upload")
    if saved_names:
        options.append("store")
    return options


def _source_label(source: str, cli: session.CliOptions, lang: str) -> str:
    if source == "path":
        return t("source_path", lang, name=Path(cli.data or "").name)
    if source == "upload":
        return t("source_upload", lang, name=st.session_state["_upload"]["name"])
    if source == "store":
        return t("source_saved", lang)
    return t("source_demo", lang)


def _dataset_for(source: str, cli: session.CliOptions,
                 lang: str) -> tuple[Dataset | None, str | None]:
    """The dataset behind ``source`` (not "store"), or an error message for the page."""
    try:
        if source == "upload":
            files = st.session_state["_upload"]["files"]
            result = load_upload(files, lang)
        else:
            path = cli.data if source == "path" else str(DEMO_DIR)
            result = load_folder(path, lang)
    except ImportError as exc:  # the core is written in parallel; say which part is missing
        return None, t("core_missing", lang, module=exc.name or str(exc))
    except Exception as exc:  # a broken file on disk must not blank the page
        return None, t("load_failed", lang, error=str(exc))
    if not result.ok:
        first = result.errors[0] if result.errors else ""
        return None, t("load_failed", lang, error=getattr(first, "message", str(first)))
    return result.dataset, None


# --------------------------------------------------------------------------- cached analysis


def graph_and_positions(key: str, dataset: Dataset) -> tuple[nx.Graph, dict]:
    """The full graph and its stable positions (filters only hide nodes later).

    When this session showed an earlier version of the same dataset (the
    workshop adds an organisation, a newer saved version is opened), its
    positions seed the new layout: known nodes stay exactly where they were
    and only the new ones find a place, so the room does not lose its bearings.
    """
    previous = st.session_state.get("_positions", {}).get(dataset.name)
    graph, placed = _graph_and_positions(key, dataset, previous)
    st.session_state["_positions"] = {dataset.name: placed}
    return graph, placed


@st.cache_resource(show_spinner=False, max_entries=16)
def _graph_and_positions(key: str, _dataset: Dataset, _previous: dict | None
                         ) -> tuple[nx.Graph, dict]:
    CALLS["graph"] += 1
    from mapping.analysis.graph import build_graph
    from mapping.views.layout import positions

    graph = build_graph(_dataset)
    return graph, positions(graph, previous=_previous)


@st.cache_resource(show_spinner=False, max_entries=32)
def coverage(key: str, min_quality: float | None, _dataset: Dataset) -> Any:
    """Coverage of every group for one threshold (language-independent)."""
    CALLS["coverage"] += 1
    from mapping.analysis.report import analyse

    return analyse(_dataset, min_quality)


@st.cache_resource(show_spinner=False, max_entries=32)
def report(key: str, min_quality: float | None, lang: str, _dataset: Dataset) -> dict:
    """:func:`mapping.analysis.report.build_report`: the figures of ``python -m mapping report``."""
    CALLS["report"] += 1
    from mapping.analysis.report import build_report

    return build_report(_dataset, min_quality=min_quality, lang=lang)


@st.cache_resource(show_spinner=False, max_entries=16)
def quality_tables(key: str, _dataset: Dataset) -> dict[str, pd.DataFrame]:
    """Per link, per organisation and reciprocity tables of the four conditions."""
    CALLS["quality"] += 1
    from mapping.analysis import quality

    graph, _ = graph_and_positions(key, _dataset)
    links = quality.link_quality(graph)
    return {"links": links,
            "orgs": quality.organisation_profile(graph, links),
            "reciprocity": quality.reciprocity_gaps(graph)}


@st.cache_resource(show_spinner=False, max_entries=16)
def measures(key: str, min_quality: float | None, _dataset: Dataset) -> dict:
    """Network measures of the collaborations that count (for sizing nodes)."""
    CALLS["measures"] += 1
    from mapping.analysis.graph import collaboration_graph
    from mapping.analysis.measures import all_measures

    graph, _ = graph_and_positions(key, _dataset)
    return all_measures(collaboration_graph(graph, min_quality))


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


def page_header(title_key: str) -> Context | None:
    """Title, "which dataset is shown", and the context; ``None`` when there is no data."""
    ctx = context()
    st.title(t(title_key, ctx.lang))
    if ctx.dataset is None:
        st.error(ctx.error or t("no_data", ctx.lang))
        return None
    st.caption(session.md_escape(t("shown", ctx.lang, name=f"{ctx.label} ({ctx.dataset.name})")))
    return ctx


def apply_style(present: bool) -> None:
    """The page CSS: constants only, never user data."""
    st.html(PRESENTATION_CSS if present else BASE_CSS)


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """One table as an Excel workbook, for a download button (values only, never formulas)."""
    from mapping.io.write import frame_xlsx_bytes

    return frame_xlsx_bytes(frame, sheet)
