"""Helpers shared by the renderer tests."""

from __future__ import annotations

import json
import re
from typing import Any

EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//", re.I)
EXTERNAL_LINK = re.compile(r"<link[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


def external_references(page: str) -> list[str]:
    """``<script src=http...>`` and ``<link href=http...>`` occurrences in ``page``."""
    return EXTERNAL_SCRIPT.findall(page) + EXTERNAL_LINK.findall(page)


def network_data(page: str) -> dict[str, Any]:
    """The nodes/edges/options JSON embedded in a network page."""
    match = re.search(r"var data = (\{.*?\});\n", page, re.S)
    assert match, "data block not found"
    return json.loads(match.group(1))
