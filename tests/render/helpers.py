"""Helpers shared by the renderer tests."""

from __future__ import annotations

import json
import re
from typing import Any

EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//", re.I)
EXTERNAL_LINK = re.compile(r"<link[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//", re.I)
PAYLOAD = re.compile(r'<script type="application/json" id="wk-data">(.*?)</script>', re.S)


def external_references(page: str) -> list[str]:
    """``<script src=http...>`` and ``<link href=http...>`` occurrences in ``page``."""
    return EXTERNAL_SCRIPT.findall(page) + EXTERNAL_LINK.findall(page)


def page_data(page: str) -> dict[str, Any]:
    """The one JSON payload (``<script type="application/json" id="wk-data">``) of a page.

    The payload is script-safe JSON: it holds no ``<``, so the first
    ``</script>`` after it is its own end.
    """
    matches = PAYLOAD.findall(page)
    assert len(matches) == 1, f"{len(matches)} data blocks found"
    assert "<" not in matches[0]
    return json.loads(matches[0])


def network_data(page: str) -> dict[str, Any]:
    """The nodes/edges/options JSON embedded in a network page."""
    return page_data(page)
