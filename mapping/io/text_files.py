"""Reading CSV, TSV and text files: encodings, delimiters, quoting and the table a file holds.

Split from :mod:`mapping.io.load` (which still exports these names).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Sequence
from typing import Any

from mapping import i18n
from mapping.domain import schema as sc
from mapping.domain.dataset import TABLES
from mapping.domain.limits import LIMITS, Amount
from mapping.io import arrow_csv
from mapping.io.arrow_csv import Encoded, EncodedRows
from mapping.io.validate import (
    Collector,
    RawTable,
)

csv.field_size_limit(2**31 - 1)  # long notes are legitimate; LIMITS.cell_chars is checked per cell

_ASCII = bytes(range(128))
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_ESCAPED = re.compile("[\udc80-\udcff]")


def _decode(name: str, data: bytes, col: Collector) -> tuple[str, bool]:
    """The text of a CSV file, and whether it holds bytes that are not UTF-8.

    UTF-8 (with or without BOM) when it decodes. Otherwise Windows-1252, as
    older Excel writes it, but only when the bytes look like that throughout:
    no byte that Windows-1252 leaves undefined, and fewer valid UTF-8
    sequences than stray high bytes (with some valid ones, a warning names the
    row of the first stray byte). A file that is mostly UTF-8 with a few
    bad bytes is *not* re-decoded (that would garble every é in it): the text
    comes back with the bad bytes escaped (``surrogateescape``) and the flag
    set, so the caller can name the rows and columns that hold them.
    """
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError as exc:
        first = exc.start
    high = data.translate(None, _ASCII)
    sequences = _UTF8_SEQUENCE.findall(data)
    stray = len(high) - sum(len(q) for q in sequences)
    if not (_CP1252_UNDEFINED & set(high)) and len(sequences) < stray:
        text = data.decode("cp1252")
        if sequences:  # some bytes read as UTF-8 too: say which reading was taken, and where
            col.warning("cp1252_assumed", name, text.count("\n", 0, first) + 1)
        return text, False
    return data.decode("utf-8-sig", errors="surrogateescape"), True


# PNG, PDF, GIF, JPEG, old .xls (OLE), gzip, UTF-16 byte-order marks.
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"\x1f\x8b",
                 b"\xff\xfe", b"\xfe\xff")


def _looks_binary(data: bytes) -> bool:
    """Many control bytes (NUL included) at the start: an image, a PDF, UTF-16.

    A few stray control characters are not "binary": they are reported per
    cell, with row and column (see :func:`mapping.io.validate._check_text`).
    """
    head = data[:8192]
    if head.startswith(_BINARY_MAGIC):
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return len(head) >= 256 and control > len(head) // 10


def _delimiter(text: str) -> str:
    """The delimiter of the header line: whichever of ``;`` ``,`` tab occurs most outside quotes."""
    counts = {";": 0, ",": 0, "\t": 0}
    quoted = False
    for ch in text[:65536]:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
        elif not quoted and ch in "\r\n":
            break
    best = max(counts, key=lambda k: (counts[k], k == ","))
    return best if counts[best] else ","


class _Bound(Exception):
    """A table beyond :data:`LIMITS`: stop reading at once (caught by the caller)."""

    def __init__(self, code: str, row: int | None, **params: Any) -> None:
        super().__init__(code)
        self.code, self.row, self.params = code, row, params


def _parse_csv(text: str) -> tuple[list[str], list[list[str]], list[int], str]:
    """Header, non-empty data rows, their spreadsheet row numbers, and the delimiter.

    Reading stops with :class:`_Bound` at the first row beyond the row,
    column or cell limit, so a million-row file costs what 200,000 rows cost
    and a 10,000-column header is refused before any cell is kept.
    """
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=False)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    cells = 0
    number = 0
    while True:
        # Records a chunk at a time: when no limit is near, a chunk is checked and kept
        # with C-level passes (map, compress); otherwise record by record, as always.
        chunk = list(itertools.islice(reader, _CHUNK if header is not None else 1))
        if not chunk:
            break
        if header is not None:
            widths = list(map(len, chunk))
            filled = list(map(str.strip, map("".join, chunk)))
            kept = sum(map(bool, filled))
            more = sum(itertools.compress(widths, filled))
            if (max(widths) <= LIMITS.columns and len(rows) + kept <= LIMITS.rows
                    and cells + more <= LIMITS.cells):
                rows.extend(itertools.compress(chunk, filled))
                numbers.extend(itertools.compress(range(number + 1, number + 1 + len(chunk)),
                                                  filled))
                cells += more
                number += len(chunk)
                continue
        for record in chunk:
            number += 1
            if len(record) > LIMITS.columns:
                raise _Bound("limit_columns", number, found=Amount(len(record)),
                             limit=Amount(LIMITS.columns))
            if not "".join(record).strip():
                continue  # an empty line is an empty spreadsheet row, not data
            if header is None:
                header = record
                continue
            if len(rows) >= LIMITS.rows:
                raise _Bound("limit_rows", number, limit=Amount(LIMITS.rows))
            cells += len(record)
            if cells > LIMITS.cells:
                raise _Bound("limit_cells", number, limit=Amount(LIMITS.cells))
            rows.append(record)
            numbers.append(number)
    return header or [], rows, numbers, delimiter


_CHUNK = 8192
"""Records read at a time once the header is found (:func:`_parse_csv`)."""


def read_csv_rows(name: str, data: bytes, col: Collector
                  ) -> tuple[list[str], list[list[str]], list[int], str] | None:
    """Header, data rows, their row numbers and the delimiter of one CSV file, bounded.

    The one CSV reader (encoding and delimiter sniffing, :data:`LIMITS`) of
    every table reader; ``None`` when the file cannot be read (``col`` says
    why, with file and row).
    """
    if not data.strip():
        col.error("file_empty", name)
        return None
    if _looks_binary(data):
        col.error("file_binary", name)
        return None
    text, escaped = _decode(name, data, col)
    try:
        header, rows, numbers, delimiter = _parse_csv(text)
    except _Bound as bound:
        col.error(bound.code, name, bound.row, **bound.params)
        return None
    except csv.Error as exc:
        col.error("file_unreadable", name, detail=str(exc)[:120])
        return None
    if escaped:
        _report_undecodable(name, header, rows, numbers, col)
        return None
    return header, rows, numbers, delimiter


def _fast_rows(name: str, data: bytes, col: Collector
               ) -> tuple[list[str], EncodedRows, range, str, list[Encoded]] | None:
    """What :func:`read_csv_rows` gives, read by pyarrow (:mod:`mapping.io.arrow_csv`), or None.

    ``None`` whenever the fast reader cannot prove it sees the cells the Python
    reader sees, and for what the Python reader refuses (empty, binary, bytes
    that are neither UTF-8 nor Windows-1252): that reader then runs and gives
    its messages. A Windows-1252 file (as Dutch Excel writes) is decoded as the
    Python reader decodes it and handed over as UTF-8; the warning the Python
    reader gives for it (:func:`_decode`) is given once the fast reader took it.
    """
    if not FAST or not data or data.isspace() or _looks_binary(data):
        return None
    if data.isascii() or _is_utf8(data):
        head = data[:_HEAD_BYTES].decode("utf-8", errors="ignore").removeprefix("\ufeff")
        utf8, recoded = data, False
    else:
        head, escaped = _decode(name, data, Collector(col.lang))  # a trial: nothing said yet
        if escaped:
            return None
        utf8, recoded = head.encode("utf-8"), True
    delimiter = _delimiter(head)  # reads at most 65,536 characters, all within the head
    read = arrow_csv.read(utf8, delimiter)
    if read is None:
        return None
    if recoded:
        _decode(name, data, col)  # its warning, as the Python reader gives it
    header, columns = read
    length = len(columns[0]) if columns else 0
    return header, EncodedRows(columns, length), range(2, length + 2), delimiter, columns


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


FAST = True
"""Whether plain CSV files are read by pyarrow (:func:`_fast_rows`); tests turn it off."""

_HEAD_BYTES = 4 * 65_536
"""Bytes decoded to find the delimiter: at least the 65,536 characters :func:`_delimiter` reads."""


def _csv_table(name: str, data: bytes, col: Collector) -> RawTable | None:
    fast = _fast_rows(name, data, col)
    encoded: list[Encoded] | None = None
    if fast is not None:
        header, rows, numbers, delimiter, encoded = fast
    else:
        read = read_csv_rows(name, data, col)
        if read is None:
            return None
        header, rows, numbers, delimiter = read
    if not header:
        col.error("file_empty", name)
        return None
    header = [h.strip().lstrip("\ufeff") for h in header]
    table = sc.table_for_name(name) or _guess_table(header)
    if table is None:
        col.warning("file_unknown", name, expected=_expected(col.lang))
        return None
    return RawTable(table, name, header, rows, numbers, decimal_comma=delimiter in ";\t",
                    encoded=encoded)


def _report_undecodable(name: str, header: list[str], rows: list[list[str]],
                        numbers: list[int], col: Collector) -> None:
    """One ``utf8_invalid`` error per cell holding bytes that are not UTF-8 (row and column)."""
    shown = [h.strip().lstrip("\ufeff") for h in header]
    for cells, number in [(header, 1), *zip(rows, numbers, strict=True)]:
        for position, cell in enumerate(cells):
            if _ESCAPED.search(cell):
                column = shown[position] if position < len(shown) else None
                col.error("utf8_invalid", name, number, column or None,
                          _ESCAPED.sub("\ufffd", cell))


def _expected(lang: str) -> str:
    names = [f"{sc.SCHEMAS[t].dutch}/{t}" for t in TABLES]
    return ", ".join(names) + ", " + i18n.t("load.neighbourhood_file", lang)


def _guess_table(header: Sequence[str]) -> str | None:
    """The table whose required columns all appear in ``header`` and that matches most columns."""
    best: tuple[int, str] | None = None
    for name, table in sc.SCHEMAS.items():
        lookup = sc.column_lookup(name)
        found = {lookup[h] for h in (sc.normalise_header(x) for x in header) if h in lookup}
        required = {c.name for c in table.columns if c.required}
        if required <= found and (best is None or len(found) > best[0]):
            best = (len(found), name)
    return best[1] if best else None
