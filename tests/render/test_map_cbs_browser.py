"""The map's CBS layer in headless Chromium: polygons with the right fill, popups with figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapping.analysis.graph import build_graph
from mapping.analysis.population import population_rows
from mapping.views.map_population import TEXT as POPULATION_TEXT
from mapping.views.palette import NO_DATA, palette
from mapping.views.render_map import render_map
from tests.browser_support import offline_page
from tests.render.conftest import SCRIPT, make_dataset
from tests.render.test_render_map import CBS_FAMILIES, cbs_neighbourhoods

pytestmark = pytest.mark.browser


def _open_map(page, tmp_path: Path, **options) -> None:
    dataset = make_dataset(evil=False)
    hoods = cbs_neighbourhoods()
    hoods["features"][1]["properties"]["name"] = SCRIPT  # the secret one has a hostile name
    text = render_map(build_graph(dataset), hoods, population=population_rows(hoods, CBS_FAMILIES),
                      lang="en", **options)
    target = tmp_path / "map.html"
    target.write_text(text, encoding="utf-8")
    page.goto(target.as_uri())
    page.wait_for_selector("#wijkkaart-status[data-drawn='1']", state="attached", timeout=20000)


def _fills(page) -> dict[str, dict[str, str | None]]:
    """Class of status (known/secret/missing) -> fill and dash of its drawn path."""
    return page.evaluate("""() => { const out = {};
        document.querySelectorAll('path.wk-population').forEach(p => {
          const status = [...p.classList].find(c => c.startsWith('wk-cbs-')).slice(7);
          out[status] = {fill: p.getAttribute('fill'),
                         dash: p.getAttribute('stroke-dasharray')}; });
        return out; }""")


def _click_at(page, lat: float, lon: float) -> None:
    """A real mouse click on the map at a geographic point."""
    x, y = page.evaluate(f"""() => {{
        const p = wijkkaart.map.latLngToContainerPoint([{lat}, {lon}]);
        const r = wijkkaart.map.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }}""")
    page.mouse.click(x, y)


def test_cbs_layer_draws_fills_and_popups(browser, tmp_path):
    dialogs: list[str] = []
    blocked: list[str] = []
    with offline_page(browser, blocked, dialogs) as page:
        _open_map(page, tmp_path, show_population=True)
        assert page.evaluate("wijkkaart.population") == 3
        assert page.evaluate("wijkkaart.polygons") == 0  # one colouring at a time
        fills = _fills(page)
        assert fills["known"]["fill"] == palette().share(0.65)
        assert fills["secret"]["fill"] == NO_DATA and fills["secret"]["dash"]
        assert fills["missing"]["fill"] == NO_DATA and not fills["missing"]["dash"]

        # A click inside "De Sluis" (away from its markers) opens its figures.
        _click_at(page, 52.0085, 4.0015)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5000)
        text = popup.inner_text()
        assert "De Sluis" in text
        assert "Families in the known parent groups: 65" in text
        assert "Households with children according to CBS: about 100" in text
        assert "about 65%" in text

        # The secret one says so (its hostile name shows as text, nothing runs).
        _click_at(page, 52.0185, 4.0115)
        page.wait_for_function("document.querySelector('.leaflet-popup-content')"
                               ".innerText.includes('secret')", timeout=5000)
        text = popup.inner_text()
        assert SCRIPT in text and "0%" not in text
        assert page.locator(".leaflet-popup-content script").count() == 0
        assert dialogs == [] and page.evaluate("window.__pwned") is None
    assert blocked == []


def test_cbs_layer_is_an_overlay_drawn_beneath_the_markers(browser, tmp_path):
    with offline_page(browser) as page:
        _open_map(page, tmp_path)
        assert page.locator("path.wk-population").count() == 0  # route shares first
        name = POPULATION_TEXT["en"]["layer"]
        page.locator(".leaflet-control-layers-overlays label", has_text=name).click()
        page.wait_for_function("document.querySelectorAll('path.wk-population').length === 3",
                               timeout=5000)
        # The areas go to the back: every marker path still comes after them in the SVG.
        order = page.evaluate("""() => [...document.querySelectorAll(
            '.leaflet-overlay-pane svg path')].map(p => p.classList.contains('wk-population'))""")
        assert order[:3] == [True, True, True] and not any(order[3:])
