"""Names and messages of the survey import: tools, column roles and shapes, the catalogue."""

from __future__ import annotations

from typing import Any

from mapping.domain.dataset import CONDITIONS
from mapping.domain.limits import Amount
from mapping.io.validate import Collector, Issue

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
    "name_fuzzy": ("'{value}' is gelezen als '{known}' (gelijkenis {score}%); controleer het.",
                   "'{value}' was read as '{known}' ({score}% alike); please check."),
    "name_uncertain": ("'{value}' lijkt op '{known}' ({score}%) maar is apart gehouden; is het "
                       "dezelfde, koppel de namen dan in de controle.",
                       "'{value}' looks like '{known}' ({score}%) but was kept apart; if it is "
                       "the same, link the names in the review."),
    "name_new": ("'{value}' staat niet in de lijst met {list} van de wijk; toegevoegd.",
                 "'{value}' is not in the district's list of {list}; added."),
    "name_alias": ("'{value}' is gekoppeld aan '{known}' (zo vastgelegd in de koppeling).",
                   "'{value}' is linked to '{known}' (as set in the mapping)."),
    "lists_invalid": ("De lijsten van de wijk zijn niet te lezen; de import gebruikt ze niet.",
                      "The district's lists cannot be read; the import does not use them."),
    "several_files": ("Eén export tegelijk (of de bestanden van Network Canvas); hier {n} "
                      "bestanden.",
                      "One export at a time (or the files of Network Canvas); here {n} files."),
    "nc_no_ego": ("Geen _ego.csv van Network Canvas bij deze bestanden.",
                  "No Network Canvas _ego.csv among these files."),
    "nc_unknown_ego": ("Interview '{value}' staat in geen enkel _ego.csv; rij overgeslagen.",
                       "Interview '{value}' is in no _ego.csv; row skipped."),
    "nc_unknown_node": ("Knoop '{value}' staat in geen enkele attributeList van dit interview; "
                        "verbinding overgeslagen.",
                        "Node '{value}' is in no attributeList of this interview; link "
                        "skipped."),
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
