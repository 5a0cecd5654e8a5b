"""Fixtures for the renderer tests: a small district with hostile names."""

from __future__ import annotations

import pytest

from mapping.analysis.graph import build_graph
from mapping.domain.dataset import CONDITIONS, Dataset
from tests.factories import DatasetBuilder

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
EVIL_FLAG = "<img src=x onerror=\"window.__pwned=1\">"
TEMPLATE = "`${window.__pwned=2}`</div>\\"
"""Breaks out of a JavaScript template literal (how folium's own Tooltip embeds text)."""
PAYLOADS = (SCRIPT, IMG, EVIL_FLAG, TEMPLATE)


def make_dataset(evil: bool = True) -> Dataset:
    """Six organisations, four parent groups, two neighbourhoods (:mod:`tests.factories`)."""
    bad = SCRIPT if evil else "Moskee Nuur"
    bad2 = IMG if evil else "Buurtvaders"
    orgs = (  # id, name, kind, category, neighbourhood, lat, lon, topics, contact
        ("1", "Wijkteam Zuid", "formal", "wijkteam", "BU01", 52.001, 4.001, ("opvoeden",),
         "Jan Jansen"),
        ("2", "CJG De Sluis", "formal", "cjg", "BU02", 52.012, 4.012, ("school",), None),
        ("3", bad, "informal", "moskee", "BU01", 52.004, 4.006, ("opvoeden", "taboe"),
         IMG if evil else "Fatima"),
        ("4", bad2, "informal", "vrijwilligers", "BU02", 52.015, 4.013, (), None),
        ("5", TEMPLATE if evil else "Kerk Hoop", "informal", "kerk", "BU01", None, None,
         ("school",), None),
        ("6", EVIL_FLAG if evil else "Ouderkamer Es", "informal", "ouderkamer", "BU02", 52.016,
         4.017, (), None),
    )
    builder = DatasetBuilder("test")
    for oid, name, kind, category, hood, lat, lon, topics, contact in orgs:
        builder.org(oid, kind, name=name, category=category, neighbourhood=hood, lat=lat,
                    lon=lon, topics=topics, contact=contact)
    for gid, name, community, hood, families in (
            ("1", "Somalische moeders", "Somalisch", "BU01", 40),
            ("2", SCRIPT if evil else "Turkse vaders", "Turks", "BU01", 25),
            ("3", "Syrische ouders", TEMPLATE if evil else "Syrisch", "BU02", 12),
            ("4", IMG if evil else "Marokkaanse moeders", "Marokkaans", "BU02", 30)):
        builder.group(gid, families, name=name, community=community, neighbourhood=hood)
    for org, group, strength, topics in (("3", "1", 4.0, ("opvoeden",)), ("1", "2", 3.0, ()),
                                         ("4", "3", 2.0, ()), ("5", "1", 1.0, ()),
                                         ("6", "3", 3.0, ())):
        builder.reach(org, group, strength=strength, topics=topics)
    for source, target, form, scores, rater in (
            ("3", "1", "referral", (4.0, 4.0, 3.0, 4.0), "r1"),
            ("4", "6", "advice", (2.0, 2.0, 1.0, 2.0), "r2"),
            ("5", "2", None, (None,) * 4, "r3"),
            ("1", "2", "joint project", (4.5, 4.0, 4.0, 4.0), "r4")):
        builder.collab(source, target, form=form, reported_by=rater,
                       **dict(zip(CONDITIONS, scores, strict=True)))
    builder.hood("BU01", SCRIPT if evil else "De Sluis", 4.0, 52.0)
    builder.hood("BU02", "Het Es", 4.01, 52.01)
    return builder.build()


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
