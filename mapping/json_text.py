"""Indented JSON for the command line's ``--json`` output, fast and byte for byte as before.

``json.dumps(value, ensure_ascii=False, indent=2)`` runs Python's pure-Python encoder as
soon as ``indent`` is given (2.25 CPU s for the 43 MB report of a 20x city). orjson writes
the same document, with Python's float notation restored, in about an eighth (0.29 CPU s);
:func:`dumps_indented` returns exactly the text ``json.dumps`` would, so scripts that read
the output (or diff two runs) see no change.

Where orjson's output differs, and what this module does about it:

* Floats are the same shortest round-trip digits, but notation differs in two ranges:
  orjson writes ``1e-7`` and ``0.00001`` where Python writes ``1e-07`` and ``1e-05``. Those
  tokens are rewritten with ``repr`` (:func:`_python_floats`; two fast literal scans when
  none occur).
* orjson refuses what Python accepts: integers beyond 64 bits, strings with lone
  surrogates, dict keys that are not strings. It raises, and then :mod:`json` writes the
  value (slow, but identical by definition).
* orjson writes ``null`` for NaN and infinity, where Python writes ``NaN``/``Infinity``
  (it has no option to refuse them). A value holding one at any depth, or a ``default``
  returning one, falls back to :mod:`json` (:func:`_finite` finds them in 0.015 s at 4x,
  0.08 s at 20x, where a Python walk over the report took 0.09 s and 0.5 s).
* Why not orjson's own hooks for the float notation: orjson has no float-format option
  and never calls ``default`` for a float; the one way in is to replace every float by an
  ``orjson.Fragment`` of its ``repr`` beforehand, a Python walk over the whole value that
  made the JSON step of a 4x report five times slower (0.155 s instead of 0.03 s).
* orjson serialises dataclasses, datetimes and enums itself; the first two are passed
  through to ``default`` as :mod:`json` does. (Enums: not in any output here.)
"""

from __future__ import annotations

import json
import marshal
import math
import re
import sys
from collections.abc import Callable
from typing import Any, TextIO

Default = Callable[[Any], Any]

# A token orjson writes in another notation than ``repr``: a number whose exponent is a
# single negative digit (``1e-7``), or one below 1e-4 written out (``0.00001``). The
# lookahead ``,?\n`` (or the end) means the token ends its line: in indented output a
# string always ends with a quote, so a match can never lie inside a string.
_SHORT_EXPONENT = re.compile(rb"e-[0-9](?=,?\n|,?\Z)")
_WRITTEN_OUT = re.compile(rb"0\.0000[0-9]+(?=,?\n|,?\Z)")
_NUMBER = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:e-[0-9])?")


class _NotFinite(ValueError):
    """Raised inside orjson's ``default`` hook: let :mod:`json` write this value."""


def dumps_indented(value: Any, default: Default | None = None) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, default=default)``, via orjson.

    Parameters
    ----------
    value
        What to write. Floats below the top level must be finite (see the module notes).
    default
        Called for a value neither encoder knows (a set, a numpy scalar), as in
        :func:`json.dumps`.

    Returns
    -------
    str
        The same text :func:`json.dumps` returns (no trailing newline).

    Raises
    ------
    ImportError
        orjson is not installed (it is pinned in ``requirements.txt``).
    TypeError, ValueError
        What :func:`json.dumps` raises for the same value.
    """
    text = _dumps(value, default)
    return text if isinstance(text, str) else text.decode("utf-8")


def print_indented(value: Any, default: Default | None = None, file: TextIO | None = None) -> None:
    """``print(json.dumps(value, ensure_ascii=False, indent=2, default=default), file=file)``.

    The same bytes reach ``file`` (standard output by default); when it is a UTF-8 text
    stream with a binary buffer, orjson's UTF-8 goes to the buffer directly, skipping a
    decode and an encode of the whole text (0.16 s for a 20x report).

    Raises
    ------
    ImportError, TypeError, ValueError
        As :func:`dumps_indented`.
    """
    out = sys.stdout if file is None else file
    text = _dumps(value, default)
    buffer = getattr(out, "buffer", None)
    encoding = (getattr(out, "encoding", None) or "").lower().replace("_", "-")
    if isinstance(text, bytes) and buffer is not None and encoding in ("utf-8", "utf8"):
        out.flush()  # what was printed before comes first
        buffer.write(text + b"\n")
        buffer.flush()
        return
    print(text if isinstance(text, str) else text.decode("utf-8"), file=out)


def _dumps(value: Any, default: Default | None) -> str | bytes:
    """orjson's UTF-8 with Python's float notation, or :mod:`json`'s text where it must."""
    import orjson  # late: only the commands that write JSON pay for it

    if not _finite(value):
        return _json(value, default)

    def hook(item: Any) -> Any:
        if default is None:
            raise TypeError(f"Object of type {type(item).__name__} is not JSON serializable")
        out = default(item)
        if not _finite(out):
            raise _NotFinite
        return out

    options = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS \
        | orjson.OPT_PASSTHROUGH_DATETIME
    try:
        text = orjson.dumps(value, default=hook, option=options)
    except orjson.JSONEncodeError:  # what only json can write, or json's own error
        return _json(value, default)
    return _python_floats(text)


def _finite(value: Any) -> bool:
    """Whether ``value`` holds no NaN or infinity at any depth (orjson would write ``null``).

    ``marshal`` writes the whole value in C, every float object once as ``g`` (``\\xe7``
    when it is referenced again) and its eight bytes little-endian; a non-finite one has
    all exponent bits set, so its last byte is ``\\x7f`` or ``\\xff`` after one of
    ``\\xf0`` or more. Those two bytes are rare (``\\xff`` never occurs in UTF-8 text,
    ``\\x7f`` only as DEL), so ``bytes.find`` visits few places (1,121 in a 20x report);
    a place that only looks like one, or a value ``marshal`` cannot write (a date, a
    numpy scalar), is decided by a walk over the value.
    """
    kind = type(value)
    if kind is float:
        return math.isfinite(value)
    if kind in (str, int, bool, type(None)):
        return True
    try:
        data = marshal.dumps(value, 4)  # the format whose float layout is read below
    except (ValueError, RecursionError):
        return _walk_finite(value)
    for last in (0x7F, 0xFF):
        at = data.find(last, 8)
        while at != -1:
            if data[at - 8] in (0x67, 0xE7) and data[at - 1] >= 0xF0:
                return _walk_finite(value)
            at = data.find(last, at + 1)
    return True


def _walk_finite(value: Any) -> bool:
    """:func:`_finite` the slow, plain way: every float in every dict, list, tuple or set."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, float) and not math.isfinite(item):
            return False
    return True


def _json(value: Any, default: Default | None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=default)


def _python_floats(text: bytes) -> bytes:
    """Rewrite the float tokens orjson writes differently from ``repr`` (see the notes)."""
    spans = []
    for match in _SHORT_EXPONENT.finditer(text):
        spans.append((text.rfind(b" ", 0, match.start()) + 1, match.end()))
    for match in _WRITTEN_OUT.finditer(text):
        start = match.start() - (text[match.start() - 1:match.start()] == b"-")
        spans.append((start, match.end()))
    pieces, done = [], 0
    for start, end in sorted(spans):
        token = text[start:end]
        # Only whole number tokens after the separator's space (or the whole text, a bare
        # number): not ``10.00001``'s tail.
        if (start and text[start - 1:start] != b" ") or not _NUMBER.fullmatch(token):
            continue
        pieces += [text[done:start], repr(float(token)).encode("ascii")]
        done = end
    return b"".join([*pieces, text[done:]]) if pieces else text
