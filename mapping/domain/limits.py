"""Input bounds and text rules, declared once.

Every reader (CSV, XLSX, GeoJSON, uploads, the CLI) and every store edit
(workshop form, join page) checks against these numbers and rules *before*
the expensive work, so no file or form can make the server allocate, parse
or compute without bound. The README's Security section lists the same
numbers (a test keeps them in sync).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mapping.locales import catalog


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what one dataset may contain."""

    upload_bytes: int = 50 * 1024 * 1024
    """Total size of the files of one upload or folder, as stored on disk."""
    uncompressed_bytes: int = 200 * 1024 * 1024
    """Total uncompressed size of an XLSX workbook's zip entries."""
    zip_entries: int = 2_000
    """Entries in one XLSX zip archive."""
    compression_ratio: float = 200.0
    """Largest uncompressed/compressed ratio of one zip entry (zip bombs go far beyond)."""
    rows: int = 200_000
    """Data rows in one table (a national dataset has about 100,000 organisations, but
    540,000 collaboration rows). The default protects the server from hostile uploads;
    a trusted operator raises it with ``--max-rows`` or :data:`ROWS_ENV` (see
    :func:`allow_rows`), every other bound staying in force."""
    columns: int = 200
    """Columns in one table."""
    cells: int = 10_000_000
    """Rows x columns of one table (also bounds an XLSX sheet's declared dimension)."""
    cell_chars: int = 10_000
    """Characters in one cell."""
    geojson_vertices: int = 2_000_000
    """Coordinate pairs in one neighbourhoods file."""
    geojson_features: int = 20_000
    """Features in one neighbourhoods file (the Netherlands has about 14,000 buurten)."""
    text_chars: int = 200
    """Characters in a name or id typed into a form (workshop, join page)."""
    parse_seconds: float = 60.0
    """Wall-clock time one upload may take to parse and validate in the worker."""
    parse_memory_bytes: int = 2 * 1024 * 1024 * 1024
    """Address space of the parse worker process."""
    largest_number: float = 1e9
    """Largest magnitude accepted in a numeric cell (families, scores, coordinates)."""
    issues: int = 2_000
    """Problems listed for one load; beyond this one line says how many more there were
    (a file with a bad value on each of 200,000 rows must not build 200,000 messages)."""
    sheet_head_bytes: int = 64 * 1024
    """Bytes read from the start of each worksheet XML to find its ``<dimension>``."""
    answer_header_bytes: int = 128 * 1024 * 1024
    """JSON header of the parse worker's answer (:mod:`mapping.io.worker_answer`), checked
    before it is parsed. The header repeats at most what the files said (issues, a
    GeoJSON, survey cells, graph nodes: bounded by :attr:`upload_bytes`), quoted; tables
    travel as buffers beside it. Parsed JSON can take twenty times its size in memory."""


MESSAGES: dict[str, tuple[str, str]] = catalog.pairs("limits")
"""Messages of the codes below (:mod:`mapping.io.validate`, :mod:`mapping.store.repository`)."""

ROWS_ENV = "WIJKNETWERK_MAX_ROWS"
"""Environment variable with which an operator raises :attr:`Limits.rows` for a server."""

DEFAULT_ROWS: int = Limits.rows
"""The row limit of uploads when no operator raised it."""


class LimitSettingError(ValueError):
    """An operator's row limit (``--max-rows``, :data:`ROWS_ENV`) that is no positive number."""

    def __init__(self, source: str, value: object) -> None:
        super().__init__(f"{source}: {value!r}")
        self.source, self.value = source, value

    def message(self, lang: str = "nl") -> str:
        """What was wrong and what is accepted, in ``lang``."""
        nl, en = MESSAGES["max_rows_invalid"]
        text = en if lang == "en" else nl
        # replace(), not str.format: the value is whatever the operator typed.
        # The value last, so nothing in it is taken for a placeholder.
        return (text.replace("{source}", self.source).replace("{default}", f"{DEFAULT_ROWS}")
                .replace("{value}", str(self.value)[:40]))


def parse_rows(value: object, source: str) -> int:
    """An operator's row limit as an int; :class:`LimitSettingError` unless a positive integer.

    Parameters
    ----------
    value
        What was given: an int, or text such as ``"600000"`` or ``"600_000"``.
    source
        Where it came from (``--max-rows``, ``WIJKNETWERK_MAX_ROWS``), for the message.
    """
    if isinstance(value, bool):
        raise LimitSettingError(source, value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace("_", "")
        if not text.isascii() or not text.isdigit():
            raise LimitSettingError(source, value)
        number = int(text)
    if number < 1:
        raise LimitSettingError(source, value)
    return number


def rows_from_environment(environ: dict[str, str] | os._Environ | None = None) -> int:
    """The row limit :data:`ROWS_ENV` asks for, or :data:`DEFAULT_ROWS` when it is unset.

    Raises :class:`LimitSettingError` when the variable holds anything but a
    positive integer.
    """
    raw = (os.environ if environ is None else environ).get(ROWS_ENV, "").strip()
    return parse_rows(raw, ROWS_ENV) if raw else DEFAULT_ROWS


def _rows_at_start() -> int:
    """The row limit at import: the environment's, or the default after saying why not.

    Read once, when the process starts (the server, a command, the parse
    worker, which inherits the variable). A bad value must not stop the
    server, and must not open it either: the default stays in force and the
    operator reads why on stderr, in both languages.
    """
    try:
        return rows_from_environment()
    except LimitSettingError as exc:
        kept_nl, kept_en = MESSAGES["max_rows_default_kept"]
        print(f"{exc.message('nl')} {kept_nl}\n{exc.message('en')} {kept_en}", file=sys.stderr)
        return DEFAULT_ROWS


def _for_rows(rows: int) -> dict[str, float | int]:
    """The bounds that follow the row limit: the rows, and the parse worker's time and memory.

    A table of five times the rows needs about five times the time and memory to
    read (a national file of 540,000 collaboration rows does not fit the default
    2 GB), so both grow in proportion when an operator raises the rows; they never
    shrink below their defaults. Every other bound stays as declared.
    """
    factor = max(rows / DEFAULT_ROWS, 1.0)
    return {"rows": rows, "parse_seconds": Limits.parse_seconds * factor,
            "parse_memory_bytes": int(Limits.parse_memory_bytes * factor)}


class CurrentLimits:
    """The limits in force, read as ``LIMITS.rows``: a read-only view of one frozen :class:`Limits`.

    Every module reads the bounds through the one :data:`LIMITS` object, imported once
    (``from mapping.domain.limits import LIMITS``), so what is in force must be able to
    change behind it (the CLI's ``--max-rows`` comes after those imports). The frozen
    value itself never changes: :func:`put_in_force` replaces which value the view reads
    (each field is a property of this class), under a lock; nothing else can, since the
    view has no attributes of its own to set. ``dataclasses.replace(LIMITS, rows=1)``
    still gives a frozen :class:`Limits` (tests build lowered limits that way).
    """

    __slots__ = ()
    __dataclass_fields__ = Limits.__dataclass_fields__  # type: ignore[assignment]

    def __new__(cls, **fields: float | int) -> Any:
        """The view (no arguments), or, as :func:`dataclasses.replace` calls it, a Limits."""
        return Limits(**fields) if fields else super().__new__(cls)

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}: "
                                              "use allow_rows() or limits_in_force()")

    def __repr__(self) -> str:
        return f"LIMITS -> {current()!r}"


def _field(name: str) -> property:
    return property(lambda _self: getattr(_current, name), doc=f"``{name}`` in force.")


for _f in dataclasses.fields(Limits):
    setattr(CurrentLimits, _f.name, _field(_f.name))

_current: Limits = Limits(**_for_rows(_rows_at_start()))
_SETTING = threading.Lock()

LIMITS: Limits = CurrentLimits()  # type: ignore[assignment]  # reads like a Limits
"""The limits in force (:class:`CurrentLimits`)."""


def current() -> Limits:
    """The frozen :class:`Limits` in force now (a value: it never changes afterwards)."""
    return _current


def put_in_force(limits: Limits) -> Limits:
    """Make ``limits`` the limits in force in this process; return the ones it replaces.

    The one place that changes what :data:`LIMITS` reads. It does not tell the parse
    workers: :func:`allow_rows` does that for the row limit.
    """
    global _current
    if type(limits) is not Limits:
        raise TypeError(f"expected Limits, got {type(limits).__name__}")
    with _SETTING:
        before, _current = _current, limits
    return before


def allow_rows(rows: int) -> None:
    """Make ``rows`` the row limit of this process and of the parse workers it starts.

    The CLI's ``--max-rows``. The parse worker (:mod:`mapping.io.sandbox`) is a child
    process that reads :data:`ROWS_ENV` when it starts, so the variable is set too. The
    parse worker's time and memory grow with the rows (:func:`_for_rows`); columns,
    cells, cell size and byte sizes stay.
    """
    put_in_force(dataclasses.replace(_current, **_for_rows(rows)))
    os.environ[ROWS_ENV] = str(rows)


@contextlib.contextmanager
def limits_in_force(rows: int | None = None, **changes: float | int) -> Iterator[Limits]:
    """Within the block, ``rows`` (as :func:`allow_rows`) and ``changes`` are in force.

    Afterwards the limits and :data:`ROWS_ENV` are as before (for tests and benchmarks;
    a spare parse worker started inside the block keeps what it read at its start).
    """
    env = os.environ.get(ROWS_ENV)
    limits = dataclasses.replace(_current, **(_for_rows(rows) if rows is not None else {}),
                                 **changes)
    before = put_in_force(limits)
    if rows is not None:
        os.environ[ROWS_ENV] = str(rows)
    try:
        yield limits
    finally:
        put_in_force(before)
        if env is None:
            os.environ.pop(ROWS_ENV, None)
        else:
            os.environ[ROWS_ENV] = env


@dataclass(frozen=True)
class Amount:
    """A quantity in a message, written the reader's way (``200.000`` in Dutch, ``200,000``).

    Message parameters that are amounts (limits, counts, sizes) are passed as
    ``Amount``; :class:`mapping.io.validate.Collector` formats them per language.
    """

    value: float
    decimals: int = 0

    def format(self, lang: str) -> str:
        """The amount in ``lang``'s number format."""
        from mapping.i18n import format_number

        return format_number(self.value, lang, self.decimals)


# Characters that change how text *looks* without being visible: bidi
# overrides and isolates reorder an id on screen ("F0\u202e1" shows as "F01"),
# zero-width characters hide inside it. In an id they make two different ids
# look identical, so they are refused there; in free text they are flagged.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u180e"
)
# C0/C1 controls except tab, line feed and carriage return (which free text may hold).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\t\r\n]")
FREE_TEXT_FLAGS = re.compile(_CONTROL.pattern[:-1] + "".join(sorted(_INVISIBLE)) + "]")
"""The characters on which :func:`text_problem` (not an id) or :func:`has_invisible` can
object: free text without any of them, and within :attr:`Limits.cell_chars`, passes both
(the loader scans whole columns with it and runs the rules on the cells it finds)."""


def text_problem(value: str, *, is_id: bool = False) -> str | None:
    """The issue code for a string that must not be stored, or ``None`` when it is fine.

    Parameters
    ----------
    value
        A cell or form value, already decoded.
    is_id
        Ids (and references to ids) are stricter: no tab or line break, no
        invisible or direction-changing characters.

    Returns
    -------
    str or None
        ``"text_control"`` (NUL or another control character),
        ``"text_invisible"`` (bidi override or zero-width character in an id),
        ``"text_too_long"`` (over :attr:`Limits.cell_chars`), or ``None``.
    """
    if len(value) > LIMITS.cell_chars:
        return "text_too_long"
    if _CONTROL.search(value) or (is_id and _LINE_BREAK.search(value)):
        return "text_control"
    if is_id and any(ch in _INVISIBLE or unicodedata.category(ch) == "Cf" for ch in value):
        return "text_invisible"
    return None


def has_invisible(value: str) -> bool:
    """True if ``value`` holds a bidi override or zero-width character (flag it in free text)."""
    return any(ch in _INVISIBLE for ch in value)


def number_problem(value: float) -> str | None:
    """``"number_huge"`` for NaN-free values beyond :attr:`Limits.largest_number` or infinite."""
    if math.isinf(value) or (not math.isnan(value) and abs(value) > LIMITS.largest_number):
        return "number_huge"
    return None


def message(code: str, lang: str = "nl") -> str:
    """The message for ``code`` in ``lang`` (``"nl"`` or ``"en"``)."""
    nl, en = MESSAGES[code]
    text = en if lang == "en" else nl
    limit = LIMITS.cell_chars if code == "text_too_long" else f"{LIMITS.largest_number:.0e}"
    return text.replace("{limit}", str(limit))


def markdown_table() -> str:
    """The limits as a Markdown table for the README's Security section (a test compares)."""
    mb = 1024 * 1024
    rows = [
        ("files of one upload or folder", f"{LIMITS.upload_bytes // mb} MB"),
        ("XLSX, uncompressed", f"{LIMITS.uncompressed_bytes // mb} MB in "
                               f"{LIMITS.zip_entries:,} zip entries at most, each compressed "
                               f"at most {LIMITS.compression_ratio:.0f}:1"),
        ("rows per table", f"{LIMITS.rows:,}"),
        ("columns per table", f"{LIMITS.columns:,}"),
        ("cells per table (also an XLSX sheet's declared size)", f"{LIMITS.cells:,}"),
        ("characters per cell", f"{LIMITS.cell_chars:,}"),
        ("characters in a name typed into a form", f"{LIMITS.text_chars:,}"),
        ("largest number in a numeric cell", f"{LIMITS.largest_number:,.0f}"),
        ("neighbourhoods GeoJSON", f"{LIMITS.geojson_features:,} features, "
                                   f"{LIMITS.geojson_vertices:,} coordinate pairs"),
        ("parse worker", f"{LIMITS.parse_seconds:.0f} s and "
                         f"{LIMITS.parse_memory_bytes // (1024 * mb)} GB of address space"),
        ("problems listed per load", f"{LIMITS.issues:,} (then one line says how many more)"),
    ]
    return "\n".join(["| limit | value |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)])
