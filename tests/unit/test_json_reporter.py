"""The JSON reporter's encoder writes exactly what json.dumps(indent=2, ensure_ascii=False) does."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from checker.reporters.json_reporter import dumps_indented

SCALARS = st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.tuples(inner, inner) | st.dictionaries(st.text(), inner, max_size=4),
                      max_leaves=30)


@given(VALUES)
def test_same_text_as_json_dumps(value):
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_edge_cases():
    for value in ({}, [], "", {"a": {}}, [[]], {"é\u2028\"\\\n": ["\x00", True, None]}, {1: "x"}):
        assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
