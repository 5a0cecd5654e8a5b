"""Loading: every input form, every error and every warning of issue 2."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from mapping.io import load
from mapping.io.load import load_files, load_path

ORGS = ("id,name,kind,category,neighbourhood,lat,lon,topics\n"
        "W1,Wijkteam Zuid,formal,wijkteam,BU01,52.0,4.3,raising_children|school\n"
        "M1,Moskee Nuur,informal,moskee,BU01,52.01,4.31,\n")
GROUPS = "id,name,community,neighbourhood,families\nG1,Somalische moeders,Somalisch,BU01,40\n"
REACH = "organisation,group,strength\nW1,G1,4\nM1,G1,3.5\n"
COLLABS = ("source,target,trust,shared_goals,role_clarity,equality,reported_by\n"
           "M1,W1,4,3.5,3,4,r1\n")


def files(**overrides: str | bytes | None) -> list[tuple[str, bytes]]:
    """A small valid district as upload pairs; ``overrides`` replace or drop files."""
    base: dict[str, str | bytes | None] = {
        "organisations.csv": ORGS, "parent_groups.csv": GROUPS, "reach.csv": REACH,
        "collaborations.csv": COLLABS}
    base.update({k.replace("__", "."): v for k, v in overrides.items()})
    return [(name, data.encode() if isinstance(data, str) else data)
            for name, data in base.items() if data is not None]


def codes(result: load.LoadResult, severity: str = "error") -> list[str]:
    issues = result.errors if severity == "error" else result.warnings
    return [i.code for i in issues]


def only(result: load.LoadResult, code: str, severity: str = "error"):
    found = [i for i in (result.errors if severity == "error" else result.warnings)
             if i.code == code]
    assert len(found) == 1, (code, result.errors, result.warnings)
    return found[0]


# --- valid input in every form -------------------------------------------------------------


def test_valid_district_loads_with_canonical_types():
    result = load_files(files())
    assert result.ok, result.errors
    data = result.dataset
    assert data.counts() == {"organisations": 2, "parent_groups": 1, "reach": 2,
                             "collaborations": 1, "neighbourhoods": 0}
    orgs = data.organisations
    assert list(orgs.columns[:5]) == ["id", "name", "kind", "category", "neighbourhood"]
    assert orgs.loc[0, "topics"] == ("raising_children", "school")
    assert orgs.loc[1, "topics"] == ()
    assert data.parent_groups["families"].dtype == "Int64"
    assert data.reach["strength"].tolist() == [4.0, 3.5]
    assert data.collaborations.loc[0, "shared_goals"] == 3.5
    assert orgs.loc[1, "contact"] is None


def test_dutch_headers_file_names_and_aliases():
    orgs = ("Code;Naam;Formeel/Informeel;Categorie;Buurt;Breedtegraad;Lengtegraad;Thema's\n"
            "W1;Wijkteam;formeel;Wijkteam;BU01;52,0;4,3;Opvoeden|Huiselijk geweld\n")
    groups = "ID;Naam;Gemeenschap;Wijk;Aantal gezinnen\nG1;Turkse vaders;Turks;BU01;12\n"
    reach = "Organisatie;Oudergroep;Sterkte\nW1;G1;2,5\n"
    collabs = ("Organisatie A;Organisatie B;Vertrouwen;Gezamenlijke doelen;"
               "Duidelijkheid rollen;Gelijkwaardigheid\nW1;W1;4;4;4;4\n")
    result = load_files([("Organisaties.CSV", orgs.encode()), ("oudergroepen.csv", groups.encode()),
                         ("BEREIK.csv", reach.encode()), ("samenwerkingen.csv", collabs.encode())])
    assert result.ok, result.errors
    orgs_frame = result.dataset.organisations
    assert orgs_frame.loc[0, "kind"] == "formal"
    assert orgs_frame.loc[0, "lat"] == 52.0
    assert orgs_frame.loc[0, "topics"] == ("raising_children", "domestic_violence")
    assert result.dataset.reach.loc[0, "strength"] == 2.5
    assert result.dataset.parent_groups.loc[0, "families"] == 12


def test_header_matching_ignores_case_accents_spaces_hyphens_apostrophes():
    orgs = "  ID ,NAAM,Sóórt,cate-gorie,THEMA'S\nW1,A,formeel,school,school\n"
    result = load_files(files(organisations__csv=orgs,
                              reach__csv="organisatie,oudergroep\nW1,G1\n",
                              collaborations__csv=None))
    assert result.ok, result.errors
    assert result.dataset.organisations.loc[0, "topics"] == ("school",)


def test_unknown_columns_are_kept_as_attributes():
    orgs = "id,name,kind,Budget 2024,Website\nW1,A,formal,1000,http://a\n"
    result = load_files(files(organisations__csv=orgs, reach__csv="organisation,group\nW1,G1\n",
                              collaborations__csv=None))
    assert result.ok
    frame = result.dataset.organisations
    assert frame.loc[0, "budget_2024"] == "1000"
    assert frame.loc[0, "website"] == "http://a"
    assert list(frame.columns[-2:]) == ["budget_2024", "website"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_csv_dialects(encoding, delimiter, newline):
    rows = [["id", "name", "kind"], ["W1", "Café d'Één", "formal"],
            ["M1", "Stichting \"Samen\"\nmet regel", "informal"]]
    buffer = io.StringIO()
    import csv

    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    result = load_files(files(organisations__csv=data,
                              reach__csv="organisation,group\nW1,G1\nM1,G1\n",
                              collaborations__csv=None))
    assert result.ok, result.errors
    names = result.dataset.organisations["name"].tolist()
    assert names == ["Café d'Één", "Stichting \"Samen\"\nmet regel"]


def test_decimal_comma_in_semicolon_files_only():
    reach = "organisation;group;strength\nW1;G1;3,5\nM1;G1;4.5\n"
    result = load_files(files(reach__csv=reach))
    assert result.dataset.reach["strength"].tolist() == [3.5, 4.5]
    bad = load_files(files(reach__csv='organisation,group,strength\nW1,G1,"3,5"\n'))
    issue = only(bad, "number_invalid")
    assert (issue.file, issue.row, issue.column, issue.value) == ("reach.csv", 2, "strength", "3,5")
    assert "point" in load_files(files(reach__csv='organisation,group,strength\nW1,G1,"3,5"\n'),
                                 lang="en").errors[0].message


def test_row_numbers_count_quoted_line_breaks_as_one_row_and_blank_lines():
    orgs = 'id,name,kind\nW1,"two\nlines",formal\n\nM1,x,informeel\nX1,y,bogus\n'
    result = load_files(files(organisations__csv=orgs))
    issue = only(result, "kind_invalid")
    # Spreadsheet rows: header 1, W1 2, blank 3, M1 4, X1 5.
    assert (issue.row, issue.column, issue.value) == (5, "kind", "bogus")


def test_folder_with_workbook_and_geojson(tmp_path: Path):
    with pd.ExcelWriter(tmp_path / "wijk.xlsx") as writer:
        pd.read_csv(io.StringIO(ORGS)).to_excel(writer, sheet_name="Organisaties", index=False)
        pd.read_csv(io.StringIO(GROUPS)).to_excel(writer, sheet_name="OUDERGROEPEN", index=False)
        pd.read_csv(io.StringIO(REACH)).to_excel(writer, sheet_name="bereik", index=False)
        pd.read_csv(io.StringIO(COLLABS)).to_excel(writer, sheet_name="Samenwerkingen", index=False)
        pd.DataFrame({"uitleg": ["lees dit"]}).to_excel(writer, sheet_name="Uitleg", index=False)
    (tmp_path / "wijken.geojson").write_text(json.dumps(square_collection("BU01", "De Sluis")))
    result = load_path(tmp_path / "wijk.xlsx")
    assert result.ok, result.errors
    assert result.dataset.counts()["neighbourhoods"] == 1
    assert result.dataset.name == "wijk"
    assert result.dataset.reach["strength"].tolist() == [4.0, 3.5]
    assert result.dataset.organisations["id"].tolist() == ["W1", "M1"]


def test_workbook_numeric_ids_stay_text_without_decimal(tmp_path: Path):
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as writer:
        pd.DataFrame({"id": [1, 2], "name": ["a", "b"], "kind": ["formal", "informal"]}).to_excel(
            writer, sheet_name="organisations", index=False)
        pd.DataFrame({"id": [10], "name": ["g"], "families": [5]}).to_excel(
            writer, sheet_name="parent_groups", index=False)
        pd.DataFrame({"organisation": [1, 2], "group": [10, 10]}).to_excel(
            writer, sheet_name="reach", index=False)
    result = load_files([("upload.xlsx", buffer.getvalue())])
    assert result.ok, result.errors
    assert result.dataset.organisations["id"].tolist() == ["1", "2"]
    assert result.dataset.reach["group"].tolist() == ["10", "10"]


def test_file_recognised_by_columns_when_name_says_nothing():
    result = load_files(files(organisations__csv=None, **{"export (3).csv": ORGS}))
    assert result.ok, result.errors


def test_folder_path(tmp_path: Path):
    for name, data in files():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "README.md").write_text("not data")
    (tmp_path / "~$organisations.xlsx").write_bytes(b"lock")
    result = load_path(tmp_path)
    assert result.ok, result.errors
    assert result.dataset.name == tmp_path.name


# --- coordinates -----------------------------------------------------------------------------


def test_rd_new_coordinates_converted_with_pyproj():
    # Amersfoort's Onze Lieve Vrouwetoren is the RD origin (155000, 463000).
    orgs = "id,name,kind,rd_x,rd_y\nW1,Toren,formal,155000,463000\n"
    result = load_files(files(organisations__csv=orgs, reach__csv="organisation,group\nW1,G1\n",
                              collaborations__csv=None))
    assert result.ok, result.errors
    row = result.dataset.organisations.iloc[0]
    assert math.isclose(row["lat"], 52.15517, abs_tol=1e-4)
    assert math.isclose(row["lon"], 5.38721, abs_tol=1e-4)
    assert "x" not in result.dataset.organisations.columns


def test_half_a_coordinate_pair_is_an_error():
    orgs = "id,name,kind,lat,lon\nW1,A,formal,52.1,\n"
    issue = only(load_files(files(organisations__csv=orgs)), "coord_pair")
    assert (issue.row, issue.column) == (2, "lon")


def test_rd_out_of_range():
    orgs = "id,name,kind,x,y\nW1,A,formal,5,52\n"
    result = load_files(files(organisations__csv=orgs))
    assert "rd_range" in codes(result)


def square(code_key: str, code: str, name_key: str, name: str, x: float = 4.3, y: float = 52.0):
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {"type": "Feature", "properties": {code_key: code, name_key: name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def square_collection(code: str, name: str) -> dict:
    return {"type": "FeatureCollection", "features": [square("code", code, "name", name)]}


@pytest.mark.parametrize("code_key,name_key", [("code", "name"), ("BU_CODE", "BU_NAAM"),
                                               ("WK_CODE", "WK_NAAM")])
def test_geojson_property_names(code_key, name_key):
    geo = {"type": "FeatureCollection", "features": [square(code_key, "BU01", name_key, "Zuid")]}
    result = load_files(files(wijken__geojson=json.dumps(geo)))
    assert result.ok, result.errors
    props = result.dataset.neighbourhoods["features"][0]["properties"]
    assert (props["code"], props["name"]) == ("BU01", "Zuid")


def test_geojson_in_rd_new_is_converted():
    ring = [[155000, 463000], [156000, 463000], [156000, 464000], [155000, 463000]]
    geo = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"BU_CODE": "BU01", "BU_NAAM": "A"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    result = load_files(files(neighbourhoods__geojson=json.dumps(geo)))
    lon, lat = result.dataset.neighbourhoods["features"][0]["geometry"]["coordinates"][0][0]
    assert math.isclose(lat, 52.155, abs_tol=1e-3) and math.isclose(lon, 5.387, abs_tol=1e-3)


@pytest.mark.parametrize("content,code", [
    ("{not json", "geojson_invalid"),
    ('{"type": "Point"}', "geojson_not_collection"),
    ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A"},'
     '"geometry":{"type":"Point","coordinates":[4,52]}}]}', "geojson_geometry"),
    ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
     '"geometry":{"type":"Polygon","coordinates":[[[4,52],[4.1,52],[4,52.1],[4,52]]]}}]}',
     "geojson_no_code"),
])
def test_bad_geojson(content, code):
    result = load_files(files(wijken__geojson=content))
    assert not result.ok
    assert code in codes(result)
    assert result.errors[0].file == "wijken.geojson"


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("data,code", [
    (b"", "file_empty"), (b"   \r\n  ", "file_empty"),
    (b"\x00\x01\x02binary\x00stuff" * 20, "file_binary"),
])
def test_unreadable_empty_binary_files(data, code):
    result = load_files(files(organisations__csv=data))
    assert code in codes(result)
    assert not result.ok


def test_corrupt_workbook():
    result = load_files([("wijk.xlsx", b"PK\x03\x04 this is not really a zip")])
    assert codes(result) == ["file_unreadable"]


def test_missing_required_file():
    result = load_files(files(parent_groups__csv=None))
    issue = only(result, "table_missing")
    assert "oudergroepen" in issue.message


def test_missing_optional_files_are_warnings():
    result = load_files(files(collaborations__csv=None))
    assert result.ok
    assert "table_absent" in codes(result, "warning")
    assert list(result.dataset.collaborations.columns[:2]) == ["source", "target"]


def test_missing_required_column():
    issue = only(load_files(files(organisations__csv="id,name\nW1,A\n")), "column_missing")
    assert (issue.file, issue.row, issue.column) == ("organisations.csv", 1, "kind")
    assert "soort" in issue.message


def test_column_twice():
    result = load_files(files(organisations__csv="id,name,kind,soort\nW1,A,formal,formeel\n"))
    assert "column_twice" in codes(result)


def test_ragged_rows_too_long_and_too_short():
    orgs = "id,name,kind\nW1,A,formal,extra\nM1,B\nM2,C,informal,,\n"
    result = load_files(files(organisations__csv=orgs))
    ragged = [i for i in result.errors if i.code == "row_ragged"]
    assert [i.row for i in ragged] == [2, 3]  # trailing empty cells are not ragged


def test_duplicate_id_names_both_rows():
    result = load_files(files(organisations__csv=ORGS + "W1,Again,formal,,,,,\n"))
    issue = only(result, "id_duplicate")
    assert (issue.row, issue.column, issue.value) == (4, "id", "W1")
    assert "2" in issue.message


def test_required_value_empty():
    result = load_files(files(organisations__csv=ORGS + ",Nameless,formal,,,,,\n"))
    issue = only(result, "value_required")
    assert (issue.row, issue.column) == (4, "id")


def test_unknown_references():
    reach = "organisation,group\nW1,G1\nX9,G1\nW1,G404\n"
    collabs = "source,target\nM1,W1\nM1,NOPE\n"
    result = load_files(files(reach__csv=reach, collaborations__csv=collabs))
    found = {(i.file, i.row, i.column, i.value, i.code) for i in result.errors}
    assert found == {("reach.csv", 3, "organisation", "X9", "unknown_organisation"),
                     ("reach.csv", 4, "group", "G404", "unknown_group"),
                     ("collaborations.csv", 3, "target", "NOPE", "unknown_organisation")}


@pytest.mark.parametrize("value,code", [("abc", "number_invalid"), ("0", "score_range"),
                                        ("5.5", "score_range"), ("-1", "score_range"),
                                        ("inf", "number_huge")])
def test_scores(value, code):
    collabs = f"source,target,trust\nM1,W1,{value}\n"
    issue = only(load_files(files(collaborations__csv=collabs)), code)
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "collaborations.csv", 2, "trust", value)


def test_kind_other_than_formal_informal():
    issue = only(load_files(files(organisations__csv="id,name,kind\nW1,A,semi\n")),
                 "kind_invalid")
    assert issue.value == "semi"


@pytest.mark.parametrize("lat,lon,code", [("91", "4", "lat_range"), ("52", "181", "lon_range"),
                                          ("-90.5", "4", "lat_range")])
def test_coordinates_out_of_range(lat, lon, code):
    orgs = f"id,name,kind,lat,lon\nW1,A,formal,{lat},{lon}\n"
    assert code in codes(load_files(files(organisations__csv=orgs)))


@pytest.mark.parametrize("value,code", [("-1", "count_negative"), ("2.5", "count_not_whole"),
                                        ("veel", "number_invalid")])
def test_families(value, code):
    groups = f"id,name,families\nG1,A,{value}\n"
    issue = only(load_files(files(parent_groups__csv=groups)), code)
    assert (issue.row, issue.column) == (2, "families")


def test_all_problems_collected_not_just_first():
    orgs = "id,name,kind\nW1,A,x\nW1,B,y\n,C,formal\n"
    result = load_files(files(organisations__csv=orgs, reach__csv="organisation,group\nZ,Q\n",
                              collaborations__csv=None))
    assert sorted(codes(result)) == sorted([
        "kind_invalid", "kind_invalid", "id_duplicate", "value_required",
        "unknown_organisation", "unknown_group"])


def test_path_missing(tmp_path: Path):
    result = load_path(tmp_path / "nope")
    assert codes(result) == ["path_missing"]


def test_messages_in_english_and_dutch():
    bad = files(organisations__csv="id,name,kind\nW1,A,semi\n", collaborations__csv=None)
    assert load_files(bad, lang="nl").errors[0].message.startswith("Moet")
    assert load_files(bad, lang="en").errors[0].message.startswith("Must")


# --- warnings ---------------------------------------------------------------------------------


def test_warnings_are_loaded_and_said():
    orgs = ORGS + "K1,Sleutelfiguur,informal,astrologer,BU01,,,\n"
    groups = GROUPS + "G2,Eritrese ouders,Eritrees,BU99,\n"
    reach = REACH + "K1,G2,\n"
    collabs = COLLABS + "W1,W1,,,,,\n"
    geo = json.dumps(square_collection("BU01", "Zuid"))
    result = load_files(files(organisations__csv=orgs, parent_groups__csv=groups,
                              reach__csv=reach, collaborations__csv=collabs,
                              wijken__geojson=geo))
    assert result.ok, result.errors
    found = {(i.code, i.file, i.row) for i in result.warnings}
    assert ("org_no_location", "organisations.csv", 4) in found
    assert ("category_unknown", "organisations.csv", 4) in found
    assert ("group_no_families", "parent_groups.csv", 3) in found
    assert ("self_collaboration", "collaborations.csv", 3) in found
    assert ("neighbourhood_unknown", "parent_groups.csv", 3) in found
    assert result.dataset.organisations.loc[2, "category"] == "astrologer"


def test_isolated_organisation_warning():
    orgs = ORGS + "X1,Alone,informal,kerk,BU01,52,4.3,\n"
    result = load_files(files(organisations__csv=orgs))
    issue = only(result, "org_isolated", "warning")
    assert (issue.row, issue.value) == (4, "Alone")


def test_category_spellings_are_canonical():
    orgs = ("id,name,kind,category\nA,a,formal,Veilig Thuis\nB,b,informal,Mosque\n"
            "C,c,informal,Migrantenzelforganisatie\n")
    reach = "organisation,group\nA,G1\nB,G1\nC,G1\n"
    result = load_files(files(organisations__csv=orgs, reach__csv=reach,
                              collaborations__csv=None))
    assert result.dataset.organisations["category"].tolist() == ["veilig_thuis", "moskee", "mzo"]
    assert not [w for w in result.warnings if w.code == "category_unknown"]


# --- issue table and CLI ---------------------------------------------------------------------


def test_issue_table_columns():
    frame = load_files(files(organisations__csv="id,name,kind\nW1,A,semi\n")).issues
    assert list(frame.columns) == ["severity", "file", "row", "column", "value", "message", "code"]
    assert frame["row"].dtype == "Int64"


def test_cli_validate(tmp_path: Path, capsys):
    from mapping.cli import main

    for name, data in files():
        (tmp_path / name).write_bytes(data)
    assert main(["validate", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True
    assert out["counts"] == {"organisations": 2, "parent_groups": 1, "reach": 2,
                             "collaborations": 1, "neighbourhoods": 0}
    (tmp_path / "reach.csv").write_text("organisation,group,strength\nW1,G1,9\n")
    assert main(["validate", str(tmp_path), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["errors"][0] == {"file": "reach.csv", "row": 2, "column": "strength", "value": "9",
                                "message": "Moet tussen 1 en 5 liggen.", "code": "score_range"}
    assert main(["validate", str(tmp_path), "--lang", "en"]) == 1
    assert "reach.csv, row 2, column strength [9]: Must be between 1 and 5." in (
        capsys.readouterr().out)
    assert main(["validate"]) == 2
