"""A real ``streamlit run app.py`` server per session, and Chromium pages against it.

Chromium settings (system binary, flags, 1920x1080, offline routing) come from
``tests/browser_support.py``. Each server runs on a free port with
``--server.headless true`` and is stopped when the session ends.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import VIEWPORT, Server, block_external, module_browser
from tests.browser_support import streamlit_server as streamlit_server  # used by other tests

ROOT = Path(__file__).resolve().parents[2]

DEMO = ROOT / "data" / "demo"


HOSTILE = "vijandig"
"""Saved dataset (in the server's store) whose names are script tags and onerror attributes."""


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """The one app server of the session: the demo district by default.

    Its store also holds the hostile district as saved dataset :data:`HOSTILE`,
    so the escaping test opens it on this server (``?src=store&sds=vijandig``)
    instead of starting a second one.
    """
    from mapping.store.repository import open_store
    from tests.render.conftest import make_dataset

    tmp = tmp_path_factory.mktemp("server")
    url = f"sqlite:///{tmp / 'store.sqlite'}"
    hostile = served_dataset(write_folder(make_dataset(evil=True), tmp / "hostile"))
    with open_store(url) as db:
        db.create_dataset(HOSTILE, hostile, author="tests")
    with streamlit_server(tmp, env_extra={"MAPPING_DB": url}) as running:
        running.hostile = hostile
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with module_browser() as b:
        yield b


class Watch:
    """What a page did that it should not: dialogs, blocked requests, console errors."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def page(browser) -> Iterator[Any]:
    """A 1920x1080 offline page (non-local requests aborted); ``page.watch`` records."""
    context = browser.new_context(viewport=VIEWPORT)
    watch = Watch()
    block_external(context, watch.blocked)
    tab = context.new_page()

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    tab.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    tab.watch = watch
    yield tab
    context.close()


def open_app(page: Any, url: str, timeout: float = 30_000) -> None:
    """Go to ``url`` and wait until Streamlit has finished running the script."""
    page.goto(url)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout)
    wait_idle(page, timeout)


def wait_idle(page: Any, timeout: float = 30_000) -> None:
    """Wait until Streamlit reports the script as not running and nothing is stale."""
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-stale=\"true\"]'); }", timeout=timeout)
    # Let React mount the last elements of the run and the layout settle. (A wait for 100 ms
    # without DOM changes instead was not enough: the what-if results moved after it.)
    page.wait_for_timeout(300)


def find_frame(page: Any, expression: str, timeout: float = 20.0) -> Any | None:
    """The first frame (page or iframe) where the JavaScript ``expression`` becomes
    truthy within ``timeout`` seconds, or ``None``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.evaluate(f"() => Boolean({expression})"):
                    return frame
            except Exception:  # frames come and go while Streamlit reruns
                continue
        time.sleep(0.2)
    return None


def frame_where(page: Any, expression: str, timeout: float = 20.0) -> Any:
    """Like :func:`find_frame`, but a missing frame fails the test."""
    frame = find_frame(page, expression, timeout)
    if frame is None:
        raise AssertionError(f"no frame with {expression!r} after {timeout}s")
    return frame


NETWORK_DRAWN = "window.wijknetwerk && window.wijknetwerk.drawn"
MAP_DRAWN = ("document.getElementById('wijkkaart-status') && "
             "document.getElementById('wijkkaart-status').dataset.drawn === '1'")


def served_dataset(folder: Path = DEMO):
    """The dataset a server started on ``folder`` shows, loaded the way the app loads it."""
    from mapping.io.load import load_path

    result = load_path(str(folder), "nl")
    assert result.ok, result.errors
    return result.dataset


def write_folder(dataset, folder: Path) -> Path:
    """``dataset`` as a folder of canonical CSV files (+ GeoJSON), as a user would supply it."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("organisations", "parent_groups", "reach", "collaborations"):
        frame = dataset.table(name).copy()
        for column in frame.columns:
            if frame[column].map(lambda v: isinstance(v, tuple)).any():
                frame[column] = frame[column].map(
                    lambda v: "|".join(v) if isinstance(v, tuple) else v)
        frame.to_csv(folder / f"{name}.csv", index=False)
    if dataset.neighbourhoods:
        (folder / "neighbourhoods.geojson").write_text(json.dumps(dataset.neighbourhoods),
                                                      encoding="utf-8")
    return folder
