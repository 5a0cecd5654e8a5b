"""The known groups beside the CBS households with children, on a CBS-style buurtkaart."""

from __future__ import annotations

import json

from mapping.analysis.population import families_by_hood, population_rows, population_sentences
from mapping.analysis.report import build_report
from mapping.io.geo import read_neighbourhoods
from tests.analysis.conftest import make_dataset


def _square(x: float, y: float, side: float = 800.0) -> list[list[list[float]]]:
    return [[[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]]


def _cbs_buurtkaart() -> bytes:
    """As the CBS wijk- en buurtkaart ships it: RD New metres, lower-case property names,
    -99999999 for a secret figure."""
    features = [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": _square(120000, 487000)},
         "properties": {"bu_code": "BU04790101", "bu_naam": "Poelenburg", "aantal_hh": 4000,
                        "p_hh_m_k": 40, "aant_inw": 9500, "p_00_14_jr": 24}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": _square(121000, 487000)},
         "properties": {"bu_code": "BU04790102", "bu_naam": "Peldersveld", "aantal_hh": 60,
                        "p_hh_m_k": -99999999, "aant_inw": 130, "p_00_14_jr": -99999999}},
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_known_groups_beside_cbs_households():
    hoods, problems = read_neighbourhoods(_cbs_buurtkaart())
    assert not problems
    lat, lon = hoods["features"][0]["geometry"]["coordinates"][0][0][::-1]
    assert 52 < lat < 53 and 4 < lon < 6  # RD New converted to WGS84
    ds = make_dataset([("F", "formal")], groups=[("G1", 400, "BU04790101"),
                                                 ("G2", 208, "BU04790101"),
                                                 ("G3", 5, "BU04790102")],
                      reach=[("F", "G1")]).replace(neighbourhoods=hoods)
    rows = population_rows(ds.neighbourhoods, families_by_hood(build_report(ds)))
    poelenburg, peldersveld = rows
    assert poelenburg["households"] == 1600 and poelenburg["families"] == 608
    assert peldersveld["households"] is None  # secret: never a made-up figure
    en = population_sentences(rows, "en")
    assert en[0] == ("The groups you know account for about 38% of the roughly 1,600 "
                     "households with children in Poelenburg.")
    assert en[1] == "Peldersveld: CBS keeps the number of households with children secret."
    assert population_sentences(rows, "nl")[0].startswith(
        "De bekende groepen omvatten ongeveer 38% van de ongeveer 1.600 huishoudens")


def test_without_cbs_figures_the_sentence_says_what_would_enable_it():
    assert population_rows({"type": "FeatureCollection", "features": []}, {}) is None
    assert "aantal_hh" in population_sentences(None, "en")[0]
