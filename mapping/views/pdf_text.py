"""The district report's own texts, in Dutch and English.

Labels the dashboard already has (column heads, the four conditions, the
taboo-topic sentences...) are not copied here: :func:`text` takes them from
:data:`mapping.ui_text.TEXT` (:data:`SHARED` lists them), so the report and
the pages always say the same.
"""

from __future__ import annotations

from typing import Any

from mapping import ui_text
from mapping.i18n import Catalog, translate
from mapping.locales import catalog

MESSAGES: Catalog = catalog.namespace("report_pdf")

"""The report's texts; :data:`SHARED` keys come from :data:`mapping.ui_text.TEXT`."""

SHARED: tuple[str, ...] = (
    "organisations",
    "orgs_split",
    "groups",
    "families",
    "col_groups",
    "col_families",
    "col_coverage",
    "col_distance",
    "col_routes",
    "suggestions",
    "taboo_mark",
    "taboo",
    "taboo_all",
    "taboo_partner",
    "taboo_candidate",
    "taboo_alone",
    "no_taboo_links",
    "col_condition",
    "trust",
    "shared_goals",
    "role_clarity",
    "equality",
    "taboo_silent",
)
"""Keys the report takes from the dashboard's catalog instead of keeping a copy."""


def text(key: str, lang: str = "nl", **values: Any) -> str:
    """The report's text ``key`` in ``lang``: its own catalog first, then the dashboard's."""
    catalog = MESSAGES if key in MESSAGES["nl"] else ui_text.TEXT
    return translate(catalog, key, lang, **values)
