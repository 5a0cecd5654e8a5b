"""Several app servers behind nginx on one PostgreSQL, on loopback: for the test and the bench.

:func:`deployment` starts what ``deploy/README.md`` describes, on free ports
of 127.0.0.1: ``n`` ``streamlit run app.py ... -- --db URL`` processes with
``WIJKNETWERK_PASSWORD`` set, and nginx in the foreground with a
configuration written by ``deploy/nginx_conf.py --standalone`` (the same
template a real installation uses). The browser helpers drive the app the way
people do: a facilitator signs in and opens joining on the workshop page, a
participant answers on the join page; the routing cookie
(``wijknetwerk_server``) decides which server a browser context reaches.

Used by ``tests/deploy/test_two_servers.py`` and ``bench/bench_two_servers.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.browser.conftest import wait_idle
from tests.browser_support import VIEWPORT, Server, block_external, free_port, wait_healthy
from tests.store.pgcluster import ENV_URL, throwaway_cluster

ROOT = Path(__file__).resolve().parents[2]
COOKIE = "wijknetwerk_server"
PASSWORD = "wijk-zuid twee servers een database"
DATASET = "wijk"
PHONE = {"width": 390, "height": 844}
READY_TIMEOUT = 60


def nginx_binary() -> str | None:
    """The nginx program (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)),
        None)


# --------------------------------------------------------------------------- PostgreSQL


@contextlib.contextmanager
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database as a URL, dropped afterwards.

    ``$MAPPING_TEST_POSTGRES_URL`` (a fresh schema there) or a throwaway
    cluster (:func:`tests.store.pgcluster.throwaway_cluster`; skips without
    server binaries).
    """
    url = os.environ.get(ENV_URL)
    if not url:
        with throwaway_cluster() as cluster:
            yield cluster.url
        return
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    scoped = make_url(url).set(drivername="postgresql+psycopg").update_query_dict(
        {"options": f"-csearch_path={schema}"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def seed(db_url: str) -> None:
    """Dataset :data:`DATASET`: one organisation (W1) and one parent group (G1), no code yet."""
    from mapping.store.repository import open_store
    from mapping.workshop.live import create_dataset

    with open_store(db_url) as store:
        if DATASET not in store.list_datasets():
            create_dataset(store, DATASET, "empty")
            store.add_organisation(DATASET, {"id": "W1", "name": "Wijkteam Zuid",
                                             "kind": "formal"})
            store.add_group(DATASET, {"id": "G1", "name": "Somalische moeders",
                                      "families": 30})


# --------------------------------------------------------------------------- processes


@dataclass
class Deployment:
    """The running proxy and app servers.

    ``servers[i]`` is reached with the cookie value ``names[i]``
    (``app1``, ``app2``, ...), the order of ``deploy/nginx_conf.py --ports``.
    """

    proxy_url: str
    servers: list[Server]
    names: list[str]
    access_log: Path
    db_url: str
    prefix: Path
    nginx: subprocess.Popen = field(repr=False)

    def address(self, name: str) -> str:
        """``127.0.0.1:PORT`` of the server with cookie value ``name``."""
        return self.servers[self.names.index(name)].url.removeprefix("http://")

    def streams(self) -> list[tuple[str, str]]:
        """(cookie value, upstream address) of every finished websocket (``/_stcore/stream``).

        nginx writes a request's line when it ends, so a websocket shows up
        once its tab (or browser context) has closed.
        """
        if not self.access_log.exists():
            return []
        found = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            if "/_stcore/stream" not in line:
                continue
            upstream = re.search(r"upstream=(\S+)", line)
            cookie = re.search(r'cookie="([^"]*)"', line)
            found.append((cookie.group(1) if cookie else "", upstream.group(1) if upstream
                          else ""))
        return found


def _start_app(tmp: Path, db_url: str, password: str) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "WIJKNETWERK_PASSWORD": password}
    env.pop("MAPPING_DB", None)  # the --db argument is the one source, as in the service file
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    log = tmp / f"streamlit-{port}.log"
    # The command line of deploy/systemd/wijknetwerk@.service.
    command = [sys.executable, "-m", "streamlit", "run", "app.py",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--", "--db", db_url]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    return process, port, log


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def deployment(tmp: Path, db_url: str, n: int = 2,
               password: str = PASSWORD) -> Iterator[Deployment]:
    """Start ``n`` app servers on ``db_url`` and nginx in front of them; stop them afterwards."""
    import pytest

    nginx = nginx_binary()
    if nginx is None:
        pytest.skip("nginx not installed (Debian package 'nginx'; tools/test.sh installs it)")
    started: list[tuple[subprocess.Popen, int, Path]] = []
    # nginx's workers run as 'nobody' when the tests run as root: its folder must be
    # readable for them (pytest's tmp_path is private to root), and nginx creates and
    # hands over its temporary-file folders inside it.
    prefix = Path(tempfile.mkdtemp(prefix="wijknetwerk-nginx-"))
    prefix.chmod(0o755)
    proxy = None
    try:
        for _ in range(n):  # all start at once: each takes a few seconds to import
            started.append(_start_app(tmp, db_url, password))
        servers = []
        for process, port, log in started:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, lambda p=process: p.poll() is None,
                         lambda log=log: log.read_text(errors="replace"), READY_TIMEOUT)
            servers.append(Server(url, process, log))
        listen = free_port()
        subprocess.run([sys.executable, str(ROOT / "deploy" / "nginx_conf.py"), "--ports",
                        *(str(port) for _, port, _ in started), "--listen",
                        f"127.0.0.1:{listen}", "--standalone", str(prefix)],
                       check=True, capture_output=True, timeout=30)
        with (prefix / "nginx.out").open("wb") as out:
            proxy = subprocess.Popen([nginx, "-p", str(prefix), "-c", "nginx.conf"],
                                     stdout=out, stderr=subprocess.STDOUT)
        proxy_url = f"http://127.0.0.1:{listen}"
        _wait_proxy(proxy_url, proxy, prefix)
        yield Deployment(proxy_url, servers, [f"app{i}" for i in range(1, n + 1)],
                         prefix / "access.log", db_url, prefix, proxy)
    finally:
        if proxy is not None:
            _stop(proxy)
        for process, _, _ in started:
            _stop(process)
        shutil.rmtree(prefix, ignore_errors=True)


def _wait_proxy(url: str, process: subprocess.Popen, prefix: Path) -> None:
    def report() -> str:
        return "nginx did not come up:\n" + "\n".join(
            (prefix / f).read_text(errors="replace") for f in ("nginx.out", "error.log")
            if (prefix / f).exists())

    wait_healthy(url, lambda: process.poll() is None, report, READY_TIMEOUT, interval=0.2)


# --------------------------------------------------------------------------- browsers


def context_on(browser: Any, deploy: Deployment, server: str | None,
               viewport: dict[str, int] = VIEWPORT) -> Any:
    """A fresh offline browser context; with ``server`` its cookie routes it there."""
    context = browser.new_context(viewport=viewport)
    block_external(context)
    if server is not None:
        context.add_cookies([{"name": COOKIE, "value": server, "url": deploy.proxy_url}])
    return context


def _settle(page: Any, timeout: float = 60_000) -> None:
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout)
    wait_idle(page, timeout)


def facilitator_opens_joining(page: Any, deploy: Deployment, password: str = PASSWORD,
                              dataset: str = DATASET) -> tuple[str, str]:
    """Sign in on the workshop page, choose ``dataset``, open joining: (code, join link)."""
    page.goto(f"{deploy.proxy_url}/workshop")
    _settle(page)
    page.locator("input[type='password']").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_role("heading", name="Werksessie").wait_for(timeout=60_000)
    wait_idle(page, 60_000)
    main = page.locator("[data-testid='stMain']")
    main.get_by_role("combobox", name="Dataset").click()
    page.get_by_role("option", name=dataset, exact=True).click()
    wait_idle(page, 60_000)
    page.get_by_role("button", name="Meedoen openen").click()
    heading = page.get_by_role("heading", name=re.compile(r"^Code: "))
    heading.wait_for(timeout=60_000)
    wait_idle(page, 60_000)
    code = heading.inner_text().removeprefix("Code: ").strip()
    link = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    return code, link


def network_ids(page: Any) -> set[str] | None:
    """Node ids of the live network drawn on ``page`` (``None`` while none is drawn)."""
    for frame in page.frames:
        try:
            ids = frame.evaluate("() => window.wijknetwerk && window.wijknetwerk.drawn"
                                 " ? window.wijknetwerk.nodes.getIds() : null")
        except Exception:  # frames come and go while Streamlit reruns
            continue
        if ids is not None:
            return set(ids)
    return None


def wait_network(page: Any, condition: Any, timeout: float = 60.0,
                 poll: float = 0.05) -> set[str]:
    """Poll the live network until ``condition(ids)`` holds; returns the ids."""
    deadline = time.monotonic() + timeout
    while True:
        ids = network_ids(page)
        if ids is not None and condition(ids):
            return ids
        if time.monotonic() > deadline:
            raise AssertionError(f"live network not as expected after {timeout}s: {ids}")
        time.sleep(poll)


def open_join(page: Any, deploy: Deployment, code: str) -> None:
    """Open the join link (the way the QR code does) and wait for the form."""
    page.goto(f"{deploy.proxy_url}/join?code={code}")
    page.get_by_role("combobox", name="Uw organisatie").wait_for(timeout=90_000)
    wait_idle(page, 90_000)


def choose_new_organisation(page: Any) -> None:
    """Step 1 of an answer: "my organisation is not listed" (Streamlit reruns)."""
    page.get_by_role("combobox", name="Uw organisatie").click()
    page.get_by_role("option", name="Mijn organisatie staat er niet bij").click()


def type_organisation(page: Any, name: str) -> None:
    """Step 2: the organisation's name (Enter commits it; Streamlit reruns)."""
    box = page.get_by_label("Naam van uw organisatie")
    box.wait_for(timeout=90_000)
    box.fill(name)
    box.press("Enter")


def tick_first_group(page: Any) -> None:
    """Step 3: the first parent group it reaches (an answer with nothing in it is refused)."""
    box = page.get_by_role("checkbox").first  # the groups come before the partner questions
    box.wait_for(timeout=90_000)
    box.check(force=True)  # Streamlit's label lies over the input and takes the click


def prepare_answer(page: Any, name: str) -> None:
    """A new organisation ``name`` typed in, one group ticked, ready to send (step by step)."""
    choose_new_organisation(page)
    wait_idle(page, 90_000)
    type_organisation(page, name)
    wait_idle(page, 90_000)
    tick_first_group(page)
    wait_idle(page, 90_000)


SEND_AT = """at => {
  const button = [...document.querySelectorAll('button')]
      .find(b => b.innerText.trim() === 'Versturen');
  if (!button) return false;
  setTimeout(() => button.click(), Math.max(0, at - Date.now()));
  return true;
}"""
"""Arm the send button to be clicked at a wall-clock moment (ms since the epoch)."""


def send_at(page: Any, at_ms: float) -> None:
    """Click "Versturen" on ``page`` at ``at_ms`` (the browser's clock; every page shares it)."""
    if not page.evaluate(SEND_AT, at_ms):
        raise AssertionError("no send button on the join page")


def wait_thanks(page: Any, timeout: float = 90_000) -> None:
    """Wait for the join page's thank-you message."""
    page.get_by_text("Dank u!").wait_for(timeout=timeout)


# --------------------------------------------------------------------------- the two scenarios


def organisation_ids(db_url: str, dataset: str = DATASET) -> dict[str, list[str]]:
    """Organisation name → ids in the store's latest version of ``dataset``."""
    from mapping.store.repository import Store

    with Store(db_url, create=False) as store:
        orgs = store.load(dataset).organisations
    found: dict[str, list[str]] = {}
    for org_id, name in zip(orgs["id"].astype(str), orgs["name"].astype(str), strict=True):
        found.setdefault(name, []).append(org_id)
    return found


def head(db_url: str, dataset: str = DATASET) -> int:
    """The latest version number of ``dataset``."""
    from mapping.store.repository import Store

    with Store(db_url, create=False) as store:
        return store.head(dataset)


@dataclass
class Answer:
    """One participant's answer and when the facilitator's screen showed it."""

    name: str
    node: str
    saved_s: float
    """From the click on "Versturen" until the participant's thank-you."""
    on_screen_s: float
    """From the click until the new node is in the facilitator's live network."""


def answer_and_watch(phone: Any, screen: Any, name: str, timeout: float = 60.0) -> Answer:
    """``phone`` (on the join form) sends organisation ``name``; time it until ``screen`` shows it.

    The clock starts when the button is clicked and stops when the
    facilitator's live network holds a node it did not hold before.
    """
    prepare_answer(phone, name)
    before = wait_network(screen, lambda ids: True)
    start = time.monotonic()
    phone.get_by_role("button", name="Versturen").click()
    # Poll the screen and the phone together: whichever comes first is recorded first.
    saved = shown = None
    new: set[str] = set()
    deadline = start + timeout
    while (saved is None or shown is None) and time.monotonic() < deadline:
        if saved is None and phone.get_by_text("Dank u!").count():
            saved = time.monotonic() - start
        if shown is None:
            ids = network_ids(screen)
            if ids is not None and ids - before:
                new = ids - before
                shown = time.monotonic() - start
        time.sleep(0.05)
    if saved is None or shown is None:
        raise AssertionError(f"answer {name!r}: saved after {saved}s, on screen after {shown}s "
                             f"(waited {timeout}s)")
    return Answer(name, sorted(new)[0], saved, shown)


@dataclass
class Crowd:
    """What happened when many participants sent at the same moment."""

    names: list[str]
    servers: dict[str, int]
    """Participants per server name (the routing cookie of their tab)."""
    head_before: int
    head_after: int
    stored: dict[str, list[str]]
    """Name → ids in the store afterwards, for the participants' names."""
    prepare_s: float
    """Opening the join link and filling in the form on every phone."""
    all_saved_s: float
    """From the common click until the last thank-you."""
    all_on_screen_s: float | None
    """From the common click until the facilitator's network held every new organisation."""


IDLE = ("() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-stale=\"true\"]'); }")
"""Streamlit has finished the page's run (``wait_idle`` without its settling pause)."""


def _idle(page: Any, timeout: float = 120_000) -> None:
    page.wait_for_function(IDLE, timeout=timeout)


def _phone_browser(browser: Any, deploy: Deployment, server: str, folder: Path) -> Any:
    """A Chromium with its own profile folder whose routing cookie names ``server``.

    A profile on disk (unlike a fresh context) keeps the compiled code of
    Streamlit's scripts, so its second and later tabs start in a fraction of
    the time; that is what makes 30 phones affordable on a small machine.
    """
    from tests.browser_support import CHROMIUM, LAUNCH_ARGS

    context = browser.browser_type.launch_persistent_context(
        str(folder), executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True,
        viewport=PHONE)
    block_external(context)
    context.add_cookies([{"name": COOKIE, "value": server, "url": deploy.proxy_url}])
    return context


def crowd_answers(browser: Any, deploy: Deployment, code: str, screen: Any | None = None,
                  n: int = 30, tag: str = "Deelnemer") -> Crowd:
    """``n`` phones answer at once, spread evenly over the servers.

    Each phone is its own tab, hence its own Streamlit session and websocket;
    the tabs of one server share one browser (fewer browsers with several
    tabs each: :func:`_phone_browser`). Every phone opens the join link and
    types a new organisation step by step, all phones advancing together (each
    step's reruns overlap on the servers); then every send button is armed to
    fire at the same instant of the browser's clock.
    """
    names = [f"{tag} {i:02d}" for i in range(1, n + 1)]
    head_before = head(deploy.db_url)
    before = wait_network(screen, lambda ids: True) if screen is not None else set()
    folders = [Path(tempfile.mkdtemp(prefix="wijknetwerk-phone-")) for _ in deploy.names]
    contexts: list[Any] = []
    try:
        start = time.monotonic()
        for server, folder in zip(deploy.names, folders, strict=True):
            contexts.append(_phone_browser(browser, deploy, server, folder))
        route = [deploy.names[i % len(deploy.names)] for i in range(n)]
        # The first tab of each browser loads (and compiles) the scripts; then the rest.
        pages = [context.pages[0] if context.pages else context.new_page()
                 for context in contexts]
        pages += [contexts[i % len(contexts)].new_page() for i in range(len(contexts), n)]
        for batch in (pages[:len(contexts)], pages[len(contexts):]):
            for page in batch:
                page.goto(f"{deploy.proxy_url}/join?code={code}", wait_until="commit")
            for page in batch:
                page.get_by_role("combobox", name="Uw organisatie").wait_for(timeout=120_000)
                _idle(page)
        for page in pages:
            choose_new_organisation(page)
        for page in pages:
            _idle(page)
        for page, name in zip(pages, names, strict=True):
            type_organisation(page, name)
        for page in pages:
            _idle(page)
        for page in pages:
            tick_first_group(page)
        for page in pages:
            _idle(page)
        prepare_s = time.monotonic() - start
        at = pages[0].evaluate("() => Date.now()") + 1000
        for page in pages:
            send_at(page, at)
        clicked = time.monotonic() + max(0.0, (at - pages[0].evaluate("() => Date.now()"))
                                         / 1000)
        for page in pages:
            wait_thanks(page, 120_000)
        all_saved_s = time.monotonic() - clicked
        all_on_screen_s = None
        if screen is not None:
            wait_network(screen, lambda ids: len(ids - before) >= n, timeout=120)
            all_on_screen_s = time.monotonic() - clicked
        servers: dict[str, int] = {}
        for server in route:
            servers[server] = servers.get(server, 0) + 1
    finally:
        for context in contexts:
            context.close()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    stored = {name: ids for name, ids in organisation_ids(deploy.db_url).items()
              if name in names}
    return Crowd(names, servers, head_before, head(deploy.db_url), stored, prepare_s,
                 all_saved_s, all_on_screen_s)
