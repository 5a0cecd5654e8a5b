"""The workshop's messages in Dutch and English (``MESSAGES``) and :func:`text`.

Split from :mod:`mapping.workshop.live` (which still exports these names).
"""

from __future__ import annotations

from typing import Any

from mapping.i18n import Catalog, normalise_lang, translate

MESSAGES: Catalog = {
    "nl": {
        "organisations": "organisatie",
        "parent_groups": "oudergroep",
        "reach": "bereik",
        "collaborations": "samenwerking",
        "added": "Toegevoegd: {what} {name}",
        "removed": "Verwijderd: {what} {name}",
        "changed": "Gewijzigd: {what} {name} ({fields})",
        "no_change": "Geen verschil.",
        "columns_changed": "Kolommen gewijzigd.",
        "neighbourhoods_changed": "Wijkgrenzen gewijzigd.",
        "demo_missing": "De demowijk is niet beschikbaar.",
        "col_number": "Versie",
        "col_time": "Tijd",
        "col_author": "Door",
        "col_change": "Wijziging",
        "col_label": "Label",
        "action_create": "aangemaakt",
        "action_save": "opgeslagen",
        "action_restore": "teruggezet naar versie {v}",
        "action_undo": "ongedaan gemaakt (terug naar versie {v})",
        "action_join_submit": "deelnemer: {subject}",
        "action_snapshot": "momentopname",
        "version_option": "Versie {v} · {time}",
    },
    "en": {
        "organisations": "organisation",
        "parent_groups": "parent group",
        "reach": "reach",
        "collaborations": "collaboration",
        "added": "Added: {what} {name}",
        "removed": "Removed: {what} {name}",
        "changed": "Changed: {what} {name} ({fields})",
        "no_change": "No difference.",
        "columns_changed": "Columns changed.",
        "neighbourhoods_changed": "Neighbourhood boundaries changed.",
        "demo_missing": "The demo district is not available.",
        "col_number": "Version",
        "col_time": "Time",
        "col_author": "By",
        "col_change": "Change",
        "col_label": "Label",
        "action_create": "created",
        "action_save": "saved",
        "action_restore": "restored version {v}",
        "action_undo": "undone (back to version {v})",
        "action_join_submit": "participant: {subject}",
        "action_snapshot": "snapshot",
        "version_option": "Version {v} · {time}",
    },
}


def text(key: str, lang: str = "nl", **params: Any) -> str:
    """A message of this module in ``lang``."""
    return translate(MESSAGES, key, normalise_lang(lang), **params)
