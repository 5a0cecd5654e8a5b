"""Problems in the input: the :class:`Issue` type, its message catalog and the :class:`Collector`.

Split from :mod:`mapping.io.validate` (which still exports these names). The
``MESSAGES`` catalog of file problems lives here, in one piece.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from mapping.domain import limits as lim
from mapping.domain import rules
from mapping.domain.limits import LIMITS
from mapping.locales import catalog

ERROR = "error"
WARNING = "warning"

ISSUE_COLUMNS: tuple[str, ...] = ("severity", "file", "row", "column", "value", "message", "code")
"""Columns of the issue table shown and downloaded on the data page."""

MESSAGES: dict[str, tuple[str, str]] = catalog.pairs("validate")

_TABLE_LABELS = {
    "nl": {"organisations": "organisaties", "parent_groups": "oudergroepen", "reach": "bereik",
           "collaborations": "samenwerkingen"},
    "en": {"organisations": "organisations", "parent_groups": "parent groups", "reach": "reach",
           "collaborations": "collaborations"},
}


@dataclass(frozen=True)
class Issue:
    """One problem in the input.

    ``row`` is the row number a spreadsheet shows (header = 1), or ``None``
    for a problem with a whole file; ``column`` is the header as the user
    wrote it where there was one.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = ERROR
    code: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The issue as a plain dict (for JSON and tables)."""
        return asdict(self)


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Issues as a table with :data:`ISSUE_COLUMNS` (nullable integer row)."""
    frame = pd.DataFrame([i.as_dict() for i in issues], columns=list(ISSUE_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame


def table_label(table: str, lang: str) -> str:
    """A table's name for people, in ``lang``."""
    return _TABLE_LABELS["en" if lang == "en" else "nl"].get(table, table)


@dataclass
class Collector:
    """Collects issues, formatting each message in the user's language."""

    lang: str = "nl"
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    dropped: int = 0
    """Issues not kept because :attr:`Limits.issues` were listed already."""

    def message(self, code: str, **params: Any) -> str:
        """The text of ``code`` in this collector's language."""
        if code in lim.MESSAGES:  # the shared text rules, same words as the store's
            return lim.message(code, self.lang)
        nl, en = MESSAGES[code] if code in MESSAGES else rules.MESSAGES[code]
        params = {k: v.format(self.lang) if isinstance(v, lim.Amount) else v
                  for k, v in params.items()}
        return (en if self.lang == "en" else nl).format(**params)

    def add(self, severity: str, code: str, file: str, row: int | None = None,
            column: str | None = None, value: Any = None, **params: Any) -> None:
        """Record one issue (beyond :attr:`Limits.issues` only counted).

        Errors are capped on their own, so warnings can never push the first
        error out (an error must always keep the dataset from loading).
        """
        full = (len(self.errors) if severity == ERROR
                else len(self.errors) + len(self.warnings)) >= LIMITS.issues
        if full:
            self.dropped += 1
            return
        params.setdefault("value", value)
        if isinstance(value, str) and len(value) > 200:
            value = value[:200] + "…"  # the message table shows the cell, not a 10,000-char note
        text = None if value is None else str(value)
        issue = Issue(file, row, column, text, self.message(code, **params), severity, code)
        (self.errors if severity == ERROR else self.warnings).append(issue)

    def finish(self, file: str) -> None:
        """Say how many issues were left out (call once, after sorting)."""
        if self.dropped:
            more, self.dropped = self.dropped, 0
            note = Issue(file, None, None, None, self.message(
                "issues_truncated", more=lim.Amount(more), limit=lim.Amount(LIMITS.issues)),
                ERROR if self.errors else WARNING, "issues_truncated")
            (self.errors if self.errors else self.warnings).append(note)

    def error(self, code: str, file: str, row: int | None = None, column: str | None = None,
              value: Any = None, **params: Any) -> None:
        """Record an error (the dataset will not load)."""
        self.add(ERROR, code, file, row, column, value, **params)

    def warning(self, code: str, file: str, row: int | None = None, column: str | None = None,
                value: Any = None, **params: Any) -> None:
        """Record a warning (the dataset loads; the user is told)."""
        self.add(WARNING, code, file, row, column, value, **params)
