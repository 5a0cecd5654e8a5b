"""Survey: upload a survey tool's export, confirm the guessed mapping, see the result, save it.

Thin over :mod:`mapping.io.surveys`: the page reads the export, shows the
guessed meaning of every column in a selectbox, applies the confirmed mapping
and shows the validation report (survey file, row and column) and the four
tables. The mapping downloads as JSON for the next wave; a valid result can be
saved in the store as a dataset.
"""

from __future__ import annotations

import hashlib
import secrets

import streamlit as st

from mapping.domain.dataset import TABLES
from mapping.i18n import format_percent
from mapping.io import surveys as sv
from mapping.io import write
from mapping.io.validate import ISSUE_COLUMNS
from mapping.session import md_escape
from mapping.ui_text import t
from pages import _shared as shared

_SHOWN_ISSUE_COLUMNS = tuple(c for c in ISSUE_COLUMNS if c != "code")


def _read(lang: str) -> tuple[sv.SurveyTable | None, list, str]:
    """The uploaded export as a table (remembered per file content), its issues, its digest."""
    upload = st.session_state.get("survey_file")
    if upload is None:
        return None, [], ""
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    cached = st.session_state.get("_survey_read")
    if not cached or cached[0] != (digest, lang):
        table, col = sv.read_survey(upload.name, data, lang)
        cached = ((digest, lang), table, [*col.errors, *col.warnings])
        st.session_state["_survey_read"] = cached
        st.session_state.pop("_survey_result", None)
    return cached[1], cached[2], digest


def _starting_mapping(table: sv.SurveyTable, lang: str) -> sv.SurveyMapping:
    """A saved mapping when one is uploaded (and valid), else the guess."""
    saved = st.session_state.get("survey_mapping_file")
    if saved is not None:
        try:
            return sv.SurveyMapping.from_json(saved.getvalue())
        except ValueError:
            st.warning(t("survey_mapping_invalid", lang))
    return sv.guess_mapping(table)


def _mapping_form(table: sv.SurveyTable, start: sv.SurveyMapping, digest: str,
                  lang: str) -> sv.SurveyMapping:
    """One selectbox per column; returns the mapping as the researcher set it."""
    mapping = start
    st.subheader(t("survey_mapping", lang))
    for sheet in table.sheets():
        name = None if sheet is table.main else sheet.name
        container = st.expander(t("survey_sheet", lang, name=sheet.name or table.file),
                                expanded=name is None)
        with container:
            for number, column in enumerate(sheet.columns):
                role = start.role(column.key, name) or sv.ColumnRole(column.key, "ignore",
                                                                      sheet=name)
                details = [t("survey_confidence", lang,
                             pct=format_percent(role.confidence, lang))]
                if role.item:
                    details.insert(0, t("survey_item", lang, item=role.item))
                chosen = st.selectbox(
                    md_escape(column.key), sv.ROLES, index=sv.ROLES.index(role.role),
                    format_func=lambda r: t(f"survey_role_{r}", lang),
                    key=f"survey_role_{digest[:12]}_{name or ''}_{number}",
                    help=md_escape(" · ".join(details)))
                if chosen != role.role:
                    if start.role(column.key, name) is None:
                        mapping = sv.SurveyMapping(mapping.tool, (*mapping.columns, role),
                                                   mapping.default_kind)
                    mapping = mapping.with_role(column.key, chosen, name)
    return mapping


def _report(result: sv.SurveyResult, lang: str) -> None:
    """Success or the problems, each with survey file, row and column."""
    st.subheader(t("validation", lang))
    if result.ok and not result.warnings:
        st.success(t("valid", lang))
    elif result.ok:
        st.warning(t("valid_warnings", lang, n=len(result.warnings)))
    else:
        st.error(t("invalid", lang, n=len(result.errors)))
    if result.errors or result.warnings:
        frame = result.issues[list(_SHOWN_ISSUE_COLUMNS)]
        st.dataframe(frame.rename(columns={c: t(f"col_{c}", lang) for c in frame.columns}),
                     hide_index=True, width="stretch")
    if result.dropped:
        st.caption(md_escape(t("survey_dropped", lang, columns=", ".join(
            f"{c} ({r})" for c, r in result.dropped))))


def _preview(result: sv.SurveyResult, lang: str) -> None:
    dataset = result.dataset
    if dataset is None:
        return
    st.subheader(t("preview", lang))
    tabs = st.tabs([t(f"table_{name}", lang) for name in TABLES])
    for tab, name in zip(tabs, TABLES, strict=True):
        frame = dataset.table(name)
        shown = frame.map(lambda v: " | ".join(v) if isinstance(v, tuple) else v)
        with tab:
            st.caption(t("rows", lang, n=len(frame)))
            st.dataframe(shown, hide_index=True, width="stretch", height=280)
    st.download_button(t("survey_download_xlsx", lang), write.xlsx_bytes(dataset, lang),
                       file_name=f"{dataset.name}.xlsx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")


def _save(result: sv.SurveyResult, lang: str) -> None:
    """Save a valid import in the store as a dataset (then it has versions)."""
    if result.dataset is None:
        return
    st.text_input(t("survey_save_name", lang), value=result.dataset.name, key="survey_save_name")
    st.button(t("survey_save", lang), key="survey_save", icon=":material/save:",
              on_click=_store_it, args=(lang,))
    outcome = st.session_state.get("_survey_saved")
    if outcome:
        kind, text = outcome
        (st.success if kind == "success" else st.error)(md_escape(text))


def _confirm() -> None:
    """Button callback: apply the mapping the form showed on the last run."""
    table, mapping, lang = st.session_state["_survey_mapping"]
    # One key per session: a respondent keeps one pseudonym however often it is confirmed.
    secret = st.session_state.setdefault("_survey_secret", secrets.token_bytes(32))
    st.session_state["_survey_result"] = sv.apply(table, mapping, lang, secret)
    st.session_state.pop("_survey_saved", None)


def _store_it(lang: str) -> None:
    """Button callback: save the last valid import under the name typed."""
    from mapping.store.repository import StoreError

    result = st.session_state.get("_survey_result")
    name = st.session_state.get("survey_save_name") or ""
    if result is None or result.dataset is None:
        return
    db = shared.store()
    if db is None:
        st.session_state["_survey_saved"] = ("error", t("survey_no_store", lang))
        return
    try:
        version = db.save(name, result.dataset, message="survey import")
    except StoreError as exc:
        st.session_state["_survey_saved"] = ("error", exc.message(lang))
        return
    st.session_state["_survey_saved"] = ("success", t("survey_saved", lang, name=name,
                                                       v=version))


def main() -> None:
    ctx = shared.context()
    lang = ctx.lang
    st.title(t("survey_title", lang))
    st.caption(t("survey_intro", lang))
    st.file_uploader(t("survey_file", lang), type=["csv", "xlsx", "txt"], key="survey_file")
    st.file_uploader(t("survey_mapping_file", lang), type=["json"], key="survey_mapping_file")
    table, issues, digest = _read(lang)
    if table is None:
        if issues:
            result = sv.SurveyResult(None, [i for i in issues if i.severity == "error"],
                                     [i for i in issues if i.severity != "error"])
            _report(result, lang)
        return
    st.caption(md_escape(t("survey_tool", lang, tool=table.tool, n=len(table.main.rows))))
    mapping = _mapping_form(table, _starting_mapping(table, lang), digest, lang)
    st.download_button(t("survey_download_mapping", lang), mapping.to_json().encode("utf-8"),
                       file_name="koppeling.json" if lang != "en" else "mapping.json",
                       mime="application/json", on_click="ignore", icon=":material/download:")
    st.session_state["_survey_mapping"] = (table, mapping, lang)
    # A callback, run before the next script run: a rerun the sidebar asks for cannot eat
    # the click.
    st.button(t("survey_confirm", lang), type="primary", key="survey_confirm",
              on_click=_confirm)
    result = st.session_state.get("_survey_result")
    if result is not None:
        _report(result, lang)
        _preview(result, lang)
        _save(result, lang)


main()
