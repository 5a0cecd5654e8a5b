"""Join: participants add their organisation and links from their phones.

Mobile-first: one column, large controls, plain words. Access is only through
a join code (from ``?code=`` in the QR link or typed in): the page talks to
the store through :class:`mapping.store.repository.JoinSession`, which can only *add* to
the one dataset of that code, so there is no way to browse other datasets or
delete anything from here. A whole answer (organisation, the groups it
reaches, partners with their four scores) is saved as one version, so the
facilitator's "undo" takes back exactly one answer.

Codes (issue 9): one message for a code that is unknown, closed or expired,
so the page is no oracle; every new code a session tries that does not work
counts as a failed attempt of its client (:data:`mapping.access.JOIN_LIMITER`),
and after a few the client must wait, doubling each time, before a code is
even looked up. Codes are accepted with or without dashes, spaces or capitals.
"""

from __future__ import annotations

import logging
import time

import streamlit as st

from mapping import access
from mapping.domain.dataset import CONDITIONS
from mapping.session import md_escape
from mapping.store.repository import JoinCodeError, Store, StoreError, normalise_code
from mapping.ui_text import t
from mapping.workshop import live as ws
from pages import _auth as auth
from pages import _shared as shared
from pages import _store
from pages._flash import show_flash
from pages._style import stylesheet

log = logging.getLogger("wijknetwerk.access")

NEW = "__new__"

# An empty send this soon on the form a save just renewed is the second tap of a double tap.
DOUBLE_TAP_SECONDS = 2.0


# Messages drawn in this run: the page is executed afresh every run, so this starts empty;
# a refusal reached by two paths (the failed send and the code check) shows once.
_SHOWN: set[str] = set()


def _error(message: str) -> None:
    """``st.error(message)``, unless this run showed the same message already."""
    if message in _SHOWN:
        return
    _SHOWN.add(message)
    st.error(md_escape(message))


def _nonce() -> int:
    return int(st.session_state.setdefault("_join_nonce", 0))


def _enter_code() -> None:
    typed = normalise_code(st.session_state.get("join_code_input"))
    st.session_state["_join_code"] = typed
    if typed:
        st.query_params["code"] = typed


def _forget_code() -> None:
    st.session_state.pop("_join_code", None)
    st.session_state.pop("join_code_input", None)
    if "code" in st.query_params:
        del st.query_params["code"]


def _token(n: int) -> str:
    """The submission token of answer form ``n`` (one per rendered form, see ``_submit``)."""
    return st.session_state.setdefault(f"_join_token_{n}", ws.new_token())


def _submit(store: Store, code: str, lang: str, n: int, token: str) -> None:
    """Save the participant's answer as one version (runs before the page is drawn).

    ``n`` and ``token`` are bound when the form is drawn. A double tap sends
    the same token twice: the first save ends the form (a new ``n``), the
    second is answered as the first (``_join_done``) and the store would save
    nothing for it anyway (:meth:`mapping.store.repository.JoinSession.submit`).
    """
    state = st.session_state
    done = state.setdefault("_join_done", {})
    if token in done:
        state["_join_flash"] = ("success", t("thanks", lang))
        return
    org = state.get(f"join_org_{n}")
    if not org or (org == NEW and not str(state.get(f"join_name_{n}") or "").strip()):
        state["_join_flash"] = ("error", t("join_org_required", lang))
        return
    try:
        session = store.join(code)
        groups = [g for g in ws.names(session.parent_groups()) if state.get(f"join_g_{n}_{g}")]
        # A pseudonym per phone (never a name): tells one respondent's ratings from
        # another's, so averages can count raters without anyone being identifiable.
        respondent = state.setdefault("_join_respondent", ws.new_id((), "R"))
        partners = [_partner(p, respondent, f"join_s_{n}_{p}")
                    for p in state.get(f"join_partners_{n}", []) if p != org]
        new_partner = str(state.get(f"join_np_name_{n}") or "").strip()
        if state.get(f"join_np_{n}") and new_partner:
            existing_ids = ws.names(session.organisations())
            partners.append(_partner(
                {"id": ws.new_id(existing_ids, "P"), "name": new_partner,
                 "kind": state.get(f"join_np_kind_{n}", "informal")},
                respondent, f"join_s_{n}_{NEW}"))
        if not groups and not partners:  # an empty answer would be an empty version
            saved = state.get("_join_saved")
            if saved and saved[0] == n and time.monotonic() - saved[1] < DOUBLE_TAP_SECONDS:
                # The second tap of a double tap, landing on the fresh form the first
                # one's save drew (a form run is that fast): the same thanks, no error.
                state["_join_flash"] = ("success", t("thanks", lang))
                return
            state["_join_flash"] = ("error", t("join_empty", lang))
            return
        if org == NEW:
            record = {"name": str(state.get(f"join_name_{n}", "")).strip(),
                      "kind": state.get(f"join_kind_{n}", "informal")}
            existing = ws.names(session.organisations())
            _, org_id = ws.add_with_new_id(
                lambda r: session.submit(r, groups, partners, token=token), record, existing,
                "P")
        else:
            session.submit(org, groups, partners, token=token)
            org_id = org
    except JoinCodeError:
        # No flash: the code check below the title says it (one message, not two).
        return
    except StoreError as exc:
        state["_join_flash"] = ("error", exc.message(lang))
        return
    except Exception as exc:  # database unreachable: a message, not a traceback
        state["_join_flash"] = ("error", t("ws_store_error", lang, error=type(exc).__name__))
        return
    done[token] = org_id
    state["_join_flash"] = ("success", t("thanks", lang))
    # A fresh set of widgets (empty form) with the participant's organisation preselected.
    state["_join_nonce"] = n + 1
    state[f"join_org_{n + 1}"] = org_id
    state["_join_saved"] = (n + 1, time.monotonic())


def _partner(target: str | dict, respondent: str, prefix: str) -> dict:
    """One partner of the answer: target, the four scores and the form (when chosen)."""
    state = st.session_state
    record = {"target": target, "reported_by": respondent,
              **{c: state.get(f"{prefix}_{c}", ws.DEFAULT_SCORE) for c in CONDITIONS}}
    form = state.get(f"{prefix}_form")
    if form:
        record["form"] = form
    return record


def _set_lang() -> None:
    # app.py reads a participant's language from the URL on every run.
    st.query_params["lang"] = st.session_state["join_lang"]


def language_switch(lang: str) -> None:
    """Nederlands / English for participants (they have no sidebar)."""
    st.session_state["join_lang"] = lang
    st.radio(t("language", lang), ["nl", "en"], key="join_lang", horizontal=True,
             label_visibility="collapsed", on_change=_set_lang,
             format_func=lambda v: {"nl": "Nederlands", "en": "English"}[v])


def code_entry(lang: str) -> None:
    """The box to type a code into."""
    st.text_input(t("code", lang), key="join_code_input", max_chars=24,
                  placeholder="ABCD-EFGH-JK", autocomplete="off")
    st.button(t("enter", lang), key="join_enter", type="primary", on_click=_enter_code,
              width="stretch")


def answer_form(store: Store, code: str, lang: str) -> None:
    """Organisation, the groups it reaches, and partners with four scores."""
    # Only what the join session offers (ids and names), never the whole dataset.
    session = store.join(code)
    orgs, groups = ws.names(session.organisations()), ws.names(session.parent_groups())
    n = _nonce()
    st.caption(md_escape(t("join_dataset", lang, name=session.dataset_name)))

    org_key = f"join_org_{n}"
    if st.session_state.get(org_key) not in (None, NEW, *orgs):
        st.session_state.pop(org_key)
    options = ["", NEW, *orgs]  # "not listed" on top: lists can be long on a phone
    st.selectbox(t("your_org", lang), options, key=org_key,
                 format_func=lambda o: (t("join_pick", lang) if o == "" else
                                        t("new_org", lang) if o == NEW else orgs[o]))
    org = st.session_state.get(org_key)
    if org == NEW:
        st.text_input(t("join_org_name", lang), key=f"join_name_{n}", max_chars=200)
        st.radio(t("join_kind", lang), ["informal", "formal"], key=f"join_kind_{n}",
                 format_func=lambda k: t(f"join_kind_{k}", lang))

    if groups:
        st.subheader(t("groups_reached", lang))
        for gid, gname in groups.items():
            st.checkbox(md_escape(gname), key=f"join_g_{n}_{gid}")  # labels are Markdown

    st.subheader(t("works_with", lang))
    partner_options = [o for o in orgs if o != org]
    chosen = st.multiselect(t("partner", lang), partner_options, key=f"join_partners_{n}",
                            format_func=orgs.get, placeholder=t("choose", lang))
    for partner in chosen:
        _scores(lang, orgs[partner], f"join_s_{n}_{partner}")
    if st.checkbox(t("join_new_partner", lang), key=f"join_np_{n}"):
        st.text_input(t("join_partner_name", lang), key=f"join_np_name_{n}", max_chars=200)
        st.radio(t("join_kind", lang), ["informal", "formal"], key=f"join_np_kind_{n}",
                 format_func=lambda k: t(f"join_kind_{k}", lang))
        typed = str(st.session_state.get(f"join_np_name_{n}") or "").strip()
        _scores(lang, typed or "…", f"join_s_{n}_{NEW}")
    # Keyed per form: a tap that arrives after the form was renewed finds no button.
    st.button(t("send", lang), key=f"join_send_{n}", type="primary", width="stretch",
              on_click=_submit, args=(store, code, lang, n, _token(n)))


def _scores(lang: str, partner: str, prefix: str) -> None:
    """The four condition sliders for one partner."""
    with st.container(border=True):
        st.markdown(md_escape(t("join_scores", lang, name=partner)))
        for condition in CONDITIONS:
            st.slider(t(condition, lang).capitalize(), 1, 5, ws.DEFAULT_SCORE,
                      key=f"{prefix}_{condition}")
        # The declared vocabulary (as in files and the workshop form); empty: not given.
        st.selectbox(t("join_form", lang), ws.FORM_CHOICES, key=f"{prefix}_form",
                     format_func=lambda f: ws.form_choice_label(f, lang,
                                                                t("ws_form_none", lang)))


def _refused(lang: str) -> str:
    """The one message for a code that does not work (unknown, closed or expired)."""
    return JoinCodeError("join_invalid").message(lang)


def _code_accepted(store: Store, code: str, lang: str) -> bool:
    """Whether ``code`` gives access; draws the refusal (and counts the attempt) if not.

    A code counts as an attempt once per session: reruns of the same page
    (a language switch, a slider) do not count again, and a code that worked
    and was closed meanwhile is not a guess.
    """
    state = st.session_state
    if state.get("_join_ok") == code:
        if store.dataset_for_code(code) is not None:
            return True
        return _refuse(lang)
    if state.get("_join_refused") == code:
        return _refuse(lang)
    who = auth.client()
    wait = access.JOIN_LIMITER.wait_seconds(who)
    if wait:
        log.warning("join code refused without look-up (back-off %ss) for %s", wait, who)
        _error(access.message("too_many", lang, seconds=wait))
        st.button(t("join_change_code", lang), key="join_other", on_click=_forget_code)
        return False
    if store.dataset_for_code(code) is None:
        pause = access.JOIN_LIMITER.failure(who)
        log.warning("join code refused for %s (%d so far)", who,
                    access.JOIN_LIMITER.failures(who))
        state["_join_refused"] = code
        if pause:
            _error(access.message("too_many", lang, seconds=int(pause + 0.999)))
            st.button(t("join_change_code", lang), key="join_other", on_click=_forget_code)
            return False
        return _refuse(lang)
    state["_join_ok"] = code
    state.pop("_join_refused", None)
    return True


def _refuse(lang: str) -> bool:
    _error(_refused(lang))
    st.button(t("join_change_code", lang), key="join_other", on_click=_forget_code)
    return False


def main() -> None:
    ctx = shared.context()
    lang = ctx.lang
    _SHOWN.clear()
    st.html(stylesheet("join"))  # constant CSS (assets/pages/join.css), no user data
    with st.container(key="join_page"):
        page(lang)


def page(lang: str) -> None:
    """Everything participants see, inside the container the phone styles apply to."""
    if st.session_state.get("_participant"):
        language_switch(lang)
    st.title(t("join_title", lang))
    store = _store.get_store(lang)
    if store is None:
        return
    show_flash("_join_flash", _error)
    if "_join_code" not in st.session_state and st.query_params.get("code"):
        st.session_state["_join_code"] = normalise_code(st.query_params.get("code"))
    code = st.session_state.get("_join_code") or ""
    if not code:
        st.markdown(md_escape(t("join_intro", lang)))
        code_entry(lang)
        return
    try:
        if not _code_accepted(store, code, lang):
            return
    except Exception as exc:  # database unreachable: a message, not a traceback
        _store_problem(exc, lang)
        return
    st.session_state[_FULL_RUN] = True
    answer_fragment(store, code, lang)


_FULL_RUN = "_join_full_run"


@st.fragment
def answer_fragment(store: Store, code: str, lang: str) -> None:
    """The answer form as a fragment: a tap in it reruns only the form (issue 15).

    A room of 30 phones makes 30 sessions rerun at every tick, choice and
    "send"; rerunning the whole app for each (navigation, sign-in check, code
    check, styles, title) cost most of the server's time. The code is still
    checked in every write (:meth:`JoinSession.submit`) and by every read of
    the form (:meth:`Store.join`): a code closed meanwhile shows the refusal.
    """
    if not st.session_state.pop(_FULL_RUN, False):
        if st.session_state.get("_join_code") != code:
            st.rerun(scope="app")  # "other code" was pressed here: the page asks for one
        # A run of the form alone: the messages of the last full run are not on it.
        _SHOWN.clear()
        show_flash("_join_flash", _error)
    try:
        answer_form(store, code, lang)
    except Exception as exc:  # also a code closed meanwhile: a message, no traceback
        _store_problem(exc, lang)
        if isinstance(exc, JoinCodeError):
            st.button(t("join_change_code", lang), key="join_other", on_click=_forget_code)


def _store_problem(exc: Exception, lang: str) -> None:
    """The message for a failed read: the refused code, the store's words, or unreachable."""
    if isinstance(exc, JoinCodeError):
        _error(_refused(lang))
    elif isinstance(exc, StoreError):
        _error(exc.message(lang))
    else:  # database unreachable: a message, not a traceback
        _error(t("ws_store_error", lang, error=type(exc).__name__))


main()
