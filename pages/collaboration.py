"""Collaboration: the four conditions per link and per organisation, and where views differ."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from mapping.analysis.forms import exchange, form_label, one_way_sentences
from mapping.domain.dataset import CONDITIONS
from mapping.session import md_escape
from mapping.ui_text import number, t
from pages import _shared as shared

ROW_PX = 32  # heatmap row height: readable names, and 25 links still fit on one screen
# Choices for rows per chart: a city has 20,000 links, and a chart of all of them never
# draws (a canvas tens of thousands of pixels tall). The tables below the charts hold all.
# (A comment, not a docstring: Streamlit's magic would show a bare string on the page.)
CHART_ROWS = (10, 25, 50, 100)
LABEL_PAD = 8  # px between a row name and its first cell
# The row title ("Samenwerking") as a column header above the names, right-aligned with
# them, instead of rotated beside them: Vega-Lite's automatic offset for a rotated title
# put it over the names (it misjudged their width under Streamlit's theme), and a fixed
# position does not depend on measuring the names at all.
ROW_TITLE = {"titleAngle": 0, "titleAlign": "right", "titleBaseline": "bottom",
             "titleX": -LABEL_PAD, "titleY": -LABEL_PAD}


def heatmap(frame: pd.DataFrame, row_title: str, lang: str, present: bool) -> alt.Chart:
    """Rows x the four conditions, coloured 1 (red-brown) to 5 (blue): readable at a glance.

    The colour scheme is diverging and colour-blind safe; every cell also shows
    its score as text, so colour is never the only carrier of the value.
    """
    long = frame.melt(id_vars=["row"], value_vars=list(CONDITIONS), var_name="condition",
                      value_name="score").dropna(subset=["score"])
    long["condition"] = [t(c, lang) for c in long["condition"]]
    # Vega formats numbers the English way; the cell text follows the page's language.
    long["shown"] = [number(v, lang, 1) for v in long["score"]]
    order = [t(c, lang) for c in CONDITIONS]
    size = 20 if present else 13
    base = alt.Chart(long).encode(
        x=alt.X("condition:N", sort=order, title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=size, labelLimit=220,
                              labelExpr="split(datum.label, ' ')",
                              labelOverlap=False)),
        y=alt.Y("row:N", sort=list(frame["row"]), title=row_title,
                axis=alt.Axis(labelFontSize=size, labelLimit=420, labelOverlap=False,
                              labelPadding=LABEL_PAD, titleFontSize=size, **ROW_TITLE)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("score:Q", scale=alt.Scale(domain=[1, 5], scheme="brownbluegreen"),
                        title=t("col_score", lang)),
        tooltip=[alt.Tooltip("row:N", title=row_title), alt.Tooltip("condition:N"),
                 alt.Tooltip("shown:N", title=t("col_score", lang))])
    # White text on the darkest cells at both ends of the scale, black elsewhere.
    text = base.mark_text(fontSize=size).encode(
        text=alt.Text("shown:N"),
        color=alt.condition("datum.score <= 1.6 || datum.score >= 4.4", alt.value("#ffffff"),
                            alt.value("#000000")))
    height = max(len(frame), 2) * (ROW_PX * (1.4 if present else 1))
    return (cells + text).properties(height=height)


def _link_rows(links: pd.DataFrame) -> pd.DataFrame:
    """Links weakest first, each labelled "A – B" (with ⚠ when raters are few)."""
    frame = links.assign(row=[f"{a} – {b}" + (" ⚠" if few else "") for a, b, few in zip(
        links["source_name"], links["target_name"], links["few_raters"], strict=True)])
    return frame.sort_values("quality", na_position="last")


def links_section(ctx: shared.Context, links: pd.DataFrame, rows: int) -> None:
    """Per link heatmap: the four conditions, the ``rows`` weakest links on top."""
    st.subheader(t("per_link", ctx.lang))
    frame = _link_rows(links).head(rows)
    st.caption(t("charted_links", ctx.lang, shown=number(len(frame), ctx.lang),
                 total=number(len(links), ctx.lang)))
    st.altair_chart(heatmap(frame, t("col_link", ctx.lang), ctx.lang, ctx.present),
                    width="stretch")


def links_table(ctx: shared.Context, links: pd.DataFrame) -> None:
    """Per link table: scores, raters, weakest condition, the fewer-than-3-raters flag."""
    lang = ctx.lang
    frame = _link_rows(links)
    flag = t("few_raters_flag", lang)

    def scores(values: pd.Series) -> list[str]:
        # As text in the page's language ("3,5" in Dutch); scores run 1-5 with one
        # decimal, so sorting the text still sorts the numbers.
        return [number(v, lang, 1) if pd.notna(v) else "" for v in values]

    st.dataframe(pd.DataFrame({
        t("col_link", lang): frame["row"],
        **{t(c, lang): scores(frame[c]) for c in CONDITIONS},
        t("col_quality", lang): scores(frame["quality"]),
        t("col_weakest", lang): [t(w, lang) if isinstance(w, str) else "–"
                                 for w in frame["weakest"]],
        t("col_raters", lang): frame["raters"],
        t("col_few_raters", lang): [flag if few else "" for few in frame["few_raters"]],
    }), hide_index=True, width="stretch")


def orgs_section(ctx: shared.Context, orgs: pd.DataFrame, rows: int) -> None:
    """Per organisation: the mean of each condition over its links, lowest first."""
    lang = ctx.lang
    st.subheader(t("per_org", lang))
    rated = orgs[orgs["rated_links"] > 0].sort_values("quality")
    frame = rated.head(rows).assign(row=rated["name"].head(rows).astype(str))
    st.caption(t("charted_orgs", lang, shown=number(len(frame), lang),
                 total=number(len(rated), lang)))
    st.altair_chart(heatmap(frame, t("col_org", lang), lang, ctx.present), width="stretch")


def reciprocity_section(ctx: shared.Context, gaps: pd.DataFrame, names: dict,
                        shown: int) -> None:
    """Links rated from both sides, the ``shown`` largest differences in perception first."""
    lang = ctx.lang
    st.subheader(t("reciprocity", lang))
    if gaps.empty:
        st.info(t("no_reciprocity", lang))
        return
    largest = gaps[[f"{c}_gap" for c in CONDITIONS]].abs().max(axis=1)
    top = gaps.loc[largest.sort_values(ascending=False, kind="stable").index].head(shown)
    st.caption(t("charted_gaps", lang, shown=number(len(top), lang),
                 total=number(len(gaps), lang)))
    rows = []
    for _, r in top.iterrows():
        for c in CONDITIONS:
            if pd.notna(r[f"{c}_gap"]):
                rows.append({"row": f"{names.get(r['a'], r['a'])} – {names.get(r['b'], r['b'])}",
                             "condition": t(c, lang), "gap": float(r[f"{c}_gap"])})
    long = pd.DataFrame(rows)
    if long.empty:
        st.info(t("no_reciprocity", lang))
        return
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("gap:Q", title=t("col_gap", lang), scale=alt.Scale(domain=[-4, 4])),
        y=alt.Y("condition:N", title=None),
        row=alt.Row("row:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        color=alt.condition("datum.gap >= 0", alt.value("#0072B2"), alt.value("#D55E00")),
        tooltip=["row:N", "condition:N", alt.Tooltip("gap:Q", format="+.1f")])
    st.altair_chart(chart)


@st.cache_resource(show_spinner=False, max_entries=16)
def exchange_table(key: str, _dataset) -> pd.DataFrame:
    """Formal–informal links with the forms that run each way (cached per dataset)."""
    shared.CALLS["exchange"] += 1
    graph, _ = shared.graph_and_positions(key, _dataset)
    return exchange(graph)


def exchange_section(ctx: shared.Context, links: pd.DataFrame, rows: int) -> None:
    """Who brings what across the formal–informal line; one-way relations beside equality."""
    lang = ctx.lang
    st.subheader(t("exchange", lang), help=t("exchange_help", lang))
    if links.empty:
        st.info(t("no_exchange", lang))
        return
    sentences = one_way_sentences(links, lang)
    if sentences:
        st.markdown("\n".join(f"- {md_escape(s)}" for s in sentences[:rows]))
    else:
        st.success(t("no_one_way", lang))
    st.dataframe(pd.DataFrame({
        t("col_formal", lang): links["formal_name"],
        t("col_informal", lang): links["informal_name"],
        t("col_forms", lang): [", ".join(form_label(f, lang) for f in (*fs, *other)) or "–"
                               for fs, other in zip(links["forms"], links["unknown_forms"],
                                                    strict=True)],
        t("col_direction", lang): [t(f"dir_{d}", lang) if isinstance(d, str) else
                                   (t("dir_both", lang) if tf or ti or j else "–")
                                   for d, tf, ti, j in zip(links["one_way"], links["to_formal"],
                                                           links["to_informal"], links["joint"],
                                                           strict=True)],
        t("col_groups_reached", lang): links["groups_reached"],
        t("equality", lang): [number(v, lang, 1) if pd.notna(v) else "–"
                              for v in links["equality"]],
    }), hide_index=True, width="stretch")


def chart_rows(lang: str) -> int:
    """How many rows each chart shows (kept in the URL like every view value)."""
    key = shared.bind("collab_rows", shared.read_str("rows", [str(n) for n in CHART_ROWS]),
                      str(CHART_ROWS[1]))
    value = st.segmented_control(t("chart_rows", lang), [str(n) for n in CHART_ROWS], key=key,
                                 help=t("chart_rows_help", lang))
    rows = value or str(CHART_ROWS[1])
    shared.publish({"rows": rows}, {"rows": str(CHART_ROWS[1])})
    return int(rows)


def main() -> None:
    ctx = shared.page_header("collab_title", "collab_intro")
    if ctx is None:
        return
    tables = shared.quality_tables(ctx.key, ctx.dataset)
    if tables["links"].empty:
        st.info(t("no_collaborations", ctx.lang))
        return
    orgs = ctx.dataset.organisations
    names = dict(zip(orgs["id"].astype(str), orgs["name"], strict=True))
    # One chart per row: side by side, the long "A – B" row labels left the four
    # condition columns too narrow for their names.
    rows = chart_rows(ctx.lang)
    links_section(ctx, tables["links"], rows)
    links_table(ctx, tables["links"])
    orgs_section(ctx, tables["orgs"], rows)
    reciprocity_section(ctx, tables["reciprocity"], names, rows)
    exchange_section(ctx, exchange_table(ctx.key, ctx.dataset), rows)

main()
