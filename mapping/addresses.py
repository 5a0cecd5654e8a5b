"""Where a request comes from: loopback addresses, proxies, whether the app is open, client keys.

Split from :mod:`mapping.access` (which still exports these names).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(address: str | None) -> bool:
    """Whether a ``server.address`` value binds to this computer only.

    ``None`` or ``""`` (Streamlit's default) binds every interface and is
    therefore *not* loopback; so are ``0.0.0.0``, ``::`` and any real address.
    A Unix socket (``unix://...``) is reachable only on this machine.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost")
    (True, True, True)
    >>> is_loopback(None), is_loopback("0.0.0.0"), is_loopback("192.168.1.20")
    (False, False, False)
    """
    text = str(address or "").strip().lower()
    if not text:
        return False
    if text.startswith("unix://"):
        return True
    if text in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost: may resolve to anything
        return False


FORWARD_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
"""Headers a reverse proxy adds; their presence means the client is not this machine."""


def proxied(headers: Mapping[str, str] | None) -> bool:
    """Whether the request came through a (reverse) proxy."""
    if not headers:
        return False
    names = {str(k).lower() for k in headers}
    return any(h in names for h in FORWARD_HEADERS)


def is_open(server_address: str | None, *, server_running: bool, password_set: bool,
            oidc: bool, headers: Mapping[str, str] | None = None) -> bool:
    """Whether the app may be used without signing in.

    Parameters
    ----------
    server_address
        Streamlit's ``server.address`` option (``None``: every interface).
    server_running
        False when no web server runs at all (Streamlit's test harness, bare
        ``python app.py``): nobody can connect, so the address does not matter.
    password_set
        A password is configured (environment or file). Setting one always
        requires sign-in, also on loopback (for a reverse proxy on this machine).
    oidc
        OpenID Connect is configured: sign-in is always required.
    headers
        The request's headers: a request forwarded by a proxy is never local.

    Returns
    -------
    bool
        True only for loopback (or no server), no password, no OIDC, no proxy.
    """
    if password_set or oidc or proxied(headers):
        return False
    if not server_running:
        return True
    return is_loopback(server_address)


def client_id(ip_address: str | None, headers: Mapping[str, str] | None,
              session_id: str | None) -> str:
    """The key under which a client's attempts are counted.

    ``ip_address`` is Streamlit's ``st.context.ip_address``, which is ``None``
    for a connection from this machine. Such a connection may be a reverse
    proxy on this machine: then the client address the proxy appended to
    ``X-Forwarded-For`` (its rightmost entry, the one the proxy saw) is used; a
    remote client cannot forge that header past the proxy, and a direct remote
    connection always has its own ``ip_address``. Otherwise the Streamlit
    session (one browser tab) is the client.
    """
    if ip_address:
        return f"ip:{ip_address}"
    if headers:
        lowered = {str(k).lower(): str(v) for k, v in headers.items()}
        forwarded = lowered.get("x-forwarded-for", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return f"fwd:{hops[-1][:64]}"
    return f"session:{session_id or 'unknown'}"
