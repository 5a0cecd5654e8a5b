"""A 4x city on the real network page in Chromium: aggregated canvas, then one neighbourhood.

The aggregate, its strongest lines, the tooltips worded in the page and the
drill-down chosen in the page's own control ("Open a neighbourhood"), on a city of
20,000 organisations and 6,000 groups. Draw times are measured in
``bench/bench_render.py --city 4``, not here.
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
    LINE_CAP,
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
from tests.render.test_city_view_app import CITY

pytestmark = pytest.mark.browser

RUN = 600_000
"""Milliseconds a first page run of a 4x city may take on a busy 2-core machine."""


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
def city_server(tmp_path_factory):
    """A server started with ``--data`` on a 4x city (:data:`CITY`)."""
    with serve_city(tmp_path_factory.mktemp("city"), CITY) as running:
        yield running


def _no_errors(tab) -> None:
    """No error box on the page (a refused load would leave the network frame away)."""
    alerts = tab.locator("[data-testid='stAlertContentError'], [data-testid='stException']")
    assert alerts.count() == 0, alerts.all_inner_texts()


def test_city_opens_aggregated_and_drills_down_in_the_page(city_server, page):
    server = city_server
    graph, cov = server.graph, server.coverage
    assert graph.number_of_nodes() > CITY_ABOVE
    names = neighbourhood_names(server.dataset)
    city = aggregate(graph, cov, names)
    lines = strongest_lines(city)

    open_app(page, server.page_url("network"), timeout=RUN)
    _no_errors(page)
    frame = frame_where(page, NETWORK_DRAWN, timeout=RUN / 1000)
    assert frame.locator("#network canvas").count() == 1
    assert frame.get_attribute("#network", "data-drawn") == "1"
    assert frame.evaluate("window.wijknetwerk.nodeCount") == city.number_of_nodes()
    # The strongest lines only: a 4x city has 13,871, the browser gets LINE_CAP.
    assert len(lines) == min(LINE_CAP, city.number_of_edges()) < city.number_of_edges()
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
    _no_errors(page)
    real = drill_down(graph, hood)
    frame = frame_where(page, NETWORK_DRAWN + " && window.wijknetwerk.nodeCount === "
                        f"{real.number_of_nodes()}", timeout=RUN / 1000)
    assert frame.locator("#network canvas").count() == 1
    assert set(frame.evaluate("window.wijknetwerk.nodes.getIds()")) == {str(n) for n in real}
    assert frame.evaluate("window.wijknetwerk.edgeCount") == real.number_of_edges()
    assert "open=" + hood in page.url
    assert page.watch.blocked == [] and page.watch.errors == [] and page.watch.dialogs == []
