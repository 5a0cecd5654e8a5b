"""Fixtures for the AppTest tests: the app with the demo district or an uploaded dataset.

Everything goes through the real loader (:mod:`mapping.io.load`) and the real demo
district in ``data/demo``; the figures the pages show are compared with the
output of ``python -m mapping report --json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping.analysis.graph import build_graph
from mapping.domain.dataset import Dataset

ROOT = Path(__file__).resolve().parents[2]

APP = str(ROOT / "app.py")
DEMO = ROOT / "data" / "demo"
PAGES = ("overview", "network", "map", "gaps", "collaboration", "roles", "topics", "data")


@pytest.fixture(scope="session", autouse=True)
def store_db(tmp_path_factory):
    """Every AppTest's store (the sidebar's "saved dataset" source) in a temporary file.

    Without it the app would open the user's own store in ``~/.local/share``.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.sqlite'}"
    previous = os.environ.get("MAPPING_DB")
    os.environ["MAPPING_DB"] = url
    yield url
    if previous is None:
        os.environ.pop("MAPPING_DB", None)
    else:
        os.environ["MAPPING_DB"] = previous


def cli_report(path: Path, *options: str) -> dict:
    """``python -m mapping report PATH --json [options]``, run as a user would run it."""
    done = subprocess.run([sys.executable, "-m", "mapping", "report", str(path), "--json",
                           *options], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def demo_report() -> dict:
    """The command line's report of the demo district (every threshold counts)."""
    return cli_report(DEMO)


def load(path: Path) -> Dataset:
    """``path`` through the real loader, as the app loads it."""
    from mapping.io.load import load_path

    result = load_path(path, "nl")
    assert result.ok, result.errors
    return result.dataset


def shown_dataset() -> Dataset:
    """The dataset the pages show by default: the demo district."""
    return load(DEMO)


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
def app():
    """``open_page`` with empty caches (the call counters then count this test only)."""
    import streamlit as st

    st.cache_resource.clear()
    return open_page


def network_nodes(at: AppTest) -> int:
    """Number of nodes in the network HTML embedded on the page."""
    from tests.render.helpers import network_data

    frames = at.get("iframe")
    assert frames, "no iframe on the page"
    return len(network_data(frames[0].proto.srcdoc)["nodes"])


def assert_elements(at: AppTest, page: str, folder: Path) -> None:
    """The elements ``page`` must show for the dataset of ``folder``."""
    assert not at.exception, (page, at.exception)
    dataset = load(folder)
    if page == "overview":
        assert len(at.metric) == 7
    elif page == "network":
        assert network_nodes(at) == build_graph(dataset).number_of_nodes()
    elif page == "map":
        (frame,) = at.get("iframe")
        assert "wijkkaart-status" in frame.proto.srcdoc or frame.proto.src
    elif page == "gaps":
        assert len(at.dataframe[0].value) == len(cli_report(folder)["groups"])
        assert len(at.get("download_button")) >= 2  # CSV and XLSX
    elif page == "collaboration":
        assert len(at.get("vega_lite_chart")) >= 2  # per link and per organisation
        assert len(at.dataframe[0].value) > 0
    elif page == "data":
        assert len(at.tabs) == 4
        # The upload's warnings table comes first, then the preview of the tables.
        assert len(at.dataframe[-4].value) == len(dataset.organisations)
