"""The report as indented JSON: the bytes of ``json.dumps(..., indent=2)``, faster.

With ``indent`` set, :func:`json.dumps` leaves its C encoder for the pure-Python
one, which yields every bracket, comma and value through a chain of generators:
at national size (a 43 MB report, topic lists of 20,000 group ids) that took
longer than the analysis it prints. :func:`dumps` writes the same text with one
recursive function and joins a list of scalars in one call, each string escaped
by the C escaper :func:`json.dumps` uses. ``tests/analysis/test_report_json.py``
compares the two on random values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_escape: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
_float_repr = float.__repr__
_int_repr = int.__repr__
_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return _float_repr(value)


def _scalar(value: Any) -> str | None:
    """The JSON of a string, number, boolean or ``None``; ``None`` for anything else."""
    if isinstance(value, str):
        return _escape(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return _int_repr(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    """A dict key as :func:`json.dumps` writes it (keys are strings in JSON)."""
    if isinstance(key, str):
        return _escape(key)
    if key is None or isinstance(key, (int, float)):  # a bool is an int: "true", "false"
        return _escape(_scalar(key) or "")
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def dumps(value: Any, default: Callable[[Any], Any]) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, default=default)``, faster."""
    out: list[str] = []
    write = out.append

    def emit(obj: Any, depth: int) -> None:
        text = _scalar(obj)
        if text is not None:
            write(text)
            return
        if isinstance(obj, (list, tuple)):
            if not obj:
                write("[]")
                return
            inner = "\n" + "  " * (depth + 1)
            scalars = [_scalar(item) for item in obj]
            if None not in scalars:  # the common case: one join
                write("[" + inner + ("," + inner).join(scalars) + "\n" + "  " * depth + "]")
                return
            write("[")
            for i, (item, text) in enumerate(zip(obj, scalars, strict=True)):
                write(inner if i == 0 else "," + inner)
                if text is None:
                    emit(item, depth + 1)
                else:
                    write(text)
            write("\n" + "  " * depth + "]")
            return
        if isinstance(obj, dict):
            if not obj:
                write("{}")
                return
            inner = "\n" + "  " * (depth + 1)
            values = [_scalar(item) for item in obj.values()]
            if None not in values:  # a flat record (a group, a broker): one join
                write("{" + inner + ("," + inner).join(
                    [_key(key) + ": " + text for key, text in zip(obj, values, strict=True)])
                    + "\n" + "  " * depth + "}")
                return
            write("{")
            first = True
            for (key, item), text in zip(obj.items(), values, strict=True):
                if text is None:
                    write((inner if first else "," + inner) + _key(key) + ": ")
                    emit(item, depth + 1)
                else:
                    write((inner if first else "," + inner) + _key(key) + ": " + text)
                first = False
            write("\n" + "  " * depth + "}")
            return
        emit(default(obj), depth)

    emit(value, 0)
    return "".join(out)
