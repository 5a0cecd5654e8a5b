"""Each what-if result on the Gaps page appears under the row whose button was clicked.

Measured in a real browser against ``streamlit run``: the bounding box of a
result lies below its own row's text and button, inside the same column, and
above the next row; it stays there after a rerun caused by another widget and
after a reload of the page's URL.
"""

from __future__ import annotations

import pytest

from mapping.ui_text import t
from tests.browser.conftest import open_app, wait_idle

pytestmark = pytest.mark.browser


def _box(page, key: str) -> dict[str, float]:
    """The bounding box of the element with Streamlit key ``key`` (a CSS tail may follow)."""
    element = page.locator(f".st-key-{key}").first
    element.wait_for(state="visible", timeout=20_000)
    box = element.bounding_box()
    assert box is not None, key
    return box


def _click(page, row: int) -> None:
    page.locator(f".st-key-try_{row} button").click()
    page.locator(f".st-key-suggestion_result_{row}").wait_for(timeout=20_000)
    wait_idle(page)


def _assert_under_its_row(page, row: int, rows: int) -> None:
    """The result of ``row`` sits below that row's button, in its column, above the next row."""
    result = _box(page, f"suggestion_result_{row}")
    own = _box(page, f"suggestion_{row}")
    button = _box(page, f"try_{row} button")
    assert result["y"] >= button["y"] + button["height"] - 1
    assert own["y"] <= result["y"] and (result["y"] + result["height"]
                                        <= own["y"] + own["height"] + 1)
    assert own["x"] - 1 <= result["x"] and (result["x"] + result["width"]
                                            <= own["x"] + own["width"] + 1)
    if row < rows:
        following = _box(page, f"suggestion_{row + 1}")
        assert result["y"] + result["height"] <= following["y"] + 1
    # The result is what this row's suggestion does, not another row's.
    text = page.locator(f".st-key-suggestion_result_{row}").inner_text()
    assert text.strip()


def test_two_rows_show_their_own_results_where_clicked(server, page):
    open_app(page, server.page_url("gaps", "lang=en"))
    rows = page.locator("[class*='st-key-try_']").count()
    assert rows >= 3
    _click(page, 3)
    _assert_under_its_row(page, 3, rows)
    assert page.locator(".st-key-suggestion_result_1").count() == 0
    _click(page, 1)
    _assert_under_its_row(page, 1, rows)
    _assert_under_its_row(page, 3, rows)  # the first result did not move to the top
    # The two results differ: each belongs to its own suggestion.
    first = page.locator(".st-key-suggestion_result_1").inner_text()
    third = page.locator(".st-key-suggestion_result_3").inner_text()
    assert first != third

    # A rerun for another reason (a scenario of its own on the left) keeps both in place.
    page.get_by_role("button", name=t("add_link", "en")).click()
    wait_idle(page)
    _assert_under_its_row(page, 1, rows)
    _assert_under_its_row(page, 3, rows)

    # So does a reload of the page's URL (the open rows are in it).
    assert "try=" in page.url
    open_app(page, page.url)
    page.locator(".st-key-suggestion_result_3").wait_for(timeout=20_000)
    wait_idle(page)
    _assert_under_its_row(page, 1, rows)
    _assert_under_its_row(page, 3, rows)

    # Closing a row removes only its own result.
    page.locator(".st-key-try_1 button").click()
    wait_idle(page)
    page.wait_for_function("!document.querySelector('.st-key-suggestion_result_1')",
                           timeout=20_000)
    _assert_under_its_row(page, 3, rows)
