"""Collaboration: the four conditions per link and per organisation, and where views differ."""

from __future__ import annotations

import copy

import altair as alt
import pandas as pd
import streamlit as st

from mapping.analysis.forms import exchange, one_way_sentences
from mapping.domain.dataset import CONDITIONS
from mapping.io import write
from mapping.session import md_escape
from mapping.ui_text import number, t
from mapping.views import collab_tables
from pages import _shared as shared

ROW_PX = 32  # heatmap row height: readable names, and 25 links still fit on one screen
# Choices for rows per chart: a city has 20,000 links, and a chart of all of them never
# draws (a canvas tens of thousands of pixels tall). The tables below the charts hold all.
# (A comment, not a docstring: Streamlit's magic would show a bare string on the page.)
CHART_ROWS = (10, 25, 50, 100)
# Rows per page of the tables: the grid stays instant at any size (the download holds all).
TABLE_ROWS = 100
LABEL_PAD = 8  # px between a row name and its first cell
# The row title ("Samenwerking") as a column header above the names, right-aligned with
# them, instead of rotated beside them: Vega-Lite's automatic offset for a rotated title
# put it over the names (it misjudged their width under Streamlit's theme), and a fixed
# position does not depend on measuring the names at all.
ROW_TITLE = {"titleAngle": 0, "titleAlign": "right", "titleBaseline": "bottom",
             "titleX": -LABEL_PAD, "titleY": -LABEL_PAD}


# The few-raters mark mapping.views.collab_tables.link_rows appends to a link's name.
FLAG = " \u26a0"


def flag_first(row: str) -> str:
    """``"A – B ⚠"`` as ``"⚠ A – B"``: the mark survives a row name cut off at its end."""
    return f"{FLAG.strip()} {row[:-len(FLAG)]}" if row.endswith(FLAG) else row


def heatmap(frame: pd.DataFrame, row_title: str, lang: str, present: bool) -> alt.Chart:
    """Rows x the four conditions, coloured 1 (red-brown) to 5 (blue): readable at a glance.

    The colour scheme is diverging and colour-blind safe; every cell also shows
    its score as text, so colour is never the only carrier of the value.
    """
    # The few-raters mark goes in front of the name: Vega cuts a long name off at the
    # end ("…"), and with it the mark, on the shared screen's larger type.
    frame = frame.assign(row=[flag_first(str(r)) for r in frame["row"]])
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


@st.cache_resource(show_spinner=False, max_entries=16)
def link_tables(key: str, lang: str, _dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Links weakest first and their formatted table (cached per dataset and language).

    Shared by every session and only read (pages slice them, never change them).
    """
    shared.CALLS["collab_links"] += 1
    ordered = collab_tables.link_rows(shared.quality_tables(key, _dataset)["links"])
    return ordered, collab_tables.links_table(ordered, lang)


def links_section(ctx: shared.Context, chart: tuple[dict | None, int, int]) -> None:
    """Per link heatmap: the four conditions, the weakest links on top."""
    st.subheader(t("per_link", ctx.lang))
    spec, shown, total = chart
    st.caption(t("charted_links", ctx.lang, shown=number(shown, ctx.lang),
                 total=number(total, ctx.lang)))
    draw(spec, width="stretch")


@st.cache_resource(show_spinner=False, max_entries=32)
def csv_bytes(key: str, lang: str, name: str, _table: pd.DataFrame) -> bytes:
    """The whole table ``name`` as a CSV download, written once per dataset and language."""
    shared.CALLS["collab_csv"] += 1
    return write.frame_csv_bytes(_table)


def paged_table(ctx: shared.Context, table: pd.DataFrame, name: str, shown_key: str,
                download_key: str, widths: dict[str, tuple[int, int]], hidden: tuple[str, ...] = (),
                details: tuple[str, ...] = ()) -> None:
    """One page of ``table`` (``TABLE_ROWS`` rows, a page selector) and all of it as CSV.

    A city's 20,000 rows as one grid cost seconds per rerun to send; a page
    of them is instant, and the download holds every row. Columns get the
    fixed ``widths`` (every one in sight on a 1400 px screen); the columns
    ``hidden`` are left out of the grid, and ``details`` shown for the row one selects.
    """
    key, lang = ctx.key, ctx.lang
    total = len(table)
    count = collab_tables.pages(total, TABLE_ROWS)
    page = 1
    if count > 1:
        page = int(st.number_input(t("table_page", lang), min_value=1, max_value=count, value=1,
                                   step=1, key=f"collab_page_{name}.{lang}",
                                   help=t("table_page_help", lang, size=TABLE_ROWS)))
    shown = collab_tables.page_of(table, page - 1, TABLE_ROWS)
    first = (page - 1) * TABLE_ROWS + 1
    st.caption(t(shown_key, lang, first=first, last=first + len(shown) - 1, total=total))
    config = collab_tables.column_config(widths, lang, ctx.present,
                                         hidden=hidden)
    if not details:
        st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
    else:
        event = st.dataframe(shown, hide_index=True, width="stretch", column_config=config,
                             on_select="rerun", selection_mode="single-row",
                             key=f"collab_grid_{name}.{lang}")
        rows = [r for r in event.selection.rows if r < len(shown)]
        if rows:
            row = shown.iloc[rows[0]]
            st.caption(t("row_details", lang, row=md_escape(row[t("col_link", lang)]),
                         details=md_escape(collab_tables.row_details(row, details, lang))))
        else:
            st.caption(t("row_details_hint", lang))
    st.download_button(t(download_key, lang), csv_bytes(key, lang, name, table),
                       file_name=f"{name}.csv", mime="text/csv", on_click="ignore",
                       key=f"collab_download_{name}.{lang}")


def draw(spec: dict | None, **options: str) -> None:
    """A cached Vega-Lite spec on the page (a copy: Streamlit moves its data out)."""
    if spec is not None:
        st.vega_lite_chart(copy.deepcopy(spec), **options)


def org_chart(orgs: pd.DataFrame, rows: int, lang: str, present: bool
              ) -> tuple[alt.Chart, int, int]:
    """Per organisation: the mean of each condition over its links, lowest first."""
    rated = orgs[orgs["rated_links"] > 0].sort_values("quality", kind="stable")
    frame = rated.head(rows).assign(row=rated["name"].head(rows).astype(str))
    return heatmap(frame, t("col_org", lang), lang, present), len(frame), len(rated)


def gap_chart(gaps: pd.DataFrame, names: dict, shown: int, lang: str
              ) -> tuple[alt.Chart | None, int, int]:
    """Links rated from both sides, the ``shown`` largest differences in perception first."""
    if gaps.empty:
        return None, 0, 0
    largest = gaps[[f"{c}_gap" for c in CONDITIONS]].abs().max(axis=1)
    top = gaps.loc[largest.sort_values(ascending=False, kind="stable").index].head(shown)
    rows = []
    for _, r in top.iterrows():
        for c in CONDITIONS:
            if pd.notna(r[f"{c}_gap"]):
                rows.append({"row": f"{names.get(r['a'], r['a'])} – {names.get(r['b'], r['b'])}",
                             "condition": t(c, lang), "gap": float(r[f"{c}_gap"])})
    long = pd.DataFrame(rows)
    if long.empty:
        return None, len(top), len(gaps)
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("gap:Q", title=t("col_gap", lang), scale=alt.Scale(domain=[-4, 4])),
        y=alt.Y("condition:N", title=None),
        row=alt.Row("row:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        color=alt.condition("datum.gap >= 0", alt.value("#0072B2"), alt.value("#D55E00")),
        tooltip=["row:N", "condition:N", alt.Tooltip("gap:Q", format="+.1f")])
    return chart, len(top), len(gaps)


@st.cache_resource(show_spinner=False, max_entries=64)
def chart_specs(key: str, lang: str, rows: int, present: bool, _dataset
                ) -> dict[str, tuple[dict | None, int, int]]:
    """The three charts as Vega-Lite specs with their shown and total rows (cached).

    Building and validating an Altair chart costs tens of milliseconds each;
    the charts depend only on the data, language, rows and presentation mode.
    """
    shared.CALLS["collab_charts"] += 1
    tables = shared.quality_tables(key, _dataset)
    ordered, _ = link_tables(key, lang, _dataset)
    frame = ordered.head(rows)
    orgs = _dataset.organisations
    names = dict(zip(orgs["id"].astype(str), orgs["name"], strict=True))
    org, org_shown, org_total = org_chart(tables["orgs"], rows, lang, present)
    gap, gap_shown, gap_total = gap_chart(tables["reciprocity"], names, rows, lang)
    return {"links": (heatmap(frame, t("col_link", lang), lang, present).to_dict(),
                      len(frame), len(ordered)),
            "orgs": (org.to_dict(), org_shown, org_total),
            "gaps": (None if gap is None else gap.to_dict(), gap_shown, gap_total)}


def orgs_section(ctx: shared.Context, chart: tuple[dict | None, int, int]) -> None:
    """Per organisation heatmap, lowest first."""
    lang = ctx.lang
    st.subheader(t("per_org", lang))
    spec, shown, total = chart
    st.caption(t("charted_orgs", lang, shown=number(shown, lang), total=number(total, lang)))
    draw(spec, width="stretch")


def reciprocity_section(ctx: shared.Context, chart: tuple[dict | None, int, int]) -> None:
    """Links rated from both sides, the largest differences in perception first."""
    lang = ctx.lang
    st.subheader(t("reciprocity", lang))
    spec, shown, total = chart
    if total == 0:
        st.info(t("no_reciprocity", lang))
        return
    st.caption(t("charted_gaps", lang, shown=number(shown, lang), total=number(total, lang)))
    if spec is None:
        st.info(t("no_reciprocity", lang))
        return
    draw(spec)


@st.cache_resource(show_spinner=False, max_entries=16)
def exchange_table(key: str, _dataset) -> pd.DataFrame:
    """Formal–informal links with the forms that run each way (cached per dataset)."""
    shared.CALLS["exchange"] += 1
    return exchange(shared.graph(key, _dataset))


@st.cache_resource(show_spinner=False, max_entries=16)
def exchange_texts(key: str, lang: str, _dataset) -> tuple[list[str], pd.DataFrame]:
    """The one-way sentences and the formatted exchange table (per dataset and language)."""
    shared.CALLS["collab_exchange"] += 1
    links = exchange_table(key, _dataset)
    return one_way_sentences(links, lang), collab_tables.exchange_table(links, lang)


def exchange_section(ctx: shared.Context, rows: int) -> None:
    """Who brings what across the formal–informal line; one-way relations beside equality."""
    lang = ctx.lang
    st.subheader(t("exchange", lang), help=t("exchange_help", lang))
    sentences, table = exchange_texts(ctx.key, lang, ctx.dataset)
    if table.empty:
        st.info(t("no_exchange", lang))
        return
    if sentences:
        st.markdown("\n".join(f"- {md_escape(s)}" for s in sentences[:rows]))
    else:
        st.success(t("no_one_way", lang))
    paged_table(ctx, table, "uitwisseling", "exchange_rows_shown", "download_exchange_csv",
                collab_tables.EXCHANGE_WIDTHS)


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
    # One chart per row: side by side, the long "A – B" row labels left the four
    # condition columns too narrow for their names.
    rows = chart_rows(ctx.lang)
    _, table = link_tables(ctx.key, ctx.lang, ctx.dataset)
    charts = chart_specs(ctx.key, ctx.lang, rows, ctx.present, ctx.dataset)
    links_section(ctx, charts["links"])
    paged_table(ctx, table, "samenwerkingen", "table_rows_shown", "download_links_csv",
                collab_tables.LINK_WIDTHS, collab_tables.LINK_HIDDEN, collab_tables.LINK_DETAILS)
    orgs_section(ctx, charts["orgs"])
    reciprocity_section(ctx, charts["gaps"])
    exchange_section(ctx, rows)

main()
