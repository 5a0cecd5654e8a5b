"""Names made of script tags and onerror attributes: every page runs and shows them as text."""

from __future__ import annotations

import sys

import pytest

from mapping.session import md_escape
from tests.app.conftest import PAGES, open_page
from tests.render.conftest import IMG, SCRIPT, make_dataset


@pytest.fixture
def evil(monkeypatch, tmp_path):
    """The app started with ``--data`` pointing at the hostile district."""
    import streamlit as st

    from tests.browser.conftest import write_folder

    dataset = make_dataset(evil=True)
    folder = write_folder(dataset, tmp_path / "evil")
    monkeypatch.setattr(sys, "argv", ["app.py", "--data", str(folder)])
    st.cache_resource.clear()
    yield dataset
    st.cache_resource.clear()


@pytest.mark.parametrize("page", PAGES)
def test_pages_run_with_hostile_names(evil, page):
    at = open_page(page)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_markdown_carries_names_escaped(evil):
    at = open_page("overview")
    text = "\n".join(m.value for m in at.markdown)
    assert md_escape(SCRIPT) in text or md_escape(IMG) in text
    assert SCRIPT not in text and IMG not in text  # never raw Markdown/HTML


def test_no_page_allows_unsafe_html():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in [root / "app.py", *sorted((root / "pages").glob("*.py"))]:
        assert "unsafe_allow_html" not in path.read_text(encoding="utf-8"), path
