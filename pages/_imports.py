"""Imports shown on the Data page (and the Survey page): a survey export, a network file.

Thin over :mod:`mapping.io.surveys` and :mod:`mapping.io.graph_import`: the
guessed mapping is shown for the researcher to confirm or correct, the
district's own lists can be added, and a valid result is saved in the store
as a named dataset, which every page then shows. Every key is prefixed, so
the Data page and the Survey page keep their own state.

Every read of the uploaded bytes (the export, the lists, a network file) and
the import itself run in the bounded parse worker
(:mod:`mapping.io.isolated_readers`), never in this process.
"""

from __future__ import annotations

import hashlib
import secrets

import streamlit as st

from mapping.domain.dataset import TABLES, Dataset
from mapping.i18n import format_percent
from mapping.io import graph_import as gi
from mapping.io import isolated_readers as isolated
from mapping.io import surveys as sv
from mapping.io import write
from mapping.io.load import LoadResult
from mapping.io.validate import ISSUE_COLUMNS
from mapping.session import md_escape
from mapping.ui_text import t
from pages import _shared as shared

_SHOWN_ISSUE_COLUMNS = tuple(c for c in ISSUE_COLUMNS if c != "code")
Files = tuple[tuple[str, bytes], ...]


def _digest(files: Files) -> str:
    sha = hashlib.sha256()
    for name, data in files:
        sha.update(name.encode("utf-8", "surrogatepass") + b"\0" + data)
    return sha.hexdigest()


# --------------------------------------------------------------------------- shared parts


def status(result: LoadResult, lang: str) -> None:
    """The outcome in one line: valid, valid with warnings, or how many errors."""
    if result.ok and not result.warnings:
        st.success(t("valid", lang))
    elif result.ok:
        st.warning(t("valid_warnings", lang, n=len(result.warnings)))
    else:
        st.error(t("invalid", lang, n=len(result.errors)))


def report(result: LoadResult, lang: str) -> None:
    """Success or the problems, each with file, row and column."""
    st.subheader(t("validation", lang))
    status(result, lang)
    if result.errors or result.warnings:
        frame = result.issues[[c for c in _SHOWN_ISSUE_COLUMNS if c in result.issues.columns]]
        st.dataframe(frame.rename(columns={c: t(f"col_{c}", lang) for c in frame.columns}),
                     hide_index=True, width="stretch")
    if isinstance(result, sv.SurveyResult) and result.dropped:
        st.caption(md_escape(t("survey_dropped", lang, columns=", ".join(
            f"{c} ({r})" for c, r in result.dropped))))


def preview(dataset: Dataset, lang: str, prefix: str) -> None:
    """The four tables of an import, and its Excel download."""
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
                       key=f"{prefix}_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")


def save_section(dataset: Dataset, lang: str, prefix: str) -> None:
    """Name and save a valid import in the store (then it has versions; every page shows it)."""
    st.subheader(t("import_save_title", lang))
    st.text_input(t("survey_save_name", lang), value=dataset.name, key=f"{prefix}_save_name")
    st.button(t("survey_save", lang), key=f"{prefix}_save", icon=":material/save:",
              on_click=_store_it, args=(dataset, lang, prefix))
    outcome = st.session_state.get(f"_{prefix}_saved")
    if outcome:
        kind, text = outcome
        (st.success if kind == "success" else st.error)(md_escape(text))


def _store_it(dataset: Dataset, lang: str, prefix: str) -> None:
    """Button callback: save under the name typed, and show that dataset on every page."""
    from mapping.store.repository import StoreError

    name = (st.session_state.get(f"{prefix}_save_name") or "").strip()
    db = shared.store()
    if db is None:
        st.session_state[f"_{prefix}_saved"] = ("error", t("survey_no_store", lang))
        return
    try:
        version = db.save(name, dataset, message="import")
    except StoreError as exc:
        st.session_state[f"_{prefix}_saved"] = ("error", exc.message(lang))
        return
    st.session_state[f"_{prefix}_saved"] = ("success", t("survey_saved", lang, name=name,
                                                          v=version))
    # The sidebar opens the saved dataset: every page shows it from the next run on.
    shared.set_view("source", "store")
    shared.set_view("store_name", name)
    shared.set_view("store_ver", 0)


# --------------------------------------------------------------------------- survey


def remember_read(files: Files, lang: str, prefix: str,
                  read: tuple[sv.SurveyTable | None, list]) -> None:
    """Keep an export's read (table, issues) for ``files`` in ``lang``; forget its import."""
    st.session_state[f"_{prefix}_read"] = ((_digest(files), lang), *read)
    for key in ("result", "saved", "applied"):
        st.session_state.pop(f"_{prefix}_{key}", None)


def _read(files: Files, lang: str, prefix: str) -> tuple[sv.SurveyTable | None, list, str]:
    """The export as a table (remembered per content and language), its issues, its digest."""
    digest = _digest(files)
    cached = st.session_state.get(f"_{prefix}_read")
    if not cached or cached[0] != (digest, lang):
        remember_read(files, lang, prefix, isolated.read_surveys_isolated(list(files), lang))
        cached = st.session_state[f"_{prefix}_read"]
    return cached[1], cached[2], digest


def _mapping_form(table: sv.SurveyTable, start: sv.SurveyMapping, digest: str, lang: str,
                  prefix: str) -> sv.SurveyMapping:
    """One selectbox per column; returns the mapping as the researcher set it."""
    mapping = start
    st.subheader(t("survey_mapping", lang))
    st.caption(t("import_mapping_help", lang))
    for sheet in table.sheets():
        name = None if sheet is table.main else sheet.name
        with st.expander(t("survey_sheet", lang, name=sheet.name or table.file),
                         expanded=name is None):
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
                    key=f"{prefix}_role_{digest[:12]}_{name or ''}_{number}",
                    help=md_escape(" · ".join(details)))
                if chosen != role.role:
                    if start.role(column.key, name) is None:
                        mapping = sv.SurveyMapping(mapping.tool, (*mapping.columns, role),
                                                   mapping.default_kind, mapping.version,
                                                   mapping.aliases)
                    mapping = mapping.with_role(column.key, chosen, name)
    return mapping


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def _load_lists(files: Files, lang: str) -> LoadResult:
    """The lists read in the bounded parse worker; keyed by their bytes (every rerun asks)."""
    return isolated.load_lists_isolated(list(files), lang)


def _lists(lang: str, prefix: str) -> tuple[Dataset | None, bool]:
    """The district's own lists (any form the loader reads), and whether they are usable."""
    uploads = st.file_uploader(t("import_lists", lang), type=["csv", "xlsx", "geojson", "json",
                                                               "txt"],
                               accept_multiple_files=True, key=f"{prefix}_lists",
                               help=t("import_lists_help", lang))
    if not uploads:
        return None, True
    result = _load_lists(tuple((f.name, f.getvalue()) for f in uploads), lang)
    if not result.ok:
        st.error(t("import_lists_invalid", lang))
        report(result, lang)
        return None, False
    st.caption(t("import_lists_read", lang, orgs=len(result.dataset.organisations),
                 groups=len(result.dataset.parent_groups)))
    return result.dataset, True


def _review(result: sv.SurveyResult, mapping: sv.SurveyMapping, lang: str, prefix: str,
            digest: str) -> sv.SurveyMapping:
    """The names to review; look-alikes the researcher links become aliases of the mapping."""
    if not result.matches:
        return mapping
    st.subheader(t("import_names", lang))
    frame = {t("import_name_answered", lang): [m.name for m in result.matches],
             t("import_name_known", lang): [m.known or "" for m in result.matches],
             t("import_name_score", lang): [round(m.score) for m in result.matches],
             t("import_name_status", lang): [t(f"import_status_{m.status}", lang)
                                             for m in result.matches]}
    st.dataframe(frame, hide_index=True, width="stretch")
    pairs = [(m.name, m.known) for m in result.matches if m.status == "uncertain" and m.known]
    if pairs:
        labels = {f"{a} → {b}": (a, b) for a, b in pairs}
        chosen = st.multiselect(t("import_link", lang), list(labels),
                                key=f"{prefix}_link_{digest[:12]}",
                                placeholder=t("choose", lang))
        for label in chosen:
            mapping = mapping.with_alias(*labels[label])
    return mapping


def _confirm(prefix: str) -> None:
    """Button callback: apply the mapping the form showed on the last run."""
    table, mapping, lang, lists = st.session_state[f"_{prefix}_mapping"]
    # One key per session: a respondent keeps one pseudonym however often it is confirmed.
    secret = st.session_state.setdefault("_survey_secret", secrets.token_bytes(32))
    st.session_state[f"_{prefix}_result"] = isolated.apply_survey_isolated(
        table, mapping, lang, secret, lists=lists)
    st.session_state.pop(f"_{prefix}_saved", None)


def _open_form(prefix: str, digest: str) -> None:
    """Button callback: show the mapping form for a recognised questionnaire after all."""
    st.session_state[f"_{prefix}_form"] = digest


def _auto_apply(table: sv.SurveyTable, mapping: sv.SurveyMapping, lang: str, prefix: str,
                digest: str, lists: Dataset | None) -> None:
    """Apply a certain mapping at once: again only when the export, lists or links change."""
    key = (digest, lang, None if lists is None else lists.fingerprint(), mapping.aliases)
    if st.session_state.get(f"_{prefix}_applied") != key:
        st.session_state[f"_{prefix}_mapping"] = (table, mapping, lang, lists)
        _confirm(prefix)
        st.session_state[f"_{prefix}_applied"] = key


def survey_section(files: Files, lang: str, prefix: str,
                   saved: sv.SurveyMapping | None = None) -> None:
    """A survey export: the guessed mapping to confirm, the district's lists, the result.

    An export of the project's own questionnaire (a certain guess) skips the
    form: it is applied at once, with a note and a button to open the form anyway.
    """
    table, issues, digest = _read(files, lang, prefix)
    if table is None:
        report(LoadResult(None, [i for i in issues if i.severity == "error"],
                          [i for i in issues if i.severity != "error"]), lang)
        return
    st.info(md_escape(t("survey_tool", lang, tool=table.tool, n=len(table.main.rows))))
    guess = saved or sv.guess_mapping(table)
    recognised = saved is None and guess.certain \
        and st.session_state.get(f"_{prefix}_form") != digest
    if recognised:
        st.success(t("survey_recognised", lang))
        st.button(t("survey_open_form", lang), key=f"{prefix}_open_form",
                  icon=":material/tune:", on_click=_open_form, args=(prefix, digest))
        mapping = guess
    else:
        mapping = _mapping_form(table, guess, digest, lang, prefix)
    lists, usable = _lists(lang, prefix)
    previous = st.session_state.get(f"_{prefix}_result")
    if previous is not None:
        mapping = _review(previous, mapping, lang, prefix, digest)
    if recognised and usable:
        _auto_apply(table, mapping, lang, prefix, digest, lists)
    st.download_button(t("survey_download_mapping", lang), mapping.to_json().encode("utf-8"),
                       file_name=t("mapping_file_name", lang),
                       mime="application/json", on_click="ignore", key=f"{prefix}_mapping_json",
                       icon=":material/download:")
    st.session_state[f"_{prefix}_mapping"] = (table, mapping, lang, lists)
    if not recognised:
        # A callback, run before the next script run: a rerun the sidebar asks for cannot
        # eat the click.
        st.button(t("survey_confirm", lang), type="primary", key=f"{prefix}_confirm",
                  on_click=_confirm, args=(prefix,), disabled=not usable)
    result = st.session_state.get(f"_{prefix}_result")
    if result is not None:
        report(result, lang)
        if result.dataset is not None:
            preview(result.dataset, lang, prefix)
            save_section(result.dataset, lang, prefix)


# --------------------------------------------------------------------------- network file


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def _graph(files: Files, lang: str) -> tuple[gi.Graph | None, str | None]:
    """The network file read in the bounded parse worker: the graph, or why not (in words)."""
    return isolated.read_graph_isolated(list(files), lang)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def _graph_import(files: Files, mapping: gi.Mapping, lang: str) -> LoadResult:
    return isolated.import_graph_isolated(list(files), mapping, lang)


def type_mapping(graph: gi.Graph, lang: str, prefix: str) -> gi.Mapping | None:
    """The node attribute that tells the roles, and its values per role (``None``: not yet)."""
    fields = gi.attribute_names(graph)
    guess = gi.guess_type_field(graph)
    field = st.selectbox(t("compare_type_field", lang), fields, key=f"{prefix}_field",
                         index=fields.index(guess) if guess in fields else 0)
    values = list(gi.attribute_values(graph, field))
    chosen: dict[str, list[str]] = {}
    for role in gi.ROLES:
        taken = {v for vs in chosen.values() for v in vs}
        chosen[role] = st.multiselect(t(f"compare_role_{role}", lang),
                                      [v for v in values if v not in taken],
                                      key=f"{prefix}_{role}", placeholder=t("choose", lang))
    if not (chosen["formal"] or chosen["informal"]) or not chosen["group"]:
        st.info(t("compare_map", lang))
        return None
    return gi.Mapping(field, *(tuple(chosen[r]) for r in gi.ROLES))


def network_section(files: Files, lang: str, prefix: str) -> None:
    """A Kumu, GEXF, GraphML, Gephi or Polinode file: the type mapping, the result, saving."""
    graph, problem = _graph(files, lang)
    if graph is None or not gi.attribute_names(graph):
        st.error(md_escape(problem or gi.problem_message(gi.ImportProblem("format_unknown", ""),
                                                         lang)))
        return
    st.info(t("import_network", lang, format=graph.format, nodes=len(graph.nodes),
              edges=len(graph.edges)))
    mapping = type_mapping(graph, lang, f"{prefix}_net")
    if mapping is None:
        return
    result = _graph_import(files, mapping, lang)
    report(result, lang)
    if result.dataset is not None:
        preview(result.dataset, lang, prefix)
        save_section(result.dataset, lang, prefix)
