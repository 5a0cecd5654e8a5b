"""Hostile coordinates through the store's edits and join answers (issue 10: one rule).

Every corpus string typed as a latitude, longitude or RD coordinate is refused
with the rule's message (nothing written) or stored as a number in range; never
another exception, never text in a number column.
"""

from __future__ import annotations

import math

import pytest

from mapping.store.repository import EditError, Store
from tests.security.corpus import CONTROL, FORMULAS, HUGE_NUMBERS, TEMPLATE_INJECTION
from tests.store.conftest import make_dataset

VALUES = (*HUGE_NUMBERS, *TEMPLATE_INJECTION, *FORMULAS, *CONTROL, "52,3", "-0", "")
# Each hostile value in one field, its partner given a valid value.
FIELDS = {"lat": {"lon": "4,9"}, "lon": {"lat": "52,3"}, "x": {"y": "487000"},
          "y": {"x": "121000"}}


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'hostile.sqlite'}") as opened:
        opened.create_dataset("wijk", make_dataset())
        yield opened


@pytest.mark.parametrize("field", list(FIELDS))
@pytest.mark.parametrize("path", ["workshop", "join"])
def test_hostile_coordinates_are_refused_or_stored_in_range(store, field, path):
    session = store.join(store.open_join("wijk"))
    for number, value in enumerate(VALUES):
        record = {"id": f"H{number}", "name": "Hostile", "kind": "informal", **FIELDS[field],
                  field: value}
        head = store.head("wijk")
        try:
            if path == "workshop":
                store.add_organisation("wijk", record)
            else:
                session.submit(record, ["G1"])
        except EditError as refused:
            assert refused.message("en") and refused.message("nl"), value
            assert store.head("wijk") == head, value  # nothing written
            continue
        row = store.load("wijk").organisations.set_index("id").loc[f"H{number}"]
        lat, lon = row["lat"], row["lon"]
        if value == "":  # the field left empty: its partner alone is half a pair
            pytest.fail(f"half a pair stored for {field}")
        assert isinstance(lat, float) and isinstance(lon, float), (value, lat, lon)
        assert -90 <= lat <= 90 and -180 <= lon <= 180 and not math.isnan(lat), value
