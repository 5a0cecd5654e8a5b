"""Survey exports as a district: Qualtrics, Google/Microsoft Forms, LimeSurvey, Kobo, SurveyMonkey.

A researcher asks each organisation who it is (name, formal or informal,
category), which parent groups it reaches (and on which topics), which
organisations it works with, and per partner the four conditions of good
collaboration (trust, shared goals, clarity of roles, equality; 1-5 or Likert
words). Every survey tool exports that as *one respondents table*: one row per
respondent, one column per question, sub-question or answer option. This
module reads that table (:func:`read_survey`), guesses what each column means
(:func:`guess_mapping`, a :class:`SurveyMapping` the researcher confirms and
saves as JSON) and turns the answers into the four canonical tables
(:func:`apply`), validated by :func:`mapping.io.validate.validate_tables` like
any upload, with every problem traced back to the survey's own file, row and
column.

The export formats, as the tools write them (and as public sample exports and
parsers show them):

* **Qualtrics** CSV: three header rows: the export tag (``Q5_1``), the
  question text (a matrix or multi-select adds ``" - "`` and the sub-question
  or choice: ``"Met welke organisaties werkt u samen? - Moskee Al Fath"``) and
  ``{"ImportId":"QID5_1"}``; metadata columns ``StartDate``, ``IPAddress``,
  ``ResponseId``, ``RecipientEmail``, ``LocationLatitude``...; answers as
  numeric codes or choice text; ``_TEXT`` columns hold typed "other" answers.
* **Google Forms**: CSV download joins a checkbox question's answers with
  ``;``; the Sheets XLSX joins them with ``", "``; a grid question is one
  column per row, ``"Vertrouwen [Moskee Al Fath]"``; ``Timestamp``/``Tijdstempel``
  first, as text.
* **Microsoft Forms** XLSX: ``ID``, ``Start time``, ``Completion time``,
  ``Email``, ``Name`` first; a multi-select answer joined with ``;`` (and a
  trailing ``;``).
* **LimeSurvey** CSV/XLSX: ``id``, ``submitdate``, ``lastpage``,
  ``startlanguage``, ``seed``, ``ipaddr``...; sub-questions as ``Q5[SQ001]``
  (question codes) or ``"question [sub-question]"`` (question texts, also as
  ``"Q5[SQ001]. question [sub-question]"``); multiple choice as ``Y``/empty or
  answer codes; ``;`` or ``,`` delimited.
* **KoboToolbox / ODK**: ``group/question`` headers; a select-multiple
  question as one space-separated column, or split into one ``question/option``
  column per option holding ``1``/``0`` or ``True``/``False`` (or both); repeat
  groups on their own sheet, joined to the main sheet by ``_parent_index`` =
  ``_index``; ``_uuid``, ``_submission_time``... at the end.
* **SurveyMonkey** CSV/XLSX: two header rows: the question (empty for the
  continuation columns of the same question) and ``Response``,
  ``Open-Ended Response`` or the choice or matrix row; ``Respondent ID``,
  ``Collector ID``, ``IP Address``, ``Email Address``, ``First Name``...

Personal data never reaches the tables: respondent names, e-mail and IP
addresses, locations and free-text answers are dropped (the result says which
columns), every column the mapping does not use is dropped, and ``reported_by``
is a keyed hash of the respondent id (:func:`pseudonym`), never the id itself.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import hmac
import io
import json
import re
import secrets
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapping.domain import schema as sc
from mapping.domain.dataset import CONDITIONS, TABLES, Dataset
from mapping.domain.limits import LIMITS, Amount
from mapping.io.load import (
    WORKBOOK_SUFFIXES,
    LoadResult,
    _Bound,
    _check_workbook,
    _decode,
    _looks_binary,
    _parse_csv,
    _report_undecodable,
    cell_text,
    format_result,
)
from mapping.io.validate import Collector, Issue, RawTable, validate_tables
from mapping.locales import catalog

TOOLS: tuple[str, ...] = ("qualtrics", "google-forms", "microsoft-forms", "limesurvey", "kobo",
                          "surveymonkey", "generic")
"""Tools :func:`detect_tool` recognises (``generic``: one header row, nothing tool-specific)."""

ROLES: tuple[str, ...] = (
    "ignore", "drop", "respondent", "org_name", "org_kind", "org_category", "groups", "topics",
    "partners", "partner_name", "form", *CONDITIONS,
)
"""What a column can mean.

``ignore``: not used (survey metadata, unrelated questions); ``drop``: personal
data, never stored; ``respondent``: the respondent id, stored only as a keyed
hash; ``org_*``: the respondent's organisation; ``groups``/``topics``: parent
groups reached and topics; ``partners``: organisations worked with;
``partner_name``: the partner of a repeat-group row; ``form`` and the four
conditions: per partner."""

SHAPES: tuple[str, ...] = ("value", "list", "option", "grid")
"""How a column holds its answers.

``value``: one answer; ``list``: several answers joined (``;``, ``", "``,
space); ``option``: one column per answer option, ticked or not (``item`` is
the option); ``grid``: one column per partner or group (``item`` names it) of a
matrix question."""

MESSAGES: dict[str, tuple[str, str]] = catalog.pairs("surveys")

def _text(code: str, lang: str, **params: Any) -> str:
    nl, en = MESSAGES[code]
    params = {k: v.format(lang) if isinstance(v, Amount) else v for k, v in params.items()}
    return (en if lang == "en" else nl).format(**params)


def _say(col: Collector, severity: str, code: str, file: str, row: int | None,
         column: str | None, cell: str | None = None, **params: Any) -> None:
    """Record an issue of this module's own catalogue (file, row and column of the survey)."""
    shown = None if cell is None else cell[:200]
    issue = Issue(file, row, column, shown, _text(code, col.lang, **params), severity, code)
    (col.errors if severity == "error" else col.warnings).append(issue)


# --------------------------------------------------------------------------- the table


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
    _by_key: dict[str, SurveyColumn] = field(default_factory=dict, repr=False, compare=False)

    def values(self, key: str) -> list[str]:
        """The cells of column ``key`` (text, ``""`` when empty)."""
        position = self.column(key).position
        return [r[position].strip() if position < len(r) else "" for r in self.rows]

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


# --------------------------------------------------------------------------- reading


_QUALTRICS_IMPORT = re.compile(r'^\{\s*"ImportId"\s*:')
_BRACKET = re.compile(
    r"^(?P<code>[A-Za-z][\w]*\[[^\]]*\][.:]?\s+)?(?P<q>.*?)\s*\[(?P<i>[^\[\]]*)\]$", re.S)
_LIME_CODE = re.compile(r"^[A-Za-z][\w]*\[(?P<i>[^\]]*)\]$")
_SELECTED_CHOICE = frozenset({"selected choice", "geselecteerde keuze", "gekozen optie"})
_MONKEY_GENERIC = frozenset({"response", "openendedresponse", "antwoord", "openantwoord"})


def _plain(text: str) -> str:
    """Lower case, accents removed, words separated by single spaces (for keywords)."""
    decomposed = unicodedata.normalize("NFKD", str(text).lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def detect_tool(header: Sequence[str], second: Sequence[str] = (),
                third: Sequence[str] = ()) -> str:
    """The tool that wrote an export, from its first header rows.

    Parameters
    ----------
    header, second, third
        The first three non-empty rows of the file (the second and third are
        only looked at for Qualtrics and SurveyMonkey).
    """
    norm = {sc.normalise_header(h) for h in header if h.strip()}
    if any(_QUALTRICS_IMPORT.match(c.strip()) for c in third) or {"responseid",
                                                                   "startdate"} <= norm:
        return "qualtrics"
    if {"respondentid", "collectorid"} <= norm:
        return "surveymonkey"
    if {"submitdate", "lastpage"} <= norm or {"startlanguage", "seed"} <= norm:
        return "limesurvey"
    if norm & {"uuid", "submissiontime", "parentindex", "submissionuuid", "validationstatus"} or (
            sum("/" in h for h in header) >= 2 and "index" in norm):
        return "kobo"
    if {"starttime", "completiontime"} <= norm or {"begintijd", "tijdvanvoltooien"} <= norm:
        return "microsoft-forms"
    if header and sc.normalise_header(header[0]) in ("timestamp", "tijdstempel", "marcatemporale",
                                                      "zeitstempel", "horodateur"):
        return "google-forms"
    if any(_LIME_CODE.match(h.strip()) for h in header):
        return "limesurvey"
    return "generic"


def _split_header(tool: str, header: str, text: str) -> tuple[str, str | None]:
    """Question and item (sub-question, option, matrix row) of one column."""
    if tool == "qualtrics" and text:
        question, sep, item = text.partition(" - ")
        if _plain(item) in _SELECTED_CHOICE:  # "Q4 - Selected Choice": one column, no option
            item = ""
        return (question.strip(), item.strip() or None) if sep else (text.strip(), None)
    found = _BRACKET.match(header.strip())
    if found:
        item = found.group("i").strip()
        return (found.group("q").strip() or header.split("[", 1)[0]), item or None
    if tool == "kobo" and "/" in header:
        parts = [p for p in header.split("/") if p]
        if len(parts) >= 2:
            return "/".join(parts[:-1]), parts[-1]
    return header.strip(), None


def _columns(tool: str, header: list[str], texts: list[str], options: list[str]
             ) -> list[SurveyColumn]:
    out: list[SurveyColumn] = []
    seen: set[str] = set()
    question = ""
    for position, cell in enumerate(header):
        cell = cell.strip().lstrip("\ufeff")
        if tool == "surveymonkey":
            # Continuation columns of a question have an empty first row.
            question = cell or question
            option = options[position].strip() if position < len(options) else ""
            item = None if sc.normalise_header(option) in _MONKEY_GENERIC or not option else option
            key = f"{question} / {item}" if item and cell != option else (cell or question)
            q, i = question, item
        else:
            key = cell or f"kolom_{position + 1}"
            text = texts[position].strip() if position < len(texts) else ""
            q, i = _split_header(tool, cell, text)
            if tool == "qualtrics" and text:
                q = q or cell
        base, n = key, 2
        while key in seen:
            key, n = f"{base} ({n})", n + 1
        seen.add(key)
        out.append(SurveyColumn(key, q, i, position))
    return out


def _sheet(tool: str, name: str, label: str, rows: list[list[str]], numbers: list[int]
           ) -> Sheet:
    header = rows[0] if rows else []
    texts: list[str] = []
    options: list[str] = []
    skip = 1
    if tool == "qualtrics" and len(rows) >= 3 and any(
            _QUALTRICS_IMPORT.match(c.strip()) for c in rows[2]):
        texts, skip = rows[1], 3
    elif tool == "qualtrics" and len(rows) >= 2:
        texts, skip = rows[1], 2
    elif tool == "surveymonkey" and len(rows) >= 2:
        options, skip = rows[1], 2
    columns = _columns(tool, header, texts, options)
    width = len(header)
    body = [r + [""] * (width - len(r)) for r in rows[skip:]]
    if tool == "kobo":
        columns = _kobo_paths(columns, body)
    return Sheet(name, label, columns, body, numbers[skip:])


def _kobo_paths(columns: list[SurveyColumn], body: list[list[str]]) -> list[SurveyColumn]:
    """``group/question`` is a question path; ``question/option`` only for split select-multiple.

    An option column holds ticks (``1``/``0``, ``True``/``False``), or its
    path minus the last part is itself a column (Kobo's "single and separate
    columns"). Every other path is a question: its text is the whole path.
    """
    keys = {c.key for c in columns}
    out = []
    for c in columns:
        if c.item is None:
            out.append(c)
            continue
        values = [r[c.position] for r in body if c.position < len(r)]
        ticks = [v for v in values if v.strip()]
        option = c.question in keys or (bool(ticks) and all(
            sc.normalise_header(v) in _TRUE | _FALSE for v in ticks))
        out.append(c if option else SurveyColumn(c.key, c.key, None, c.position))
    return out


def _csv_rows(name: str, data: bytes, col: Collector) -> tuple[list[list[str]], list[int]]:
    if not data.strip():
        col.error("file_empty", name)
        raise SurveyProblem
    if _looks_binary(data):
        col.error("file_binary", name)
        raise SurveyProblem
    text, escaped = _decode(name, data, col)
    try:
        header, rows, numbers, _delimiter = _parse_csv(text)
    except _Bound as bound:
        col.error(bound.code, name, bound.row, **bound.params)
        raise SurveyProblem from None
    if escaped:
        _report_undecodable(name, header, rows, numbers, col)
        raise SurveyProblem
    return [header, *rows], [max(1, numbers[0] - 1) if numbers else 1, *numbers]


def _workbook_rows(name: str, data: bytes, col: Collector
                   ) -> list[tuple[str, list[list[str]], list[int]]]:
    from python_calamine import CalamineWorkbook

    if not _check_workbook(name, data, col):
        raise SurveyProblem
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(t, book.get_sheet_by_name(t).to_python(skip_empty_area=False))
                  for t in book.sheet_names]
    except Exception as exc:  # calamine raises its own types for a damaged workbook
        col.error("file_unreadable", name, detail=type(exc).__name__)
        raise SurveyProblem from None
    out = []
    for title, values in sheets:
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, row in enumerate(values, start=1):
            cells = [cell_text(v) for v in row]
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > LIMITS.columns and any(c.strip() for c in cells[LIMITS.columns:]):
                col.error("limit_columns", f"{name}, {title}", number, found=Amount(len(cells)),
                          limit=Amount(LIMITS.columns))
                raise SurveyProblem
            if len(rows) > LIMITS.rows:
                col.error("limit_rows", f"{name}, {title}", number, limit=Amount(LIMITS.rows))
                raise SurveyProblem
            rows.append(cells[:LIMITS.columns])
            numbers.append(number)
        if rows:
            while rows[0] and not rows[0][-1].strip():
                rows[0].pop()
            width = len(rows[0])
            rows = [r[:width] for r in rows]
            out.append((title, rows, numbers))
    return out


def read_survey(name: str, data: bytes, lang: str = "nl"
                ) -> tuple[SurveyTable | None, Collector]:
    """Read one export (CSV or XLSX) into a :class:`SurveyTable`.

    Sizes, rows, columns and cells are bounded by :data:`LIMITS` before and
    while reading; bytes are decoded as :mod:`mapping.io.load` decodes them.
    Returns ``(None, collector)`` when the file cannot be read (the collector
    says why, with file and row).
    """
    col = Collector("en" if lang == "en" else "nl")
    label = Path(name).name
    if len(data) > LIMITS.upload_bytes:
        mb = 1024 * 1024
        col.error("limit_bytes", label, found=Amount(len(data) / mb, 1),
                  limit=Amount(LIMITS.upload_bytes / mb))
        return None, col
    try:
        if data[:4] == b"PK\x03\x04" or Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = _workbook_rows(label, data, col)
        else:
            rows, numbers = _csv_rows(label, data, col)
            sheets = [("", rows, numbers)]
    except SurveyProblem:
        return None, col
    if not sheets or len(sheets[0][1]) < 2:
        col.error("file_empty", label)
        return None, col
    _title, rows, _numbers = sheets[0]
    tool = detect_tool(rows[0], rows[1] if len(rows) > 1 else (), rows[2] if len(rows) > 2 else ())
    multi = len(sheets) > 1
    main = _sheet(tool, sheets[0][0] if multi else "", label if not multi
                  else f"{label}, {sheets[0][0]}", rows, sheets[0][2])
    repeats = []
    for title, srows, snumbers in sheets[1:]:
        if any(sc.normalise_header(h) == "parentindex" for h in srows[0]):
            repeats.append(_sheet("kobo" if tool == "kobo" else tool, title, f"{label}, {title}",
                                  srows, snumbers))
    if not main.rows:
        col.error("file_empty", label)
        return None, col
    return SurveyTable(tool, label, main, repeats), col


# --------------------------------------------------------------------------- the mapping


@dataclass(frozen=True)
class ColumnRole:
    """What one column means.

    Attributes
    ----------
    column
        The column's :attr:`SurveyColumn.key`.
    role
        One of :data:`ROLES`.
    shape
        One of :data:`SHAPES`.
    item
        For ``option``: the answer the column stands for; for ``grid``: the
        partner (conditions, form) or parent group (topics) the answers are about.
    confidence
        How sure the guess is, 0 to 1 (1: confirmed by the researcher).
    sheet
        The repeat sheet the column is on, ``None`` for the main sheet.
    separator
        For ``list``: what joins the answers; ``None``: found from the answers.
    """

    column: str
    role: str
    shape: str = "value"
    item: str | None = None
    confidence: float = 0.0
    sheet: str | None = None
    separator: str | None = None


@dataclass(frozen=True)
class SurveyMapping:
    """Which column means what: guessed, confirmed, saved as JSON and reused."""

    tool: str
    columns: tuple[ColumnRole, ...]
    default_kind: str = "informal"
    """Kind of a partner who did not answer and whose name says nothing."""
    version: int = 1

    def to_json(self) -> str:
        """The mapping as JSON (what ``--write-mapping`` saves)."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> SurveyMapping:
        """A mapping read from :meth:`to_json`'s output; ``ValueError`` when it is not one."""
        try:
            data = json.loads(text)
            columns = tuple(ColumnRole(**c) for c in data["columns"])
            mapping = cls(str(data.get("tool", "generic")), columns,
                          str(data.get("default_kind", "informal")), int(data.get("version", 1)))
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            raise ValueError(f"{type(exc).__name__}: {exc}"[:160]) from exc
        for c in mapping.columns:
            if c.role not in ROLES or c.shape not in SHAPES:
                raise ValueError(f"role {c.role!r}, shape {c.shape!r}")
        if mapping.default_kind not in ("formal", "informal"):
            raise ValueError(f"default_kind {mapping.default_kind!r}")
        return mapping

    def role(self, column: str, sheet: str | None = None) -> ColumnRole | None:
        """The role given to ``column`` (on ``sheet``), or ``None``."""
        return next((c for c in self.columns if c.column == column and c.sheet == sheet), None)

    def with_role(self, column: str, role: str, sheet: str | None = None, **changes: Any
                  ) -> SurveyMapping:
        """A copy with ``column`` given ``role`` (confidence 1: the researcher said so)."""
        old = self.role(column, sheet) or ColumnRole(column, role, sheet=sheet)
        shape = changes.pop("shape", None) or _shape_for(role, old)
        new = dataclasses.replace(old, role=role, shape=shape, confidence=1.0, **changes)
        return dataclasses.replace(self, columns=tuple(
            new if (c.column, c.sheet) == (column, sheet) else c for c in self.columns))

    def used(self, role: str) -> list[ColumnRole]:
        """The columns with ``role``."""
        return [c for c in self.columns if c.role == role]


def _shape_for(role: str, old: ColumnRole) -> str:
    """The shape a column keeps or gets when the researcher gives it another role."""
    if role in ("groups", "partners", "topics"):
        if old.shape in ("option", "list") or (old.shape == "grid" and role == "topics"):
            return old.shape
        return "option" if old.item and old.shape == "grid" else "list"
    if role in (*CONDITIONS, "form"):
        return "grid" if old.item and old.shape in ("grid", "option") else "value"
    return "value"


# Keyword rules, checked in this order on the question text (lower case, no accents).
# Each rule: role, regex on the plain question, confidence.
_RULES: tuple[tuple[str, str, float], ...] = (
    ("org_kind", r"\b(formeel of informeel|formal or informal|informeel|informal|formeel"
                 r"|formal)\b", 0.8),
    ("org_category", r"\b(categorie|category|wat voor (soort )?organisatie|(soort|type) "
                     r"(van )?(uw )?organisatie|what (kind|type) of organi[sz]ation|sector)\b",
     0.7),
    ("trust", r"\b(vertrouwen|trust)", 0.85),
    ("shared_goals", r"\b(gezamenlijke? doel\w*|doelen|shared goals?|common goals?|goals?)\b",
     0.8),
    ("role_clarity", r"\b(duidelijkheid|rollen|verwachtingen|roles?|clarity|expectations)\b",
     0.8),
    ("equality", r"\b(gelijkwaardig\w*|gelijkheid|equal\w*)\b", 0.8),
    ("form", r"\b(vorm van (de )?samenwerking|vorm|form of collaboration|how do you work "
             r"together|hoe werkt u samen)\b", 0.7),
    ("topics", r"\b(thema\w*|onderwerp\w*|topics?|subjects?)\b", 0.75),
    ("groups", r"\b(oudergroep\w*|groep\w* ouders|ouders|parent groups?|groups? of parents"
               r"|parents|doelgroep\w*)\b", 0.75),
    ("partners", r"\b(samenwerk\w*|werkt u samen|werken samen|work with|works with|worked with"
                 r"|partners?|collaborat\w*)\b", 0.75),
    ("org_name", r"\b(organisatie\w*|organi[sz]ations?|stichting|vereniging)\b", 0.7),
)

_META = frozenset(sc.normalise_header(h) for h in (
    "StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished",
    "RecordedDate", "DistributionChannel", "UserLanguage", "Q_RecaptchaScore",
    "Q_BallotBoxStuffing", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
    "datestamp", "refurl", "Timestamp", "Tijdstempel", "Start time", "Completion time",
    "Last modified time", "Begintijd", "Tijd van voltooien", "Laatst gewijzigd",
    "_submission_time", "_validation_status", "_index", "_parent_index", "_parent_table_name",
    "_submission__uuid", "_submission__id", "_status", "_submitted_by", "__version__",
    "_version_", "_tags", "_notes", "start", "end", "today", "deviceid", "meta/instanceID",
    "formhub/uuid", "Collector ID", "Start Date", "End Date", "Custom Data 1", "interviewtime",
    "groupTime", "tokens", "token"))
_RESPONDENT = ("responseid", "respondentid", "uuid", "id", "responsid", "antwoordid",
               "submissionuuid")
_PERSON_EXACT = frozenset(sc.normalise_header(h) for h in (
    "name", "naam", "uw naam", "your name", "voornaam", "achternaam", "first name", "last name",
    "full name", "volledige naam", "naam respondent", "respondent name", "contactpersoon",
    "contact person", "wie bent u", "who are you", "telefoon", "telefoonnummer", "phone",
    "phone number", "adres", "address", "woonplaats"))
_PERSONAL = re.compile(r"(e ?mail|ip ?ad|ipaddr|recipient|external ?(data )?reference|"
                       r"location ?(latitude|longitude)|\bgps\b|geolocation|telefoon|phone|"
                       r"\bbsn\b|geboortedatum|birth)")
_FREE_TEXT = re.compile(r"(\btext$|\bopmerking\w*|toelichting|\bcomments?\b|anders namelijk|"
                        r"other please specify|\bother\b.*\bspecify\b|\bvrije tekst\b)")
_FALSE = frozenset({"", "0", "false", "onwaar", "no", "nee", "n", "notselected",
                    "nietgeselecteerd", "unchecked", "nan", "none"})
_TRUE = frozenset({"1", "true", "waar", "yes", "ja", "y", "x", "checked", "selected",
                   "geselecteerd"})


def _truthy(value: str, item: str | None) -> bool:
    word = sc.normalise_header(value)
    return bool(word) and word not in _FALSE


def _looks_option(values: list[str], item: str | None) -> bool:
    """Whether the answers look like ticks: 1/0, True/False, Y, or the option's own label."""
    filled = [v for v in values if v.strip()]
    if not filled:
        return True
    own = sc.normalise_header(item or "")
    return all(sc.normalise_header(v) in _TRUE | _FALSE or sc.normalise_header(v) == own
               for v in filled)


def _separator(values: list[str], tool: str) -> str | None:
    """What joins several answers in one cell, or ``None`` when nobody gave several."""
    filled = [v for v in values if v.strip()]
    if any(";" in v for v in filled):
        return ";"
    if any("\n" in v for v in filled):
        return "\n"
    if any(", " in v for v in filled):
        return ", "
    if tool == "kobo" and any(" " in v.strip() for v in filled) and all(
            re.fullmatch(r"[\w\- ]+", v) for v in filled):
        return " "  # select_multiple as one column holds space-separated choice names
    if any("," in v for v in filled):
        return ","
    return None


def split_answers(value: str, separator: str | None) -> list[str]:
    """The answers joined in one cell (``"A;B;"`` -> ``["A", "B"]``)."""
    if not value.strip():
        return []
    parts = value.split(separator) if separator else [value]
    return [p.strip() for p in parts if p.strip()]


def _display(name: str, tool: str) -> str:
    """A Kobo choice name as people write it: ``somalische_moeders`` -> ``Somalische moeders``."""
    if tool == "kobo" and "_" in name and " " not in name:
        text = name.replace("_", " ").strip()
        return text[:1].upper() + text[1:]
    return name


@functools.lru_cache(maxsize=1 << 16)  # a survey repeats its names in every row and grid column
def name_key(name: str) -> str:
    """How names are compared: case, accents, spaces, hyphens and underscores ignored.

    ``"Moskee Al-Fath"``, ``"moskee al fath"`` and ``"moskee_al_fath"`` are one name.
    """
    return sc.normalise_header(name)


_key = name_key


def _guess_one(column: SurveyColumn, values: list[str], tool: str, repeat: bool
               ) -> ColumnRole:
    head = sc.normalise_header(column.key)
    question = _plain(column.question)
    item_plain = _plain(column.item or "")
    if head in _PERSON_EXACT or _PERSONAL.search(_plain(column.key)) or _PERSONAL.search(question):
        return ColumnRole(column.key, "drop", confidence=0.95)
    if (head.endswith("text") and tool == "qualtrics") or _FREE_TEXT.search(_plain(column.key)) \
            or _FREE_TEXT.search(question):
        return ColumnRole(column.key, "drop", confidence=0.8)
    if head in _META or head.startswith(("timing", "meta")):
        return ColumnRole(column.key, "ignore", confidence=0.9)
    if head in _RESPONDENT and not repeat:
        return ColumnRole(column.key, "respondent", confidence=0.9)
    filled = [v for v in values if v.strip()]
    if filled and not column.item:
        kinds = sum(_kind_word(v) is not None for v in filled)
        if kinds >= 0.8 * len(filled):
            return ColumnRole(column.key, "org_kind", confidence=0.9)
    for role, pattern, confidence in _RULES:
        in_question = re.search(pattern, question)
        in_item = column.item and re.search(pattern, item_plain)
        if not (in_question or in_item):
            continue
        if role in CONDITIONS or role == "form":
            if column.item and in_question:
                return ColumnRole(column.key, role, "grid", column.item, confidence)
            if column.item and in_item:  # "Moskee Al Fath - Vertrouwen": the partner asks
                return ColumnRole(column.key, role, "grid", column.question, confidence)
            return ColumnRole(column.key, role, "value", None, confidence * (1 if repeat else 0.8))
        if not in_question:
            continue
        if role in ("groups", "partners", "topics"):
            if column.item and _looks_option(values, column.item):
                return ColumnRole(column.key, role, "option", column.item, confidence)
            if column.item and role == "topics":  # "Thema's [Somalische moeders]"
                return ColumnRole(column.key, role, "grid", column.item, confidence,
                                  separator=_separator(values, tool))
            if role == "partners" and repeat:
                return ColumnRole(column.key, "partner_name", confidence=confidence)
            return ColumnRole(column.key, role, "list", None, confidence,
                              separator=_separator(values, tool))
        if role == "org_name" and repeat:
            return ColumnRole(column.key, "partner_name", confidence=confidence * 0.9)
        return ColumnRole(column.key, role, confidence=confidence)
    return ColumnRole(column.key, "ignore", confidence=0.3)


def guess_mapping(table: SurveyTable) -> SurveyMapping:
    """Guess what each column means, from its header and its answers.

    Headers are matched against Dutch and English question words (the
    project's questionnaire and a researcher's own). Then the answers decide
    where the headers cannot: a column whose joined names recur as
    respondents' organisation names is a partner list, and Kobo's
    select-multiple single column is ignored when its split option columns are
    there too. Confidence 0-1 says how sure each guess is; the researcher
    confirms or corrects it (:meth:`SurveyMapping.with_role`).
    """
    roles: list[ColumnRole] = []
    for sheet in table.sheets():
        repeat = sheet is not table.main
        for column in sheet.columns:
            guess = _guess_one(column, sheet.values(column.key), table.tool, repeat)
            roles.append(dataclasses.replace(guess, sheet=sheet.name if repeat else None))
    roles = _only_one(roles, "respondent")
    roles = _only_one(roles, "org_name")
    # Kobo "Single and separate columns": the single column duplicates its option columns.
    option_parents = {table.sheet(r.sheet).column(r.column).question for r in roles
                      if r.shape == "option"}
    roles = [dataclasses.replace(r, role="ignore", confidence=0.8)
             if r.shape == "list" and r.column in option_parents else r for r in roles]
    roles = _by_answers(table, roles)
    return SurveyMapping(table.tool, tuple(roles))


def _only_one(roles: list[ColumnRole], role: str) -> list[ColumnRole]:
    """Keep the most confident column of a role that takes one column; the rest ``ignore``."""
    main = [r for r in roles if r.role == role and r.sheet is None]
    if len(main) <= 1:
        return roles
    best = max(main, key=lambda r: r.confidence)
    return [dataclasses.replace(r, role="ignore", confidence=0.4)
            if r.role == role and r.sheet is None and r is not best else r for r in roles]


def _by_answers(table: SurveyTable, roles: list[ColumnRole]) -> list[ColumnRole]:
    """Use the answers: joined names that are respondents' own names make a partner list."""
    name_role = next((r for r in roles if r.role == "org_name" and r.sheet is None), None)
    if name_role is None:
        return roles
    own = {_key(v) for v in table.main.values(name_role.column) if v.strip()}
    out = []
    for r in roles:
        if r.sheet is None and r.role in ("ignore", "groups") and r.shape in ("value", "list") \
                and r.confidence < 0.9:
            values = table.main.values(r.column)
            sep = r.separator or _separator(values, table.tool)
            names = [n for v in values for n in split_answers(v, sep)]
            if names and sum(_key(n) in own for n in names) >= 0.5 * len(names) and len(own) > 1:
                r = dataclasses.replace(r, role="partners", shape="list", separator=sep,
                                        confidence=0.7)
        elif r.sheet is None and r.shape == "option" and r.role == "groups" and r.item \
                and _key(r.item) in own:
            r = dataclasses.replace(r, role="partners", confidence=0.6)
        out.append(r)
    return out


# --------------------------------------------------------------------------- values

_LIKERT: dict[str, float] = {
    **dict.fromkeys(("helemaal mee eens", "zeer mee eens", "volledig mee eens",
                     "strongly agree", "completely agree", "totally agree", "zeer goed",
                     "very good", "heel goed", "excellent", "uitstekend"), 5.0),
    **dict.fromkeys(("mee eens", "eens", "agree", "goed", "good", "somewhat agree"), 4.0),
    **dict.fromkeys(("neutraal", "neutral", "niet mee eens niet mee oneens",
                     "neither agree nor disagree", "eens noch oneens", "neither", "redelijk",
                     "fair", "gemiddeld", "average", "noch eens noch oneens"), 3.0),
    **dict.fromkeys(("mee oneens", "oneens", "niet mee eens", "disagree", "slecht", "poor",
                     "somewhat disagree", "matig"), 2.0),
    **dict.fromkeys(("helemaal mee oneens", "helemaal niet mee eens", "zeer mee oneens",
                     "strongly disagree", "completely disagree", "zeer slecht", "very poor",
                     "heel slecht"), 1.0),
}
_NOT_APPLICABLE = frozenset({"weet niet", "niet van toepassing", "nvt", "n v t", "dont know",
                             "don t know", "not applicable", "n a", "na", "geen mening",
                             "no opinion"})
_LEADING_NUMBER = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(?:$|[-=:.)/]|\s)")


def likert_score(value: str) -> tuple[float | None, str | None]:
    """A condition's answer as a score: ``(score, None)``, ``(None, None)`` or ``(None, code)``.

    Numbers (``4``, ``4,5``, ``"5 - helemaal mee eens"``) and Likert words in
    Dutch and English (``helemaal mee eens`` = 5 ... ``helemaal mee oneens`` =
    1; ``weet niet``/``n.v.t.`` = no answer). The code is ``score_invalid`` or
    ``score_range``.
    """
    text = value.strip()
    if not text:
        return None, None
    plain = _plain(text)
    if plain in _NOT_APPLICABLE:
        return None, None
    if plain in _LIKERT:
        return _LIKERT[plain], None
    found = _LEADING_NUMBER.match(text)
    if found:
        number = float(found.group(1).replace(",", "."))
        if 1 <= number <= 5:
            return number, None
        return None, "score_range"
    # "Helemaal mee eens (5)" and other decorations: the longest Likert phrase inside wins.
    inside = [w for w in _LIKERT if re.search(rf"\b{re.escape(w)}\b", plain)]
    if inside:
        return _LIKERT[max(inside, key=len)], None
    return None, "score_invalid"


def _kind_word(value: str) -> str | None:
    """``formal``/``informal`` for an answer such as ``Informele organisatie``."""
    kind = sc.canonical_kind(value)
    if kind:
        return kind
    plain = _plain(value)
    if re.search(r"\b(informe\w*|vrijwillig\w*|volunteer\w*|zelforgani\w*|grassroots)", plain):
        return "informal"
    if re.search(r"\b(forme\w*|professione\w*|professional|instelling|institution)", plain):
        return "formal"
    return None


def _kind_from_name(name: str) -> tuple[str | None, str | None]:
    """Kind and category guessed from the words of a name (``Moskee Al Fath`` -> informal)."""
    words = sc.normalise_word(name).split("_")
    for word in words:
        category, known = sc.canonical_category(word)
        if known and category != "other":
            kind = "formal" if category in sc.FORMAL_CATEGORIES else "informal"
            return kind, category
    return None, None


def pseudonym(respondent: str, secret: bytes) -> str:
    """A respondent's stored name: ``r-`` and 12 hex digits of HMAC-SHA256 under ``secret``.

    The same respondent gets the same pseudonym with the same secret (waves
    compare), and without the secret the id cannot be recovered or tested.
    """
    digest = hmac.new(secret, respondent.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return "r-" + digest.hexdigest()[:12]


# --------------------------------------------------------------------------- applying


@dataclass(frozen=True)
class SurveyResult(LoadResult):
    """A :class:`~mapping.io.load.LoadResult` plus what the import left out.

    Attributes
    ----------
    dropped
        ``(column, reason)`` of every column not stored: ``personal`` (names,
        e-mail and IP addresses, locations, free text) or ``unused``.
    mapping
        The mapping that was applied.
    tool
        The tool the export came from.
    """

    dropped: tuple[tuple[str, str], ...] = ()
    mapping: SurveyMapping | None = None
    tool: str = "generic"


@dataclass
class _Builder:
    """Collects the four tables with the survey cell behind every value."""

    file: str
    col: Collector
    default_kind: str
    orgs: dict[str, dict[str, str]] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    reach: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    collabs: list[dict[str, str]] = field(default_factory=list)
    where: dict[tuple[str, int], dict[str, tuple[str, int, str | None]]] = field(
        default_factory=dict)
    respondents: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    def _id(self, name: str, taken: set[str]) -> str:
        base = sc.normalise_word(name)[:60] or "x"
        new, n = base, 2
        while new in taken:
            new, n = f"{base}_{n}", n + 1
        taken.add(new)
        return new

    def org(self, name: str, at: tuple[str, int, str | None], respondent: bool) -> str:
        key = _key(name)
        if key not in self.orgs:
            self.orgs[key] = {"id": self._id(name, self.ids), "name": name, "kind": "",
                              "category": "", "notes": "", "_at": at}  # type: ignore[dict-item]
        row = self.orgs[key]
        if respondent and key not in self.respondents:
            self.respondents.add(key)
            row["name"], row["_at"] = name, at  # type: ignore[assignment]
        return row["id"]

    def group(self, name: str, at: tuple[str, int, str | None]) -> str:
        key = _key(name)
        if key not in self.groups:
            taken = {g["id"] for g in self.groups.values()}
            self.groups[key] = {"id": self._id(name, taken), "name": name,
                                "_at": at}  # type: ignore[dict-item]
        return self.groups[key]["id"]


def _canonical_cols(builder: _Builder) -> dict[str, RawTable]:
    raws: dict[str, RawTable] = {}
    tables = {
        "organisations": (["id", "name", "kind", "category", "notes"],
                          list(builder.orgs.values())),
        "parent_groups": (["id", "name"], list(builder.groups.values())),
        "reach": (["organisation", "group", "topics"], list(builder.reach.values())),
        "collaborations": (["source", "target", "form", *CONDITIONS, "reported_by"],
                           builder.collabs),
    }
    for table, (header, rows) in tables.items():
        label = f"\0{table}"
        numbers = list(range(2, len(rows) + 2))
        for number, row in zip(numbers, rows, strict=True):
            at = row.get("_at")
            cells = row.get("_cells", {})
            builder.where[(label, number)] = {
                c: cells.get(c, at) for c in header}  # type: ignore[arg-type]
            builder.where[(label, number)][""] = at  # type: ignore[assignment]
        raws[table] = RawTable(table, label, header, [[str(r.get(h, "")) for h in header]
                                                      for r in rows], numbers)
    return raws


def _trace(issue: Issue, builder: _Builder, source: str) -> Issue:
    """An issue of a built table, pointed at the survey file, row and column behind it."""
    if not issue.file.startswith("\0"):
        return issue
    if issue.row is None:
        return dataclasses.replace(issue, file=source)
    cells = builder.where.get((issue.file, issue.row), {})
    at = cells.get(issue.column or "") or cells.get("")
    if at is None:
        return dataclasses.replace(issue, file=source, row=None)
    file, row, column = at
    return dataclasses.replace(issue, file=file, row=row, column=column)


def apply(table: SurveyTable, mapping: SurveyMapping, lang: str = "nl",
          secret: bytes | None = None, name: str | None = None) -> SurveyResult:
    """Turn the answers into a validated district with ``mapping``.

    Parameters
    ----------
    table
        What :func:`read_survey` read.
    mapping
        Which column means what (:func:`guess_mapping`, confirmed or loaded).
    lang
        ``nl`` or ``en`` for the messages.
    secret
        Key of the respondent pseudonyms; a fresh random one when ``None`` (then
        the same respondent gets a different pseudonym in every import).
    name
        Label of the dataset; defaults to the file's stem.

    Returns
    -------
    SurveyResult
        The dataset or the issues (survey file, row, column), the dropped
        columns and the mapping. Nothing raises on bad input.
    """
    col = Collector("en" if lang == "en" else "nl")
    label = name or Path(table.file).stem
    secret = secret if secret is not None else secrets.token_bytes(32)
    dropped = _dropped(table, mapping)
    try:
        builder = _build(table, mapping, col, secret)
        if col.errors:
            return SurveyResult(None, col.errors, col.warnings, {}, dropped, mapping, table.tool)
        raws = _canonical_cols(builder)
        counts = {t: len(raws[t].rows) for t in TABLES}
        counts["neighbourhoods"] = 0
        inner = Collector(col.lang)
        frames = validate_tables(raws, None, inner, source=table.file)
    except Exception as exc:  # never a traceback: say what broke, in the user's language
        col.error("internal", table.file, detail=f"{type(exc).__name__}: {exc}"[:200])
        return SurveyResult(None, col.errors, col.warnings, {}, dropped, mapping, table.tool)
    col.errors += [_trace(i, builder, table.file) for i in inner.errors]
    col.warnings += [_trace(i, builder, table.file) for i in inner.warnings]
    col.dropped += inner.dropped
    col.finish(table.file)
    if col.errors:
        return SurveyResult(None, col.errors, col.warnings, counts, dropped, mapping, table.tool)
    dataset = Dataset(**{t: frames[t] for t in TABLES}, neighbourhoods=None, name=label)
    return SurveyResult(dataset, col.errors, col.warnings, counts, dropped, mapping, table.tool)


def _dropped(table: SurveyTable, mapping: SurveyMapping) -> tuple[tuple[str, str], ...]:
    out = []
    for sheet in table.sheets():
        name = None if sheet is table.main else sheet.name
        for column in sheet.columns:
            role = mapping.role(column.key, name)
            if role is None or role.role in ("ignore", "drop"):
                shown = column.key if name is None else f"{sheet.name}: {column.key}"
                out.append((shown, "personal" if role is not None and role.role == "drop"
                            else "unused"))
    return tuple(out)


def _build(table: SurveyTable, mapping: SurveyMapping, col: Collector, secret: bytes
           ) -> _Builder:
    main = table.main
    builder = _Builder(table.file, col, mapping.default_kind)
    for role in mapping.columns:
        try:
            table.sheet(role.sheet).column(role.column)
        except KeyError:
            if role.role not in ("ignore", "drop"):
                _say(col, "error", "column_not_found", table.file, None, role.column,
                     role.column, value=role.column)
    if col.errors:
        return builder
    names = [r for r in mapping.used("org_name") if r.sheet is None]
    if not names:
        col.errors.append(Issue(table.file, None, None, None, _text("no_org_column", col.lang),
                                code="no_org_column"))
        return builder
    name_col = names[0].column
    respondent = next((r.column for r in mapping.used("respondent") if r.sheet is None), None)
    index_col = next((c.key for c in main.columns if sc.normalise_header(c.key) == "index"), None)

    def cell(sheet: Sheet, i: int, key: str) -> str:
        position = sheet.column(key).position
        row = sheet.rows[i]
        return row[position].strip() if position < len(row) else ""

    def lists(sheet: Sheet, i: int, role: str) -> list[tuple[str, str]]:
        """(answer, column) of every ``role`` answer of row ``i`` (list and option columns)."""
        out: list[tuple[str, str]] = []
        for r in mapping.used(role):
            if r.sheet != (None if sheet is main else sheet.name) or r.shape == "grid":
                continue
            value = cell(sheet, i, r.column)
            if r.shape == "option":
                if r.item and _truthy(value, r.item):
                    out.append((_display(r.item, table.tool), r.column))
            else:
                sep = r.separator if r.separator is not None else _separator(
                    sheet.values(r.column), table.tool)
                out += [(_display(v, table.tool), r.column) for v in split_answers(value, sep)]
        return out

    by_index: dict[str, int] = {}
    rows_org: dict[int, str] = {}
    rows_who: dict[int, str] = {}
    partner_rows: dict[int, dict[str, dict[str, str]]] = {}
    for i, number in enumerate(main.numbers):
        org_name = cell(main, i, name_col)
        by_index[cell(main, i, index_col) if index_col else str(i + 1)] = i
        if not org_name:
            _say(col, "warning", "no_org_name", main.file, number, name_col)
            continue
        at = (main.file, number, name_col)
        org_id = builder.org(org_name, at, respondent=True)
        rows_org[i] = org_id
        who = cell(main, i, respondent) if respondent else ""
        rows_who[i] = pseudonym(who or f"{table.file}#{number}", secret)
        orow = builder.orgs[_key(org_name)]
        for r in mapping.used("org_kind"):
            if r.sheet is None and not orow["kind"]:
                value = cell(main, i, r.column)
                kind = _kind_word(value)
                if kind:
                    orow["kind"] = kind
                elif value:
                    _say(col, "warning", "kind_unknown", main.file, number, r.column, value,
                         value=value, default=mapping.default_kind)
        for r in mapping.used("org_category"):
            if r.sheet is None and not orow["category"]:
                value = cell(main, i, r.column)
                if r.shape == "option":
                    value = (r.item or "") if _truthy(value, r.item) else ""
                orow["category"] = value
                orow.setdefault("_cells", {})["category"] = (  # type: ignore[union-attr]
                    main.file, number, r.column)
        # Parent groups reached, and topics (for all of them, or per group in a grid).
        general_topics = [t for t, _c in lists(main, i, "topics")]
        for group_name, column in lists(main, i, "groups"):
            group_id = builder.group(group_name, (main.file, number, column))
            topics = list(general_topics)
            for r in mapping.used("topics"):
                if r.shape == "grid" and r.sheet is None and r.item and \
                        _key(r.item) == _key(group_name):
                    topics += split_answers(cell(main, i, r.column), r.separator or _separator(
                        main.values(r.column), table.tool))
            reach = builder.reach.setdefault((org_id, group_id), {
                "organisation": org_id, "group": group_id, "topics": "",
                "_at": (main.file, number, column)})  # type: ignore[dict-item]
            known = [t for t in reach["topics"].split(sc.LIST_SEPARATOR) if t]
            reach["topics"] = sc.LIST_SEPARATOR.join(dict.fromkeys(
                known + [t.replace(sc.LIST_SEPARATOR, "/") for t in topics]))
        # Partners: listed, ticked, or rated in a grid.
        partners: dict[str, dict[str, Any]] = {}
        for partner, column in lists(main, i, "partners"):
            partners.setdefault(_key(partner), {"name": partner, "at": (main.file, number,
                                                                        column)})
        for r in mapping.columns:
            if r.sheet is None and r.shape == "grid" and r.item and (
                    r.role in CONDITIONS or r.role == "form") and cell(main, i, r.column):
                partners.setdefault(_key(r.item), {"name": r.item,
                                                   "at": (main.file, number, r.column)})
        partner_rows[i] = partners
        for partner in partners.values():
            _rate(partner, mapping, main, i, None, cell)
    # Repeat groups: one row per partner, joined by _parent_index.
    for sheet in table.repeats:
        parent_col = next((c.key for c in sheet.columns
                           if sc.normalise_header(c.key) == "parentindex"), None)
        name_roles = [r for r in mapping.used("partner_name") if r.sheet == sheet.name]
        if parent_col is None or not name_roles:
            continue
        for j, number in enumerate(sheet.numbers):
            parent = cell(sheet, j, parent_col)
            i = by_index.get(parent)
            partner = _display(cell(sheet, j, name_roles[0].column), table.tool)
            if i is None:
                _say(col, "warning", "repeat_orphan", sheet.file, number, parent_col, parent,
                     value=parent)
                continue
            if i not in rows_org or not partner:
                continue
            entry = partner_rows[i].setdefault(_key(partner), {
                "name": partner, "at": (sheet.file, number, name_roles[0].column)})
            _rate(entry, mapping, sheet, j, sheet.name, cell)
    # Ratings without a partner (one general question): only for a single partner.
    for i, partners in partner_rows.items():
        loose = [r for r in mapping.columns if r.sheet is None and r.shape == "value"
                 and (r.role in CONDITIONS or r.role == "form") and cell(main, i, r.column)]
        if loose and len(partners) == 1:
            for partner in partners.values():
                _rate(partner, mapping, main, i, None, cell, loose=True)
        elif loose:
            _say(col, "warning", "condition_no_partner", main.file, main.numbers[i],
                 loose[0].column, n=len(partners))
        for partner in partners.values():
            target = builder.org(partner["name"], partner["at"], respondent=False)
            row = {"source": rows_org[i], "target": target, "reported_by": rows_who[i],
                   "_at": partner["at"], "_cells": partner.get("cells", {})}
            for key in ("form", *CONDITIONS):
                row[key] = partner.get(key, "")
            builder.collabs.append(row)
    _check_scores(builder, col)
    _kinds(builder, mapping, col)
    return builder


def _rate(partner: dict[str, Any], mapping: SurveyMapping, sheet: Sheet, i: int,
          sheet_name: str | None, cell: Any, loose: bool = False) -> None:
    """Copy the form and condition answers about ``partner`` from row ``i`` of ``sheet``."""
    for r in mapping.columns:
        if r.sheet != sheet_name or not (r.role in CONDITIONS or r.role == "form"):
            continue
        if sheet_name is None and not loose and not (
                r.shape == "grid" and r.item and _key(r.item) == _key(partner["name"])):
            continue
        if loose and r.shape != "value":
            continue
        value = cell(sheet, i, r.column)
        if value:
            partner[r.role] = value
            partner.setdefault("cells", {})[r.role] = (sheet.file, sheet.numbers[i], r.column)


def _check_scores(builder: _Builder, col: Collector) -> None:
    """Likert words to scores; a bad answer is an error at its survey cell."""
    for row in builder.collabs:
        for key in CONDITIONS:
            value = row.get(key, "")
            score, problem = likert_score(value)
            if problem:
                file, number, column = row["_cells"].get(key, row["_at"])
                _say(col, "error", problem, file, number, column, value, value=value[:60])
                row[key] = ""
            else:
                row[key] = "" if score is None else repr(score)


def _kinds(builder: _Builder, mapping: SurveyMapping, col: Collector) -> None:
    """Every organisation a kind: its answer, else guessed from its name, else the default."""
    for key, row in builder.orgs.items():
        guessed_kind, category = _kind_from_name(row["name"])
        if not row["category"] and category:
            row["category"] = category
        if row["kind"]:
            continue
        how = "guessed" if guessed_kind else "default"
        row["kind"] = guessed_kind or mapping.default_kind
        if key not in builder.respondents:
            file, number, column = row["_at"]  # type: ignore[misc]
            _say(col, "warning", "partner_not_respondent", file, number, column, row["name"],
                 value=row["name"], kind=row["kind"], how=_text(f"how_{how}", col.lang))
        row["notes"] = _text("kind_guessed_note", col.lang)


def import_survey(name: str, data: bytes, mapping: SurveyMapping | None = None,
                  lang: str = "nl", secret: bytes | None = None) -> SurveyResult:
    """Read, map (guessed when ``mapping`` is ``None``) and validate one export."""
    table, col = read_survey(name, data, lang)
    if table is None:
        return SurveyResult(None, col.errors, col.warnings)
    mapping = mapping or guess_mapping(table)
    result = apply(table, mapping, lang, secret)
    return dataclasses.replace(result, warnings=[*col.warnings, *result.warnings])


# --------------------------------------------------------------------------- command line


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI: ``python -m mapping import-survey FILE [--mapping M] [--write-mapping J] --out DIR``."""
    parser = sub.add_parser(
        "import-survey", help="import a survey export (Qualtrics, Google/Microsoft Forms, "
                              "LimeSurvey, KoboToolbox, SurveyMonkey)",
        description="Guess (or read) which column means what, write the four tables as CSV. "
                    "Exit status: 0 imported, 1 errors, 2 usage error.")
    parser.add_argument("file", metavar="FILE", help="CSV or XLSX export")
    parser.add_argument("--mapping", help="mapping JSON (from --write-mapping) to use")
    parser.add_argument("--write-mapping", help="write the mapping used to this JSON file")
    parser.add_argument("--secret-file", help="key of the respondent pseudonyms (created when "
                                              "missing; keep it to compare waves)")
    parser.add_argument("--out", help="folder for the CSV files")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl")
    return "import-survey", run_import


def run_import(args: argparse.Namespace) -> int:
    """Import ``args.file``; write the mapping and the four CSV tables."""
    from mapping.io.write import write_csv_folder

    try:
        data = Path(args.file).read_bytes()
        mapping = (SurveyMapping.from_json(Path(args.mapping).read_text("utf-8"))
                   if args.mapping else None)
        secret = None
        if args.secret_file:
            path = Path(args.secret_file)
            if not path.exists():
                path.write_bytes(secrets.token_bytes(32))
                path.chmod(0o600)
            secret = path.read_bytes()
    except OSError as exc:
        print(f"{exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{args.mapping}: " + _text("mapping_invalid", args.lang, detail=exc),
              file=sys.stderr)
        return 1
    result = import_survey(Path(args.file).name, data, mapping, args.lang, secret)
    print(format_result(result, args.lang), file=sys.stdout if result.ok else sys.stderr)
    if result.dropped:
        print(_text("not_stored", args.lang,
                    columns=", ".join(f"{c} ({r})" for c, r in result.dropped)))
    if args.write_mapping and result.mapping is not None:
        Path(args.write_mapping).write_text(result.mapping.to_json(), "utf-8")
    if not result.ok or result.dataset is None:
        return 1
    if args.out:
        write_csv_folder(result.dataset, args.out)
    return 0
