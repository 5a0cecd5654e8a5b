"""Map: neighbourhoods coloured by the share of families with a route, and who is where."""

from __future__ import annotations

import streamlit as st

from mapping.analysis.population import families_by_hood, population_rows, population_sentences
from mapping.ui_text import t
from mapping.views.map_population import message as population_message
from mapping.views.render_map import (
    BASE_MAPS,
    DEFAULT_BASE_MAP,
    map_placement,
    placement_notes,
    render_map,
)
from pages import _shared as shared

# Offline by default: OpenStreetMap or PDOK tiles are fetched only when chosen.
DEFAULTS = {"base": DEFAULT_BASE_MAP, "lines": False, "cbs": False}
HEIGHT = 820
# Presentation mode: the map comes straight below the title, and with this height it and
# its legend (the lower left corner) fit a 1400x1000 shared screen; the controls and the
# notes follow below it (above it, they pushed the legend off the screen).
HEIGHT_PRESENT = 700


def controls(ctx: shared.Context, with_cbs: bool) -> dict:
    """Base map, collaboration-layer and CBS-layer switches (kept in the URL).

    The CBS switch is offered only when the neighbourhoods carry CBS figures.
    """
    base = shared.bind("map_base", shared.read_str("base", list(BASE_MAPS)), DEFAULTS["base"])
    lines = shared.bind("map_lines", shared.read_bool("lines"), DEFAULTS["lines"])
    cbs = shared.bind("map_cbs", shared.read_bool("cbs"), DEFAULTS["cbs"])
    # One row that wraps: fixed columns cut the base-map names and the switch labels
    # off ("PDOK BRT Achterg…") at 1400 px and in presentation mode.
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    row.segmented_control(t("base_map", ctx.lang), BASE_MAPS, key=base,
                          format_func=lambda b: t(f"base_{b}", ctx.lang))
    row.toggle(t("show_collaborations", ctx.lang), key=lines)
    if with_cbs:
        row.toggle(population_message("toggle", ctx.lang), key=cbs)
    # segmented_control can be cleared by clicking the chosen option; fall back.
    values = {"base": st.session_state[base] or DEFAULTS["base"],
              "lines": bool(st.session_state[lines]),
              "cbs": with_cbs and bool(st.session_state[cbs])}
    shared.publish(values, DEFAULTS)
    return values


def main() -> None:
    ctx = shared.page_header("map_title")
    if ctx is None:
        return
    graph = shared.graph(ctx.key, ctx.dataset)
    cov = shared.coverage(ctx.key, ctx.min_quality, ctx.dataset)
    report = shared.report(ctx.key, ctx.min_quality, ctx.lang, ctx.dataset)
    # Families in the known groups beside the CBS households with children, when the
    # neighbourhood polygons carry the CBS key figures.
    population = population_rows(ctx.dataset.neighbourhoods, families_by_hood(report))
    # Made in the order shown, filled in the order the data needs (the map needs the view).
    top = st.container()
    with st.container() if ctx.present else top:
        view = controls(ctx, population is not None)
        if not ctx.dataset.neighbourhoods:
            st.info(t("no_polygons", ctx.lang))
        elif population is None:
            st.caption(population_sentences(None, ctx.lang)[0])
        # Say what is not on the map, or not at its own place, and why (counts only).
        placement = map_placement(graph, ctx.dataset.neighbourhoods)
        for note in placement_notes(graph, placement, ctx.lang):
            (st.warning if note.level == "warning" else st.caption)(note.text)
    page = render_map(graph, ctx.dataset.neighbourhoods, share=report["neighbourhoods"],
                      coverage=cov, hide_personal=ctx.hide_names, lang=ctx.lang,
                      presentation=ctx.present, base_map=view["base"],
                      show_collaborations=view["lines"], height="100vh",
                      population=population, show_population=view["cbs"])
    top.iframe(page, height=HEIGHT_PRESENT if ctx.present else HEIGHT)
    # Deferred: the page is handed over only on a click, not stored on every rerun.
    top.download_button(t("download_map", ctx.lang), lambda: page, file_name="kaart.html",
                        mime="text/html", icon=":material/download:", on_click="ignore")


main()
