"""Every page address opens its page, with no "Page not found" dialog (real browser).

Streamlit serves the default page at ``/`` and, by itself, answers that page's
own name (``/overview``, ``/home``) with a "Page not found" dialog over the page. A
bookmark, a link someone pastes or a README line can hold any page's address,
so each one is opened on the open server and must show its own heading (the sign-in
gate's addresses: ``tests/security/test_access_browser.py``).
"""

from __future__ import annotations

import pytest

from mapping.ui_text import t
from tests.browser.conftest import open_app
from tests.browser_support import HEADINGS, assert_no_not_found, first_heading

pytestmark = pytest.mark.browser

CASES = [(address, "nl") for address in HEADINGS] + [("overview", "en"), ("home", "en")]


def test_every_address_opens_its_page(server, browser):
    """Signed in (open server): each address shows its own heading, never the dialog.

    One tab visits every address in turn: each visit is a new page load, hence a new
    Streamlit session, as a bookmark opened in a fresh tab would be. The sign-in gate's
    addresses are checked in ``tests/security/test_access_browser.py``.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        for address, lang in CASES:
            open_app(page, server.page_url(address, f"lang={lang}"), timeout=90_000)
            assert_no_not_found(page, address)
            assert first_heading(page) == t(HEADINGS.get(address, "overview_title"), lang), (
                address, lang)
            if address in ("overview", "home"):
                # The old address leads to the overview at the root, the query kept
                # (Dutch is the default, which the app leaves out of the address).
                assert page.url.rstrip("/").split("?")[0].rstrip("/") == server.url
                assert ("lang=en" in page.url) == (lang == "en")
    finally:
        context.close()
