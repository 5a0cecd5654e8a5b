"""An uploaded dataset: validated on the Data page, then used by every page of the session."""

from __future__ import annotations

import pytest

from mapping.i18n import format_percent
from mapping.ui_text import number, t
from tests.app.conftest import PAGES, cli_report, load, open_page
from tests.render.conftest import make_dataset

BAD = b"id,naam,soort\n1,Wijkteam,formeel\n1,Moskee,misschien\n"


@pytest.fixture(scope="module")
def upload_folder(tmp_path_factory):
    """The upload: canonical CSV files (+ GeoJSON) of a small district that is not the demo."""
    from tests.browser.conftest import write_folder

    return write_folder(make_dataset(evil=False), tmp_path_factory.mktemp("upload") / "up")


def _files(folder):
    return [(p.name, p.read_bytes(), "text/csv") for p in sorted(folder.iterdir())]


def _upload(files):
    at = open_page("data")
    at.file_uploader[0].set_value(files).run()
    assert not at.exception, at.exception
    return at


def test_valid_upload_becomes_the_sessions_dataset(app, upload_folder):
    at = _upload(_files(upload_folder))
    assert at.session_state["source.nl"] == "upload"
    assert [s.value for s in at.success] == [t("valid", "nl")] or at.warning
    expected = load(upload_folder)
    report = cli_report(upload_folder)
    at.switch_page("pages/overview.py")
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("organisations", "nl")] == number(len(expected.organisations))
    assert metrics[t("groups", "nl")] == number(len(report["groups"]))
    assert metrics[t("share_route", "nl")] == format_percent(report["share"], "nl")
    captions = " ".join(c.value for c in at.caption)
    assert "Geüpload" in captions


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_the_upload(app, upload_folder, page):
    at = _upload(_files(upload_folder))
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Geüpload" in " ".join(c.value for c in at.caption)


def test_invalid_upload_is_reported_and_never_applied(app):
    at = _upload([("organisaties.csv", BAD, "text/csv")])
    assert at.error, "no error message"
    table = at.dataframe[0].value
    for column in ("file", "row", "column", "value", "message"):
        assert t(f"col_{column}", "nl") in table.columns
    assert "organisaties.csv" in set(table[t("col_file", "nl")])
    assert at.session_state["source.nl"] != "upload"
    assert at.get("download_button")
    at.switch_page("pages/overview.py")
    at.run()
    assert "Demowijk" in " ".join(c.value for c in at.caption)


def test_invalid_upload_after_a_valid_one_keeps_the_valid_one(app, upload_folder):
    at = _upload(_files(upload_folder))
    at.file_uploader[0].set_value([("organisaties.csv", BAD, "text/csv")]).run()
    assert at.error
    at.switch_page("pages/overview.py")
    at.run()
    assert "Geüpload" in " ".join(c.value for c in at.caption)


def test_dimension_bomb_upload_is_refused_and_the_app_keeps_working(app):
    """The 1.5 KB workbook that made calamine abort the whole server: now one message."""
    from tests.security.test_input import cell_bomb, dimension_bomb

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at = _upload([("wijk.xlsx", dimension_bomb(), xlsx)])
    assert at.error, "no error message"
    table = at.dataframe[0].value
    messages = " ".join(table[t("col_message", "nl")])
    assert "A1:XFD1048576" in messages and "200.000 rijen" in messages
    assert at.session_state["source.nl"] != "upload"
    at.file_uploader[0].set_value([("wijk.xlsx", cell_bomb(), xlsx)]).run()
    assert not at.exception, at.exception
    assert "A1:XFD1048576" in " ".join(at.dataframe[0].value[t("col_message", "nl")])
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception, at.exception
    assert "Demowijk" in " ".join(c.value for c in at.caption)
