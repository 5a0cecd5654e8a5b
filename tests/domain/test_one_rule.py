"""One rule for files, workshop edits and join answers (issue 10's "done when").

The same value typed in a file cell, the workshop form and a participant's
answer is accepted or refused by the same rule, with the same issue code and
the same words, and stored identically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mapping.domain import rules
from mapping.io.geo import rd_to_wgs84
from mapping.io.load import load_files
from mapping.store.repository import EditError, open_store
from tests.store.conftest import make_dataset

SCORES = {"trust": 4, "shared_goals": 4, "role_clarity": 4, "equality": 4}
_LAT, _LON = (float(v[0]) for v in rd_to_wgs84([121000.0], [487000.0]))  # Amsterdam, RD New

# (table, field, value typed, stored value or the refusing code). A dict value is every
# cell typed (a coordinate pair, or half of one); otherwise ``lat`` gets its ``lon``.
# A refusal with parameters is (code, params).
CASES: list[tuple[str, str, Any, Any]] = [
    ("organisations", "kind", "formeel", "formal"),
    ("organisations", "kind", "professioneel", "formal"),
    ("organisations", "kind", "Informeel", "informal"),
    ("organisations", "kind", "semi", "kind_invalid"),
    ("organisations", "topics", "opvoeden", ("raising_children",)),
    ("organisations", "topics", "school|Huiselijk geweld", ("school", "domestic_violence")),
    ("organisations", "category", "Moskee", "moskee"),
    ("organisations", "lat", "52,3", 52.3),
    ("organisations", "lat", "95", "lat_range"),
    ("organisations", "lat", "noord", "number_invalid"),
    ("collaborations", "trust", "3,5", 3.5),
    ("collaborations", "trust", 0, "score_range"),
    ("collaborations", "trust", 6, "score_range"),
    ("collaborations", "trust", "1e20", "number_huge"),
    ("collaborations", "form", "doorverwijzing", "referral"),
    ("collaborations", "form", "Gezamenlijk project", "joint_project"),
    # coordinates: half a pair, WGS84 ranges, RD New outside the Netherlands, RD as lat/lon
    ("organisations", "lon", {"lat": "52,3"}, ("coord_pair", {"given": "lat", "missing": "lon"})),
    ("organisations", "lat", {"lon": "4,9"}, ("coord_pair", {"given": "lon", "missing": "lat"})),
    ("organisations", "lon", {"lat": "52,3", "lon": "200"}, "lon_range"),
    ("organisations", "y", {"x": "121000"}, ("coord_pair", {"given": "x", "missing": "y"})),
    ("organisations", "x", {"y": "487000"}, ("coord_pair", {"given": "y", "missing": "x"})),
    ("organisations", "x", {"x": "500000", "y": "487000"},
     ("rd_range", {"axis": "x", "low": "-7,000", "high": "300,000"})),
    ("organisations", "y", {"x": "121000", "y": "700000"},
     ("rd_range", {"axis": "y", "low": "289,000", "high": "629,000"})),
    ("organisations", "lat", {"x": "121000", "y": "487000"}, _LAT),
    ("organisations", "lon", {"x": "121000", "y": "487000"}, _LON),
    ("organisations", "lat", {"lat": "52,3", "lon": "4,9", "x": "121000", "y": "487000"}, 52.3),
]


def _from_file(table: str, field: str, value: Any) -> tuple[Any, str | None, str | None]:
    """Stored value, refusing code and the problem's words, from a Dutch-Excel CSV upload."""
    text = str(value).replace(".", ",") if isinstance(value, float) else str(value)
    orgs = {"id": "N1", "name": "Nieuw", "kind": "informeel"}
    collab = {"source": "N1", "target": "W1", **SCORES}
    (orgs if table == "organisations" else collab).update(
        value if isinstance(value, dict) else {**_pair(field, text="4,3"), field: text})
    files = [
        ("organisaties.csv", _csv([{"id": "W1", "name": "Wijkteam", "kind": "formeel"}, orgs])),
        ("oudergroepen.csv", _csv([{"id": "G1", "name": "Groep"}])),
        ("samenwerkingen.csv", _csv([collab])),
    ]
    result = load_files(files, "en")
    errors = [i for i in result.errors if i.column and i.column.lower() == field.lower()]
    if errors:
        return None, errors[0].code, errors[0].message
    assert result.ok, result.errors
    frame = result.dataset.table(table)
    row = frame[frame["source"] == "N1"] if table == "collaborations" else frame[
        frame["id"] == "N1"]
    return _plain(row.iloc[0][field]), None, None


def _csv(rows: list[dict[str, Any]]) -> bytes:
    header = list(dict.fromkeys(k for r in rows for k in r))
    lines = [";".join(header)] + [";".join(str(r.get(h, "")) for h in header) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _pair(field: str, text: Any = 4.3) -> dict[str, Any]:
    """The other half of a coordinate pair: a record needs both."""
    return {"lon": text} if field == "lat" else {}


def _cells(field: str, value: Any) -> dict[str, Any]:
    """What a form or an answer sends: every cell of a dict value, else ``field`` (+ pair)."""
    return value if isinstance(value, dict) else {**_pair(field), field: value}


def _plain(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


def _store(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    store.create_dataset("wijk", make_dataset(), author="test")
    return store


def _from_workshop(store, table: str, field: str, value: Any):
    try:
        if table == "organisations":
            store.add_organisation("wijk", {"id": "N1", "name": "Nieuw", "kind": "informal",
                                            **_cells(field, value)})
            row = store.load("wijk").organisations.set_index("id").loc["N1"]
        else:
            store.add_collaboration("wijk", {"source": "M2", "target": "W2", **SCORES,
                                             field: value})
            frame = store.load("wijk").collaborations
            row = frame[(frame["source"] == "M2") & (frame["target"] == "W2")].iloc[0]
    except EditError as refused:
        return None, refused.key, refused.message("en")
    return _plain(row[field]), None, None


def _from_join(store, table: str, field: str, value: Any):
    session = store.join(store.open_join("wijk"))
    try:
        if table == "organisations":
            session.submit({"id": "N1", "name": "Nieuw", "kind": "informal",
                            **_cells(field, value)})
            row = store.load("wijk").organisations.set_index("id").loc["N1"]
        else:
            session.submit("M2", (), [{"target": "W2", **SCORES, field: value}])
            frame = store.load("wijk").collaborations
            row = frame[(frame["source"] == "M2") & (frame["target"] == "W2")].iloc[0]
    except EditError as refused:
        return None, refused.key, refused.message("en")
    return _plain(row[field]), None, None


@pytest.mark.parametrize(("table", "field", "value", "expected"), CASES)
def test_file_workshop_and_join_agree(tmp_path, table, field, value, expected):
    paths = {
        "file": _from_file(table, field, value),
        "workshop": _from_workshop(_store(tmp_path / "w"), table, field, value),
        "join": _from_join(_store(tmp_path / "j"), table, field, value),
    }
    refusal, params = expected if isinstance(expected, tuple) and len(expected) == 2 and \
        isinstance(expected[1], dict) else (expected, {})
    refused = isinstance(refusal, str) and refusal in rules.MESSAGES | {"number_huge": ()}
    for path, (stored, code, words) in paths.items():
        if refused:
            assert code == refusal, (path, code, words)
            # The same words for the problem, whatever the path (file adds row/column around
            # them, the store the field).
            assert rules.message(refusal, "en", **{"limit": "1e+09", **params}) in words, (
                path, words)
        else:
            assert code is None, (path, code, words)
            assert stored == expected, (path, stored)
