"""Who may see what: facilitator sign-in, participants, attempt limits (issue 9, item 2).

Two roles. The *facilitator* (and their team) sees the whole app after signing
in; a *participant* sees the join form of one open join code and nothing else.
This module holds the rules; ``app.py`` and ``pages/_auth.py`` only apply them.
Nothing here imports Streamlit, so every rule is unit-tested without a server.

The rules
---------
* **Open without sign-in** only when the server listens on loopback
  (``127.0.0.1``, ``localhost``, ``::1``), no password is set, OpenID Connect
  is not configured and the request did not come through a proxy
  (:func:`is_open`). Streamlit's default ``server.address`` is *unset*, which
  means "every interface", so it counts as non-loopback; ``tools/start.sh``
  therefore passes ``--server.address 127.0.0.1`` unless told otherwise.
* **Password** (:class:`PasswordSource`): ``$WIJKNETWERK_PASSWORD``, else the
  first line of the file given as ``--password-file PATH`` after ``--`` on the
  ``streamlit run`` line. When sign-in is required and neither is set, a strong
  one-time password is generated, written once to the server's console (stderr)
  and never shown on a page. It lives as long as the server process.
* **Comparison** in constant time (:func:`check_password`, ``hmac.compare_digest``
  over SHA-256 digests, so neither content nor length leaks through timing).
* **Attempt limits** (:class:`AttemptLimiter`): per client, failed sign-ins and
  refused join codes; after a few free failures every further one doubles the
  wait (capped). In memory, thread-safe, bounded in size.
* **Client identity** (:func:`client_id`): the connection's IP address
  (Streamlit's ``st.context.ip_address``). Streamlit reports loopback
  connections as "no address"; then, if a proxy on this machine forwarded the
  request, the address it reports (``X-Forwarded-For``, rightmost entry), else
  the Streamlit session id (one browser tab).
* **OpenID Connect** (:func:`oidc_configured`): when ``.streamlit/secrets.toml``
  has an ``[auth]`` section, facilitators sign in through Streamlit's
  ``st.login`` (a municipality's identity provider); a password still works
  when one is set explicitly.

What is logged (logger ``wijknetwerk.access``, to stderr): the one-time
password (once), every sign-in and sign-out, every failed sign-in and refused
join code with the client identity, and every refusal because of the back-off.
Typed passwords and codes are never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mapping.addresses import (  # noqa: F401  (re-exported: callers import them from here)
    FORWARD_HEADERS,
    LOOPBACK_NAMES,
    client_id,
    is_loopback,
    is_open,
    proxied,
)
from mapping.attempts import (  # noqa: F401  (re-exported: callers import them from here)
    AttemptLimiter,
    _Entry,
)
from mapping.i18n import Catalog, translate
from mapping.locales import catalog

__all__ = [
    "JOIN_LIMITER",
    "MESSAGES",
    "SIGNIN_LIMITER",
    "AttemptLimiter",
    "PasswordSource",
    "check_password",
    "client_id",
    "generate_password",
    "is_loopback",
    "is_open",
    "message",
    "oidc_allowed",
    "oidc_configured",
    "oidc_providers",
]

PASSWORD_ENV = "WIJKNETWERK_PASSWORD"
"""Environment variable holding the facilitator password."""

ONE_TIME_PASSWORD_BYTES = 18
"""Randomness of a generated password: 144 bits, 24 URL-safe characters."""

SHORT_PASSWORD = 12
"""A password shorter than this is accepted but a warning goes to the console."""

log = logging.getLogger("wijknetwerk.access")

MESSAGES: Catalog = catalog.namespace("access")


def message(key: str, lang: str = "nl", **values: object) -> str:
    """Message ``key`` of :data:`MESSAGES` in ``lang``."""
    return translate(MESSAGES, key, lang, **values)


# --------------------------------------------------------------------------- password


def generate_password() -> str:
    """A strong random password (144 bits, URL-safe characters, easy to copy)."""
    return secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def check_password(typed: str | None, expected: str | None) -> bool:
    """Whether ``typed`` equals ``expected``, compared in constant time.

    Both sides are hashed first, so ``hmac.compare_digest`` always compares two
    32-byte digests: the time taken depends on neither the password's content
    nor its length. An empty or missing password never matches.
    """
    if not typed or not expected:
        return False
    return hmac.compare_digest(_digest(str(typed)), _digest(str(expected)))


@dataclass(frozen=True)
class Password:
    """The password in force and where it came from (``env``, ``file`` or ``generated``)."""

    value: str
    origin: str


class PasswordSource:
    """The facilitator password: environment, file, or generated once per process.

    Parameters
    ----------
    env
        The environment to read :data:`PASSWORD_ENV` from (default ``os.environ``).
    password_file
        The ``--password-file`` path from the command line, if any.
    announce
        Called once with a generated password (default: write it to stderr).
    """

    def __init__(self, env: Mapping[str, str] | None = None, password_file: str | None = None,
                 announce: Callable[[str], None] | None = None) -> None:
        self._env = os.environ if env is None else env
        self._file = password_file
        self._announce = announce or _announce
        self._lock = threading.Lock()
        self._generated: str | None = None

    def configured(self) -> Password | None:
        """The explicitly set password (environment first, then file), or ``None``.

        A file that cannot be read counts as "not set" (a warning is logged),
        so a mistyped path leads to a generated password, never to an open app.
        """
        value = str(self._env.get(PASSWORD_ENV) or "").strip()
        if value:
            return Password(value, "env")
        if self._file:
            try:
                text = Path(self._file).expanduser().read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                log.warning("password file %s cannot be read (%s)", self._file,
                            type(exc).__name__)
                return None
            first = text.splitlines()[0].strip() if text.strip() else ""
            if first:
                return Password(first, "file")
            log.warning("password file %s is empty", self._file)
        return None

    def current(self) -> Password:
        """The password to sign in with; generates (and announces) one when none is set."""
        found = self.configured()
        if found is not None:
            return found
        with self._lock:
            if self._generated is None:
                self._generated = generate_password()
                self._announce(self._generated)
            return Password(self._generated, "generated")


def _announce(password: str) -> None:
    # The console (and whatever log captures it) is the only place the generated
    # password appears; a page never shows it.
    print("\n  Wijknetwerk: sign-in required (the server is reachable from the network).\n"
          f"  One-time facilitator password: {password}\n"
          "  (valid until this server stops; set WIJKNETWERK_PASSWORD to choose one)\n",
          file=sys.stderr, flush=True)
    log.warning("one-time facilitator password generated and printed to the console")


def warn_if_weak(password: Password) -> None:
    """Log a warning for a short explicitly set password (it still works)."""
    if password.origin != "generated" and len(password.value) < SHORT_PASSWORD:
        log.warning("the facilitator password is shorter than %d characters", SHORT_PASSWORD)


# --------------------------------------------------------------------------- attempts


SIGNIN_LIMITER = AttemptLimiter(free=5, base=2.0, cap=300.0)
"""Failed facilitator sign-ins per client (one process-wide instance)."""

JOIN_LIMITER = AttemptLimiter(free=8, base=2.0, cap=120.0)
"""Refused join codes per client. More free tries: phones mistype, codes are long."""


# --------------------------------------------------------------------------- OpenID Connect


def oidc_configured(auth_section: Mapping[str, object] | None) -> bool:
    """Whether ``secrets.toml`` configures OpenID Connect (a non-empty ``[auth]`` section)."""
    return bool(auth_section) and isinstance(auth_section, Mapping)


def oidc_providers(auth_section: Mapping[str, object] | None) -> list[str | None]:
    """Providers to offer: the named ``[auth.<name>]`` sections, else ``[None]`` (the default)."""
    if not oidc_configured(auth_section):
        return []
    named = [str(k) for k, v in (auth_section or {}).items() if isinstance(v, Mapping)]
    return sorted(named) or [None]


def oidc_allowed(email: str | None, allowed: list[str] | tuple[str, ...] | None) -> bool:
    """Whether an identity-provider account may use the dashboard.

    ``allowed`` comes from ``facilitators = [...]`` in the ``[wijknetwerk]``
    section of ``secrets.toml``: full addresses (``anna@gemeente.nl``) or
    domains (``@gemeente.nl``). No list means every account the identity
    provider signs in is a facilitator.
    """
    if not allowed:
        return True
    address = str(email or "").strip().lower()
    if not address or "@" not in address:
        return False
    domain = "@" + address.rsplit("@", 1)[1]
    for item in allowed:
        rule = str(item).strip().lower()
        if rule and (rule == address or (rule.startswith("@") and rule == domain)):
            return True
    return False


_SOURCES: dict[str | None, PasswordSource] = {}
_SOURCES_LOCK = threading.Lock()


def password_source(password_file: str | None = None) -> PasswordSource:
    """The process-wide :class:`PasswordSource` for ``password_file``.

    One per process, so a generated password is made and printed once and is
    the same for every session until the server stops.
    """
    with _SOURCES_LOCK:
        source = _SOURCES.get(password_file)
        if source is None:
            source = _SOURCES[password_file] = PasswordSource(password_file=password_file)
            found = source.configured()
            if found is not None:
                warn_if_weak(found)
        return source


def setup_logging() -> None:
    """Send ``wijknetwerk.*`` messages (INFO and up) to stderr, once per process.

    Streamlit configures only its own loggers; without a handler the sign-in
    log would be lost.
    """
    root = logging.getLogger("wijknetwerk")
    with _SOURCES_LOCK:
        if root.handlers:
            return
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
