"""Guessing the mapping from the headers (Dutch and English question words) and the answers."""

from __future__ import annotations

import dataclasses
import re

from mapping.domain import schema as sc
from mapping.domain.dataset import CONDITIONS
from mapping.io.surveys.answers import (
    _key,
    _kind_word,
    _looks_option,
    _plain,
    _separator,
    split_answers,
)
from mapping.io.surveys.own_form import recognise
from mapping.io.surveys.roles import ColumnRole, SurveyMapping
from mapping.io.surveys.table import SurveyColumn, SurveyTable

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
    "Tijd van laatste wijziging",
    "_submission_time", "_validation_status", "_index", "_parent_index", "_parent_table_name",
    "_submission__uuid", "_submission__id", "_status", "_submitted_by", "__version__",
    "_version_", "_tags", "_notes", "start", "end", "today", "deviceid", "meta/instanceID",
    "formhub/uuid", "Collector ID", "Start Date", "End Date", "Custom Data 1", "interviewtime",
    "groupTime", "tokens", "token", "networkCanvasCaseID", "networkCanvasSessionID",
    "networkCanvasProtocolName", "sessionStart", "sessionFinish", "sessionExported",
    "APP_VERSION", "COMMIT_HASH", "nodeID", "networkCanvasUUID", "edgeID"))
_RESPONDENT = ("networkcanvasegouuid", "egoid", "responseid", "respondentid", "uuid", "id",
               "responsid", "antwoordid", "submissionuuid")
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
    confirms or corrects it (:meth:`SurveyMapping.with_role`). An export of the
    project's own questionnaire (:func:`~mapping.io.surveys.own_form.recognise`)
    is certain: every column has confidence 1 and :attr:`SurveyMapping.certain`
    is true.
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
    mapping = SurveyMapping(table.tool, tuple(roles))
    if recognise(table, mapping):  # the project's own questionnaire: nothing to ask
        mapping = dataclasses.replace(mapping, columns=tuple(
            dataclasses.replace(r, confidence=1.0) for r in mapping.columns))
    return mapping


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


