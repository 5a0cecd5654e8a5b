"""A researcher's survey export through the Data page in Chromium, saved and opened everywhere.

Upload a Google Forms export, correct one guessed column, add the district's
own lists, confirm, save as a dataset, then open the overview, the network and
the map on it. Its own
server: the saved dataset must not change what the other browser tests see.
Set ``WIJKNETWERK_SCREENSHOTS=1`` to write the mapping step to
``docs/screenshots/survey-mapping.png`` (the README's picture).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from mapping.ui_text import t
from tests.browser.conftest import ROOT, Server, open_app, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

FIXTURE = ROOT / "tests" / "io" / "fixtures" / "surveys" / "google_forms.csv"
NAME = "enquete-2026"
# The pages a browser must judge (the network canvas, the map); every page runs on a saved
# survey in the AppTest `tests/app/test_survey.py::test_a_saved_survey_opens_on_every_page`.
APP_PAGES = ("overview", "network", "map")
WITH_DATASET = APP_PAGES
LISTS = {
    "organisaties.csv": "id,naam,soort,categorie\nM1,Moskee Al-Fath,informeel,moskee\n"
                        "B9,Bibliotheek Oost,formeel,bibliotheek\n",
    "oudergroepen.csv": "id,naam,gezinnen\nG1,Somalische moeders,40\nG2,Turkse vaders,25\n"
                        "G3,Marokkaanse moeders,30\nG4,Eritrese ouders,12\n",
}


@pytest.fixture(scope="module")
def survey_server(tmp_path_factory) -> Iterator[Server]:
    with streamlit_server(tmp_path_factory.mktemp("survey-server")) as running:
        yield running


def _shown(select) -> str:
    """The option a selectbox shows (its text, or its search input's value)."""
    text = select.inner_text().splitlines()
    inputs = select.locator("input")
    value = inputs.first.input_value() if inputs.count() else ""
    return value or (text[-1] if len(text) > 1 else "")


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_survey_export_mapped_corrected_saved_and_opened(survey_server, page, tmp_path):
    open_app(page, survey_server.page_url("data"))
    uploads = page.locator("[data-testid='stFileUploader'] input[type='file']")
    uploads.first.set_input_files(str(FIXTURE))
    page.wait_for_selector("text=" + t("survey_mapping", "nl"), timeout=60_000)
    wait_idle(page)
    # The guess is shown: one select per column; the researcher corrects "Categorie".
    category = page.locator("[data-testid='stSelectbox']").filter(has_text="Categorie").first
    assert _shown(category) == t("survey_role_org_category", "nl")
    category.click()
    page.get_by_role("option", name=t("survey_role_ignore", "nl"), exact=True).click()
    wait_idle(page)
    assert _shown(page.locator("[data-testid='stSelectbox']").filter(
        has_text="Categorie").first) == t("survey_role_ignore", "nl")
    # The district's own lists.
    paths = []
    for name, text in LISTS.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    page.locator("[data-testid='stFileUploader'] input[type='file']").nth(1).set_input_files(
        paths)
    page.wait_for_selector("text=" + t("import_lists_read", "nl", orgs=2, groups=4),
                           timeout=60_000)
    wait_idle(page)
    if os.environ.get("WIJKNETWERK_SCREENSHOTS"):
        target = ROOT / "docs" / "screenshots" / "survey-mapping.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(tmp_path / "shot.png"))
        shutil.copyfile(tmp_path / "shot.png", target)
    page.get_by_role("button", name=t("survey_confirm", "nl")).click()
    page.wait_for_selector("text=" + t("preview", "nl"), timeout=60_000)
    wait_idle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    # Save it as a dataset with a name.
    field = page.get_by_label(t("survey_save_name", "nl"))
    field.fill(NAME)
    field.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name=t("survey_save", "nl"), exact=True).click()
    page.wait_for_selector("text=" + t("survey_saved", "nl", name=NAME, v=1), timeout=60_000)
    wait_idle(page)
    # The pages open the saved dataset and render without an error.
    for name in APP_PAGES:
        open_app(page, survey_server.page_url(name, f"src=store&sds={NAME}"), timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0, name
        page.wait_for_selector("[data-testid='stSidebar'] [data-testid='stSelectbox']",
                               timeout=60_000)
        wait_idle(page, 60_000)
        selects = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']")
        assert NAME in [_shown(selects.nth(i)) for i in range(selects.count())], name
        if name in WITH_DATASET:
            assert NAME in _main_text(page), name
    assert not page.watch.errors, page.watch.errors
