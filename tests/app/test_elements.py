"""Every page shows its expected elements for an uploaded dataset (the demo: test_pages.py)."""

from __future__ import annotations

import pytest

from tests.app.conftest import PAGES, assert_elements, open_page
from tests.render.conftest import make_dataset


@pytest.fixture(scope="module")
def upload_folder(tmp_path_factory):
    from tests.browser.conftest import write_folder

    return write_folder(make_dataset(evil=False), tmp_path_factory.mktemp("upload") / "up")


def test_every_page_shows_its_elements_for_an_upload(app, upload_folder):
    """One upload on the Data page, then every page of that session, as a user goes round.

    (Each page in a session of its own would read the same upload again: 8 uploads
    through the parse worker for what one shows.)
    """
    at = open_page("data")
    at.file_uploader[0].set_value(
        [(p.name, p.read_bytes(), "text/csv") for p in sorted(upload_folder.iterdir())]).run()
    assert at.session_state["source.nl"] == "upload"
    for page in PAGES:
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert_elements(at, page, upload_folder)
        assert not at.error, (page, [e.value for e in at.error])
        assert "Geüpload" in " ".join(c.value for c in at.caption), page


def test_data_preview_hides_personal_columns_unless_names_are_shown(app):
    """The preview may be on the shared screen: "hide names" (default) drops contact columns."""
    def headers(at):
        return [list(frame.value.columns) for frame in at.dataframe]

    hidden = headers(open_page("data"))
    assert hidden and not any("contactpersoon" in cols for cols in hidden)
    shown = headers(open_page("data", {"names": "1"}))
    assert any("contactpersoon" in cols for cols in shown)
