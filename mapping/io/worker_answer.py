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
  raw buffers: numbers as little-endian arrays (``numpy.frombuffer``), text
  and tuple-of-text columns dictionary-encoded (codes, and the distinct values
  as Apache Arrow string buffers, checked with ``validate(full=True)``: offsets
  in bounds, valid UTF-8). Arrow reads no schema, metadata or compression
  from the bytes: the column type comes from this module's own list.
* Anything else (an unknown class or type, a field too many, a wrong type, a
  count that does not match its buffer, trailing bytes, more bytes than
  allowed) makes :func:`decode_answer` raise :class:`AnswerError`, which the
  sandbox turns into one error message (``parse_answer``), never a traceback.
"""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import json
import struct
from typing import Any

import numpy as np
import pandas as pd

MAGIC = b"WNA1"
"""The first bytes of every answer (format version 1)."""

STATUSES: tuple[str, ...] = ("ok", "memory", "error")
"""``ok``: the value; ``memory``: the worker ran out of memory; ``error``: it could not encode."""

_DEPTH = 64  # nesting of free values (a GeoJSON polygon is 5 deep)
_DETAIL = 200  # characters of a detail the worker sends (shown inside a message)
_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")


class AnswerError(ValueError):
    """An answer that is not what the job kind says it must be (or cannot be encoded)."""


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


# --------------------------------------------------------------------------- encoding


class _Writer:
    """Turns a value into the header's JSON-ready form, collecting the tables' buffers."""

    def __init__(self) -> None:
        self.buffers: list[bytes | memoryview] = []

    def buffer(self, data: bytes | memoryview | np.ndarray) -> int:
        if isinstance(data, np.ndarray):
            data = memoryview(np.ascontiguousarray(data).reshape(-1).view(np.uint8))
        self.buffers.append(data)
        return len(self.buffers) - 1

    # -- values by schema

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
            return _free_encode(value, where)
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

    # -- tables

    def frame(self, frame: pd.DataFrame, where: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n": len(frame),
            "index": self.index(frame.index, f"{where}.index"),
            "columns": self.index(frame.columns, f"{where}.columns"),
            "data": [self.column(frame.iloc[:, i], f"{where}[{frame.columns[i]!r}]")
                     for i in range(frame.shape[1])],
        }
        if frame.attrs:
            out["attrs"] = _free_encode(dict(frame.attrs), f"{where}.attrs")
        return out

    def index(self, index: pd.Index, where: str) -> dict[str, Any]:
        name = _free_encode(index.name, f"{where}.name")
        if type(index) is pd.RangeIndex:
            return {"range": [index.start, index.stop, index.step], "name": name}
        if isinstance(index, pd.MultiIndex):
            raise AnswerError(f"{where}: a MultiIndex is not supported")
        return {"values": self.column(index, where), "name": name}

    def column(self, values: pd.Series | pd.Index, where: str) -> dict[str, Any]:
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cat = values.array
            return {"t": "category", "codes": self.numbers(np.asarray(cat.codes)),
                    "categories": self.column(cat.categories, f"{where}.categories"),
                    "k": len(cat.categories), "ordered": bool(cat.ordered)}
        if isinstance(dtype, pd.StringDtype):
            return {"t": "string", "storage": dtype.storage,
                    "na": "nan" if dtype.na_value is not pd.NA else "NA",
                    "text": self.text(values.to_numpy(dtype=object, na_value=None), where)}
        if str(dtype) in _MASKED:
            array = values.array
            # The masked arrays' own data and mask (no public accessor gives both exactly).
            return {"t": "masked", "dtype": str(dtype), "data": self.numbers(array._data),
                    "mask": self.numbers(array._mask)}
        if isinstance(dtype, np.dtype) and dtype.str in _NUMPY:
            return {"t": "np", "dtype": dtype.str, "b": self.buffer(np.asarray(values))}
        if dtype == np.dtype(object):
            return self.objects(values.to_numpy(dtype=object), where)
        raise AnswerError(f"{where}: dtype {dtype} is not supported")

    def numbers(self, array: np.ndarray) -> dict[str, Any]:
        if array.dtype.str not in _NUMPY:
            raise AnswerError(f"dtype {array.dtype} is not supported")
        return {"dtype": array.dtype.str, "b": self.buffer(array)}

    def objects(self, values: np.ndarray, where: str) -> dict[str, Any]:
        types = set(map(type, values))
        try:
            if types <= {str, type(None)}:
                return {"t": "text", "text": self.text(values, where)}
            if types == {tuple}:
                return self.tuples(values, where)
        except (UnicodeEncodeError, ValueError, TypeError):  # a lone surrogate: not UTF-8
            pass
        return {"t": "values", "v": [_tagged(v, 0, where) for v in values]}

    def text(self, values: np.ndarray, where: str) -> dict[str, Any]:
        """Text cells (``str`` or ``None``) as codes into their distinct values."""
        codes, uniques = pd.factorize(values)
        import pyarrow as pa

        distinct = pa.array(uniques, type=pa.large_string(), from_pandas=False)
        return {"codes": self.numbers(codes.astype(np.int32, copy=False)),
                **self.strings(distinct)}

    def strings(self, array: Any) -> dict[str, Any]:
        """An Arrow ``large_string`` array without nulls: its offsets and its UTF-8 bytes."""
        if array.null_count:
            raise AnswerError("nulls among distinct values")  # pragma: no cover - factorize
        _validity, offsets, data = array.buffers()
        n = len(array)
        ends = (np.frombuffer(offsets, dtype="<i8", count=n + 1) if n
                else np.zeros(1, dtype="<i8"))
        size = int(ends[-1])
        return {"k": n, "offsets": self.buffer(ends), "bytes":
                self.buffer(memoryview(data)[:size] if size else b"")}

    def tuples(self, values: np.ndarray, where: str) -> dict[str, Any]:
        """Tuple-of-text cells (``languages``, ``topics``) as codes into the distinct tuples."""
        codes, uniques = pd.factorize(values)
        if not set(map(type, itertools.chain.from_iterable(uniques))) <= {str}:
            raise TypeError("a tuple holds more than text")
        import pyarrow as pa

        flat = pa.array(list(itertools.chain.from_iterable(uniques)), type=pa.large_string(),
                        from_pandas=False)
        ends = np.cumsum([0, *map(len, uniques)], dtype=np.int64)
        return {"t": "tuples", "codes": self.numbers(codes.astype(np.int32, copy=False)),
                "k": len(uniques), "ends": self.buffer(ends), "items": self.strings(flat)}


_NUMPY = frozenset(np.dtype(t).newbyteorder("<").str for t in (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", *(f"{k}8[{u}]" for k in "Mm" for u in ("s", "ms", "us", "ns"))))
"""numpy dtypes a table column (or a code or mask array) may have."""

_MASKED: dict[str, tuple[str, str]] = {
    **{f"{p}Int{b}": ("IntegerArray", f"{p.lower()}int{b}") for p in ("", "U")
       for b in (8, 16, 32, 64)},
    "Float32": ("FloatingArray", "float32"), "Float64": ("FloatingArray", "float64"),
    "boolean": ("BooleanArray", "bool"),
}
"""pandas' nullable dtypes: ``name -> (array class in pandas.arrays, numpy dtype of the data)``."""


def _free_encode(value: Any, where: str) -> list:
    """A free value (GeoJSON, ``attrs``, a name): plain JSON when it is, else tagged."""
    if _is_json(value, 0):
        return ["j", value]
    return ["t", _tagged(value, 0, where)]


def _is_json(value: Any, depth: int) -> bool:
    kind = type(value)
    if kind in (str, int, bool) or value is None:
        return True
    if kind is float:
        return True
    if depth >= _DEPTH:
        return False
    if kind is list:
        return all(_is_json(v, depth + 1) for v in value)
    if kind is dict:
        return all(type(k) is str and _is_json(v, depth + 1) for k, v in value.items())
    return False


def _tagged(value: Any, depth: int, where: str) -> Any:
    """Plain data with every container tagged: ``{"l": []}``, ``{"t": []}``, ``{"d": [[k, v]]}``."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return value
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if depth >= _DEPTH:
        raise AnswerError(f"{where}: nested more than {_DEPTH} deep")
    if kind in (list, tuple):
        return {"l" if kind is list else "t": [_tagged(v, depth + 1, where) for v in value]}
    if kind is dict:
        return {"d": [[_tagged(k, depth + 1, where), _tagged(v, depth + 1, where)]
                      for k, v in value.items()]}
    raise AnswerError(f"{where}: a {kind.__name__} cannot be sent")


def encode_answer(kind: str, status: str, value: Any) -> bytes:
    """The answer of a job of ``kind`` as bytes (the worker's side).

    Parameters
    ----------
    kind
        The job kind (a key of :data:`ANSWERS`).
    status
        ``ok`` (``value`` is what :func:`mapping.io.sandbox.work` returned),
        ``memory`` or ``error`` (``value`` is a short detail).

    Raises
    ------
    AnswerError
        When ``value`` does not fit the kind's schema (the worker then sends an
        ``error`` answer instead).
    """
    if kind not in ANSWERS or status not in STATUSES:
        raise AnswerError(f"no answer for kind {kind!r}, status {status!r}")
    writer = _Writer()
    try:
        body = (writer.value(ANSWERS[kind], value, kind) if status == "ok"
                else str(value)[:_DETAIL])
    except (ValueError, TypeError, UnicodeError) as exc:  # e.g. Arrow refusing a column
        if isinstance(exc, AnswerError):
            raise
        raise AnswerError(f"{kind}: {type(exc).__name__}: {exc}"[:_DETAIL]) from None
    header = json.dumps({"kind": kind, "status": status, "value": body},
                        ensure_ascii=True, separators=(",", ":")).encode("ascii")
    parts: list[bytes | memoryview] = [MAGIC, _U64.pack(len(header)), header,
                                       _U32.pack(len(writer.buffers))]
    parts += [_U64.pack(len(b)) for b in writer.buffers]
    for data in writer.buffers:
        parts.append(data)
        parts.append(b"\0" * (-len(data) % 8))
    return b"".join(parts)


# --------------------------------------------------------------------------- decoding


def _fail(where: str, what: str) -> AnswerError:
    return AnswerError(f"{where}: {what}"[:_DETAIL])


class _Reader:
    """Builds the value a header describes, checking each part against its schema."""

    def __init__(self, buffers: list[memoryview], max_rows: int) -> None:
        self.buffers = buffers
        self.used = [False] * len(buffers)
        self.max_rows = max_rows

    def buffer(self, ref: Any, where: str) -> memoryview:
        if type(ref) is not int or not 0 <= ref < len(self.buffers) or self.used[ref]:
            raise _fail(where, "bad buffer reference")
        self.used[ref] = True
        return self.buffers[ref]

    # -- values by schema

    def value(self, spec: Any, data: Any, where: str) -> Any:
        if spec == "none":
            if data is not None:
                raise _fail(where, "expected None")
            return None
        if spec in (S, B):
            if type(data) is not (str if spec == S else bool):
                raise _fail(where, f"expected {spec}")
            return data
        if spec == N:
            if type(data) is not int:
                raise _fail(where, "expected int")
            return data
        if spec == F:
            if type(data) not in (int, float):
                raise _fail(where, "expected a number")
            return data
        if spec == J:
            return _free_decode(data, where)
        if spec == T:
            return self.frame(data, where)
        head = spec[0]
        if head == "opt":
            if data is None:
                return None
            if type(data) is not list or len(data) != 1:
                raise _fail(where, "bad optional value")
            return self.value(spec[1], data[0], where)
        if head in ("list", "tuple"):
            if type(data) is not list:
                raise _fail(where, f"expected {head}")
            items = [self.value(spec[1], v, where) for v in data]
            return items if head == "list" else tuple(items)
        if head == "fixed":
            if type(data) is not list or len(data) != len(spec) - 1:
                raise _fail(where, f"expected {len(spec) - 1} items")
            return tuple(self.value(s, v, where) for s, v in zip(spec[1:], data, strict=True))
        if head == "dict":
            if type(data) is not list:
                raise _fail(where, "expected dict")
            out = {}
            for pair in data:
                if type(pair) is not list or len(pair) != 2:
                    raise _fail(where, "bad dict item")
                out[self.value(spec[1], pair[0], where)] = self.value(spec[2], pair[1], where)
            return out
        if head == "either":
            if (type(data) is not list or len(data) != 2 or type(data[0]) is not int
                    or not 0 <= data[0] < len(spec) - 1):
                raise _fail(where, "bad choice")
            return self.value(spec[1 + data[0]], data[1], where)
        if head == "obj":
            name = spec[1]
            fields = CLASSES[name][1]
            if type(data) is not list or len(data) != len(fields):
                raise _fail(name, f"expected {len(fields)} fields")
            values = {f: self.value(s, v, f"{name}.{f}") for (f, s), v in
                      zip(fields.items(), data, strict=True)}
            return _class(name)(**values)
        raise _fail(where, "unknown spec")  # pragma: no cover - our schemas

    # -- tables

    def frame(self, data: Any, where: str) -> pd.DataFrame:
        if type(data) is not dict or not {"n", "index", "columns", "data"} <= data.keys() \
                or not data.keys() <= {"n", "index", "columns", "data", "attrs"}:
            raise _fail(where, "bad table")
        n = data["n"]
        if type(n) is not int or not 0 <= n <= self.max_rows:
            raise _fail(where, f"bad row count {n!r}")
        if type(data["data"]) is not list:
            raise _fail(where, "bad columns")
        arrays = [self.column(c, n, f"{where} column {i}") for i, c in enumerate(data["data"])]
        columns = self.index(data["columns"], len(arrays), f"{where} header")
        index = self.index(data["index"], n, f"{where} index")
        # dtype given: pandas 3 would take an object array of text for its string dtype.
        frame = pd.DataFrame({i: pd.Series(a, index=index, dtype=a.dtype, copy=False)
                              for i, a in enumerate(arrays)}, index=index, copy=False)
        frame.columns = columns
        if "attrs" in data:
            attrs = _free_decode(data["attrs"], where)
            if type(attrs) is not dict:
                raise _fail(where, "bad attrs")
            frame.attrs = attrs
        return frame

    def index(self, data: Any, n: int, where: str) -> pd.Index:
        if type(data) is not dict or set(data) not in ({"range", "name"}, {"values", "name"}):
            raise _fail(where, "bad index")
        name = _free_decode(data["name"], where)
        try:
            hash(name)
        except TypeError:
            raise _fail(where, "bad index name") from None
        if "range" in data:
            bounds = data["range"]
            if (type(bounds) is not list or len(bounds) != 3
                    or any(type(b) is not int for b in bounds) or bounds[2] == 0):
                raise _fail(where, "bad range")
            index = pd.RangeIndex(*bounds, name=name)
            if len(index) != n:
                raise _fail(where, "range of the wrong length")
            return index
        values = self.column(data["values"], n, where)
        return pd.Index(values, dtype=values.dtype, name=name, copy=False)

    def column(self, data: Any, n: int, where: str) -> Any:
        if type(data) is not dict:
            raise _fail(where, "bad column")
        kind = data.get("t")
        if kind == "np":
            _keys(data, {"t", "dtype", "b"}, where)
            return self.numbers(data, n, where)
        if kind == "masked":
            _keys(data, {"t", "dtype", "data", "mask"}, where)
            if data["dtype"] not in _MASKED:
                raise _fail(where, "bad masked dtype")
            cls, numpy_dtype = _MASKED[data["dtype"]]
            values = self.numbers(data["data"], n, where, numpy_dtype)
            mask = self.numbers(data["mask"], n, where, "bool")
            return getattr(pd.arrays, cls)(values, mask)
        if kind == "text":
            _keys(data, {"t", "text"}, where)
            return self.text(data["text"], n, where)
        if kind == "string":
            _keys(data, {"t", "storage", "na", "text"}, where)
            if data["storage"] not in ("python", "pyarrow") or data["na"] not in ("nan", "NA"):
                raise _fail(where, "bad string dtype")
            dtype = pd.StringDtype(data["storage"], np.nan if data["na"] == "nan" else pd.NA)
            return pd.array(self.text(data["text"], n, where), dtype=dtype)
        if kind == "tuples":
            _keys(data, {"t", "codes", "k", "ends", "items"}, where)
            return self.tuples(data, n, where)
        if kind == "category":
            _keys(data, {"t", "codes", "categories", "k", "ordered"}, where)
            codes = self.numbers(data["codes"], n, where)
            if codes.dtype.kind != "i" or type(data["ordered"]) is not bool:
                raise _fail(where, "bad categorical")
            categories = data["categories"]
            if type(categories) is not dict or categories.get("t") == "category":
                raise _fail(where, "bad categories")
            k = data["k"]
            if type(k) is not int or not 0 <= k <= self.max_rows:
                raise _fail(where, "bad count of categories")
            try:
                values = self.column(categories, k, where)
                dtype = pd.CategoricalDtype(pd.Index(values, dtype=values.dtype),
                                            data["ordered"])
                return pd.Categorical.from_codes(codes, dtype=dtype)
            except (ValueError, TypeError) as exc:
                raise _fail(where, f"bad categorical ({exc})") from None
        if kind == "values":
            _keys(data, {"t", "v"}, where)
            if type(data["v"]) is not list or len(data["v"]) != n:
                raise _fail(where, "bad values")
            out = np.empty(n, dtype=object)
            out[:] = [_untag(v, 0, where) for v in data["v"]] if n else []
            return out
        raise _fail(where, f"unknown column type {kind!r}"[:80])

    def numbers(self, data: Any, n: int, where: str, want: str | None = None) -> np.ndarray:
        if type(data) is not dict or not {"dtype", "b"} <= data.keys() \
                or data.get("dtype") not in _NUMPY:
            raise _fail(where, "bad numbers")
        dtype = np.dtype(data["dtype"])
        if want is not None and dtype != np.dtype(want).newbyteorder("<"):
            raise _fail(where, f"expected {want}")
        raw = self.buffer(data["b"], where)
        if len(raw) != n * dtype.itemsize:
            raise _fail(where, f"{len(raw)} bytes for {n} values of {dtype}")
        if dtype.kind == "b" and n and int(np.frombuffer(raw, dtype=np.uint8).max()) > 1:
            raise _fail(where, "a boolean that is neither 0 nor 1")
        return np.frombuffer(raw, dtype=dtype).copy()

    def strings(self, data: Any, where: str) -> np.ndarray:
        """Distinct text values: an Arrow ``large_string`` array, fully validated."""
        if type(data) is not dict:
            raise _fail(where, "bad text")
        k = data.get("k")
        if type(k) is not int or not 0 <= k <= self.max_rows:
            raise _fail(where, "bad count of distinct values")
        import pyarrow as pa

        ends = self.buffer(data.get("offsets"), where)
        text = self.buffer(data.get("bytes"), where)
        if len(ends) != (k + 1) * 8:
            raise _fail(where, "offsets of the wrong length")
        array = pa.Array.from_buffers(pa.large_string(), k,
                                      [None, pa.py_buffer(ends), pa.py_buffer(text)])
        try:
            array.validate(full=True)  # offsets ascending and within the bytes, valid UTF-8
        except pa.ArrowInvalid as exc:
            raise _fail(where, f"invalid text ({exc})") from None
        if int(np.frombuffer(ends, dtype="<i8")[-1]) != len(text):
            raise _fail(where, "text bytes beyond the last offset")
        return array.to_numpy(zero_copy_only=False)

    def _codes(self, data: Any, n: int, k: int, lowest: int, where: str) -> np.ndarray:
        codes = self.numbers(data, n, where, "int32")
        if n and (int(codes.min()) < lowest or int(codes.max()) >= k):
            raise _fail(where, "code out of range")
        return codes

    def text(self, data: Any, n: int, where: str) -> np.ndarray:
        if type(data) is not dict or set(data) != {"codes", "k", "offsets", "bytes"}:
            raise _fail(where, "bad text column")
        distinct = self.strings(data, where)
        codes = self._codes(data["codes"], n, len(distinct), -1, where)
        table = np.empty(len(distinct) + 1, dtype=object)
        table[:-1] = distinct
        return table[codes]  # code -1 (an empty cell) is the last entry, None

    def tuples(self, data: Any, n: int, where: str) -> np.ndarray:
        k = data["k"]
        if type(k) is not int or not 0 <= k <= self.max_rows:
            raise _fail(where, "bad count of distinct tuples")
        ends = self.numbers({"dtype": "<i8", "b": data["ends"]}, k + 1, where)
        items = self.strings(data["items"], where).tolist()
        if int(ends[0]) != 0 or np.any(np.diff(ends) < 0) or int(ends[-1]) != len(items):
            raise _fail(where, "bad tuple bounds")
        bounds = ends.tolist()
        table = np.empty(k, dtype=object)
        table[:] = [tuple(items[a:b]) for a, b in itertools.pairwise(bounds)]
        return table[self._codes(data["codes"], n, k, 0, where)]


def _keys(data: dict, keys: set[str], where: str) -> None:
    if set(data) != keys:
        raise _fail(where, "wrong fields")


def _free_decode(data: Any, where: str) -> Any:
    if type(data) is not list or len(data) != 2 or data[0] not in ("j", "t"):
        raise _fail(where, "bad free value")
    return data[1] if data[0] == "j" else _untag(data[1], 0, where)


def _untag(data: Any, depth: int, where: str) -> Any:
    if type(data) in (str, int, float, bool) or data is None:
        return data
    if depth >= _DEPTH or type(data) is not dict or len(data) != 1:
        raise _fail(where, "bad tagged value")
    (tag, items), = data.items()
    if tag not in ("l", "t", "d") or type(items) is not list:
        raise _fail(where, "bad tagged value")
    if tag == "d":
        out = {}
        for pair in items:
            if type(pair) is not list or len(pair) != 2:
                raise _fail(where, "bad tagged dict")
            key = _untag(pair[0], depth + 1, where)
            try:
                out[key] = _untag(pair[1], depth + 1, where)
            except TypeError:  # a list as a key
                raise _fail(where, "bad tagged key") from None
        return out
    values = [_untag(v, depth + 1, where) for v in items]
    return values if tag == "l" else tuple(values)


def decode_answer(kind: str, data: bytes | bytearray | memoryview, max_bytes: int,
                  max_rows: int) -> tuple[str, Any]:
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
    try:
        return _decode(kind, view, max_rows)
    except AnswerError:
        raise
    except RecursionError:
        raise AnswerError("nested too deep") from None
    except MemoryError:  # what the answer describes does not fit in the server
        raise AnswerError("too large to read") from None
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, struct.error) as exc:
        raise AnswerError(f"malformed answer ({type(exc).__name__})") from None


def _decode(kind: str, view: memoryview, max_rows: int) -> tuple[str, Any]:
    if bytes(view[:4]) != MAGIC:
        raise AnswerError("not an answer (no magic)")
    at = 4
    if len(view) < at + 8:
        raise AnswerError("truncated answer")
    (size,) = _U64.unpack_from(view, at)
    at += 8
    if size > len(view) - at - 4:
        raise AnswerError("truncated answer")
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
        return status, _printable(header["value"])
    reader = _Reader(buffers, max_rows)
    value = reader.value(ANSWERS[kind], header["value"], kind)
    if not all(reader.used):
        raise AnswerError("buffers no table uses")
    return status, value


def _printable(text: str) -> str:
    """A detail from the worker as it may appear in a message: printable, short."""
    return "".join(c if c.isprintable() else "?" for c in text[:_DETAIL])
