"""Issue 5 item 6: every page can show a dataset and version saved in the store."""

from __future__ import annotations

import pytest

from mapping.analysis.report import build_report
from mapping.i18n import format_percent
from mapping.ui_text import number, t
from tests.app.conftest import PAGES, open_page
from tests.render.conftest import make_dataset


@pytest.fixture
def saved(app, monkeypatch, tmp_path):
    """A store with ``wijk-zuid`` at version 1 (six organisations) and 2 (one removed)."""
    import streamlit as st

    from mapping.store.repository import open_store

    url = f"sqlite:///{tmp_path / 'saved.sqlite'}"
    monkeypatch.setenv("MAPPING_DB", url)
    first = make_dataset(evil=False).replace(name="wijk-zuid")
    with open_store(url, seed_demo=False) as db:
        db.create_dataset("wijk-zuid", first, author="test")
        db.delete_organisation("wijk-zuid", "6", author="test")
        second = db.load("wijk-zuid", 2)
    st.cache_resource.clear()
    yield {1: first, 2: second}
    st.cache_resource.clear()


def _organisations(at) -> str:
    return {m.label: m.value for m in at.metric}[t("organisations", "nl")]


@pytest.mark.parametrize(("version", "query"), [(2, {}), (1, {"ver": "1"}), (2, {"ver": "2"})])
def test_overview_shows_the_chosen_version(saved, version, query):
    at = open_page("overview", {"src": "store", "sds": "wijk-zuid", **query})
    assert not at.exception, at.exception
    dataset = saved[version]
    report = build_report(dataset, lang="nl")
    assert _organisations(at) == number(len(dataset.organisations))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("share_route", "nl")] == format_percent(report["share"], "nl")
    captions = " ".join(c.value for c in at.caption)
    assert f"versie {version}" in captions


def test_saved_choice_lives_in_the_url(saved):
    at = open_page("overview", {"src": "store", "sds": "wijk-zuid", "ver": "1"})
    assert at.query_params["src"] in ("store", ["store"])
    assert at.query_params["sds"] in ("wijk-zuid", ["wijk-zuid"])
    assert at.query_params["ver"] in ("1", ["1"])
    assert at.selectbox(key="store_ver.nl").value == 1
    at.selectbox(key="store_ver.nl").set_value(0).run()
    assert "ver" not in at.query_params  # "newest" is the default: short links
    assert _organisations(at) == number(len(saved[2].organisations))


def test_first_sidebar_choice_keeps_the_other_sidebar_values(saved):
    """Regression: the first click in a session used to reset every sidebar widget."""
    at = open_page("overview")
    assert at.toggle(key="hide_names.nl").value is True
    at.selectbox(key="source.nl").set_value("store").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="source.nl").value == "store"
    assert at.toggle(key="hide_names.nl").value is True
    assert "names" not in at.query_params
    assert at.query_params["src"] in ("store", ["store"])


def test_unknown_saved_dataset_falls_back(saved):
    at = open_page("overview", {"src": "store", "sds": "nope", "ver": "99"})
    assert not at.exception
    # The first saved dataset instead (the store also holds the seeded demo district).
    assert at.selectbox(key="store_name.nl").value in ("demo", "wijk-zuid")
    assert at.selectbox(key="store_ver.nl").value == 0


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_a_saved_version(saved, page):
    at = open_page(page, {"src": "store", "sds": "wijk-zuid", "ver": "1"})
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_unreachable_store_leaves_the_other_sources(app, monkeypatch):
    import sys

    from mapping.store.repository import StoreUnavailable
    from pages import _shared

    monkeypatch.setattr(sys, "argv", ["app.py", "--db", "postgresql://nobody@127.0.0.1:1/none"])
    monkeypatch.setattr(_shared, "_STORE_FAILED", {})
    at = open_page("overview")
    assert not at.exception, at.exception
    assert not at.error
    assert at.selectbox(key="source.nl").options == [t("source_demo", "nl")]
    # Issue 9: a link that asks for a saved dataset says why it cannot be shown,
    # instead of silently showing the demo district in its place.
    at = open_page("overview", {"src": "store", "sds": "wijk-zuid"})
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [StoreUnavailable("unreachable").message("nl")]
    assert not at.metric
    assert at.query_params["sds"] in ("wijk-zuid", ["wijk-zuid"])  # kept for when it is back


def test_network_keeps_positions_when_another_version_is_opened(saved):
    """Nodes known from the version shown before stay put; nothing reshuffles."""
    from tests.render.helpers import network_data

    def placed(at):
        (frame,) = at.get("iframe")
        return {n["id"]: (n["x"], n["y"]) for n in network_data(frame.proto.srcdoc)["nodes"]}

    at = open_page("network", {"src": "store", "sds": "wijk-zuid", "ver": "1"})
    before = placed(at)
    at.selectbox(key="store_ver.nl").set_value(2).run()
    assert not at.exception, at.exception
    after = placed(at)
    assert set(after) < set(before)  # version 2 lost an organisation
    assert all(after[n] == before[n] for n in after)
