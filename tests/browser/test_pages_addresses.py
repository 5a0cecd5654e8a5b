"""Every page address opens its page, with no "Page not found" dialog (real browser).

Streamlit serves the default page at ``/`` and, by itself, answers that page's
own name (``/overview``) with a "Page not found" dialog over the page. A
bookmark, a link someone pastes or a README line can hold any page's address,
so each one is opened on the open server and must show its own heading (the sign-in
gate's addresses: ``tests/security/test_access_browser.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

from mapping.ui_text import t
from tests.browser.conftest import open_app

pytestmark = pytest.mark.browser

HEADINGS = {
    "": "overview_title",
    "overview": "overview_title",
    "network": "network_title",
    "map": "map_title",
    "gaps": "gaps_title",
    "collaboration": "collab_title",
    "roles": "roles_title",
    "topics": "topics_title",
    "compare": "page_compare",
    "data": "data_title",
    "survey": "survey_title",
    "workshop": "workshop_title",
    "join": "join_title",
}
"""Page address -> the text key of the heading that page shows."""

NOT_FOUND = ("Page not found", "Pagina niet gevonden")


def dialog_texts(page: Any) -> list[str]:
    """The texts of every open Streamlit dialog (and Streamlit's page-not-found modal)."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'[role=dialog], [data-testid=stDialog], [data-baseweb=modal]'))"
        ".map(d => d.innerText)")


def assert_no_not_found(page: Any, address: str, settled: bool = False) -> None:
    """No page-not-found dialog or text; ``settled``: the page's form already drew and idled."""
    if not settled:
        page.wait_for_timeout(500)  # the dialog follows the page's first message
    texts = dialog_texts(page)
    assert not texts, f"/{address}: dialog {texts!r}"
    body = page.locator("body").inner_text()
    assert not any(text in body for text in NOT_FOUND), f"/{address}: page-not-found text"


def first_heading(page: Any) -> str:
    return page.locator("[data-testid='stMain'] h1").first.inner_text().strip()


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
