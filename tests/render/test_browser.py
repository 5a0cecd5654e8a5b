"""Real-browser checks in headless Chromium with every non-local request aborted."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapping.analysis.graph import build_graph
from mapping.views.layout import positions
from mapping.views.render_map import render_map
from mapping.views.render_network import filter_graph, render_network
from tests.browser_support import hover_node, offline_page
from tests.render.conftest import IMG, SCRIPT, TEMPLATE, make_dataset

pytestmark = pytest.mark.browser


def _open(page, tmp_path: Path, text: str, name: str) -> None:
    # A file:// URL (not set_content) so the page behaves as the downloaded file does.
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    page.goto(target.as_uri())


def _assert_nothing_ran(page, dialogs) -> None:
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None


def test_network_draws_filtered_graph_offline(browser, tmp_path, coverage):
    graph = build_graph(make_dataset())
    sub = filter_graph(graph, neighbourhoods=["BU01"])
    html_text = render_network(sub, positions(graph), coverage=coverage)
    blocked: list[str] = []
    dialogs: list[str] = []
    with offline_page(browser, blocked, dialogs) as page:
        _open(page, tmp_path, html_text, "network.html")
        page.wait_for_selector("#network[data-drawn='1']", timeout=20000)
        assert page.evaluate("window.wijknetwerk.nodeCount") == sub.number_of_nodes()
        assert page.evaluate("window.wijknetwerk.edgeCount") == sub.number_of_edges()
        assert page.get_attribute("#network", "data-node-count") == str(sub.number_of_nodes())
        assert page.locator("#network canvas").count() == 1
        _assert_nothing_ran(page, dialogs)
    assert blocked == []


def test_network_tooltip_shows_markup_as_text(browser, tmp_path, coverage):
    graph = build_graph(make_dataset())
    html_text = render_network(graph, positions(graph), coverage=coverage)
    dialogs: list[str] = []
    with offline_page(browser, None, dialogs) as page:
        _open(page, tmp_path, html_text, "network.html")
        page.wait_for_selector("#network[data-drawn='1']", timeout=20000)
        for node, expected in (("o:3", SCRIPT), ("o:4", IMG), ("g:3", TEMPLATE)):
            tooltip = hover_node(page, node)
            assert expected in tooltip.inner_text()
            assert tooltip.locator("img, script").count() == 0
        _assert_nothing_ran(page, dialogs)


def test_map_draws_polygons_and_markers_offline(browser, tmp_path, coverage):
    dataset = make_dataset()
    graph = build_graph(dataset)
    html_text = render_map(graph, dataset.neighbourhoods, share={"BU01": 0.8, "BU02": 0.3},
                           coverage=coverage)
    blocked: list[str] = []
    dialogs: list[str] = []
    with offline_page(browser, blocked, dialogs) as page:
        _open(page, tmp_path, html_text, "map.html")
        page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached",
                               timeout=20000)
        counts = page.evaluate("({p: wijkkaart.polygons, m: wijkkaart.markers,"
                               " g: wijkkaart.groups, l: wijkkaart.lines})")
        assert counts == {"p": 2, "m": 6, "g": 4, "l": 0}  # collaborations start switched off
        paths = page.locator(".leaflet-overlay-pane path").count()
        assert paths == 2 + 6 + 4
        # Open every popup and tooltip: markup in names shows as text, nothing runs.
        texts = page.evaluate(
            """() => { const out = [];
                wijkkaart.map.eachLayer(l => {
                  if (l.getPopup && l.getPopup()) { l.openPopup();
                    out.push(document.querySelector('.leaflet-popup-content').innerText); }
                  if (l.getTooltip && l.getTooltip()) { l.openTooltip();
                    const t = document.querySelectorAll('.leaflet-tooltip');
                    out.push(t[t.length - 1].innerText); }
                });
                return out; }""")
        joined = "\n".join(texts)
        for expected in (SCRIPT, IMG, TEMPLATE):
            assert expected in joined
        assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0
        assert page.evaluate("wijkkaart.labels") == 2  # neighbourhood names on the map
        _assert_nothing_ran(page, dialogs)
    # The default background is none: nothing was asked of another host.
    assert blocked == []


def test_map_asks_for_tiles_only_when_a_base_map_is_chosen(browser, tmp_path):
    dataset = make_dataset()
    graph = build_graph(dataset)
    blocked: list[str] = []
    with offline_page(browser, blocked) as page:
        _open(page, tmp_path, render_map(graph, dataset.neighbourhoods, base_map="osm"),
              "map.html")
        page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached",
                               timeout=20000)
        page.wait_for_timeout(300)
        assert page.get_attribute("#wijkkaart-status", "data-polygons") == "2"
    # Tile requests were attempted and aborted; the map drew anyway.
    assert blocked and all("tile.openstreetmap.org" in url for url in blocked)


def test_network_with_physics_and_presentation_draws(browser, tmp_path, coverage):
    graph = build_graph(make_dataset())
    html_text = render_network(graph, positions(graph), coverage=coverage, physics=True,
                               presentation=True, lang="en")
    dialogs: list[str] = []
    with offline_page(browser, None, dialogs) as page:
        _open(page, tmp_path, html_text, "network.html")
        page.wait_for_selector("#network[data-drawn='1']", timeout=20000)
        assert page.evaluate("window.wijknetwerk.nodeCount") == graph.number_of_nodes()
        assert page.locator("#legend").inner_text().startswith("Legend")
        _assert_nothing_ran(page, dialogs)


def test_map_without_base_map_makes_no_request(browser, tmp_path):
    dataset = make_dataset()
    graph = build_graph(dataset)
    html_text = render_map(graph, dataset.neighbourhoods, base_map="none",
                           show_collaborations=True, lang="en")
    blocked: list[str] = []
    with offline_page(browser, blocked) as page:
        _open(page, tmp_path, html_text, "map.html")
        page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached",
                               timeout=20000)
        assert page.evaluate("wijkkaart.lines") == 4  # every collaboration has two located ends
        assert page.get_attribute("#wijkkaart-status", "data-polygons") == "2"
        page.wait_for_timeout(300)
    assert blocked == []


# --------------------------------------------------------------------------- a network for the room

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _demo_page(presentation: bool = False, **options) -> str:
    """The demo district's network as the network page renders it by default."""
    from mapping.analysis.report import analyse
    from mapping.io.load import load_path

    dataset = load_path(DEMO, "nl").dataset
    graph = build_graph(dataset)
    return render_network(graph, positions(graph), coverage=analyse(dataset),
                          presentation=presentation, **options)


def _open_sized(browser, tmp_path: Path, text: str, width: int, height: int):
    from tests.browser_support import block_external

    context = browser.new_context(viewport={"width": width, "height": height},
                                  accept_downloads=True)
    block_external(context)
    page = context.new_page()
    _open(page, tmp_path, text, "network.html")
    page.wait_for_selector("#network[data-drawn='1']", timeout=20000)
    page.wait_for_timeout(300)  # a resize observed after the first frame refits once
    return context, page


# The dashboard's frame (1920x1080 screen, sidebar open) and a projector's full screen.
FRAMES = [pytest.param(False, 1600, 800, id="standard"),
          pytest.param(True, 1920, 1080, id="presentation")]


@pytest.mark.parametrize(("presentation", "width", "height"), FRAMES)
def test_demo_labels_do_not_overlap_or_leave_the_frame(browser, tmp_path, presentation, width,
                                                        height):
    context, page = _open_sized(browser, tmp_path, _demo_page(presentation), width, height)
    try:
        boxes = page.evaluate("window.wijknetwerk.labelBoxes()")
        assert len(boxes) >= 10  # names are shown, only not on top of each other
        assert len(boxes) == page.evaluate("window.wijknetwerk.labelsShown")
        assert page.evaluate("window.wijknetwerk.overlappingLabels()") == []
        frame = page.evaluate("window.wijknetwerk.frame()")
        outside = [b for b in boxes if b["l"] < 0 or b["t"] < 0
                   or b["r"] > frame["width"] or b["b"] > frame["height"]]
        assert outside == []
        # Shown labels keep their on-screen size; presentation mode draws them larger.
        heights = {round(b["b"] - b["t"]) for b in boxes}
        px = 19 if presentation else 13
        assert heights <= {px, 2 * px}
        # Wide frame: the legend is a column beside the drawing, not over it.
        legend = page.locator("#legend").bounding_box()
        drawing = page.locator("#network").bounding_box()
        assert legend["x"] >= drawing["x"] + drawing["width"] - 1
        assert drawing["width"] >= 0.75 * width
    finally:
        context.close()


def test_zooming_in_shows_more_labels_still_without_overlap(browser, tmp_path):
    context, page = _open_sized(browser, tmp_path, _demo_page(), 1600, 800)
    try:
        before = page.evaluate("window.wijknetwerk.labelsShown")
        page.evaluate("""() => { const n = window.wijknetwerk.network;
                                 n.moveTo({scale: n.getScale() * 2.5, animation: false});
                                 window.wijknetwerk.placeLabels(); }""")
        page.wait_for_timeout(200)
        assert page.evaluate("window.wijknetwerk.labelsShown") > before * 0.6
        assert page.evaluate("window.wijknetwerk.overlappingLabels()") == []
    finally:
        context.close()


def test_legend_folds_over_a_narrow_frame_and_in_the_workshop(browser, tmp_path):
    context, page = _open_sized(browser, tmp_path, _demo_page(), 800, 600)
    try:
        assert page.get_attribute("#wrap", "class") == "overlay"
        assert page.get_attribute("#legend", "open") is None
        assert page.evaluate("window.wijknetwerk.overlappingLabels()") == []
    finally:
        context.close()
    context, page = _open_sized(browser, tmp_path, _demo_page(True, legend_folded=True),
                                1920, 1080)
    try:
        assert page.get_attribute("#wrap", "class") == "overlay"
        assert page.get_attribute("#legend", "open") is None
        # The folded box covers no label.
        box = page.locator("#legend").bounding_box()
        assert box["width"] < 300 and box["height"] < 80
    finally:
        context.close()


def test_search_finds_and_focuses_a_node_ignoring_case_and_accents(browser, tmp_path, coverage):
    graph = build_graph(make_dataset(evil=False))
    graph.nodes["o:2"]["name"] = "Café Hoofdstraat"
    context, page = _open_sized(browser, tmp_path,
                                render_network(graph, positions(graph), coverage=coverage),
                                1600, 800)
    try:
        search = page.locator("#wk-search")
        search.fill("CAFE hoofd")
        hits = page.locator("#wk-hits li")
        assert hits.count() == 1 and hits.first.inner_text() == "Café Hoofdstraat"
        search.press("Enter")
        assert page.evaluate("window.wijknetwerk.focused") == "o:2"
        assert page.evaluate("window.wijknetwerk.network.getSelectedNodes()") == ["o:2"]
        # Focused: in the middle of the frame, its label drawn.
        centre = page.evaluate("""() => { const n = window.wijknetwerk.network;
            return n.canvasToDOM(n.getPositions(['o:2'])['o:2']); }""")
        frame = page.evaluate("window.wijknetwerk.frame()")
        assert abs(centre["x"] - frame["width"] / 2) < 2
        assert abs(centre["y"] - frame["height"] / 2) < 2
        assert "o:2" in [b["id"] for b in page.evaluate("window.wijknetwerk.labelBoxes()")]
        # A parent group is found too; nothing found says so.
        search.fill("syrische")
        search.press("Enter")
        assert page.evaluate("window.wijknetwerk.focused") == "g:3"
        search.fill("bestaat niet")
        assert page.locator("#wk-found").inner_text() == "Niets gevonden"
    finally:
        context.close()


def test_picture_downloads_and_full_screen_button(browser, tmp_path, coverage):
    graph = build_graph(make_dataset())
    context, page = _open_sized(browser, tmp_path,
                                render_network(graph, positions(graph), coverage=coverage),
                                1600, 800)
    try:
        assert page.locator("#wk-fullscreen").is_visible()
        with page.expect_download() as download:
            page.locator("#wk-png").click()
        png = Path(download.value.path()).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
        with page.expect_download() as download:
            page.locator("#wk-svg").click()
        svg = Path(download.value.path()).read_text(encoding="utf-8")
        assert svg.startswith("<svg") and svg.count("<line") == graph.number_of_edges()
        # Names in the picture are text: markup in a name is escaped, never an element.
        assert "<script" not in svg and "<img" not in svg
        assert download.value.suggested_filename == "netwerk.svg"
        _assert_nothing_ran(page, [])
    finally:
        context.close()


def test_search_hits_show_markup_in_names_as_text(browser, tmp_path, coverage):
    graph = build_graph(make_dataset())
    dialogs: list[str] = []
    with offline_page(browser, None, dialogs) as page:
        _open(page, tmp_path, render_network(graph, positions(graph), coverage=coverage),
              "network.html")
        page.wait_for_selector("#network[data-drawn='1']", timeout=20000)
        page.locator("#wk-search").fill("<")
        texts = page.locator("#wk-hits li").all_inner_texts()
        assert SCRIPT in texts and IMG in texts
        assert page.locator("#wk-hits img, #wk-hits script").count() == 0
        page.locator("#wk-hits li", has_text=IMG).first.click()
        assert page.evaluate("window.wijknetwerk.focused") in {"o:4", "g:4"}
        _assert_nothing_ran(page, dialogs)
