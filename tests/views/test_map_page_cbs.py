"""The Map page with and without CBS figures on the neighbourhoods (AppTest, real loader)."""

from __future__ import annotations

import json
import shutil

import pytest

from mapping.analysis.population import families_by_hood, population_rows
from mapping.views.map_population import message
from tests.app.conftest import DEMO, app, cli_report, open_page, store_db  # noqa: F401
from tests.render.helpers import page_data


@pytest.fixture(scope="module")
def cbs_folder(tmp_path_factory):
    """The demo district with CBS key figures (one secret, one neighbourhood without)."""
    folder = tmp_path_factory.mktemp("cbs") / "wijk"
    shutil.copytree(DEMO, folder)
    path = folder / "neighbourhoods.geojson"
    hoods = json.loads(path.read_text(encoding="utf-8"))
    features = hoods["features"]
    features[0]["properties"].update({"aantal_hh": 1200, "p_hh_m_k": 25})
    features[1]["properties"].update({"aantal_hh": -99999999, "p_hh_m_k": -99999999})
    path.write_text(json.dumps(hoods), encoding="utf-8")
    return folder


def _upload(folder):
    at = open_page("data")
    at.file_uploader[0].set_value(
        [(p.name, p.read_bytes(), "application/octet-stream")
         for p in sorted(folder.iterdir()) if p.is_file() and p.suffix != ".md"]).run()
    assert not at.exception, at.exception
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _map(at) -> dict:
    (frame,) = at.get("iframe")
    return page_data(frame.proto.srcdoc)


@pytest.mark.usefixtures("app")
def test_map_page_offers_the_cbs_layer_with_the_report_figures(cbs_folder):
    at = _upload(cbs_folder)
    toggle = next(w for w in at.toggle if w.label == message("toggle", "nl"))
    data = _map(at)
    assert data["showPopulation"] is False and len(data["population"]) >= 3
    report = cli_report(cbs_folder)
    rows = population_rows(json.loads((cbs_folder / "neighbourhoods.geojson").read_text()),
                           families_by_hood(report))
    layer = {item["name"]: item["cbs"] for item in data["population"]}
    known, secret = rows
    assert layer[known["name"]]["households"] == 300
    assert layer[known["name"]]["families"] == known["families"]
    assert layer[secret["name"]]["status"] == "secret"
    assert any(c["status"] == "missing" for c in layer.values())
    toggle.set_value(True).run()
    assert not at.exception
    assert _map(at)["showPopulation"] is True
    assert at.query_params.get("cbs")


@pytest.mark.usefixtures("app")
def test_without_cbs_figures_the_page_says_what_would_enable_the_layer():
    at = open_page("map", {"lang": "en"})
    assert not at.exception, at.exception
    captions = "\n".join(c.value for c in at.caption)
    assert "aantal_hh" in captions and "p_hh_m_k" in captions
    assert message("toggle", "en") not in [w.label for w in at.toggle]
    assert _map(at)["population"] == []
