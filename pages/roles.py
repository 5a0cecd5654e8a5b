"""Roles: brokers, sole bridges, bridges between formal and informal, network measures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapping.analysis.graph import collaboration_graph
from mapping.analysis.roles import ROLES, broker_sentences, brokerage, brokerage_sentence
from mapping.session import md_escape
from mapping.ui_text import number, t
from mapping.views.palette import label
from pages import _shared as shared

SHOWN = 10  # rows per measure table: the top of the list is what a meeting discusses


@st.cache_resource(show_spinner=False, max_entries=16)
def brokerage_table(key: str, min_quality: float | None, _dataset) -> pd.DataFrame:
    """Brokerage counts of the collaborations that count (cached per dataset and threshold)."""
    shared.CALLS["brokerage"] += 1
    return brokerage(collaboration_graph(shared.graph(key, _dataset), min_quality))


def brokers_section(ctx: shared.Context, report: dict, cov) -> None:
    """Each broker with the families at stake, in one or more plain sentences."""
    lang = ctx.lang
    st.subheader(t("brokers", lang))
    found = broker_sentences(cov, report["brokers"], lang, limit=SHOWN)
    if not found:
        st.info(t("no_brokers", lang))
        return
    for entry in found:
        lines = [f"**{md_escape(entry['name'])}** · {label(entry['kind'], lang)}",
                 *(f"- {md_escape(s)}" for s in entry["sentences"])]
        st.markdown("\n".join(lines))


def brokerage_section(ctx: shared.Context, frame: pd.DataFrame) -> None:
    """Who connects partners that do not work together, by side."""
    lang = ctx.lang
    st.subheader(t("brokerage", lang), help=t("brokerage_help", lang))
    active = frame[frame["total"] > 0].head(SHOWN)
    if active.empty:
        st.info(t("no_brokerage", lang))
        return
    st.dataframe(pd.DataFrame({
        t("col_org", lang): active["name"].fillna(active["id"]),
        t("col_kind", lang): [label(k, lang) for k in active["side"]],
        **{t(f"role_{r}", lang): active[r] for r in ROLES if r != "liaison"},
        t("col_sentence", lang): [brokerage_sentence(r, lang) for _, r in active.iterrows()],
    }), hide_index=True, width="stretch")


def measures_section(ctx: shared.Context, measures: dict) -> None:
    """Degree and betweenness leaders, and what communities, density and isolation mean here."""
    lang = ctx.lang
    st.subheader(t("measures", lang))
    names = dict(zip("o:" + ctx.dataset.organisations["id"].astype(str),
                     ctx.dataset.organisations["name"], strict=True))
    left, right = st.columns(2)
    for col, key, title, column, digits in (
            (left, "degree", "measure_degree", "col_partners", 0),
            (right, "betweenness", "measure_betweenness", "col_betweenness", 3)):
        values = measures[key]["values"]
        top = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))[:SHOWN]
        col.markdown(f"**{t(title, lang)}**")
        col.caption(measures[key]["explanation"])
        col.dataframe(pd.DataFrame({t("col_org", lang): [names.get(n, n) for n, _ in top],
                                    t(column, lang): [number(v, lang, digits) for _, v in top]}),
                      hide_index=True, width="stretch")
    for key in ("communities", "density", "isolated"):
        st.markdown(f"- {md_escape(measures[key]['explanation'])}")


def main() -> None:
    ctx = shared.page_header("roles_title", "roles_intro")
    if ctx is None:
        return
    cov = shared.coverage(ctx.key, ctx.min_quality, ctx.dataset)
    report = shared.report(ctx.key, ctx.min_quality, ctx.lang, ctx.dataset)
    brokers_section(ctx, report, cov)
    brokerage_section(ctx, brokerage_table(ctx.key, ctx.min_quality, ctx.dataset))
    measures_section(ctx, shared.measures(ctx.key, ctx.min_quality, ctx.dataset))


main()
