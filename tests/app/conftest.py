"""Fixtures for the AppTest tests: the app with the demo district or an uploaded dataset."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.render.conftest import make_dataset  # noqa: E402

APP = str(ROOT / "app.py")
PAGES = ("overview", "network", "map", "gaps", "collaboration", "data")


def _stub_load(dataset, uploaded=None):
    """A stand-in ``mapping.load`` until the real one lands (same result shape).

    ``load_path`` serves ``dataset``; ``load_files`` serves ``uploaded`` (default
    ``dataset``), so upload tests can tell the two apart.
    """
    def result(data):
        return types.SimpleNamespace(ok=True, dataset=data, errors=[], warnings=[],
                                     issues=pd.DataFrame())

    module = types.ModuleType("mapping.load")
    module.load_path = lambda path, lang="nl": result(dataset)
    module.load_files = lambda files, lang="nl": result(uploaded or dataset)
    return module


def loader_exists() -> bool:
    """Whether ``mapping/load.py`` is on disk (the stub does not count)."""
    return (ROOT / "mapping" / "load.py").is_file()


@pytest.fixture
def demo_loader(monkeypatch):
    """The real loader when it exists, else a stub serving a small clean district."""
    if loader_exists():
        import mapping.load  # noqa: F401
    else:
        monkeypatch.setitem(sys.modules, "mapping.load",
                            _stub_load(make_dataset(evil=False), upload_stub_dataset()))
    return sys.modules["mapping.load"]


def upload_stub_dataset():
    """What the stub loader returns for an upload: a district other than the demo."""
    from tests.analysis.conftest import make_dataset as build

    dataset = build(
        orgs=[("W1", "formal"), ("W2", "formal", "cjg"), ("M1", "informal"),
              ("M2", "informal"), ("M3", "informal"), ("M4", "informal")],
        groups=[("G1", 10), ("G2", 20), ("G3", 40), ("G4", 5)],
        reach=[("W1", "G1"), ("M1", "G1"), ("M2", "G2"), ("M4", "G3")],
        collaborations=[("M1", "W1"), ("M2", "M3"), ("M3", "W2")])
    return dataset.replace(name="upload")


def open_page(page: str, query: dict | None = None, timeout: float = 60) -> AppTest:
    """Run the app on ``page`` (``overview``, ``network``...) and return the AppTest."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


@pytest.fixture
def app(demo_loader):
    import streamlit as st

    st.cache_resource.clear()  # another test may have cached a different stub's data
    return open_page


def shown_dataset():
    """The dataset the pages show by default (the demo district, or the stub's)."""
    from pages._shared import DEMO_DIR

    return sys.modules["mapping.load"].load_path(str(DEMO_DIR), "nl").dataset


def network_nodes(at: AppTest) -> int:
    """Number of nodes in the network HTML embedded on the page."""
    from tests.render.helpers import network_data

    frames = at.get("iframe")
    assert frames, "no iframe on the page"
    return len(network_data(frames[0].proto.srcdoc)["nodes"])
