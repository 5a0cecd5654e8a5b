"""The fast path of the CSV reader: a plain UTF-8 file read by pyarrow, column by column.

:func:`mapping.io.text_files._parse_csv` reads every record with Python's
:mod:`csv` module into lists of strings: a national file of 8 million cells
costs seconds before any rule runs. pyarrow's CSV reader parses the same bytes
natively on every core. It is used only when it provably sees the same cells
as the Python reader, which is the case for a file that

* is valid UTF-8 (a leading byte-order mark is taken off, as ``utf-8-sig`` does)
  and holds no NUL byte;
* ends its lines with LF or CRLF (no lone CR) and has no empty line;
* has a header line without quotes, and quotes only around whole fields
  (``"a, b"``, ``"6"" screen"``), never inside one (``a"b``) or after one (``"a"b``);
* has as many fields on every row as the header, and no row that is all blanks;
* is, by its byte count, within :data:`mapping.domain.limits.LIMITS` (rows, columns, cells).

Anything else (Windows-1252, ragged rows, odd quoting, a row over a limit,
blank rows, a line longer than a read block) goes to the Python reader, which
gives today's messages: :func:`read` answers ``None`` whenever it is in doubt.

Each column comes back dictionary-encoded (:class:`Encoded`): its distinct
texts as Python strings and, per row, the index of its text. The validation
rules are functions of one cell, so they run once per distinct text and are
spread back over the rows (:func:`mapping.io.validate._cells`).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from mapping.domain import limits

_BOM = b"\xef\xbb\xbf"
_BLOCK_BYTES = 1 << 20
"""Bytes pyarrow parses at a time: a record longer than this makes it stop (then the
Python reader takes over), so a 50 MB single line never becomes one 50 MB block."""


@dataclass(frozen=True)
class Encoded:
    """One column, dictionary-encoded.

    Attributes
    ----------
    distinct
        The column's distinct cell texts, as read (nothing stripped).
    codes
        Per row, the index in ``distinct`` of its cell.
    """

    distinct: list[str]
    codes: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)


class EncodedRows(Sequence[list[str]]):
    """Rows of text cells rebuilt from encoded columns, on demand (for callers that need rows).

    The validation of an encoded table reads its columns, never its rows; this keeps
    :attr:`mapping.io.validate.RawTable.rows` usable (length, a row by index) at no cost.
    """

    def __init__(self, columns: Sequence[Encoded], length: int) -> None:
        self._columns, self._length = list(columns), length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):  # type: ignore[no-untyped-def]  (Sequence's overloads)
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return [c.distinct[c.codes[index]] for c in self._columns]

    def __iter__(self) -> Iterator[list[str]]:
        return (self[i] for i in range(self._length))


def _whole_fields(delimiter: str) -> re.Pattern[bytes]:
    """Quoted fields that stand alone: after a delimiter or line start, before one or line end.

    The body is written unrolled (``[^"]*(?:""[^"]*)*``) so a long quoted field is
    matched without a backtracking frame per character.
    """
    d = re.escape(delimiter.encode())
    return re.compile(rb'(?<![^' + d + rb'\n])"[^"]*(?:""[^"]*)*"(?![^' + d + rb'\r\n])')


def _plain(data: bytes, delimiter: str) -> list[str] | None:
    """The header cells when ``data`` (without BOM) meets the conditions of the module, else None.

    Only byte-level checks (C-level passes over the file): no cell is made yet.
    """
    if not data or b"\x00" in data:
        return None
    if not data.isascii():
        try:
            data.decode("utf-8")  # exactly what the Python reader's decode accepts
        except UnicodeDecodeError:
            return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # a lone CR ends a record for Python's csv module: leave it to that
    if (b"\n\n" in data or (b"\r" in data and b"\n\r\n" in data)
            or data.startswith((b"\n", b"\r\n"))):
        return None  # an empty line is skipped but counted by the Python reader
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    if b'"' in first:
        return None
    header = first.decode("utf-8").removesuffix("\r").split(delimiter)
    lines = data.count(b"\n") + 1  # records are at most the lines (a quoted field may span two)
    bounds = limits.LIMITS  # looked up now: the limits in force (tests replace them)
    if (len(header) > bounds.columns or lines - 1 > bounds.rows
            or (lines - 1) * len(header) > bounds.cells or not "".join(header).strip()):
        return None  # the Python reader names the row where a limit is passed
    quotes = data.count(b'"')
    if quotes and _whole_fields(delimiter).sub(b"", data).count(b'"'):
        return None
    return header


def _where(array: object) -> list[tuple[int, int] | None]:
    """Address and size of each buffer of a pyarrow array (the same memory, not equal content)."""
    return [None if b is None else (b.address, b.size) for b in array.buffers()]  # type: ignore[attr-defined]


def _encode(column: object) -> Encoded:
    """A string column (a pyarrow ``ChunkedArray``) as distinct texts and codes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if column.num_chunks == 0:  # type: ignore[attr-defined]
        return Encoded([], np.zeros(0, dtype=np.int32))
    chunks = pc.dictionary_encode(column).chunks
    dictionary = chunks[0].dictionary
    if any(_where(c.dictionary) != _where(dictionary) for c in chunks[1:]):
        # pyarrow encodes chunks with one shared dictionary; should it ever not, one chunk.
        chunks = [pc.dictionary_encode(pa.concat_arrays(column.chunks))]  # type: ignore[attr-defined]
        dictionary = chunks[0].dictionary
    codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
    return Encoded(dictionary.to_pylist(), codes)


def read(data: bytes, delimiter: str) -> tuple[list[str], list[Encoded]] | None:
    """The header and the encoded columns of a plain CSV file, or ``None`` (use the Python reader).

    Parameters
    ----------
    data
        The file's bytes.
    delimiter
        The delimiter the Python reader found (:func:`mapping.io.text_files._delimiter`).

    Returns
    -------
    tuple or None
        The header cells as written and one :class:`Encoded` per header cell; the
        data rows are the file's rows 2, 3, ... (no row is left out).
    """
    data = data.removeprefix(_BOM)
    header = _plain(data, delimiter)
    if header is None:
        return None
    import pyarrow as pa
    import pyarrow.csv as pacsv

    width = len(header)
    if data.find(b"\n") in (-1, len(data) - 1):  # the header line alone
        return header, [Encoded([], np.zeros(0, dtype=np.int32)) for _ in header]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(skip_rows=1, autogenerate_column_names=True,
                                           block_size=_BLOCK_BYTES, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
                newlines_in_values=b'"' in data, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)}, check_utf8=True,
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowMemoryError:
        raise  # a MemoryError: the parse worker reports its memory limit (mapping.io.sandbox)
    except pa.ArrowException:
        return None  # a row of another width, a record beyond a block: the Python reader says
    if table.num_columns != width or any(t != pa.string() for t in table.schema.types):
        return None
    columns = [_encode(table.column(i)) for i in range(width)]
    del table
    # A row of blanks only is skipped by the Python reader (and counted): leave it to that.
    rows = len(columns[0])
    blank = np.ones(rows, dtype=bool)
    for column in columns:
        empty = np.fromiter(map(operator.not_, map(str.strip, column.distinct)), dtype=bool,
                            count=len(column.distinct))
        if not empty.any():
            return header, columns
        blank &= empty[column.codes]
    if blank.any():
        return None
    return header, columns
