"""Labels of the dashboard (``app.py`` and ``pages/``), in Dutch and English.

One catalog for every widget label, heading and message the pages show, so a
missing translation is caught by one test (``tests/app/test_session_and_text.py``)
instead of showing up as a half-English page in a Dutch meeting room. Domain
words (coverage classes, categories, topics) come from the modules that own
them (:mod:`mapping.views.palette`, :mod:`mapping.analysis.topics`); this file only holds the
words of the interface.
"""

from __future__ import annotations

from mapping.i18n import Catalog, format_number, normalise_lang, translate
from mapping.locales import catalog

TEXT: Catalog = catalog.namespace("ui")


def t(key: str, lang: str = "nl", **values: object) -> str:
    """The label ``key`` in ``lang``, with ``values`` filled in (numbers formatted)."""
    return translate(TEXT, key, lang, **values)


def number(value: float | int, lang: str = "nl", decimals: int | None = None) -> str:
    """A number formatted for ``lang`` (re-exported so pages need one import)."""
    return format_number(value, normalise_lang(lang), decimals)
