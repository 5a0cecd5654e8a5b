"""The map's CBS layer with hostile CBS values and names: data, never code; never a crash."""

from __future__ import annotations

import pytest

from mapping.analysis.graph import build_graph
from mapping.analysis.population import population_rows
from mapping.views.render_map import render_map
from tests.render.conftest import make_dataset
from tests.render.helpers import external_references, page_data
from tests.render.test_render_map import CBS_FAMILIES, cbs_neighbourhoods
from tests.security.corpus import HUGE_NUMBERS, TEXT_ATTACKS, canary_clear, canary_tripped

VALUES = (*HUGE_NUMBERS, *TEXT_ATTACKS, True, None, [], {"a": 1}, "-99999999", -1, "")


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_hostile_cbs_values_are_never_a_zero_or_a_crash(value):
    hoods = cbs_neighbourhoods()
    hoods["features"][0]["properties"]["aantal_hh"] = value
    rows = population_rows(hoods, CBS_FAMILIES)
    page = render_map(build_graph(make_dataset(evil=False)), hoods, population=rows, lang="en")
    item = page_data(page)["population"][0]  # valid JSON whatever the value was
    cbs = item["cbs"]
    if cbs["households"] is None:
        assert cbs["share"] is None and cbs["status"] in ("secret", "missing")
        assert "%" not in item["popup"]  # no share invented for an unknown figure
    else:
        assert cbs["status"] == "known" and cbs["households"] > 0


@pytest.mark.parametrize("name", TEXT_ATTACKS)
def test_hostile_names_in_the_cbs_layer_stay_text(name):
    canary_clear()
    hoods = cbs_neighbourhoods()
    for feature in hoods["features"]:
        feature["properties"]["name"] = name
    page = render_map(build_graph(make_dataset(evil=False)), hoods,
                      population=population_rows(hoods, CBS_FAMILIES), show_population=True)
    assert external_references(page) == []
    assert all(item["popup"].startswith(name) for item in page_data(page)["population"])
    if "<" in name:
        assert name not in page
    assert not canary_tripped()
