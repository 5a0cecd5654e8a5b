"""Data: upload CSV files or a workbook, see every problem as a table, preview, templates.

Invalid data is never applied: an upload becomes this session's dataset only
when the loader reports no errors. The check runs in the uploader's callback,
which Streamlit calls *before* the next run, so the sidebar's dataset chooser
already shows the new upload on the run that follows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapping.domain.dataset import TABLES
from mapping.io import write
from mapping.session import md_escape
from mapping.ui_text import t
from pages import _shared as shared

TEMPLATES = shared.ROOT / "data" / "templates"
ISSUE_COLUMNS = ("severity", "file", "row", "column", "value", "message")


def _check_upload() -> None:
    """Uploader callback: load the files; adopt them only when there are no errors."""
    files = st.session_state.get("upload_files") or []
    if not files:
        st.session_state.pop("_last_check", None)
        return
    lang = st.session_state.get("lang", "nl")
    content = tuple((f.name, f.getvalue()) for f in files)
    try:
        result = shared.load_upload(content, lang)
    except ImportError as exc:  # the loader is written in parallel
        st.session_state["_last_check"] = {"missing": exc.name or str(exc)}
        return
    st.session_state["_last_check"] = {"result": result, "files": [f.name for f in files]}
    if result.ok:
        name = ", ".join(f.name for f in files)
        st.session_state["_upload"] = {"name": name, "files": content}
        shared.set_view("source", "upload")


def _back_to_demo() -> None:
    shared.set_view("source", "demo")


def issues_table(result, lang: str) -> pd.DataFrame:
    """The validation report with translated headers (file, row, column, value, message)."""
    frame = getattr(result, "issues", None)
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame([getattr(i, "__dict__", {"message": str(i)}) for i in
                              [*result.errors, *result.warnings]])
    columns = [c for c in ISSUE_COLUMNS if c in frame.columns]
    shown = frame[columns + [c for c in frame.columns if c not in columns]]
    return shown.rename(columns={c: t(f"col_{c}", lang) for c in ISSUE_COLUMNS})


def check_section(lang: str) -> None:
    """The outcome of the last upload: success, or the error table and its download."""
    check = st.session_state.get("_last_check")
    if not check:
        return
    if "missing" in check:
        st.error(t("core_missing", lang, module=check["missing"]))
        return
    result = check["result"]
    st.subheader(t("validation", lang))
    if result.ok and not result.warnings:
        st.success(t("valid", lang))
    elif result.ok:
        st.warning(t("valid_warnings", lang, n=len(result.warnings)))
    else:
        st.error(t("invalid", lang, n=len(result.errors)))
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
    st.file_uploader(t("upload", lang), type=["csv", "xlsx", "geojson", "json", "txt"],
                     accept_multiple_files=True, key="upload_files", on_change=_check_upload,
                     help=t("upload_help", lang))
    check_section(lang)
    if shared.view("source") == "upload":
        st.button(t("use_demo", lang), on_click=_back_to_demo, icon=":material/undo:")
    preview_section(ctx)
    templates_section(lang)


main()
