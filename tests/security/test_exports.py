"""Issue 9, item 4: every CSV and XLSX the project writes is safe to open in a spreadsheet.

Every string of the shared corpus's ``FORMULAS`` goes through every writer:
the UTF-8 and Dutch-Excel CSV folders, the per-table CSV download, the XLSX
workbook, ``python -m mapping export``, the Gaps page's CSV and XLSX downloads,
the Data page's validation report and the templates. Read back, a CSV cell
that held a formula starts with ``'``; a workbook holds no formula cell and
the text after the ``'`` is the original; numbers (negative ones too) stay
numbers; and the loader reads the files back to the original text.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapping.cli import main
from mapping.domain.dataset import Dataset
from mapping.io import write
from mapping.io.demo import demo_district
from mapping.io.load import load_path
from tests.security.corpus import FORMULAS

ROOT = Path(__file__).resolve().parents[2]

NEGATIVE = -2.0
"""A negative number in an extra column: must stay the number, not become ``'-2``."""


def _hostile() -> Dataset:
    """The demo district with every formula string as a name, note, contact and list item."""
    demo = demo_district()
    orgs = demo.organisations.copy()
    groups = demo.parent_groups.copy()
    n = len(FORMULAS)
    assert len(orgs) >= n and len(groups) >= n
    orgs.loc[: n - 1, "name"] = list(FORMULAS)
    orgs.loc[: n - 1, "notes"] = list(FORMULAS)
    orgs.loc[: n - 1, "contact"] = list(reversed(FORMULAS))
    orgs["languages"] = [(f, "Nederlands") if i < n else v
                         for i, (f, v) in enumerate(zip([*FORMULAS, *[None] * len(orgs)],
                                                        orgs["languages"], strict=False))]
    orgs["saldo"] = [NEGATIVE] * len(orgs)  # an extra numeric column
    groups.loc[: n - 1, "name"] = list(FORMULAS)
    return demo.replace(organisations=orgs, parent_groups=groups, name="formules")


@pytest.fixture(scope="module")
def hostile() -> Dataset:
    return _hostile()


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _csv_cells(data: bytes, encoding: str, delimiter: str) -> list[list[str]]:
    text = data.decode(encoding)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def assert_safe_csv(data: bytes, *, encoding: str = "utf-8", delimiter: str = ",",
                    expect: tuple[str, ...] = FORMULAS) -> list[list[str]]:
    """No cell of the CSV starts a formula; every ``expect`` string is there, quoted."""
    rows = _csv_cells(data, encoding, delimiter)
    cells = [c for row in rows for c in row]
    for cell in cells:
        if cell[:1] in write.FORMULA_PREFIXES:
            assert _is_number(cell), f"formula-like cell written as is: {cell!r}"
    for formula in expect:
        assert "'" + formula in cells or any(c.startswith("'" + formula + "|") for c in cells), \
            f"{formula!r} not neutralised: {[c for c in cells if formula in c]}"
        assert formula not in cells
    return rows


def assert_safe_xlsx(data: bytes, expect: tuple[str, ...] = FORMULAS) -> list:
    """No formula cell in the workbook; every ``expect`` string is there after a ``'``."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert cells
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = [c.value for c in cells if isinstance(c.value, str)]
    for value in values:
        assert value[:1] not in write.FORMULA_PREFIXES, value
    for formula in expect:
        # XML turns a carriage return into a line feed when the file is read again.
        wanted = "'" + formula.replace("\r", "\n")
        assert wanted in values or any(v.startswith(wanted + "|") for v in values), formula
    return cells


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("formula", FORMULAS)
def test_neutralise_quotes_every_formula(formula):
    assert write.neutralise(formula) == "'" + formula
    assert write.unneutralise(write.neutralise(formula)) == formula


def test_neutralise_leaves_numbers_and_plain_text():
    assert write.neutralise(NEGATIVE) == NEGATIVE
    assert write.neutralise(-3) == -3
    assert write.neutralise(None) is None
    assert write.neutralise("") == ""
    assert write.neutralise("'s-Hertogenbosch") == "'s-Hertogenbosch"  # not a formula
    assert write.unneutralise("'s-Hertogenbosch") == "'s-Hertogenbosch"
    assert write.neutralise("'=1") == "''=1"  # one more ', so reading takes exactly one off
    assert write.cell_text(NEGATIVE) == "-2"
    assert write.cell_text("-2") == "'-2"  # text that looks like a number is still text


@given(st.text(max_size=12))
def test_neutralise_round_trips_and_never_starts_a_formula(text):
    safe = write.neutralise(text)
    assert safe[:1] not in write.FORMULA_PREFIXES
    assert write.unneutralise(safe) == text


# --------------------------------------------------------------------------- dataset writers


@pytest.mark.parametrize(("dialect", "headers", "encoding", "delimiter"), [
    ("utf8", "en", "utf-8", ","), ("excel-nl", "nl", "cp1252", ";")])
def test_csv_folders(hostile, tmp_path, dialect, headers, encoding, delimiter):
    written = write.write_csv(hostile, tmp_path, dialect=dialect, headers=headers)
    orgs = next(p for p in written if p.name.startswith("organis"))
    rows = assert_safe_csv(orgs.read_bytes(), encoding=encoding, delimiter=delimiter)
    header = rows[0]
    saldo = [row[header.index("saldo")] for row in rows[1:]]
    assert set(saldo) == {"-2"}  # the number, unquoted
    groups = next(p for p in written if p.name.startswith(("parent", "ouder")))
    assert_safe_csv(groups.read_bytes(), encoding=encoding, delimiter=delimiter)
    # ... and the loader reads the original text back.
    result = load_path(tmp_path)
    assert result.ok, result.errors
    back = result.dataset.organisations
    # Exactly as typed: a leading CR or tab is kept (the loader strips neither).
    assert list(back["name"][: len(FORMULAS)]) == list(FORMULAS)
    assert list(back["saldo"]) == ["-2"] * len(back)  # an extra column loads as text, no '
    assert back["languages"][1] == (FORMULAS[1], "Nederlands")


@pytest.mark.parametrize("dialect", write.DIALECTS)
def test_table_csv_download(hostile, dialect):
    encoding, delimiter = ("utf-8", ",") if dialect == "utf8" else ("cp1252", ";")
    data = write.table_csv_bytes(hostile, "organisations", dialect=dialect)
    assert_safe_csv(data, encoding=encoding, delimiter=delimiter)


def test_xlsx_workbook(hostile, tmp_path):
    data = write.xlsx_bytes(hostile)
    cells = assert_safe_xlsx(data)
    saldo = [c for c in cells if c.value == NEGATIVE]
    assert saldo and all(c.data_type == "n" for c in saldo)
    path = tmp_path / "wijk.xlsx"
    path.write_bytes(data)
    result = load_path(path)
    assert result.ok, result.errors
    assert list(result.dataset.organisations["name"][: len(FORMULAS)]) == [
        f.replace("\r", "\n") for f in FORMULAS]


def test_cli_export(hostile, tmp_path, capsys):
    from mapping.store.repository import open_store

    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with open_store(db, seed_demo=False) as store:
        store.create_dataset("formules", hostile)
    out = tmp_path / "out"
    assert main(["export", "formules", "--db", db, "--out", str(out)]) == 0
    assert_safe_csv((out / "organisations.csv").read_bytes())
    assert_safe_csv((out / "parent_groups.csv").read_bytes())
    # --no-personal too (the contact column goes; the names stay neutralised)
    assert main(["export", "formules", "--db", db, "--out", str(tmp_path / "np"),
                 "--no-personal"]) == 0
    assert_safe_csv((tmp_path / "np" / "organisations.csv").read_bytes())


def test_templates_hold_no_formula(tmp_path):
    from openpyxl import load_workbook

    written = write.write_templates(tmp_path)
    for path in written:
        if path.suffix == ".csv":
            for row in _csv_cells(path.read_bytes(), "cp1252", ";"):
                assert all(c[:1] not in write.FORMULA_PREFIXES for c in row)
        else:
            book = load_workbook(path)
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", cell.coordinate
                        if isinstance(cell.value, str):
                            assert cell.value[:1] not in write.FORMULA_PREFIXES


# --------------------------------------------------------------------------- page downloads


def test_frame_writers_for_page_downloads():
    frame = pd.DataFrame({
        "naam": list(FORMULAS),
        "gezinnen": pd.array(range(len(FORMULAS)), dtype="Int64"),
        "saldo": [NEGATIVE] * len(FORMULAS),
        "=kop": ["x"] * len(FORMULAS),  # a header is text too
    })
    rows = assert_safe_csv(write.frame_csv_bytes(frame), encoding="utf-8-sig",
                           expect=(*FORMULAS, "=kop"))
    assert [r[2] for r in rows[1:]] == ["-2"] * len(FORMULAS)
    cells = assert_safe_xlsx(write.frame_xlsx_bytes(frame, "dekking"), (*FORMULAS, "=kop"))
    numbers = [c for c in cells if c.value == NEGATIVE]
    assert len(numbers) == len(FORMULAS) and all(c.data_type == "n" for c in numbers)


class _Downloads:
    """Records what the pages hand to ``st.download_button``."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}


@pytest.fixture
def downloads(monkeypatch):
    from streamlit.delta_generator import DeltaGenerator

    seen = _Downloads()
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):
        if isinstance(data, bytes | str) and file_name:
            seen.files[file_name] = data if isinstance(data, bytes) else data.encode()
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    # st.download_button is the main container's method, bound when streamlit was imported.
    import streamlit

    main_area = streamlit.download_button.__self__
    monkeypatch.setattr(streamlit, "download_button",
                        lambda *args, **kwargs: record(main_area, *args, **kwargs))
    return seen


@pytest.fixture
def saved_hostile(monkeypatch, tmp_path, hostile):
    """``MAPPING_DB`` with the hostile district saved as ``formules``."""
    import streamlit as st

    from mapping.store.repository import open_store

    url = f"sqlite:///{tmp_path / 'pages.sqlite'}"
    monkeypatch.setenv("MAPPING_DB", url)
    with open_store(url, seed_demo=False) as db:
        db.create_dataset("formules", hostile)
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


def _open(page: str, query: dict[str, str]):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_gaps_page_downloads(saved_hostile, downloads):
    _open("gaps", {"src": "store", "sds": "formules"})
    csv_data, xlsx_data = downloads.files["dekking.csv"], downloads.files["dekking.xlsx"]
    # The coverage table lists parent groups: their names are the formula strings.
    assert_safe_csv(csv_data, encoding="utf-8-sig")
    assert_safe_xlsx(xlsx_data)
    assert b"HYPERLINK" in csv_data


def test_validation_report_download(downloads, tmp_path, monkeypatch):
    """The Data page's report of a failed upload: the bad cells it lists are user text."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MAPPING_DB", f"sqlite:///{tmp_path / 'report.sqlite'}")
    st.cache_resource.clear()
    expected = tuple(f for f in FORMULAS if "\t" not in f and "\r" not in f)
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["id", "naam", "soort"])
    out.writerows([i, f"Organisatie {i}", formula] for i, formula in enumerate(expected, 1))
    bad = buffer.getvalue().encode()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader[0].set_value([("organisaties.csv", bad, "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error  # the upload was refused: a kind must be formal or informal
    assert_safe_csv(downloads.files["controle.csv"], encoding="utf-8-sig", expect=expected)
    st.cache_resource.clear()


WRITERS = re.compile(r"\.to_csv\(|\.to_excel\(|ExcelWriter|csv\.writer|DictWriter|xlsxwriter")


def test_no_writer_bypasses_neutralise():
    """Every CSV/XLSX writer of the project goes through mapping.io.write (the one rule)."""
    offenders = []
    for folder in ("mapping", "pages"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if WRITERS.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    # Dataset.fingerprint hashes its tables as CSV text; nothing is written for people.
    allowed = [o for o in offenders if o.startswith("mapping/domain/dataset.py")
               and "digest.update" in o]
    assert sorted(set(offenders) - set(allowed)) == []
