"""Map: neighbourhoods coloured by the share of families with a route, and who is where."""

from __future__ import annotations

import streamlit as st

from mapping.ui_text import t
from mapping.views.render_map import (
    BASE_MAPS,
    DEFAULT_BASE_MAP,
    map_placement,
    placement_notes,
    render_map,
)
from pages import _shared as shared

# Offline by default: OpenStreetMap or PDOK tiles are fetched only when chosen.
DEFAULTS = {"base": DEFAULT_BASE_MAP, "lines": False}
HEIGHT = 820


def controls(ctx: shared.Context) -> dict:
    """Base map and collaboration-layer switches (kept in the URL)."""
    base = shared.bind("map_base", shared.read_str("base", list(BASE_MAPS)), DEFAULTS["base"])
    lines = shared.bind("map_lines", shared.read_bool("lines"), DEFAULTS["lines"])
    left, right, _ = st.columns([2, 1, 2], vertical_alignment="bottom")
    left.segmented_control(t("base_map", ctx.lang), BASE_MAPS, key=base,
                           format_func=lambda b: t(f"base_{b}", ctx.lang))
    right.toggle(t("show_collaborations", ctx.lang), key=lines)
    # segmented_control can be cleared by clicking the chosen option; fall back.
    values = {"base": st.session_state[base] or DEFAULTS["base"],
              "lines": bool(st.session_state[lines])}
    shared.publish(values, DEFAULTS)
    return values


def main() -> None:
    ctx = shared.page_header("map_title")
    if ctx is None:
        return
    view = controls(ctx)
    graph, _ = shared.graph_and_positions(ctx.key, ctx.dataset)
    cov = shared.coverage(ctx.key, ctx.min_quality, ctx.dataset)
    report = shared.report(ctx.key, ctx.min_quality, ctx.lang, ctx.dataset)
    if not ctx.dataset.neighbourhoods:
        st.info(t("no_polygons", ctx.lang))
    # Say what is not on the map, or not at its own place, and why (counts only).
    placement = map_placement(graph, ctx.dataset.neighbourhoods)
    for note in placement_notes(graph, placement, ctx.lang):
        (st.warning if note.level == "warning" else st.caption)(note.text)
    page = render_map(graph, ctx.dataset.neighbourhoods, share=report["neighbourhoods"],
                      coverage=cov, hide_personal=ctx.hide_names, lang=ctx.lang,
                      presentation=ctx.present, base_map=view["base"],
                      show_collaborations=view["lines"], height="100vh")
    st.iframe(page, height=HEIGHT)
    # Deferred: the page is handed over only on a click, not stored on every rerun.
    st.download_button(t("download_map", ctx.lang), lambda: page, file_name="kaart.html",
                       mime="text/html", icon=":material/download:", on_click="ignore")


main()
