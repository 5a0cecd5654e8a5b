"""Column-wide scans of text cells: find the few cells a per-cell rule must look at.

A national file has about 8 million cells; a Python function per cell costs
seconds. The validation rules (:mod:`mapping.io.validate`, :mod:`mapping.domain.rules`,
:func:`mapping.domain.limits.text_problem`) stay per cell, and so stay the one
implementation of their codes and words; these helpers only decide, with C-level
passes over a whole column, which cells could possibly break a rule, so the rule
runs on those alone:

* :func:`flagged` joins a column into one string per chunk and runs one regular
  expression over it, mapping each match back to its cell;
* (:func:`mapping.domain.rules.per_distinct` applies a rule once per distinct value;)
* :func:`columns`, :func:`changed` and :func:`lengths` are C-level passes (``zip``,
  ``map``).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import operator
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

_CHUNK = 65_536
"""Cells joined at a time: bounds the joined string (a cell holds at most
:attr:`~mapping.domain.limits.Limits.cell_chars` characters)."""


def columns(rows: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """The columns every row reaches (up to the shortest row), taken apart in one pass."""
    return list(zip(*rows, strict=False)) if rows else []


def take(rows: Sequence[Sequence[str]], position: int) -> list[str]:
    """Cell ``position`` of every row; ``""`` where a (ragged) row is shorter."""
    return [row[position] if position < len(row) else "" for row in rows]


def changed(before: Sequence[Any], after: Sequence[Any]) -> list[int]:
    """Indexes where ``after`` holds another object than ``before`` (identity, not equality).

    Compares pointers only, without reading the strings (on a national file each
    string read is a cache miss: this pass is several times cheaper than ``len``).
    """
    return list(itertools.compress(itertools.count(), map(operator.is_not, before, after)))


def lengths(values: Sequence[Any]) -> np.ndarray:
    """``len`` of every value, as an int array."""
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def flagged(values: Sequence[str], pattern: re.Pattern[str], separator: str = " ") -> np.ndarray:
    """Indexes (ascending) of the strings in which ``pattern`` finds a match.

    ``pattern`` must match single characters that ``separator`` is not, so a
    match never spans two cells: it is then exact, not a guess. The strings are
    joined per chunk of :data:`_CHUNK` and searched with one C-level scan; a
    column without any match (the common case) costs one join and one search.
    """
    found: list[np.ndarray] = []
    step = len(separator)
    for start in range(0, len(values), _CHUNK):
        chunk = values[start:start + _CHUNK]
        joined = separator.join(chunk)
        hits = [m.start() for m in pattern.finditer(joined)]
        if not hits:
            continue
        ends = np.cumsum(lengths(chunk) + step)  # one past each cell's separator
        cells = np.searchsorted(ends, np.asarray(hits), side="right")
        found.append(np.unique(cells) + start)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


_pause_lock = threading.Lock()
_pauses = 0
_was_enabled = True


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a table is read.

    Reading a national file creates about a million row lists, and every few
    hundred new containers the collector walks all tracked objects: it took a
    third of the loading time, for nothing (rows hold only strings, no cycles).
    Nested and concurrent uses (server threads) are counted: the collector
    restarts when the last one ends, and only if it ran before.
    """
    global _pauses, _was_enabled
    with _pause_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
