"""Recognising an export of the project's own questionnaire: then there is nothing to map.

The questionnaire (:mod:`mapping.io.surveys.questionnaire`) fixes every header
its exports can have: KoboToolbox writes the XML names with their group
(``organisatie/naam``, ``bereik/themas/school`` for a split select-multiple,
``partners/vertrouwen`` on the repeat sheet ``partners``) next to its own
metadata columns; a Google or Microsoft Form made with the recipe has the
Dutch or English labels as titles, a grid as ``"Vertrouwen [Moskee Al Fath]"``,
and the tool's own metadata columns (:data:`_FORMS_META`: a timestamp; Microsoft
Forms' ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``,
``Last modified time`` or their Dutch titles), the personal ones dropped.
When *every* column of an export is one of those and the guess gave each the
role its question has, the mapping is certain
(:func:`recognise`): the Data page then skips the mapping form.
"""

from __future__ import annotations

from mapping.domain import schema as sc
from mapping.io.surveys.roles import SurveyMapping
from mapping.io.surveys.table import Sheet, SurveyTable

ROLE_OF: dict[str, str] = {
    "naam": "org_name", "soort": "org_kind", "categorie": "org_category",
    "oudergroepen": "groups", "themas": "topics", "partners": "partners",
    "partner_naam": "partner_name", "vertrouwen": "trust", "doelen": "shared_goals",
    "rollen": "role_clarity", "gelijkwaardigheid": "equality",
}
"""The role of each question of the questionnaire, by its XML name."""

REPEAT = "partners"
"""The repeat group's name: the sheet KoboToolbox writes it on."""

_KOBO_META = frozenset((
    "start", "end", "today", "deviceid", "audit", "_id", "_uuid", "_submission_time",
    "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_version_",
    "_tags", "_index", "_xform_id_string", "_attachments", "meta/instanceID",
    "meta/instanceName", "meta/rootUuid", "meta/deprecatedID", "formhub/uuid"))
_KOBO_REPEAT_META = frozenset((
    "_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
    "_submission__submission_time", "_submission__validation_status", "_submission__notes",
    "_submission__status", "_submission__submitted_by", "_submission___version__",
    "_submission__tags"))
_META_ROLES = frozenset(("ignore", "respondent"))
_IGNORE = frozenset(("ignore",))
_DROP = frozenset(("drop",))
_FORMS_META: dict[str, dict[str, frozenset[str]]] = {
    # Google Forms: the timestamp first. An address column is there only when the
    # researcher chose to collect addresses, which the recipe advises against: then the
    # form is shown (a test keeps it so).
    "google-forms": {"Tijdstempel": _IGNORE, "Timestamp": _IGNORE},
    # Microsoft Forms' "Open in Excel" (English and Dutch accounts) always writes these
    # six: the response number, three times, and the respondent's address and name
    # ("anonymous" when the form does not sign in). Address and name are personal
    # (domain.md, privacy): recognised only when the guess drops them.
    "microsoft-forms": {"ID": _META_ROLES, "Start time": _IGNORE, "Completion time": _IGNORE,
                        "Last modified time": _IGNORE, "Email": _DROP, "Name": _DROP,
                        "Begintijd": _IGNORE, "Tijd van voltooien": _IGNORE,
                        "Tijd van laatste wijziging": _IGNORE, "E-mail": _DROP, "Naam": _DROP},
}
"""Per forms tool: the metadata columns its exports add, and the roles each may have.

Compared by :func:`mapping.domain.schema.normalise_header` (``Id`` = ``ID``,
``E-mail`` = ``Email``)."""


def _questions() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """Kobo headers of the main and repeat sheet, and form titles of plain and grid questions.

    Each maps a header (or title) to the role of its question.
    """
    from mapping.analysis.topics import TOPICS
    from mapping.io.surveys.questionnaire import QUESTIONS

    main: dict[str, str] = {}
    repeat: dict[str, str] = {}
    plain: dict[str, str] = {}
    grid: dict[str, str] = {}
    group = ""
    for kind, name, nl, en, *_rest in QUESTIONS:
        if kind in ("end_group", "end_repeat"):
            group = ""
            continue
        role = ROLE_OF.get(name)
        if kind.startswith("begin_"):
            group = name
            if kind == "begin_repeat" and role:  # forms have no repeat: one partners question
                plain.update({nl: role, en: role})
            continue
        if role is None:  # a question without a role is not recognised (a test checks)
            continue
        header = f"{group}/{name}" if group else name
        (repeat if group == REPEAT else main)[header] = role
        if kind.startswith("select_multiple"):
            main.update({f"{header}/{option}": role for option in TOPICS})
        if group == REPEAT and name != "partner_naam":
            grid.update({nl: role, en: role})  # "Vertrouwen [partner]"
        elif group != REPEAT:
            plain.update({nl: role, en: role})
    return main, repeat, plain, grid


def _kobo_roles(sheet: Sheet, known: dict[str, str], meta: frozenset[str]
                ) -> dict[str, frozenset[str]] | None:
    """The roles each column of a Kobo sheet may have, or ``None`` when one is unknown."""
    out: dict[str, frozenset[str]] = {}
    for column in sheet.columns:
        if column.key in known:
            role = known[column.key]
            # The single select-multiple column beside its option columns is read once.
            out[column.key] = frozenset((role, "ignore")) if role == "topics" else \
                frozenset((role,))
        elif column.key in meta:
            out[column.key] = _META_ROLES
        else:
            return None
    return out


def _form_roles(sheet: Sheet, tool: str, plain: dict[str, str], grid: dict[str, str]
                ) -> dict[str, frozenset[str]] | None:
    """The roles each column of a Google/Microsoft Forms export may have, or ``None``."""
    meta = {sc.normalise_header(k): v for k, v in _FORMS_META[tool].items()}
    out: dict[str, frozenset[str]] = {}
    for column in sheet.columns:
        head = sc.normalise_header(column.key)
        if head in meta and not column.item:
            out[column.key] = meta[head]
        elif column.item and column.question.strip() in grid:
            out[column.key] = frozenset((grid[column.question.strip()],))
        elif not column.item and column.key.strip() in plain:
            out[column.key] = frozenset((plain[column.key.strip()],))
        else:
            return None
    return out


def recognise(table: SurveyTable, mapping: SurveyMapping) -> bool:
    """Whether ``table`` is an export of the project's questionnaire, read as it should be.

    True when every column of every sheet is a header the questionnaire's
    exports have (KoboToolbox's XML names with their group and its metadata
    columns; or the recipe's Dutch or English titles with a timestamp) *and*
    ``mapping`` gives every column the role its question has. Then nothing is
    left for the researcher to map.
    """
    main, repeat, plain, grid = _questions()
    expected: dict[tuple[str | None, str], frozenset[str]] = {}
    if table.tool == "kobo":
        roles = _kobo_roles(table.main, main, _KOBO_META)
        if roles is None:
            return False
        expected.update({(None, k): v for k, v in roles.items()})
        for sheet in table.repeats:
            roles = _kobo_roles(sheet, repeat, _KOBO_REPEAT_META) \
                if sheet.name == REPEAT else None
            if roles is None:
                return False
            expected.update({(sheet.name, k): v for k, v in roles.items()})
    elif table.tool in ("google-forms", "microsoft-forms") and not table.repeats:
        roles = _form_roles(table.main, table.tool, plain, grid)
        if roles is None:
            return False
        expected.update({(None, k): v for k, v in roles.items()})
    else:
        return False
    questions = {r for v in expected.values() for r in v if r not in _META_ROLES | _DROP}
    if not {"org_name", "groups"} <= questions:
        return False  # a few metadata columns alone are not the questionnaire
    for (sheet, column), allowed in expected.items():
        role = mapping.role(column, sheet)
        if role is None or role.role not in allowed:
            return False
    return True
