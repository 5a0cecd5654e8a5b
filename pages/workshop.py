"""Workshop: the facilitator builds the district network live on a shared screen.

Thin page over :mod:`mapping.store.repository` and :mod:`mapping.workshop.live`. Every change
goes through a button callback (run before the page is drawn, so the page
always shows the state after the change) and becomes one new version in the
store. The live part (the network and the latest changes) is a fragment that
reruns by itself every few seconds: it reads the cheap ``store.head(name)``
and, only when someone (a participant's phone, another screen) saved
something, redraws the network, with node positions kept in this session so
known nodes stay put and new ones appear next to their neighbours. Only that
fragment reruns for each new answer; the rest of the page (the forms' lists,
the history) catches up in one full run once the room is quiet
(:class:`mapping.workshop.live.CatchUp`), not once per answer.

When the database fails (PostgreSQL stopped, disk full, read-only or corrupt
file), every store call ends in the store's translated message, never a
traceback, and what was typed into the forms is kept (:func:`_keep_form`) and
put back (:func:`_restore_form`) as soon as the forms can be drawn again, so it
can be saved once the database is back.
"""

from __future__ import annotations

import time

import streamlit as st

from mapping.session import md_escape
from mapping.store.repository import (
    Store,
)
from mapping.ui_text import date, t
from mapping.workshop import live as ws
from pages import _shared as shared
from pages import _store
from pages._flash import show_flash
from pages._style import stylesheet
from pages._workshop_actions import (  # noqa: F401  (re-exported: callers import them from here)
    AUTHOR,
    COLLAB_KEYS,
    DUPLICATE,
    FORM_KEYS,
    GROUP_KEYS,
    ORG_KEYS,
    PENDING,
    REACH_KEYS,
    USED,
    _add_collab,
    _add_entity,
    _add_group,
    _add_org,
    _add_reach,
    _cancel_duplicate,
    _clear,
    _close_join,
    _confirm_duplicate,
    _create,
    _delete_collab,
    _delete_entity,
    _delete_reach,
    _do,
    _failed,
    _flash,
    _forms_drawn,
    _keep_form,
    _open_join,
    _restore,
    _restore_form,
    _saved,
    _snapshot,
    _undo,
    _update_collab,
    _update_entity,
    _update_reach,
    _used,
    form_token,
)
from pages._workshop_forms import (  # noqa: F401  (re-exported: callers import them from here)
    add_forms,
    choose_dataset,
    duplicate_question,
    edit_forms,
)
from pages._workshop_panels import (  # noqa: F401  (re-exported: callers import them from here)
    MONTHS,
    QR_VIEW,
    follow_head,
    history_panel,
    join_panel,
    qr_view,
)

# The poll is one cheap `store.head` per open facilitator screen; the live fragment redraws
# only when the head moved, so polling is cheap and can be frequent: an answer is on the
# screen within this plus one fragment run (the room's target is 5 s, also through a
# second app server).
LIVE_SECONDS = 1.5
LIVE_HEIGHT = 620
CATCH_UP = "_ws_catch_up"  # session key of the page's mapping.workshop.live.CatchUp
LIVE_FAILED = "_ws_live_failed"  # the live part's last run met a failing database


# --------------------------------------------------------------------------- actions


# --------------------------------------------------------------------------- drawing


@st.fragment(run_every=LIVE_SECONDS)
def watch_failed(store: Store) -> None:
    """While the database is failing: rerun the page as soon as it answers again.

    Without it the shared screen would show the error until someone clicks;
    with it the network and the kept form values come back by themselves.
    """
    try:
        store.list_datasets()
    except Exception:  # still down: keep the message, poll again
        return
    st.rerun(scope="app")


def live_state(store: Store, name: str, hide: bool, lang: str, present: bool
               ) -> tuple[int, ws.LiveNetwork, list[tuple[int, str]]]:
    """The head version, its drawn network and the latest changes (redrawn when it moved)."""
    head = store.head(name)
    cache = st.session_state.setdefault("_ws_live", {"positions": {}})
    key = (store.url.render_as_string(hide_password=True), name, head, hide, lang, present)
    if cache.get("key") != key:
        number, data = store.latest(name)
        # Known nodes keep their place; new ones appear next to their neighbours.
        # In presentation mode the frame's height follows the screen (workshop_present.css).
        drawn = ws.live_network(data, number, cache["positions"].get(name),
                                hide_personal=hide, lang=lang, presentation=present,
                                height="100vh" if present else f"{LIVE_HEIGHT - 10}px")
        cache["positions"][name] = drawn.positions
        cache.update(key=key, drawn=drawn, recent=ws.recent_changes(store, name, lang))
    return head, cache["drawn"], cache["recent"]


@st.fragment(run_every=LIVE_SECONDS)
def live(store: Store, name: str, hide: bool, lang: str, present: bool) -> None:
    """The network and the latest changes: this fragment alone reruns for each new answer.

    Every :data:`LIVE_SECONDS` it reads the head version; the network is
    redrawn only when that moved (an unchanged frame costs Streamlit a hash:
    the browser already holds it). The whole page reruns only to catch up
    once the room is quiet (:class:`mapping.workshop.live.CatchUp`), or when
    the database answers again after failing.
    """
    state = st.session_state
    try:
        head, drawn, recent = live_state(store, name, hide, lang, present)
    except Exception as exc:  # the database went away: say so, keep polling
        st.error(md_escape(_store.error_message(exc, lang)))
        state[LIVE_FAILED] = True
        return
    if state.pop(LIVE_FAILED, False):  # back again: the forms and kept values come back too
        st.rerun(scope="app")
    st.caption(t("ws_status", lang, v=drawn.version, orgs=drawn.organisations,
                 groups=drawn.groups) + " · " + t("ws_refresh", lang))
    with st.container(key="ws_live"):
        st.iframe(drawn.html, height=LIVE_HEIGHT)
    if not present:
        recent_list(recent, lang)
    catch_up = state.get(CATCH_UP)
    if catch_up is not None and catch_up.due(head, time.monotonic()):
        st.rerun(scope="app")


@st.fragment(run_every=LIVE_SECONDS)
def recent_panel(lang: str) -> None:
    """Presentation mode: the latest changes below the forms, kept as fresh as the network.

    Reads only what :func:`live` keeps in the session (no store query).
    """
    if "recent" in st.session_state.get("_ws_live", {}):
        recent_list(st.session_state["_ws_live"]["recent"], lang)


def recent_list(recent: list[tuple[int, str]], lang: str) -> None:
    """The latest changes, one line each, newest first."""
    st.subheader(t("ws_recent", lang))
    lines = [f"- **{number}** · {md_escape(sentence)}" for number, sentence in recent]
    with st.container(key="ws_recent_list"):
        st.markdown("\n".join(lines) if lines else md_escape(t("ws_nothing", lang)))


def tools(store: Store, name: str, lang: str, hide: bool) -> None:
    """Undo, snapshot, edit: the facilitator's tools next to the add forms."""
    st.button(t("undo", lang), key="ws_undo", on_click=_undo, args=(store, name, lang),
              width="stretch")
    today = ws.today()  # the room's date, also just after midnight UTC
    default = t("ws_snapshot_default", lang,
                date=date(today, lang, "d MMMM"))
    # The button under its name, not beside it: a third of the tools column cut its
    # label off ("Momentop…").
    st.text_input(t("snapshot_label", lang), value=default, key="ws_snap_label", max_chars=200)
    st.button(t("snapshot", lang), key="ws_snapshot", on_click=_snapshot,
              args=(store, name, lang), width="stretch")
    with st.expander(t("edit", lang)):
        edit_forms(store, name, lang, hide)


def main() -> None:
    ctx = shared.context()
    lang = ctx.lang
    present = ctx.present
    with st.container(key="ws_title"):  # small in presentation mode (workshop_present.css)
        st.title(t("workshop_title", lang))
    store = _store.get_store(lang)
    if store is None:
        return
    flash = show_flash("_ws_flash")
    _restore_form()
    # Presentation mode: the network on top, the dataset choice and the forms below it;
    # the containers are made in that order and filled in the order the data needs.
    top = st.container()
    bottom = st.container()
    try:
        chosen = st.session_state.get("ws_dataset")
        if st.session_state.get(QR_VIEW) and chosen and qr_view(store, chosen, lang):
            return
        with bottom if present else top:
            name = choose_dataset(store, lang)
    except Exception as exc:  # the database is down: a message, and keep the form
        if not flash or flash[0] != "error":  # the failed save already said why
            st.error(md_escape(_store.error_message(exc, lang)))
        _keep_form()
        watch_failed(store)
        return
    if name is None:
        _forms_drawn()
        return
    try:
        # The forms and the history below are drawn at this version; the live part asks
        # for a full run again once it has drawn newer ones and the room is quiet.
        st.session_state.setdefault(CATCH_UP, ws.CatchUp()).drawn(store.head(name))
        if present:
            st.html(stylesheet("workshop_present"))
            with bottom:
                hide = st.toggle(t("hide_names", lang), value=True, key="ws_hide")
            with top:
                live(store, name, hide, lang, present)
            with bottom:
                forms, middle, join = st.columns(3, gap="large")
                with forms:
                    add_forms(store, name, lang)
                with middle:
                    tools(store, name, lang, hide)
                    recent_panel(lang)
                with join, st.expander(t("join_open", lang), expanded=True):
                    join_panel(store, name, lang)
        else:
            with top:
                hide = st.toggle(t("hide_names", lang), value=True, key="ws_hide")
                left, right = st.columns([2, 3], gap="large")
            with left:
                add_forms(store, name, lang)
                st.divider()
                tools(store, name, lang, hide)
                with st.expander(t("join_open", lang), expanded=True):
                    join_panel(store, name, lang)
            with right:
                live(store, name, hide, lang, present)
        with bottom, st.expander(t("ws_history", lang)):
            history_panel(store, name, lang, hide)
    except Exception as exc:  # the database went away mid-workshop: no traceback
        st.error(md_escape(_store.error_message(exc, lang)))
        _keep_form()
        watch_failed(store)
        return
    _forms_drawn()


main()
