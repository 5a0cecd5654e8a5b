"""Overview: the headline figures and the largest gaps as plain sentences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapping.i18n import format_percent
from mapping.session import md_escape
from mapping.ui_text import number, t
from pages import _shared as shared


def headline(ctx: shared.Context, report: dict) -> None:
    """Organisations, groups, families and the share with a route, as metric tiles."""
    orgs = ctx.dataset.organisations
    formal = int((orgs["kind"] == "formal").sum())
    families = sum(v["families"] for v in report["summary"].values())
    lang = ctx.lang
    cols = st.columns(4)
    cols[0].metric(t("organisations", lang), number(len(orgs), lang),
                   t("orgs_split", lang, formal=formal, informal=len(orgs) - formal),
                   delta_color="off", delta_arrow="off")
    cols[1].metric(t("groups", lang), number(len(ctx.dataset.parent_groups), lang))
    cols[2].metric(t("families", lang), number(families, lang))
    share = report["share"]
    cols[3].metric(t("share_route", lang), format_percent(share, lang) if share is not None
                   else "–")


def gap_tiles(ctx: shared.Context, report: dict) -> None:
    """Unreached, informal-only and fragile groups: the three kinds of gap."""
    lang = ctx.lang
    fragile = [g for g in report["groups"] if g["fragile"]]
    tiles = (("unreached_groups", report["summary"]["unreached"]),
             ("informal_only_groups", report["summary"]["informal_only"]),
             ("fragile_groups", {"groups": len(fragile),
                                 "families": sum(g["families"] or 0 for g in fragile)}))
    for col, (key, figures) in zip(st.columns(3), tiles, strict=True):
        col.metric(t(key, lang), number(figures["groups"], lang),
                   t("groups_families", lang, **figures), delta_color="off",
                   delta_arrow="off")


def gaps(ctx: shared.Context, report: dict) -> None:
    """The largest gaps, one sentence each (names escaped: they are user data)."""
    st.subheader(t("largest_gaps", ctx.lang))
    if not report["gaps"]:
        st.info(t("no_gaps", ctx.lang))
        return
    st.markdown("\n".join(f"- {md_escape(sentence)}" for sentence in report["gaps"]))


def neighbourhoods(ctx: shared.Context, report: dict) -> None:
    """Share of families with a route, per neighbourhood."""
    lang = ctx.lang
    rows = [{t("col_neighbourhood", lang): e.get("name") or e["neighbourhood"] or "–",
             t("col_share", lang): None if e["share"] is None else 100 * e["share"],
             t("col_groups", lang): e["groups"], t("col_families", lang): e["families"]}
            for e in report["neighbourhoods"]]
    if not rows:
        return
    st.subheader(t("per_neighbourhood", lang))
    share_col = t("col_share", lang)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
        share_col: st.column_config.ProgressColumn(share_col, format="%.0f%%", min_value=0,
                                                   max_value=100)})


def main() -> None:
    ctx = shared.page_header("overview_title")
    if ctx is None:
        return
    report = shared.report(ctx.key, ctx.min_quality, ctx.lang, ctx.dataset)
    headline(ctx, report)
    gap_tiles(ctx, report)
    left, right = st.columns([3, 2], gap="large")
    with left:
        gaps(ctx, report)
    with right:
        neighbourhoods(ctx, report)


main()
