"""The report's JSON writer gives the bytes of ``json.dumps(..., indent=2)``."""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mapping.analysis.report import _json_default
from mapping.analysis.report_json import dumps
from tests.security.corpus import CONTROL, HTML_INJECTION, INVISIBLE, TEMPLATE_INJECTION

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-2**80, 2**80),
    st.floats(allow_nan=True, allow_infinity=True), st.text(),
    st.sampled_from([*CONTROL, *INVISIBLE, *HTML_INJECTION, *TEMPLATE_INJECTION]),
    st.sampled_from([np.int64(7), np.float64(0.25), np.bool_(True), np.float32(1.5)]),
)
KEYS = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(),
                 st.none())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(KEYS, inner, max_size=4),
        st.frozensets(st.text(max_size=3), max_size=3), st.sets(st.integers(), max_size=3)),
    max_leaves=30)


def reference(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_same_text_as_json_dumps(value):
    assert dumps(value, default=_json_default) == reference(value)


def test_edge_values():
    for value in ([], {}, [[]], [{}], {"a": []}, [math.nan, -math.inf, math.inf, -0.0],
                  {1.5: 1, True: 2, None: 3, 7: [None]}, "é\u2028\x00", [("a", 1), {"b"}],
                  {"x": [1, "y", [2, {"z": ()}]]}, object):
        assert dumps(value, default=_json_default) == reference(value)


def test_a_key_json_refuses_is_refused():
    try:
        dumps({(1, 2): 3}, default=_json_default)
    except TypeError:
        pass
    else:
        raise AssertionError("a tuple key must be refused, as json.dumps does")
