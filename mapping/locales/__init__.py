"""The message catalogs: one TOML file per language (``nl.toml``, ``en.toml``).

Each file holds one table per namespace (``[ui]`` for the pages, ``[coverage]``,
``[validate]``... for the module of that name). A value is a ``str.format``
template, or for a text that depends on a count an inline table of plural forms
(``{one = "{n} fout", other = "{n} fouten"}``) chosen by Babel's plural rules in
:func:`mapping.i18n.translate`.

Modules keep the shape of catalog they always had, built from these files by one
line (``MESSAGES = catalog.namespace("coverage")`` gives ``{"nl": {...}, "en":
{...}}``; ``catalog.pairs("validate")`` gives ``{code: (nl, en)}``), so their call
sites did not change when the texts moved here. ``tools/move_messages.py`` moves
a literal catalog written in a module into these files.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS: tuple[str, ...] = ("nl", "en")

Template = str | dict[str, str]
"""A message: a template, or its plural forms by CLDR category (``one``, ``other``...)."""


@cache
def _load(lang: str) -> dict[str, dict[str, Template]]:
    """The parsed catalog of ``lang``, read once per process."""
    with (HERE / f"{lang}.toml").open("rb") as handle:
        return tomllib.load(handle)


class Catalogs:
    """Read access to the per-language catalogs, by namespace."""

    def load(self, lang: str) -> dict[str, dict[str, Template]]:
        """Every namespace of ``lang`` (cached; do not mutate)."""
        return _load(lang)

    def namespaces(self) -> list[str]:
        """The namespaces found in any language, sorted."""
        return sorted({name for lang in LANGS for name in _load(lang)})

    def namespace(self, name: str) -> dict[str, dict[str, Template]]:
        """Namespace ``name`` as ``{"nl": {key: template}, "en": {...}}``.

        A fresh copy, so a module that adds entries at import time (as the store's
        repository did) cannot change another module's view.

        Raises
        ------
        KeyError
            When no language has the namespace (a typo in the module's line).
        """
        if not any(name in _load(lang) for lang in LANGS):
            raise KeyError(f"no namespace {name!r} in mapping/locales")
        return {lang: dict(_load(lang).get(name, {})) for lang in LANGS}

    def pairs(self, name: str) -> dict[str, tuple[str, str]]:
        """Namespace ``name`` as ``{key: (nl, en)}`` (the shape of the rule catalogs).

        Only plain templates fit this shape; a key missing in one language is
        left out here and reported by the catalog test.
        """
        view = self.namespace(name)
        return {key: (text, view["en"][key]) for key, text in view["nl"].items()
                if key in view["en"] and isinstance(text, str)
                and isinstance(view["en"][key], str)}

    def template(self, key: str, lang: str) -> Template:
        """The template of ``"namespace.key"`` in ``lang``.

        Raises
        ------
        KeyError
            When the namespace or the key is missing in ``lang``.
        """
        name, _, item = key.partition(".")
        return _load(lang)[name][item]


catalog = Catalogs()
"""The one instance modules import: ``from mapping.locales import catalog``."""
