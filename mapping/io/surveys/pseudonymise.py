"""Respondents as keyed pseudonyms: the id itself is never stored."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(respondent: str, secret: bytes) -> str:
    """A respondent's stored name: ``r-`` and 12 hex digits of HMAC-SHA256 under ``secret``.

    The same respondent gets the same pseudonym with the same secret (waves
    compare), and without the secret the id cannot be recovered or tested.
    """
    digest = hmac.new(secret, respondent.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return "r-" + digest.hexdigest()[:12]

