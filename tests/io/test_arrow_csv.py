"""The fast CSV reader (pyarrow) reads exactly what the Python reader reads, or steps aside.

:func:`mapping.io.arrow_csv.read` either returns the header and the cells of a
file, which must then equal what :func:`mapping.io.text_files.read_csv_rows`
(Python's :mod:`csv` module) gives for the same bytes, cell for cell and row
number for row number, or ``None`` (the Python reader then runs). Random byte
strings made of the characters CSV files trip over check the first; fixed files
check which files take which path.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.domain import limits
from mapping.io import arrow_csv, text_files
from mapping.io.validate import Collector


def _python(data: bytes) -> tuple[list[str], list[list[str]], list[int], str] | None:
    """What the Python reader gives (``None`` when it refuses the file or says anything)."""
    col = Collector("en")
    read = text_files.read_csv_rows("t.csv", data, col)
    return None if read is None or col.errors or col.warnings else read


def _fast(data: bytes) -> tuple[list[str], list[list[str]], list[int], str] | None:
    fast = text_files._fast_rows("t.csv", data, Collector("en"))
    if fast is None:
        return None
    header, rows, numbers, delimiter, _ = fast
    return header, list(rows), list(numbers), delimiter


def _assert_same_when_fast(data: bytes) -> bool:
    """If the fast reader accepts ``data``, it read what the Python reader reads; True if fast."""
    fast = _fast(data)
    if fast is None:
        return False
    python = _python(data)
    assert python is not None
    header, rows, numbers, delimiter = python
    assert fast == (header, rows, list(numbers), delimiter)
    return True


PIECES = st.sampled_from([",", ";", "\t", '"', '""', "\r\n", "\n", "\r", " ", "a", "b1", "é",
                          "\ufeff", "\x00", "'=1", "\x1f", "\u00a0", "x\u202ey", "3,5", "\u2028"])


RAW_FIELD = st.lists(PIECES, max_size=3).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(RAW_FIELD, min_size=3, max_size=3), max_size=5),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n", ""]))
def test_random_bytes_are_read_alike_or_left_to_python(rows, delimiter, newline):
    """Rows of three fields of tricky characters, joined without any quoting."""
    lines = [delimiter.join(["id", "naam", "soort"])] + [delimiter.join(r) for r in rows]
    _assert_same_when_fast((newline or "\n").join(lines).encode("utf-8") + newline.encode())


FIELD = st.one_of(st.sampled_from(["", " ", "a, b", 'say "hi"', "a\r\nb", "a\nb", "é", "\t=1",
                                   "'=1", "  x  ", "F01\x1b", "x\u200by", "1.234,5", "a;b"]),
                  st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=5))


def _quoted(text: str, delimiter: str, always: bool) -> str:
    if always or any(c in text for c in (delimiter, '"', "\r", "\n")):
        return '"' + text.replace('"', '""') + '"'
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(FIELD, min_size=3, max_size=3), max_size=6),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]), st.booleans(),
       st.booleans())
def test_written_files_are_read_alike(rows, delimiter, newline, always, bom):
    """Files as spreadsheets write them (quoted where needed, or every field quoted)."""
    lines = [delimiter.join(["id", "naam", "soort"])]
    lines += [delimiter.join(_quoted(c, delimiter, always) for c in row) for row in rows]
    data = (("\ufeff" if bom else "") + newline.join(lines) + newline).encode("utf-8")
    _assert_same_when_fast(data)


QUOTED = ('id,naam\nF01,"Huis, tuin"\nF02,"zeg ""hoi"""\nF03,"twee\r\nregels"\n'
          'F04,"drie\nregels"\nF05,""\n')


@pytest.mark.parametrize(("data", "fast"), [
    (b"id,naam\nF01,A\nF02,B\n", True),
    (b"id,naam\r\nF01,A\r\nF02,B", True),
    (b"\xef\xbb\xbfid;naam\r\nF01;\xc3\xa9\r\n", True),
    (QUOTED.encode(), True),
    (b"id\tnaam\nF01\t 'x \n", True),
    (b"id,naam\n", True),
    (b"id,naam", True),
    (b"id,naam\nF01,caf\xe9\n", True),  # Windows-1252, decoded as the Python reader does
    (b"id,naam\nF01,caf\xe9\x81\n", False),  # neither Windows-1252 nor UTF-8
    (b"id,naam\nF01,A\n\nF02,B\n", False),  # an empty line
    (b"id,naam\nF01,A\n,\nF02,B\n", False),  # a row of blanks
    (b"id,naam\nF01,A\n \t, \nF02,B\n", False),  # a row of blanks
    (b"id,naam\nF01,A,\nF02,B\n", False),  # a ragged row
    (b"id,naam\nF01\nF02,B\n", False),
    (b"id,naam\rF01,A\r", False),  # old Mac line ends
    (b"id,naam\nF01,a\"b\n", False),  # a quote inside a field
    (b"id,naam\nF01,\"a\"b\n", False),  # text after a closing quote
    (b"id,naam\nF01,\"open\n", False),  # a quote never closed
    (b"\"id\",naam\nF01,A\n", False),  # a quoted header
    (b"id,naam\nF\x0001,A\n", False),  # a NUL byte
    (b"\n\nid,naam\nF01,A\n", False),  # empty lines before the header
    (b",\nid,naam\nF01,A\n", False),  # a blank header line
])
def test_which_files_take_the_fast_path(data, fast):
    assert (_fast(data) is not None) == fast
    assert _assert_same_when_fast(data) == fast
    assert _python(data) is not None or not fast


def _limits(**values: int) -> contextlib.AbstractContextManager:
    return limits.limits_in_force(**values)


@pytest.mark.parametrize("bound", [{"rows": 2}, {"columns": 2}, {"cells": 5}])
def test_a_file_near_a_limit_is_left_to_the_python_reader(bound):
    """Limits are checked on the bytes before pyarrow sees the file; Python names the row."""
    data = b"id,naam,soort\nF01,A,formeel\nF02,B,formeel\nF03,C,formeel\n"
    assert _fast(data) is not None
    with _limits(**bound):
        assert arrow_csv.read(data, ",") is None
        col = Collector("en")
        assert text_files.read_csv_rows("t.csv", data, col) is None
        assert col.errors[0].code.startswith("limit_")


def test_a_line_longer_than_a_read_block_is_left_to_the_python_reader(monkeypatch):
    monkeypatch.setattr(arrow_csv, "_BLOCK_BYTES", 64)
    data = b"id,naam\nF01," + b"x" * 500 + b"\nF02,B\n"
    assert arrow_csv.read(data, ",") is None
    assert _python(data) is not None
