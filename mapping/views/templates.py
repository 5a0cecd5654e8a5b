"""Page assembly shared by the network and the map: templates, safe JSON, inlined assets.

No user text is ever a template or code: the templates are files of this
package under ``mapping/views/assets/``, compiled once by an autoescaping,
sandboxed Jinja2 environment (:func:`render_page`); user text reaches a page
only as a variable, autoescaped in HTML or inside :func:`json_payload`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

ASSETS = Path(__file__).parent / "assets"
"""Page templates, scripts and styles (and the vendored Leaflet) shipped with the code."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_CSS_LENGTH = re.compile(r"(?:\d{1,5}(?:\.\d{1,3})?(?:px|vh|vw|%|em|rem)|0|auto)")


def render_page(template: str, **values: Any) -> str:
    """Render one of the page templates under ``mapping/views/assets/`` with ``values`` as data.

    The templates are files of this package, compiled once by an autoescaping,
    sandboxed Jinja2 environment; no string built at run time is ever compiled,
    so user text handed over in ``values`` is only ever data: autoescaped where
    it lands in HTML, or inside a :func:`json_payload`.

    Parameters
    ----------
    template
        Path of the template relative to ``mapping/views/assets/``.
    **values
        The template's variables.

    Returns
    -------
    str
        The rendered page.
    """
    page = _environment().get_template(template).render(**values)
    # A lone surrogate in autoescaped text could not be written as UTF-8 (the JSON
    # payload has none: script_json escapes them); show it as U+FFFD instead.
    return _SURROGATE.sub("\ufffd", page) if _SURROGATE.search(page) else page


def json_payload(value: Any) -> Markup:
    """:func:`script_json` of ``value``, marked safe for a ``<script type="application/json">``.

    Safe to mark: :func:`script_json` leaves no ``<``, ``>`` or ``&`` that could
    end the script element, and a JSON script is never run, only parsed.
    """
    return Markup(script_json(value))


@cache
def static_asset(name: str) -> Markup:
    """A script or stylesheet file shipped with the code, to inline in a page.

    Marked safe because it is a file of this package, never user text; one that
    could end its ``<script>``/``<style>`` element is refused.
    """
    text = (ASSETS / name).read_text(encoding="utf-8")
    return _inline_safe(name, text)


def css_length(value: str, default: str = "100vh") -> str:
    """``value`` if it is a plain CSS length (``820px``, ``100vh``, ``75%``), else ``default``."""
    text = str(value).strip()
    return text if _CSS_LENGTH.fullmatch(text) else default


@cache
def _environment() -> SandboxedEnvironment:
    # Sandboxed and autoescaping even though only our own files are compiled:
    # whatever a variable holds it is escaped text, and a mistake in a template
    # cannot reach Python internals.
    return SandboxedEnvironment(loader=FileSystemLoader(ASSETS), autoescape=True,
                                undefined=StrictUndefined, keep_trailing_newline=True)


def _inline_safe(name: str, text: str) -> Markup:
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise ValueError(f"{name} cannot be inlined: it would end its element")
    return Markup(text)


def script_json(value: Any) -> str:
    """JSON that is safe to place inside an HTML ``<script>`` element.

    ``json.dumps`` leaves ``</script>`` and ``<!--`` intact, which would end the
    script element early; escaping ``<``, ``>`` and ``&`` (and the JavaScript
    line separators) as ``\\uXXXX`` keeps the same value and no markup. A lone
    surrogate (text that is not valid Unicode) is escaped the same way, so the
    page can still be written as UTF-8.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    text = (
        text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


@cache
def vis_asset(name: str) -> Markup:
    """vis-network file from the installed pyvis wheel (read once per process)."""
    text = (resources.files("pyvis") / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")
    return _inline_safe(name, text)

