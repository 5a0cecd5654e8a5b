"""Issue 13: hostile names and direction values in network files stay data.

The direction warnings quote organisation names (``first: A → B``); they fill a
fixed template with the names as values, so template, format-string and HTML
syntax in a name comes back literally and nothing runs. :func:`recognise`
answers for any bytes without raising.
"""

from __future__ import annotations

import json

import pytest

from mapping.io.graph_import import Mapping, import_graph, recognise
from tests.security.corpus import (
    CONTROL,
    FORMULAS,
    HUGE_NUMBERS,
    INVISIBLE,
    TEXT_ATTACKS,
    canary_clear,
    canary_tripped,
)

MAP = Mapping("type", ("F",), ("I",), ("G",))


def kumu(a: str, b: str, direction: str = "directed") -> bytes:
    """A Kumu blueprint: ``a`` (formal) names ``b`` (informal), one way."""
    return json.dumps({
        "elements": [{"id": "a", "label": a, "type": "F"}, {"id": "b", "label": b, "type": "I"},
                     {"id": "g", "label": "Groep", "type": "G"}],
        "connections": [{"from": "a", "to": "b", "direction": direction},
                        {"from": "b", "to": "g"}],
    }).encode()


@pytest.mark.parametrize("name", [*TEXT_ATTACKS, *FORMULAS])
def test_hostile_names_come_back_literally_in_the_direction_warnings(name):
    canary_clear()
    for lang in ("nl", "en"):
        result = import_graph([("x.json", kumu(name, "Moskee"))], MAP, lang)
        assert result.ok, result.errors[:2]
        warning = next(w for w in result.warnings if w.code == "collab_one_way")
        assert f"{name} → Moskee" in warning.message
    assert not canary_tripped()


@pytest.mark.parametrize("value", [*TEXT_ATTACKS, *CONTROL, *INVISIBLE, *HUGE_NUMBERS, ""])
def test_any_direction_value_is_read_as_undirected_unless_it_says_directed(value):
    result = import_graph([("x.json", kumu("A", "B", value))], MAP, "en")
    assert result.ok, result.errors[:2]
    assert "collab_one_way" not in {w.code for w in result.warnings}


@pytest.mark.parametrize("data", [
    *(s.encode("utf-8", "surrogatepass") for s in (*TEXT_ATTACKS, *CONTROL, *INVISIBLE)),
    b"\xff\xfe<\x00g\x00e\x00x\x00f\x00", b"PK\x03\x04" + b"\x00" * 40, b"{" * 5000,
    b"Source,Target\r\n" + b"a,b\r\n" * 10, b"\x00" * 100,
])
def test_recognise_answers_for_any_bytes(data):
    for name in ("x.csv", "x.xlsx", "x.gexf", "x"):
        assert recognise(name, data) in (None, "gexf", "graphml", "gephi-csv", "kumu-json")
