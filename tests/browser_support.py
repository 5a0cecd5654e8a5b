"""Shared Playwright settings for real-browser tests (headless Debian Chromium, offline).

Usage in a test module::

    from tests.browser_support import browser_page  # noqa: F401  (or copy the fixture)

or call :func:`launch` / :func:`block_external` directly. Every request that
does not go to localhost, 127.0.0.1, ``file:``, ``data:``, ``blob:`` or
``about:`` is aborted, so a test passes only if the page needs no internet.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1920, "height": 1080}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
LOCAL_SCHEMES = {"file", "data", "blob", "about"}


def is_local(url: str) -> bool:
    """Whether ``url`` points at this machine (or is an inline/data URL)."""
    parts = urlparse(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


def block_external(context: Any, blocked: list[str] | None = None) -> None:
    """Abort every request of ``context`` that is not local; record them in ``blocked``."""

    def handle(route: Any) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            route.abort()

    context.route("**/*", handle)


_SHARED: dict[str, Any] = {"users": 0, "manager": None, "browser": None}


@contextmanager
def launch(headless: bool = True) -> Iterator[Any]:
    """Start Playwright with the system Chromium; yields the ``Browser``.

    Nested calls share one Playwright and one browser: the sync API refuses a
    second instance while one is running, and test directories keep their own
    browser fixtures (a session-scoped one in ``tests/browser`` outlives the
    module-scoped ones elsewhere). The last caller to leave closes it.
    """
    if _SHARED["users"] == 0:
        from playwright.sync_api import sync_playwright

        manager = sync_playwright()
        playwright = manager.__enter__()
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS,
                                                 headless=headless)
        except BaseException:
            manager.__exit__(None, None, None)
            raise
        _SHARED.update(manager=manager, browser=browser)
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if _SHARED["users"] == 0:
            try:
                _SHARED["browser"].close()
            finally:
                _SHARED["manager"].__exit__(None, None, None)
                _SHARED.update(manager=None, browser=None)


@contextmanager
def offline_page(browser: Any, blocked: list[str] | None = None,
                 dialogs: list[str] | None = None) -> Iterator[Any]:
    """A 1920x1080 page in a fresh context with external requests aborted.

    ``dialogs`` collects the message of every ``alert``/``confirm``/``prompt``
    (each is dismissed), so an escaping test can assert that none appeared.
    """
    context = browser.new_context(viewport=VIEWPORT)
    block_external(context, blocked)
    page = context.new_page()
    if dialogs is not None:
        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
    try:
        yield page
    finally:
        context.close()


# --------------------------------------------------------------------------- servers

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running Streamlit app: its base URL and process."""

    def __init__(self, url: str, process: subprocess.Popen, log: Path) -> None:
        self.url, self.process, self.log = url, process, log

    def page_url(self, page: str = "", query: str = "") -> str:
        """The URL of ``page`` with ``query`` (without ``?``)."""
        return f"{self.url}/{page}" + (f"?{query}" if query else "")


def wait_healthy(url: str, running: Callable[[], bool], report: Callable[[], str],
                 timeout: float = READY_TIMEOUT, interval: float = 0.3) -> None:
    """Poll ``url/_stcore/health`` until it answers 200; raise with ``report()`` otherwise.

    ``running`` says whether the server process still lives (a dead one fails at once).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not running():
            raise RuntimeError(f"server exited:\n{report()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"server not healthy after {timeout}s:\n{report()}")


def stop(process: subprocess.Popen) -> None:
    """Terminate ``process``; kill it when it does not end within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def streamlit_server(tmp: Path, app_args: Sequence[str] = (),
                     env_extra: dict[str, str] | None = None, *, address: str = "127.0.0.1",
                     env_drop: Sequence[str] = ()) -> Iterator[Server]:
    """Start ``streamlit run app.py`` on a free port; wait for ``/_stcore/health``.

    The app's store (its "saved dataset" source) is in ``tmp`` unless ``env_extra``
    names another ``MAPPING_DB``, never in the user's own ``~/.local/share``.
    ``env_drop`` removes variables (``WIJKNETWERK_PASSWORD``) from the environment.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in env_drop}
    env.update({"PYTHONUNBUFFERED": "1", "MAPPING_DB": f"sqlite:///{tmp / 'store.sqlite'}",
                **(env_extra or {})})
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    log = tmp / f"streamlit-{port}.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", address,
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    if app_args:
        command += ["--", *app_args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, lambda: process.poll() is None,
                     lambda: log.read_text(errors="replace"))
        yield Server(url, process, log)
    finally:
        stop(process)


@contextmanager
def module_browser() -> Iterator[Any]:
    """Chromium for one test module (skips when Playwright is not installed)."""
    import pytest

    pytest.importorskip("playwright")
    with launch() as opened:
        yield opened


# --------------------------------------------------------------------------- page addresses
# Shared by the address tests of the open server (tests/browser/test_pages_addresses.py)
# and of the sign-in gate (tests/security/test_access_browser.py).

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
    """The text of the page's first heading (its title)."""
    return page.locator("[data-testid='stMain'] h1").first.inner_text().strip()


_NODE_POINT = ("id => { const n = window.wijknetwerk.network;"
               " const p = n.canvasToDOM(n.getPositions([id])[id]);"
               " const r = document.getElementById('network').getBoundingClientRect();"
               " return {x: p.x + r.left, y: p.y + r.top}; }")


def hover_node(page: Any, node: str) -> Any:
    """Move the mouse onto network node ``node``; the visible vis-network tooltip."""
    point = page.evaluate(_NODE_POINT, node)
    page.mouse.move(point["x"] + 40, point["y"] + 40)
    page.mouse.move(point["x"], point["y"], steps=4)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    return tooltip
