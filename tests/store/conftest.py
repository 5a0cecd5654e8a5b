"""Fixtures for the store tests: both backends, and a throwaway PostgreSQL server.

Every store test that takes ``db_url`` or ``store`` runs twice: on a SQLite
file and on PostgreSQL (marked ``postgres``). PostgreSQL comes from
``$MAPPING_TEST_POSTGRES_URL`` when set (each test gets its own schema there),
otherwise from a cluster started here for the session
(:mod:`tests.store.pgcluster`: ``initdb`` into a temp directory, ``pg_ctl
start`` on a free port on 127.0.0.1, run as the ``postgres`` OS user when the
tests run as root). The cluster is stopped and deleted at the end. Without
server binaries the PostgreSQL tests skip with the reason.
"""

from __future__ import annotations

import contextlib
import math
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.store.repository import Store
from tests.store.pgcluster import ENV_URL, throwaway_cluster

# --------------------------------------------------------------------------- data


def make_dataset(name: str = "test") -> Dataset:
    """A small district with every column kind: extras, NaN, NA, tuples, polygons."""
    orgs = pd.DataFrame({
        "id": ["W1", "W2", "M1", "M2", "M3"],
        "name": ["Wijkteam Noord", "CJG Centrum", "Moskee Al-Nour", "Vrouwennetwerk Zon",
                 "Buurtvaders"],
        "kind": ["formal", "formal", "informal", "informal", "informal"],
        "category": ["wijkteam", "cjg", "moskee", "vrouwennetwerk", "vrijwilligers"],
        "neighbourhood": ["BU01", "BU02", "BU01", None, "BU02"],
        "lat": [52.1, 52.2, math.nan, 52.15, 52.12],
        "lon": [4.1, 4.2, math.nan, 4.15, 4.12],
        "topics": [("opvoeden",), ("school", "gezondheid"), (), ("taboe", "opvoeden"), ()],
        "contact": ["Jan Jansen", None, "Fatima", None, None],
        "website": ["https://a.example", None, None, "x", None],  # an extra column
    })
    groups = pd.DataFrame({
        "id": ["G1", "G2", "G3"],
        "name": ["Somalische moeders", "Turkse vaders", "Eritrese ouders"],
        "community": ["Somalisch", "Turks", None],
        "neighbourhood": ["BU01", "BU02", "BU02"],
        "families": pd.array([40, None, 12], dtype="Int64"),
    })
    reach = pd.DataFrame({
        "organisation": ["W1", "M1", "M2"],
        "group": ["G1", "G1", "G2"],
        "strength": [4.0, math.nan, 2.0],
        "topics": [("opvoeden",), (), ()],
    })
    collabs = pd.DataFrame({
        "source": ["M1", "M1", "M2"],
        "target": ["W1", "W1", "M3"],
        "form": ["referral", None, "advice"],
        **{c: [4.0, 3.5, math.nan] for c in CONDITIONS},
        "reported_by": ["r1", "r2", None],
    })
    hoods = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "BU01", "name": "Noord"},
         "geometry": {"type": "Polygon",
                      "coordinates": [[[4.0, 52.0], [4.1, 52.0], [4.1, 52.1], [4.0, 52.0]]]}},
    ]}
    return Dataset(orgs, groups, reach, collabs, hoods, name=name)


def assert_same(a: Dataset, b: Dataset) -> None:
    """Tables (values, dtypes, column order) and polygons are equal."""
    for table in ("organisations", "parent_groups", "reach", "collaborations"):
        pd.testing.assert_frame_equal(a.table(table).reset_index(drop=True),
                                      b.table(table).reset_index(drop=True), obj=table)
    assert a.neighbourhoods == b.neighbourhoods


@pytest.fixture
def dataset() -> Dataset:
    return make_dataset()


@pytest.fixture
def helpers() -> dict[str, Callable]:
    """The helpers above (conftest modules are not importable under importlib mode)."""
    return {"make_dataset": make_dataset, "assert_same": assert_same}


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL URL: ``$MAPPING_TEST_POSTGRES_URL`` or a throwaway cluster."""
    url = os.environ.get(ENV_URL)
    if url:
        yield url
        return
    with throwaway_cluster() as started:
        yield started.url


def _psycopg_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


@contextlib.contextmanager
def _pg_schema(server_url: str) -> Iterator[str]:
    """A fresh schema on the server and a URL whose search_path points at it."""
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_psycopg_dsn(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(server_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_psycopg_dsn(server_url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend, as a URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    server = request.getfixturevalue("postgres_server")
    with _pg_schema(server) as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A :class:`Store` on an empty database, closed afterwards."""
    with Store(db_url) as opened:
        yield opened


@pytest.fixture
def filled(store: Store, dataset: Dataset) -> Store:
    """The store with :func:`make_dataset` saved as ``"wijk"``."""
    store.create_dataset("wijk", dataset, author="test")
    return store
