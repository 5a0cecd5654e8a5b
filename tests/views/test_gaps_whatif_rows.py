"""Gaps page (AppTest): a suggestion's what-if result is drawn right after its own row."""

from __future__ import annotations

import pytest

from mapping.analysis.whatif import effect_sentences, what_if
from mapping.session import md_escape
from tests.app.conftest import app, open_page, shown_dataset, store_db  # noqa: F401


@pytest.mark.usefixtures("app")
def test_result_follows_its_row_and_survives_a_rerun():
    from mapping.analysis.report import analyse, build_report

    at = open_page("gaps")
    at.button(key="try_2").click().run()
    assert not at.exception, at.exception
    assert at.query_params.get("try")
    texts = [m.value for m in at.markdown]
    rows = [i for i, text in enumerate(texts) if text.startswith(("1\\.", "2\\.", "3\\."))]
    second, third = rows[1], rows[2]
    shown = "\n".join(texts[second + 1:third])
    cov = analyse(shown_dataset())
    report = build_report(shown_dataset(), lang="nl")
    s = report["suggestions"][1]
    expected = effect_sentences(cov, what_if(cov, add_links=[(s["formal"], s["informal"])]), "nl")
    assert expected and all(md_escape(line) in shown for line in expected)
    assert texts[rows[0] + 1] == texts[second]  # nothing opened under row 1
    # Another rerun (a second row opened) leaves row 2's result where it was.
    at.button(key="try_1").click().run()
    texts = [m.value for m in at.markdown]
    rows = [i for i, text in enumerate(texts) if text.startswith(("1\\.", "2\\.", "3\\."))]
    assert rows[1] - rows[0] > 1 and rows[2] - rows[1] > 1
    assert "\n".join(texts[rows[1] + 1:rows[2]]) == shown
