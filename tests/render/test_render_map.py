"""Map HTML: offline (vendored Leaflet, no CDN), escaped, the expected layers."""

from __future__ import annotations

import html
import math

import pytest

from mapping.views.render_map import PDOK_TILES, map_placement, placement_notes, render_map
from mapping.views.render_network import static_asset
from tests.render.conftest import PAYLOADS, SCRIPT
from tests.render.helpers import external_references, page_data

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
    from mapping.views.render_map import share_by_code

    rows = [{"neighbourhood": "BU01", "share": 0.5}, {"neighbourhood": None, "share": 1.0},
            {"neighbourhood": "BU02", "share": None}]
    assert share_by_code(rows) == {"BU01": 0.5}
    assert share_by_code({"BU01": 0.25}) == {"BU01": 0.25}
    assert share_by_code(None) is None


# ----------------------------------------------------------------------------- structure


def test_everything_drawn_travels_as_one_json_payload(graph, dataset, coverage):
    page = render_map(graph, dataset.neighbourhoods, share=SHARE, coverage=coverage,
                      show_collaborations=True)
    data = page_data(page)
    assert len(data["polygons"]) == 2 and len(data["orgs"]) == 6 and len(data["groups"]) == 4
    assert {p["name"] for p in data["polygons"]} == {SCRIPT, "Het Es"}  # labels, as typed
    assert SCRIPT in [o["tooltip"] for o in data["orgs"]]
    assert data["popup"]["minWidth"] >= 280
    # The page script is the fixed file: no user text was put into any script.
    assert static_asset("map/map.js") in page
    assert "branca" not in page and "folium" not in page


def test_offline_background_by_default(graph, dataset):
    data = page_data(render_map(graph, dataset.neighbourhoods))
    assert data["base"] == "none"
    assert page_data(render_map(graph, dataset.neighbourhoods, base_map="pdok"))["base"] == "pdok"
    assert page_data(render_map(graph, dataset.neighbourhoods, base_map="bogus"))["base"] == \
        "none"


def test_legend_is_folded(graph, dataset):
    page = render_map(graph, dataset.neighbourhoods)
    assert '<details id="legend" class="wk-legend">' in page  # no "open" attribute


def test_groups_without_coordinates_go_to_their_centroid(graph, dataset):
    placement = map_placement(graph, dataset.neighbourhoods)
    assert {placement.how[g] for g in ("g:1", "g:2", "g:3", "g:4")} == {"centroid"}
    assert placement.how["o:5"] == "centroid" and placement.how["o:1"] == "own"
    assert placement.missing_groups == () and placement.missing_orgs == ()
    # Two groups in BU01 do not sit on top of each other.
    assert placement.at["g:1"] != placement.at["g:2"]


def test_without_polygons_groups_sit_beside_their_reachers(graph):
    placement = map_placement(graph, None)
    # g:1 (reached by o:3, o:5), g:2 (o:1), g:3 (o:4, o:6) have reachers with a place...
    assert [placement.how.get(g) for g in ("g:1", "g:2", "g:3")] == ["beside"] * 3
    # ... g:4 is reached by nobody: not on the map, and said so.
    assert placement.missing_groups == ("g:4",)
    assert placement.missing_orgs == ("o:5",)  # no coordinates, no polygon
    lat, lon = placement.at["g:2"]
    own = placement.at["o:1"]
    assert 0 < math.dist((lat, lon), own) < 0.01  # beside, not on top
    nl = placement_notes(graph, placement, "nl")
    en = placement_notes(graph, placement, "en")
    assert [n.level for n in nl] == ["warning", "warning", "info"]
    assert nl[0].text.startswith("1 oudergroep staat niet op de kaart")
    assert en[0].text.startswith("1 parent group is not on the map")
    assert "3 parent groups" in en[2].text and "beside" in en[2].text
    data = page_data(render_map(graph, None, lang="en"))
    assert data["notes"] == [n.text for n in en]
    assert data["placement"]["groups-missing"] == 1
    assert data["placement"]["groups-beside"] == 3


def test_nothing_to_say_when_everything_has_coordinates(graph):
    for _node, data in graph.nodes(data=True):
        data["lat"], data["lon"] = 52.0, 4.0
    assert placement_notes(graph, map_placement(graph, None), "nl") == []


def test_height_is_a_plain_css_length(graph):
    assert "#map { height: 640px; }" in render_map(graph, None, height="640px")
    page = render_map(graph, None, height="1px; } body { wk-injected: 1")
    assert "wk-injected" not in page and "#map { height: 100vh; }" in page


# --------------------------------------------------------------------------- CBS layer

def cbs_neighbourhoods() -> dict:
    """Three CBS-style neighbourhoods (lower-case property names, as the CBS map has them).

    BU01: 500 households, 20 % with children (100); BU02: secret (``-99999999``);
    BU03: no CBS figures at all.
    """
    from tests.factories import square

    known, secret, missing = (square("BU01", "De Sluis", 4.0, 52.0),
                              square("BU02", "Het Es", 4.01, 52.01),
                              square("BU03", "Oud Noord", 4.02, 52.0))
    known["properties"].update({"aantal_hh": 500, "p_hh_m_k": 20, "aant_inw": 1100})
    secret["properties"].update({"aantal_hh": -99999999, "p_hh_m_k": -99999999})
    return {"type": "FeatureCollection", "features": [known, secret, missing]}


CBS_FAMILIES = {"BU01": 65, "BU02": 42}
"""Families in the known groups per neighbourhood (as the report counts them)."""


@pytest.fixture
def cbs_rows():
    from mapping.analysis.population import population_rows

    return population_rows(cbs_neighbourhoods(), CBS_FAMILIES)


def test_cbs_layer_payload_colours_by_covered_share(graph, coverage, cbs_rows):
    from mapping.views.palette import NO_DATA, palette

    page = render_map(graph, cbs_neighbourhoods(), coverage=coverage, population=cbs_rows,
                      lang="en")
    data = page_data(page)
    layer = {item["name"]: item for item in data["population"]}
    assert set(layer) == {"De Sluis", "Het Es", "Oud Noord"}
    known, secret, missing = layer["De Sluis"], layer["Het Es"], layer["Oud Noord"]
    assert known["cbs"] == {"families": 65, "households": 100, "share": 0.65, "status": "known"}
    assert known["style"]["fillColor"] == palette().share(0.65)
    assert known["style"]["wkRole"] == "population"
    assert "Families in the known parent groups: 65" in known["popup"]
    assert "about 100" in known["popup"] and "about 65%" in known["popup"]
    # Secret and missing figures are said as such and never coloured or counted as 0.
    assert secret["cbs"]["status"] == "secret" and secret["cbs"]["households"] is None
    assert secret["style"]["fillColor"] == NO_DATA and secret["style"]["dashArray"]
    assert "secret" in secret["popup"] and "0%" not in secret["popup"]
    assert missing["cbs"] == {"families": None, "households": None, "share": None,
                              "status": "missing"}
    assert "no CBS figures" in missing["popup"] and missing["style"]["fillColor"] == NO_DATA
    assert data["text"]["population"] and data["showPopulation"] is False
    assert "CBS households with children" in page  # the legend explains the layer


def test_cbs_layer_more_families_than_households_takes_the_ramp_top(graph, coverage):
    from mapping.analysis.population import population_rows
    from mapping.views.palette import palette

    rows = population_rows(cbs_neighbourhoods(), {"BU01": 150})
    item = page_data(render_map(graph, cbs_neighbourhoods(), population=rows))["population"][0]
    assert item["cbs"]["share"] == 1.5
    assert item["style"]["fillColor"] == palette().share_ramp[-1]
    assert "150%" in item["popup"]


def test_cbs_layer_in_dutch_and_starting_switched_on(graph, coverage, cbs_rows):
    data = page_data(render_map(graph, cbs_neighbourhoods(), population=cbs_rows,
                                show_population=True, lang="nl"))
    assert data["showPopulation"] is True
    popup = {i["name"]: i["popup"] for i in data["population"]}
    assert "geheim" in popup["Het Es"]
    assert "Gezinnen in de bekende oudergroepen: 65" in popup["De Sluis"]


def test_no_cbs_layer_without_figures(graph, dataset, coverage):
    data = page_data(render_map(graph, dataset.neighbourhoods, coverage=coverage))
    assert data["population"] == [] and data["showPopulation"] is False


def test_cbs_layer_names_are_data_not_markup(graph, coverage):
    from mapping.analysis.population import population_rows

    hoods = cbs_neighbourhoods()
    hoods["features"][0]["properties"]["name"] = SCRIPT
    page = render_map(graph, hoods, population=population_rows(hoods, CBS_FAMILIES))
    assert SCRIPT not in page
    assert page_data(page)["population"][0]["popup"].startswith(SCRIPT)
