"""The parse worker's answer as bytes that cannot run code when they are read.

The parse worker (:mod:`mapping.io.sandbox`) reads untrusted files with native
parsers. If one of them ever let a file take over the worker, the worker's
answer would be the attacker's bytes; unpickling them would run the
attacker's code in the server. So the answer is not a pickle but this format,
whose reader builds only the types declared here and checks every one:

``MAGIC`` | header length (u64) | header (ASCII JSON) | buffer count (u32) |
one u64 length per buffer | the buffers, each padded to 8 bytes | nothing more.

* The header holds the job kind, a status and the value, shaped by the
  kind's schema (:data:`ANSWERS`): strings, numbers, lists, the dataclasses of
  :data:`CLASSES` (as lists of their fields, in order) and tables.
* A table (:class:`pandas.DataFrame`) is its column specs in the header plus
  raw buffers (:mod:`mapping.io.answer_tables`): numbers as little-endian
  arrays, text and tuple-of-text columns dictionary-encoded with the distinct
  values as Apache Arrow string buffers, checked with ``validate(full=True)``.
  Arrow reads no schema, metadata or compression from the bytes: the column
  type comes from that module's own list.
* Anything else (an unknown class or type, a field too many, a wrong type, a
  count that does not match its buffer, trailing bytes, more bytes than
  allowed) makes :func:`decode_answer` raise :class:`AnswerError`, which the
  sandbox turns into one error message (``parse_answer``), never a traceback.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import struct
from typing import Any

import numpy as np
import pandas as pd

from mapping.domain.limits import LIMITS
from mapping.io.answer_tables import (
    DETAIL,
    AnswerError,
    TableReader,
    TableWriter,
    TextHints,
    fail,
    free_decode,
    free_encode,
)

__all__ = ["ANSWERS", "CLASSES", "MAGIC", "STATUSES", "AnswerError", "check_classes",
           "decode_answer", "encode_answer"]

MAGIC = b"WNA1"
"""The first bytes of every answer (format version 1)."""

STATUSES: tuple[str, ...] = ("ok", "memory", "error")
"""``ok``: the value; ``memory``: the worker ran out of memory; ``error``: it could not encode."""

_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")


# --------------------------------------------------------------------------- schemas

S, N, F, B, J, T = "str", "int", "float", "bool", "json", "frame"


def _opt(spec: Any) -> tuple:
    return ("opt", spec)


def _obj(name: str) -> tuple:
    return ("obj", name)


_ISSUES = ("list", _obj("Issue"))
_LOAD_FIELDS = {"dataset": _opt(_obj("Dataset")), "errors": _ISSUES, "warnings": _ISSUES,
                "counts": ("dict", S, N)}

CLASSES: dict[str, tuple[str, dict[str, Any]]] = {
    "Issue": ("mapping.io.issues", {"file": S, "row": _opt(N), "column": _opt(S),
                                    "value": _opt(S), "message": S, "severity": S, "code": S}),
    "LoadResult": ("mapping.io.load", _LOAD_FIELDS),
    "Dataset": ("mapping.domain.dataset", {"organisations": T, "parent_groups": T, "reach": T,
                                           "collaborations": T, "neighbourhoods": _opt(J),
                                           "name": S}),
    "SurveyResult": ("mapping.io.surveys.builder", {
        **_LOAD_FIELDS, "dropped": ("tuple", ("fixed", S, S)),
        "mapping": _opt(_obj("SurveyMapping")), "tool": S,
        "matches": ("tuple", _obj("NameMatch"))}),
    "NameMatch": ("mapping.io.surveys.names", {"name": S, "known": _opt(S), "score": F,
                                               "status": S}),
    "SurveyMapping": ("mapping.io.surveys.roles", {
        "tool": S, "columns": ("tuple", _obj("ColumnRole")), "default_kind": S, "version": N,
        "aliases": ("tuple", ("fixed", S, S))}),
    "ColumnRole": ("mapping.io.surveys.roles", {
        "column": S, "role": S, "shape": S, "item": _opt(S), "confidence": F,
        "sheet": _opt(S), "separator": _opt(S)}),
    "SurveyTable": ("mapping.io.surveys.table", {
        "tool": S, "file": S, "main": _obj("Sheet"), "repeats": ("list", _obj("Sheet")),
        "links": ("list", ("fixed", S, S, S, S, N))}),
    "Sheet": ("mapping.io.surveys.table", {
        "name": S, "file": S, "columns": ("list", _obj("SurveyColumn")),
        "rows": ("list", ("list", S)), "numbers": ("list", N), "files": _opt(("list", S))}),
    "SurveyColumn": ("mapping.io.surveys.table", {"key": S, "question": S, "item": _opt(S),
                                                  "position": N}),
    "Graph": ("mapping.io.graph_formats.model", {
        "format": S, "nodes": ("list", _obj("Node")), "edges": ("list", _obj("Edge")),
        "label_keys": ("tuple", S)}),
    "Node": ("mapping.io.graph_formats.model", {"id": S, "attrs": ("dict", S, S), "file": S,
                                                "row": N}),
    "Edge": ("mapping.io.graph_formats.model", {
        "source": S, "target": S, "attrs": ("dict", S, S), "file": S, "row": N,
        "directed": B}),
}
"""Every class an answer may hold: ``name -> (module, {field: spec})``, fields in order.

A field the class has and the spec does not (``Sheet._by_key``, a cache) is
left to its default; :func:`check_classes` says when a class gained a field.
"""

_SURVEY_READ = ("fixed", _opt(_obj("SurveyTable")), _ISSUES)
ANSWERS: dict[str, Any] = {
    "files": _obj("LoadResult"),
    "path": _obj("LoadResult"),
    "lists": _obj("LoadResult"),
    "graph_import": _obj("LoadResult"),
    "survey": _SURVEY_READ,
    "apply": _obj("SurveyResult"),
    "graph": ("fixed", _opt(_obj("Graph")), _opt(S)),
    "kind": ("fixed", S, ("either", "none", _obj("LoadResult"), _SURVEY_READ)),
}
"""What :func:`mapping.io.sandbox.work` returns for each job kind, as a schema."""

_SKIPPED = {"Sheet": {"_by_key"}}


def _class(name: str) -> type:
    module, _fields = CLASSES[name]
    return getattr(importlib.import_module(module), name)


def check_classes() -> list[str]:
    """Fields of the classes in :data:`CLASSES` that the schema does not cover (should be none)."""
    missing = []
    for name, (_module, fields) in CLASSES.items():
        have = [f.name for f in dataclasses.fields(_class(name)) if f.init]
        want = [f for f in have if f not in _SKIPPED.get(name, set())]
        if want != list(fields):
            missing.append(f"{name}: {want} != {list(fields)}")
    return missing



class _Writer(TableWriter):
    """Turns a value into the header's JSON-ready form by its schema (tables: TableWriter)."""

    def value(self, spec: Any, value: Any, where: str) -> Any:
        if spec == "none":
            if value is not None:
                raise AnswerError(f"{where}: expected None, got {type(value).__name__}")
            return None
        if spec == S:
            if type(value) is not str:
                raise AnswerError(f"{where}: expected str, got {type(value).__name__}")
            return value
        if spec == N:
            if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
                return int(value)  # numpy's integers (a row number from an array) become int
            raise AnswerError(f"{where}: expected int, got {type(value).__name__}")
        if spec == F:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return value if type(value) in (int, float) else float(value)
            raise AnswerError(f"{where}: expected a number, got {type(value).__name__}")
        if spec == B:
            if type(value) is not bool:
                raise AnswerError(f"{where}: expected bool, got {type(value).__name__}")
            return value
        if spec == J:
            return free_encode(value, where)
        if spec == T:
            if type(value) is not pd.DataFrame:
                raise AnswerError(f"{where}: expected a DataFrame, got {type(value).__name__}")
            return self.frame(value, where)
        head = spec[0]
        if head == "opt":
            return None if value is None else [self.value(spec[1], value, where)]
        if head in ("list", "tuple"):
            if type(value) is not (list if head == "list" else tuple):
                raise AnswerError(f"{where}: expected {head}, got {type(value).__name__}")
            return [self.value(spec[1], v, f"{where}[{i}]") for i, v in enumerate(value)]
        if head == "fixed":
            if type(value) is not tuple or len(value) != len(spec) - 1:
                raise AnswerError(f"{where}: expected a tuple of {len(spec) - 1}")
            return [self.value(s, v, f"{where}[{i}]") for i, (s, v) in
                    enumerate(zip(spec[1:], value, strict=True))]
        if head == "dict":
            if type(value) is not dict:
                raise AnswerError(f"{where}: expected dict, got {type(value).__name__}")
            return [[self.value(spec[1], k, f"{where} key"), self.value(spec[2], v, f"{where}[]")]
                    for k, v in value.items()]
        if head == "either":
            reasons = []
            for i, option in enumerate(spec[1:]):
                mark = len(self.buffers)
                try:
                    return [i, self.value(option, value, where)]
                except AnswerError as exc:
                    del self.buffers[mark:]
                    reasons.append(str(exc))
            raise AnswerError("; ".join(reasons))
        if head == "obj":
            cls = _class(spec[1])
            if type(value) is not cls:
                raise AnswerError(f"{where}: expected {spec[1]}, got {type(value).__name__}")
            fields = CLASSES[spec[1]][1]
            return [self.value(s, getattr(value, f), f"{spec[1]}.{f}") for f, s in fields.items()]
        raise AnswerError(f"{where}: no such spec {spec!r}")  # pragma: no cover - our schemas



def encode_answer(kind: str, status: str, value: Any, hints: TextHints | None = None) -> bytes:
    """The answer of a job of ``kind`` as bytes (the worker's side).

    Parameters
    ----------
    kind
        The job kind (a key of :data:`ANSWERS`).
    status
        ``ok`` (``value`` is what :func:`mapping.io.sandbox.work` returned),
        ``memory`` or ``error`` (``value`` is a short detail).
    hints
        Dictionary codes of text columns the reader already had
        (:data:`mapping.io.answer_tables.TextHints`): the same bytes' meaning,
        found faster. The answer decodes to the same value with or without them.

    Raises
    ------
    AnswerError
        When ``value`` does not fit the kind's schema (the worker then sends an
        ``error`` answer instead).
    """
    if kind not in ANSWERS or status not in STATUSES:
        raise AnswerError(f"no answer for kind {kind!r}, status {status!r}")
    writer = _Writer(hints)
    try:
        body = (writer.value(ANSWERS[kind], value, kind) if status == "ok"
                else str(value)[:DETAIL])
    except (ValueError, TypeError, UnicodeError) as exc:  # e.g. Arrow refusing a column
        if isinstance(exc, AnswerError):
            raise
        raise AnswerError(f"{kind}: {type(exc).__name__}: {exc}"[:DETAIL]) from None
    header = json.dumps({"kind": kind, "status": status, "value": body},
                        ensure_ascii=True, separators=(",", ":")).encode("ascii")
    parts: list[bytes | memoryview] = [MAGIC, _U64.pack(len(header)), header,
                                       _U32.pack(len(writer.buffers))]
    parts += [_U64.pack(len(b)) for b in writer.buffers]
    for data in writer.buffers:
        parts.append(data)
        parts.append(b"\0" * (-len(data) % 8))
    return b"".join(parts)



class _Reader(TableReader):
    """Builds the value a header describes, checking each part against its schema."""

    def value(self, spec: Any, data: Any, where: str) -> Any:
        if spec == "none":
            if data is not None:
                raise fail(where, "expected None")
            return None
        if spec in (S, B):
            if type(data) is not (str if spec == S else bool):
                raise fail(where, f"expected {spec}")
            return data
        if spec == N:
            if type(data) is not int:
                raise fail(where, "expected int")
            return data
        if spec == F:
            if type(data) not in (int, float):
                raise fail(where, "expected a number")
            return data
        if spec == J:
            return free_decode(data, where)
        if spec == T:
            return self.frame(data, where)
        head = spec[0]
        if head == "opt":
            if data is None:
                return None
            if type(data) is not list or len(data) != 1:
                raise fail(where, "bad optional value")
            return self.value(spec[1], data[0], where)
        if head in ("list", "tuple"):
            if type(data) is not list:
                raise fail(where, f"expected {head}")
            items = [self.value(spec[1], v, where) for v in data]
            return items if head == "list" else tuple(items)
        if head == "fixed":
            if type(data) is not list or len(data) != len(spec) - 1:
                raise fail(where, f"expected {len(spec) - 1} items")
            return tuple(self.value(s, v, where) for s, v in zip(spec[1:], data, strict=True))
        if head == "dict":
            if type(data) is not list:
                raise fail(where, "expected dict")
            out = {}
            for pair in data:
                if type(pair) is not list or len(pair) != 2:
                    raise fail(where, "bad dict item")
                out[self.value(spec[1], pair[0], where)] = self.value(spec[2], pair[1], where)
            return out
        if head == "either":
            if (type(data) is not list or len(data) != 2 or type(data[0]) is not int
                    or not 0 <= data[0] < len(spec) - 1):
                raise fail(where, "bad choice")
            return self.value(spec[1 + data[0]], data[1], where)
        if head == "obj":
            name = spec[1]
            fields = CLASSES[name][1]
            if type(data) is not list or len(data) != len(fields):
                raise fail(name, f"expected {len(fields)} fields")
            values = {f: self.value(s, v, f"{name}.{f}") for (f, s), v in
                      zip(fields.items(), data, strict=True)}
            return _class(name)(**values)
        raise fail(where, "unknown spec")  # pragma: no cover - our schemas

    # -- tables


def decode_answer(kind: str, data: bytes | bytearray | memoryview, max_bytes: int,
                  max_rows: int, *, header_bytes: int | None = None,
                  check: bool = True) -> tuple[str, Any]:
    """Read a worker's answer to a job of ``kind`` (the parent's side): ``(status, value)``.

    Parameters
    ----------
    kind
        The kind of the job the parent sent (the answer must say the same).
    data
        The answer's bytes, exactly (nothing may follow).
    max_bytes
        Largest answer accepted.
    max_rows
        Largest row count of a table (and number of distinct values) accepted.
    header_bytes
        Largest JSON header accepted, checked before it is parsed (JSON of many small
        lists grows about twentyfold in memory); default :attr:`Limits.answer_header_bytes`.
    check
        Also refuse text cells over :attr:`Limits.cell_chars` and datasets that break what
        validation guarantees (:mod:`mapping.io.answer_checks`). Off only for tests of
        the transport itself with tables no validation would make.

    Returns
    -------
    tuple
        ``("ok", value)`` with the value built from :data:`ANSWERS` [kind], or
        ``("memory" | "error", detail)``.

    Raises
    ------
    AnswerError
        For anything but a well-formed answer of that kind; its text says what
        (for a message's ``detail``). Nothing in ``data`` is ever run.
    """
    view = memoryview(data).cast("B")
    if len(view) > max_bytes:
        raise AnswerError(f"answer of {len(view)} bytes, at most {max_bytes}")
    limit = LIMITS.answer_header_bytes if header_bytes is None else header_bytes
    try:
        status, value, reader = _decode(kind, view, max_rows, limit,
                                        LIMITS.cell_chars if check else None)
        if check and status == "ok":
            # Late: the parse worker, which only encodes, never imports the server's checks.
            from mapping.io.answer_checks import check_answer_datasets

            check_answer_datasets(value, reader.facts if reader is not None else {})
        return status, value
    except AnswerError:
        raise
    except RecursionError:
        raise AnswerError("nested too deep") from None
    except MemoryError:  # what the answer describes does not fit in the server
        raise AnswerError("too large to read") from None
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, struct.error) as exc:
        raise AnswerError(f"malformed answer ({type(exc).__name__})") from None


def _decode(kind: str, view: memoryview, max_rows: int, header_bytes: int,
            max_chars: int | None) -> tuple[str, Any, _Reader | None]:
    if bytes(view[:4]) != MAGIC:
        raise AnswerError("not an answer (no magic)")
    at = 4
    if len(view) < at + 8:
        raise AnswerError("truncated answer")
    (size,) = _U64.unpack_from(view, at)
    at += 8
    if size > len(view) - at - 4:
        raise AnswerError("truncated answer")
    if size > header_bytes:  # before parsing: the parsed header may be far larger
        raise AnswerError(f"header of {size} bytes, at most {header_bytes}")
    header = json.loads(bytes(view[at:at + size]).decode("ascii"))
    at += size
    (count,) = _U32.unpack_from(view, at)
    at += 4
    if count * 8 > len(view) - at:
        raise AnswerError("truncated answer")
    lengths = [_U64.unpack_from(view, at + 8 * i)[0] for i in range(count)]
    at += 8 * count
    buffers = []
    for length in lengths:
        if length > len(view) - at:
            raise AnswerError("truncated answer")
        buffers.append(view[at:at + length])
        at += length + (-length % 8)
        if at > len(view):
            raise AnswerError("truncated answer")
    if at != len(view):
        raise AnswerError(f"{len(view) - at} bytes after the answer")
    if type(header) is not dict or set(header) != {"kind", "status", "value"}:
        raise AnswerError("bad header")
    if header["kind"] != kind:
        raise AnswerError("answer to another job")
    status = header["status"]
    if status not in STATUSES:
        raise AnswerError("bad status")
    if status != "ok":
        if type(header["value"]) is not str or count:
            raise AnswerError("bad detail")
        return status, _printable(header["value"]), None
    reader = _Reader(buffers, max_rows, max_chars)
    value = reader.value(ANSWERS[kind], header["value"], kind)
    if not all(reader.used):
        raise AnswerError("buffers no table uses")
    return status, value, reader


def _printable(text: str) -> str:
    """A detail from the worker as it may appear in a message: printable, short."""
    return "".join(c if c.isprintable() else "?" for c in text[:DETAIL])
