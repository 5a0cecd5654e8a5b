"""The network page at city size (AppTest): a 4x city opens aggregated and drills down."""

from __future__ import annotations

import dataclasses
import sys

import pytest
from streamlit.testing.v1 import AppTest

from mapping.analysis.graph import build_graph
from mapping.analysis.report import analyse
from mapping.io import demo
from mapping.views.aggregate import aggregate, drill_down
from tests.app.conftest import APP, network_nodes

CITY = {"organisations": 20_000, "groups": 6_000, "seed": 4}
"""A 4x city of :func:`mapping.io.demo.generate`."""


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The 4x city on disk, the app started with ``--data`` on it, and its expected aggregate."""
    import streamlit as st

    from tests.browser.conftest import write_folder

    dataset = demo.generate(**CITY)
    tmp = tmp_path_factory.mktemp("city")
    folder = write_folder(dataset, tmp / "city")
    patch = pytest.MonkeyPatch()
    patch.setattr(sys, "argv", ["app.py", "--data", str(folder)])
    patch.setenv("MAPPING_DB", f"sqlite:///{tmp / 'store.sqlite'}")
    # The parse worker's 60 s limit is for hostile files; a 4x city on a machine shared
    # by many jobs may need longer to read (the limit itself is tested in tests/io).
    from mapping.domain.limits import LIMITS
    from mapping.io import sandbox

    patch.setattr(sandbox, "LIMITS", dataclasses.replace(LIMITS, parse_seconds=900.0))
    st.cache_resource.clear()
    graph = build_graph(dataset)
    yield dataset, graph, analyse(dataset)
    st.cache_resource.clear()
    patch.undo()


def open_network(query: dict | None = None) -> AppTest:
    """The app run straight on the network page (no overview first: it reports the whole city)."""
    at = AppTest.from_file(APP, default_timeout=900)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page("pages/network.py")
    at.run()
    # A load refused (e.g. the parse worker's time limit on a busy machine) shows here.
    assert not at.error, [e.value for e in at.error]
    return at


def test_city_opens_aggregated_and_drills_into_one_neighbourhood(city):
    dataset, graph, cov = city
    at = open_network()
    assert not at.exception
    expected = aggregate(graph, cov)
    assert network_nodes(at) == expected.number_of_nodes()
    assert network_nodes(at) < 2000 < graph.number_of_nodes()
    assert any("City view" in c.value or "Stadsweergave" in c.value for c in at.caption)
    hood = sorted(dataset.parent_groups["neighbourhood"])[0]
    drilled = open_network({"open": hood})
    assert not drilled.exception
    assert network_nodes(drilled) == drill_down(graph, hood).number_of_nodes()
    assert drilled.query_params["open"] == [hood] or drilled.query_params["open"] == hood
