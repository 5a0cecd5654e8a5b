"""Sign-in and roles in a real browser, against a server reachable from the network.

One ``streamlit run app.py`` server bound to ``0.0.0.0`` (every interface, so
sign-in is required) with ``WIJKNETWERK_PASSWORD`` set; the browser connects
through 127.0.0.1. Its store holds the seeded demo district (``demo``) and a
dataset ``wijk`` with an open join code. A fresh context opens every page
address, with and without ``?code=`` (a valid and a wrong one), and with
``?src=store&sds=demo&names=1``, each a new page load (a new session), and must
see only the sign-in form or the join form and nothing of any dataset. After
signing in the pages work; a participant with a valid code reaches nothing
else. A second server without a password shows that a one-time password is
printed on its console (once) and works.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mapping.ui_text import t
from tests.browser.conftest import (
    NETWORK_DRAWN,
    find_frame,
    wait_idle,
)
from tests.browser_support import (
    HEADINGS,
    VIEWPORT,
    Server,
    assert_no_not_found,
    block_external,
    module_browser,
    streamlit_server,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "wijk-zuid correct horse battery"
WRONG = "geen-idee-123"
PAGES = ("", "overview", "network", "map", "gaps", "collaboration", "data", "workshop", "join")
PHONE = {"width": 390, "height": 844}


@contextmanager
def network_server(tmp: Path, db: Path, password: str | None) -> Iterator[Server]:
    """``streamlit run app.py`` on ``0.0.0.0`` (non-loopback), like a workshop server."""
    extra = {"MAPPING_DB": f"sqlite:///{db}"}
    if password is not None:
        extra["WIJKNETWERK_PASSWORD"] = password
    with streamlit_server(tmp, env_extra=extra, address="0.0.0.0",
                          env_drop=("WIJKNETWERK_PASSWORD",)) as server:
        yield server


@pytest.fixture(scope="module")
def secured(tmp_path_factory) -> Iterator[tuple[Server, str]]:
    """The password-protected server and the open join code of dataset ``wijk``."""
    from mapping.store.repository import open_store
    from mapping.workshop.live import create_dataset

    tmp = tmp_path_factory.mktemp("access-browser")
    db = tmp / "store.sqlite"
    with open_store(f"sqlite:///{db}") as store:  # seeds the demo district as "demo"
        create_dataset(store, "wijk", "empty")
        store.add_organisation("wijk", {"id": "W1", "name": "Wijkteam Zuid", "kind": "formal"})
        store.add_group("wijk", {"id": "G1", "name": "Somalische moeders", "families": 30})
        code = store.open_join("wijk")
        assert "demo" in store.list_datasets()
    with network_server(tmp, db, PASSWORD) as server:
        yield server, code


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with module_browser() as opened:
        yield opened


def _secrets_of_the_demo() -> list[str]:
    """Organisation names and contact persons of the demo district (must never leak)."""
    frame = pd.read_csv(ROOT / "data" / "demo" / "organisations.csv")
    values = list(frame["name"].dropna()) + list(frame["contact"].dropna())
    groups = pd.read_csv(ROOT / "data" / "demo" / "parent_groups.csv")
    values += list(groups["name"].dropna())
    return sorted({str(v) for v in values if len(str(v)) > 3})


def _settle(page: Any, timeout: float = 30_000) -> None:
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout)
    wait_idle(page, timeout)


def _visible_text_and_html(page: Any) -> str:
    parts = [page.content()]
    for frame in page.frames:
        try:
            parts.append(frame.content())
        except Exception:  # a frame that went away meanwhile
            continue
    return "\n".join(parts)


def _role_shown(page: Any) -> str:
    """``signin``, ``join`` or ``other`` from the page's title."""
    title = page.locator("[data-testid='stMain'] h1").first.inner_text().strip()
    if title in ("Aanmelden", "Sign in"):
        return "signin"
    if title in ("Doe mee", "Join in"):
        return "join"
    return f"other: {title}"


def _open_gated(tab: Any, server: Server, path: str, query: str, code: str,
                opened: bool = False) -> str:
    """Open ``path?query`` in ``tab``, wait for the form it must show; the role shown.

    The join form for the open code, the refusal for another code, the name step
    on ``/join`` without one, else the sign-in form (the machine may be busy).
    ``opened``: the tab already went to the address (several load side by side).
    """
    if not opened:
        tab.goto(server.page_url(path, query))
    # The title, then the form this address must show, then one settled idle moment (the
    # form's elements are the condition; an idle wait before them only added a pause).
    tab.wait_for_selector("[data-testid='stMain'] h1", timeout=30_000)
    if f"code={code}" in query:
        tab.get_by_role("button", name="Versturen").wait_for(timeout=30_000)
    elif "code=" in query:
        tab.get_by_text("Deze code klopt niet").wait_for(timeout=30_000)
    elif path == "join":
        tab.get_by_role("button", name="Verder").wait_for(timeout=30_000)
    else:
        tab.locator("input[type='password']").wait_for(timeout=30_000)
    wait_idle(tab)
    return _role_shown(tab)


def test_every_address_without_sign_in_shows_only_a_form(secured, browser):
    server, code = secured
    secrets = _secrets_of_the_demo()
    blocked: list[str] = []
    context = browser.new_context(viewport=VIEWPORT)
    block_external(context, blocked)
    # What a query holds is judged on the server before any page runs, and the AppTest
    # `test_without_sign_in_only_the_form_is_rendered` runs every such query on every page.
    # What only a browser shows (Streamlit's "Page not found" dialog, a frame, the
    # sidebar) depends on the address and on which form answers it, so every address is
    # opened once asking for sign-in and once with a code, the two queries of each kind
    # taking turns over the addresses.
    without_code = ("", "src=store&sds=demo&names=1")
    with_code = (f"code={code}", "code=ZZZZ-ZZZZ-ZZ")
    seen: dict[str, str] = {}
    try:
        # Two tabs loading side by side: the server answers both sessions at once, as it
        # would a room. Each address is a new page load in its tab, hence a new Streamlit
        # session that has not signed in (nothing carries over a load: the participant
        # test below relies on that too); reusing the tab spares Chromium a new renderer
        # process and the scripts' compilation per address.
        tabs = [context.new_page(), context.new_page()]
        for number, path in enumerate(PAGES):
            queries = (without_code[number % 2], with_code[number // 2 % 2])
            for query, tab in zip(queries, tabs, strict=True):
                tab.goto(server.page_url(path, query), wait_until="commit")
            for query, tab in zip(queries, tabs, strict=True):
                role = _open_gated(tab, server, path, query, code, opened=True)
                seen[f"/{path}?{query}"] = role
                assert_no_not_found(tab, f"{path}?{query}", settled=True)  # Streamlit dialog
                html = _visible_text_and_html(tab)
                leaked = [s for s in secrets if s in html]
                assert not leaked, (path, query, leaked[:5])
                assert tab.locator("[data-testid='stSidebarNav']").count() == 0, (path, query)
                assert tab.locator("iframe").count() == 0, (path, query)  # no network, no map
                if query.startswith("code=") or path == "join":
                    assert role == "join", (path, query, role)
                    assert tab.locator("input[type='password']").count() == 0
                else:
                    assert role == "signin", (path, query, role)
                    assert tab.locator("input[type='password']").count() == 1
        assert not blocked, blocked
    finally:
        context.close()
    assert len(seen) == len(PAGES) * 2
    assert {address.split("?", 1)[1] for address in seen} == {*without_code, *with_code}


def _sign_in(tab: Any, password: str) -> None:
    box = tab.locator("input[type='password']")
    box.fill(password)
    tab.get_by_role("button", name="Aanmelden").click()
    wait_idle(tab)


def test_after_sign_in_the_pages_work(secured, browser):
    server, _ = secured
    blocked: list[str] = []
    context = browser.new_context(viewport=VIEWPORT)
    block_external(context, blocked)
    try:
        tab = context.new_page()
        tab.goto(server.page_url("workshop", "ds=wijk"))
        _settle(tab)
        assert _role_shown(tab) == "signin"
        _sign_in(tab, WRONG)
        tab.get_by_text("Dit wachtwoord klopt niet").wait_for(timeout=10_000)
        assert _role_shown(tab) == "signin"
        _sign_in(tab, PASSWORD)
        # The same address now shows the workshop, with the sidebar and sign-out.
        tab.get_by_role("heading", name="Werksessie").wait_for(timeout=30_000)
        wait_idle(tab)
        assert tab.get_by_role("button", name="Afmelden").count() == 1
        assert tab.locator("[data-testid='stSidebarNav']").count() == 1
        # Navigating inside the session keeps the sign-in: the network is drawn.
        tab.locator("[data-testid='stSidebarNav']").get_by_text("Netwerk").click()
        _settle(tab)
        assert find_frame(tab, NETWORK_DRAWN, timeout=30) is not None, "network not drawn"
        # The saved demo with names: contact persons are shown to the signed-in team only.
        tab.locator("[data-testid='stSidebarNav']").get_by_text("Overzicht").click()
        _settle(tab)
        assert _role_shown(tab).startswith("other"), _role_shown(tab)
        # Sign out: back to the form, nothing of the app left.
        tab.get_by_role("button", name="Afmelden").click()
        tab.get_by_role("heading", name="Aanmelden").wait_for(timeout=20_000)
        wait_idle(tab)
        assert tab.locator("[data-testid='stSidebarNav']").count() == 0
        assert not blocked, blocked
    finally:
        context.close()
    log = server.log.read_text(errors="replace")
    assert "failed sign-in" in log and "facilitator signed in" in log
    assert WRONG not in log and PASSWORD not in log  # typed passwords are never logged


@pytest.mark.parametrize("path", ["overview", "network"])
def test_signing_in_opens_the_asked_page(secured, browser, path):
    """After signing in at ``/overview`` or ``/network`` that page opens, with no dialog."""
    server, _ = secured
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        tab.goto(server.page_url(path))
        _settle(tab)
        _sign_in(tab, PASSWORD)
        tab.wait_for_function(
            "t => document.querySelector(\"[data-testid='stMain'] h1\")?.innerText === t",
            arg=t(HEADINGS[path], "nl"), timeout=90_000)
        assert_no_not_found(tab, path)
    finally:
        context.close()


def test_participant_reaches_nothing_else(secured, browser):
    server, code = secured
    secrets = _secrets_of_the_demo()
    blocked: list[str] = []
    context = browser.new_context(viewport=PHONE)
    block_external(context, blocked)
    try:
        phone = context.new_page()
        phone.goto(server.page_url("join", f"code={code}"))
        _settle(phone)
        assert _role_shown(phone) == "join"
        phone.get_by_role("button", name="Versturen").wait_for(timeout=10_000)
        assert phone.locator("[data-testid='stSidebar']").count() == 0
        # Editing the address (same tab) or opening another page (new tab) with or
        # without the code: the join form or the sign-in form, never a page or a dataset.
        # (Every address and query without a session: the gate test above.)
        for path, query in (("data", "src=store&sds=demo&names=1"),
                            ("network", f"code={code}&ds=demo"), ("", "src=store&sds=wijk")):
            for tab in (phone, context.new_page()):
                role = _open_gated(tab, server, path, query, code)
                assert role == ("join" if "code=" in query else "signin"), (path, query, role)
                html = _visible_text_and_html(tab)
                assert not [s for s in secrets if s in html], (path, query)
                assert tab.locator("[data-testid='stSidebarNav']").count() == 0
                if tab is not phone:
                    tab.close()
        assert not blocked, blocked
    finally:
        context.close()


def test_one_time_password_printed_once_and_required(tmp_path, browser):
    """No password set on a network server: one is generated, printed once, and works."""
    db = tmp_path / "store.sqlite"
    with network_server(tmp_path, db, None) as server:
        context = browser.new_context(viewport=VIEWPORT)
        block_external(context)
        try:
            tabs = []
            for _ in range(2):
                tab = context.new_page()
                tab.goto(server.page_url("data", "src=store&sds=demo&names=1"))
                _settle(tab)
                assert _role_shown(tab) == "signin"
                tabs.append(tab)
            log = server.log.read_text(errors="replace")
            found = re.findall(r"One-time facilitator password: (\S+)", log)
            assert len(found) == 1, log
            password = found[0]
            assert len(password) >= 24
            for tab in tabs:
                assert password not in _visible_text_and_html(tab)
            _sign_in(tabs[0], password)
            tabs[0].get_by_role("button", name="Afmelden").wait_for(timeout=30_000)
            assert _role_shown(tabs[0]).startswith("other")
        finally:
            context.close()
