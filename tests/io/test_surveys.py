"""Survey exports as a district (mapping.io.surveys).

The fixtures in ``tests/io/fixtures/surveys/`` are one small district answered
by three organisations, exported the way each tool exports it; where the
format knowledge came from is in ``make_fixtures.py`` beside them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from mapping.io import surveys as sv
from mapping.io.write import write_csv_folder
from tests.io.fixtures.surveys import make_fixtures as mk
from tests.security.corpus import CONTROL, HTML_INJECTION

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
SECRET = b"test-secret"

TOOLS = {
    "qualtrics_text.csv": "qualtrics",
    "qualtrics_numeric.csv": "qualtrics",
    "google_forms.csv": "google-forms",
    "google_sheets_en.xlsx": "google-forms",
    "microsoft_forms.xlsx": "microsoft-forms",
    "limesurvey_text.csv": "limesurvey",
    "limesurvey_code_text.csv": "limesurvey",
    "kobo_repeat.xlsx": "kobo",
    "kobo_split.csv": "kobo",
    "surveymonkey.csv": "surveymonkey",
}
WITH_RATINGS = {"qualtrics_text.csv", "qualtrics_numeric.csv", "google_forms.csv",
                "google_sheets_en.xlsx", "limesurvey_text.csv", "limesurvey_code_text.csv",
                "kobo_repeat.xlsx", "surveymonkey.csv"}
WITH_TOPICS = {"qualtrics_text.csv", "qualtrics_numeric.csv", "google_forms.csv",
               "google_sheets_en.xlsx", "microsoft_forms.xlsx", "kobo_repeat.xlsx"}


def load(name: str, lang: str = "en") -> sv.SurveyResult:
    return sv.import_survey(name, (FIXTURES / name).read_bytes(), lang=lang, secret=SECRET)


def table(name: str) -> sv.SurveyTable:
    survey, col = sv.read_survey(name, (FIXTURES / name).read_bytes(), "en")
    assert survey is not None, col.errors
    return survey


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_every_tool_gives_the_same_district_with_no_mapping_step(name):
    result = load(name)
    assert result.ok, result.errors
    assert result.tool == TOOLS[name]
    ds = result.dataset
    orgs = ds.organisations.set_index("id")
    # Kobo's XML values lose case ("cjg_centrum" reads "Cjg centrum"): compare as names match.
    assert sorted(map(sv.name_key, orgs["name"])) == sorted(map(sv.name_key, mk.ORGS))
    if name != "kobo_repeat.xlsx":
        assert sorted(orgs["name"]) == sorted(mk.ORGS)
    assert orgs.loc["moskee_al_fath", "kind"] == "informal"
    assert orgs.loc["wijkteam_noord", "kind"] == "formal"
    assert orgs.loc["cjg_centrum", "kind"] == "formal"  # named only: guessed from "CJG"
    assert sorted(ds.parent_groups["name"]) == sorted(mk.GROUPS)
    reach = set(zip(ds.reach["organisation"], ds.reach["group"], strict=True))
    assert reach == {("moskee_al_fath", "somalische_moeders"), ("moskee_al_fath", "turkse_vaders"),
                     ("wijkteam_noord", "somalische_moeders"),
                     ("buurtcentrum_de_brug", "marokkaanse_moeders")}
    pairs = list(zip(ds.collaborations["source"], ds.collaborations["target"], strict=True))
    assert sorted(pairs) == sorted([
        ("moskee_al_fath", "wijkteam_noord"), ("moskee_al_fath", "buurtcentrum_de_brug"),
        ("wijkteam_noord", "moskee_al_fath"), ("buurtcentrum_de_brug", "moskee_al_fath"),
        ("buurtcentrum_de_brug", "cjg_centrum")])
    collab = ds.collaborations.set_index(["source", "target"])
    if name in WITH_RATINGS:
        # Likert words (nl and en) and numeric codes land as the same scores.
        row = collab.loc[("moskee_al_fath", "wijkteam_noord")]
        assert (row.trust, row.shared_goals, row.role_clarity, row.equality) == (5, 4, 3, 4)
        row = collab.loc[("buurtcentrum_de_brug", "cjg_centrum")]
        assert (row.trust, row.equality) == (2, 1)
    else:
        assert ds.collaborations["trust"].isna().all()
    if name in WITH_TOPICS:
        topics = dict(zip(zip(ds.reach["organisation"], ds.reach["group"], strict=True),
                          ds.reach["topics"], strict=True))
        assert topics[("moskee_al_fath", "turkse_vaders")] == ("raising_children", "school")
        assert topics[("wijkteam_noord", "somalische_moeders")] == ("domestic_violence",)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_no_personal_data_is_stored_or_written(name, tmp_path):
    result = load(name)
    write_csv_folder(result.dataset, tmp_path)
    written = "\n".join(p.read_text("utf-8") for p in tmp_path.iterdir())
    for first, last, mail, ip in (r["person"] for r in mk.RESPONDENTS):
        for secret in (mail, ip, last, "06-12345678", "Groeten", "Mail me",
                       "Vaders van de voetbalclub"):
            assert secret not in written, (name, secret)
        assert f"{first} {last}" not in written
    pseudonyms = set(result.dataset.collaborations["reported_by"])
    assert len(pseudonyms) == 3 and all(p.startswith("r-") and len(p) == 14 for p in pseudonyms)
    # The respondent ids themselves (ResponseId, _id, Respondent ID...) are not stored either.
    assert "R_1a8Xk2PqZ" not in written and "11901" not in written


def test_dropped_columns_are_named_with_their_reason():
    dropped = dict(load("qualtrics_text.csv").dropped)
    for column in ("IPAddress", "RecipientEmail", "RecipientFirstName", "RecipientLastName",
                   "LocationLatitude", "Q11"):
        assert dropped[column] == "personal", column
    assert dropped["StartDate"] == "unused"
    monkey = dict(load("surveymonkey.csv").dropped)
    assert monkey["Welke oudergroepen bereikt u? / Other (please specify)"] == "personal"
    assert monkey["Email Address"] == "personal" and monkey["First Name"] == "personal"


def test_pseudonyms_are_stable_per_secret_and_differ_between_secrets():
    a = load("google_forms.csv").dataset.collaborations["reported_by"].tolist()
    b = load("google_forms.csv").dataset.collaborations["reported_by"].tolist()
    other = sv.import_survey("google_forms.csv", (FIXTURES / "google_forms.csv").read_bytes(),
                             secret=b"another").dataset.collaborations["reported_by"].tolist()
    assert a == b and set(a).isdisjoint(other)
    fresh = sv.import_survey("google_forms.csv", (FIXTURES / "google_forms.csv").read_bytes())
    assert set(fresh.dataset.collaborations["reported_by"]).isdisjoint(a)  # random secret


@pytest.mark.parametrize(("answer", "score"), [
    ("Helemaal mee eens", 5), ("mee eens", 4), ("Neutraal", 3), ("Niet mee eens", 2),
    ("helemaal mee oneens", 1), ("Strongly agree", 5), ("Agree", 4),
    ("Neither agree nor disagree", 3), ("Disagree", 2), ("Strongly Disagree", 1),
    ("4", 4), ("3,5", 3.5), ("5 - Helemaal mee eens", 5), ("2 = mee oneens", 2),
    ("Helemaal mee eens (5)", 5), (" HELEMAAL   MEE EENS ", 5),
])
def test_likert_words_and_numbers_map_to_one_to_five(answer, score):
    assert sv.likert_score(answer) == (score, None)


@pytest.mark.parametrize(("answer", "outcome"), [
    ("", (None, None)), ("Weet niet", (None, None)), ("n.v.t.", (None, None)),
    ("Not applicable", (None, None)), ("7", (None, "score_range")), ("0", (None, "score_range")),
    ("soms", (None, "score_invalid")),
])
def test_no_answer_and_bad_answers(answer, outcome):
    assert sv.likert_score(answer) == outcome


def test_multi_select_variants_are_read_as_the_tool_writes_them():
    shapes = {}
    for name in ("google_forms.csv", "google_sheets_en.xlsx", "microsoft_forms.xlsx",
                 "qualtrics_text.csv", "kobo_split.csv", "limesurvey_text.csv",
                 "surveymonkey.csv", "kobo_repeat.xlsx"):
        mapping = sv.guess_mapping(table(name))
        groups = mapping.used("groups")
        shapes[name] = ({g.shape for g in groups}, {g.separator for g in groups})
    assert shapes["google_forms.csv"] == ({"list"}, {";"})
    assert shapes["google_sheets_en.xlsx"] == ({"list"}, {", "})
    assert shapes["microsoft_forms.xlsx"] == ({"list"}, {";"})  # with a trailing ";"
    assert shapes["qualtrics_text.csv"] == ({"list"}, {","})
    for name in ("kobo_split.csv", "limesurvey_text.csv", "surveymonkey.csv",
                 "kobo_repeat.xlsx"):
        assert shapes[name][0] == {"option"}, name
    # Kobo "single and separate columns": the single column is not read twice.
    kobo = sv.guess_mapping(table("kobo_repeat.xlsx"))
    assert kobo.role("bereik/oudergroepen").role == "ignore"


def test_split_answers_drops_empty_parts():
    assert sv.split_answers("A;B;", ";") == ["A", "B"]
    assert sv.split_answers("A, B", ", ") == ["A", "B"]
    assert sv.split_answers("", ";") == []
    assert sv.split_answers("Eén", None) == ["Eén"]


def test_repeat_group_rows_join_their_respondent_by_parent_index():
    mapping = sv.guess_mapping(table("kobo_repeat.xlsx"))
    assert mapping.role("partners/partner_naam", "partners").role == "partner_name"
    assert mapping.role("partners/vertrouwen", "partners").role == "trust"
    data = (FIXTURES / "kobo_repeat.xlsx").read_bytes()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    book["partners"].append(["wijkteam_noord", 3, 3, 3, 3, 99, "wijknetwerk", 42])
    out = io.BytesIO()
    book.save(out)
    result = sv.import_survey("kobo.xlsx", out.getvalue(), lang="en", secret=SECRET)
    assert result.ok
    orphan = [w for w in result.warnings if w.code == "repeat_orphan"]
    assert len(orphan) == 1 and orphan[0].row == 7 and orphan[0].column == "_parent_index"
    assert orphan[0].file == "kobo.xlsx, partners" and "42" in orphan[0].message
    assert len(result.dataset.collaborations) == 5


def test_mapping_round_trips_through_json_and_reapplies():
    survey = table("google_forms.csv")
    mapping = sv.guess_mapping(survey)
    again = sv.SurveyMapping.from_json(mapping.to_json())
    assert again == mapping
    first = sv.apply(survey, mapping, "en", SECRET).dataset
    second = sv.apply(survey, again, "en", SECRET).dataset
    assert first.fingerprint() == second.fingerprint()
    assert all(0 <= c.confidence <= 1 for c in mapping.columns)


def test_a_corrected_mapping_changes_the_result():
    survey = table("google_forms.csv")
    mapping = sv.guess_mapping(survey)
    fixed = mapping.with_role("Over welke thema's spreekt u met hen?", "ignore")
    assert fixed.role("Over welke thema's spreekt u met hen?").confidence == 1.0
    result = sv.apply(survey, fixed, "en", SECRET)
    assert result.ok and all(t == () for t in result.dataset.reach["topics"])
    assert ("Over welke thema's spreekt u met hen?", "unused") in result.dropped


def test_mapping_problems_are_issues_not_exceptions():
    with pytest.raises(ValueError):
        sv.SurveyMapping.from_json('{"tool": "x", "columns": [{"column": "a", "role": "boss"}]}')
    with pytest.raises(ValueError):
        sv.SurveyMapping.from_json("not json")
    survey = table("google_forms.csv")
    mapping = sv.guess_mapping(survey).with_role("Vraag die er niet is", "trust")
    mapping = sv.SurveyMapping(mapping.tool, (*mapping.columns,
                                              sv.ColumnRole("Vraag die er niet is", "trust")))
    result = sv.apply(survey, mapping, "nl", SECRET)
    assert not result.ok
    assert result.errors[0].code == "column_not_found"
    assert "Vraag die er niet is" in result.errors[0].message
    no_name = sv.SurveyMapping(mapping.tool, tuple(
        c for c in sv.guess_mapping(survey).columns if c.role != "org_name"))
    result = sv.apply(survey, no_name, "en", SECRET)
    assert [e.code for e in result.errors] == ["no_org_column"]


def _google_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO((FIXTURES / "google_forms.csv").read_text("utf-8"))))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("hostile", CONTROL[:2])
def test_hostile_cell_is_an_issue_at_its_survey_row_and_column(hostile):
    rows = _google_rows()
    rows[2][3] = hostile  # the second respondent's organisation name
    result = sv.import_survey("wave.csv", _csv(rows), lang="en", secret=SECRET)
    assert not result.ok
    bad = [e for e in result.errors if e.code == "text_control"]
    assert bad and (bad[0].file, bad[0].row, bad[0].column) == (
        "wave.csv", 3, "Naam van uw organisatie")


def test_html_in_a_partner_name_is_kept_as_text():
    rows = _google_rows()
    evil = HTML_INJECTION[2]
    rows[3][8] += ";" + evil
    result = sv.import_survey("wave.csv", _csv(rows), lang="en", secret=SECRET)
    assert result.ok, result.errors
    assert evil in set(result.dataset.organisations["name"])


def test_bad_likert_answer_names_file_row_and_column_in_both_languages():
    rows = _google_rows()
    column = rows[0].index("Vertrouwen [Wijkteam Noord]")
    rows[1][column] = "soms wel"
    for lang, word in (("en", "not a score"), ("nl", "geen score")):
        result = sv.import_survey("wave.csv", _csv(rows), lang=lang, secret=SECRET)
        assert not result.ok
        (error,) = result.errors
        assert (error.file, error.row, error.column, error.value) == (
            "wave.csv", 2, "Vertrouwen [Wijkteam Noord]", "soms wel")
        assert word in error.message


def test_own_questions_are_guessed_from_the_answers():
    # No keyword says "partners": the answers are names that recur as respondents' own names.
    rows = [["Organisatie", "Soort", "Netwerk", "Bereikte groepen ouders"],
            ["Moskee Al-Fath", "informeel", "wijkteam noord; Buurtcentrum De Brug", "Somaliërs"],
            ["Wijkteam Noord", "formeel", "moskee al fath", "Somaliërs"],
            ["Buurtcentrum De Brug", "informeel", "Moskee Al Fath", "Turkse vaders"]]
    result = sv.import_survey("eigen.csv", _csv(rows), lang="en", secret=SECRET)
    assert result.ok, result.errors
    assert result.mapping.role("Netwerk").role == "partners"
    # Name variants (case, hyphen, spaces) are one organisation.
    assert len(result.dataset.organisations) == 3
    assert len(result.dataset.collaborations) == 4


def test_unreadable_files_are_issues():
    for name, data in (("x.csv", b""), ("x.csv", b"\x89PNG\r\n" + bytes(300)),
                       ("x.xlsx", b"PK\x03\x04 not a zip"), ("x.csv", b"only,a,header\n")):
        result = sv.import_survey(name, data, lang="en")
        assert not result.ok and result.errors, name
    rows = _google_rows()
    bad = _csv(rows).replace(b"Moskee", b"Mosk\xe9e", 1) + "é".encode()
    result = sv.import_survey("w.csv", bad, lang="en")
    assert not result.ok and result.errors[0].code == "utf8_invalid"


def test_cli_guesses_writes_the_mapping_and_reuses_it(tmp_path, capsys):
    from mapping.cli import main

    mapping_file, out, secret = tmp_path / "m.json", tmp_path / "out", tmp_path / "key"
    command = ["import-survey", str(FIXTURES / "surveymonkey.csv"),
               "--write-mapping", str(mapping_file), "--out", str(out), "--lang", "en",
               "--secret-file", str(secret)]
    assert main(command) == 0
    printed = capsys.readouterr().out
    assert "Not stored" in printed and "Email Address (personal)" in printed
    saved = json.loads(mapping_file.read_text("utf-8"))
    assert saved["tool"] == "surveymonkey"
    first = (out / "collaborations.csv").read_text("utf-8")
    command[2:4] = ["--mapping", str(mapping_file)]
    assert main(command) == 0
    assert (out / "collaborations.csv").read_text("utf-8") == first  # same key, same pseudonyms
    (tmp_path / "broken.json").write_text("{", "utf-8")
    command[3] = str(tmp_path / "broken.json")
    assert main(command) == 1
    assert "mapping file is not valid" in capsys.readouterr().err


def test_cli_runs_as_a_module_and_fails_without_a_traceback(tmp_path):
    bad = tmp_path / "leeg.csv"
    bad.write_bytes(b"")
    done = subprocess.run([sys.executable, "-m", "mapping", "import-survey", str(bad), "--out",
                           str(tmp_path / "o"), "--lang", "en"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "leeg.csv" in done.stderr and "empty" in done.stderr


def test_scores_are_numbers_in_the_dataset():
    ds = load("limesurvey_text.csv").dataset
    assert all(isinstance(v, float) and not math.isnan(v) for v in ds.collaborations["trust"])


# --------------------------------------------------------------------------- Network Canvas

NC = FIXTURES / "network_canvas"


def _nc_files():
    return [(p.name, p.read_bytes()) for p in sorted(NC.iterdir())]


def test_network_canvas_interviews_are_read_together_as_one_district():
    result = sv.import_files(_nc_files(), lang="en", secret=SECRET)
    assert result.ok, result.errors
    assert result.tool == "network-canvas"
    ds = result.dataset
    assert sorted(ds.organisations["name"]) == sorted(mk.ORGS)
    assert sorted(ds.parent_groups["name"]) == sorted(mk.GROUPS)
    reach = dict(zip(zip(ds.reach["organisation"], ds.reach["group"], strict=True),
                     ds.reach["topics"], strict=True))
    assert set(reach) == {("moskee_al_fath", "somalische_moeders"),
                          ("moskee_al_fath", "turkse_vaders"),
                          ("wijkteam_noord", "somalische_moeders"),
                          ("buurtcentrum_de_brug", "marokkaanse_moeders")}
    assert reach[("moskee_al_fath", "turkse_vaders")] == ("raising_children", "school")
    collab = ds.collaborations.set_index(["source", "target"])
    row = collab.loc[("moskee_al_fath", "wijkteam_noord")]
    assert (row.trust, row.shared_goals, row.role_clarity, row.equality) == (5, 4, 3, 4)
    # The link Moskee Al Fath drew between two of its partners: reported by Moskee Al Fath.
    link = collab.loc[("wijkteam_noord", "buurtcentrum_de_brug")]
    assert link.reported_by == collab.loc[("moskee_al_fath", "wijkteam_noord")].reported_by
    assert len(ds.collaborations) == 7
    written = ds.organisations.to_csv() + ds.collaborations.to_csv()
    for r in mk.RESPONDENTS:
        assert r["person"][2] not in written  # the ego's e-mail variable is dropped
    assert "e1a1c0de" not in written  # nor the ego UUID (only its keyed hash)


def test_network_canvas_problems_name_file_row_and_column():
    files = dict(_nc_files())
    name = next(n for n in files if n.startswith("case3") and "edgeList" in n)
    files[name] += b"2,1,9,e3a1c0de-0000-4000-8000-000000000003,y,o31-uuid,nobody\n"
    result = sv.import_files(list(files.items()), lang="en", secret=SECRET)
    assert result.ok
    issue = next(w for w in result.warnings if w.code == "nc_unknown_node")
    assert (issue.file, issue.row, issue.column, issue.value) == (
        name, 3, "networkCanvasTargetUUID", "nobody")
    alone = [(n, d) for n, d in files.items() if "_ego" not in n]
    refused = sv.import_files(alone, lang="en")
    assert not refused.ok and refused.errors[0].code == "nc_no_ego"


def test_several_exports_of_another_tool_are_refused_with_a_message():
    data = (FIXTURES / "google_forms.csv").read_bytes()
    result = sv.import_files([("a.csv", data), ("b.csv", data)], lang="en")
    assert not result.ok and result.errors[0].code == "several_files"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("variant", ["Moskee Al-Fath", "moskee al fath", "Moskee Al Fath",
                                     "MOSKEE  AL  FATH ", "Moskée Al Fath", "moskee_al_fath"])
def test_name_variants_are_one_name(variant):
    matcher = sv.NameMatcher(["Moskee Al Fath", "Wijkteam Noord"])
    found = matcher.match(variant)
    assert (found.known, found.status) == ("Moskee Al Fath", "same")


def test_typing_errors_match_look_alikes_are_listed_and_unknown_names_are_new():
    matcher = sv.NameMatcher(["Moskee Al Fath", "Wijkteam 1", "School A"])
    typo = matcher.match("Moskee Al Fatah")
    assert (typo.known, typo.status) == ("Moskee Al Fath", "fuzzy")
    assert sv.SURE <= typo.score < 100
    for name, known in (("Wijkteam 2", "Wijkteam 1"), ("School B", "School A")):
        near = matcher.match(name)
        assert (near.known, near.status) == (known, "uncertain"), name
        assert near.score >= sv.UNSURE
    assert matcher.match("Bibliotheek Oost").status == "new"
    assert matcher.match("Wijkteam 2 ").status == "uncertain"


def _with_partner(partner: str) -> bytes:
    text = (FIXTURES / "google_forms.csv").read_text("utf-8")
    return text.replace("Wijkteam Noord;", f"{partner};", 1).encode("utf-8")


def test_partner_spellings_are_matched_to_the_respondents_and_listed_for_review():
    result = sv.import_survey("g.csv", _with_partner("wijkteam-noord"), lang="en", secret=SECRET)
    assert result.ok and len(result.dataset.organisations) == 4
    result = sv.import_survey("g.csv", _with_partner("Wijkteam Noordd"), lang="en",
                              secret=SECRET)
    assert len(result.dataset.organisations) == 4  # a typing error: the same organisation
    assert [(m.name, m.known, m.status) for m in result.matches] == [
        ("Wijkteam Noordd", "Wijkteam Noord", "fuzzy")]
    warning = next(w for w in result.warnings if w.code == "name_fuzzy")
    assert warning.file == "g.csv" and warning.row == 2
    assert warning.column == "Met welke organisaties werkt u samen?"


def test_an_uncertain_match_stays_apart_until_the_researcher_links_it():
    data = _with_partner("Wijkteam Noord-Oost")
    result = sv.import_survey("g.csv", data, lang="en", secret=SECRET)
    assert len(result.dataset.organisations) == 5
    assert [(m.known, m.status) for m in result.matches] == [("Wijkteam Noord", "uncertain")]
    table, _col = sv.read_survey("g.csv", data, "en")
    linked = sv.guess_mapping(table).with_alias("Wijkteam Noord-Oost", "Wijkteam Noord")
    again = sv.apply(table, sv.SurveyMapping.from_json(linked.to_json()), "en", SECRET)
    assert len(again.dataset.organisations) == 4
    assert [m.status for m in again.matches] == ["alias"]


def test_the_districts_lists_keep_their_ids_and_unnamed_groups_count_as_unreached():
    from mapping.io.load import load_files

    lists = load_files([
        ("organisaties.csv", b"id,naam,soort,categorie\nM1,Moskee Al-Fath,informeel,moskee\n"
                             b"B9,Bibliotheek Oost,formeel,bibliotheek\n"),
        ("oudergroepen.csv", b"id,naam,gezinnen\nG1,Somalische moeders,40\n"
                             b"G2,Turkse vaders,25\nG3,Marokkaanse moeders,30\n"
                             b"G4,Eritrese ouders,12\n")], "en")
    assert lists.ok, lists.errors
    result = sv.import_survey("g.csv", (FIXTURES / "google_forms.csv").read_bytes(), lang="en",
                              secret=SECRET, lists=lists.dataset)
    assert result.ok, result.errors
    ds = result.dataset
    orgs = dict(zip(ds.organisations["name"], ds.organisations["id"], strict=True))
    assert orgs["Moskee Al-Fath"] == "M1" and orgs["Bibliotheek Oost"] == "B9"
    assert "Moskee Al Fath" not in orgs  # the answers' spelling became the list's
    groups = ds.parent_groups.set_index("id")
    assert groups.loc["G4", "name"] == "Eritrese ouders" and groups.loc["G4", "families"] == 12
    assert "G4" not in set(ds.reach["group"])  # named by nobody: in the district, unreached
    assert set(ds.reach["group"]) == {"G1", "G2", "G3"}
    new = {m.name for m in result.matches if m.status == "new"}
    assert new == {"Wijkteam Noord", "Buurtcentrum De Brug", "CJG Centrum"}


# --------------------------------------------------------------------------- upload kinds


def test_each_upload_goes_to_its_reader():
    from tests.io import samples

    demo = Path(__file__).resolve().parents[2] / "data" / "demo"
    assert sv.upload_kind([(p.name, p.read_bytes()) for p in demo.iterdir()]) == "tables"
    assert sv.upload_kind([("organisaties.csv", b"id,naam,soort\n1,Moskee,misschien\n")]) \
        == "tables"
    for name in TOOLS:
        assert sv.upload_kind([(name, (FIXTURES / name).read_bytes())]) == "survey", name
    assert sv.upload_kind(_nc_files()) == "survey"
    for name, data in (("k.xlsx", samples.kumu_workbook()), ("k.json", samples.kumu_json()),
                       ("g.gexf", samples.gexf()), ("g.graphml", samples.graphml()),
                       ("p.xlsx", samples.polinode_workbook())):
        assert sv.upload_kind([(name, data)]) == "network", name
    assert sv.upload_kind(samples.gephi_csv()) == "network"


def test_cli_reads_network_canvas_interviews_and_the_districts_lists(tmp_path, capsys):
    from mapping.cli import main

    base = tmp_path / "wijk"
    base.mkdir()
    (base / "oudergroepen.csv").write_text("id,naam,gezinnen\nG1,Somalische moeders,40\n"
                                           "G4,Eritrese ouders,12\n", "utf-8")
    out = tmp_path / "out"
    command = ["import-survey", *map(str, sorted(NC.iterdir())), "--base", str(base),
               "--out", str(out), "--lang", "en"]
    assert main(command) == 0, capsys.readouterr().err
    groups = (out / "parent_groups.csv").read_text("utf-8")
    assert "G4" in groups and "Eritrese ouders" in groups
    assert "case1" not in (out / "collaborations.csv").read_text("utf-8")


# --------------------------------------------------------------------------- own questionnaire


def _own_exports() -> dict[str, bytes]:
    """The questionnaire's simulated exports (Kobo XLSX, split or not; Google Forms nl, en)."""
    from tests.io.test_questionnaire import EXPORTS

    return {name: make() for name, make in EXPORTS.items()}


@pytest.mark.parametrize("name", ["kobo.xlsx", "kobo_split.xlsx", "google_nl.csv",
                                  "google_en.csv"])
def test_the_own_questionnaires_exports_are_recognised_and_their_guess_is_certain(name):
    survey, col = sv.read_survey(name, _own_exports()[name], "en")
    assert survey is not None, col.errors
    mapping = sv.guess_mapping(survey)
    assert sv.recognise(survey, mapping)
    assert mapping.certain
    assert {r.confidence for r in mapping.columns} == {1.0}
    # Certainty changes no role: the import is what the heuristic guess gave.
    result = sv.apply(survey, mapping, "en", SECRET)
    assert result.ok, result.errors
    assert len(result.dataset.collaborations) == 5


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_other_exports_are_not_recognised(name):
    survey = table(name)
    mapping = sv.guess_mapping(survey)
    assert not sv.recognise(survey, mapping)
    assert not mapping.certain
    assert max(r.confidence for r in mapping.columns) < 1.0


def _google_own(lang: str, extra: str | None = None, rename: tuple[str, str] | None = None
                ) -> sv.SurveyTable:
    rows = list(csv.reader(io.StringIO(_own_exports()[f"google_{lang}.csv"].decode("utf-8"))))
    if extra:
        rows = [[*r, extra if i == 0 else "x"] for i, r in enumerate(rows)]
    if rename:
        rows[0] = [rename[1] if h == rename[0] else h for h in rows[0]]
    survey, col = sv.read_survey("g.csv", _csv(rows), "en")
    assert survey is not None, col.errors
    return survey


@pytest.mark.parametrize("extra", ["E-mailadres", "Email Address", "Opmerkingen",
                                   "Naam van uw organisatie (oud)", "Vraag 12"])
def test_one_column_that_is_not_a_question_of_the_form_shows_the_form(extra):
    survey = _google_own("nl", extra=extra)
    mapping = sv.guess_mapping(survey)
    assert not sv.recognise(survey, mapping) and not mapping.certain


def test_a_known_header_guessed_otherwise_is_not_recognised():
    survey = _google_own("en")
    mapping = sv.guess_mapping(survey)
    assert sv.recognise(survey, mapping)
    wrong = mapping.with_role("Category", "ignore")
    assert not sv.recognise(survey, wrong)
    # A retitled question (not the recipe's title) is not the questionnaire either.
    renamed = _google_own("en", rename=("Category", "Sector"))
    assert not sv.guess_mapping(renamed).certain


def test_kobo_without_its_questions_or_with_a_foreign_sheet_is_not_recognised():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["start", "end", "_id", "_uuid", "_index"])
    book.active.append(["2026-03-01", "2026-03-01", "1", "u", "1"])
    book.active.append(["2026-03-02", "2026-03-02", "2", "v", "2"])
    out = io.BytesIO()
    book.save(out)
    survey, _col = sv.read_survey("kobo.xlsx", out.getvalue(), "en")
    if survey is not None:  # only metadata: nothing of the questionnaire
        assert not sv.guess_mapping(survey).certain
    from openpyxl import load_workbook

    data = _own_exports()["kobo.xlsx"]
    book = load_workbook(io.BytesIO(data))
    extra = book.create_sheet("kinderen")
    extra.append(["partners/leeftijd", "_parent_index"])
    extra.append(["4", "1"])
    out = io.BytesIO()
    book.save(out)
    survey, col = sv.read_survey("kobo.xlsx", out.getvalue(), "en")
    assert survey is not None, col.errors
    assert not sv.guess_mapping(survey).certain


def test_every_question_of_the_form_has_a_role():
    from mapping.io.surveys import own_form
    from mapping.io.surveys.questionnaire import QUESTIONS

    named = {name for kind, name, *_ in QUESTIONS if name and kind != "begin_group"}
    assert named == set(own_form.ROLE_OF)
    assert set(own_form.ROLE_OF.values()) <= set(sv.ROLES)


def test_a_mapping_is_certain_once_the_researcher_set_every_column():
    survey = table("google_forms.csv")
    mapping = sv.guess_mapping(survey)
    assert not mapping.certain
    for role in mapping.columns:
        mapping = mapping.with_role(role.column, role.role, role.sheet)
    assert mapping.certain
    assert not sv.SurveyMapping("generic", ()).certain


def test_a_mapping_file_nested_too_deep_is_refused_as_invalid():
    with pytest.raises(ValueError, match="nested too deep"):
        sv.SurveyMapping.from_json("[" * 100_000)
