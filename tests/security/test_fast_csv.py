"""Hostile CSV files and the fast reader (pyarrow): bounds first, then the same messages.

pyarrow never sees a file the limits have not cleared (rows, columns and cells
are bounded by the bytes before it parses anything), never parses more than a
bounded block at a time (a huge single line goes to the Python reader), and
the corpus strings give the messages the Python reader gives.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from unittest import mock

import pyarrow.csv as pacsv
import pytest

from mapping.domain import limits
from mapping.io import load, text_files
from tests.security import corpus


@contextlib.contextmanager
def parsed_by_pyarrow() -> Iterator[list[int]]:
    """Sizes of the buffers handed to pyarrow's CSV reader."""
    sizes: list[int] = []
    original = pacsv.read_csv

    def spy(source, *args, **kwargs):
        sizes.append(source.size)
        return original(source, *args, **kwargs)

    with mock.patch.object(pacsv, "read_csv", spy):
        yield sizes


def _issues(files: list[tuple[str, bytes]], fast: bool) -> list[tuple]:
    with mock.patch.object(text_files, "FAST", fast):
        result = load.load_files(files, "en")
    return [(i.severity, i.file, i.row, i.column, i.value, i.message, i.code)
            for i in [*result.errors, *result.warnings]]


def _orgs(body: str) -> list[tuple[str, bytes]]:
    return [("organisations.csv", ("id,name,kind\n" + body).encode("utf-8"))]


def test_over_the_row_limit_pyarrow_never_parses(monkeypatch):
    small = limits.Limits(rows=50)
    monkeypatch.setattr(limits, "LIMITS", small)
    monkeypatch.setattr(text_files, "LIMITS", small)
    files = _orgs("".join(f"W{i},A{i},formal\n" for i in range(80)))
    with parsed_by_pyarrow() as sizes:
        issues = _issues(files, fast=True)
    assert sizes == []
    assert [i[-1] for i in issues] == ["limit_rows"] and issues[0][2] == 52
    assert issues == _issues(files, fast=False)


def test_too_many_columns_pyarrow_never_parses():
    header = ",".join(f"c{i}" for i in range(limits.LIMITS.columns + 1))
    files = [("organisations.csv", (header + "\n" + "x," * limits.LIMITS.columns + "x\n").encode())]
    with parsed_by_pyarrow() as sizes:
        issues = _issues(files, fast=True)
    assert sizes == []
    assert [i[-1] for i in issues] == ["limit_columns"]
    assert issues == _issues(files, fast=False)


def test_a_huge_single_line_is_left_to_the_python_reader():
    """Three megabytes in one cell: pyarrow stops at its block; Python says the cell is long."""
    files = _orgs("W1,A" + "x" * 3_000_000 + ",formal\nW2,B,formal\n")
    with parsed_by_pyarrow() as sizes:
        issues = _issues(files, fast=True)
    assert len(sizes) == 1  # tried once, refused by its own block bound
    assert "text_too_long" in {i[-1] for i in issues}
    assert issues == _issues(files, fast=False)


@pytest.mark.parametrize("value", [*corpus.TEMPLATE_INJECTION, *corpus.FORMAT_STRINGS,
                                   *corpus.HTML_INJECTION, *corpus.FORMULAS, *corpus.CONTROL,
                                   *corpus.INVISIBLE, *corpus.HUGE_NUMBERS])
def test_corpus_strings_give_the_python_readers_messages(value):
    quoted = '"' + value.replace('"', '""') + '"'
    files = _orgs(f"{quoted},{quoted},formal\nW2,{quoted},{quoted}\n")
    assert _issues(files, fast=True) == _issues(files, fast=False)
    assert not corpus.CANARY.exists()
