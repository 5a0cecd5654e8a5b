"""A 4x city on the real network page in Chromium: aggregated canvas, then one neighbourhood."""

from __future__ import annotations

import pytest

from mapping.views.aggregate import LINE_CAP, aggregate, drill_down, strongest_lines
from tests.browser.conftest import (  # noqa: F401  (page: the offline Chromium tab fixture)
    NETWORK_DRAWN,
    frame_where,
    open_app,
    page,
)
from tests.browser.test_city_view import serve_city
from tests.render.test_city_view_app import CITY

pytestmark = pytest.mark.browser

RUN = 600_000
"""Milliseconds a first page run of a 4x city may take on a busy 2-core machine."""

DRAW = 300
"""Seconds the frame may take to draw on a busy machine (bench_render measures the time)."""


def _no_errors(tab) -> None:
    """No error box on the page (a refused load would leave the network frame away)."""
    alerts = tab.locator("[data-testid='stAlertContentError'], [data-testid='stException']")
    assert alerts.count() == 0, alerts.all_inner_texts()


@pytest.fixture(scope="module")
def city_server(tmp_path_factory):
    """A server started with ``--data`` on a 4x city (20,000 organisations, 6,000 groups)."""
    with serve_city(tmp_path_factory.mktemp("city"), CITY) as running:
        yield running


def test_city_draws_aggregated_then_one_neighbourhood(city_server, page):  # noqa: F811
    server = city_server
    open_app(page, server.page_url("network"), timeout=RUN)
    _no_errors(page)
    frame = frame_where(page, NETWORK_DRAWN, timeout=DRAW)
    expected = aggregate(server.graph, server.coverage)
    assert frame.locator("#network canvas").count() == 1
    assert frame.evaluate("window.wijknetwerk.nodeCount") == expected.number_of_nodes()
    # The strongest lines only: a 4x city has 13,871, the browser gets LINE_CAP.
    lines = strongest_lines(expected)
    assert len(lines) == min(LINE_CAP, expected.number_of_edges())
    assert frame.evaluate("window.wijknetwerk.edgeCount") == len(lines)
    assert page.watch.blocked == [] and page.watch.errors == []

    hood = sorted(server.dataset.parent_groups["neighbourhood"])[0]
    open_app(page, server.page_url("network", f"open={hood}"), timeout=RUN)
    _no_errors(page)
    real = drill_down(server.graph, hood)
    frame = frame_where(page, NETWORK_DRAWN + " && window.wijknetwerk.nodeCount === "
                        f"{real.number_of_nodes()}", timeout=DRAW)
    assert frame.locator("#network canvas").count() == 1
    ids = set(frame.evaluate("window.wijknetwerk.nodes.getIds()"))
    assert ids == {str(n) for n in real}
    assert any(n.startswith("g:") for n in ids)  # the neighbourhood's own groups, not aggregates
    assert "open=" + hood in page.url
    assert page.watch.blocked == [] and page.watch.errors == []
