"""The Survey page under AppTest: upload an export, correct the guess, import, save."""

from __future__ import annotations

from pathlib import Path

from mapping.session import md_escape
from mapping.ui_text import t
from tests.app.conftest import open_page

FIXTURES = Path(__file__).resolve().parents[1] / "io" / "fixtures" / "surveys"


def _upload(name: str, lang: str = "nl"):
    at = open_page("survey", {"lang": lang} if lang != "nl" else None)
    assert not at.exception, at.exception
    mime = "text/csv" if name.endswith(".csv") else "application/octet-stream"
    at.file_uploader[0].set_value([(name, (FIXTURES / name).read_bytes(), mime)]).run()
    assert not at.exception, at.exception
    return at


def _confirm(at):
    at.button(key="survey_confirm").click().run()
    assert not at.exception, at.exception
    return at


def test_page_runs_empty_in_both_languages():
    for lang in ("nl", "en"):
        at = open_page("survey", {"lang": lang} if lang != "nl" else None)
        assert not at.exception
        assert [x.value for x in at.title] == [t("survey_title", lang)]


def test_guess_is_shown_confirmed_and_previewed():
    at = _upload("google_forms.csv")
    boxes = {s.label: s for s in at.selectbox}  # labels are the headers, Markdown-escaped
    assert boxes[md_escape("Naam van uw organisatie")].value == "org_name"
    assert boxes[md_escape("E-mailadres")].value == "drop"
    assert boxes[md_escape("Vertrouwen [Moskee Al Fath]")].value == "trust"
    at = _confirm(at)
    assert not at.error, [e.value for e in at.error]
    tabs = [tab.label for tab in at.tabs]
    assert tabs == [t(f"table_{n}", "nl") for n in ("organisations", "parent_groups", "reach",
                                                    "collaborations")]
    organisations = at.dataframe[-4].value
    assert sorted(organisations["name"]) == ["Buurtcentrum De Brug", "CJG Centrum",
                                             "Moskee Al Fath", "Wijkteam Noord"]
    shown = " ".join(str(df.value.to_csv()) for df in at.dataframe)
    assert "fatima@example.org" not in shown and "Fatima" not in shown


def test_a_corrected_column_changes_the_import():
    at = _upload("google_forms.csv")
    box = next(s for s in at.selectbox if s.label == md_escape("Naam van uw organisatie"))
    box.set_value("ignore").run()
    at = _confirm(at)
    assert at.error  # no organisation column any more: said, not a traceback
    assert any(t("invalid", "nl", n=1) == e.value for e in at.error)


def test_import_is_saved_as_a_dataset(store_db):
    at = _upload("kobo_repeat.xlsx")
    at = _confirm(at)
    at.text_input(key="survey_save_name").set_value("enquete-2026").run()
    at.button(key="survey_save").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success][-1] == md_escape(
        t("survey_saved", "nl", name="enquete-2026", v=1))
    from mapping.store.repository import open_store

    saved = open_store(store_db).load("enquete-2026")
    dataset = saved[0] if isinstance(saved, tuple) else saved
    assert len(dataset.collaborations) == 5


EVERY_PAGE = ("overview", "network", "map", "gaps", "collaboration", "roles", "topics",
              "compare", "data", "survey", "workshop")


def test_a_saved_survey_opens_on_every_page(store_db):
    """A Google Forms export, saved, then every page on it: no traceback, no error.

    (The browser test `tests/browser/test_survey_upload.py` takes the same export
    through the Data page and opens the pages only a browser can judge.)
    """
    at = _confirm(_upload("google_forms.csv"))
    at.text_input(key="survey_save_name").set_value("enquete-forms").run()
    at.button(key="survey_save").click().run()
    assert [s.value for s in at.success][-1] == md_escape(
        t("survey_saved", "nl", name="enquete-forms", v=1))
    for page in EVERY_PAGE:
        at = open_page(page, {"src": "store", "sds": "enquete-forms"})
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        assert at.selectbox(key="store_name.nl").value == "enquete-forms", page


def test_unreadable_upload_is_a_report_not_a_traceback():
    at = open_page("survey")
    at.file_uploader[0].set_value([("leeg.csv", b"", "text/csv")]).run()
    assert not at.exception
    assert at.error


def test_network_canvas_interviews_import_together():
    at = open_page("survey")
    files = [(p.name, p.read_bytes(), "text/csv")
             for p in sorted((FIXTURES / "network_canvas").iterdir())]
    at.file_uploader[0].set_value(files).run()
    assert not at.exception, at.exception
    at = _confirm(at)
    assert not at.error, [e.value for e in at.error]
    organisations = at.dataframe[-4].value
    assert sorted(organisations["name"]) == ["Buurtcentrum De Brug", "CJG Centrum",
                                             "Moskee Al Fath", "Wijkteam Noord"]


def test_a_look_alike_name_is_listed_and_linked_by_the_researcher():
    text = (FIXTURES / "google_forms.csv").read_text("utf-8")
    data = text.replace("Wijkteam Noord;", "Wijkteam Noord-Oost;", 1).encode("utf-8")
    at = open_page("survey")
    at.file_uploader[0].set_value([("g.csv", data, "text/csv")]).run()
    at = _confirm(at)
    assert len(at.dataframe[-4].value) == 5  # kept apart: five organisations
    link = at.multiselect[0]
    assert link.options == ["Wijkteam Noord-Oost → Wijkteam Noord"]
    link.set_value(link.options).run()
    at = _confirm(at)
    assert not at.exception, at.exception
    assert len(at.dataframe[-4].value) == 4  # linked: one organisation
