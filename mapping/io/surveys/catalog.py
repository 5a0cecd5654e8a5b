"""Names and messages of the survey import: tools, column roles and shapes, the catalogue."""

from __future__ import annotations

from typing import Any

from mapping.domain.dataset import CONDITIONS
from mapping.domain.limits import Amount
from mapping.io.validate import Collector, Issue

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

MESSAGES: dict[str, tuple[str, str]] = {
    "survey_empty": ("Geen antwoorden gevonden: het bestand heeft geen rijen onder de kop.",
                     "No answers found: the file has no rows below the header."),
    "no_org_column": ("Geen kolom gekozen voor de naam van de organisatie van de respondent.",
                      "No column chosen for the name of the respondent's organisation."),
    "column_not_found": ("De kolom '{value}' uit het koppelbestand staat niet in deze export.",
                         "The column '{value}' of the mapping file is not in this export."),
    "mapping_invalid": ("Het koppelbestand is ongeldig ({detail}).",
                        "The mapping file is not valid ({detail})."),
    "no_org_name": ("Geen naam van de organisatie ingevuld; deze respondent is overgeslagen.",
                    "No organisation name given; this respondent was skipped."),
    "score_invalid": ("'{value}' is geen score van 1 tot 5 en geen antwoord als 'helemaal mee "
                      "eens' ... 'helemaal mee oneens'.",
                      "'{value}' is not a score from 1 to 5 nor an answer such as 'strongly "
                      "agree' ... 'strongly disagree'."),
    "score_range": ("Score {value} ligt niet tussen 1 en 5.", "Score {value} is not between 1 "
                    "and 5."),
    "kind_unknown": ("'{value}' is niet formeel of informeel; de soort is uit de naam geraden "
                     "of op '{default}' gezet.",
                     "'{value}' is neither formal nor informal; the kind was guessed from the "
                     "name or set to '{default}'."),
    "partner_not_respondent": ("Partner '{value}' heeft de vragenlijst niet ingevuld; soort "
                               "'{kind}' {how}.",
                               "Partner '{value}' did not answer the survey; kind '{kind}' "
                               "{how}."),
    "repeat_orphan": ("Rij hoort bij _parent_index '{value}', die niet in het hoofdblad staat; "
                      "overgeslagen.",
                      "Row belongs to _parent_index '{value}', which is not on the main sheet; "
                      "skipped."),
    "condition_no_partner": ("Een beoordeling zonder partner telt alleen als de respondent "
                             "precies één partner noemt; hier {n}, dus niet gebruikt.",
                             "A rating without a partner counts only when the respondent names "
                             "exactly one partner; here {n}, so not used."),
    "too_big": ("Te groot: {found} MB; hoogstens {limit} MB.",
                "Too large: {found} MB; at most {limit} MB."),
}

_HOW = {"guessed": ("geraden uit de naam", "guessed from the name"),
        "default": ("aangenomen (pas aan in de organisaties)", "assumed (correct it in the "
                    "organisations)")}


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
