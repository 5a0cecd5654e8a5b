"""Fixtures for the workshop and join pages: a temporary store and the app under AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]

APP = str(ROOT / "app.py")


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """``MAPPING_DB`` pointed at a fresh SQLite file (the pages open it themselves)."""
    import streamlit as st

    path = tmp_path / "workshop.sqlite"
    monkeypatch.setenv("MAPPING_DB", str(path))
    st.cache_resource.clear()  # a store cached by an earlier test points elsewhere
    return path


@pytest.fixture
def store(db_path):
    """The same store the pages open, for arranging data and checking results."""
    from mapping.store.repository import open_store

    with open_store(str(db_path)) as opened:
        yield opened


def open_workshop(dataset: str | None = "wijk", timeout: float = 60) -> AppTest:
    """The app on the workshop page, showing ``dataset`` (``?ds=``) when it exists."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if dataset:
        at.query_params["ds"] = dataset
    at.run()
    at.switch_page("pages/workshop.py")
    at.run()
    return at


def open_join(code: str | None = None, timeout: float = 60) -> AppTest:
    """The app as a participant sees it: ``?code=`` routes straight to the join page."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if code is not None:
        at.query_params["code"] = code
        at.run()
    else:
        at.run()
        at.switch_page("pages/join.py")
        at.run()
    return at


@pytest.fixture
def workshop():
    return open_workshop


@pytest.fixture
def join():
    return open_join
