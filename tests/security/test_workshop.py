"""Hostile names through the issue-11 workshop paths: change lists and the duplicate question."""

from __future__ import annotations

import pytest

from mapping.store.repository import Store
from mapping.workshop import live as ws
from tests.security.corpus import CANARY, TEXT_ATTACKS


@pytest.fixture
def bare(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        ws.create_dataset(store, "wijk", "empty")
        yield store


def test_change_lists_keep_hostile_names_as_data(bare):
    """Names go into history and diff sentences as values, never as templates."""
    for i, name in enumerate(TEXT_ATTACKS):
        bare.add_organisation("wijk", {"id": f"H{i}", "name": name, "kind": "informal"})
    changes = list(ws.history(bare, "wijk", "nl")["Wijziging"])
    for name in TEXT_ATTACKS:
        assert f"+ organisatie {name}" in changes
    head = bare.head("wijk")
    lines = ws.diff_lines(bare.diff("wijk", 1, head), bare.load("wijk"), "en")
    assert lines == [f"Added: organisation {n}" for n in TEXT_ATTACKS]
    assert not CANARY.exists()


def test_duplicate_question_escapes_the_name(tmp_path, monkeypatch):
    """The "same name, add anyway?" warning shows a hostile name as typed (escaped)."""
    import streamlit as st

    from mapping.session import md_escape
    from tests.workshop.conftest import open_workshop

    db = tmp_path / "w.sqlite"
    monkeypatch.setenv("MAPPING_DB", str(db))
    st.cache_resource.clear()
    evil = "<img src=x onerror=alert(1)> **vet**"
    with Store(db) as store:
        ws.create_dataset(store, "wijk", "empty")
        store.add_organisation("wijk", {"id": "E1", "name": evil, "kind": "informal"})
    at = open_workshop()
    at.text_input(key="ws_org_name").input(evil.upper())
    at.button(key="ws_add_org").click().run()
    asked = [w.value for w in at.warning if "Toch nog een" in w.value]
    assert asked and md_escape(evil.upper()) in asked[0]
    assert "<img" not in asked[0].replace("\\<img", "")
