"""Checks across the validated tables: references, and the warnings about the whole district.

Split from :mod:`mapping.io.validate` (which still exports these names). Each
table arrives as a :class:`Typed` (its frame, row numbers, headers and where
cells were empty); a table the fast CSV reader read also brings its text
columns encoded (:attr:`Typed.encoded`), and the checks then run once per
distinct value and are spread to the rows, with the same issues.
"""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mapping.domain import schema as sc
from mapping.io import geo
from mapping.io.issues import Collector


@dataclass
class Typed:
    """A validated table plus what later cross-table checks need."""

    frame: pd.DataFrame
    file: str
    numbers: np.ndarray
    headers: dict[str, str]  # canonical column -> header as written
    blank: dict[str, np.ndarray]  # canonical column -> cell was empty (absent column: all)
    pair: tuple[list[Any], list[Any], np.ndarray] | None = None  # collaborations: see _pair
    same: np.ndarray | None = None  # collaborations, encoded: see _same_ends
    encoded: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Text columns of an encoded table: per row the index of its value among the column's
    distinct values (``None`` for empty), and those values (see :attr:`RawTable.encoded`)."""

    def empty(self, column: str) -> np.ndarray:
        """Rows whose ``column`` cell was left empty (not: filled in wrongly)."""
        return self.blank.get(column, np.ones(len(self.frame), dtype=bool))


# --- across tables ------------------------------------------------------------------------


def _ids(values: pd.Series) -> set[Any]:
    """The distinct filled-in values of a text column (``None`` left out)."""
    found = set(values.to_numpy().tolist())
    found.discard(None)
    return found


def _within(values: pd.Series, known: set[Any]) -> np.ndarray:
    """Per value, whether it is in ``known`` (:meth:`pandas.Series.isin` for text and ``None``)."""
    return np.fromiter(map(known.__contains__, values.to_numpy().tolist()), dtype=bool,
                       count=len(values))


def _distinct_ids(t: Typed, column: str) -> set[Any]:
    """:func:`_ids` of a column, from its distinct values when the table is encoded."""
    if column in t.encoded:  # every distinct value occurs in some row
        found = set(t.encoded[column][1].tolist())
        found.discard(None)
        return found
    return _ids(t.frame[column])


def _member(t: Typed, column: str, known: set[Any]) -> np.ndarray:
    """:func:`_within` of a column, once per distinct value when the table is encoded."""
    if column not in t.encoded:
        return _within(t.frame[column], known)
    codes, distinct = t.encoded[column]
    inside = np.fromiter(map(known.__contains__, distinct.tolist()), dtype=bool,
                         count=len(distinct))
    return inside[codes]


def _check_refs(typed: dict[str, Typed], col: Collector) -> None:
    ids = {t: _distinct_ids(typed[t], "id") for t in ("organisations", "parent_groups")
           if t in typed}
    for table in ("reach", "collaborations"):
        if table not in typed:
            continue
        t = typed[table]
        for column in sc.SCHEMAS[table].columns:
            if column.dtype != "ref" or column.refers_to not in ids:
                continue
            values = t.frame[column.name]
            bad = ~t.empty(column.name) & ~_member(t, column.name, ids[column.refers_to])
            code = ("unknown_organisation" if column.refers_to == "organisations"
                    else "unknown_group")
            for index in np.flatnonzero(bad):
                col.error(code, t.file, int(t.numbers[index]), t.headers.get(column.name),
                          values.iloc[index])


def _warn_rows(col: Collector, code: str, t: Typed, column: str,
               mask: pd.Series | np.ndarray, show_value: bool = True) -> None:
    values = t.frame[column] if column in t.frame else pd.Series([None] * len(t.frame))
    for index in np.flatnonzero(np.asarray(mask, dtype=bool)):
        value = values.iloc[index] if show_value else None
        col.warning(code, t.file, int(t.numbers[index]), t.headers.get(column, column),
                    None if value is None or pd.isna(value) else value)


def _pair(collabs: Typed) -> tuple[list[Any], list[Any], np.ndarray]:
    """Source and target cells of the collaborations, and where both are given and equal.

    Equal as pandas compares (``frame.source == frame.target``): a missing end
    equals nothing. Computed once and kept: a national file has 540,000 rows.
    """
    if collabs.pair is None:
        frame = collabs.frame
        source, target = frame["source"].to_numpy().tolist(), frame["target"].to_numpy().tolist()
        same = np.fromiter(map(operator.eq, source, target), dtype=bool, count=len(source))
        same &= ~collabs.empty("source") & ~collabs.empty("target")
        collabs.pair = (source, target, same)
    return collabs.pair


def _same_ends(collabs: Typed) -> np.ndarray:
    """Where source and target are both given and equal (the third part of :func:`_pair`).

    For an encoded table the two columns' distinct values are numbered together
    once, and the numbers compared per row.
    """
    if "source" not in collabs.encoded or "target" not in collabs.encoded:
        return _pair(collabs)[2]
    if collabs.same is None:
        (source, sources), (target, targets) = (collabs.encoded["source"],
                                                collabs.encoded["target"])
        # One number per distinct value (equal values, equal numbers), -1: no source has it.
        keys = dict(zip(sources.tolist(), range(len(sources)), strict=True))
        source_keys = np.fromiter(map(keys.__getitem__, sources.tolist()), dtype=np.int64,
                                  count=len(sources))
        target_keys = np.fromiter(map(keys.get, targets.tolist(), itertools.repeat(-1)),
                                  dtype=np.int64, count=len(targets))
        same = source_keys[source] == target_keys[target]
        collabs.same = same & ~collabs.empty("source") & ~collabs.empty("target")
    return collabs.same


def _linked(collabs: Typed, real: np.ndarray) -> set[Any]:
    """Source and target values of the rows where ``real`` holds (``None`` for an empty end)."""
    if "source" not in collabs.encoded or "target" not in collabs.encoded:
        source, target, _ = _pair(collabs)
        return set(itertools.compress(source, real)) | set(itertools.compress(target, real))
    found: set[Any] = set()
    for end in ("source", "target"):
        codes, distinct = collabs.encoded[end]
        occurs = np.zeros(len(distinct), dtype=bool)
        occurs[codes[real]] = True
        found |= set(distinct[occurs].tolist())
    return found


def _check_warnings(typed: dict[str, Typed], hoods: dict[str, Any] | None,
                    col: Collector) -> None:
    orgs, groups = typed.get("organisations"), typed.get("parent_groups")
    reach, collabs = typed.get("reach"), typed.get("collaborations")
    if orgs is not None:
        unplaced = orgs.empty("lat") & orgs.empty("lon") & orgs.empty("x") & orgs.empty("y")
        _warn_rows(col, "org_no_location", orgs, "lat", unplaced, show_value=False)
        linked: set[Any] = set()
        if reach is not None:
            if "organisation" in reach.encoded:  # every distinct value occurs in some row
                linked |= set(reach.encoded["organisation"][1].tolist())
            else:
                linked |= set(reach.frame["organisation"].to_numpy().tolist())
        if collabs is not None:
            real = ~_same_ends(collabs)  # pandas' != : a missing end never equals the other
            linked |= _linked(collabs, real)
        _warn_rows(col, "org_isolated", orgs, "name", ~_member(orgs, "id", linked))
    if groups is not None:
        _warn_rows(col, "group_no_families", groups, "families", groups.empty("families"),
                   show_value=False)
    if collabs is not None:
        _warn_rows(col, "self_collaboration", collabs, "target", _same_ends(collabs))
    if hoods is not None:
        keys = geo.neighbourhood_keys(hoods)
        for t in (orgs, groups):
            if t is None:
                continue
            cells, codes = t.frame["neighbourhood"], None
            if "neighbourhood" in t.encoded:  # the same, per distinct value, spread to the rows
                codes, values = t.encoded["neighbourhood"]
                cells = pd.Series(values, dtype=object)
            # The pandas expression, once per distinct cell (a city names a few hundred).
            distinct = pd.Series(list(dict.fromkeys(cells.dropna().tolist())), dtype=object)
            found = distinct.astype("string").str.strip().str.lower().isin(keys)
            lookup = dict(zip(distinct.tolist(), found.fillna(False).tolist(), strict=True))
            lookup[None] = True  # an empty cell names no neighbourhood: nothing to warn about
            known = np.fromiter(map(lookup.__getitem__, cells.tolist()), dtype=bool,
                                count=len(cells))
            if codes is not None:
                known = known[codes]
            _warn_rows(col, "neighbourhood_unknown", t, "neighbourhood", ~known)
