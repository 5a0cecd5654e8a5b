"""URL state: view values bound to widgets, seeded from the link, published back to it.

A shared link shows what its sender saw. Split from :mod:`pages._shared`
(which still exports these names).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from mapping import session
from mapping.i18n import normalise_lang


def params() -> dict[str, list[str]]:
    """The current query parameters with every value of repeated ones."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def wkey(base: str) -> str:
    """The widget key of view value ``base`` for the current language.

    Streamlit stores a select widget's value as its *displayed* text, so a
    widget whose option labels change with the language would lose its value
    on a language switch. One widget per language (``net_cat.nl``,
    ``net_cat.en``) seeded from the language-neutral saved value avoids that.
    """
    return base if base == "lang" else f"{base}.{normalise_lang(st.session_state.get('lang'))}"


def bind(base: str, read: Callable[[dict[str, list[str]]], Any], default: Any) -> str:
    """Seed the widget of view value ``base``; returns the widget key to use.

    First value: the URL (so a shared link shows what its sender saw), else
    this session's last value (Streamlit drops the widgets of pages not shown
    and clears page parameters on navigation), else ``default``.
    """
    key = wkey(base)
    st.session_state.setdefault("_bound", {})[key] = base
    if key not in st.session_state:
        found = read(params())
        saved = st.session_state.setdefault("_saved_view", {})
        st.session_state[key] = found if found is not None else saved.get(base, default)
    return key


def view(base: str, default: Any = None) -> Any:
    """The current value of view value ``base``."""
    return st.session_state.get(wkey(base), default)


def set_view(base: str, value: Any) -> None:
    """Change view value ``base`` (from a callback, before its widget is drawn)."""
    st.session_state[wkey(base)] = value
    st.session_state.setdefault("_saved_view", {})[base] = value


def publish(values: dict[str, Any], defaults: dict[str, Any]) -> None:
    """Write view values to the URL (defaults removed); remember bound widgets' values."""
    saved = st.session_state.setdefault("_saved_view", {})
    for key, base in st.session_state.get("_bound", {}).items():
        if key == wkey(base) and key in st.session_state:  # skip the other language's widget
            saved[base] = st.session_state[key]
    to_set, to_drop = session.param_updates(values, defaults)
    for name in to_drop:
        if name in st.query_params:
            del st.query_params[name]
    for name, value in to_set.items():
        current = st.query_params.get_all(name)
        wanted = value if isinstance(value, list) else [value]
        if current != wanted:
            st.query_params[name] = value


def read_list(name: str, allowed: list[str] | None = None) -> Callable[[dict], list[str] | None]:
    """Reader: the values of repeated parameter ``name`` (``None`` when absent)."""
    def read(p: dict[str, list[str]]) -> list[str] | None:
        return session.get_list(p, name, allowed) if name in p else None
    return read


def read_str(name: str, allowed: list[str] | None = None) -> Callable[[dict], str | None]:
    """Reader: the value of parameter ``name`` if allowed (``None`` when absent)."""
    return lambda p: session.get_str(p, name, None, allowed)


def read_bool(name: str) -> Callable[[dict], bool | None]:
    """Reader: ``?name=1`` style flag (``None`` when absent)."""
    return lambda p: session.get_bool(p, name) if name in p else None


def read_float(name: str, low: float, high: float) -> Callable[[dict], float | None]:
    """Reader: a number clamped to ``[low, high]`` (``None`` when absent)."""
    return lambda p: session.get_float(p, name, low, low, high) if name in p else None
