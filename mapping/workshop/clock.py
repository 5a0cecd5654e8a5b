"""Times as the workshop shows them: Europe/Amsterdam local time, join links and their QR code.

Split from :mod:`mapping.workshop.live` (which still exports these names).
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pandas as pd

from mapping import i18n


def join_url(page_url: str | None, code: str) -> str:
    """The short link participants open: ``<server>/join?code=CODE``.

    ``page_url`` is the address the facilitator's browser uses (Streamlit's
    ``st.context.url``); only its scheme and host are kept, so the link works
    from any page.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(page_url or "http://localhost:8501")
    base = f"{parts.scheme or 'http'}://{parts.netloc or 'localhost:8501'}"
    return f"{base}/join?code={code}"


LOCAL_ZONE = "Europe/Amsterdam"
"""The time zone of every time the workshop and join pages show (the room's clocks)."""


def local_time(moment: datetime | pd.Timestamp) -> datetime:
    """A stored moment (UTC, or naive UTC as SQLite returns it) in Dutch time.

    The workshop's name for :func:`mapping.i18n.local_time` (the one
    implementation; UTC on a machine without a time-zone database): the
    workshop's history, the version menus and "code valid until" all go through it.
    """
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    return i18n.local_time(moment)


def clock_time(moment: datetime | pd.Timestamp) -> str:
    """``HH:MM`` in Dutch time (:func:`local_time`), e.g. for "code valid until"."""
    return local_time(moment).strftime("%H:%M")


def date_time(moment: datetime | pd.Timestamp, lang: str = "nl") -> str:
    """Date and time in Dutch time: ``12-03-2026 14:05`` (nl) or ``2026-03-12 14:05`` (en)."""
    return i18n.format_datetime(local_time(moment), lang)


def today() -> date:
    """Today's date in Dutch time (a default label made just after midnight UTC)."""
    return local_time(datetime.now(UTC)).date()


def is_local_link(url: str) -> bool:
    """Whether ``url`` points at this computer only (phones in the room cannot open it)."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def qr_png(url: str, scale: int = 8) -> bytes:
    """``url`` as a QR code PNG, drawn locally with ``segno`` (no web service)."""
    import segno

    buffer = io.BytesIO()
    # Error level M: still readable from a projector with some glare.
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
