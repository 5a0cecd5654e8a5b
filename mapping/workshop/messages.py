"""The workshop's messages in Dutch and English (``MESSAGES``) and :func:`text`.

Split from :mod:`mapping.workshop.live` (which still exports these names).
"""

from __future__ import annotations

from typing import Any

from mapping.i18n import Catalog, normalise_lang, translate
from mapping.locales import catalog

MESSAGES: Catalog = catalog.namespace("live")


def text(key: str, lang: str = "nl", **params: Any) -> str:
    """A message of this module in ``lang``."""
    return translate(MESSAGES, key, normalise_lang(lang), **params)
