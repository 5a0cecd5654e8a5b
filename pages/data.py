"""Data: upload files, see every problem as a table, preview, save, templates.

One uploader takes every kind of file (:func:`mapping.io.surveys.upload_kind`,
told in the bounded parse worker like every read of an upload):
the project's own tables (CSV files, a workbook, neighbourhoods), a survey
tool's export (or Network Canvas interviews), or a network tool's file (Kumu,
GEXF, GraphML, Gephi CSV, Polinode). Tables are checked at once; a survey or
network file shows its guessed mapping to confirm first (:mod:`pages._imports`).

Invalid data is never applied: an upload becomes this session's dataset only
when the loader reports no errors. The check runs in the uploader's callback,
which Streamlit calls *before* the next run, so the sidebar's dataset chooser
already shows the new upload on the run that follows. Each upload *replaces*
the previous one: the uploader is emptied after every batch, so a second
upload is never validated together with the first.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapping.domain.dataset import TABLES
from mapping.io import write
from mapping.io.load import LoadResult
from mapping.session import md_escape
from mapping.ui_text import t
from pages import _imports as imports
from pages import _shared as shared

TEMPLATES = shared.ROOT / "data" / "templates"
ISSUE_COLUMNS = ("severity", "file", "row", "column", "value", "message")


def _uploader_key() -> str:
    """The uploader's key: a new one after every batch, so the next upload starts empty."""
    return f"upload_files_{st.session_state.get('_upload_round', 0)}"


def _check_upload() -> None:
    """Uploader callback: sort the batch by kind; adopt tables only when there are no errors.

    The batch replaces whatever was uploaded before (tables, survey or network file).
    """
    files = st.session_state.get(_uploader_key()) or []
    if not files:
        return
    lang = st.session_state.get("lang", "nl")
    content = tuple((f.name, f.getvalue()) for f in files)
    st.session_state["_upload_round"] = st.session_state.get("_upload_round", 0) + 1
    for key in ("_last_check", "_import", "_data_read", "_data_result", "_data_saved"):
        st.session_state.pop(key, None)
    # Telling the kind opens the files: in the bounded parse worker, like every read.
    kind, read, _failure = shared.sort_upload(content, lang)
    if kind != "tables":
        st.session_state["_import"] = {"kind": kind, "files": content}
        if read is not None:  # the survey export was read in the same worker
            imports.remember_read(content, lang, "data", read)
        return
    result = shared.load_upload(content, lang)  # loaded by the same job (sort_upload)
    st.session_state["_last_check"] = {"result": result, "files": [n for n, _d in content]}
    if result.ok:
        name = ", ".join(n for n, _d in content)
        st.session_state["_upload"] = {"name": name, "files": content}
        shared.set_view("source", "upload")


def import_section(lang: str) -> None:
    """A survey export or a network file: its mapping to confirm, the result, saving."""
    upload = st.session_state.get("_import")
    if not upload:
        return
    st.caption(md_escape(t("checked_files", lang, files=", ".join(
        n for n, _d in upload["files"]))))
    if upload["kind"] == "survey":
        imports.survey_section(upload["files"], lang, "data")
    else:
        imports.network_section(upload["files"], lang, "data")


def _back_to_demo() -> None:
    shared.set_view("source", "demo")


def issues_table(result: LoadResult, lang: str) -> pd.DataFrame:
    """The validation report with translated headers (file, row, column, value, message)."""
    frame = result.issues
    columns = [c for c in ISSUE_COLUMNS if c in frame.columns]
    shown = frame[columns + [c for c in frame.columns if c not in columns]]
    return shown.rename(columns={c: t(f"col_{c}", lang) for c in ISSUE_COLUMNS})


def check_section(lang: str) -> None:
    """The outcome of the last upload: success, or the error table and its download."""
    check = st.session_state.get("_last_check")
    if not check:
        return
    result = check["result"]
    st.subheader(t("validation", lang))
    st.caption(md_escape(t("checked_files", lang, files=", ".join(check["files"]))))
    imports.status(result, lang)
    if result.ok and result.dataset is not None:
        imports.save_section(result.dataset, lang, "data_tables")
    if result.errors or result.warnings:
        table = issues_table(result, lang)
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(t("download_issues", lang),
                           write.frame_csv_bytes(table),  # cells are user text
                           file_name="controle.csv", mime="text/csv", on_click="ignore",
                           icon=":material/download:")


def preview_section(ctx: shared.Context) -> None:
    """The tables of the dataset every page is showing now."""
    if ctx.dataset is None:
        return
    st.subheader(t("preview", ctx.lang))
    # "Hide names" covers the preview too: it may be on the meeting-room screen.
    shown = write.drop_personal(ctx.dataset) if ctx.hide_names else ctx.dataset
    tabs = st.tabs([t(f"table_{name}", ctx.lang) for name in TABLES])
    for tab, name in zip(tabs, TABLES, strict=True):
        frame = shown.table(name)
        with tab:
            st.caption(t("rows", ctx.lang, n=len(frame)))
            st.dataframe(_displayable(frame, name, ctx.lang), hide_index=True, width="stretch",
                         height=320)


def _displayable(frame: pd.DataFrame, table: str, lang: str) -> pd.DataFrame:
    """The table as people typed it: their language's headers and values, ``a | b`` lists,
    empty cells empty (not "None")."""
    headers = "en" if lang == "en" else "nl"
    shown = write.localised(frame, headers).copy()
    shown.columns = write.header_names(table, list(shown.columns), headers)
    for column in shown.columns:
        if shown[column].map(lambda v: isinstance(v, tuple)).any():
            shown[column] = shown[column].map(
                lambda v: " | ".join(v) if isinstance(v, tuple) else v)
        if shown[column].dtype == object:  # an empty text cell reads as empty, not "None"
            shown[column] = shown[column].where(shown[column].notna(), "")
    return shown


def templates_section(lang: str) -> None:
    """Download buttons for the empty templates shipped in ``data/templates``."""
    files = sorted(p for p in TEMPLATES.glob("*") if p.is_file()) if TEMPLATES.is_dir() else []
    if not files:
        return
    st.subheader(t("templates", lang))
    st.caption(t("templates_help", lang))
    for column, path in zip(st.columns(min(len(files), 5)) * len(files), files, strict=False):
        column.download_button(path.name, path.read_bytes(), file_name=path.name,
                               key=f"tpl_{path.name}", on_click="ignore",
                               icon=":material/download:")


def main() -> None:
    ctx = shared.context()
    lang = ctx.lang
    st.title(t("data_title", lang))
    if ctx.dataset is not None:
        st.caption(md_escape(t("shown", lang, name=f"{ctx.label} ({ctx.dataset.name})")))
    st.file_uploader(t("upload", lang), type=["csv", "xlsx", "geojson", "json", "txt", "gexf",
                                              "graphml", "xml", "tsv"],
                     accept_multiple_files=True, key=_uploader_key(), on_change=_check_upload,
                     help=t("upload_help", lang))
    check_section(lang)
    import_section(lang)
    if shared.view("source") == "upload":
        st.button(t("use_demo", lang), on_click=_back_to_demo, icon=":material/undo:")
    preview_section(ctx)
    templates_section(lang)


main()
