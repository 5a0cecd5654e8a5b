"""Legend colours: CIEDE2000 between entries, as seen and under simulated deuteranopia."""

from __future__ import annotations

import pytest

from mapping.views.palette import (
    COVERAGE_CLASSES,
    PRESENTATION,
    STANDARD,
    ciede2000,
    legend_entries,
    simulate_deuteranopia,
    smallest_difference,
)
from mapping.views.palette import _de00 as de00_lab


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    # Sharma, Wu & Dalal (2005), test data pairs 1, 4, 7, 17 and 25.
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert de00_lab(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_colour_helpers():
    assert ciede2000("#123456", "#123456") == 0
    assert ciede2000("#000000", "#ffffff") == pytest.approx(100, abs=0.01)
    # Deuteranopia folds red and green together; greys stay grey.
    assert ciede2000(simulate_deuteranopia("#d62728"), simulate_deuteranopia("#2ca02c")) < \
        ciede2000("#d62728", "#2ca02c") / 2
    assert simulate_deuteranopia("#808080") == "#808080"


@pytest.mark.parametrize("deuteranopia", [False, True])
def test_presentation_legend_entries_differ_by_at_least_20(deuteranopia):
    diff, a, b = smallest_difference(PRESENTATION, deuteranopia=deuteranopia)
    assert diff >= 20, (a, b)


def test_coverage_classes_never_share_an_organisation_colour():
    for pal in (PRESENTATION, STANDARD):
        categories = {*pal.formal.values(), *pal.informal.values()}
        assert not categories & {pal.coverage[c] for c in COVERAGE_CLASSES}
    cov = [e for e in legend_entries(PRESENTATION) if e.shape == "triangle"]
    orgs = [e for e in legend_entries(PRESENTATION) if e.shape != "triangle"]
    for seen in (lambda c: c, simulate_deuteranopia):
        assert min(ciede2000(seen(c.colour), seen(o.colour)) for c in cov for o in orgs) >= 20


def test_no_two_presentation_entries_alike():
    # Same shape means the colour alone must tell them apart; formal and informal
    # entries differ in shape and outline.
    entries = legend_entries(PRESENTATION)
    looks = [(e.shape, e.colour.lower()) for e in entries]
    assert len(set(looks)) == len(looks)


def test_standard_palette_entries_are_all_noticeably_different():
    # The everyday palette is softer (bench_render prints its minimum); every pair
    # is still more than just noticeably different (ΔE00 about 2).
    diff, a, b = smallest_difference(STANDARD)
    assert diff > 2, (a, b)
