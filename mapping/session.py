"""Pure helpers for the dashboard's session: command line, URL view state, safe text.

Nothing here imports Streamlit, so the rules that turn a URL into a view (and
back) are tested without a running app. The pages keep every filter and
selection in the URL (``st.query_params``) so that a view can be shared as a
link and survives a reload; these functions decide how a value is written and
how a hand-edited or stale URL is read back without crashing the page.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Params = Mapping[str, Sequence[str]]
"""Query parameters as ``name -> every value given`` (``st.query_params.get_all``)."""

TRUE_WORDS = frozenset({"1", "true", "yes", "ja", "on"})


@dataclass(frozen=True)
class CliOptions:
    """What ``streamlit run app.py -- [--data PATH] [--db URL] [--password-file PATH]`` asked for.

    ``password_file`` holds the facilitator password on its first line (see
    :mod:`mapping.access`); ``$WIJKNETWERK_PASSWORD`` takes precedence.
    """

    data: str | None = None
    db: str | None = None
    password_file: str | None = None


def parse_cli(argv: Sequence[str]) -> CliOptions:
    """Read ``--data``, ``--db`` and ``--password-file`` from the arguments after ``--``.

    Unknown arguments are ignored rather than fatal: Streamlit passes its own
    ``sys.argv`` and a typo must not leave the room with a blank screen.
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data", default=None)
    parser.add_argument("--db", default=None)
    parser.add_argument("--password-file", dest="password_file", default=None)
    known, _unknown = parser.parse_known_args(list(argv))
    return CliOptions(known.data, known.db, known.password_file)


def get_str(params: Params, key: str, default: str | None = None,
            allowed: Iterable[str] | None = None) -> str | None:
    """The last value of ``key``; ``default`` when absent or not in ``allowed``."""
    values = params.get(key) or ()
    if not values:
        return default
    value = str(values[-1])
    if allowed is not None and value not in set(allowed):
        return default
    return value


def get_list(params: Params, key: str, allowed: Iterable[str] | None = None) -> list[str]:
    """Every value of ``key`` (repeated parameters), keeping only ``allowed`` ones."""
    values = [str(v) for v in (params.get(key) or ()) if str(v) != ""]
    if allowed is not None:
        keep = set(allowed)
        values = [v for v in values if v in keep]
    return list(dict.fromkeys(values))  # drop duplicates, keep order


def get_bool(params: Params, key: str, default: bool = False) -> bool:
    """``?key=1`` / ``true`` / ``ja`` is true, any other given value false."""
    value = get_str(params, key)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def get_float(params: Params, key: str, default: float, low: float, high: float) -> float:
    """A number clamped to ``[low, high]``; ``default`` when missing or unreadable."""
    value = get_str(params, key)
    try:
        number = float(value.replace(",", ".")) if value is not None else default
    except ValueError:
        return default
    if math.isnan(number):
        return default
    return min(max(number, low), high)


def get_int(params: Params, key: str, default: int, low: int, high: int) -> int:
    """An integer clamped to ``[low, high]``; ``default`` when missing or unreadable."""
    return round(get_float(params, key, default, low, high))


def encode(value: object, default: object = None) -> str | list[str] | None:
    """The URL form of a widget value; ``None`` when it equals ``default`` (keeps links short)."""
    if value is None or value == default:
        return None
    if isinstance(value, bool):
        return "1" if value else None
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [str(v) for v in value]
        return items or None
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def param_updates(values: Mapping[str, object], defaults: Mapping[str, object]
                  ) -> tuple[dict[str, str | list[str]], list[str]]:
    """Split view values into parameters to set and parameter names to remove."""
    to_set: dict[str, str | list[str]] = {}
    to_drop: list[str] = []
    for key, value in values.items():
        encoded = encode(value, defaults.get(key))
        if encoded is None:
            to_drop.append(key)
        else:
            to_set[key] = encoded
    return to_set, to_drop


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: object) -> str:
    """``text`` with every Markdown (and LaTeX ``$``) character backslash-escaped.

    Streamlit's Markdown never renders raw HTML without ``unsafe_allow_html``,
    but user names could still form links, images or formulas; escaping makes
    them show exactly as typed.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def min_quality_or_none(value: float) -> float | None:
    """The analysis threshold for a slider value: 0 means "every collaboration counts"."""
    return None if value <= 0 else float(value)
