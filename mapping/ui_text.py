"""Labels of the dashboard (``app.py`` and ``pages/``), in Dutch and English.

The labels are the ``[ui]`` table of the catalogs in ``mapping/locales/`` (every
widget label, heading and message the pages show), so a missing translation is
caught by one test (``tests/i18n``) instead of showing up as a half-English page
in a Dutch meeting room. Domain
words (coverage classes, categories, topics) come from the modules that own
them (:mod:`mapping.views.palette`, :mod:`mapping.analysis.topics`); this file only holds the
words of the interface.
"""

from __future__ import annotations

import datetime as dt

from mapping.i18n import (
    Catalog,
    format_date,
    format_datetime,
    format_number,
    normalise_lang,
    translate,
)
from mapping.locales import catalog

TEXT: Catalog = catalog.namespace("ui")


def t(key: str, lang: str = "nl", **values: object) -> str:
    """The label ``key`` in ``lang``, with ``values`` filled in (numbers formatted)."""
    return translate(TEXT, key, lang, **values)


def number(value: float | int, lang: str = "nl", decimals: int | None = None) -> str:
    """A number formatted for ``lang`` (re-exported so pages need one import)."""
    return format_number(value, normalise_lang(lang), decimals)


def date(value: dt.date | dt.datetime, lang: str = "nl", form: str = "long") -> str:
    """A date for ``lang`` in Europe/Amsterdam time (``"12 maart 2026"``; see Babel widths)."""
    return format_date(value, normalise_lang(lang), form)


def moment(value: dt.datetime, lang: str = "nl", form: str | None = None) -> str:
    """A date and time for ``lang`` in Europe/Amsterdam time (``12-03-2026 14:05``; naive: UTC)."""
    return format_datetime(value, normalise_lang(lang), form)
