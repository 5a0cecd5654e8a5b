"""The tables and free values of the parse worker's answer (:mod:`mapping.io.worker_answer`).

A table (:class:`pandas.DataFrame`) travels as its column specs (JSON-ready
dicts for the answer's header) plus raw buffers:

* numbers (numpy ``bool``, integers, floats, ``datetime64``/``timedelta64``)
  as little-endian arrays, read back with ``numpy.frombuffer``; pandas'
  nullable dtypes (``Int64``, ``Float64``, ``boolean``...) as data and mask;
* text (object columns of ``str``/``None``, pandas' string dtype) and tuples of
  text (``languages``, ``topics``) dictionary-encoded: ``int32`` codes into the
  distinct values, which are Apache Arrow ``large_string`` buffers (offsets and
  UTF-8 bytes). Reading rebuilds the Arrow array from this module's own type
  and checks it with ``validate(full=True)`` (offsets ascending and in bounds,
  valid UTF-8): no Arrow schema, metadata, extension type or compression is
  ever read from the bytes;
* categoricals as codes and their categories; any other object column (mixed
  values) as tagged JSON values;
* the index (a range, or a column) and the column labels (likewise), ``attrs``.

Free values (a GeoJSON, ``attrs``, a name) are plain JSON when they are, else
tagged JSON that tells lists, tuples and dicts apart. Reading checks every
count against its buffer's size and raises :class:`AnswerError` on anything
else.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from mapping.io.column_codes import addresses, remember

DEPTH = 64
"""Deepest nesting of a free value (a GeoJSON polygon is 5 deep)."""

DETAIL = 200
"""Characters of a detail in an :class:`AnswerError` (shown inside a message)."""


class AnswerError(ValueError):
    """An answer that is not what the job kind says it must be (or cannot be encoded)."""


def fail(where: str, what: str) -> AnswerError:
    """An :class:`AnswerError` saying where in the answer what was wrong."""
    return AnswerError(f"{where}: {what}"[:DETAIL])


TextHints = dict[int, tuple[pd.DataFrame, dict[Any, tuple[np.ndarray, np.ndarray]]]]
"""``id(frame)`` -> the frame (kept, so the id stays its own) and, per text column name,
``(codes, values)``: the column is ``values[codes]`` (``values``: ``str`` or ``None``,
possibly repeating). What the loader's reader already knew (:data:`mapping.io.load.TextCodes`),
so that :meth:`TableWriter.text` need not hash every cell again."""


class TableWriter:
    """Turns tables into column specs, collecting their buffers (in order).

    Parameters
    ----------
    hints
        Dictionary codes the text columns of some frames are known to have
        (:data:`TextHints`). A hint is only a shortcut: it is used for a column
        only when the column equals ``values[codes]`` cell for cell (checked), else
        the column is encoded as without it.
    """

    def __init__(self, hints: TextHints | None = None) -> None:
        self.buffers: list[bytes | memoryview] = []
        self.hints: TextHints = hints or {}

    def buffer(self, data: bytes | memoryview | np.ndarray) -> int:
        """Keep ``data`` (an array as its raw bytes) as the next buffer; its number."""
        if isinstance(data, np.ndarray):
            data = memoryview(np.ascontiguousarray(data).reshape(-1).view(np.uint8))
        self.buffers.append(data)
        return len(self.buffers) - 1

    # -- values by schema


    def frame(self, frame: pd.DataFrame, where: str) -> dict[str, Any]:
        """The spec of ``frame``; ``where`` names it in an :class:`AnswerError`."""
        held = self.hints.get(id(frame))
        hints = held[1] if held is not None and held[0] is frame else {}
        out: dict[str, Any] = {
            "n": len(frame),
            "index": self.index(frame.index, f"{where}.index"),
            "columns": self.index(frame.columns, f"{where}.columns"),
            "data": [self.column(frame.iloc[:, i], f"{where}[{frame.columns[i]!r}]",
                                 _hint(hints, frame.columns[i]))
                     for i in range(frame.shape[1])],
        }
        if frame.attrs:
            out["attrs"] = free_encode(dict(frame.attrs), f"{where}.attrs")
        return out

    def index(self, index: pd.Index, where: str) -> dict[str, Any]:
        """The spec of an index or of the column labels: a range, or values and a name."""
        name = free_encode(index.name, f"{where}.name")
        if type(index) is pd.RangeIndex:
            return {"range": [index.start, index.stop, index.step], "name": name}
        if isinstance(index, pd.MultiIndex):
            raise AnswerError(f"{where}: a MultiIndex is not supported")
        return {"values": self.column(index, where), "name": name}

    def column(self, values: pd.Series | pd.Index, where: str,
               hint: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, Any]:
        """The spec of one column (or index) by its dtype; an unsupported dtype raises.

        ``hint``: the column's known dictionary codes (see :class:`TableWriter`).
        """
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
            cells = values.to_numpy(dtype=object)
            known = self.hinted(cells, hint) if hint is not None else None
            return known if known is not None else self.objects(cells, where)
        raise AnswerError(f"{where}: dtype {dtype} is not supported")

    def numbers(self, array: np.ndarray) -> dict[str, Any]:
        """A numpy array as its dtype and a buffer."""
        if array.dtype.str not in _NUMPY:
            raise AnswerError(f"dtype {array.dtype} is not supported")
        return {"dtype": array.dtype.str, "b": self.buffer(array)}

    def objects(self, values: np.ndarray, where: str) -> dict[str, Any]:
        """An object column: text, tuples of text, or (mixed values) tagged JSON."""
        types = set(map(type, values))
        try:
            if types <= {str, type(None)}:
                return {"t": "text", "text": self.text(values, where)}
            if types == {tuple}:
                return self.tuples(values, where)
        except (UnicodeEncodeError, ValueError, TypeError):  # a lone surrogate: not UTF-8
            pass
        return {"t": "values", "v": [_tagged(v, 0, where) for v in values]}

    def hinted(self, cells: np.ndarray, hint: tuple[np.ndarray, np.ndarray]
               ) -> dict[str, Any] | None:
        """A text column's spec from its known codes, or ``None`` when they do not fit it.

        The hint's values are checked (``str`` or ``None``; a column has far fewer
        than cells) and the column is compared with ``values[codes]`` cell for cell:
        by identity (the loader spread the very same objects over the rows, so no
        text is read), by ``==`` where an object differs. Nothing is hashed: the
        values go out as the distinct values, ``None`` taken out (code -1). Two of
        them may be equal (two texts that differed only in blanks around them): the
        cells are what they are either way, and a key column with a repeated value
        is refused by the server's checks (:mod:`mapping.io.answer_checks`) as it
        would be by validation.
        """
        codes, values = hint
        if (type(codes) is not np.ndarray or type(values) is not np.ndarray
                or codes.dtype.kind not in "iu" or values.dtype != np.dtype(object)
                or codes.ndim != 1 or values.ndim != 1 or len(codes) != len(cells)):
            return None
        if len(codes) and (int(codes.min()) < 0 or int(codes.max()) >= len(values)):
            return None
        if not set(map(type, values)) <= {str, type(None)}:
            return None
        identities = addresses(values)
        other = np.flatnonzero(addresses(cells) != identities[codes])
        if len(other) > len(cells) // 4:  # other objects (a rule made them): hashing is cheaper
            return None
        if len(other):
            try:
                if not bool((cells[other] == values[codes[other]]).all()):
                    return None
            except Exception:  # a cell whose == raises or answers no truth value: no shortcut
                return None
        empty = identities == id(None)
        numbers = codes.astype(np.int32)
        if empty.any():
            renumber = np.cumsum(~empty, dtype=np.int32) - 1
            renumber[empty] = -1
            numbers, values = renumber[codes], values[~empty]
        import pyarrow as pa

        try:
            texts = pa.array(values, type=pa.large_string(), from_pandas=False)
        except (ValueError, TypeError, UnicodeError):  # a lone surrogate: as without the hint
            return None
        return {"t": "text", "text": {"codes": self.numbers(numbers), **self.strings(texts)}}

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



def _hint(hints: dict[Any, tuple[np.ndarray, np.ndarray]], name: Any
          ) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        return hints.get(name)
    except TypeError:  # an unhashable column label
        return None


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



def free_encode(value: Any, where: str) -> list:
    """A free value (GeoJSON, ``attrs``, a name): plain JSON when it is, else tagged."""
    if _is_json(value, 0):
        return ["j", value]
    return ["t", _tagged(value, 0, where)]


_SCALARS = frozenset({str, int, bool, float, type(None)})
"""The types of a JSON scalar, exactly (no subclass: ``json`` would write one otherwise)."""


def _is_json(value: Any, depth: int) -> bool:
    kind = type(value)
    if kind in _SCALARS:
        return True
    if depth >= DEPTH:
        return False
    if kind is list:
        # A list of scalars (a GeoJSON position, thousands per file) in one C-level pass.
        return set(map(type, value)) <= _SCALARS or all(_is_json(v, depth + 1) for v in value)
    if kind is dict:
        return set(map(type, value)) <= {str} and all(
            _is_json(v, depth + 1) for v in value.values())
    return False


def _tagged(value: Any, depth: int, where: str) -> Any:
    """Plain data with every container tagged: ``{"l": []}``, ``{"t": []}``, ``{"d": [[k, v]]}``."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return value
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if depth >= DEPTH:
        raise AnswerError(f"{where}: nested more than {DEPTH} deep")
    if kind in (list, tuple):
        return {"l" if kind is list else "t": [_tagged(v, depth + 1, where) for v in value]}
    if kind is dict:
        return {"d": [[_tagged(k, depth + 1, where), _tagged(v, depth + 1, where)]
                      for k, v in value.items()]}
    raise AnswerError(f"{where}: a {kind.__name__} cannot be sent")



class ColumnFacts(NamedTuple):
    """How a table column was sent (for :mod:`mapping.io.answer_checks`, which checks
    the invariants of a dataset on these codes and distinct values, not per cell)."""

    kind: str
    """The column spec's type: ``text``, ``string``, ``tuples``, ``np``, ``masked``..."""
    codes: np.ndarray | None = None
    """Text columns: ``int32`` code of each cell into ``distinct`` (-1: empty)."""
    distinct: Any = None
    """Text columns: the distinct values, a validated Arrow ``large_string`` array."""


class TableReader:
    """Builds tables from their column specs, checking each against its buffers."""

    def __init__(self, buffers: list[memoryview], max_rows: int,
                 max_chars: int | None = None) -> None:
        self.buffers = buffers
        self.used = [False] * len(buffers)
        self.max_rows = max_rows
        self.max_chars = max_chars
        """Longest text cell accepted (``None``: any); checked on the distinct values."""
        self.facts: dict[int, tuple[pd.DataFrame, list[ColumnFacts]]] = {}
        """``id(frame)`` -> the frame (kept alive, so the id stays its own) and its columns'
        :class:`ColumnFacts`, for every table read."""
        self._text: tuple[np.ndarray, Any] | None = None
        self._arrow: Any = None

    def buffer(self, ref: Any, where: str) -> memoryview:
        """Buffer number ``ref``, which no other spec may use."""
        if type(ref) is not int or not 0 <= ref < len(self.buffers) or self.used[ref]:
            raise fail(where, "bad buffer reference")
        self.used[ref] = True
        return self.buffers[ref]

    # -- values by schema

    def frame(self, data: Any, where: str) -> pd.DataFrame:
        """The table a spec describes (at most ``max_rows`` rows)."""
        if type(data) is not dict or not {"n", "index", "columns", "data"} <= data.keys() \
                or not data.keys() <= {"n", "index", "columns", "data", "attrs"}:
            raise fail(where, "bad table")
        n = data["n"]
        if type(n) is not int or not 0 <= n <= self.max_rows:
            raise fail(where, f"bad row count {n!r}")
        if type(data["data"]) is not list:
            raise fail(where, "bad columns")
        arrays, facts = [], []
        for i, spec in enumerate(data["data"]):
            self._text = None
            arrays.append(self.column(spec, n, f"{where} column {i}"))
            kind = spec["t"]  # column() refused a spec without one
            text = self._text if kind in ("text", "string") else None
            facts.append(ColumnFacts(kind, *(text or (None, None))))
        columns = self.index(data["columns"], len(arrays), f"{where} header")
        index = self.index(data["index"], n, f"{where} index")
        # dtype given: pandas 3 would take an object array of text for its string dtype.
        frame = pd.DataFrame({i: pd.Series(a, index=index, dtype=a.dtype, copy=False)
                              for i, a in enumerate(arrays)}, index=index, copy=False)
        frame.columns = columns
        if "attrs" in data:
            attrs = free_decode(data["attrs"], where)
            if type(attrs) is not dict:
                raise fail(where, "bad attrs")
            frame.attrs = attrs
        self.facts[id(frame)] = (frame, facts)
        return frame

    def index(self, data: Any, n: int, where: str) -> pd.Index:
        """The index (or column labels) of ``n`` entries a spec describes."""
        if type(data) is not dict or set(data) not in ({"range", "name"}, {"values", "name"}):
            raise fail(where, "bad index")
        name = free_decode(data["name"], where)
        try:
            hash(name)
        except TypeError:
            raise fail(where, "bad index name") from None
        if "range" in data:
            bounds = data["range"]
            if (type(bounds) is not list or len(bounds) != 3
                    or any(type(b) is not int for b in bounds) or bounds[2] == 0):
                raise fail(where, "bad range")
            index = pd.RangeIndex(*bounds, name=name)
            if len(index) != n:
                raise fail(where, "range of the wrong length")
            return index
        values = self.column(data["values"], n, where)
        return pd.Index(values, dtype=values.dtype, name=name, copy=False)

    def column(self, data: Any, n: int, where: str) -> Any:
        """The ``n`` values of one column: a numpy or pandas array, by the spec's type."""
        if type(data) is not dict:
            raise fail(where, "bad column")
        kind = data.get("t")
        if kind == "np":
            _keys(data, {"t", "dtype", "b"}, where)
            return self.numbers(data, n, where)
        if kind == "masked":
            _keys(data, {"t", "dtype", "data", "mask"}, where)
            if data["dtype"] not in _MASKED:
                raise fail(where, "bad masked dtype")
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
                raise fail(where, "bad string dtype")
            dtype = pd.StringDtype(data["storage"], np.nan if data["na"] == "nan" else pd.NA)
            return pd.array(self.text(data["text"], n, where), dtype=dtype)
        if kind == "tuples":
            _keys(data, {"t", "codes", "k", "ends", "items"}, where)
            return self.tuples(data, n, where)
        if kind == "category":
            _keys(data, {"t", "codes", "categories", "k", "ordered"}, where)
            codes = self.numbers(data["codes"], n, where)
            if codes.dtype.kind != "i" or type(data["ordered"]) is not bool:
                raise fail(where, "bad categorical")
            categories = data["categories"]
            if type(categories) is not dict or categories.get("t") == "category":
                raise fail(where, "bad categories")
            k = data["k"]
            if type(k) is not int or not 0 <= k <= self.max_rows:
                raise fail(where, "bad count of categories")
            try:
                values = self.column(categories, k, where)
                dtype = pd.CategoricalDtype(pd.Index(values, dtype=values.dtype),
                                            data["ordered"])
                return pd.Categorical.from_codes(codes, dtype=dtype)
            except (ValueError, TypeError) as exc:
                raise fail(where, f"bad categorical ({exc})") from None
        if kind == "values":
            _keys(data, {"t", "v"}, where)
            if type(data["v"]) is not list or len(data["v"]) != n:
                raise fail(where, "bad values")
            out = np.empty(n, dtype=object)
            out[:] = [_untag(v, 0, where) for v in data["v"]] if n else []
            if self.max_chars is not None and any(  # per cell: this path is per cell anyway
                    type(v) is str and len(v) > self.max_chars for v in out):
                raise fail(where, f"a text of more than {self.max_chars} characters")
            return out
        raise fail(where, f"unknown column type {kind!r}"[:80])

    def numbers(self, data: Any, n: int, where: str, want: str | None = None) -> np.ndarray:
        """``n`` numbers of a listed dtype (``want``, when given), copied out of their buffer."""
        if type(data) is not dict or not {"dtype", "b"} <= data.keys() \
                or data.get("dtype") not in _NUMPY:
            raise fail(where, "bad numbers")
        dtype = np.dtype(data["dtype"])
        if want is not None and dtype != np.dtype(want).newbyteorder("<"):
            raise fail(where, f"expected {want}")
        raw = self.buffer(data["b"], where)
        if len(raw) != n * dtype.itemsize:
            raise fail(where, f"{len(raw)} bytes for {n} values of {dtype}")
        if dtype.kind == "b" and n and int(np.frombuffer(raw, dtype=np.uint8).max()) > 1:
            raise fail(where, "a boolean that is neither 0 nor 1")
        return np.frombuffer(raw, dtype=dtype).copy()

    def strings(self, data: Any, where: str) -> np.ndarray:
        """Distinct text values: an Arrow ``large_string`` array, fully validated."""
        if type(data) is not dict:
            raise fail(where, "bad text")
        k = data.get("k")
        if type(k) is not int or not 0 <= k <= self.max_rows:
            raise fail(where, "bad count of distinct values")
        import pyarrow as pa

        ends = self.buffer(data.get("offsets"), where)
        text = self.buffer(data.get("bytes"), where)
        if len(ends) != (k + 1) * 8:
            raise fail(where, "offsets of the wrong length")
        array = pa.Array.from_buffers(pa.large_string(), k,
                                      [None, pa.py_buffer(ends), pa.py_buffer(text)])
        try:
            array.validate(full=True)  # offsets ascending and within the bytes, valid UTF-8
        except pa.ArrowInvalid as exc:
            raise fail(where, f"invalid text ({exc})") from None
        offsets = np.frombuffer(ends, dtype="<i8")
        if int(offsets[-1]) != len(text):
            raise fail(where, "text bytes beyond the last offset")
        values = array.to_numpy(zero_copy_only=False)
        self._arrow = array
        if self.max_chars is not None and k:
            # A character is at least one UTF-8 byte: only values with more bytes than
            # the limit can have more characters, and those are counted one by one.
            for i in np.flatnonzero(np.diff(offsets) > self.max_chars):
                if len(values[i]) > self.max_chars:
                    raise fail(where, f"a text of more than {self.max_chars} characters")
        return values

    def _codes(self, data: Any, n: int, k: int, lowest: int, where: str) -> np.ndarray:
        codes = self.numbers(data, n, where, "int32")
        if n and (int(codes.min()) < lowest or int(codes.max()) >= k):
            raise fail(where, "code out of range")
        return codes

    def text(self, data: Any, n: int, where: str) -> np.ndarray:
        """``n`` text cells (``str`` or ``None``) from codes into distinct values."""
        if type(data) is not dict or set(data) != {"codes", "k", "offsets", "bytes"}:
            raise fail(where, "bad text column")
        distinct = self.strings(data, where)
        codes = self._codes(data["codes"], n, len(distinct), -1, where)
        self._text = (codes, self._arrow)
        table = np.empty(len(distinct) + 1, dtype=object)
        table[:-1] = distinct
        cells = table[codes]  # code -1 (an empty cell) is the last entry, None
        remember(cells, codes, table)  # for those who would hash the cells again
        return cells

    def tuples(self, data: Any, n: int, where: str) -> np.ndarray:
        """``n`` tuples of text from codes into distinct tuples."""
        k = data["k"]
        if type(k) is not int or not 0 <= k <= self.max_rows:
            raise fail(where, "bad count of distinct tuples")
        ends = self.numbers({"dtype": "<i8", "b": data["ends"]}, k + 1, where)
        items = self.strings(data["items"], where).tolist()
        if int(ends[0]) != 0 or np.any(np.diff(ends) < 0) or int(ends[-1]) != len(items):
            raise fail(where, "bad tuple bounds")
        bounds = ends.tolist()
        table = np.empty(k, dtype=object)
        table[:] = [tuple(items[a:b]) for a, b in itertools.pairwise(bounds)]
        return table[self._codes(data["codes"], n, k, 0, where)]



def _keys(data: dict, keys: set[str], where: str) -> None:
    if set(data) != keys:
        raise fail(where, "wrong fields")


def free_decode(data: Any, where: str) -> Any:
    if type(data) is not list or len(data) != 2 or data[0] not in ("j", "t"):
        raise fail(where, "bad free value")
    return data[1] if data[0] == "j" else _untag(data[1], 0, where)


def _untag(data: Any, depth: int, where: str) -> Any:
    if type(data) in (str, int, float, bool) or data is None:
        return data
    if depth >= DEPTH or type(data) is not dict or len(data) != 1:
        raise fail(where, "bad tagged value")
    (tag, items), = data.items()
    if tag not in ("l", "t", "d") or type(items) is not list:
        raise fail(where, "bad tagged value")
    if tag == "d":
        out = {}
        for pair in items:
            if type(pair) is not list or len(pair) != 2:
                raise fail(where, "bad tagged dict")
            key = _untag(pair[0], depth + 1, where)
            try:
                out[key] = _untag(pair[1], depth + 1, where)
            except TypeError:  # a list as a key
                raise fail(where, "bad tagged key") from None
        return out
    values = [_untag(v, depth + 1, where) for v in items]
    return values if tag == "l" else tuple(values)
