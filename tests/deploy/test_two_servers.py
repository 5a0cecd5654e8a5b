"""Two app servers behind nginx on one PostgreSQL (issue 11, point 1), in real browsers.

A throwaway PostgreSQL, two ``streamlit run app.py --server.address
127.0.0.1 -- --db postgresql+psycopg://...`` processes with a facilitator
password, and nginx with the configuration ``deploy/nginx_conf.py`` writes
from ``deploy/nginx/wijknetwerk.conf.template``, all on loopback ports
(:mod:`tests.deploy.harness`). The routing cookie puts the facilitator on
server B and a participant on server A:

* the proxy gives a browser a server (both get browsers) and keeps it there;
* the facilitator signs in through the proxy, opens the dataset and joining,
  and the join link points at the proxy, not at an app server;
* a participant answering through server A appears in the live network of the
  facilitator's screen, served by server B, without a reload (the time from
  the click to the screen is printed; ``bench/bench_two_servers.py`` reports it);
* A room of participants (8 in CI, four per server; 30 with WIJKNETWERK_TEST_CROWD=30)
  sending at once lose nothing: one new version and organisation per answer, each once,
  all on the facilitator's screen;
* nginx's log shows every websocket reached the server its cookie names.
"""

from __future__ import annotations

import os
import re
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import module_browser
from tests.deploy import harness as h

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SCREEN_SERVER, PHONE_SERVER = "app2", "app1"  # B shows the screen, A takes the answer


@pytest.fixture(scope="module")
def deploy(tmp_path_factory) -> Iterator[h.Deployment]:
    tmp = tmp_path_factory.mktemp("two-servers")
    with h.postgres_url() as db_url:
        h.seed(db_url)
        with h.deployment(tmp, db_url, n=2) as running:
            yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with module_browser() as opened:
        yield opened


@pytest.fixture(scope="module")
def screen(browser, deploy) -> Iterator[tuple[Any, str, str]]:
    """The facilitator's workshop page on server B with joining open: (page, code, link)."""
    context = h.context_on(browser, deploy, SCREEN_SERVER)
    try:
        page = context.new_page()
        code, link = h.facilitator_opens_joining(page, deploy)
        yield page, code, link
    finally:
        context.close()


def _get(url: str, cookie: str | None = None) -> tuple[int, str | None]:
    """Status and the proxy's routing cookie (``None``: not set) of a GET."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        ours = [c for c in response.headers.get_all("Set-Cookie") or []
                if c.startswith(f"{h.COOKIE}=")]
    assert len(ours) <= 1, ours
    return response.status, (ours[0] if ours else None)


def test_the_proxy_gives_each_browser_a_server_and_keeps_it(deploy):
    given = []
    for _ in range(24):
        status, set_cookie = _get(f"{deploy.proxy_url}/_stcore/health")
        assert status == 200
        match = re.fullmatch(rf"{h.COOKIE}=(app[12]); Path=/; HttpOnly; SameSite=Lax",
                             set_cookie or "")
        assert match, set_cookie
        given.append(match.group(1))
    assert set(given) == {"app1", "app2"}, given  # 24 coin flips: both servers get browsers
    for name in deploy.names:  # a browser that has its server keeps it: no new cookie
        assert _get(f"{deploy.proxy_url}/_stcore/health", f"{h.COOKIE}={name}") == (200, None)
    # A cookie naming no server (stale, or typed by hand) is replaced by a real one.
    _, set_cookie = _get(f"{deploy.proxy_url}/_stcore/health", f"{h.COOKIE}=app9")
    assert re.match(rf"{h.COOKIE}=app[12];", set_cookie or ""), set_cookie


def test_facilitator_signs_in_on_server_b_and_opens_joining(deploy, screen):
    page, code, link = screen
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}", code), code
    from mapping.store.repository import Store, normalise_code

    with Store(deploy.db_url, create=False) as store:
        assert store.join_code(h.DATASET) == normalise_code(code)
    # Phones must come in through the proxy, never straight to one app server.
    assert link == f"{deploy.proxy_url}/join?code={normalise_code(code)}", link
    assert "o:W1" in h.wait_network(page, lambda ids: "o:W1" in ids)
    signed_in = ["facilitator signed in" in s.log.read_text(errors="replace")
                 for s in deploy.servers]
    assert signed_in == [False, True], signed_in  # on B (app2) only


def test_answer_through_server_a_appears_on_the_screen_of_server_b(deploy, screen, browser):
    page, code, _ = screen
    context = h.context_on(browser, deploy, PHONE_SERVER, h.PHONE)
    answers = []
    try:
        phone = context.new_page()
        h.open_join(phone, deploy, code)
        for i in range(1, 4):
            answers.append(h.answer_and_watch(phone, page, f"Buurtvaders A{i}"))
    finally:
        context.close()
    stored = h.organisation_ids(deploy.db_url)
    for answer in answers:
        assert stored.get(answer.name) == [answer.node.removeprefix("o:")], answer
    figures = ", ".join(f"{a.on_screen_s:.2f}" for a in answers)
    print(f"\nanswer on server A -> facilitator's screen on server B: {figures} s")
    # nginx logs a websocket when it closes: the phone's went to A.
    address_a = deploy.address(PHONE_SERVER)
    deadline = time.monotonic() + 10
    while not [s for s in deploy.streams() if s[0] == PHONE_SERVER]:
        assert time.monotonic() < deadline, deploy.streams()
        time.sleep(0.2)
    phone_streams = [s for s in deploy.streams() if s[0] == PHONE_SERVER]
    assert {upstream for _, upstream in phone_streams} == {address_a}, phone_streams


# The full room (30 phones) takes minutes on a 2-CPU machine, mostly Chromium starting 30
# Streamlit pages; CI runs 8 at once (four per server), `WIJKNETWERK_TEST_CROWD=30` the
# full room in tabs, and bench/bench_crowd.py 30 phones over Streamlit's own protocol.
CROWD = int(os.environ.get("WIJKNETWERK_TEST_CROWD", "8"))


@pytest.mark.slow
def test_a_room_of_participants_at_once_loses_nothing(deploy, screen, browser):
    page, code, _ = screen
    crowd = h.crowd_answers(browser, deploy, code, screen=page, n=CROWD)
    print(f"\n{CROWD} at once: all saved {crowd.all_saved_s:.2f} s after the click, all on the "
          f"screen after {crowd.all_on_screen_s:.2f} s (forms filled in "
          f"{crowd.prepare_s:.1f} s); per server {crowd.servers}")
    assert crowd.head_after - crowd.head_before == CROWD  # one version per answer
    assert sorted(crowd.stored) == crowd.names  # every answer arrived ...
    assert all(len(ids) == 1 for ids in crowd.stored.values()), crowd.stored  # ... once
    # Every websocket reached the server its cookie names (none crossed over).
    deadline = time.monotonic() + 10
    while len(deploy.streams()) < CROWD:
        assert time.monotonic() < deadline, deploy.streams()
        time.sleep(0.2)
    crossed = [s for s in deploy.streams() if s[0] in deploy.names
               and s[1] != deploy.address(s[0])]
    assert not crossed, crossed
    for name, phones in crowd.servers.items():  # and each server had its half of the phones
        assert sum(1 for s in deploy.streams() if s[1] == deploy.address(name)) >= phones
