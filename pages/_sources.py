"""Data sources: the demo, a folder or workbook on disk, an upload, a saved dataset.

Files are read in the bounded parse worker (:mod:`mapping.io.sandbox`) and
cached; a saved dataset comes from the store the sidebar opened
(:func:`pages._shared.store`). Split from :mod:`pages._shared` (which still
exports these names).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from mapping import session
from mapping.domain.dataset import Dataset
from mapping.ui_text import moment, t
from pages._analysis import (
    CALLS,
)
from pages._url_state import (
    bind,
    params,
    read_str,
    wkey,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "demo"


def load_folder(path: str, lang: str) -> Any:
    """Load a CSV folder or workbook from disk (the demo or ``--data``).

    Cached by path *and* the files' sizes and modification times, so a
    researcher who saves a corrected spreadsheet sees it on the next rerun.
    Read in the bounded parse worker (:mod:`mapping.io.sandbox`), like uploads.
    """
    from mapping.analysis import kernels
    from mapping.io import sandbox

    sandbox.warm_up()  # the first upload then finds a worker with the readers imported
    kernels.warm_in_background()  # routes and betweenness compiled before they are asked for
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
def sort_upload(files: tuple[tuple[str, bytes], ...], lang: str) -> tuple[str, Any, Any]:
    """What an upload is, and its first reading, in one parse-worker job.

    :func:`mapping.io.isolated_readers.upload_kind_isolated`: ``(kind, answer,
    failure)``, the district's tables already loaded. Keyed by names and bytes,
    so :func:`load_upload` of the same files needs no second job.
    """
    from mapping.io.isolated_readers import upload_kind_isolated

    return upload_kind_isolated(files, lang)


@st.cache_resource(show_spinner=False, max_entries=_RESULTS_KEPT, ttl=_RESULT_SECONDS)
def load_upload(files: tuple[tuple[str, bytes], ...], lang: str) -> Any:
    """Load uploaded files; keyed by their names and bytes, so a re-upload is free.

    The files are read in a separate process with a memory and time limit
    (:mod:`mapping.io.sandbox`): a hostile file costs that process, never the server.
    """
    CALLS["load"] += 1
    kind, answer, failure = sort_upload(files, lang)
    if kind == "tables":
        return failure or answer
    from mapping.io.sandbox import load_files_isolated

    return load_files_isolated(list(files), lang)


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
            when = moment(row.created_at, lang)
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
    except Exception as exc:  # a broken file on disk must not blank the page
        return None, t("load_failed", lang, error=str(exc))
    if not result.ok:
        first = result.errors[0] if result.errors else ""
        return None, t("load_failed", lang, error=getattr(first, "message", str(first)))
    return result.dataset, None
