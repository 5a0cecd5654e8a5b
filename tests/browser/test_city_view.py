"""A city above the threshold on the real network page in Chromium, small enough for CI.

The 4x city runs in ``tests/render/test_city_view_browser.py`` (minutes on a busy
machine) and its draw times in ``bench/bench_render.py --city 4``; this one is a city
just above :data:`mapping.views.aggregate.CITY_ABOVE` (2,050 organisations and
groups), so the same path (aggregate, strongest lines, tooltips worded in the page,
drill-down chosen in the page's own control) runs in well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mapping.analysis.graph import build_graph, neighbourhood_names
from mapping.analysis.report import analyse
from mapping.i18n import format_number
from mapping.io import demo
from mapping.ui_text import t
from mapping.views.aggregate import (
    CITY_ABOVE,
    aggregate,
    aggregate_node,
    drill_down,
    hoods,
    strongest_lines,
)
from tests.browser.conftest import (
    NETWORK_DRAWN,
    frame_where,
    open_app,
    served_dataset,
    streamlit_server,
    wait_idle,
    write_folder,
)
from tests.browser_support import Server

pytestmark = pytest.mark.browser

SMALL_CITY = {"organisations": 1600, "groups": 450, "seed": 4}
"""Just above the city threshold: 2,050 organisations and groups."""

RUN = 120_000
"""Milliseconds the first page run may take on a machine shared by many jobs."""


@contextmanager
def serve_city(tmp: Path, size: dict) -> Iterator[Server]:
    """A server started with ``--data`` on ``demo.generate(**size)`` in ``tmp``.

    The server carries the dataset as the app loads it, its graph and its coverage,
    so a test can compute what the page should draw.
    """
    folder = write_folder(demo.generate(**size), tmp / "city")
    dataset = served_dataset(folder)
    with streamlit_server(tmp, ["--data", str(folder)]) as running:
        running.dataset = dataset
        running.graph = build_graph(dataset)
        running.coverage = analyse(dataset)
        yield running


@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    """A server on :data:`SMALL_CITY`."""
    with serve_city(tmp_path_factory.mktemp("small-city"), SMALL_CITY) as running:
        yield running


def test_small_city_opens_aggregated_and_drills_down_in_the_page(small_city, page):
    server = small_city
    graph, cov = server.graph, server.coverage
    assert graph.number_of_nodes() > CITY_ABOVE
    names = neighbourhood_names(server.dataset)
    city = aggregate(graph, cov, names)
    lines = strongest_lines(city)

    open_app(page, server.page_url("network"), timeout=RUN)
    frame = frame_where(page, NETWORK_DRAWN, timeout=RUN / 1000)
    assert frame.locator("#network canvas").count() == 1
    assert frame.get_attribute("#network", "data-drawn") == "1"
    assert frame.evaluate("window.wijknetwerk.nodeCount") == city.number_of_nodes()
    assert frame.evaluate("window.wijknetwerk.edgeCount") == len(lines)
    ids = set(frame.evaluate("window.wijknetwerk.nodes.getIds()"))
    assert ids == {str(n) for n in city}  # aggregates, no real organisation or group

    # The tooltips are worded in the page from the numbers: a group side's count
    # and families, formatted the Dutch way.
    hood = hoods(graph)[0]
    key = aggregate_node(hood, "groups")
    tip = frame.evaluate("key => window.wijknetwerk.nodes.get(key).title.textContent", key)
    data = city.nodes[key]
    assert f"{t('city_no_hood', 'nl') if hood == '?' else names.get(hood, hood)} · " in tip
    assert format_number(data["families"], "nl") in tip
    assert format_number(data["count"], "nl") in tip

    # Drill down with the page's own control ("Open a neighbourhood").
    chooser = page.locator("[data-testid='stSelectbox']").filter(has_text=t("city_open", "nl"))
    chooser.first.click()
    page.get_by_role("option", name=names.get(hood, hood), exact=True).click()
    wait_idle(page, RUN)
    real = drill_down(graph, hood)
    frame = frame_where(page, NETWORK_DRAWN + " && window.wijknetwerk.nodeCount === "
                        f"{real.number_of_nodes()}", timeout=RUN / 1000)
    assert frame.locator("#network canvas").count() == 1
    assert set(frame.evaluate("window.wijknetwerk.nodes.getIds()")) == {str(n) for n in real}
    assert frame.evaluate("window.wijknetwerk.edgeCount") == real.number_of_edges()
    assert "open=" + hood in page.url
    assert page.watch.blocked == [] and page.watch.errors == [] and page.watch.dialogs == []
