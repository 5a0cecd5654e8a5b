"""A respondents table as read: columns, sheets (main and repeat groups)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SurveyColumn:
    """One column of an export.

    Attributes
    ----------
    key
        Unique within its sheet: the header as written (SurveyMonkey: the
        question and its second-row label joined with ``" / "``).
    question
        The question part of the header (or of Qualtrics' question-text row).
    item
        The sub-question, answer option or matrix row, or ``None``.
    position
        Column index in the sheet.
    """

    key: str
    question: str
    item: str | None
    position: int


@dataclass
class Sheet:
    """One sheet of answers: the main one, or a repeat group's."""

    name: str
    file: str
    columns: list[SurveyColumn]
    rows: list[list[str]]
    numbers: list[int]
    files: list[str] | None = None
    """Per row, the file it came from, when a sheet joins several (Network Canvas)."""
    _by_key: dict[str, SurveyColumn] = field(default_factory=dict, repr=False, compare=False)

    def values(self, key: str) -> list[str]:
        """The cells of column ``key`` (text, ``""`` when empty)."""
        position = self.column(key).position
        return [r[position].strip() if position < len(r) else "" for r in self.rows]

    def file_at(self, i: int) -> str:
        """The file row ``i`` came from."""
        return self.files[i] if self.files else self.file

    def column(self, key: str) -> SurveyColumn:
        """The column called ``key`` (``KeyError`` when there is none)."""
        if len(self._by_key) != len(self.columns):  # built once; columns may be replaced
            self._by_key = {c.key: c for c in self.columns}
        return self._by_key[key]

    def has(self, key: str) -> bool:
        """Whether a column called ``key`` exists."""
        try:
            self.column(key)
        except KeyError:
            return False
        return True


@dataclass
class SurveyTable:
    """A respondents table as read, before any interpretation."""

    tool: str
    file: str
    main: Sheet
    repeats: list[Sheet] = field(default_factory=list)
    links: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    """Links between two partners a respondent drew (Network Canvas edges):
    ``(respondent's _index, partner, partner, file, row)``."""

    def sheet(self, name: str | None) -> Sheet:
        """The main sheet (``None``) or the repeat sheet called ``name``."""
        if not name:
            return self.main
        for sheet in self.repeats:
            if sheet.name == name:
                return sheet
        raise KeyError(name)

    def sheets(self) -> list[Sheet]:
        """Main sheet first, then the repeat sheets."""
        return [self.main, *self.repeats]


class SurveyProblem(Exception):
    """A file that cannot be read at all: its issues are in the collector."""
