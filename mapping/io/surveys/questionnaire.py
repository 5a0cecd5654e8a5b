"""The project's own questionnaire, as an XLSForm (KoboToolbox, ODK) and a forms recipe.

One definition (:data:`QUESTIONS`, :func:`choices`) feeds the XLSForm
(:func:`write_xlsform`) and the Google/Microsoft Forms recipe in
``data/questionnaire/README.md``. The choice lists come from the schema's
vocabulary (:mod:`mapping.domain.vocabulary`, :data:`mapping.analysis.topics.TOPICS`),
so a category or topic added there reaches the form on the next
``python -m mapping questionnaire --out data/questionnaire``.

The question *names* are chosen for the survey importer: a KoboToolbox export
writes them as ``organisatie/naam``, ``bereik/oudergroepen``,
``partners/vertrouwen`` (XML headers and values), and
:func:`mapping.io.surveys.guess_mapping` reads every one of them with no
correction. Choice names are the canonical vocabulary words and every Dutch
and English choice label is itself a spelling the loader maps back to its
name, so an export with labels instead of names imports the same.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mapping.analysis.topics import TOPICS
from mapping.domain.vocabulary import CATEGORIES

LANGUAGES: tuple[str, str] = ("Nederlands (nl)", "English (en)")
"""The XLSForm language suffixes (``label::Nederlands (nl)``); Dutch is the default."""

FORM_ID = "wijknetwerk"
FILE_NAME = "wijknetwerk-xlsform.xlsx"

# (type, name, Dutch label, English label, required, Dutch hint, English hint)
QUESTIONS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("begin_group", "organisatie", "Uw organisatie", "Your organisation", "", "", ""),
    ("text", "naam", "Naam van uw organisatie", "Name of your organisation", "yes", "", ""),
    ("select_one soort", "soort", "Formeel of informeel?", "Formal or informal?", "yes",
     "Formeel: een instelling met beroepskrachten. Informeel: een vrijwilligersorganisatie, "
     "moskee, kerk of sleutelfiguur.",
     "Formal: an institution with professional staff. Informal: a volunteer organisation, "
     "mosque, church or key figure."),
    ("select_one categorie", "categorie", "Categorie", "Category", "", "", ""),
    ("end_group", "", "", "", "", "", ""),
    ("begin_group", "bereik", "Bereik", "Reach", "", "", ""),
    ("text", "oudergroepen", "Welke oudergroepen bereikt u? (meerdere antwoorden)",
     "Which parent groups do you reach? (several answers)", "",
     "Scheid de groepen met ; (bijvoorbeeld: Somalische moeders; Turkse vaders)",
     "Separate the groups with ; (for example: Somali mothers; Turkish fathers)"),
    ("select_multiple themas", "themas", "Over welke thema's spreekt u met hen?",
     "Which topics do you discuss with them?", "", "", ""),
    ("end_group", "", "", "", "", "", ""),
    ("begin_repeat", "partners", "Met welke organisaties werkt u samen?",
     "Which organisations do you work with?", "",
     "Eén herhaling per partnerorganisatie.", "One repeat per partner organisation."),
    ("text", "partner_naam", "Naam van de partnerorganisatie", "Name of the partner organisation",
     "yes", "", ""),
    ("select_one likert", "vertrouwen", "Vertrouwen", "Trust", "",
     "Ik vertrouw deze partner.", "I trust this partner."),
    ("select_one likert", "doelen", "Gezamenlijke doelen", "Shared goals", "",
     "We werken aan dezelfde doelen.", "We work towards the same goals."),
    ("select_one likert", "rollen", "Duidelijkheid over rollen", "Clarity of roles", "",
     "Het is duidelijk wie wat doet.", "It is clear who does what."),
    ("select_one likert", "gelijkwaardigheid", "Gelijkwaardigheid", "Equality", "",
     "We werken als gelijken samen.", "We work together as equals."),
    ("end_repeat", "", "", "", "", "", ""),
)
"""The survey sheet, in order. Names are the XML names Kobo writes as headers."""

_CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "wijkteam": ("Wijkteam", "Neighbourhood team"), "jeugdteam": ("Jeugdteam", "Youth team"),
    "cjg": ("CJG", "CJG"), "jgz": ("Consultatiebureau", "JGZ"), "school": ("School", "School"),
    "ggd": ("GGD", "GGD"), "veilig_thuis": ("Veilig Thuis", "Veilig Thuis"),
    "huisarts": ("Huisarts", "General practitioner"),
    "mzo": ("Migrantenzelforganisatie", "Migrant organisation"),
    "moskee": ("Moskee", "Mosque"), "kerk": ("Kerk", "Church"),
    "buurtcentrum": ("Buurtcentrum", "Community centre"),
    "ouderkamer": ("Ouderkamer", "Parent room"),
    "vrouwennetwerk": ("Vrouwennetwerk", "Women's network"),
    "sleutelfiguur": ("Sleutelfiguur", "Key figure"),
    "vrijwilligers": ("Vrijwilligers", "Volunteers"), "other": ("Overig", "Other"),
}
_TOPIC_LABELS: dict[str, tuple[str, str]] = {
    "raising_children": ("Opvoeding", "Raising children"),
    "school": ("Onderwijs", "School"),
    "discrimination": ("Discriminatie", "Discrimination"),
    "harmful_influences": ("Schadelijke invloeden", "Harmful influences"),
    "homosexuality": ("Homoseksualiteit", "Homosexuality"),
    "domestic_violence": ("Huiselijk geweld", "Domestic violence"),
    "honour_violence": ("Eergerelateerd geweld", "Honour-related violence"),
}
LIKERT: tuple[tuple[str, str, str], ...] = (
    ("1", "1 - Helemaal mee oneens", "1 - Strongly disagree"),
    ("2", "2 - Mee oneens", "2 - Disagree"),
    ("3", "3 - Neutraal", "3 - Neither agree nor disagree"),
    ("4", "4 - Mee eens", "4 - Agree"),
    ("5", "5 - Helemaal mee eens", "5 - Strongly agree"),
)
"""The 1-5 scale of the four conditions: names are the scores, labels read as the same score."""


def _label(word: str) -> tuple[str, str]:
    """A readable label for a vocabulary word without a declared one (kept in sync, not lost)."""
    text = word.replace("_", " ").capitalize()
    return text, text


def choices() -> list[tuple[str, str, str, str]]:
    """The choices sheet: ``(list_name, name, Dutch label, English label)`` rows.

    Categories and topics follow the vocabulary; a word without a declared
    label gets its own spelling, so the form never lacks a choice.
    """
    rows = [("soort", "formeel", "Formeel", "Formal"),
            ("soort", "informeel", "Informeel", "Informal")]
    rows += [("categorie", c, *_CATEGORY_LABELS.get(c, _label(c))) for c in CATEGORIES]
    rows += [("themas", t, *_TOPIC_LABELS.get(t, _label(t))) for t in TOPICS]
    rows += [("likert", *row) for row in LIKERT]
    return rows


def sheets() -> dict[str, list[list[str]]]:
    """The three XLSForm sheets (``survey``, ``choices``, ``settings``) as rows, header first."""
    nl, en = LANGUAGES
    survey = [["type", "name", f"label::{nl}", f"label::{en}", "required", f"hint::{nl}",
               f"hint::{en}"]]
    survey += [list(q) for q in QUESTIONS]
    choice_rows = [["list_name", "name", f"label::{nl}", f"label::{en}"]]
    choice_rows += [list(c) for c in choices()]
    settings = [["form_title", "form_id", "default_language", "version"],
                ["Wijknetwerk: samenwerking rond oudergroepen", FORM_ID, nl, "1"]]
    return {"survey": survey, "choices": choice_rows, "settings": settings}


def write_xlsform(path: str | Path) -> Path:
    """Write the questionnaire as an XLSForm workbook to ``path`` and return it.

    Parameters
    ----------
    path
        The ``.xlsx`` file to write, or a folder (then :data:`FILE_NAME` in it).
    """
    from openpyxl import Workbook

    target = Path(path)
    if target.is_dir() or not target.suffix:
        target.mkdir(parents=True, exist_ok=True)
        target = target / FILE_NAME
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets().items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    # A fixed creation time keeps the committed file the same on every run.
    import datetime as _dt

    stamp = _dt.datetime(2026, 1, 1)
    book.properties.created = stamp
    book.properties.modified = stamp
    book.save(target)
    return target


def register(sub: argparse._SubParsersAction) -> tuple[str, Any]:
    """CLI: ``python -m mapping questionnaire --out DIR`` writes the XLSForm."""
    parser = sub.add_parser("questionnaire", help="write the project's questionnaire as an "
                                                  "XLSForm (KoboToolbox, ODK)",
                            description="Write wijknetwerk-xlsform.xlsx, generated from the "
                                        "vocabulary. Exit status: 0 written, 1 not written.")
    parser.add_argument("--out", default=".", help="folder (or .xlsx file) to write")
    return "questionnaire", run


def run(args: argparse.Namespace) -> int:
    """Write the XLSForm to ``args.out`` and print its path."""
    import sys

    try:
        print(write_xlsform(args.out))
    except OSError as exc:
        print(f"{exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0
