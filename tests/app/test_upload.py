"""An uploaded dataset: validated on the Data page, then used by every page of the session."""

from __future__ import annotations

import sys

import pytest

from mapping.i18n import format_percent
from mapping.report import build_report
from mapping.ui_text import number, t
from tests.app.conftest import PAGES, loader_exists, open_page, upload_stub_dataset
from tests.render.conftest import make_dataset


def _files(tmp_path):
    """The upload: canonical CSV files (+ GeoJSON) of a small district."""
    from tests.browser.conftest import write_folder

    folder = write_folder(make_dataset(evil=False).replace(name="upload"), tmp_path / "up")
    return [(p.name, p.read_bytes(), "text/csv") for p in sorted(folder.iterdir())]


def _expected(files):
    if not loader_exists():
        return upload_stub_dataset()
    result = sys.modules["mapping.load"].load_files([(n, b) for n, b, _ in files], "nl")
    assert result.ok, result.errors
    return result.dataset


def _upload(files):
    at = open_page("data")
    at.file_uploader[0].set_value(files).run()
    assert not at.exception, at.exception
    return at


def test_valid_upload_becomes_the_sessions_dataset(app, tmp_path):
    files = _files(tmp_path)
    at = _upload(files)
    assert at.session_state["source.nl"] == "upload"
    assert [s.value for s in at.success] == [t("valid", "nl")] or at.warning
    expected = _expected(files)
    at.switch_page("pages/overview.py")
    at.run()
    report = build_report(expected, lang="nl")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("organisations", "nl")] == number(len(expected.organisations))
    assert metrics[t("share_route", "nl")] == format_percent(report["share"], "nl")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_the_upload(app, tmp_path, page):
    at = _upload(_files(tmp_path))
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


@pytest.mark.skipif(not loader_exists(), reason="mapping.load not written yet")
def test_invalid_upload_is_reported_and_never_applied(app):
    bad = b"id,naam,soort\n1,Wijkteam,formeel\n1,Moskee,misschien\n"
    at = _upload([("organisaties.csv", bad, "text/csv")])
    assert at.error, "no error message"
    assert at.dataframe, "no validation table"
    assert at.session_state["source.nl"] != "upload"
    assert at.get("download_button")
