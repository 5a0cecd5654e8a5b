"""Topics: which topics each parent group is reached on, by whom; the taboo topics called out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapping.analysis.coverage_summary import join_names
from mapping.analysis.topics import TABOO, TOPICS, taboo_support, topic_label, topic_matrix
from mapping.session import md_escape
from mapping.ui_text import number, t
from pages import _shared as shared


@st.cache_resource(show_spinner=False, max_entries=16)
def topic_views(key: str, min_quality: float | None, _dataset, _cov) -> dict:
    """Topic x group matrix and taboo support (cached per dataset and threshold)."""
    shared.CALLS["topics"] += 1
    return {"matrix": topic_matrix(_dataset, _cov.network),
            "taboo": taboo_support(_dataset, _cov.network)}


def _heading(topic: str, lang: str) -> str:
    text = topic_label(topic, lang)
    return t("taboo_mark", lang, label=text) if topic in TABOO else text


def matrix_section(ctx: shared.Context, matrix: dict, net) -> None:
    """One row per group, one column per topic, the organisations that discuss it in the cell."""
    lang = ctx.lang
    extra = sorted({tp for row in matrix.values() for tp in row} - set(TOPICS))
    topics = [*TOPICS, *extra]
    groups = sorted(matrix, key=lambda g: (-net.families(g), net.name(g, is_group=True)))
    st.dataframe(pd.DataFrame({
        t("col_name", lang): [net.name(g, is_group=True) for g in groups],
        t("col_neighbourhood", lang): [net.hood(net.groups[g].get("neighbourhood")) or "–"
                                       for g in groups],
        t("col_families", lang): [net.families(g) for g in groups],
        **{_heading(tp, lang): [", ".join(net.name(o) for o in matrix[g].get(tp, [])) or "–"
                                for g in groups] for tp in topics},
    }), hide_index=True, width="stretch")


def taboo_section(ctx: shared.Context, taboo: dict, net) -> None:
    """Groups nobody raises a taboo topic with, and who could back up those who do."""
    lang = ctx.lang
    st.subheader(t("taboo", lang))
    if taboo["silent"]:
        st.markdown(t("taboo_silent", lang))
        # One paragraph, not a long list: in a city this can be hundreds of groups.
        st.markdown(" · ".join(
            f"{md_escape(net.name(g, is_group=True))} ({number(net.families(g), lang)})"
            for g in taboo["silent"]))
    else:
        st.success(t("taboo_all", lang))
    if not taboo["links"]:
        st.info(t("no_taboo_links", lang))
        return
    lines = []
    for link in taboo["links"]:
        values = {"org": net.name(link["organisation"]), "topic": topic_label(link["topic"], lang),
                  "group": net.name(link["group"], is_group=True)}
        if link["partners"]:
            text = t("taboo_partner", lang, partners=join_names(
                [net.name(p) for p in link["partners"]], lang), **values)
        elif link["candidates"]:
            text = t("taboo_candidate", lang, candidates=join_names(
                [net.name(p) for p in link["candidates"]], lang), **values)
        else:
            text = t("taboo_alone", lang, **values)
        lines.append(f"- {md_escape(text)}")
    st.markdown("\n".join(lines))


def main() -> None:
    ctx = shared.page_header("topics_title", "topics_intro")
    if ctx is None:
        return
    cov = shared.coverage(ctx.key, ctx.min_quality, ctx.dataset)
    views = topic_views(ctx.key, ctx.min_quality, ctx.dataset, cov)
    matrix_section(ctx, views["matrix"], cov.network)
    taboo_section(ctx, views["taboo"], cov.network)


main()
