"""Every page address opens its page, with no "Page not found" dialog (real browser).

Streamlit serves the default page at ``/`` and, by itself, answers that page's
own name (``/overview``) with a "Page not found" dialog over the page. A
bookmark, a link someone pastes or a README line can hold any page's address,
so each one is opened in a fresh tab, on the open server and at the sign-in
gate of a server that requires a password, and must show its own heading.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mapping import access
from mapping.ui_text import t
from tests.browser.conftest import open_app
from tests.browser_support import Server, streamlit_server

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

PASSWORD = "adressen-test wachtwoord 42"

NOT_FOUND = ("Page not found", "Pagina niet gevonden")


def dialog_texts(page: Any) -> list[str]:
    """The texts of every open Streamlit dialog (and Streamlit's page-not-found modal)."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'[role=dialog], [data-testid=stDialog], [data-baseweb=modal]'))"
        ".map(d => d.innerText)")


def assert_no_not_found(page: Any, address: str) -> None:
    page.wait_for_timeout(500)  # the dialog follows the page's first message
    texts = dialog_texts(page)
    assert not texts, f"/{address}: dialog {texts!r}"
    body = page.locator("body").inner_text()
    assert not any(text in body for text in NOT_FOUND), f"/{address}: page-not-found text"


def first_heading(page: Any) -> str:
    return page.locator("[data-testid='stMain'] h1").first.inner_text().strip()


CASES = [(address, "nl") for address in HEADINGS] + [("overview", "en"), ("network", "en")]


@pytest.mark.parametrize(("address", "lang"), CASES)
def test_every_address_opens_its_page(server, browser, address, lang):
    """Signed in (open server): each address shows its own heading, never the dialog."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_app(page, server.page_url(address, f"lang={lang}"), timeout=90_000)
        assert_no_not_found(page, address)
        assert first_heading(page) == t(HEADINGS[address], lang)
        if address == "overview":
            # The old address leads to the overview at the root, the query kept
            # (Dutch is the default, which the app leaves out of the address).
            assert page.url.rstrip("/").split("?")[0].rstrip("/") == server.url
            assert ("lang=en" in page.url) == (lang == "en")
    finally:
        context.close()


@pytest.fixture(scope="module")
def gated(tmp_path_factory) -> Iterator[Server]:
    """A server on every interface with a password: each visitor meets the sign-in form."""
    tmp = tmp_path_factory.mktemp("gated")
    with streamlit_server(tmp, env_extra={"WIJKNETWERK_PASSWORD": PASSWORD},
                          address="0.0.0.0") as running:
        yield running


GATED = [a for a in HEADINGS if a != "join"]


@pytest.mark.parametrize("address", GATED)
def test_gate_shows_the_form_at_every_address(gated, browser, address):
    """Not signed in: the sign-in form at every page address, with no dialog."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_app(page, gated.page_url(address), timeout=90_000)
        assert_no_not_found(page, address)
        assert first_heading(page) == access.message("signin_title", "nl")
    finally:
        context.close()


@pytest.mark.parametrize("address", ["overview", "network"])
def test_signing_in_opens_the_asked_page(gated, browser, address):
    """After signing in at ``/overview`` or ``/network`` that page opens, no dialog."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_app(page, gated.page_url(address), timeout=90_000)
        page.locator("input[type=password]").fill(PASSWORD)
        page.get_by_role("button", name=access.message("sign_in", "nl")).click()
        page.wait_for_function(
            "t => document.querySelector(\"[data-testid='stMain'] h1\")?.innerText === t",
            arg=t(HEADINGS[address], "nl"), timeout=90_000)
        assert_no_not_found(page, address)
    finally:
        context.close()
