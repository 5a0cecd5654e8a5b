"""One store per process: the sidebar, the workshop page and the join page share it (issue 10).

Two cached stores meant two connection pools and two write queues, so a
facilitator's edit and a participant's answer did not wait in one line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping.store.repository import Store
from tests.store.conftest import make_dataset

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def opened(tmp_path, monkeypatch) -> list[Store]:
    """``MAPPING_DB`` on a fresh file holding ``wijk``; every Store built from now on, listed."""
    import streamlit as st

    path = tmp_path / "one.sqlite"
    with Store(str(path)) as arrange:
        arrange.create_dataset("wijk", make_dataset())
    monkeypatch.setenv("MAPPING_DB", str(path))
    st.cache_resource.clear()
    built: list[Store] = []
    init = Store.__init__

    def counting(self: Store, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        built.append(self)

    monkeypatch.setattr(Store, "__init__", counting)
    yield built
    st.cache_resource.clear()


def test_sidebar_workshop_and_join_use_one_store(opened):
    from pages import _shared, _store

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["src"] = "store"
    at.query_params["sds"] = "wijk"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(opened) == 1  # the sidebar opened the store (its saved datasets are listed)
    at.switch_page("pages/workshop.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/join.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(opened) == 1, "a page opened a second store (a second pool and write queue)"
    assert _shared.store() is _store.store_for(None) is opened[0]
    assert len(opened) == 1
