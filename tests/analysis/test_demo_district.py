"""The shipped demo district shows every coverage class (it is what people see first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapping.analysis.coverage import CLASSES
from mapping.analysis.coverage_summary import summary
from mapping.analysis.report import analyse, build_report

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture(scope="module")
def demo():
    load = pytest.importorskip("mapping.io.load")
    if not DEMO.is_dir() or not any(DEMO.iterdir()):
        pytest.skip("data/demo not written yet")
    result = load.load_path(DEMO, "nl")
    assert result.ok, result.errors
    return result.dataset


def test_demo_district_has_every_class(demo):
    counts = summary(analyse(demo))
    assert all(counts[c]["groups"] > 0 for c in CLASSES), counts


def test_demo_district_has_fragile_groups_brokers_and_suggestions(demo):
    report = build_report(demo)
    assert any(row["fragile"] for row in report["groups"])
    assert any(b["sole_bridge"] for b in report["brokers"])
    assert report["suggestions"]
