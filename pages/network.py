"""Network: who reaches whom, filtered and highlighted, drawn with vis-network.

Every control lives in the URL, so a filtered, highlighted view is a link.
Nothing here recomputes analysis: graph, positions, coverage and measures
come from the cached functions in ``pages/_shared.py``; the filters and the
highlight are applied to the cached graph on each rerun.

A city (more than ``CITY_ABOVE`` visible nodes) opens aggregated: one node per
neighbourhood and side (:mod:`mapping.views.aggregate`); the "open a
neighbourhood" choice, kept in the URL as ``open``, drills into one
neighbourhood's real nodes. The city's positions are computed for what is
drawn (the aggregate, or one neighbourhood), never for the whole city.
"""

from __future__ import annotations

import streamlit as st

from mapping.analysis.graph import group_node, neighbourhood_names, org_node
from mapping.analysis.topics import topic_label
from mapping.ui_text import t
from mapping.views.aggregate import CITY_ABOVE, NO_HOOD, aggregate, city_positions, drill_down
from mapping.views.layout import positions as layout_positions
from mapping.views.lines import LINE_CAP, link_strength, strongest
from mapping.views.palette import COVERAGE_CLASSES, label
from mapping.views.render_city import render_city
from mapping.views.render_network import (
    PHYSICS_LIMIT,
    ego_nodes,
    filter_graph,
    render_network,
    route_highlight,
)
from pages import _shared as shared

SIZES = ("families", "degree", "betweenness")
# Frame heights: the network and its toolbar fit a 1920x1080 screen below the page
# title; in presentation mode the title is larger, so the frame is smaller, and it
# fits a 1400x1000 shared screen too (700 px left its lower part out of sight).
HEIGHT = 780
HEIGHT_PRESENT = 600
DEFAULTS = {"hood": [], "cat": [], "topic": [], "cls": [], "grp": "", "org": "", "steps": 1,
            "size": "families", "phys": False, "open": ""}


def choices(ctx: shared.Context, cov) -> dict[str, list[str]]:
    """The values each filter can take in this dataset."""
    orgs, groups = ctx.dataset.organisations, ctx.dataset.parent_groups
    hoods = {str(h) for h in [*orgs["neighbourhood"], *groups["neighbourhood"]] if h}
    topics = {str(x) for cell in orgs.get("topics", []) for x in (cell or ())}
    return {"hood": sorted(hoods), "cat": sorted({str(c) for c in orgs["category"] if c}),
            "topic": sorted(topics), "cls": list(COVERAGE_CLASSES),
            "grp": ["", *map(str, groups["id"])], "org": ["", *map(str, orgs["id"])],
            "size": list(SIZES), "open": ["", *sorted(hoods), NO_HOOD]}


def hood_names(ctx: shared.Context) -> dict[str, str]:
    """Neighbourhood code -> name from the GeoJSON, for readable filter options."""
    return neighbourhood_names(ctx.dataset)


def bind_controls(options: dict[str, list[str]]) -> None:
    """Seed every control from the URL (or this session's last value)."""
    for key in ("hood", "cat", "topic", "cls"):
        shared.bind(f"net_{key}", shared.read_list(key, options[key]), DEFAULTS[key])
    for key in ("grp", "org", "size", "open"):
        shared.bind(f"net_{key}", shared.read_str(key, options[key]), DEFAULTS[key])
    shared.bind("net_steps", lambda p: int(shared.read_float("steps", 1, 4)(p) or 1)
                if "steps" in p else None, 1)
    shared.bind("net_phys", shared.read_bool("phys"), False)


def controls(ctx: shared.Context, options: dict[str, list[str]], per_row: int = 4) -> dict:
    """Draw the filters in rows of ``per_row`` above the network; returns the chosen values."""
    lang = ctx.lang
    cells = _cells(per_row)
    names = hood_names(ctx)
    org_name = dict(zip(ctx.dataset.organisations["id"].astype(str),
                        ctx.dataset.organisations["name"], strict=True))
    grp_name = dict(zip(ctx.dataset.parent_groups["id"].astype(str),
                        ctx.dataset.parent_groups["name"], strict=True))
    none, choose = t("none", lang), t("choose", lang)
    next(cells).multiselect(t("filter_neighbourhood", lang), options["hood"],
                            key=shared.wkey("net_hood"), placeholder=choose,
                            format_func=lambda h: names.get(h, h))
    next(cells).multiselect(t("filter_category", lang), options["cat"],
                            key=shared.wkey("net_cat"), placeholder=choose,
                            format_func=lambda c: label(c, lang))
    next(cells).multiselect(t("filter_topic", lang), options["topic"],
                            key=shared.wkey("net_topic"), placeholder=choose,
                            format_func=lambda x: topic_label(x, lang))
    next(cells).multiselect(t("filter_class", lang), options["cls"],
                            key=shared.wkey("net_cls"), placeholder=choose,
                            format_func=lambda c: label(c, lang))
    next(cells).selectbox(t("highlight_group", lang), options["grp"], key=shared.wkey("net_grp"),
                          format_func=lambda g: grp_name.get(g, none) if g else none)
    next(cells).selectbox(t("ego_org", lang), options["org"], key=shared.wkey("net_org"),
                          format_func=lambda o: org_name.get(o, none) if o else none)
    next(cells).number_input(t("ego_steps", lang), 1, 4, key=shared.wkey("net_steps"),
                             disabled=not shared.view("net_org"))
    next(cells).selectbox(t("size_by", lang), options["size"], key=shared.wkey("net_size"),
                          format_func=lambda s: t(f"size_{s}", lang))
    # Above the limit the renderer keeps physics off (the positions from Python show at
    # once); say so instead of offering a switch that does nothing.
    large = len(ctx.dataset.organisations) + len(ctx.dataset.parent_groups) > PHYSICS_LIMIT
    next(cells).toggle(t("physics", lang), key=shared.wkey("net_phys"), disabled=large,
                       help=t("physics_large", lang, n=PHYSICS_LIMIT) if large else None)
    values = {k: shared.view(f"net_{k}") for k in DEFAULTS}
    shared.publish(values, DEFAULTS)
    return values


def is_city(ctx: shared.Context) -> bool:
    """Whether the dataset is city-size: the network page then starts aggregated."""
    return len(ctx.dataset.organisations) + len(ctx.dataset.parent_groups) > CITY_ABOVE


def open_control(ctx: shared.Context, options: dict[str, list[str]],
                 label_visibility: str = "visible") -> None:
    """The drill-down choice above a city's network: the whole city or one neighbourhood."""
    lang, names = ctx.lang, hood_names(ctx)

    def name(h: str) -> str:
        if not h:
            return t("city_whole", lang)
        return t("city_no_hood", lang) if h == NO_HOOD else names.get(h, h)

    st.selectbox(t("city_open", lang), options["open"], key=shared.wkey("net_open"),
                 format_func=name, label_visibility=label_visibility)


def _cells(per_row: int):
    """Column after column, row after row: where the next filter goes."""
    while True:
        yield from st.columns(per_row, gap="small")


def highlight_for(view: dict, graph, cov):
    """Routes of the chosen group, else the ego network of the chosen organisation."""
    if view["grp"]:
        gc = cov.groups.get(view["grp"])
        return route_highlight(graph, group_node(view["grp"]), gc.paths if gc else None)
    if view["org"]:
        return ego_nodes(graph, org_node(view["org"]), int(view["steps"]))
    return None


def size_values(ctx: shared.Context, view: dict) -> dict | None:
    """Node sizes for a chosen measure; ``None`` means the renderer's families default."""
    if view["size"] == "families":
        return None
    return shared.measures(ctx.key, ctx.min_quality, ctx.dataset)[view["size"]]["values"]


def view_html(ctx: shared.Context, view: dict) -> tuple[str, int, int, int]:
    """The network page HTML for the current view, plus shown/total node counts.

    Cached per dataset and view: the next visitor, or a return to an earlier
    filter, gets the page without filtering and rendering again (a third of a
    second for 2,000 nodes).
    """
    key = (ctx.key, ctx.dataset.name, ctx.min_quality, ctx.hide_names, ctx.lang, ctx.present,
           tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(view.items())))
    graph, positions = shared.graph_and_positions(ctx.key, ctx.dataset)
    cov = shared.coverage(ctx.key, ctx.min_quality, ctx.dataset)
    sizes = size_values(ctx, view)
    return _view_html(key, ctx, view, graph, positions, cov, sizes)


def city_html(ctx: shared.Context, view: dict) -> tuple[str, int, int, int, bool]:
    """The network page HTML for a city-size dataset, plus counts and whether it is aggregated.

    Cached per dataset content and view like :func:`view_html`; the full
    city is never laid out (its graph is cached without positions).
    """
    key = (ctx.key, ctx.dataset.name, ctx.min_quality, ctx.hide_names, ctx.lang, ctx.present,
           tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(view.items())))
    cov = shared.coverage(ctx.key, ctx.min_quality, ctx.dataset)
    drilled = bool(view["open"] or view["grp"] or view["org"])
    sizes = size_values(ctx, view) if drilled else None
    return _city_html(key, ctx, view, _city_graph(ctx.key, ctx.dataset), cov, sizes)


@st.cache_resource(show_spinner=False, max_entries=4)
def _city_graph(key: str, _dataset) -> object:
    """The city's graph without positions (laying out a whole city is what we avoid)."""
    from mapping.analysis.graph import build_graph

    shared.CALLS["graph"] += 1
    return build_graph(_dataset)


@st.cache_resource(show_spinner=False, max_entries=16)
def _city_html(key: tuple, _ctx: shared.Context, _view: dict, _graph, _cov,
               _sizes: dict | None) -> tuple[str, int, int, int, bool]:
    ctx, view, graph, cov = _ctx, _view, _graph, _cov
    shown = graph
    if any(view[k] for k in ("hood", "cat", "topic", "cls")) or ctx.min_quality is not None:
        shown = filter_graph(graph, view["hood"], view["cat"], view["topic"], view["cls"],
                             min_quality=ctx.min_quality, coverage=cov)
    if view["open"]:
        shown = drill_down(shown, view["open"])
    highlight = highlight_for(view, shown, cov)
    if highlight is not None and not view["open"]:
        # An ego network or a group's routes in a city: draw only those nodes.
        shown = shown.subgraph([n for n in shown if n in highlight.nodes]).copy()
    total = graph.number_of_nodes()
    if shown.number_of_nodes() > CITY_ABOVE:
        shape = (ctx.key, ctx.min_quality, tuple((k, tuple(v) if isinstance(v, list) else v)
                                                 for k, v in sorted(view.items())
                                                 if k not in ("size", "phys")))
        city, places = _city_aggregate(shape, shown, cov, hood_names(ctx))
        page = render_city(city, places, total=shown.number_of_nodes(),
                           lang=ctx.lang, presentation=ctx.present, height="100vh",
                           title=ctx.dataset.name)
        return page, city.number_of_nodes(), city.number_of_edges(), total, True
    # Up to CITY_ABOVE real nodes may still hold many more lines: the strongest are
    # drawn, as in the aggregate (the highlighted routes always among them).
    lines = strongest(shown, LINE_CAP, link_strength(), keep=highlight.edges if highlight else ())
    page = render_network(
        shown, layout_positions(shown), coverage=cov, size_by=_sizes,
        size_label=t(f"size_{view['size']}", ctx.lang), highlight=highlight, lines=lines,
        physics=bool(view["phys"]), hide_personal=ctx.hide_names, lang=ctx.lang,
        presentation=ctx.present, height="100vh", title=ctx.dataset.name)
    return page, shown.number_of_nodes(), shown.number_of_edges(), total, False


@st.cache_resource(show_spinner=False, max_entries=8)
def _city_aggregate(key: tuple, _shown, _cov, _names: dict) -> tuple[object, dict]:
    """The aggregate of what a city view shows and its positions, by content and filters.

    Shared by the views that differ only in how they are drawn (language,
    presentation, node size), so those redo neither the aggregation nor the layout.
    """
    city = aggregate(_shown, _cov, _names)
    return city, city_positions(city)


@st.cache_resource(show_spinner=False, max_entries=16)
def _view_html(key: tuple, _ctx: shared.Context, _view: dict, _graph, _positions: dict, _cov,
               _sizes: dict | None) -> tuple[str, int, int, int]:
    ctx, view, graph, positions, cov = _ctx, _view, _graph, _positions, _cov
    shown = filter_graph(graph, view["hood"], view["cat"], view["topic"], view["cls"],
                         min_quality=ctx.min_quality, coverage=cov)
    page = render_network(
        shown, positions, coverage=cov, size_by=_sizes,
        size_label=t(f"size_{view['size']}", ctx.lang), highlight=highlight_for(view, shown, cov),
        physics=bool(view["phys"]), hide_personal=ctx.hide_names, lang=ctx.lang,
        presentation=ctx.present, height="100vh", title=ctx.dataset.name)
    return page, shown.number_of_nodes(), shown.number_of_edges(), graph.number_of_nodes()


def main() -> None:
    ctx = shared.page_header("network_title")
    if ctx is None:
        return
    cov = shared.coverage(ctx.key, ctx.min_quality, ctx.dataset)
    options = choices(ctx, cov)
    bind_controls(options)
    # The network gets the full width: the filters sit above it, folded unless one is
    # in use (and always folded on the shared screen), so the network fits the screen.
    active = any(shared.view(f"net_{k}") != v for k, v in DEFAULTS.items()
                 if k not in ("size", "open"))
    city = is_city(ctx)
    # On the shared screen a city's neighbourhood choice sits beside the (folded)
    # filters, so the network keeps the height of the screen.
    beside = city and ctx.present
    top = st.columns(2, vertical_alignment="center") if beside else (st.container(),)
    controls_area = top[0].expander(t("filters", ctx.lang), expanded=active and not ctx.present)
    if beside:
        with top[1]:
            open_control(ctx, options, label_visibility="collapsed")
    network_area = st.container()
    with controls_area:
        view = controls(ctx, options)
    if city:
        page, n, m, total, aggregated = city_html(ctx, view)
    else:
        page, n, m, total = view_html(ctx, view)
        aggregated = False
    with network_area:
        if city and not beside:
            open_control(ctx, options)
        st.iframe(page, height=HEIGHT_PRESENT if ctx.present else HEIGHT)
        st.caption(t("city_counts" if aggregated else "network_counts", ctx.lang,
                     n=n, m=m, total=total))
    with controls_area:
        # Deferred: the page is handed over only on a click, not stored on every rerun.
        st.download_button(t("download_html", ctx.lang), lambda: page, file_name="netwerk.html",
                           mime="text/html", icon=":material/download:", on_click="ignore")

main()
