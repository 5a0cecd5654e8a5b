"""The Collaboration page at city size: tables paged weakest first, every row in the download.

A synthetic district of 400 nodes has about 1,700 links, more than one page of
the table (:data:`TABLE_ROWS` rows), so paging and the CSV download are exercised.
"""

from __future__ import annotations

import io
import sys

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from mapping.analysis.quality import link_quality
from mapping.io import demo
from mapping.ui_text import t
from tests.app.conftest import load

TABLE_ROWS = 100  # pages/collaboration.py (a page script: importing it would run it)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A synthetic district with more links than one page of the table, as a CSV folder."""
    from tests.browser.conftest import write_folder

    return write_folder(demo.by_nodes(400, seed=7), tmp_path_factory.mktemp("city") / "city")


@pytest.fixture
def media(monkeypatch) -> list[tuple[bytes, str, str | None]]:
    """Every file the run hands to Streamlit's media storage (downloads included)."""
    seen: list[tuple[bytes, str, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        data = path_or_data if isinstance(path_or_data, bytes) else b""
        seen.append((data, mimetype, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


@pytest.fixture
def city_page(app, city, monkeypatch):
    """The Collaboration page showing ``city`` (given as ``--data``, as on a server)."""
    monkeypatch.setattr(sys, "argv", [sys.argv[0], "--data", str(city)])
    return lambda lang="nl": app("collaboration", {"lang": lang}, timeout=300)


def _links_table(at) -> pd.DataFrame:
    column = t("col_link", "nl")
    (frame,) = [f.value for f in at.dataframe if column in f.value.columns]
    return frame


def _download(media, name: str) -> pd.DataFrame:
    data = [d for d, _, filename in media if filename == name]
    assert data, f"no download {name}"
    return pd.read_csv(io.BytesIO(data[-1]), encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


def test_table_is_paged_weakest_first_and_the_download_holds_every_row(city, city_page, media):
    at = city_page()
    assert not at.exception, at.exception
    links = link_quality(load(city))
    assert len(links) > 2 * TABLE_ROWS
    first = _links_table(at)
    assert len(first) == TABLE_ROWS
    full = _download(media, "samenwerkingen.csv")
    assert len(full) == len(links)
    # Weakest first: the quality column of the download never goes down (scores as text
    # with one decimal, so the numbers after "," compare like the text).
    quality = [float(v.replace(",", ".")) for v in full[t("col_quality", "nl")] if v]
    assert quality == sorted(quality)
    assert list(first[t("col_link", "nl")]) == list(full[t("col_link", "nl")][:TABLE_ROWS])
    # The last page reaches the last row.
    pager = at.number_input(key="collab_page_samenwerkingen.nl")
    last = -(-len(links) // TABLE_ROWS)
    assert pager.max == last
    pager.set_value(last).run()
    assert not at.exception, at.exception
    shown = _links_table(at)
    assert 0 < len(shown) <= TABLE_ROWS
    assert list(shown[t("col_link", "nl")]) == list(full[t("col_link", "nl")][-len(shown):])
    assert any(t("table_rows_shown", "nl", first=(last - 1) * TABLE_ROWS + 1, last=len(links),
                 total=len(links)) == c.value for c in at.caption)


def test_charts_show_at_most_the_chosen_rows(city_page):
    at = city_page("en")
    assert not at.exception, at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3  # per link, per organisation, reciprocity: every chart drawn
    captions = [c.value for c in at.caption]
    assert any(c.startswith("The 25 weakest of ") for c in captions)


def test_page_and_view_changes_recompute_nothing(city_page):
    from pages import _shared

    at = city_page()
    assert not at.exception, at.exception
    before = dict(_shared.CALLS)
    assert before["quality"] >= 1 and before["collab_links"] >= 1
    at.number_input(key="collab_page_samenwerkingen.nl").set_value(3).run()
    at.session_state[at.segmented_control[0].key] = "10"
    at.run()
    at.session_state[at.segmented_control[0].key] = "25"
    at.run()
    assert not at.exception, at.exception
    after = dict(_shared.CALLS)
    # Only the charts for a new rows value are built; tables, CSV and analysis stay cached.
    assert {k: v for k, v in after.items() if k != "collab_charts"} == \
        {k: v for k, v in before.items() if k != "collab_charts"}
    assert after["collab_charts"] == before["collab_charts"] + 1  # 10 rows, once


def test_english_table_has_english_headers_and_decimal_points(city_page):
    at = city_page("en")
    table = next(f.value for f in at.dataframe if t("col_link", "en") in f.value.columns)
    scores = [v for v in table[t("trust", "en")] if v]
    assert scores and all("." in v and "," not in v for v in scores)
