"""Overview: the headline figures and the largest gaps as plain sentences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapping.analysis.population import families_by_hood, population_rows, population_sentences
from mapping.i18n import format_percent
from mapping.session import md_escape
from mapping.ui_text import number, t
from mapping.views import report_pdf as pdf_report
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


def population(ctx: shared.Context, report: dict) -> None:
    """The known groups beside the CBS households with children, per neighbourhood."""
    rows = population_rows(ctx.dataset.neighbourhoods, families_by_hood(report))
    lines = population_sentences(rows, ctx.lang)
    st.subheader(t("population", ctx.lang))
    if rows is None:
        st.caption(lines[0])  # says which CBS figures would enable this
        return
    st.markdown("\n".join(f"- {md_escape(line)}" for line in lines))


@st.cache_data(show_spinner=False, max_entries=16)
def district_pdf(key: str, name: str, lang: str, hide_names: bool, min_quality: float | None,
                 present: bool, version: int | None, _dataset, _graph, _placed) -> bytes:
    """The district report PDF, built once per dataset and view.

    ``key`` is the tables' fingerprint, which leaves the dataset's name out: the same
    tables saved under two names must still give two reports (each page names it).
    """
    shared.CALLS["report_pdf"] += 1
    return pdf_report.report_pdf(_dataset, lang=lang, hide_names=hide_names,
                                 min_quality=min_quality, version=version,
                                 presentation=present, graph=_graph, placed=_placed)


def saved_version() -> int | None:
    """The stored version shown (the newest when the sidebar says "latest"), else ``None``."""
    if shared.view("source") != "store":
        return None
    version = shared.view("store_ver") or 0
    if version:
        return int(version)
    try:  # "latest": the number the sidebar resolved, asked again (one small query)
        history = shared.store().versions(shared.view("store_name"))
        return int(history["number"].max())
    except Exception:  # no store or no history: the header simply shows no version
        return None


def download(ctx: shared.Context) -> None:
    """The district report's download button, built last so the figures show first."""
    lang = ctx.lang
    # The same graph and positions as the network page: nodes sit where the room saw them.
    graph, placed = shared.graph_and_positions(ctx.key, ctx.dataset)
    try:
        with st.spinner(pdf_report.message("building", lang)):
            pdf = district_pdf(ctx.key, str(ctx.dataset.name), lang, ctx.hide_names,
                               ctx.min_quality, ctx.present, saved_version(), ctx.dataset,
                               graph, placed)
    except Exception as exc:  # the page stays up; say what went wrong
        st.error(pdf_report.message("failed", lang, error=str(exc)))
        return
    st.download_button(pdf_report.message("download", lang), pdf,
                       file_name=f"wijkrapport-{ctx.key}.pdf", mime="application/pdf",
                       icon=":material/picture_as_pdf:", on_click="ignore",
                       key="district_pdf")


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
        population(ctx, report)
    download(ctx)


main()
