"""Fixtures for the renderer tests: a small district with hostile names."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.analysis.graph import build_graph
from mapping.domain.dataset import Dataset

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
EVIL_FLAG = "<img src=x onerror=\"window.__pwned=1\">"
TEMPLATE = "`${window.__pwned=2}`</div>\\"
"""Breaks out of a JavaScript template literal (how folium's own Tooltip embeds text)."""
PAYLOADS = (SCRIPT, IMG, EVIL_FLAG, TEMPLATE)


def _square(code: str, name: str, x: float, y: float, size: float = 0.01) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def make_dataset(evil: bool = True) -> Dataset:
    """Six organisations, four parent groups, two neighbourhoods."""
    bad = SCRIPT if evil else "Moskee Nuur"
    bad2 = IMG if evil else "Buurtvaders"
    orgs = pd.DataFrame({
        "id": ["1", "2", "3", "4", "5", "6"],
        "name": ["Wijkteam Zuid", "CJG De Sluis", bad, bad2, TEMPLATE if evil else "Kerk Hoop",
                 EVIL_FLAG if evil else "Ouderkamer Es"],
        "kind": ["formal", "formal", "informal", "informal", "informal", "informal"],
        "category": ["wijkteam", "cjg", "moskee", "vrijwilligers", "kerk", "ouderkamer"],
        "neighbourhood": ["BU01", "BU02", "BU01", "BU02", "BU01", "BU02"],
        "lat": [52.001, 52.012, 52.004, 52.015, None, 52.016],
        "lon": [4.001, 4.012, 4.006, 4.013, None, 4.017],
        "topics": [("opvoeden",), ("school",), ("opvoeden", "taboe"), (), ("school",), ()],
        "contact": ["Jan Jansen", None, IMG if evil else "Fatima", None, None, None],
    })
    groups = pd.DataFrame({
        "id": ["1", "2", "3", "4"],
        "name": ["Somalische moeders", SCRIPT if evil else "Turkse vaders", "Syrische ouders",
                 IMG if evil else "Marokkaanse moeders"],
        "community": ["Somalisch", "Turks", TEMPLATE if evil else "Syrisch", "Marokkaans"],
        "neighbourhood": ["BU01", "BU01", "BU02", "BU02"],
        "families": pd.array([40, 25, 12, 30], dtype="Int64"),
    })
    reach = pd.DataFrame({
        "organisation": ["3", "1", "4", "5", "6"],
        "group": ["1", "2", "3", "1", "3"],
        "strength": [4.0, 3.0, 2.0, 1.0, 3.0],
        "topics": [("opvoeden",), (), (), (), ()],
    })
    collabs = pd.DataFrame({
        "source": ["3", "4", "5", "1"],
        "target": ["1", "6", "2", "2"],
        "form": ["referral", "advice", None, "joint project"],
        "trust": [4.0, 2.0, None, 4.5],
        "shared_goals": [4.0, 2.0, None, 4.0],
        "role_clarity": [3.0, 1.0, None, 4.0],
        "equality": [4.0, 2.0, None, 4.0],
        "reported_by": ["r1", "r2", "r3", "r4"],
    })
    hoods = {"type": "FeatureCollection", "features": [
        _square("BU01", SCRIPT if evil else "De Sluis", 4.0, 52.0),
        _square("BU02", "Het Es", 4.01, 52.01),
    ]}
    return Dataset(orgs, groups, reach, collabs, hoods, name="test")


# As mapping.analysis.coverage computes it for this fixture (g:1 via Moskee -> Wijkteam).
COVERAGE = {"g:1": "bridged", "g:2": "direct", "g:3": "informal_only", "g:4": "unreached"}


@pytest.fixture
def dataset() -> Dataset:
    return make_dataset()


@pytest.fixture
def graph(dataset):
    return build_graph(dataset)


@pytest.fixture
def coverage() -> dict[str, str]:
    return dict(COVERAGE)


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright")
    from tests.browser_support import launch

    with launch() as b:
        yield b
