"""Shared Playwright settings for real-browser tests (headless Debian Chromium, offline).

Usage in a test module::

    from tests.browser_support import browser_page  # noqa: F401  (or copy the fixture)

or call :func:`launch` / :func:`block_external` directly. Every request that
does not go to localhost, 127.0.0.1, ``file:``, ``data:``, ``blob:`` or
``about:`` is aborted, so a test passes only if the page needs no internet.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
