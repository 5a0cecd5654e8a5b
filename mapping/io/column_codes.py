"""Text columns known by their dictionary codes, and the identities of an object array's objects.

The parse worker's answer carries every text column as ``int32`` codes into its
distinct values (:mod:`mapping.io.answer_tables`), and reading it builds the
column's cells from those: cell ``i`` *is* the distinct value ``codes[i]`` (the same
object). Code that would otherwise hash every cell again, such as matching
540,000 collaboration rows to 100,000 organisation ids
(:mod:`mapping.analysis.network_tables`), asks :func:`codes_of` for a column's
codes and then hashes only its distinct values.

An entry is a shortcut, never a source of truth: :func:`codes_of` answers only
when the column, as it is now, holds exactly its distinct values spread by the
codes, which is checked cell for cell by identity (pointers compared, no text
read; a column changed, copied or replaced since gets no answer). Entries end
with the array they describe (a weak reference), so nothing outlives its table.
"""

from __future__ import annotations

import ctypes
import threading
import weakref
from typing import Any

import numpy as np

_lock = threading.Lock()
_KNOWN: dict[int, tuple[weakref.ref, np.ndarray, np.ndarray]] = {}
"""Address of a column's cells -> (its array, weakly; codes; distinct values, then ``None``)."""


def addresses(objects: np.ndarray) -> np.ndarray:
    """The identities (``id``) of the objects in a one-dimensional object array, as intp.

    An object array holds pointers to its objects, and CPython's ``id`` is that
    pointer: the buffer read as integers gives every identity without a Python
    call per element (``map(id, ...)`` costs a quarter of a microsecond each,
    which adds up at 540,000 collaboration rows). The copy is made while
    ``objects`` is alive, so no identity can be reused meanwhile.
    """
    objects = np.ascontiguousarray(objects, dtype=object)
    if not len(objects):
        return np.zeros(0, np.intp)
    raw = (ctypes.c_ssize_t * len(objects)).from_address(objects.ctypes.data)
    return np.frombuffer(raw, np.intp).copy()


def remember(cells: np.ndarray, codes: np.ndarray, table: np.ndarray) -> None:
    """Note that ``cells`` is ``table[codes]``: ``table`` the distinct values and a last ``None``.

    Code -1 (an empty cell) is that last entry. ``cells`` must be the array made by
    that very indexing (one-dimensional, contiguous, of objects); others are not noted.
    """
    if (cells.dtype != np.dtype(object) or cells.ndim != 1 or not cells.flags.c_contiguous
            or len(cells) != len(codes) or not len(cells)):
        return
    key = cells.ctypes.data

    def forget(ref: weakref.ref, key: int = key) -> None:
        with _lock:
            held = _KNOWN.get(key)
            if held is not None and held[0] is ref:
                del _KNOWN[key]

    entry = (weakref.ref(cells, forget), codes, table)
    with _lock:
        _KNOWN[key] = entry


def codes_of(values: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """``(codes, distinct)`` of a text column when it is exactly ``distinct[codes]``, else ``None``.

    ``values``: a :class:`pandas.Series` (or an object array). Code -1 is an empty
    cell (``None``); ``distinct`` holds no ``None``. The check is by identity of
    every cell, so an answer is always exact.
    """
    cells = values.to_numpy(dtype=object) if hasattr(values, "to_numpy") else values
    if (not isinstance(cells, np.ndarray) or cells.dtype != np.dtype(object) or cells.ndim != 1
            or not cells.flags.c_contiguous or not len(cells)):
        return None
    with _lock:
        held = _KNOWN.get(cells.ctypes.data)
    if held is None or held[0]() is None:
        return None
    _ref, codes, table = held
    if len(codes) != len(cells) or not np.array_equal(addresses(cells), addresses(table)[codes]):
        return None
    return codes, table[:-1]
