"""Names and messages of the survey import: tools, column roles and shapes, the catalogue."""

from __future__ import annotations

from typing import Any

from mapping.domain.dataset import CONDITIONS
from mapping.domain.limits import Amount
from mapping.io.validate import Collector, Issue
from mapping.locales import catalog

TOOLS: tuple[str, ...] = ("qualtrics", "google-forms", "microsoft-forms", "limesurvey", "kobo",
                          "surveymonkey", "network-canvas", "generic")
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
