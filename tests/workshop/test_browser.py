"""Workshop in real browsers: a phone joins, the shared screen updates by itself.

One ``streamlit run app.py`` server on a temporary SQLite store
(``MAPPING_DB``), a facilitator context (1920x1080) on the workshop page and a
participant context (phone-sized) on the join link. Offline: every non-local
request is aborted.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from mapping.workshop.live import QUIET_SECONDS
from tests.browser.conftest import find_frame, open_app, wait_idle
from tests.browser_support import VIEWPORT, block_external, launch, streamlit_server

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NEW_ORG = "Buurtvaders Zuid"


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory) -> Iterator[tuple[Any, str, str]]:
    """A server whose store holds dataset ``wijk`` with an open join code."""
    from mapping.store.repository import open_store
    from mapping.workshop.live import create_dataset

    tmp = tmp_path_factory.mktemp("workshop-browser")
    db = tmp / "workshop.sqlite"
    with open_store(str(db)) as store:
        create_dataset(store, "wijk", "empty")
        store.add_organisation("wijk", {"id": "W1", "name": "Wijkteam Zuid", "kind": "formal"})
        store.add_group("wijk", {"id": "G1", "name": "Somalische moeders", "families": 30})
        code = store.open_join("wijk")
    with streamlit_server(tmp, env_extra={"MAPPING_DB": str(db)}) as server:
        yield server, str(db), code


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pytest.importorskip("playwright")
    with launch() as opened:
        yield opened


def _context(browser: Any, viewport: dict[str, int], blocked: list[str]) -> Any:
    context = browser.new_context(viewport=viewport)
    block_external(context, blocked)
    return context


@contextmanager
def _offline(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A browser context without internet; on leaving, no request may have been blocked."""
    blocked: list[str] = []
    context = _context(browser, viewport, blocked)
    try:
        yield context
        assert not blocked, blocked
    finally:
        context.close()


def _network_has(page: Any, node: str, present: bool = True, timeout: float = 20.0) -> bool:
    """Wait until the live network iframe does (or does not) contain ``node``."""
    check = f"window.wijknetwerk && window.wijknetwerk.drawn && " \
            f"{'' if present else '!'}window.wijknetwerk.nodes.get({node!r})"
    return find_frame(page, check, timeout) is not None


def _offered(page: Any, box: str, option: str, timeout: float) -> None:
    """Open the select box ``box`` until it lists ``option`` (the list is the one drawn at the
    last full page run, so a closed box is opened again after the next one)."""
    deadline = time.monotonic() + timeout
    while True:
        page.get_by_role("combobox", name=box).first.click()
        try:
            page.get_by_role("option", name=option).wait_for(timeout=2_000)
        except Exception:
            page.keyboard.press("Escape")
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(500)
            continue
        page.keyboard.press("Escape")
        return


def test_participant_submits_and_shared_screen_updates(workshop_server, browser):
    from mapping.store.repository import Store

    server, db, code = workshop_server
    blocked: list[str] = []
    facilitator_ctx = _context(browser, VIEWPORT, blocked)
    participant_ctx = _context(browser, PHONE, blocked)
    try:
        screen = facilitator_ctx.new_page()
        open_app(screen, server.page_url("workshop", "ds=wijk"))
        assert _network_has(screen, "o:W1"), "the live network was not drawn"

        phone = participant_ctx.new_page()
        open_app(phone, server.page_url("join", f"code={code}"))
        # A participant sees the join page only: no sidebar with other pages or datasets.
        assert phone.locator("[data-testid='stSidebar']").count() == 0
        phone.get_by_role("combobox", name="Uw organisatie").click()
        phone.get_by_role("option", name="Mijn organisatie staat er niet bij").click()
        wait_idle(phone)
        name_box = phone.get_by_label("Naam van uw organisatie")
        name_box.fill(NEW_ORG)
        name_box.press("Enter")
        wait_idle(phone)
        phone.get_by_text("Somalische moeders").click()
        wait_idle(phone)
        phone.get_by_role("button", name="Versturen").click()
        phone.get_by_text("Dank u!").wait_for(timeout=20_000)

        with Store(db, create=False) as store:
            orgs = store.load("wijk").organisations
            new_id = orgs.loc[orgs["name"] == NEW_ORG, "id"].iloc[0]
            head = store.head("wijk")

        # The shared screen picks it up by itself (fragment polling), no reload.
        screen.get_by_text(NEW_ORG, exact=False).first.wait_for(timeout=20_000)
        assert _network_has(screen, f"o:{new_id}"), "new organisation not in the network"
        assert _network_has(screen, "o:W1")

        # Only the live part reran for the answer; once the room is quiet the whole page
        # reruns once (CatchUp), so the forms offer the new organisation too.
        screen.get_by_role("tab", name="Bereik toevoegen").click()
        _offered(screen, "Organisatie", NEW_ORG, timeout=QUIET_SECONDS + 20)

        # Undo on the shared screen takes the participant's answer back.
        screen.get_by_role("button", name="Laatste wijziging ongedaan maken").click()
        assert _network_has(screen, f"o:{new_id}", present=False), "undo did not remove it"
        with Store(db, create=False) as store:
            assert store.head("wijk") == head + 1
            assert NEW_ORG not in set(store.load("wijk").organisations["name"])
        assert not blocked, blocked
    finally:
        facilitator_ctx.close()
        participant_ctx.close()


def test_wrong_code_is_refused(workshop_server, browser):
    server, _, _ = workshop_server
    with _offline(browser, PHONE) as context:
        phone = context.new_page()
        open_app(phone, server.page_url("join", "code=ZZZZZZ"))
        phone.get_by_text("Deze code klopt niet").wait_for(timeout=10_000)
        assert phone.get_by_role("button", name="Versturen").count() == 0


# --------------------------------------------------------------------------- issue 11


def _head(db: str) -> int:
    from mapping.store.repository import Store

    with Store(db, create=False) as store:
        return store.head("wijk")


def test_double_tap_on_send_saves_once(workshop_server, browser):
    """A double tap on "Versturen" is one answer: one version (submission token)."""
    server, db, code = workshop_server
    with _offline(browser, PHONE) as context:
        phone = context.new_page()
        open_app(phone, server.page_url("join", f"code={code}"))
        phone.get_by_role("combobox", name="Uw organisatie").click()
        phone.get_by_role("option", name="Wijkteam Zuid").click()
        wait_idle(phone)
        phone.get_by_text("Somalische moeders").click()
        wait_idle(phone)
        before = _head(db)
        send = phone.get_by_role("button", name="Versturen")
        # Two taps as a thumb makes them: the second lands while the first is being saved.
        send.dispatch_event("click")
        phone.wait_for_timeout(150)
        send.dispatch_event("click")
        phone.get_by_text("Dank u!").wait_for(timeout=20_000)
        wait_idle(phone)
        phone.wait_for_timeout(1500)  # a second save would land by now
        assert _head(db) == before + 1
        assert phone.get_by_text("nog leeg").count() == 0  # the second tap is no new answer


def test_join_on_a_phone_hides_the_sidebar_and_fits(workshop_server, browser):
    """``/join`` in a facilitator's (open) session on a phone: no sidebar, nothing wider."""
    server, _, _ = workshop_server
    with _offline(browser, PHONE) as context:
        phone = context.new_page()
        open_app(phone, server.page_url("join"))
        # The join page's stylesheet mounts after the sidebar of the facilitator's session:
        # wait for it to hide the sidebar (it fails if the sidebar stays visible).
        phone.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stSidebar]')]"
            ".every(s => getComputedStyle(s).display === 'none')", timeout=15_000)
        sidebar = phone.locator("[data-testid='stSidebar']")
        assert sidebar.count() == 0 or not sidebar.is_visible()
        assert phone.locator("[data-testid='stExpandSidebarButton']").count() == 0 or \
            not phone.locator("[data-testid='stExpandSidebarButton']").is_visible()
        box = phone.get_by_role("textbox").first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        # Big touch targets on the join page itself.
        button = phone.get_by_role("button", name="Verder").bounding_box() or {}
        assert button.get("height", 0) >= 44


def _settled(page, script: str, tries: int = 20) -> list:
    """``script``'s result once two reads half a second apart agree (the sidebar has drawn)."""
    last = page.evaluate(script)
    for _ in range(tries):
        page.wait_for_timeout(500)
        now = page.evaluate(script)
        if now == last:
            return now
        last = now
    return last


def test_join_styles_stay_on_the_join_page(workshop_server, browser):
    """The phone styles make the join page big; the desktop sidebar keeps its own sizes."""
    server, _, _ = workshop_server
    with _offline(browser, VIEWPORT) as context:
        sizes = ("() => [...document.querySelectorAll('[data-testid=stSidebar] p,"
                 " [data-testid=stSidebar] label, [data-testid=stSidebar] button')]"
                 ".map(e => getComputedStyle(e).fontSize + '/' + getComputedStyle(e).minHeight)")
        page = context.new_page()
        open_app(page, server.page_url("overview"))
        normal = _settled(page, sizes)
        open_app(page, server.page_url("join"))
        assert page.locator("[data-testid='stSidebar']").is_visible()  # a desktop: kept
        assert _settled(page, sizes)[:len(normal)] == normal and normal
        main = page.evaluate("() => getComputedStyle(document.querySelector("
                             "'.st-key-join_page p')).fontSize")
        assert main == "18.4px"  # 1.15rem: the join page's own type


def test_qr_code_full_screen_for_the_projector(workshop_server, browser):
    server, _, code = workshop_server
    with _offline(browser, VIEWPORT) as context:
        screen = context.new_page()
        open_app(screen, server.page_url("workshop", "ds=wijk"))
        screen.get_by_role("button", name="QR-code op het hele scherm").click()
        wait_idle(screen)
        # The picture is laid out once it has loaded.
        screen.wait_for_function("() => { const i = document.querySelector("
                                 "'.st-key-ws_qr_page img'); return i && i.complete"
                                 " && i.getBoundingClientRect().height > 0; }")
        qr = screen.locator(".st-key-ws_qr_page img").bounding_box()
        height = VIEWPORT["height"]
        assert qr and qr["height"] >= 0.6 * height and qr["y"] + qr["height"] <= height
        assert abs(qr["width"] - qr["height"]) < 2  # square, not stretched
        # Waits, not snapshots: on a busy machine the rerun may still be drawing.
        screen.locator("[data-testid='stSidebar']").wait_for(state="hidden", timeout=30_000)
        screen.get_by_text(code[:4], exact=False).first.wait_for(state="visible",
                                                                  timeout=30_000)
        screen.get_by_role("button", name="Terug naar de werksessie").click()
        wait_idle(screen)
        screen.get_by_role("button", name="QR-code op het hele scherm").wait_for(
            state="visible", timeout=30_000)


def test_presentation_mode_gives_the_network_the_screen(workshop_server, browser):
    """``?present=1``: the live network takes at least 70 % of a 1920x1080 screen."""
    server, _, _ = workshop_server
    with _offline(browser, VIEWPORT) as context:
        screen = context.new_page()
        open_app(screen, server.page_url("workshop", "ds=wijk&present=1"))
        assert _network_has(screen, "o:W1")
        wait_idle(screen)  # the presentation stylesheet sizes the frame after the first run
        box = screen.locator(".st-key-ws_live iframe").bounding_box()
        area = VIEWPORT["width"] * VIEWPORT["height"]
        assert box["width"] * box["height"] >= 0.7 * area, box
        assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"] + 1
        frame = find_frame(screen, "document.getElementById('legend')")
        assert frame.evaluate("() => document.getElementById('legend').open") is False
