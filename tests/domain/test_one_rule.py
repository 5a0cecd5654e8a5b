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
from mapping.io.load import load_files
from mapping.store.repository import EditError, open_store
from tests.store.conftest import make_dataset

SCORES = {"trust": 4, "shared_goals": 4, "role_clarity": 4, "equality": 4}

# (table, field, value typed, stored value or the refusing code)
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
]


def _from_file(table: str, field: str, value: Any) -> tuple[Any, str | None, str | None]:
    """Stored value, refusing code and the problem's words, from a Dutch-Excel CSV upload."""
    text = str(value).replace(".", ",") if isinstance(value, float) else str(value)
    orgs = {"id": "N1", "name": "Nieuw", "kind": "informeel"}
    collab = {"source": "N1", "target": "W1", **SCORES}
    (orgs if table == "organisations" else collab)[field] = text
    if field == "lat":  # a file needs both halves of a coordinate pair
        orgs["lon"] = "4,3"
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


def _pair(field: str) -> dict[str, Any]:
    return {"lon": 4.3} if field == "lat" else {}


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
                                            **_pair(field), field: value})
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
            session.submit({"id": "N1", "name": "Nieuw", "kind": "informal", **_pair(field),
                            field: value})
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
    refused = isinstance(expected, str) and expected in rules.MESSAGES | {"number_huge": ()}
    for path, (stored, code, words) in paths.items():
        if refused:
            assert code == expected, (path, code, words)
            # The same words for the problem, whatever the path (file adds row/column around
            # them, the store the field).
            assert rules.message(expected, "en", limit="1e+09") in words, (path, words)
        else:
            assert code is None, (path, code, words)
            assert stored == expected, (path, stored)
