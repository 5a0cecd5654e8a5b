"""What a team lead sees on a shared 1400x1000 screen: no cut-off text, nothing covered.

Found by looking at screenshots (session 5): on the map page the base-map
names and the switch label were cut off ("PDOK BRT Achterg…", "Samenwerkingen
to…") and the map's open layer list covered a neighbourhood and its name; on
the workshop page the join code broke over two lines and the snapshot button
read "Momentop…". Each is measured in Chromium, normal and in presentation mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import MAP_DRAWN, frame_where, open_app
from tests.browser_support import block_external

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
def test_map_controls_are_not_cut_off(server, screen, query):
    open_app(screen, server.page_url("map", query), timeout=90_000)
    screen.locator("[data-testid='stMain'] [data-testid='stButtonGroup']").first.wait_for()
    assert screen.locator("[data-testid='stMain']").evaluate(TRUNCATED) == []


@pytest.mark.parametrize("query", ["", "present=1"])
def test_the_layer_list_covers_no_neighbourhood_name(server, screen, query):
    open_app(screen, server.page_url("map", query), timeout=90_000)
    frame = frame_where(screen, MAP_DRAWN, timeout=30)
    screen.wait_for_timeout(500)
    boxes = frame.evaluate("""() => {
      const box = el => { const r = el.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                text: el.textContent}; };
      return {layers: box(document.querySelector('.leaflet-control-layers')),
              names: Array.from(document.querySelectorAll('.wk-hood-label')).map(box)}; }""")
    assert boxes["names"], "no neighbourhood names drawn"
    covered = [n["text"] for n in boxes["names"] if _overlap(n, boxes["layers"])]
    assert covered == []
