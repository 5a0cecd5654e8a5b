"""Each tool's export format: which tool wrote it, and each column's question and item."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mapping.domain import schema as sc
from mapping.io.surveys.answers import _FALSE, _TRUE, _plain
from mapping.io.surveys.table import Sheet, SurveyColumn

_QUALTRICS_IMPORT = re.compile(r'^\{\s*"ImportId"\s*:')
_BRACKET = re.compile(
    r"^(?P<code>[A-Za-z][\w]*\[[^\]]*\][.:]?\s+)?(?P<q>.*?)\s*\[(?P<i>[^\[\]]*)\]$", re.S)
_LIME_CODE = re.compile(r"^[A-Za-z][\w]*\[(?P<i>[^\]]*)\]$")
_SELECTED_CHOICE = frozenset({"selected choice", "geselecteerde keuze", "gekozen optie"})
_MONKEY_GENERIC = frozenset({"response", "openendedresponse", "antwoord", "openantwoord"})

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


