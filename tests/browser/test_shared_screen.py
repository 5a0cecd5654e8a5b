"""What a team lead sees on a shared 1400x1000 screen: no cut-off text, nothing covered.

Found by looking at screenshots (session 5): on the map page the base-map
names and the switch label were cut off ("PDOK BRT Achterg…", "Samenwerkingen
to…") and the map's open layer list covered a neighbourhood and its name; on
the workshop page the join code broke over two lines and the snapshot button
read "Momentop…". Each is measured in Chromium, normal and in presentation mode.
Session 6: the Collaboration tables scrolled sideways, the join address scrolled in its
box, the presented map's legend was off screen and the workshop's largest node met the
frame's top edge.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import MAP_DRAWN, NETWORK_DRAWN, frame_where, open_app
from tests.browser_support import block_external
from tests.workshop.test_browser import workshop_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

SCREEN = {"width": 1400, "height": 1000}

# Texts under ``root`` that the browser cuts off: a text whose box sticks out of an
# ancestor that clips (overflow not visible), or whose clipping ancestor overflows
# sideways (an ellipsis, a scrolled-away end).
TRUNCATED = """root => {
  const out = [];
  for (const el of root.querySelectorAll('*')) {
    if (el.children.length || !el.textContent.trim()) { continue; }
    const r = el.getBoundingClientRect();
    if (!r.width) { continue; }
    for (let a = el; a && a !== root.parentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible' && style.textOverflow !== 'ellipsis') { continue; }
      const b = a.getBoundingClientRect();
      if (a.scrollWidth > a.clientWidth + 1 || r.right > b.right + 1 || r.left < b.left - 1) {
        out.push(el.textContent.trim());
        break;
      }
    }
  }
  return out; }"""


@pytest.fixture
def screen(browser) -> Iterator[Any]:
    context = browser.new_context(viewport=SCREEN)
    block_external(context)
    try:
        yield context.new_page()
    finally:
        context.close()


def _overlap(a: dict, b: dict) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1)


@pytest.mark.parametrize("query", ["", "present=1", "lang=en"])
def test_the_map_keeps_its_controls_names_and_legend_in_sight(server, screen, query):
    """The map page on 1400x1000, normal, presented and in English, one visit each.

    * No control above the map cuts off its text.
    * The open layer list covers no neighbourhood name.
    * Presented: the map, with its legend in the lower corner, is in sight as the
      page opens (below the controls and notes, the legend was off screen).
    """
    open_app(screen, server.page_url("map", query), timeout=90_000)
    screen.locator("[data-testid='stMain'] [data-testid='stButtonGroup']").first.wait_for()
    assert screen.locator("[data-testid='stMain']").evaluate(TRUNCATED) == []
    frame = frame_where(screen, MAP_DRAWN, timeout=30)
    screen.wait_for_timeout(500)
    boxes = frame.evaluate("""() => {
      const box = el => { const r = el.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                text: el.textContent}; };
      return {layers: box(document.querySelector('.leaflet-control-layers')),
              names: Array.from(document.querySelectorAll('.wk-hood-label')).map(box),
              legend: box(document.getElementById('legend'))}; }""")
    assert boxes["names"], "no neighbourhood names drawn"
    covered = [n["text"] for n in boxes["names"] if _overlap(n, boxes["layers"])]
    assert covered == []
    if "present=1" in query:
        outer = screen.locator("[data-testid='stMain'] iframe").first.bounding_box()
        legend = boxes["legend"]
        assert outer["y"] + legend["top"] >= 0
        assert outer["y"] + legend["bottom"] <= SCREEN["height"]


# --------------------------------------------------------------------------- collaboration

_ROW_LABELS = """() => { const svg = document.querySelector('.vega-embed svg');
  const axes = svg ? Array.from(svg.querySelectorAll('g.role-axis')) : [];
  // The row axis is the one whose labels are right-aligned beside the cells.
  return axes.map(a => Array.from(a.querySelectorAll('g.role-axis-label text'))
                      .map(t => t.textContent)); }"""


# How far a Streamlit grid scrolls sideways (its columns wider than the grid), per grid.
_GRID_OVERFLOW = """grid => { const s = grid.querySelector('.dvn-scroller');
  return s ? Math.max(0, s.scrollWidth - s.clientWidth) : -1; }"""


def _collaboration(screen: Any, server: Any, query: str) -> tuple[int, list[int]]:
    """The Collaboration page: its ⚠ marks on the links heatmap, and each table's overflow."""
    open_app(screen, server.page_url("collaboration", query), timeout=90_000)
    # The first heatmap (links) with all its rows: 25 by default, and the 4 conditions.
    screen.wait_for_function(
        "() => { const svg = document.querySelector('.vega-embed svg');"
        " return svg && svg.querySelectorAll('g.role-axis-label text').length >= 29; }",
        timeout=60_000)
    grids = screen.locator("[data-testid='stMain'] [data-testid='stDataFrame']")
    grids.nth(1).locator(".dvn-scroller").wait_for(timeout=30_000)
    screen.wait_for_timeout(1500)  # Vega lays the axes out once more after the fonts load
    flags = sum(label.count("\u26a0") for axis in screen.evaluate(_ROW_LABELS)
                for label in axis)
    return flags, [grids.nth(i).evaluate(_GRID_OVERFLOW) for i in range(grids.count())]


def test_collaboration_keeps_its_marks_and_columns_in_sight(server, screen):
    """Normal and presented: the few-raters ⚠ and every table column stay in view.

    In presentation mode long link names are cut off; their ⚠ must not go with
    them. Both tables (links, formal–informal exchange) show every column without
    scrolling sideways.
    """
    normal, overflow = _collaboration(screen, server, "")
    assert normal > 0
    assert overflow == [0, 0]
    assert _collaboration(screen, server, "present=1") == (normal, [0, 0])


# --------------------------------------------------------------------------- workshop


def test_join_code_on_one_line_no_button_cut_off(workshop_server, screen):  # noqa: F811
    server = workshop_server[0]  # dataset "wijk" with an open join code
    open_app(screen, server.page_url("workshop", "ds=wijk"), timeout=90_000)
    heading = screen.locator("[data-testid='stMain'] h3", has_text="Code:").first
    heading.wait_for(timeout=30_000)
    # Line boxes of the heading's text (the small anchor icon Streamlit adds is left out).
    lines = heading.evaluate("""h => { const r = document.createRange(); r.selectNodeContents(h);
      const boxes = Array.from(r.getClientRects()).filter(b => b.width > 1);
      const tall = Math.max(...boxes.map(b => b.height));
      return new Set(boxes.filter(b => b.height > 0.6 * tall).map(b => Math.round(b.top))).size;
    }""")
    assert lines == 1, heading.inner_text()
    snapshot = screen.locator(".st-key-ws_snapshot").first
    assert snapshot.evaluate(TRUNCATED) == []
    _join_address_is_whole(screen)  # it scrolled, hiding the code's end


def _join_address_is_whole(screen: Any) -> None:
    """The address participants type: all of it in sight, no scrolling inside its box."""
    box = screen.locator("[data-testid='stMain'] [data-testid='stCode']",
                         has_text="join?code=").first
    box.wait_for(timeout=30_000)
    assert box.evaluate(TRUNCATED) == []


def test_the_presented_join_address_is_shown_whole(workshop_server, screen):  # noqa: F811
    """Presentation mode (its larger type); the everyday page: the test above."""
    open_app(screen, workshop_server[0].page_url("workshop", "ds=wijk&present=1"),
             timeout=90_000)
    _join_address_is_whole(screen)


# --------------------------------------------------------------------------- network toolbar

_LINES = """el => { const r = document.createRange(); r.selectNodeContents(el);
  return new Set(Array.from(r.getClientRects()).filter(b => b.width > 1)
                 .map(b => Math.round(b.top))).size; }"""


@pytest.mark.parametrize("presentation", [False, True])
def test_toolbar_buttons_keep_their_text_on_one_line_in_a_narrow_frame(browser, presentation):
    """The workshop's live network is a 480 px frame on a 1400 px screen."""
    from mapping.analysis.graph import build_graph
    from mapping.views.layout import positions
    from mapping.views.render_network import render_network
    from tests.browser.conftest import served_dataset

    graph = build_graph(served_dataset())
    html = render_network(graph, positions(graph), presentation=presentation, lang="nl",
                          height="600px")
    context = browser.new_context(viewport={"width": 480, "height": 700})
    block_external(context)
    try:
        page = context.new_page()
        page.set_content(html)
        for button in ("#wk-png", "#wk-svg", "#wk-fullscreen"):
            assert page.locator(button).evaluate(_LINES) == 1, button
        search = page.locator("#wk-search").bounding_box()
        assert search["width"] > 60  # still there to type in
    finally:
        context.close()


# Drawn (non-transparent) canvas pixels in a band of ``m`` CSS px along each edge.
_EDGE_INK = """m => { const c = document.querySelector('#network canvas');
  const g = c.getContext('2d'), k = c.width / c.clientWidth, w = c.width, h = c.height;
  const ink = (x, y, bw, bh) => { const d = g.getImageData(x, y, bw, bh).data; let n = 0;
    for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } } return n; };
  const b = Math.round(m * k);
  return {top: ink(0, 0, w, b), bottom: ink(0, h - b, w, b), left: ink(0, 0, b, h),
          right: ink(w - b, 0, b, h)}; }"""


def test_the_presented_live_network_keeps_a_margin(browser, tmp_path):
    """The workshop's live network on the shared screen: no node touches the frame's edge
    (the largest group's apex met the top edge: its radius was guessed from a smaller scale)."""
    from mapping.store.repository import open_store
    from mapping.workshop.live import create_dataset, live_network

    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        create_dataset(store, "wijk", "empty")
        store.add_organisation("wijk", {"id": "W1", "name": "Wijkteam Zuid", "kind": "formal"})
        store.add_organisation("wijk", {"id": "W2", "name": "Moskee", "kind": "informal"})
        store.add_group("wijk", {"id": "G1", "name": "Somalische moeders", "families": 30})
        store.add_group("wijk", {"id": "G2", "name": "Poolse vaders", "families": 12})
        store.add_reach("wijk", {"organisation": "W1", "group": "G1"})
        number, data = store.latest("wijk")
    html = live_network(data, number, presentation=True, height="100vh").html
    context = browser.new_context(viewport={"width": 1360, "height": 800})
    block_external(context)
    try:
        page = context.new_page()
        page.set_content(html)
        page.wait_for_function(NETWORK_DRAWN)
        assert page.evaluate(_EDGE_INK, 12) == {"top": 0, "bottom": 0, "left": 0, "right": 0}
    finally:
        context.close()


def test_the_presented_network_fits_the_shared_screen(server, screen):
    """Presentation mode on 1400x1000: the whole network frame is in sight, no scrolling."""
    open_app(screen, server.page_url("network", "present=1"), timeout=90_000)
    frame = screen.locator("[data-testid='stMain'] iframe").first
    frame.wait_for()
    box = frame.bounding_box()
    assert box["height"] > 500
    assert box["y"] + box["height"] <= SCREEN["height"], box
