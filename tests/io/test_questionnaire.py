"""The project's questionnaire (mapping.io.surveys.questionnaire, data/questionnaire/).

The XLSForm must be a valid form in shape, and the exports of the tools it
is meant for (a KoboToolbox XLSX export of this very form, a Google Forms CSV
made with the README's recipe) must import with the guessed mapping and no
correction at all.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from mapping.io import surveys as sv
from mapping.io.surveys import questionnaire as qn

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "questionnaire" / qn.FILE_NAME
RECIPE = ROOT / "data" / "questionnaire" / "README.md"
SECRET = b"test-secret"
NL, EN = (f"label::{lang}" for lang in qn.LANGUAGES)

# Three organisations answering: (name, kind, category, groups, topics, {partner: scores}).
ANSWERS = (
    ("Moskee Al Fath", "informeel", "moskee", ["Somalische moeders", "Turkse vaders"],
     ["raising_children", "school"], {"Wijkteam Noord": (5, 4, 3, 4),
                                      "Buurtcentrum De Brug": (4, 4, 4, 4)}),
    ("Wijkteam Noord", "formeel", "wijkteam", ["Somalische moeders"], ["domestic_violence"],
     {"Moskee Al Fath": (4, 5, 4, 3)}),
    ("Buurtcentrum De Brug", "informeel", "buurtcentrum", ["Marokkaanse moeders"], [],
     {"Moskee Al Fath": (3, 3, 3, 3), "CJG Centrum": (2, 3, 3, 1)}),
)
CONDITIONS = ("trust", "shared_goals", "role_clarity", "equality")


def sheet_rows(book, title: str) -> list[dict[str, str]]:
    rows = [[("" if v is None else str(v)) for v in r] for r in book[title].iter_rows(
        values_only=True)]
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    path = qn.write_xlsform(tmp_path_factory.mktemp("form"))
    return load_workbook(path)


def test_xlsform_has_the_sheets_and_columns_an_xlsform_needs(form):
    assert form.sheetnames == ["survey", "choices", "settings"]
    survey_head = [c.value for c in form["survey"][1]]
    for column in ("type", "name", NL, EN, "required", f"hint::{qn.LANGUAGES[0]}"):
        assert column in survey_head
    assert [c.value for c in form["choices"][1]][:4] == ["list_name", "name", NL, EN]
    settings = sheet_rows(form, "settings")[0]
    assert settings["form_id"] == "wijknetwerk" and settings["form_title"]
    assert settings["default_language"] == qn.LANGUAGES[0]


def test_every_select_has_its_choices_and_every_label_both_languages(form):
    survey, choices = sheet_rows(form, "survey"), sheet_rows(form, "choices")
    lists = {c["list_name"] for c in choices}
    names = [q["name"] for q in survey if q["name"]]
    assert len(names) == len(set(names))
    for q in survey:
        kind = q["type"].split()
        if kind[0] in ("select_one", "select_multiple"):
            assert len(kind) == 2 and kind[1] in lists, q
        if kind[0] not in ("end_group", "end_repeat"):
            assert q[NL].strip() and q[EN].strip() and q["name"], q
    opened = [q["type"] for q in survey if q["type"].startswith(("begin_", "end_"))]
    assert opened.count("begin_group") == opened.count("end_group")
    assert opened.count("begin_repeat") == opened.count("end_repeat") == 1
    for c in choices:
        assert c["name"] and c[NL].strip() and c[EN].strip(), c
    per_list = {}
    for c in choices:
        per_list.setdefault(c["list_name"], []).append(c["name"])
    for names_in_list in per_list.values():
        assert len(names_in_list) == len(set(names_in_list))
    assert per_list["likert"] == ["1", "2", "3", "4", "5"]


def test_choices_follow_the_vocabulary_and_labels_read_back_as_their_names():
    from mapping.analysis.topics import TOPICS
    from mapping.domain import vocabulary as vocab

    rows = qn.choices()
    assert [n for lst, n, _a, _b in rows if lst == "categorie"] == list(vocab.CATEGORIES)
    assert [n for lst, n, _a, _b in rows if lst == "themas"] == list(TOPICS)
    for lst, name, nl, en in rows:
        for label in (nl, en):
            if lst == "categorie":
                assert vocab.canonical_category(label) == (name, True), label
            elif lst == "themas":
                assert vocab.canonical_topic(label) == name, label
            elif lst == "soort":
                assert vocab.canonical_kind(label) == vocab.canonical_kind(name), label
            elif lst == "likert":
                assert sv.likert_score(label) == (int(name), None), label


def test_pyxform_converts_the_form_when_it_is_installed():
    # pyxform (the XLSForm reference converter) is not a dependency: checked where present.
    xls2xform = pytest.importorskip("pyxform.xls2xform")
    warnings: list[str] = []
    xml = xls2xform.convert(xlsform=str(COMMITTED), warnings=warnings, validate=False).xform
    assert warnings == []
    for path in ("/organisatie/naam", "/bereik/themas", "/partners/vertrouwen"):
        assert path in xml
    assert 'lang="English (en)"' in xml


def test_committed_xlsform_is_the_generated_one(form):
    committed = load_workbook(COMMITTED)
    for title in form.sheetnames:
        assert sheet_rows(committed, title) == sheet_rows(form, title), title


def slug(name: str) -> str:
    return name.lower().replace(" ", "_")


def kobo_export(split: bool = False) -> bytes:
    """A KoboToolbox XLSX export of this form: XML headers and values, repeat on its own sheet.

    ``split``: multiple-select "as single and separate columns" (one 1/0 column per topic too).
    """
    from mapping.analysis.topics import TOPICS

    options = [f"bereik/themas/{t}" for t in TOPICS] if split else []
    main = [["start", "end", "organisatie/naam", "organisatie/soort", "organisatie/categorie",
             "bereik/oudergroepen", "bereik/themas", *options, "_id", "_uuid", "_submission_time",
             "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags",
             "_index"]]
    repeat = [["partners/partner_naam", "partners/vertrouwen", "partners/doelen",
               "partners/rollen", "partners/gelijkwaardigheid", "_index", "_parent_table_name",
               "_parent_index", "_submission__id", "_submission__uuid",
               "_submission__submission_time"]]
    index = 0
    for n, (org, kind, category, groups, topics, partners) in enumerate(ANSWERS, 1):
        uuid = f"7f3c9a1e-0000-4000-8000-00000000000{n}"
        main.append([f"2026-03-0{n}T09:00:00.000+01:00", f"2026-03-0{n}T09:10:00.000+01:00",
                     org, kind, category, "; ".join(groups), " ".join(topics),
                     *([int(t in topics) for t in TOPICS] if split else []), 100 + n, uuid,
                     f"2026-03-0{n}T08:10:00", "", "", "submitted_via_web", "", "vSxz3", "", n])
        for partner, scores in partners.items():
            index += 1
            repeat.append([partner, *scores, index, qn.FORM_ID, n, 100 + n, uuid,
                           f"2026-03-0{n}T08:10:00"])
    book = Workbook()
    book.active.title = qn.FORM_ID
    for row in main:
        book.active.append(row)
    sheet = book.create_sheet("partners")
    for row in repeat:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def recipe_titles() -> list[tuple[str, str]]:
    """The ``| Nederlands | English |`` rows of the recipe table in the README."""
    text = RECIPE.read_text("utf-8")
    block = text.split("<!-- recipe:start -->", 1)[1].split("<!-- recipe:end -->", 1)[0]
    rows = [r.strip().strip("|").split("|") for r in block.strip().splitlines()[2:]]
    return [(nl.strip().strip("`"), en.strip().strip("`")) for nl, en, *_ in rows]


def google_export(lang: str) -> bytes:
    """A Google Forms CSV download made with the recipe's titles (grid rows: the partners)."""
    titles = [t[0 if lang == "nl" else 1] for t in recipe_titles()]
    org, kind, category, groups, topics, works_with = titles[:6]
    grid = titles[6:]
    partners = sorted({p for a in ANSWERS for p in a[5]})
    label = {c[1]: (c[2] if lang == "nl" else c[3]) for c in qn.choices()}
    likert = {int(n): (a if lang == "nl" else b) for n, a, b in qn.LIKERT}
    header = ["Tijdstempel" if lang == "nl" else "Timestamp", org, kind, category, groups,
              topics, works_with, *[f"{g} [{p}]" for g in grid for p in partners]]
    rows = [header]
    for n, (name, kind_, cat, grs, tps, ratings) in enumerate(ANSWERS, 1):
        row = [f"2026/03/0{n} 10:1{n}:00 AM CET", name, label[kind_], label[cat],
               ";".join(grs), ";".join(label[t] for t in tps), ";".join(ratings)]
        for c in range(4):
            row += [likert[ratings[p][c]] if p in ratings else "" for p in partners]
        rows.append(row)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


MICROSOFT_META = {
    # As Microsoft Forms' "Open in Excel" writes them (Dutch and English accounts).
    "nl": ("ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam",
           "Tijd van laatste wijziging"),
    "en": ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time"),
}
PEOPLE = (("fatima.yilmaz@example.org", "Fatima Yilmaz"), ("jan.devries@example.org",
                                                          "Jan de Vries"),
          ("anoniem", "Anoniem"))
"""The respondents' e-mail addresses and names Microsoft Forms records (never stored)."""


def microsoft_export(lang: str) -> bytes:
    """A Microsoft Forms workbook of the recipe ("Open in Excel"), with its six metadata columns.

    Forms has no grid with free rows, so each condition is a choice question per partner
    titled ``"Vertrouwen [Moskee Al Fath]"`` (the recipe); a multi-select answer is joined
    with ``;`` and ends with one; times are real date-time cells.
    """
    from datetime import datetime

    titles = [t[0 if lang == "nl" else 1] for t in recipe_titles()]
    grid = titles[6:]
    partners = sorted({p for a in ANSWERS for p in a[5]})
    label = {c[1]: (c[2] if lang == "nl" else c[3]) for c in qn.choices()}
    likert = {int(n): (a if lang == "nl" else b) for n, a, b in qn.LIKERT}
    rows: list[list[object]] = [[*MICROSOFT_META[lang], *titles[:6],
                                 *[f"{g} [{p}]" for g in grid for p in partners]]]
    for n, (name, kind, cat, grs, tps, ratings) in enumerate(ANSWERS, 1):
        mail, person = PEOPLE[n - 1]
        row: list[object] = [n, datetime(2026, 3, n, 9, 0), datetime(2026, 3, n, 9, 7), mail,
                             person, None, name, label[kind], label[cat],
                             "".join(f"{g};" for g in grs),
                             "".join(f"{label[t]};" for t in tps),
                             "".join(f"{p};" for p in ratings)]
        for c in range(4):
            row += [likert[ratings[p][c]] if p in ratings else None for p in partners]
        rows.append(row)
    book = Workbook()
    book.active.title = "Sheet1"
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXPORTS = {"kobo.xlsx": kobo_export, "kobo_split.xlsx": lambda: kobo_export(split=True),
           "google_nl.csv": lambda: google_export("nl"),
           "google_en.csv": lambda: google_export("en"),
           "microsoft_nl.xlsx": lambda: microsoft_export("nl"),
           "microsoft_en.xlsx": lambda: microsoft_export("en")}


def test_recipe_table_has_the_questions_of_the_form():
    titles = recipe_titles()
    assert len(titles) == 10
    labels = {(q[2], q[3]) for q in qn.QUESTIONS}
    for pair in titles[:5]:
        assert pair in labels, pair


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_exports_of_the_questionnaire_import_with_no_mapping_step(name):
    data = EXPORTS[name]()
    table, col = sv.read_survey(name, data, "en")
    assert table is not None, col.errors
    assert table.tool == {"kobo": "kobo", "google": "google-forms",
                          "microsoft": "microsoft-forms"}[name.split("_")[0].split(".")[0]]
    mapping = sv.guess_mapping(table)
    assert mapping.certain  # recognised as the questionnaire: the Data page skips the form
    # Nothing for the researcher to correct: every question column has its role, sure enough
    # to be applied as guessed, and nothing is left "ignore" that is a question of the form.
    used = {r.role for r in mapping.columns}
    if name.startswith("kobo"):  # Google Forms has no respondent id: the row is the respondent
        assert "respondent" in used
    assert {"org_name", "org_kind", "org_category", "groups", "topics",
            *CONDITIONS} <= used
    assert "partners" in used or "partner_name" in used
    doubtful = [r for r in mapping.columns if r.role not in ("ignore",) and r.confidence < 0.7]
    assert doubtful == []
    meta = {c for lang in ("nl", "en") for c in MICROSOFT_META[lang]}
    questions = [r for r in mapping.columns if r.role == "ignore" and r.column not in meta
                 and not r.column.startswith(("_", "start", "end", "Tijdstempel", "Timestamp"))]
    if name == "kobo_split.xlsx":  # the single column repeats the option columns: read once
        assert [r.column for r in questions] == ["bereik/themas"]
    else:
        assert questions == []
    if name == "kobo.xlsx":
        assert {(r.sheet, r.column): r.role for r in mapping.columns if r.role != "ignore"} == {
            (None, "organisatie/naam"): "org_name", (None, "organisatie/soort"): "org_kind",
            (None, "organisatie/categorie"): "org_category",
            (None, "bereik/oudergroepen"): "groups", (None, "bereik/themas"): "topics",
            (None, "_id"): "respondent", ("partners", "partners/partner_naam"): "partner_name",
            ("partners", "partners/vertrouwen"): "trust",
            ("partners", "partners/doelen"): "shared_goals",
            ("partners", "partners/rollen"): "role_clarity",
            ("partners", "partners/gelijkwaardigheid"): "equality"}
    elif name.startswith(("google", "microsoft")):
        head = [mapping.role(c.key) for c in table.main.columns]
        if name.startswith("microsoft"):  # its six metadata columns first, the personal dropped
            assert [r.role for r in head[:6]] == ["respondent", "ignore", "ignore", "drop",
                                                  "drop", "ignore"]
            head = head[5:]
        assert [(r.role, r.shape) for r in head[1:7]] == [
            ("org_name", "value"), ("org_kind", "value"), ("org_category", "value"),
            ("groups", "list"), ("topics", "list"), ("partners", "list")]
        assert all(r.shape == "grid" and r.item for r in head[7:])
    result = sv.import_survey(name, data, lang="en", secret=SECRET)
    assert result.ok, result.errors
    assert result.mapping == mapping
    ds = result.dataset
    orgs = ds.organisations.set_index("id")
    assert sorted(orgs["name"]) == sorted(
        ["Moskee Al Fath", "Wijkteam Noord", "Buurtcentrum De Brug", "CJG Centrum"])
    assert orgs.loc["moskee_al_fath", "kind"] == "informal"
    assert orgs.loc["wijkteam_noord", "kind"] == "formal"
    assert orgs.loc["wijkteam_noord", "category"] == "wijkteam"
    assert sorted(ds.parent_groups["name"]) == ["Marokkaanse moeders", "Somalische moeders",
                                                "Turkse vaders"]
    topics = dict(zip(zip(ds.reach["organisation"], ds.reach["group"], strict=True),
                      ds.reach["topics"], strict=True))
    # Every group a respondent named is reached by it, on the topics it ticked.
    assert topics == {(slug(org), slug(group)): tuple(tps)
                      for org, _k, _c, groups, tps, _p in ANSWERS for group in groups}
    collab = ds.collaborations.set_index(["source", "target"])
    assert len(collab) == 5
    row = collab.loc[("moskee_al_fath", "wijkteam_noord")]
    assert tuple(row[c] for c in CONDITIONS) == (5, 4, 3, 4)
    row = collab.loc[("buurtcentrum_de_brug", "cjg_centrum")]
    assert tuple(row[c] for c in CONDITIONS) == (2, 3, 3, 1)


def test_cli_writes_the_xlsform(tmp_path):
    from mapping.cli import main

    assert main(["questionnaire", "--out", str(tmp_path)]) == 0
    assert (tmp_path / qn.FILE_NAME).exists()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_microsoft_forms_names_and_addresses_are_never_stored(lang, tmp_path):
    name = f"microsoft_{lang}.xlsx"
    result = sv.import_survey(name, EXPORTS[name](), lang=lang, secret=SECRET)
    assert result.ok, result.errors
    assert result.mapping.certain  # recognised: the Data page shows no mapping form
    mail, person = MICROSOFT_META[lang][3:5]
    assert {(mail, "personal"), (person, "personal")} <= set(result.dropped)
    # Nothing the respondent is known by reaches a table, the mapping file or the CSVs.
    ds = result.dataset
    cells = {str(v) for table in ("organisations", "parent_groups", "reach", "collaborations")
             for v in ds.table(table).astype(str).to_numpy().ravel()}
    from tests.browser.conftest import write_folder

    folder = write_folder(ds, tmp_path / "out")
    written = "".join(f.read_text("utf-8") for f in folder.iterdir())
    saved = result.mapping.to_json()
    for address, who in PEOPLE:
        for secret in (address, who):
            assert not any(secret in c for c in cells), secret
            assert secret not in written and secret not in saved
    # The response number is kept only as a keyed hash, like any respondent id.
    assert set(ds.collaborations["reported_by"]) and all(
        str(v).startswith("r-") for v in ds.collaborations["reported_by"])


def test_microsoft_forms_with_a_column_of_its_own_still_asks():
    """An extra question the questionnaire does not have: the researcher maps it."""
    book = load_workbook(io.BytesIO(microsoft_export("en")))
    sheet = book.active
    sheet.cell(1, sheet.max_column + 1, "How long have you worked here?")
    out = io.BytesIO()
    book.save(out)
    table, col = sv.read_survey("microsoft_en.xlsx", out.getvalue(), "en")
    assert table is not None, col.errors
    assert not sv.guess_mapping(table).certain


@pytest.mark.parametrize("header", ["Id", "ID"])
def test_microsoft_forms_metadata_is_recognised_in_either_spelling(header):
    book = load_workbook(io.BytesIO(microsoft_export("en")))
    book.active.cell(1, 1, header)
    out = io.BytesIO()
    book.save(out)
    table, _ = sv.read_survey("microsoft_en.xlsx", out.getvalue(), "en")
    mapping = sv.guess_mapping(table)
    assert mapping.certain
    assert mapping.role(header).role == "respondent"


def test_personal_metadata_kept_by_mistake_is_not_the_questionnaire():
    """A mapping that keeps Email as a field is not certain: the form is shown to correct it."""
    table, _ = sv.read_survey("microsoft_en.xlsx", microsoft_export("en"), "en")
    mapping = sv.guess_mapping(table)
    from mapping.io.surveys.own_form import recognise

    assert recognise(table, mapping)
    assert not recognise(table, mapping.with_role("Email", "ignore"))
    assert not recognise(table, mapping.with_role("Name", "org_name"))

