"""The workshop page's panels: history, joining (code, link, QR code) and the full-screen QR view.

Split from ``pages/workshop.py``.
"""

from __future__ import annotations

import html

import streamlit as st

from mapping import access
from mapping.session import md_escape
from mapping.store.repository import (
    JOIN_HOURS_CHOICES,
    JOIN_HOURS_DEFAULT,
    Store,
    StoreError,
    format_code,
)
from mapping.ui_text import t
from mapping.workshop import live as ws
from pages._style import stylesheet
from pages._workshop_actions import (
    _close_join,
    _open_join,
    _restore,
)

MONTHS = {"nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                 "september", "oktober", "november", "december"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December")}


def follow_head(head: int) -> None:
    """Keep the version menus on the versions that exist now.

    A menu left on "the newest" (or "the one before") when the panel was
    drawn moves along when new versions arrive, so "what changed" never sits
    on a long-gone pair and says "no difference" after a whole session. A
    version someone picked on purpose stays picked.
    """
    state = st.session_state
    shown = state.get("_ws_menu_head")
    state["_ws_menu_head"] = head
    if shown is None or shown == head:
        return
    for key, offset in (("ws_diff_b", 0), ("ws_diff_a", 1), ("ws_restore_v", 0)):
        if state.get(key) in (None, max(1, shown - offset)):
            state[key] = max(1, head - offset)


def history_panel(store: Store, name: str, lang: str, hide: bool) -> None:
    """Version list, restore, and what changed between two versions."""
    st.dataframe(ws.history(store, name, lang, hide_personal=hide), hide_index=True,
                 height=240)
    # Read now, on every run: the menus list the versions that exist at this moment.
    options = ws.version_options(store, name, lang)
    numbers = list(options)
    follow_head(numbers[0])
    left, right = st.columns([1, 2])
    with left:
        st.selectbox(t("ws_restore_version", lang), numbers, key="ws_restore_v",
                     format_func=options.get)
        st.button(t("ws_restore", lang), key="ws_restore", on_click=_restore,
                  args=(store, name, lang))
    with right:
        st.subheader(t("ws_diff", lang))
        a, b = st.columns(2)
        old = a.selectbox(t("ws_diff_from", lang), numbers, key="ws_diff_a",
                          index=min(1, len(numbers) - 1), format_func=options.get)
        new = b.selectbox(t("ws_diff_to", lang), numbers, key="ws_diff_b",
                          format_func=options.get)
        try:
            diff = store.diff(name, old, new)
            lines = ws.diff_lines(diff, store.load(name, max(old, new)), lang, hide,
                                  older=store.load(name, min(old, new)))
        except StoreError as exc:
            st.error(md_escape(exc.message(lang)))
            return
        st.markdown("\n".join(f"- {md_escape(line)}" for line in lines))


QR_VIEW = "ws_qr_view"


def _show_qr(on: bool) -> None:
    st.session_state[QR_VIEW] = on


def join_panel(store: Store, name: str, lang: str) -> None:
    """QR code, short link and code for participants; open or close joining."""
    info = store.join_code_info(name)
    if info is None:
        st.caption(t("join_closed", lang))
        # How long the new code works (stored with it; it stops by itself afterwards).
        st.selectbox(access.message("expiry", lang), JOIN_HOURS_CHOICES, key="ws_join_hours",
                     index=JOIN_HOURS_CHOICES.index(JOIN_HOURS_DEFAULT),
                     format_func=lambda h: access.message("hours_count", lang, n=h))
        st.button(t("open_join", lang), key="ws_open_join", on_click=_open_join,
                  args=(store, name, lang))
        return
    code, expires = info
    url = ws.join_url(st.context.url, code)
    # One above the other: beside the QR code, the narrow column broke the code over
    # two lines ("RA68-" / "7P6X-PC"), which participants then type wrong.
    st.image(ws.qr_png(url), width=240)  # big enough to scan from the back of the room
    with st.container():
        st.subheader(t("join_code", lang, code=format_code(code)))
        st.caption(access.message("expires_at", lang, time=ws.clock_time(expires)))
        st.caption(t("ws_join_help", lang))
        # Wrapped: in the narrow column the box scrolled and hid the code's end.
        st.code(url, language=None, wrap_lines=True)
        if ws.is_local_link(url):
            st.warning(t("ws_local_link", lang))
        st.button(t("ws_qr_full", lang), key="ws_qr_open", on_click=_show_qr, args=(True,),
                  type="primary")
        st.button(t("close_join", lang), key="ws_close_join", on_click=_close_join,
                  args=(store, name, lang))




def qr_view(store: Store, name: str, lang: str) -> bool:
    """The join code on the whole screen, for the projector; False when joining is closed."""
    info = store.join_code_info(name)
    if info is None:
        st.session_state[QR_VIEW] = False
        return False
    code, expires = info
    url = ws.join_url(st.context.url, code)
    st.html(stylesheet("workshop_qr"))
    with st.container(key="ws_qr_page"):
        st.image(ws.qr_png(url, scale=16))
        # Fixed markup; the code (our alphabet) and the link are escaped all the same.
        st.html(f'<p class="ws-qr-code">{html.escape(format_code(code))}</p>'
                f'<p class="ws-qr-text">{html.escape(t("ws_qr_scan", lang))} · '
                f'{html.escape(url)} · '
                f'{html.escape(access.message("expires_at", lang, time=ws.clock_time(expires)))}'
                "</p>")
        st.button(t("ws_qr_close", lang), key="ws_qr_close", on_click=_show_qr, args=(False,))
    return True
