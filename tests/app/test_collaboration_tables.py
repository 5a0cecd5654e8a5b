"""The Collaboration tables (:mod:`mapping.views.collab_tables`) say what each cell says.

Scores are formatted once per distinct value; every cell must still read as it
did when each one was formatted on its own, in both languages.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.analysis.forms import exchange, form_label
from mapping.analysis.graph import build_graph
from mapping.analysis.quality import link_quality
from mapping.domain.dataset import CONDITIONS
from mapping.ui_text import number, t
from mapping.views import collab_tables as ct
from tests.app.conftest import shown_dataset


@pytest.fixture(scope="module")
def dataset():
    return shown_dataset()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_links_table_formats_every_cell_weakest_first(dataset, lang):
    links = link_quality(dataset)
    ordered = ct.link_rows(links)
    table = ct.links_table(ordered, lang)
    assert len(table) == len(links)
    quality = ordered["quality"].dropna().tolist()
    assert quality == sorted(quality)
    unrated = ordered["quality"].isna().tolist()
    assert unrated == sorted(unrated)  # unrated links last
    for (_, link), (_, row) in zip(ordered.iterrows(), table.iterrows(), strict=True):
        assert row[t("col_link", lang)].startswith(f"{link['source_name']} – ")
        assert row[t("col_link", lang)].endswith(" ⚠") == bool(link["few_raters"])
        for c in (*CONDITIONS, "quality"):
            column = t("col_quality", lang) if c == "quality" else t(c, lang)
            expected = "" if pd.isna(link[c]) else number(link[c], lang, 1)
            assert row[column] == expected
        assert row[t("col_few_raters", lang)] == (t("few_raters_flag", lang)
                                                   if link["few_raters"] else "")
    assert "row" not in links.columns  # the cached input is never changed


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_exchange_table_formats_every_cell(dataset, lang):
    links = exchange(build_graph(dataset))
    table = ct.exchange_table(links, lang)
    assert len(table) == len(links)
    for (_, link), (_, row) in zip(links.iterrows(), table.iterrows(), strict=True):
        forms = ", ".join(form_label(f, lang) for f in (*link["forms"], *link["unknown_forms"]))
        assert row[t("col_forms", lang)] == (forms or "–")
        expected = "–" if pd.isna(link["equality"]) else number(link["equality"], lang, 1)
        assert row[t("equality", lang)] == expected
        if isinstance(link["one_way"], str):
            assert row[t("col_direction", lang)] == t(f"dir_{link['one_way']}", lang)


def test_pages_cover_every_row_once():
    frame = pd.DataFrame({"n": range(250)})
    assert ct.pages(250, 100) == 3 and ct.pages(0, 100) == 1 and ct.pages(200, 100) == 2
    seen = pd.concat([ct.page_of(frame, p, 100) for p in range(ct.pages(250, 100))])
    assert seen["n"].tolist() == list(range(250))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_grid_columns_name_real_columns_and_fit_the_shared_screen(dataset, lang):
    table = ct.links_table(ct.link_rows(link_quality(dataset)), lang)
    config = ct.column_config(ct.LINK_WIDTHS, lang, present=False, hidden=ct.LINK_HIDDEN)
    assert set(config) <= set(table.columns)
    shown = [c for c in table.columns if not config.get(c, {}).get("hidden")]
    assert len(shown) == len(table.columns) - len(ct.LINK_HIDDEN)
    assert all("width" in config[c] for c in shown)  # no column left to size itself
    goals = config[t("shared_goals", lang)]
    assert goals["help"] == t("shared_goals", lang) and len(goals["label"]) < len(goals["help"])
    # Everyday 940 px beside the sidebar, presentation 1,180 px; 40 px for the row boxes.
    for present, room in ((False, 900), (True, 1140)):
        for widths in (ct.LINK_WIDTHS, ct.EXCHANGE_WIDTHS):
            assert sum(c["width"] for c in ct.column_config(widths, lang, present).values()) \
                <= room
    row = table.iloc[0]
    assert ct.row_details(row, ct.LINK_DETAILS, lang) == (
        f"{t('col_weakest', lang)}: {row[t('col_weakest', lang)]}; "
        f"{t('col_raters', lang)}: {row[t('col_raters', lang)]}")
