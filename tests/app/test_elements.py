"""Every page shows its expected elements, for the demo district and for an uploaded dataset."""

from __future__ import annotations

import pytest

from mapping.analysis.graph import build_graph
from tests.app.conftest import DEMO, PAGES, cli_report, load, network_nodes, open_page
from tests.render.conftest import make_dataset


@pytest.fixture(scope="module")
def upload_folder(tmp_path_factory):
    from tests.browser.conftest import write_folder

    return write_folder(make_dataset(evil=False), tmp_path_factory.mktemp("upload") / "up")


def _open(source: str, page: str, folder):
    if source == "demo":
        return open_page(page)
    at = open_page("data")
    at.file_uploader[0].set_value(
        [(p.name, p.read_bytes(), "text/csv") for p in sorted(folder.iterdir())]).run()
    assert at.session_state["source.nl"] == "upload"
    at.switch_page(f"pages/{page}.py")
    at.run()
    return at


@pytest.mark.parametrize("source", ["demo", "upload"])
@pytest.mark.parametrize("page", PAGES)
def test_page_shows_its_elements(app, upload_folder, source, page):
    folder = DEMO if source == "demo" else upload_folder
    dataset = load(folder)
    at = _open(source, page, upload_folder)
    assert not at.exception, at.exception
    if page == "overview":
        assert len(at.metric) == 7
    elif page == "network":
        assert network_nodes(at) == build_graph(dataset).number_of_nodes()
    elif page == "map":
        (frame,) = at.get("iframe")
        assert "wijkkaart-status" in frame.proto.srcdoc or frame.proto.src
    elif page == "gaps":
        assert len(at.dataframe[0].value) == len(cli_report(folder)["groups"])
        assert len(at.get("download_button")) >= 2  # CSV and XLSX
    elif page == "collaboration":
        assert len(at.get("vega_lite_chart")) >= 2  # per link and per organisation
        assert len(at.dataframe[0].value) > 0
    elif page == "data":
        assert len(at.tabs) == 4
        # The upload's warnings table comes first, then the preview of the tables.
        assert len(at.dataframe[-4].value) == len(dataset.organisations)


def test_data_preview_hides_personal_columns_unless_names_are_shown(app):
    """The preview may be on the shared screen: "hide names" (default) drops contact columns."""
    def headers(at):
        return [list(frame.value.columns) for frame in at.dataframe]

    hidden = headers(open_page("data"))
    assert hidden and not any("contactpersoon" in cols for cols in hidden)
    shown = headers(open_page("data", {"names": "1"}))
    assert any("contactpersoon" in cols for cols in shown)
