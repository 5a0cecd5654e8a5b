"""An uploaded dataset: validated on the Data page, then used by every page of the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapping.i18n import format_percent
from mapping.session import md_escape
from mapping.ui_text import number, t
from tests.app.conftest import cli_report, load, open_page
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


# Every page of a session after an upload: tests/app/test_elements.py
# (test_every_page_shows_its_elements_for_an_upload: no exception, no error, the
# "Geüpload" caption and each page's elements).


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


# --------------------------------------------------------------------------- replace, save

SURVEYS = Path(__file__).resolve().parents[1] / "io" / "fixtures" / "surveys"
LISTS = [("organisaties.csv", b"id,naam,soort,categorie\nM1,Moskee Al-Fath,informeel,moskee\n"
                              b"B9,Bibliotheek Oost,formeel,bibliotheek\n", "text/csv"),
         ("oudergroepen.csv", b"id,naam,gezinnen\nG1,Somalische moeders,40\n"
                              b"G2,Turkse vaders,25\nG3,Marokkaanse moeders,30\n"
                              b"G4,Eritrese ouders,12\n", "text/csv")]


def test_a_new_upload_replaces_the_previous_one(app, upload_folder):
    at = _upload(_files(upload_folder))
    assert at.session_state["source.nl"] == "upload"
    assert not at.file_uploader[0].value  # emptied: the next upload starts afresh
    at.file_uploader[0].set_value([("organisaties.csv", BAD, "text/csv")]).run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert set(table[t("col_file", "nl")]) == {"organisaties.csv"}  # checked alone
    assert not any("twee keer" in m or "twice" in m for m in table[t("col_message", "nl")])
    assert md_escape(t("checked_files", "nl", files="organisaties.csv")) in [
        c.value for c in at.caption]
    # A valid upload after it replaces it again, with no "table appears twice".
    at.file_uploader[0].set_value(_files(upload_folder)).run()
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["source.nl"] == "upload"


def test_a_valid_table_upload_can_be_saved_as_a_dataset(app, upload_folder, store_db):
    at = _upload(_files(upload_folder))
    at.text_input(key="data_tables_save_name").set_value("wijk-upload").run()
    at.button(key="data_tables_save").click().run()
    assert not at.exception, at.exception
    assert at.session_state["source.nl"] == "store"
    from mapping.store.repository import open_store

    assert "wijk-upload" in open_store(store_db).list_datasets()


def test_survey_export_on_the_data_page_is_confirmed_corrected_and_saved(app, store_db):
    at = _upload([("google_forms.csv", (SURVEYS / "google_forms.csv").read_bytes(),
                   "text/csv")])
    boxes = {s.label: s for s in at.selectbox}
    assert boxes[md_escape("Naam van uw organisatie")].value == "org_name"
    assert boxes[md_escape("E-mailadres")].value == "drop"
    # The researcher corrects a guess: the category question is not used.
    boxes[md_escape("Categorie")].set_value("ignore").run()
    # ... and adds the district's own lists.
    at.file_uploader[1].set_value(LISTS).run()
    assert not at.exception, at.exception
    at.button(key="data_confirm").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    shown = " ".join(df.value.to_csv() for df in at.dataframe)
    assert "Eritrese ouders" in shown and "Bibliotheek Oost" in shown
    assert "fatima@example.org" not in shown
    at.text_input(key="data_save_name").set_value("enquete-data").run()
    at.button(key="data_save").click().run()
    assert not at.exception, at.exception
    assert at.session_state["source.nl"] == "store"
    from mapping.store.repository import open_store

    saved = open_store(store_db).load("enquete-data")
    dataset = saved[0] if isinstance(saved, tuple) else saved
    assert set(dataset.organisations["id"]) >= {"M1", "B9"}
    assert (dataset.organisations["category"].fillna("") != "moskee").sum() >= 3
    assert "G4" in set(dataset.parent_groups["id"]) and "G4" not in set(dataset.reach["group"])
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception, at.exception
    assert md_escape("enquete-data") in " ".join(c.value for c in at.caption)


def test_network_file_on_the_data_page_is_mapped_and_saved(app, store_db):
    from tests.io import samples

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at = _upload([("kumu.xlsx", samples.kumu_workbook(), xlsx)])
    assert at.selectbox(key="data_net_field").value.lower() == "type"
    at.multiselect(key="data_net_formal").set_value([samples.FORMAL]).run()
    at.multiselect(key="data_net_informal").set_value([samples.INFORMAL]).run()
    at.multiselect(key="data_net_group").set_value([samples.GROUP]).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    at.text_input(key="data_save_name").set_value("kumu-wijk").run()
    at.button(key="data_save").click().run()
    assert not at.exception, at.exception
    from mapping.store.repository import open_store

    assert "kumu-wijk" in open_store(store_db).list_datasets()
