"""The one-run message a button callback leaves for the page it reruns ("flash").

A callback runs before the page is drawn, so it cannot draw; it stores
``(kind, message)`` under a session-state key, and the page shows it once at
the top of the next run. Shared by the workshop and the join page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from mapping.session import md_escape


def _error(message: str) -> None:
    st.error(md_escape(message))


def show_flash(key: str, error: Callable[[str], None] = _error) -> tuple[str, str] | None:
    """Draw and forget the flash stored under ``key``; returns it (None: there was none).

    Parameters
    ----------
    key
        The session-state key the callback stored ``(kind, message)`` under;
        ``kind`` is ``"success"`` or ``"error"``.
    error
        Draws an error message (the raw text: it escapes it); the join page
        passes its own, which shows a message once per run.
    """
    flash = st.session_state.pop(key, None)
    if flash:
        if flash[0] == "success":
            st.success(md_escape(flash[1]))
        else:
            error(flash[1])
    return flash
