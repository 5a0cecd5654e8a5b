"""Text columns known by their codes (mapping.io.column_codes): answers only when exact."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd

from mapping.io import column_codes as cc


def _column(values: list[str | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    table = np.empty(len(distinct) + 1, dtype=object)
    table[:-1] = distinct
    codes = np.array([-1 if v is None else distinct.index(v) for v in values], np.int32)
    cells = table[codes]
    cc.remember(cells, codes, table)
    return cells, codes, table


def test_a_remembered_column_gives_its_codes_also_as_a_series():
    cells, _codes, _table = _column(["a", "b", None, "a", "c"])
    for values in (cells, pd.Series(cells, dtype=object, copy=False)):
        found = cc.codes_of(values)
        assert found is not None
        assert found[0].tolist() == [0, 1, -1, 0, 2] and found[1].tolist() == ["a", "b", "c"]


def test_a_column_changed_or_copied_gives_nothing():
    cells, _codes, _table = _column(["ab", "cd", "ab"])
    assert cc.codes_of(cells.copy()) is None  # other memory: never noted
    cells[2] = "cd"  # changed in place: the cell is no longer its code's value
    assert cc.codes_of(cells) is None
    cells[2] = "".join(["a", "b"])  # equal again, but another object: still no answer
    assert cells[2] == "ab" and cc.codes_of(cells) is None
    cells[2] = cells[0]  # the very object again: exact once more
    assert cc.codes_of(cells) is not None
    assert cc.codes_of(np.array([1, 2])) is None
    assert cc.codes_of(np.zeros(0, dtype=object)) is None


def test_an_entry_ends_with_its_column():
    cells, _codes, _table = _column(["p", "q"])
    key = cells.ctypes.data
    assert key in cc._KNOWN
    del cells
    gc.collect()
    assert key not in cc._KNOWN


def test_addresses_are_the_identities():
    objects = np.array(["a", None, 3, "a"], dtype=object)
    assert cc.addresses(objects).tolist() == [id(v) for v in objects]
    assert cc.addresses(np.zeros(0, dtype=object)).tolist() == []
