"""Languages: Dutch (default) and English, and number formatting per language.

Each module that talks to people keeps its own message catalog (a dict
``{"nl": {key: template}, "en": {key: template}}``) next to the code that
uses it, and formats through :func:`translate`, so a missing translation is a
test failure in that module rather than a silent English fallback.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")
DEFAULT_LANG: Lang = "nl"

Catalog = dict[str, dict[str, str]]


def normalise_lang(value: str | None) -> Lang:
    """Map a user-supplied language code to ``"nl"`` or ``"en"`` (default Dutch)."""
    if value and value.strip().lower()[:2] == "en":
        return "en"
    return DEFAULT_LANG


def translate(catalog: Catalog, key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Format message ``key`` from ``catalog`` in ``lang`` with ``values``.

    Numbers passed as values are formatted for the language (see
    :func:`format_number`).
    """
    template = catalog[normalise_lang(lang)][key]
    shown = {
        k: format_number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
        for k, v in values.items()
    }
    return template.format(**shown)


def format_number(value: float | int, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """Format a number the way readers of ``lang`` expect.

    Dutch uses a decimal comma and a dot between thousands (``1.234,5``);
    English the reverse (``1,234.5``). Integers get no decimals unless asked.
    """
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    if normalise_lang(lang) == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_percent(share: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """Format a share between 0 and 1 as a percentage (``"42%"``, ``"42,5%"``)."""
    return format_number(share * 100, lang, decimals) + "%"
