"""Compare: two waves side by side (demo, upload or saved version), and the exports."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from mapping.analysis.waves import CONDITION_LABELS, compare
from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.io import graph_export
from mapping.io import graph_import as gi
from mapping.io import isolated_readers as isolated
from mapping.session import md_escape
from mapping.ui_text import t
from mapping.views.palette import label
from pages import _imports as imports
from pages import _shared as shared

SOURCES = ("demo", "upload", "network", "store")


@st.cache_resource(show_spinner=False, max_entries=16)
def comparison(key_a: str, key_b: str, lang: str, min_quality: float | None,
               _a: Dataset, _b: Dataset) -> dict:
    """:func:`mapping.analysis.waves.compare`, cached by both datasets' content."""
    shared.CALLS["compare"] += 1
    return compare(_a, _b, lang, min_quality)


@st.cache_resource(show_spinner=False, max_entries=16)
def exported(key: str, fmt: str, research: bool, lang: str, _dataset: Dataset) -> bytes:
    """One export of the shown dataset (cached: a rerun does not rebuild it)."""
    shared.CALLS["export"] += 1
    return graph_export.export_bytes(_dataset, fmt, research=research, lang=lang)


def _stored(side: str, lang: str) -> Dataset | None:
    db = shared.store()
    names = [] if db is None else db.list_datasets()
    if not names:
        st.info(t("compare_none", lang))
        return None
    name = st.selectbox(t("choose_dataset", lang), names, key=f"cmp_{side}_name")
    try:
        history = db.versions(name)
        numbers = [int(n) for n in history["number"]][::-1]
    except Exception:
        numbers = []
    version = st.selectbox(t("version", lang), numbers, key=f"cmp_{side}_ver",
                           format_func=lambda v: t("version_label", lang, v=v))
    if version is None:
        return None
    try:
        return db.load(name, int(version))
    except Exception as exc:  # the store went away or the version is unreadable
        st.error(t("load_failed", lang, error=str(exc)))
        return None


@st.cache_resource(show_spinner=False, max_entries=8)
def network_graph(files: tuple[tuple[str, bytes], ...], lang: str
                  ) -> tuple[gi.Graph | None, str | None]:
    """A network file as nodes and links, or why it cannot be read (in ``lang``).

    Read in the bounded parse worker, like every upload: a hostile file costs that
    process, never the server.
    """
    return isolated.read_graph_isolated(files, lang)


@st.cache_resource(show_spinner=False, max_entries=8)
def network_import(files: tuple[tuple[str, bytes], ...], mapping: gi.Mapping, lang: str):
    """:func:`mapping.io.graph_import.import_graph` in the parse worker, by bytes and mapping."""
    shared.CALLS["load"] += 1
    return isolated.import_graph_isolated(list(files), mapping, lang)


def _network(side: str, lang: str) -> Dataset | None:
    """A Kumu, Gephi, Polinode or Network Canvas file, with the user's type mapping."""
    files = st.file_uploader(t("compare_network_files", lang), accept_multiple_files=True,
                             key=f"cmp_{side}_net")
    if not files:
        return None
    pairs = tuple((f.name, f.getvalue()) for f in files)
    graph, problem = network_graph(pairs, lang)
    if graph is None:
        st.error(md_escape(problem or gi.problem_message(gi.ImportProblem("format_unknown", ""),
                                                         lang)))
        return None
    fields = gi.attribute_names(graph)
    if not fields:
        st.error(gi.problem_message(gi.ImportProblem("format_unknown", ""), lang))
        return None
    mapping = imports.type_mapping(graph, lang, f"cmp_{side}")  # the Data page's widgets
    if mapping is None:
        return None
    result = network_import(pairs, mapping, lang)
    if not result.ok:
        st.error(t("load_failed", lang, error=result.errors[0].message if result.errors else ""))
        st.dataframe(result.issues, hide_index=True, width="stretch")
        return None
    return result.dataset


def picker(side: str, lang: str) -> Dataset | None:
    """One wave: the demo, uploaded files, or a saved dataset version."""
    st.subheader(t(f"compare_{side}", lang))
    source = st.radio(t("compare_source", lang), SOURCES, key=f"cmp_{side}_src",
                      horizontal=True, format_func=lambda s: t(f"compare_src_{s}", lang))
    if source == "store":
        return _stored(side, lang)
    if source == "network":
        return _network(side, lang)
    if source == "upload":
        files = st.file_uploader(t("compare_upload", lang), accept_multiple_files=True,
                                 key=f"cmp_{side}_files")
        if not files:
            return None
        result = shared.load_upload(tuple((f.name, f.getvalue()) for f in files), lang)
    else:
        result = shared.load_folder(str(shared.DEMO_DIR), lang)
    if not result.ok:
        first = result.errors[0] if result.errors else None
        st.error(t("load_failed", lang, error=getattr(first, "message", "")))
        return None
    return result.dataset


def show(result: dict, lang: str) -> None:
    """The comparison: actions first, then the tables behind them."""
    st.subheader(t("compare_actions", lang))
    st.markdown("\n".join(f"- {md_escape(s)}" for s in result["actions"]))
    st.subheader(t("compare_summary", lang))
    st.dataframe(pd.DataFrame({
        t("cmp_class", lang): [label(c, lang) for c in result["summary"]],
        f"{t('cmp_groups', lang)} ({t('cmp_before', lang)})":
            [v["groups"][0] for v in result["summary"].values()],
        f"{t('cmp_groups', lang)} ({t('cmp_after', lang)})":
            [v["groups"][1] for v in result["summary"].values()],
        f"{t('col_families', lang)} ({t('cmp_before', lang)})":
            [v["families"][0] for v in result["summary"].values()],
        f"{t('col_families', lang)} ({t('cmp_after', lang)})":
            [v["families"][1] for v in result["summary"].values()],
    }), hide_index=True, width="stretch")
    changed = [g for g in result["groups"] if g["changed"]]
    st.subheader(t("compare_groups", lang))
    if changed:
        st.dataframe(pd.DataFrame({
            "id": [g["id"] for g in changed],
            t("col_name", lang): [g["name"] for g in changed],
            t("col_families", lang): [g["families"] for g in changed],
            t("col_coverage", lang): [" → ".join(label(c, lang) if c else "–"
                                                 for c in g["coverage"]) for g in changed],
            t("col_distance", lang): [" → ".join("–" if d is None else str(d)
                                                 for d in g["distance"]) for g in changed],
            t("col_routes", lang): [" → ".join(str(r) for r in g["routes"]) for g in changed],
        }), hide_index=True, width="stretch")
    else:
        st.caption(t("compare_none", lang))
    for key in ("started", "ended"):
        st.subheader(t(f"compare_{key}", lang))
        pairs = result[f"collaborations_{key}"]
        if pairs:
            st.dataframe(pd.DataFrame(pairs), hide_index=True, width="stretch")
        else:
            st.caption(t("compare_none", lang))
    labels = CONDITION_LABELS["en" if lang == "en" else "nl"]
    for key, ids in (("links", ("a_name", "b_name")), ("organisations", ("name",))):
        rows = [{**{i: r[i] for i in ids},
                 **{f"{labels[c]} ({t('cmp_change', lang)})": r[c][2] for c in CONDITIONS}}
                for r in result[key]
                if any(r[c][2] not in (None, 0) for c in CONDITIONS)]
        st.subheader(t(f"compare_{'links' if key == 'links' else 'orgs'}", lang))
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.caption(t("compare_none", lang))


def export_section(ctx: shared.Context) -> None:
    """Downloads of the dataset the sidebar shows, in every format the field opens."""
    lang = ctx.lang
    st.header(t("export_title", lang))
    st.caption(md_escape(t("export_intro", lang, name=ctx.dataset.name)))
    research = st.toggle(t("export_research", lang), key="cmp_research")
    columns = st.columns(len(graph_export.FORMATS))
    for column, fmt in zip(columns, graph_export.FORMATS, strict=True):
        # Built when clicked (a city's exports take seconds each), then cached.
        data = functools.partial(exported, ctx.key, fmt, bool(research), lang, ctx.dataset)
        column.download_button(t(f"export_{fmt.replace('-', '_')}", lang), data,
                               file_name=graph_export.file_name(ctx.dataset, fmt),
                               mime=graph_export.MIME[fmt], on_click="ignore",
                               key=f"cmp_dl_{fmt}", icon=":material/download:")


def main() -> None:
    ctx = shared.page_header("page_compare")
    if ctx is None:
        return
    lang = ctx.lang
    st.write(t("compare_intro", lang))
    left, right = st.columns(2)
    with left:
        before = picker("before", lang)
    with right:
        after = picker("after", lang)
    if before is None or after is None:
        st.info(t("compare_pick", lang))
    else:
        show(comparison(shared.fingerprint(before), shared.fingerprint(after), lang,
                        ctx.min_quality, before, after), lang)
    export_section(ctx)


main()
