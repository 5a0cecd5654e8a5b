"""Sign-in form, sign-out button and this session's access (Streamlit side of access rules).

``app.py`` asks :func:`allowed` before it draws the sidebar or loads any
dataset: a session that has not signed in (on a server that requires it) only
ever runs :func:`signin_page` or the join page. The session's sign-in is a
flag in ``st.session_state``, which lives on the server (a browser cannot set
it); every browser tab is its own session and signs in once. With OpenID
Connect configured in ``.streamlit/secrets.toml`` (``[auth]``), Streamlit's
``st.login`` / ``st.user`` sign facilitators in through the identity provider.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from mapping import access
from mapping.session import md_escape
from mapping.ui_text import t
from pages import _shared as shared

SIGNED_IN = "_signed_in"
"""Session-state flag: this session signed in with the facilitator password."""

log = logging.getLogger("wijknetwerk.access")


# --------------------------------------------------------------------------- environment


def server_running() -> bool:
    """Whether a Streamlit web server runs in this process.

    ``streamlit run`` (and every ASGI launch mode) sets
    ``config._server_mode``; the test harness and ``python app.py`` do not.
    When the attribute is missing (another Streamlit version) a server is
    assumed, so the app fails closed (sign-in required), never open.
    """
    from streamlit import config

    return getattr(config, "_server_mode", "unknown") is not None


def server_address() -> str | None:
    """The address the server listens on (``server.address``; ``None``: every interface)."""
    try:
        return st.get_option("server.address")
    except Exception:  # an unknown option in another Streamlit version: fail closed
        return None


def _no_secrets_file() -> bool:
    """Whether none of the ``secrets.toml`` files Streamlit reads exists.

    Without one, every ``st.secrets`` access reads the disk again under one
    process-wide lock: every page run of 30 phones queued there (issue 15).
    """
    try:
        return not any(Path(p).exists() for p in st.get_option("secrets.files"))
    except Exception:  # another Streamlit version: ask st.secrets as before
        return False


def auth_section() -> Mapping[str, Any] | None:
    """The ``[auth]`` section of ``.streamlit/secrets.toml`` as a plain dict, if any."""
    if _no_secrets_file():
        return None
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file, or an unreadable one: OIDC is off
        return None
    return _plain(section) if section else None


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def facilitator_emails() -> list[str]:
    """``facilitators = [...]`` from the ``[wijknetwerk]`` secrets section (may be empty)."""
    if _no_secrets_file():
        return []
    try:
        section = st.secrets.get("wijknetwerk") or {}
        found = section.get("facilitators") or []
    except Exception:
        return []
    return [str(found)] if isinstance(found, str) else [str(v) for v in found]


def password_source() -> access.PasswordSource:
    """The process's password source (``$WIJKNETWERK_PASSWORD`` or ``--password-file``)."""
    return access.password_source(shared.cli_options().password_file)


def headers() -> dict[str, str]:
    """The request headers of this session's connection (empty under the test harness)."""
    try:
        return {k: v for k, v in st.context.headers.items()
                if isinstance(k, str) and isinstance(v, str)}
    except Exception:
        return {}


def client() -> str:
    """The client identity for the attempt limiters (see :func:`mapping.access.client_id`)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    try:
        ip = st.context.ip_address
    except Exception:
        ip = None
    # Only a real address string counts (the test harness hands out mock objects).
    return access.client_id(ip if isinstance(ip, str) else None, headers(),
                            run.session_id if run else None)


def oidc_on() -> bool:
    """Whether OpenID Connect sign-in is configured."""
    return access.oidc_configured(auth_section())


# --------------------------------------------------------------------------- decisions


def required() -> bool:
    """Whether this session must sign in before seeing anything but the join page."""
    return not access.is_open(server_address(), server_running=server_running(),
                              password_set=password_source().configured() is not None,
                              oidc=oidc_on(), headers=headers())


def _oidc_user() -> tuple[bool, str]:
    """(allowed, display name) of the identity-provider user, if one is signed in."""
    try:
        if not st.user.is_logged_in:
            return False, ""
        email = str(st.user.get("email") or "")
        name = str(st.user.get("name") or email)
    except Exception:  # st.user unavailable (no auth configured after all)
        return False, ""
    return access.oidc_allowed(email, facilitator_emails()), name


def signed_in() -> bool:
    """Whether this session signed in (password, or an allowed OIDC account)."""
    if st.session_state.get(SIGNED_IN):
        return True
    return oidc_on() and _oidc_user()[0]


def allowed() -> bool:
    """Whether this session may see the whole app.

    Also makes sure a needed one-time password exists (and is printed on the
    console) as soon as the first browser opens the app.
    """
    if not required():
        return True
    if not oidc_on() or password_source().configured() is not None:
        password_source().current()
    return signed_in()


# --------------------------------------------------------------------------- sign-in form


def _try_password(lang: str) -> None:
    """Callback of the sign-in button: check the password, count a failure."""
    state = st.session_state
    typed = str(state.get("signin_password") or "")
    who = client()
    wait = access.SIGNIN_LIMITER.wait_seconds(who)
    if wait:
        log.warning("sign-in refused (back-off %ss) for %s", wait, who)
        state["_signin_flash"] = access.message("too_many", lang, seconds=wait)
        return
    if not oidc_on() or password_source().configured() is not None:
        expected = password_source().current().value
    else:
        expected = None  # OIDC only: no password works
    if access.check_password(typed, expected):
        access.SIGNIN_LIMITER.success(who)
        state[SIGNED_IN] = True
        state.pop("_signin_flash", None)
        log.info("facilitator signed in (%s)", who)
        return
    pause = access.SIGNIN_LIMITER.failure(who)
    log.warning("failed sign-in from %s (%d so far)", who,
                access.SIGNIN_LIMITER.failures(who))
    state["_signin_flash"] = (access.message("too_many", lang, seconds=int(pause + 0.999))
                              if pause else access.message("wrong_password", lang))


def signin_page() -> None:
    """The sign-in form: the only page a visitor without sign-in sees (besides join)."""
    lang = shared.context().lang
    st.radio(t("language", lang), ["nl", "en"], key="lang", horizontal=True,
             label_visibility="collapsed",
             format_func=lambda v: {"nl": "Nederlands", "en": "English"}[v])
    st.title(access.message("signin_title", lang))
    st.markdown(md_escape(access.message("signin_intro", lang)))
    flash = st.session_state.pop("_signin_flash", None)
    if flash:
        st.error(md_escape(flash))
    if oidc_on():
        _oidc_buttons(lang)
    if not oidc_on() or password_source().configured() is not None:
        with st.form("signin", clear_on_submit=True, enter_to_submit=True):
            st.text_input(access.message("password", lang), type="password",
                          key="signin_password", max_chars=256, autocomplete="current-password")
            st.form_submit_button(access.message("sign_in", lang), type="primary",
                                  on_click=_try_password, args=(lang,))
    st.page_link("pages/join.py", label=access.message("join_link", lang))


def _oidc_buttons(lang: str) -> None:
    from streamlit.auth_util import is_authlib_installed

    allowed_user, name = _oidc_user()
    if name and not allowed_user:
        st.error(md_escape(access.message("oidc_not_allowed", lang, name=name)))
        st.button(access.message("sign_out", lang), key="oidc_logout", on_click=st.logout)
        return
    if not is_authlib_installed():
        st.error(access.message("oidc_missing", lang))
        return
    for provider in access.oidc_providers(auth_section()):
        label = access.message("oidc_button", lang, provider=provider or "OpenID Connect")
        st.button(label, key=f"oidc_{provider or 'default'}", type="primary",
                  on_click=st.login, args=(provider,) if provider else ())


# --------------------------------------------------------------------------- sign-out


def _sign_out() -> None:
    log.info("facilitator signed out (%s)", client())
    oidc = oidc_on() and _oidc_user()[1]
    # Everything this session computed or chose goes: the next run starts at the gate.
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if oidc:
        st.logout()


def sign_out_button(lang: str) -> None:
    """"Signed in" and a sign-out button (in the sidebar; only when sign-in is required)."""
    _, name = _oidc_user() if oidc_on() else (False, "")
    st.caption(md_escape(access.message("signed_in_as", lang, name=name) if name
                         else access.message("signed_in", lang)))
    st.button(access.message("sign_out", lang), key="sign_out", on_click=_sign_out)
