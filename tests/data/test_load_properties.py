"""Property tests: any bytes and any cell values give a result, never an exception."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.io.load import load_files

NAMES = st.sampled_from(["organisations.csv", "oudergroepen.csv", "bereik.csv",
                         "samenwerkingen.csv", "wijk.xlsx", "wijken.geojson", "x.csv"])
CELL = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "1", "3,5", "-1", "nan", "inf", "formeel", "informal", "W1", "G1", "|", '"', "\n",
     "1e400", "52.1", "155000", "\x00", "=SUM(A1)", "<script>"]))
HEADERS = st.lists(st.sampled_from(
    ["id", "naam", "name", "kind", "soort", "families", "organisation", "group", "source",
     "target", "trust", "lat", "lon", "x", "y", "strength", "topics", "", "id", "extra"]),
    min_size=1, max_size=8)


def _well_formed(result) -> None:
    assert result.ok == (result.dataset is not None and not result.errors)
    assert all(i.code != "internal" for i in result.errors), result.errors
    for issue in [*result.errors, *result.warnings]:
        assert issue.message and issue.severity in ("error", "warning")
    if result.ok:
        result.dataset.fingerprint()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(NAMES, st.binary(max_size=300)), max_size=4))
def test_random_bytes_never_raise(files):
    _well_formed(load_files(files))


def _csv(header, rows, delimiter):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    return buffer.getvalue().encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=st.sampled_from(["organisations.csv", "parent_groups.csv", "reach.csv",
                              "collaborations.csv"]),
       header=HEADERS, rows=st.lists(st.lists(CELL, max_size=9), max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_random_cells_never_raise(table, header, rows, delimiter):
    base = {
        "organisations.csv": b"id,name,kind\nW1,A,formal\n",
        "parent_groups.csv": b"id,name,families\nG1,B,3\n",
        "reach.csv": b"organisation,group\nW1,G1\n",
        "collaborations.csv": b"source,target\nW1,W1\n",
    }
    base[table] = _csv(header, rows, delimiter)
    _well_formed(load_files(list(base.items())))
