"""Languages: Dutch (default) and English; numbers, dates and plurals through Babel.

The texts live in one catalog per language (``mapping/locales/nl.toml`` and
``en.toml``, one table per namespace). :func:`t` looks a text up by
``"namespace.key"``; modules that keep a catalog view (``MESSAGES =
catalog.namespace(...)``, a dict ``{"nl": {key: template}, "en": {...}}``) format
through :func:`translate`. A missing translation is a test failure
(``tests/i18n``), never a silent fallback to the other language.

Numbers, percentages and dates are formatted by Babel with the Dutch (``nl_NL``)
or British English (``en_GB``) rules; dates and times are shown in the local time
of the district (Europe/Amsterdam), whatever the server's clock zone is.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from mapping.locales import catalog

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")
DEFAULT_LANG: Lang = "nl"
LOCALES: dict[Lang, str] = {"nl": "nl_NL", "en": "en_GB"}
"""The Babel locale of each language (British English: day before month, 24-hour clock)."""
try:
    TIMEZONE: dt.tzinfo = ZoneInfo("Europe/Amsterdam")
    """Dates and times are shown in the district's local time."""
except ZoneInfoNotFoundError:  # a machine without a time-zone database still starts, in UTC
    TIMEZONE = dt.UTC
PLURAL_KEYS: tuple[str, ...] = ("count", "n")
"""The value that chooses a plural form, looked up in this order."""

Catalog = dict[str, dict[str, "str | dict[str, str]"]]


def normalise_lang(value: str | None) -> Lang:
    """Map a user-supplied language code to ``"nl"`` or ``"en"`` (default Dutch)."""
    if value and value.strip().lower()[:2] == "en":
        return "en"
    return DEFAULT_LANG


@cache
def _locale(lang: Lang) -> Locale:
    return Locale.parse(LOCALES[lang])


def plural_form(template: str | Mapping[str, str], lang: str, values: Mapping[str, object]) -> str:
    """The form of ``template`` for the count in ``values`` (``count`` or ``n``).

    A plain template is returned as it is. A plural entry (``{"one": ..., "other":
    ...}``) is chosen by the CLDR rule of ``lang`` (Dutch and English: ``one`` for
    exactly 1, ``other`` otherwise); a form the language lacks falls back to
    ``other``.

    Raises
    ------
    KeyError
        When a plural entry is formatted without a ``count`` or ``n`` value.
    """
    if isinstance(template, str):
        return template
    for name in PLURAL_KEYS:
        if name in values:
            count = values[name]
            break
    else:
        raise KeyError(f"a plural text needs one of {PLURAL_KEYS}")
    number = count if isinstance(count, (int, float)) else float(str(count).replace(",", "."))
    form = _locale(normalise_lang(lang)).plural_form(abs(number))
    return template.get(form, template["other"])


def _fill(template: str | Mapping[str, str], lang: str, values: Mapping[str, object]) -> str:
    shown = {
        k: format_number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
        for k, v in values.items()
    }
    return plural_form(template, lang, values).format(**shown)


def translate(catalog_view: Catalog, key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Format message ``key`` from ``catalog_view`` in ``lang`` with ``values``.

    Numbers passed as values are formatted for the language (see
    :func:`format_number`); a plural entry is chosen by ``count`` or ``n``.
    """
    return _fill(catalog_view[normalise_lang(lang)][key], lang, values)


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text ``"namespace.key"`` of the catalog in ``lang``, with ``values`` filled in.

    Examples
    --------
    >>> t("common.errors", "nl", n=2)
    '2 fouten'
    """
    return _fill(catalog.template(key, normalise_lang(lang)), lang, values)


def format_number(value: float | int, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """Format a number the way readers of ``lang`` expect (Babel, ``nl_NL``/``en_GB``).

    Dutch uses a decimal comma and a dot between thousands (``1.234,5``);
    English the reverse (``1,234.5``). Integers get no decimals unless asked,
    other numbers one. A number that is not finite (NaN: no ratings) shows as a dash.
    """
    if not math.isfinite(value):
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    # Decimal(float) is the exact binary value, so 2.45 (stored as 2.4500000000000002)
    # rounds to 2.5 as Python's own formatting did; Babel would read str(2.45) and give 2.4.
    exact = Decimal(value) if isinstance(value, float) else value
    return babel_numbers.format_decimal(exact, format=pattern,
                                        locale=LOCALES[normalise_lang(lang)])


def format_percent(share: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """Format a share between 0 and 1 as a percentage (``"42%"``, ``"42,5%"``; NaN: a dash)."""
    if not math.isfinite(share):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    # The percentage is rounded from share * 100 as a float, as before Babel (see above).
    exact = Decimal(share * 100).scaleb(-2)
    return babel_numbers.format_percent(exact, format=pattern,
                                        locale=LOCALES[normalise_lang(lang)])


def local_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Europe/Amsterdam time (a naive moment is taken to be UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(TIMEZONE)


def format_date(value: dt.date | dt.datetime, lang: str = DEFAULT_LANG,
                form: str = "long") -> str:
    """A date for readers of ``lang`` (``"12 maart 2026"``, ``"12 March 2026"``).

    ``form`` is a Babel width (``short``, ``medium``, ``long``, ``full``) or a CLDR
    pattern (``"d MMMM"`` gives ``"12 maart"``). A date-time is first turned into
    Europe/Amsterdam time, so a moment late on a UTC evening shows the next day.
    """
    if isinstance(value, dt.datetime):
        value = local_time(value)
    return babel_dates.format_date(value, format=form, locale=LOCALES[normalise_lang(lang)])


def format_datetime(moment: dt.datetime, lang: str = DEFAULT_LANG,
                    form: str | None = None) -> str:
    """A moment in Europe/Amsterdam time for readers of ``lang``.

    ``form`` is a Babel width or a CLDR pattern (``"d-MM-y HH:mm"``); by default
    the catalog's ``common.date_time`` (``12-03-2026 14:05``, ``2026-03-12 14:05``).
    A naive moment is taken to be UTC (the store writes UTC).
    """
    if form is None:
        form = t("common.date_time", lang)
    return babel_dates.format_datetime(local_time(moment), format=form, tzinfo=TIMEZONE,
                                       locale=LOCALES[normalise_lang(lang)])
