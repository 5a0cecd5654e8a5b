"""The Collaboration page's heatmaps: the row title never covers the row names.

Measured in Chromium against ``streamlit run``: Streamlit draws Vega-Lite charts
as SVG, so every axis title and label is a ``<text>`` element whose screen
bounding box can be compared (a canvas renderer would leave no boxes, and the
test fails rather than passes). Before the fix the rotated title "Samenwerking"
sat on top of the link names (Vega-Lite's automatic offset misjudged their width).
"""

from __future__ import annotations

import pytest

from mapping.ui_text import t
from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser

# Per chart: the axis titles and labels as screen boxes {text, left, right, top, bottom}.
_BOXES = """() => Array.from(document.querySelectorAll('.vega-embed svg')).map(svg => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const chart = svg.getBoundingClientRect();
  return {
    chart: {left: chart.left, right: chart.right, top: chart.top, bottom: chart.bottom},
    titles: Array.from(svg.querySelectorAll('g.role-axis-title text')).map(box),
    labels: Array.from(svg.querySelectorAll('g.role-axis-label text')).map(box),
  }; })"""


def _overlap(a: dict, b: dict) -> bool:
    """Whether two screen boxes share more than a pixel in both directions."""
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1)


def _heatmaps(page) -> list[dict]:
    page.wait_for_selector(".vega-embed svg g.role-axis-title text", timeout=30_000)
    # The two heatmaps come first; both must have drawn their labels.
    page.wait_for_function(
        "() => document.querySelectorAll('.vega-embed svg').length >= 2 && Array.from("
        "document.querySelectorAll('.vega-embed svg')).slice(0, 2).every("
        "s => s.querySelectorAll('g.role-axis-label text').length > 4)", timeout=30_000)
    page.wait_for_timeout(500)  # Vega lays the axes out once more after the fonts load
    return page.evaluate(_BOXES)[:2]


@pytest.mark.parametrize("query", ["lang=nl", "lang=en", "lang=nl&present=1"])
def test_row_title_does_not_cover_the_row_names(server, page, query):
    lang = "en" if "lang=en" in query else "nl"
    open_app(page, server.page_url("collaboration", query))
    charts = _heatmaps(page)
    for chart, key in zip(charts, ("col_link", "col_org"), strict=True):
        titles = [b for b in chart["titles"] if b["text"] == t(key, lang)]
        assert len(titles) == 1, [b["text"] for b in chart["titles"]]
        title = titles[0]
        assert title["right"] > title["left"] and title["bottom"] > title["top"]
        # Every label (the row names and the condition names on top) stays clear of it.
        assert len(chart["labels"]) > 4
        covered = [b["text"] for b in chart["labels"] if _overlap(title, b)]
        assert covered == []
        # And the title is drawn inside the chart, not clipped off its edge.
        box = chart["chart"]
        assert box["left"] - 1 <= title["left"] and title["right"] <= box["right"] + 1
        assert box["top"] - 1 <= title["top"] and title["bottom"] <= box["bottom"] + 1
