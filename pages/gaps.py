"""Gaps: the coverage table, what-if before/after, and suggested collaborations."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mapping.analysis.coverage_summary import coverage_table, helped_share, worst_first
from mapping.analysis.whatif import effect_sentences, what_if
from mapping.i18n import format_percent
from mapping.io import write
from mapping.session import md_escape
from mapping.ui_text import t
from mapping.views.palette import label
from pages import _shared as shared

PAIR = "~"  # separator of a pair of organisation ids in the URL (ids rarely contain it)


@st.cache_resource(show_spinner=False, max_entries=64)
def scenario(key: str, min_quality: float | None, remove: tuple[str, ...],
             add: tuple[tuple[str, str], ...], _cov) -> dict:
    """What-if result for one scenario (cached: reruns for other reasons are free)."""
    shared.CALLS["whatif"] += 1
    return what_if(_cov, remove_orgs=remove, add_links=add)


def table(ctx: shared.Context, cov) -> pd.DataFrame:
    """The coverage table with readable, translated columns."""
    lang = ctx.lang
    frame = worst_first(coverage_table(cov))
    return pd.DataFrame({
        t("col_name", lang): frame["name"],
        t("col_neighbourhood", lang): [cov.network.hood(h) or "–" for h in frame["neighbourhood"]],
        t("col_families", lang): frame["families"],
        t("col_coverage", lang): [label(c, lang) for c in frame["coverage"]],
        # Text, so "no distance" reads as a dash instead of "None" or an empty cell.
        t("col_distance", lang): ["–" if pd.isna(d) else str(int(d)) for d in frame["distance"]],
        t("col_routes", lang): frame["routes"],
        t("col_fragile", lang): frame["fragile"],
        t("col_route", lang): [" → ".join(names) for names in frame["route_names"]],
    })


def coverage_section(ctx: shared.Context, cov) -> None:
    lang = ctx.lang
    st.subheader(t("coverage_table", lang))
    frame = table(ctx, cov)
    st.dataframe(frame, hide_index=True, width="stretch")
    left, right, _ = st.columns([1, 1, 4])
    # Names are user text: both downloads neutralise formula-like cells (issue 9).
    left.download_button(t("download_csv", lang), write.frame_csv_bytes(frame),
                         file_name="dekking.csv", mime="text/csv", on_click="ignore",
                         icon=":material/download:")
    right.download_button(t("download_xlsx", lang), write.frame_xlsx_bytes(frame, "dekking"),
                          file_name="dekking.xlsx", on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument."
                               "spreadsheetml.sheet", icon=":material/download:")


def _add_pair() -> None:
    """Button callback: move the chosen pair into the list of added collaborations."""
    a, b = shared.view("gap_formal"), shared.view("gap_informal")
    if a and b:
        shared.set_view("gap_add", list(dict.fromkeys([*shared.view("gap_add", []),
                                                       f"{a}{PAIR}{b}"])))


def whatif_controls(ctx: shared.Context) -> tuple[list[str], list[str]]:
    lang = ctx.lang
    orgs = ctx.dataset.organisations
    names = dict(zip(orgs["id"].astype(str), orgs["name"], strict=True))
    ids = list(names)
    formal = [i for i, k in zip(ids, orgs["kind"], strict=True) if k == "formal"]
    informal = [i for i in ids if i not in set(formal)]
    remove = shared.bind("gap_rm", shared.read_list("rm", ids), [])
    add = shared.bind("gap_add", shared.read_list("add"), [])
    st.multiselect(t("remove_orgs", lang), ids, key=remove, format_func=names.get,
                   placeholder=t("choose", lang))
    left, right = st.columns(2, vertical_alignment="bottom")
    left.selectbox(t("add_link_formal", lang), formal, key=shared.wkey("gap_formal"),
                   format_func=names.get)
    right.selectbox(t("add_link_informal", lang), informal, key=shared.wkey("gap_informal"),
                    format_func=names.get)
    st.button(t("add_link", lang), on_click=_add_pair, icon=":material/add_link:")
    pairs = [p for p in st.session_state[add] if _valid_pair(p, names)]
    st.session_state[add] = pairs
    st.multiselect(t("added_links", lang), pairs, key=add, placeholder="–",
                   format_func=lambda p: " – ".join(names[x] for x in p.split(PAIR)))
    shared.publish({"rm": st.session_state[remove], "add": st.session_state[add]},
                   {"rm": [], "add": []})
    return st.session_state[remove], st.session_state[add]


def _valid_pair(pair: str, names: dict) -> bool:
    parts = pair.split(PAIR)
    return len(parts) == 2 and all(p in names for p in parts)


def whatif_section(ctx: shared.Context, cov) -> None:
    lang = ctx.lang
    st.subheader(t("whatif", lang))
    st.caption(t("whatif_help", lang))
    remove, add = whatif_controls(ctx)
    if not remove and not add:
        return
    pairs = tuple(tuple(p.split(PAIR)) for p in add)
    result = scenario(ctx.key, ctx.min_quality, tuple(remove), pairs, cov)
    before, after = helped_share(cov), helped_share(result["coverage"])
    left, right = st.columns(2)
    left.metric(t("before", lang), format_percent(before or 0, lang))
    delta = None if before is None or after is None else (after - before) * 100
    right.metric(t("after", lang), format_percent(after or 0, lang),
                 None if delta is None else f"{delta:+.0f} %-pt")
    if not result["changes"]:
        st.info(t("no_change", lang))
        return
    st.markdown("\n".join(f"- {md_escape(line)}"
                           for line in effect_sentences(cov, result, lang)))
    st.dataframe(pd.DataFrame([{
        t("col_name", lang): c["name"], t("col_families", lang): c["families"],
        t("col_before", lang): label(c["before"], lang),
        t("col_after", lang): label(c["after"], lang),
        t("col_routes", lang): f"{c['routes_before']} → {c['routes_after']}",
        t("col_change", lang): t(f"change_{c['change']}", lang),
    } for c in result["changes"]]), hide_index=True, width="stretch")


def _toggle_try(pair: str) -> None:
    """Button callback: open (or close) the what-if result under one suggestion's row."""
    tried = list(shared.view("gap_try", []))
    shared.set_view("gap_try", [p for p in tried if p != pair] if pair in tried
                    else [*tried, pair])


def suggestion_result(ctx: shared.Context, cov, formal: str, informal: str) -> None:
    """The what-if of one suggestion, drawn where it is called: directly under its row."""
    lang = ctx.lang
    result = scenario(ctx.key, ctx.min_quality, (), ((formal, informal),), cov)
    if not result["changes"]:
        st.info(t("no_change", lang))
        return
    st.markdown("\n".join(f"- {md_escape(line)}"
                           for line in effect_sentences(cov, result, lang)))


def suggestions_section(ctx: shared.Context, report: dict, cov) -> None:
    """Suggested collaborations; each row's what-if result opens under that row.

    Which rows are open is a view value (``try`` in the URL), so the results
    stay under their rows after any rerun and in a shared link.
    """
    lang = ctx.lang
    st.subheader(t("suggestions", lang))
    if not report["suggestions"]:
        st.info(t("no_suggestions", lang))
        return
    pairs = [f"{s['formal']}{PAIR}{s['informal']}" for s in report["suggestions"]]
    tried = shared.bind("gap_try", shared.read_list("try", pairs), [])
    st.session_state[tried] = [p for p in st.session_state[tried] if p in pairs]
    for i, (s, pair) in enumerate(zip(report["suggestions"], pairs, strict=True), 1):
        is_open = pair in st.session_state[tried]
        # One keyed container per row: the row and its result stay together on the page.
        with st.container(key=f"suggestion_{i}"):
            text, action = st.columns([4, 1], vertical_alignment="center")
            text.markdown(md_escape(t("suggestion_line", lang, i=i, text=s["explanation"])))
            action.button(t("clear_whatif" if is_open else "whatif", lang), key=f"try_{i}",
                          on_click=_toggle_try, args=(pair,),
                          icon=":material/close:" if is_open else ":material/science:")
            if is_open:
                with st.container(key=f"suggestion_result_{i}"):
                    suggestion_result(ctx, cov, s["formal"], s["informal"])
    shared.publish({"try": st.session_state[tried]}, {"try": []})


def main() -> None:
    ctx = shared.page_header("gaps_title")
    if ctx is None:
        return
    cov = shared.coverage(ctx.key, ctx.min_quality, ctx.dataset)
    report = shared.report(ctx.key, ctx.min_quality, ctx.lang, ctx.dataset)
    coverage_section(ctx, cov)
    left, right = st.columns(2, gap="large")
    with left:
        whatif_section(ctx, cov)
    with right:
        suggestions_section(ctx, report, cov)


main()
