"""The vocabulary, declared once: categories, kinds, topics and forms with the words people use.

Every word a cell may hold for these columns, and the canonical spelling each
maps to (:func:`canonical_category`...). Split from :mod:`mapping.domain.schema`
(which still exports these names).
"""

from __future__ import annotations

import functools
import unicodedata

FORMAL_CATEGORIES: tuple[str, ...] = (
    "wijkteam", "jeugdteam", "cjg", "jgz", "school", "ggd", "veilig_thuis", "huisarts",
)
INFORMAL_CATEGORIES: tuple[str, ...] = (
    "mzo", "moskee", "kerk", "buurtcentrum", "ouderkamer", "vrouwennetwerk",
    "sleutelfiguur", "vrijwilligers",
)
CATEGORIES: tuple[str, ...] = (*FORMAL_CATEGORIES, *INFORMAL_CATEGORIES, "other")
"""The category vocabulary of ``docs/domain.md``."""

CATEGORY_ALIASES: dict[str, str] = {
    "neighbourhood_team": "wijkteam", "district_team": "wijkteam", "sociaal_wijkteam": "wijkteam",
    "youth_team": "jeugdteam", "centrum_voor_jeugd_en_gezin": "cjg",
    "consultatiebureau": "jgz", "jeugdgezondheidszorg": "jgz",
    "basisschool": "school", "middelbare_school": "school", "veiligthuis": "veilig_thuis",
    "gp": "huisarts", "general_practitioner": "huisarts",
    "migrantenzelforganisatie": "mzo", "migrant_organisation": "mzo",
    "migrant_self_organisation": "mzo", "zelforganisatie": "mzo",
    "mosque": "moskee", "church": "kerk", "community_centre": "buurtcentrum",
    "community_center": "buurtcentrum", "buurthuis": "buurtcentrum",
    "wijkcentrum": "buurtcentrum", "parent_room": "ouderkamer",
    "womens_network": "vrouwennetwerk", "vrouwengroep": "vrouwennetwerk",
    "key_figure": "sleutelfiguur", "volunteers": "vrijwilligers",
    "vrijwilligersgroep": "vrijwilligers", "volunteer_group": "vrijwilligers",
    "overig": "other", "anders": "other",
}
"""Other words people use for a category, by normalised form."""

KINDS: dict[str, str] = {
    "formal": "formal", "formeel": "formal", "professional": "formal", "professioneel": "formal",
    "informal": "informal", "informeel": "informal",
}
"""Accepted spellings of ``kind``, by normalised form."""

TOPIC_ALIASES: dict[str, str] = {
    "opvoeden": "raising_children", "opvoeding": "raising_children",
    "opvoeden_in_nederland": "raising_children", "parenting": "raising_children",
    "onderwijs": "school", "schoolsysteem": "school", "education": "school",
    "discriminatie": "discrimination",
    "schadelijke_invloeden": "harmful_influences", "radicalisering": "harmful_influences",
    "homoseksualiteit": "homosexuality", "lhbti": "homosexuality", "lhbtiq": "homosexuality",
    "huiselijk_geweld": "domestic_violence",
    "eergerelateerd_geweld": "honour_violence", "honour_related_violence": "honour_violence",
    "honor_violence": "honour_violence",
}
"""Dutch and other spellings of the topics of :mod:`mapping.analysis.topics`."""

FORMS: dict[str, str] = {
    "expertise": "to_informal", "referral": "to_informal",
    "advice": "to_formal", "mediation": "to_formal",
    "joint_project": "both",
}
"""Forms of collaboration and who gives what (the source text's two-way exchange).

``to_informal``: the professional brings something to the informal partner
(expertise for its meetings; referral, opening doors to specialised help).
``to_formal``: the informal partner brings something to the professional
(advice on approach and cultural accents; mediation when the professional is
stuck). ``both``: a joint project."""

FORM_ALIASES: dict[str, str] = {
    "deskundigheid": "expertise", "kennis": "expertise", "ondersteuning": "expertise",
    "voorlichting": "expertise", "training": "expertise", "scholing": "expertise",
    "doorverwijzing": "referral", "verwijzing": "referral", "doorverwijzen": "referral",
    "deuren_openen": "referral", "toeleiding": "referral", "warme_overdracht": "referral",
    "advies": "advice", "adviseren": "advice", "advisering": "advice", "consult": "advice",
    "bemiddeling": "mediation", "bemiddelen": "mediation", "tolk": "mediation",
    "brugfunctie": "mediation", "intermediair": "mediation",
    "gezamenlijk_project": "joint_project", "samenwerkingsproject": "joint_project",
    "project": "joint_project", "joint": "joint_project", "samen_organiseren": "joint_project",
}
"""Dutch and other spellings of the forms, by normalised form."""


def normalise_header(text: object) -> str:
    """The comparable form of a header, file or sheet name.

    Lower case, accents removed, and spaces, hyphens, underscores, dots and
    apostrophes dropped, so ``"Thema's"`` and ``"themas"`` compare equal, as do
    ``"Gezamenlijke doelen"`` and ``"gezamenlijke_doelen"``.
    """
    decomposed = unicodedata.normalize("NFKD", str(text).strip().lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in plain if ch.isalnum())


def normalise_word(text: object) -> str:
    """A vocabulary word (category, topic, kind) in canonical spelling.

    Lower case, accents removed, words joined by underscores:
    ``"Veilig Thuis"`` becomes ``veilig_thuis``.
    """
    # Called per cell (a national file: 190,000 times over a few dozen words); short
    # words are remembered, long cells are not (a hostile file cannot fill the memo).
    if type(text) is str and len(text) <= 64:
        return _normalise_short(text)
    return _normalise(text)


@functools.lru_cache(maxsize=4096)
def _normalise_short(text: str) -> str:
    return _normalise(text)


def _normalise(text: object) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text).strip().lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("'", "").replace("’", "")
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return "_".join(words)

_CATEGORY_BY_WORD = {
    **{normalise_word(c): c for c in CATEGORIES},
    **{normalise_word(k): v for k, v in CATEGORY_ALIASES.items()},
}
_TOPIC_BY_WORD = {normalise_word(k): v for k, v in TOPIC_ALIASES.items()}
_FORM_BY_WORD = {**{normalise_word(k): k for k in FORMS},
                 **{normalise_word(k): v for k, v in FORM_ALIASES.items()}}


def canonical_category(value: str) -> tuple[str, bool]:
    """Canonical category of a cell and whether it is a known one.

    Unknown categories are returned in canonical spelling (kept, not replaced).
    """
    word = normalise_word(value)
    known = _CATEGORY_BY_WORD.get(word)
    return (known, True) if known else (word, False)


def canonical_kind(value: str) -> str | None:
    """``formal``/``informal`` for an accepted spelling, else ``None``."""
    return KINDS.get(normalise_word(value))


def canonical_topic(value: str) -> str:
    """Canonical topic key for a Dutch or English spelling; other topics kept as words."""
    word = normalise_word(value)
    return _TOPIC_BY_WORD.get(word, word)


def canonical_form(value: str) -> tuple[str, bool]:
    """Canonical form of collaboration for a cell, and whether it is in :data:`FORMS`.

    Unknown forms are returned in canonical spelling (kept, with no direction).
    """
    word = normalise_word(value)
    known = _FORM_BY_WORD.get(word)
    return (known, True) if known else (word, False)
