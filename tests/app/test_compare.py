"""Issue 13 item 3: the Compare page (two waves) and its export downloads."""

from __future__ import annotations

import pytest

from mapping.ui_text import t
from tests.analysis.test_waves import COLLAB_A, COLLAB_B, REACH_A, REACH_B, wave
from tests.app.conftest import open_page


@pytest.fixture
def waves_store(app, monkeypatch, tmp_path):
    """A store holding ``wijk`` version 1 (2025) and version 2 (2026)."""
    import streamlit as st

    from mapping.store.repository import open_store

    url = f"sqlite:///{tmp_path / 'waves.sqlite'}"
    monkeypatch.setenv("MAPPING_DB", url)
    with open_store(url, seed_demo=False) as db:
        db.create_dataset("wijk", wave(REACH_A, COLLAB_A, "wijk"), author="test")
        db.save("wijk", wave(REACH_B, COLLAB_B, "wijk"), author="test")
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


def _text(at) -> str:
    # Markdown escapes punctuation (user text is data): compare the text as shown.
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


def test_demo_against_demo_has_no_changes_and_offers_every_export(app):
    at = app("compare")
    assert not at.exception, at.exception
    assert at.title[0].value == t("page_compare", "nl")
    assert "Geen verschillen" in _text(at)
    buttons = at.get("download_button")
    assert len(buttons) == 5


def test_two_saved_versions_show_the_lost_route(waves_store):
    at = open_page("compare", {"lang": "en"})
    for side, version in (("before", 1), ("after", 2)):
        at.radio(key=f"cmp_{side}_src").set_value("store").run()
        at.selectbox(key=f"cmp_{side}_name").set_value("wijk").run()
        at.selectbox(key=f"cmp_{side}_ver").set_value(version).run()
    assert not at.exception, at.exception
    text = _text(at)
    assert ("Somalische moeders in De Sluis lost their route to professional help when "
            "Moskee Nuur stopped working with Wijkteam De Sluis.") in text
    assert "Turkse vaders in De Sluis now has a route" in text
    frames = [f.value for f in at.dataframe]
    assert any("Somalische moeders" in set(f.get("Name", f.iloc[:, 1])) for f in frames
               if len(f.columns) > 1)


def test_research_toggle_rebuilds_the_exports(app):
    at = app("compare")
    at.toggle(key="cmp_research").set_value(True).run()
    assert not at.exception, at.exception
    assert len(at.get("download_button")) == 5


def test_network_files_are_imported_with_the_chosen_mapping(app):
    from tests.io import samples

    before = samples.gexf("1.3")
    after = before.replace(b'<edge id="0" source="1" target="0" weight="1.0">',
                           b'<edge id="0" source="1" target="1" weight="1.0">')
    at = app("compare", {"lang": "en"})
    for side, data in (("before", before), ("after", after)):
        at.radio(key=f"cmp_{side}_src").set_value("network").run()
        uploader = next(u for u in at.file_uploader if u.key == f"cmp_{side}_net")
        uploader.set_value([("wijk.gexf", data, "application/xml")]).run()
        assert at.selectbox(key=f"cmp_{side}_field").value == "Soort"  # guessed
        for role, value in (("formal", samples.FORMAL), ("informal", samples.INFORMAL),
                            ("group", samples.GROUP)):
            at.multiselect(key=f"cmp_{side}_{role}").set_value([value]).run()
    assert not at.exception, at.exception
    assert ("Somalische moeders lost their route to professional help when Moskee Nuur "
            "stopped working with Wijkteam De Sluis.") in _text(at)


def test_network_files_are_read_in_the_parse_worker_not_in_the_page(app, monkeypatch):
    """The page process never parses an uploaded network file (a hostile one costs the worker)."""
    from mapping.io import graph_import
    from tests.io import samples

    def refuse(*_args, **_kwargs):
        raise AssertionError("a network file was parsed in the page process")

    for name in ("read_graph", "import_graph"):
        monkeypatch.setattr(graph_import, name, refuse)
    at = app("compare", {"lang": "en"})
    at.radio(key="cmp_before_src").set_value("network").run()
    uploader = next(u for u in at.file_uploader if u.key == "cmp_before_net")
    uploader.set_value([("wijk.gexf", samples.gexf("1.3"), "application/xml")]).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="cmp_before_field").value == "Soort"
    at.multiselect(key="cmp_before_formal").set_value([samples.FORMAL]).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
