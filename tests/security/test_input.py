"""Hostile input files: refused with a message naming the limit, never a crash.

The hostile files are generated here, small: an XLSX whose sheet declares
A1:XFD1048576 (calamine would allocate 512 GiB and abort the process), a zip
bomb, tables beyond the row/column/cell limits (with the limits made smaller
for speed, plus one real-size sample), NUL after the first 8 KB, invalid UTF-8
in the middle of a file, and every string of the shared corpus in every column
of every table. The parse worker (:mod:`mapping.io.sandbox`) is shown to survive
a child that aborts, one that allocates without bound and one that hangs.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from mapping.domain import limits as limits_module
from mapping.domain.limits import LIMITS
from mapping.io import geo, issues, load, sandbox, text_files, validate, workbooks
from mapping.io.load import load_files
from tests.security.corpus import (
    CONTROL,
    FORMAT_STRINGS,
    FORMULAS,
    HTML_INJECTION,
    HUGE_NUMBERS,
    INVISIBLE,
    TEMPLATE_INJECTION,
)

ROOT = Path(__file__).resolve().parents[2]
HOOKS = "tests.security.test_input"

ORGS = "id,name,kind\nW1,Wijkteam,formal\nM1,Moskee,informal\n"
GROUPS = "id,name,families\nG1,Moeders,40\n"
REACH = "organisation,group,strength\nW1,G1,4\nM1,G1,3\n"
COLLABS = "source,target,trust\nM1,W1,4\n"


def district(**overrides: str | bytes) -> list[tuple[str, bytes]]:
    """A small valid district as upload pairs; ``overrides`` replace whole files."""
    base: dict[str, str | bytes] = {"organisations.csv": ORGS, "parent_groups.csv": GROUPS,
                                    "reach.csv": REACH, "collaborations.csv": COLLABS}
    base.update({k.replace("__", "."): v for k, v in overrides.items()})
    return [(n, d.encode() if isinstance(d, str) else d) for n, d in base.items()]


def codes(result: load.LoadResult) -> list[str]:
    return [i.code for i in result.errors]


@pytest.fixture
def small_limits(monkeypatch):
    """Replace :data:`LIMITS` in every module that reads it; returns a setter."""
    def apply(**changes) -> limits_module.Limits:
        new = dataclasses.replace(LIMITS, **changes)
        for module in (limits_module, load, text_files, workbooks, validate, issues, geo, sandbox):
            monkeypatch.setattr(module, "LIMITS", new)
        return new
    return apply


# --------------------------------------------------------------------------- hostile files


def workbook(sheet_xml: str | bytes, *, title: str = "Organisaties",
             extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal XLSX built by hand, so the test controls every byte of sheet1.xml."""
    buffer = io.BytesIO()
    main = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{main}/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>'))
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{main}/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}/spreadsheetml/'
            f'2006/main" xmlns:r="{main}/officeDocument/2006/relationships"><sheets>'
            f'<sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{main}/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sheet(ref: str | None, rows: str = "") -> str:
    dimension = f'<dimension ref="{ref}"/>' if ref else ""
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{rows}'
            '</sheetData></worksheet>')


def dimension_bomb() -> bytes:
    """1.5 KB: one sheet declaring all 17 billion cells of a worksheet."""
    return workbook(sheet("A1:XFD1048576", '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t>'
                                           '</is></c></row>'))


def cell_bomb() -> bytes:
    """1.5 KB, no ``<dimension>``: one cell at A1 and one at XFD1048576 (the same 512 GiB)."""
    return workbook(sheet(None, '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
                                '</row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is>'
                                '<t>x</t></is></c></row>'))


def zip_bomb() -> bytes:
    """A sheet of 8 MB that compresses to a few KB (ratio far over the limit)."""
    rows = "<row/>" * (8 * 1024 * 1024 // 6)
    return workbook(sheet("A1:C3", rows))


def hostile_path(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- workbooks


def test_dimension_bomb_is_refused_before_calamine_sees_it(monkeypatch):
    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("calamine must not open a workbook that declares 17e9 cells")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    data = dimension_bomb()
    assert len(data) < 2048
    result = load_files([("wijk.xlsx", data)], "en")
    assert codes(result) == ["limit_dimension"]
    issue = result.errors[0]
    assert issue.file == "wijk.xlsx, sheet Organisaties"
    assert "A1:XFD1048576" in issue.message and "200,000 rows" in issue.message
    dutch = load_files([("wijk.xlsx", data)], "nl").errors[0]
    assert dutch.file == "wijk.xlsx, blad Organisaties" and "rijen" in dutch.message


def test_cell_bomb_without_dimension_is_refused_too(monkeypatch):
    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike",
                        lambda *a, **k: pytest.fail("calamine opened a cell bomb"))
    result = load_files([("wijk.xlsx", cell_bomb())], "en")
    assert codes(result) == ["limit_dimension"]
    assert "A1:XFD1048576" in result.errors[0].message


@pytest.mark.parametrize("ref,ok", [("A1:C3", True), ("A1:GR1", True), ("A1:GS1", False),
                                    ("A1:B200001", True), ("A1:B200002", False),
                                    ("B2", True), ("$A$1:$XFD$1048576", False)])
def test_dimension_bounds(ref, ok):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" '
            't="inlineStr"><is><t>name</t></is></c></row>')
    result = load_files([("wijk.xlsx", workbook(sheet(ref, rows)))], "en")
    assert ("limit_dimension" not in codes(result)) == ok, result.errors


def test_zip_bomb_is_refused_from_the_zip_directory(monkeypatch):
    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike",
                        lambda *a, **k: pytest.fail("calamine opened a zip bomb"))
    data = zip_bomb()
    assert len(data) < 64 * 1024
    result = load_files([("wijk.xlsx", data)], "en")
    assert codes(result) == ["limit_ratio"]
    assert "xl/worksheets/sheet1.xml" in result.errors[0].message
    assert "at most 200 times" in result.errors[0].message


def test_workbook_entry_count_and_total_size(small_limits):
    small_limits(zip_entries=5)
    many = workbook(sheet("A1:A1"), extra={f"xl/media/{i}.bin": b"x" for i in range(3)})
    assert codes(load_files([("wijk.xlsx", many)])) == ["limit_zip_entries"]
    small_limits(uncompressed_bytes=2000)
    big = workbook(sheet("A1:A1"), extra={"xl/media/big.bin": os.urandom(3000)})
    assert codes(load_files([("wijk.xlsx", big)])) == ["limit_uncompressed"]


def test_sheet_without_dimension_is_still_bounded(small_limits, monkeypatch):
    small_limits(rows=5)
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>v{r}</t></is></c></row>'
                    for r in range(1, 12))
    data = workbook(sheet(None, cells))
    result = load_files([("wijk.xlsx", data)], "en")
    assert codes(result) == ["limit_dimension"]  # from the cell references, before calamine
    assert "A1:A11" in result.errors[0].message
    monkeypatch.setattr(workbooks, "_cell_span", lambda stream, head: None)
    result = load_files([("wijk.xlsx", data)], "en")  # and after calamine, by counting rows
    assert codes(result) == ["limit_rows"]
    assert result.errors[0].row == 7


# --------------------------------------------------------------------------- CSV bounds


def test_csv_over_the_row_limit(small_limits):
    small_limits(rows=100)
    orgs = "id,name,kind\n" + "".join(f"W{i},A{i},formal\n" for i in range(150))
    result = load_files(district(organisations__csv=orgs), "en")
    assert codes(result) == ["limit_rows"]
    issue = result.errors[0]
    assert (issue.file, issue.row) == ("organisations.csv", 102)
    assert "More than 100 rows" in issue.message


def test_csv_over_the_real_row_limit():
    """The one real-size sample: 200,001 data rows, refused at row 200,002."""
    body = "".join(f"W{i},A,formal\n" for i in range(LIMITS.rows + 1))
    result = load_files([("organisaties.csv", ("id,naam,soort\n" + body).encode())])
    assert codes(result) == ["limit_rows"]
    assert result.errors[0].row == LIMITS.rows + 2
    assert "Meer dan 200.000 rijen" in result.errors[0].message


def test_ten_thousand_columns():
    header = ",".join(["id", "name", "kind", *(f"c{i}" for i in range(9997))])
    result = load_files(district(organisations__csv=header + "\nW1,A,formal\n"), "en")
    assert codes(result) == ["limit_columns"]
    issue = result.errors[0]
    assert (issue.row, "10,000 columns" in issue.message, "200" in issue.message) == (1, True, True)


def test_cells_limit(small_limits):
    small_limits(cells=50)
    orgs = "id,name,kind\n" + "".join(f"W{i},A,formal\n" for i in range(30))
    assert codes(load_files(district(organisations__csv=orgs))) == ["limit_cells"]


def test_total_size_before_reading(small_limits, tmp_path):
    small_limits(upload_bytes=100)
    result = load_files(district(), "en")
    assert codes(result) == ["limit_bytes"]
    assert "at most 0 MB" in result.errors[0].message or "MB" in result.errors[0].message
    for name, data in district():
        (tmp_path / name).write_bytes(data)
    assert codes(load.load_path(tmp_path)) == ["limit_bytes"]


def test_long_cell(small_limits):
    small_limits(cell_chars=50)
    orgs = f"id,name,kind,notes\nW1,A,formal,{'x' * 51}\nM1,B,informal,ok\n"
    result = load_files(district(organisations__csv=orgs))
    assert [(i.code, i.row, i.column) for i in result.errors] == [("text_too_long", 2, "notes")]


def test_issue_list_is_capped(small_limits):
    small_limits(issues=10)
    orgs = "id,name,kind\n" + "".join(f"W{i},A,semi\n" for i in range(50))
    result = load_files(district(organisations__csv=orgs), "en")
    assert codes(result)[:10] == ["kind_invalid"] * 10
    assert codes(result)[-1] == "issues_truncated"
    assert "more problems not shown" in result.errors[-1].message


# --------------------------------------------------------------------------- text and numbers


def test_nul_after_the_first_8_kb_is_reported_with_row_and_column():
    rows = "".join(f"W{i},Organisatie nummer {i},formal\n" for i in range(400))
    orgs = "id,name,kind\nM1,Moskee,informal\n" + rows + "X1,Naam\x00met NUL,formal\n"
    data = orgs.encode()
    assert data.index(b"\x00") > 9000
    result = load_files(district(organisations__csv=data), "en")
    assert [(i.code, i.row, i.column) for i in result.errors] == [("text_control", 403, "name")]
    assert "NUL" in result.errors[0].message


@pytest.mark.parametrize("value", CONTROL)
def test_control_characters_in_ids_are_refused(value):
    orgs = ORGS + f"{value},Naam,formal\n"
    result = load_files(district(organisations__csv=orgs))
    assert ("text_control", 4, "id") in {(i.code, i.row, i.column) for i in result.errors}


@pytest.mark.parametrize("value", INVISIBLE)
def test_invisible_characters_refused_in_ids_flagged_in_names(value):
    orgs = ORGS + f"{value},Naam {value},formal\n"
    result = load_files(district(organisations__csv=orgs))
    assert [(i.code, i.row, i.column) for i in result.errors] == [("text_invisible", 4, "id")]
    assert ("text_invisible_free", 4, "name") in {(i.code, i.row, i.column)
                                                  for i in result.warnings}
    reach = REACH + f"{value},G1,3\n"
    result = load_files(district(reach__csv=reach))
    assert ("text_invisible", 4, "organisation") in {(i.code, i.row, i.column)
                                                     for i in result.errors}


@pytest.mark.parametrize("value", [v for v in HUGE_NUMBERS if v != "nan"])
@pytest.mark.parametrize("table,column", [("parent_groups", "families"),
                                          ("reach", "strength"), ("collaborations", "trust")])
def test_huge_numbers_get_a_row_and_column(value, table, column):
    base = {"parent_groups": GROUPS, "reach": REACH, "collaborations": COLLABS}[table]
    header, first, *rest = base.splitlines()
    cells = first.split(",")
    cells[header.split(",").index(column)] = value
    text = "\n".join([header, ",".join(cells), *rest]) + "\n"
    result = load_files(district(**{f"{table}__csv": text}), "en")
    assert [(i.code, i.row, i.column) for i in result.errors] == [("number_huge", 2, column)]
    assert "at most 1e+09" in result.errors[0].message


def test_invalid_utf8_on_row_50_is_reported_not_redecoded():
    lines = ["id,name,kind"] + [f"W{i},Café {i},formal" for i in range(2, 70)]
    data = "\n".join(lines).encode()
    bad = data.replace("Café 50".encode(), b"Caf\xff 50")
    result = load_files(district(organisations__csv=bad), "en")
    assert [(i.code, i.row, i.column) for i in result.errors] == [("utf8_invalid", 50, "name")]
    assert result.errors[0].value == "Caf\ufffd 50"


def test_genuine_cp1252_is_still_read():
    data = "id,name,kind\nW1,Café de Zon,formal\nM1,Crèche ’t Hofje,informal\n".encode("cp1252")
    result = load_files(district(organisations__csv=data))
    assert result.ok, result.errors
    assert list(result.dataset.organisations["name"]) == ["Café de Zon", "Crèche ’t Hofje"]


def test_formula_prefixes_and_leading_tab_kept_as_text():
    rows = "".join(f"F{n},{_quote(v)},formal,{_quote(v)}\n" for n, v in enumerate(FORMULAS))
    orgs = "id,name,kind,notes\n" + rows
    reach = "organisation,group\n" + "".join(f"F{n},G1\n" for n in range(len(FORMULAS)))
    result = load_files(district(organisations__csv=orgs, reach__csv=reach,
                                 collaborations__csv="source,target\n"))
    assert result.ok, result.errors
    frame = result.dataset.organisations
    assert list(frame["name"]) == list(FORMULAS)
    assert list(frame["notes"]) == list(FORMULAS)


def _quote(value: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="", quoting=csv.QUOTE_ALL).writerow([value])
    return buffer.getvalue()


CORPUS = (*TEMPLATE_INJECTION, *FORMAT_STRINGS, *HTML_INJECTION, *FORMULAS, *CONTROL,
          *INVISIBLE, *HUGE_NUMBERS)
_BASE = {"organisations": ORGS, "parent_groups": GROUPS, "reach": REACH,
         "collaborations": COLLABS}
_NUMERIC_CODES = {"number_invalid", "number_huge", "score_range", "count_negative",
                  "count_not_whole", "lat_range", "lon_range", "rd_range", "coord_pair",
                  "org_no_location", "group_no_families"}


@pytest.mark.parametrize("table", list(_BASE))
def test_every_corpus_string_in_every_column(table):
    """Each string fills every column of one extra row: never an exception, the right codes."""
    from mapping.domain import schema as sc

    columns = sc.SCHEMAS[table].columns
    for value in CORPUS:
        header = ",".join(c.name for c in columns)
        row = ",".join(_quote(value) for _ in columns)
        text = _BASE[table].split("\n", 1)[1]
        # the base rows get empty cells in the columns they lack
        width = {c.name for c in columns}
        base_header = _BASE[table].split("\n", 1)[0].split(",")
        base_rows = [dict(zip(base_header, line.split(","), strict=True))
                     for line in text.splitlines()]
        lines = [header, *(",".join(r.get(c.name, "") for c in columns) for r in base_rows), row]
        assert width
        result = load_files(district(**{f"{table}__csv": "\n".join(lines) + "\n"}), "en")
        number = len(base_rows) + 2
        found: dict[str, set[str]] = {}
        for issue in [*result.errors, *result.warnings]:
            assert issue.code != "internal", (value, issue)
            assert issue.message
            if issue.row == number and issue.column:
                found.setdefault(issue.column, set()).add(issue.code)
        for column in columns:
            got = found.get(column.name, set())
            numeric = column.dtype in ("score", "count", "lat", "lon", "rd")
            is_id = column.dtype in ("id", "ref")
            if numeric:
                assert got <= _NUMERIC_CODES, (value, column.name, got)
                if value in HUGE_NUMBERS and value != "nan":
                    assert "number_huge" in got, (value, column.name, got)
                continue
            if value in CONTROL or (is_id and value[0] in "\t\r"):
                assert "text_control" in got, (value, column.name, got)
            elif value in INVISIBLE and is_id:
                assert "text_invisible" in got, (value, column.name, got)
            elif value in INVISIBLE:
                assert "text_invisible_free" in got, (value, column.name, got)
            else:
                assert not {c for c in got if c.startswith("text_")}, (value, column.name, got)


# --------------------------------------------------------------------------- GeoJSON


def _hoods(features: int, vertices: int = 4) -> bytes:
    ring = [[4.0 + i * 1e-4, 52.0] for i in range(vertices - 1)] + [[4.0, 52.0]]
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": f"BU{i}"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}} for i in range(features)]}
    ).encode()


def test_geojson_features_and_vertices(small_limits):
    small_limits(geojson_features=3, geojson_vertices=40)
    result = load_files(district(wijken__geojson=_hoods(4)), "en")
    assert codes(result) == ["geojson_features"]
    result = load_files(district(wijken__geojson=_hoods(3, vertices=20)), "en")
    assert codes(result) == ["geojson_vertices"]
    assert load_files(district(wijken__geojson=_hoods(3, vertices=10))).ok


def test_geojson_nested_too_deep_and_control_in_code():
    deep = b'{"type": "FeatureCollection", "features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert codes(load_files(district(wijken__geojson=deep))) == ["geojson_invalid"]
    bad = _hoods(1).replace(b'"BU0"', b'"BU\\u00000"')
    assert codes(load_files(district(wijken__geojson=bad))) == ["text_control"]


# --------------------------------------------------------------------------- the parse worker


def abort_child(job):
    """A reader that aborts the process, as calamine does on a failed allocation."""
    os.abort()


def greedy_child(job):
    """A reader that allocates without bound (stopped by RLIMIT_AS, not by the machine)."""
    blocks = []
    while True:
        blocks.append(bytearray(256 * 1024 * 1024))


def sleepy_child(job):
    time.sleep(60)


def unguarded_child(job):
    """The real calamine on the cell bomb, with the zip pre-check switched off."""
    workbooks._check_workbook = lambda *args: True
    job = ("files", [("wijk.xlsx", cell_bomb())], *job[2:])
    return sandbox.work(job)


def _hostile_job(hook: str) -> tuple:
    return ("files", [("wijk.xlsx", dimension_bomb())], "en", None, f"{HOOKS}:{hook}")


def test_worker_survives_an_abort():
    result = sandbox._run(_hostile_job("abort_child"), "wijk.xlsx")
    assert codes(result) == ["parse_memory"]
    assert "SIGABRT" in result.errors[0].message and "2 GB" in result.errors[0].message
    assert sandbox.load_files_isolated(district()).ok  # and the next upload just works


def test_worker_memory_limit():
    result = sandbox._run(_hostile_job("greedy_child"), "wijk.xlsx")
    assert codes(result) == ["parse_memory"]
    assert "within 2 GB" in result.errors[0].message


def test_real_calamine_abort_is_contained():
    """calamine aborts the process (512 GiB allocation): the child dies, we get a message."""
    result = sandbox._run(_hostile_job("unguarded_child"), "wijk.xlsx")
    assert codes(result) == ["parse_memory"]
    assert "SIGABRT" in result.errors[0].message


def test_worker_time_limit(small_limits):
    small_limits(parse_seconds=2.0)
    started = time.monotonic()
    result = sandbox._run(_hostile_job("sleepy_child"), "wijk.xlsx")
    assert codes(result) == ["parse_timeout"]
    assert "within 2 s" in result.errors[0].message
    assert time.monotonic() - started < 30


def test_isolated_load_gives_the_same_result():
    files = district()
    assert sandbox.load_files_isolated(files).dataset.fingerprint() == \
        load_files(files).dataset.fingerprint()
    bomb = sandbox.load_files_isolated([("wijk.xlsx", dimension_bomb())], "en")
    assert codes(bomb) == ["limit_dimension"]


@pytest.mark.parametrize("command", ["validate", "report"])
def test_cli_prints_a_message_for_the_dimension_bomb(tmp_path, command):
    path = hostile_path(tmp_path, "wijk.xlsx", dimension_bomb())
    done = subprocess.run([sys.executable, "-m", "mapping", command, str(path), "--lang", "en"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, (done.stdout, done.stderr)
    output = done.stdout + done.stderr
    assert "A1:XFD1048576" in output
    assert "Traceback" not in output
