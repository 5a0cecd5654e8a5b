"""The Data page with an export of the project's own questionnaire: no mapping step.

Every column is a question of the questionnaire, so the guess is certain:
the page says it recognised the questionnaire, applies the mapping at once
and shows the preview; a button opens the mapping form anyway.
"""

from __future__ import annotations

import pytest

from mapping.ui_text import t
from tests.app.conftest import open_page
from tests.io.test_questionnaire import EXPORTS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ORGS = ["Buurtcentrum De Brug", "CJG Centrum", "Moskee Al Fath", "Wijkteam Noord"]


def _upload(name: str, lang: str):
    at = open_page("data", {"lang": lang} if lang != "nl" else None)
    assert not at.exception, at.exception
    mime = "text/csv" if name.endswith(".csv") else XLSX
    at.file_uploader[0].set_value([(name, EXPORTS[name](), mime)]).run()
    assert not at.exception, at.exception
    return at


def _imported(at, column: str = "name") -> list:
    """The import's preview tables (the page's own preview below shows the demo)."""
    return [df.value for df in at.dataframe
            if column in df.value.columns and "Moskee Al Fath" in set(df.value[column])]


def _role_boxes(at) -> list:
    return [s for s in at.selectbox if (s.key or "").startswith("data_role_")]


@pytest.mark.parametrize(("name", "lang"), [("kobo.xlsx", "nl"), ("google_en.csv", "en"),
                                          ("microsoft_nl.xlsx", "nl"),
                                          ("microsoft_en.xlsx", "en")])
def test_the_questionnaire_goes_straight_to_the_preview(app, store_db, name, lang):
    at = _upload(name, lang)
    assert t("survey_recognised", lang) in [s.value for s in at.success]
    assert _role_boxes(at) == []  # no mapping form
    assert "data_confirm" not in [b.key for b in at.button]
    assert not at.error, [e.value for e in at.error]
    organisations = _imported(at)
    assert len(organisations) == 1 and sorted(organisations[0]["name"]) == ORGS
    # Saved like any import.
    at.text_input(key="data_save_name").set_value(f"vragenlijst-{lang}").run()
    at.button(key="data_save").click().run()
    assert not at.exception, at.exception
    from mapping.store.repository import open_store

    assert f"vragenlijst-{lang}" in open_store(store_db).list_datasets()


def test_the_mapping_form_opens_on_request_and_still_applies(app):
    at = _upload("google_nl.csv", "nl")
    at.button(key="data_open_form").click().run()
    assert not at.exception, at.exception
    boxes = _role_boxes(at)
    assert boxes and t("survey_recognised", "nl") not in [s.value for s in at.success]
    assert "data_confirm" in [b.key for b in at.button]
    # The researcher changes one column and confirms: the form's mapping is applied.
    box = next(b for b in boxes if b.label == "Categorie")
    box.set_value("ignore").run()
    at.button(key="data_confirm").click().run()
    assert not at.exception, at.exception
    organisations = _imported(at)
    assert len(organisations) == 1 and sorted(organisations[0]["name"]) == ORGS
    applied = at.session_state["_data_result"].mapping
    assert applied.role("Categorie").role == "ignore"


def test_the_districts_lists_are_used_without_a_confirm(app):
    at = _upload("kobo.xlsx", "nl")
    lists = [("oudergroepen.csv", b"id,naam,gezinnen\nG1,Somalische moeders,40\n"
                                  b"G4,Eritrese ouders,12\n", "text/csv")]
    at.file_uploader[1].set_value(lists).run()
    assert not at.exception, at.exception
    groups = [df.value for df in at.dataframe if "families" in df.value.columns
              and "Eritrese ouders" in set(df.value["name"])]
    assert len(groups) == 1 and "G4" in set(groups[0]["id"])
