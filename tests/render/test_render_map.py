"""Map HTML: offline (vendored Leaflet, no CDN), escaped, the expected layers."""

from __future__ import annotations

import html

import pytest

from mapping.render_map import PDOK_TILES, render_map
from tests.render.conftest import PAYLOADS, SCRIPT
from tests.render.helpers import external_references

SHARE = {"BU01": 0.8, "BU02": 0.3}


@pytest.fixture
def page(graph, dataset, coverage) -> str:
    return render_map(graph, dataset.neighbourhoods, share=SHARE, coverage=coverage)


def test_no_cdn_and_leaflet_inlined(page):
    assert external_references(page) == []
    for library in ("jquery", "bootstrap", "awesome-markers", "font-awesome", "fontawesome"):
        assert library not in page.lower()
    assert "Leaflet 1.9.4" in page or "1.9.4" in page


def test_payloads_never_appear_raw(graph, dataset, coverage):
    page = render_map(graph, dataset.neighbourhoods, share=SHARE, coverage=coverage,
                      hide_personal=False, show_collaborations=True)
    for payload in PAYLOADS:
        assert payload not in page


def test_legend_is_escaped_html(graph, dataset, coverage):
    graph.nodes["o:1"]["category"] = SCRIPT  # a user-supplied category reaches the legend
    page = render_map(graph, dataset.neighbourhoods, coverage=coverage)
    assert html.escape(SCRIPT) in page


def test_contacts_hidden_by_default(graph, dataset):
    graph.nodes["o:1"]["contact"] = "Jan Jansen"
    assert "Jan Jansen" not in render_map(graph, dataset.neighbourhoods)
    assert "Jan Jansen" in render_map(graph, dataset.neighbourhoods, hide_personal=False)


def test_base_maps_and_layers(page, graph, dataset):
    assert PDOK_TILES in page and "tile.openstreetmap.org" in page
    assert "Geen achtergrondkaart" in page
    en = render_map(graph, dataset.neighbourhoods, lang="en", base_map="none")
    assert "No base map" in en and "Collaborations" in en


def test_works_without_polygons(graph):
    page = render_map(graph, None)
    assert "wijkkaart-status" in page


def test_presentation_has_larger_type(graph, dataset):
    assert "font-size: 20px" in render_map(graph, dataset.neighbourhoods, presentation=True)
    assert "font-size: 14px" in render_map(graph, dataset.neighbourhoods)


def test_share_input_forms():
    from mapping.render_map import share_by_code

    rows = [{"neighbourhood": "BU01", "share": 0.5}, {"neighbourhood": None, "share": 1.0},
            {"neighbourhood": "BU02", "share": None}]
    assert share_by_code(rows) == {"BU01": 0.5}
    assert share_by_code({"BU01": 0.25}) == {"BU01": 0.25}
    assert share_by_code(None) is None
