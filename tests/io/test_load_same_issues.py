"""The fast loader finds exactly what the per-cell rules find (issue 15, part 6).

Loading a national file scans whole columns to find the few cells a rule must
look at (:mod:`mapping.io.column_scan`) and applies each vocabulary and number
rule once per distinct cell. Here the same files are also loaded with the
per-cell path of before that change (:func:`per_cell`: every cell stripped,
repaired and text-checked on its own, every rule applied to every cell, pandas
``isin`` and comparisons across tables, CSV records one at a time), and the two
must agree on every issue (code, Dutch and English message, file, row, column,
value, order, which issues the cap leaves out) and on every table cell and dtype.

Plain UTF-8 CSV files are read by pyarrow (:mod:`mapping.io.arrow_csv`) and
validated per distinct text; the per-cell path reads them with Python's
:mod:`csv` module, so every comparison here is also fast reader against Python
reader. :func:`assert_same_readers` compares the two readers alone (same
scans), and checks which files took the fast path and which were left to Python.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.domain import rules
from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES
from mapping.domain.limits import LIMITS
from mapping.io import demo, load, table_checks, text_files, validate, write
from mapping.io.validate import Cells, Collector
from mapping.io.write import unneutralise
from tests.security import corpus

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"

# --------------------------------------------------------------------------- the per-cell path


def _reference_cells(raw: validate.RawTable, position: int, columns=()) -> Cells:
    """Every cell stripped and repaired on its own (the loader's rule before the scans)."""
    values = []
    for row in raw.rows:
        value = validate._strip(row[position] if position < len(row) else "")
        if value and value[0] == "'":
            value = unneutralise(value)
        if value and "\r" in value:
            value = value[0] + value[1:].replace("\r\n", "\n").replace("\r", "\n")
        values.append(value)
    blank = np.array([v is None for v in values], dtype=bool)
    size = np.array([len(v) if v else 0 for v in values], dtype=np.int64)
    return Cells(pd.Series(values, dtype=object), blank, size, np.flatnonzero(~blank))


def _reference_check_text(raw, header, cells: Cells, is_id, col) -> None:
    """The text rule on every filled-in cell that is not printable ASCII or is long."""
    text = cells.values.dropna()
    if text.empty:
        return
    as_str = text.astype(str)
    suspect = as_str.str.contains(r"[^\x20-\x7e]", regex=True) | (
        as_str.str.len() > LIMITS.cell_chars)
    for index in np.flatnonzero(suspect.to_numpy()):
        position = text.index[index]
        value = as_str.iloc[index]
        code = validate.lim.text_problem(value, is_id=is_id)
        if code is not None:
            col.error(code, raw.file, raw.numbers[position], header, value)
        elif validate.lim.has_invisible(value):
            col.warning("text_invisible_free", raw.file, raw.numbers[position], header, value)


def _reference_within(values: pd.Series, known: set) -> np.ndarray:
    return values.isin(known).to_numpy()


def _reference_pair(collabs: validate.Typed):
    frame = collabs.frame
    same = (frame["source"].notna() & (frame["source"] == frame["target"])).to_numpy()
    return list(frame["source"]), list(frame["target"]), same


@contextlib.contextmanager
def per_cell() -> Iterator[None]:
    """Load with the per-cell path: every scan and every once-per-distinct-value shortcut off."""
    with contextlib.ExitStack() as stack:
        for target, name, replacement in (
            (validate, "_cells", _reference_cells),
            (validate, "_check_text", _reference_check_text),
            (table_checks, "_within", _reference_within),
            (table_checks, "_pair", _reference_pair),
            (rules, "per_distinct", lambda function, values: [function(v) for v in values]),
            (rules, "_numbers_once", lambda cells, given, comma: rules.numbers(cells, comma)),
            (text_files, "_CHUNK", 1),
            (text_files, "FAST", False),
        ):
            stack.enter_context(mock.patch.object(target, name, replacement))
        yield


# --------------------------------------------------------------------------- comparing


def _outcome(files: list[tuple[str, bytes]], lang: str):
    """Issues of :func:`load.load_files`, and the typed tables (kept also when there are errors)."""
    result = load.load_files(files, lang)
    issues = [(i.severity, i.file, i.row, i.column, i.value, i.message, i.code)
              for i in [*result.errors, *result.warnings]]
    col = Collector(lang)
    raws, hoods = load._read(files, col)
    frames = validate.validate_tables(raws, hoods, col) if raws else {}
    return issues, result.counts, frames


def _assert_equal(fast, slow) -> None:
    """Two :func:`_outcome` results agree: issues, counts, every table cell and dtype."""
    assert fast[0] == slow[0]
    assert fast[1] == slow[1]
    assert fast[2].keys() == slow[2].keys()
    for table in fast[2]:
        pd.testing.assert_frame_equal(fast[2][table], slow[2][table], check_exact=True)
        assert [str(t) for t in fast[2][table].dtypes] == [str(t) for t in slow[2][table].dtypes]


def assert_same(files: list[tuple[str, bytes]], langs=("nl", "en")) -> list:
    """Both paths give the same issues and tables; returns the issues (for further checks)."""
    issues = []
    for lang in langs:
        fast = _outcome(files, lang)
        with per_cell():
            slow = _outcome(files, lang)
        _assert_equal(fast, slow)
        issues = fast[0]
    return issues


@contextlib.contextmanager
def fast_reads() -> Iterator[list[bool]]:
    """Record, per CSV file read, whether the fast reader took it (in reading order)."""
    taken: list[bool] = []
    original = text_files._fast_rows

    def spy(name: str, data: bytes, col: Collector):
        fast = original(name, data, col)
        taken.append(fast is not None)
        return fast

    with mock.patch.object(text_files, "_fast_rows", spy):
        yield taken


def assert_same_readers(files: list[tuple[str, bytes]], langs=("nl", "en")) -> list[bool]:
    """The fast and the Python CSV reader give the same issues and tables; which files were fast.

    :func:`_outcome` reads the files twice: the list holds each file's answer twice,
    in reading order (of the last language).
    """
    taken: list[bool] = []
    for lang in langs:
        with fast_reads() as reads:
            fast = _outcome(files, lang)
        taken = reads
        with mock.patch.object(text_files, "FAST", False):
            slow = _outcome(files, lang)
        _assert_equal(fast, slow)
    return taken


def _folder(path: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(path.iterdir())
            if p.suffix in (".csv", ".geojson", ".xlsx")]


# --------------------------------------------------------------------------- random tables

HOSTILE = (*corpus.TEMPLATE_INJECTION, *corpus.FORMAT_STRINGS, *corpus.HTML_INJECTION,
           *corpus.FORMULAS, *corpus.CONTROL, *corpus.INVISIBLE, *corpus.HUGE_NUMBERS)
WORDS = ("", " ", "  x  ", "'=1", "''=1", "'s-Hertogenbosch", "a\r\nb", "\tx", "x\t", "\u00a0y",
         "3,5", "1.234,5", "-1", "0", "6", "2.5", "1e5", "abc", "formeel", "Informeel", "raar",
         "MOSKEE", "Veilig Thuis", "onbekend", "opvoeden|Onderwijs| x ", "a||b", "|", "Advies",
         "gezamenlijk project", "x" * (LIMITS.cell_chars + 1), "é", "Thema's", "52.1", "4.5",
         "155000", "463000", "95", "1e9", "1000000001", "BU99990001", " bu99990001 ")
IDS = ("F01", "F02", "I01", "G01", "G02", "F01 ", "f01", "G99")
CELL = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS), st.sampled_from(IDS),
                 st.text(max_size=6))


def _table(table: str, rows: list[list[str]], delimiter: str, extra: bool) -> bytes:
    header = [c.name for c in sc.SCHEMAS[table].columns] + (["extra"] if extra else [])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    text = buffer.getvalue()
    return text.encode("cp1252", "replace") if delimiter == ";" else text.encode()


@st.composite
def districts(draw) -> list[tuple[str, bytes]]:
    """The demo district's four tables, a few rows each, with random bad cells and rows."""
    files = []
    delimiter = draw(st.sampled_from([",", ";"]))
    for table in TABLES:
        width = len(sc.SCHEMAS[table].columns)
        extra = draw(st.booleans())
        base = [line for line in csv.reader(io.StringIO(
            (DEMO / f"{table}.csv").read_text(encoding="utf-8")))][1:6]
        rows = []
        for row in base:
            row = row[:width] + [""] * (width - len(row)) + ([""] if extra else [])
            for position in draw(st.lists(st.integers(0, len(row) - 1), max_size=3)):
                row[position] = draw(CELL)
            rows.append(row)
        rows += draw(st.lists(st.lists(CELL, min_size=width - 1, max_size=width + 2),
                              max_size=3))
        if rows and draw(st.booleans()):
            rows.append(list(rows[0]))  # a duplicate row: a duplicate id
        files.append((f"{table}.csv", _table(table, rows, delimiter, extra)))
    if draw(st.booleans()):
        files.append(("neighbourhoods.geojson", (DEMO / "neighbourhoods.geojson").read_bytes()))
    return files


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(districts())
def test_random_bad_cells_give_the_same_issues_and_tables(files):
    assert_same(files, langs=("nl",))


# --------------------------------------------------------------------------- fixed inputs


def test_demo_district_csv_dutch_csv_and_workbook(tmp_path):
    assert_same(_folder(DEMO))
    dataset = load.load_path(DEMO).dataset
    write.write_csv(dataset, tmp_path / "nl", dialect="excel-nl", headers="nl")
    assert_same(_folder(tmp_path / "nl"))
    write.write_xlsx(dataset, tmp_path / "wijk.xlsx")
    assert_same([("wijk.xlsx", (tmp_path / "wijk.xlsx").read_bytes())])


def _spoiled(files: list[tuple[str, bytes]], seed: int, per_table: int,
             pool: list[str] | None = None, ragged: bool = True) -> list[tuple[str, bytes]]:
    """Random cells of every table replaced by hostile and wrong values, some rows ragged."""
    rnd = np.random.default_rng(seed)
    pool = pool or [*HOSTILE, *WORDS, *IDS]
    out = []
    for name, data in files:
        if not name.endswith(".csv"):
            out.append((name, data))
            continue
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        for _ in range(per_table):
            r = int(rnd.integers(1, len(rows)))
            c = int(rnd.integers(0, len(rows[0])))
            pick = rnd.random()
            if pick < 0.05 and ragged:
                rows[r] = rows[r][:-1]
            elif pick < 0.1:
                rows[r][0] = rows[int(rnd.integers(1, len(rows)))][0]
            elif c < len(rows[r]):
                rows[r][c] = pool[int(rnd.integers(0, len(pool)))]
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        out.append((name, buffer.getvalue().encode()))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_city_with_injected_errors(tmp_path, seed):
    """A small generated city, spoiled in a few hundred cells (the issue cap is reached)."""
    dataset = demo.generate(organisations=600, groups=200, seed=seed)
    write.write_csv(dataset, tmp_path)
    files = _folder(tmp_path)
    assert_same(files)
    issues = assert_same(_spoiled(files, seed, per_table=700), langs=("en",))
    codes = {i[-1] for i in issues}
    assert {"text_control", "number_huge", "id_duplicate", "row_ragged"} <= codes
    assert "issues_truncated" in codes or len(issues) < LIMITS.issues


def test_demo_with_injected_errors_in_both_languages():
    issues = assert_same(_spoiled(_folder(DEMO), 7, per_table=40))
    assert {"text_invisible", "unknown_organisation", "value_required"} & {i[-1] for i in issues}


def test_every_corpus_string_in_every_column():
    """One row per corpus string, filling every column of every table."""
    files = []
    for table in TABLES:
        width = len(sc.SCHEMAS[table].columns)
        rows = [[value] * width for value in HOSTILE]
        files.append((f"{table}.csv", _table(table, rows, ",", True)))
    issues = assert_same(files)
    assert {"text_control", "text_invisible", "number_huge"} <= {i[-1] for i in issues}


# --------------------------------------------------------------------------- fast reader vs Python


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(districts())
def test_random_districts_fast_reader_against_python_reader(files):
    assert_same_readers(files, langs=("nl",))


def _utf8(files: list[tuple[str, bytes]], change) -> list[tuple[str, bytes]]:
    return [(n, change(n, d) if n.endswith(".csv") else d) for n, d in files]


def test_fast_reader_on_demo_city_and_spoiled_city(tmp_path):
    """Clean and spoiled files take the fast path; the same issues and tables as Python's."""
    assert all(assert_same_readers(_folder(DEMO)))
    dataset = demo.generate(organisations=600, groups=200, seed=3)
    write.write_csv(dataset, tmp_path)
    files = _folder(tmp_path)
    assert all(assert_same_readers(files))
    assert not any(assert_same_readers(_spoiled(files, 3, per_table=400), langs=("en",)))
    # Bad cells that leave the file plain (no NUL byte, lone CR or ragged row): still fast.
    pool = [w for w in (*HOSTILE, *WORDS, *IDS) if "\x00" not in w and "\r" not in w]
    spoiled = _spoiled(files, 3, per_table=400, pool=pool, ragged=False)
    assert all(assert_same_readers(spoiled, langs=("en",)))
    assert_same(spoiled, langs=("nl",))
    # Excel's UTF-8 CSV: a byte-order mark, CRLF and every field quoted.
    excel = _utf8(spoiled, lambda n, d: b"\xef\xbb\xbf" + _requoted(d, "\r\n", csv.QUOTE_ALL))
    assert all(assert_same_readers(excel, langs=("nl",)))
    # Dutch Excel's CSV: ";", CRLF, Windows-1252.
    write.write_csv(dataset, tmp_path / "nl", dialect="excel-nl", headers="nl")
    dutch = _folder(tmp_path / "nl")
    assert not all(d.isascii() for _, d in dutch)
    assert all(assert_same_readers(dutch, langs=("nl",)))


def _requoted(data: bytes, newline: str, quoting: int) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    buffer = io.StringIO()
    buffer.write(",".join(header) + newline)
    csv.writer(buffer, lineterminator=newline, quoting=quoting).writerows(body)
    return buffer.getvalue().encode()


FALLBACKS = {
    "not UTF-8, not Windows-1252": lambda d: d.replace(b"fictief", b"fict\x81ef", 1),
    "mostly UTF-8, some bytes not": lambda d: d.replace(b"fictief", b"fict\xe9f", 1)
    .replace(b"fictief", b"fict\xc3\xa9f"),
    "empty line": lambda d: d.replace(b"\n", b"\n\n", 2),
    "blank row": lambda d: d + b"," * d.split(b"\n", 1)[0].count(b",") + b"\n",
    "lone CR": lambda d: d.replace(b"\n", b"\r", 3),
    "quote in a field": lambda d: d.replace(b"fictief", b'fic"tief', 1),
    "NUL byte": lambda d: d.replace(b"fictief", b"fict\x00ef", 1),
    "quoted header": lambda d: b'"' + d.replace(b",", b'",', 1),
    "ragged row": lambda d: d + b"X1\n",
}


@pytest.mark.parametrize("change", sorted(FALLBACKS))
def test_files_the_fast_reader_leaves_to_python_give_the_same(tmp_path, change):
    dataset = demo.generate(organisations=80, groups=30, seed=5)
    write.write_csv(dataset, tmp_path)
    files = _folder(tmp_path)
    spoiled = _utf8(files, lambda n, d: FALLBACKS[change](d) if n == "organisations.csv" else d)
    taken = assert_same_readers(spoiled)
    names = [n for n, _ in spoiled if n.endswith(".csv")]
    assert taken == [n != "organisations.csv" for n in names] * 2
    assert_same(spoiled, langs=("en",))


def test_windows_1252_takes_the_fast_path_with_the_python_readers_warning(tmp_path):
    """More stray bytes than UTF-8 sequences: read as Windows-1252, the row of the first said."""
    dataset = demo.generate(organisations=80, groups=30, seed=5)
    write.write_csv(dataset, tmp_path)
    files = _utf8(_folder(tmp_path), lambda n, d: d.replace(b"fictief", b"fict\xe9f")
                  .replace(b"fict\xe9f", b"fict\xc3\xa9f", 2) if n == "organisations.csv" else d)
    assert all(assert_same_readers(files))
    issues = assert_same(files, langs=("en",))
    assert "cp1252_assumed" in {i[-1] for i in issues}
