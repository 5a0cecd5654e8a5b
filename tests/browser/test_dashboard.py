"""The dashboard in headless Chromium against a real ``streamlit run`` server, offline."""

from __future__ import annotations

import re

import pytest

from mapping.analysis.graph import build_graph
from mapping.analysis.report import analyse
from mapping.ui_text import t
from mapping.views.render_network import filter_graph
from tests.browser.conftest import (
    HOSTILE,
    MAP_DRAWN,
    NETWORK_DRAWN,
    frame_where,
    open_app,
    served_dataset,
    wait_idle,
)
from tests.render.conftest import PAYLOADS
from tests.render.helpers import external_references, network_data

pytestmark = pytest.mark.browser

PAGES = ("", "network", "map", "gaps", "collaboration", "data")


def test_network_canvas_draws_the_filtered_graph(server, page):
    dataset = served_dataset()
    hood = sorted(h for h in dataset.parent_groups["neighbourhood"] if h)[0]
    open_app(page, server.page_url("network", f"hood={hood}"))
    frame = frame_where(page, NETWORK_DRAWN)
    expected = filter_graph(build_graph(dataset), [hood], coverage=analyse(dataset))
    assert frame.evaluate("window.wijknetwerk.nodeCount") == expected.number_of_nodes()
    assert frame.evaluate("window.wijknetwerk.edgeCount") == expected.number_of_edges()
    assert frame.locator("#network canvas").count() == 1
    assert page.watch.blocked == []


def test_network_filter_survives_reload(server, page):
    dataset = served_dataset()
    category = sorted(dataset.organisations["category"])[0]
    open_app(page, server.page_url("network", f"cat={category}&phys=1"))
    page.reload()
    wait_idle(page)
    frame = frame_where(page, NETWORK_DRAWN)
    kept = filter_graph(build_graph(dataset), categories=[category])
    assert frame.evaluate("window.wijknetwerk.nodeCount") == kept.number_of_nodes()
    assert f"cat={category}" in page.url


def test_map_draws_polygons_and_markers_offline(server, page):
    dataset = served_dataset()
    open_app(page, server.page_url("map"))
    frame = frame_where(page, MAP_DRAWN, timeout=30)
    counts = frame.evaluate("window.wijkkaart")
    assert counts["polygons"] == len(dataset.neighbourhoods["features"])
    assert counts["markers"] > 0 and counts["groups"] > 0
    assert frame.locator("path.leaflet-interactive").count() >= counts["polygons"]
    # Only base-map tiles were asked for outside this machine, and they were refused.
    assert all(re.search(r"tile|pdok", url) for url in page.watch.blocked)


def test_language_switch(server, page):
    open_app(page, server.page_url())
    assert page.locator("h1").first.inner_text() == t("overview_title", "nl")
    page.get_by_text("English", exact=True).click()
    page.wait_for_function(
        f"() => document.querySelector('h1')?.innerText === {t('overview_title', 'en')!r}")
    assert "lang=en" in page.url
    open_app(page, server.page_url("gaps", "lang=en"))
    assert page.locator("h1").first.inner_text() == t("gaps_title", "en")


def test_presentation_mode_from_url(server, page):
    open_app(page, server.page_url("", "present=1"))
    # The stylesheet element mounts asynchronously; wait for it rather than sample once.
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) >= 56",
        timeout=10_000)
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_attribute("data-collapsed") == "true"


def test_bad_upload_shows_its_error_table(server, page, tmp_path):
    bad = tmp_path / "organisations.csv"
    bad.write_text("id,naam,soort\n1,Wijkteam,formeel\n1,Moskee,misschien\n", encoding="utf-8")
    open_app(page, server.page_url("data"))
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(bad))
    page.wait_for_selector("[data-testid='stAlertContentError']", timeout=30_000)
    wait_idle(page)
    assert page.locator("[data-testid='stDataFrame']").count() >= 1
    assert "organisations.csv" in page.locator("[data-testid='stMain']").inner_text() or \
        page.locator("[data-testid='stDataFrame']").count() >= 1
    # The pages still show the demo district: invalid data is never applied.
    assert t("source_upload", "nl", name="")[:8] not in page.locator(
        "[data-testid='stSidebar']").inner_text()


def test_hostile_names_show_as_text_and_never_run(server, page):
    dataset = server.hostile
    hostile = f"src=store&sds={HOSTILE}"
    names = [*dataset.organisations["name"], *dataset.parent_groups["name"]]
    page.add_init_script("window.__pwned = undefined;")
    # One visit per page: the text, network and table checks run during the visit of their
    # page (they reopened the overview, network and gaps pages afterwards).
    for name in PAGES:
        open_app(page, server.page_url(name, hostile))
        if name == "network":
            frame = frame_where(page, NETWORK_DRAWN)
        if name == "map":
            frame_where(page, MAP_DRAWN, timeout=30)
        if name == "gaps":
            page.wait_for_selector("[data-testid='stDataFrame']", timeout=20_000)
        page.wait_for_timeout(500)
        text = page.locator("[data-testid='stMain']").inner_text()
        assert HOSTILE in text, name
        for frame_ in page.frames:
            assert frame_.evaluate("() => window.__pwned") is None, (name, frame_.url)
        if name == "":
            # The names are on screen as the characters people typed: in the page...
            shown = [payload for payload in PAYLOADS if payload in names and payload in text]
            assert shown, text[:2000]
        if name == "network":
            # ... and in the network's legend and the map's popups, which are our own HTML.
            labels = frame.evaluate("window.wijknetwerk.nodes.get()"
                                    ".map(n => n.label || '').join('\\n')")
            assert any(payload in labels for payload in PAYLOADS if payload in names)
    assert page.watch.dialogs == []
    assert page.watch.errors == []


def test_offline_network_and_map_draw(server, page):
    open_app(page, server.page_url("network"))
    frame = frame_where(page, NETWORK_DRAWN)
    assert frame.evaluate("window.wijknetwerk.nodeCount") > 0
    open_app(page, server.page_url("map", "base=none"))
    frame = frame_where(page, MAP_DRAWN, timeout=30)
    assert frame.evaluate("window.wijkkaart.polygons") > 0
    assert page.watch.blocked == []


def test_network_view_downloads_as_standalone_html(server, page, tmp_path):
    dataset = served_dataset()
    category = sorted(dataset.organisations["category"])[0]
    open_app(page, server.page_url("network", f"cat={category}"))
    frame = frame_where(page, NETWORK_DRAWN)
    shown = frame.evaluate("window.wijknetwerk.nodeCount")
    with page.expect_download(timeout=20_000) as download:
        page.get_by_text(t("download_html", "nl")).click()
    target = tmp_path / "netwerk.html"
    download.value.save_as(target)
    html = target.read_text(encoding="utf-8")
    assert external_references(html) == []  # standalone: vis-network is inside
    assert len(network_data(html)["nodes"]) == shown  # the filtered view, not everything


def test_saved_dataset_chosen_in_the_sidebar(server, page):
    open_app(page, server.page_url(""))
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name=t("source_saved", "nl")).click()
    # The address changes when the rerun the choice started has run; on a busy machine that
    # can be after the first idle moment, so wait for the address itself (fails after 30 s).
    page.wait_for_url("**src=store**", timeout=30_000)
    wait_idle(page)
    # The newest version of the first saved dataset is shown, and says so.
    caption = page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first
    assert "versie" in caption.inner_text()
    page.reload()
    wait_idle(page)
    assert "versie" in page.locator(
        "[data-testid='stMain'] [data-testid='stCaptionContainer']").first.inner_text()
