"""One cell as it is written: formula neutralising, numbers, missing values, CSV and XLSX cells.

Split from :mod:`mapping.io.write` (which still exports these names); every
CSV and XLSX writer of the project uses these rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from mapping.domain import schema as sc

# Characters an XLSX cell cannot hold (XML 1.0 control characters).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

FORMULA_PREFIXES: frozenset[str] = frozenset("=+-@\t\r\n")
"""First characters that make Excel, LibreOffice or Google Sheets evaluate a cell.

OWASP names ``= + - @``, tab and carriage return; a line feed is added because
a workbook's XML turns a carriage return into one, so ``'\r=1`` reads back as
``'\n=1`` and must still lose its apostrophe."""


def neutralise(value: Any) -> Any:
    """A cell that no spreadsheet will run as a formula (OWASP ASVS 5.0 1.2.10).

    The rule, used by every CSV and XLSX writer of the project:

    * Text whose first character is ``=``, ``+``, ``-``, ``@``, a tab, a
      carriage return or a line feed gets a leading apostrophe: ``=1+1`` is written
      ``'=1+1``, which every spreadsheet shows as the text ``=1+1``.
    * Text that already begins with apostrophes *followed by* such a
      character gets one more (``'=1`` is written ``''=1``), so
      :func:`unneutralise` can always take exactly one away and the round
      trip is exact. Other text starting with an apostrophe (``'s-Hertogenbosch``)
      is left alone.
    * Anything that is not a ``str`` (int, float, bool, None) is returned
      unchanged: a negative number stays the number ``-2``, never the text
      ``'-2``. Numbers are therefore neutralised *before* they become text.

    Parameters
    ----------
    value
        One cell value.

    Returns
    -------
    Any
        ``value``, or ``"'" + value`` for text that needs it.
    """
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_PREFIXES:
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The inverse of :func:`neutralise` for text read back from a file.

    Removes one leading apostrophe when the text after the apostrophes
    begins with a formula character; any other text is returned as it is
    (``'s-Hertogenbosch`` keeps its apostrophe).
    """
    if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _number_text(value: float, decimal_comma: bool) -> str:
    """A number as the shortest text that reads back to the same float."""
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return text.replace(".", ",") if decimal_comma else text


def cell_text(value: Any, decimal_comma: bool = False) -> str:
    """One cell as CSV text: lists joined with ``|``, missing values empty.

    Text is passed through :func:`neutralise`; numbers are written as numbers.
    """
    if isinstance(value, (tuple, list)):
        return neutralise(sc.LIST_SEPARATOR.join(str(v) for v in value))
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar -> Python scalar
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value, decimal_comma)
    return neutralise(str(value))


def _xlsx_value(value: Any) -> Any:
    """One cell for openpyxl: numbers stay numbers, lists joined, missing values empty.

    Text loses the characters XML cannot hold *before* :func:`neutralise`
    looks at it (``"\x00=1"`` would otherwise become the formula ``=1``).
    """
    if isinstance(value, (tuple, list)):
        value = sc.LIST_SEPARATOR.join(str(v) for v in value)
    if _is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, (bool, int, float)):
        if isinstance(value, float) and math.isinf(value):
            return str(value)  # a workbook cannot hold infinity
        return value
    return neutralise(_ILLEGAL_XLSX.sub("", str(value)))


def _xlsx_row(sheet: Any, values: Sequence[Any]) -> list[Any]:
    """One row for a write-only sheet: every text cell typed as text, never a formula.

    openpyxl stores a string beginning with ``=`` as a formula and any other
    string as text. :func:`neutralise` leaves no string beginning with ``=``;
    should one ever get here, its cell is typed ``"s"`` (a value) explicitly.
    (Typing every cell that way would cost a fifth more time on a city.)
    """
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for v in values:
        value = _xlsx_value(v)
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def _csv_field(text: str, delimiter: str) -> str:
    """One CSV field, quoted when it holds the delimiter, a quote or a line break.

    Like :mod:`csv` with ``QUOTE_MINIMAL``, except that a lone carriage return
    is quoted too (the :mod:`csv` writer only quotes the characters of its
    line terminator, so ``\r=1`` would split the row in the UTF-8 dialect).
    """
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(fields: Sequence[str], delimiter: str, newline: str) -> str:
    """One CSV row of already neutralised text fields (see :func:`_csv_field` for quoting)."""
    if len(fields) == 1 and fields[0] == "":
        return '""' + newline  # a lone empty field must not read as an empty line
    return delimiter.join(_csv_field(f, delimiter) for f in fields) + newline


def _encode(text: str, encoding: str, file: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        # Say where the character is, so the user can fix or choose UTF-8.
        line = text.count("\n", 0, exc.start) + 1
        exc.add_note(f"{file}, row {line}: {text[exc.start:exc.end]!r} cannot be written as "
                     f"{encoding}; write UTF-8 or XLSX instead")
        raise
