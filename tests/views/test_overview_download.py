"""The Overview page offers the district report as a PDF download (AppTest, demo district)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def store_db(tmp_path, monkeypatch):
    """A temporary store: the app must not open the user's own one."""
    monkeypatch.setenv("MAPPING_DB", f"sqlite:///{tmp_path / 'store.sqlite'}")


@pytest.fixture
def media(monkeypatch) -> list[tuple[bytes, str]]:
    """Every file the run hands to Streamlit's media storage (downloads included)."""
    seen: list[tuple[bytes, str]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        data = path_or_data if isinstance(path_or_data, bytes) else b""
        seen.append((data, mimetype))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def _download_buttons(at: AppTest) -> list:
    return [b for b in at.get("download_button")
            if "PDF" in b.proto.label]


@pytest.mark.parametrize(("lang", "label"), [("nl", "Download het wijkrapport (PDF)"),
                                             ("en", "Download district report (PDF)")])
def test_overview_has_the_pdf_download(media, lang, label):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    (button,) = _download_buttons(at)
    assert button.proto.label == label
    pdfs = [data for data, mime in media if mime == "application/pdf"]
    assert pdfs and pdfs[-1].startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdfs[-1])).pages)
    assert ("Wijkrapport demo" if lang == "nl" else "District report demo") in text
    assert os.environ["MAPPING_DB"].startswith("sqlite:///")


def test_pdf_is_built_once_per_dataset_and_view(media):
    from pages import _shared as shared

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    before = shared.CALLS["report_pdf"]
    assert before >= 1  # built (in this process) for the first run
    at.run()  # a rerun (any widget change that is not in the key) reuses the PDF
    assert not at.exception, at.exception
    assert shared.CALLS["report_pdf"] == before
    assert _download_buttons(at)


@pytest.mark.parametrize(("query", "version"), [({}, 2), ({"ver": "1"}, 1)])
def test_saved_dataset_pdf_names_its_version(media, tmp_path, monkeypatch, query, version):
    """A stored dataset's report says which version it shows ("newest" resolved to its number)."""
    import streamlit as st

    from mapping.io.load import load_path
    from mapping.store.repository import open_store

    url = f"sqlite:///{tmp_path / 'saved.sqlite'}"
    monkeypatch.setenv("MAPPING_DB", url)
    demo = load_path(ROOT / "data" / "demo", "nl").dataset.replace(name="wijk-zuid")
    with open_store(url, seed_demo=False) as db:
        db.create_dataset("wijk-zuid", demo, author="test")
        first = demo.organisations.iloc[-1]["id"]
        db.delete_organisation("wijk-zuid", str(first), author="test")
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in {"src": "store", "sds": "wijk-zuid", **query}.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        assert _download_buttons(at)
        pdf = [data for data, mime in media if mime == "application/pdf"][-1]
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
        assert all(f"wijk-zuid · versie {version}" in page for page in pages)
    finally:
        st.cache_resource.clear()
