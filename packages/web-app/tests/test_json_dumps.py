"""The default ``dumps`` of json_response gives what ``json.dumps`` gives."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioloom.web.http import _json

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.tuples(inner, inner)
    ),
    max_leaves=12,
)


def test_the_accelerated_route_is_used_here() -> None:
    assert _json.dumps is not json.dumps


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_same_text_as_json_dumps(value: Any) -> None:
    assert _json.dumps(value) == json.dumps(value)


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        'é ☃ \x00 " \\ \n',
        {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
        [math.nan, math.inf, -math.inf, -0.0, 1e300],
        {"nested": [{"a": [1, 2, {"b": None}]}]},
    ],
)
def test_same_text_for_edge_values(value: Any) -> None:
    assert _json.dumps(value) == json.dumps(value)


class _Odd:
    pass


@pytest.mark.parametrize("value", [_Odd(), {"a": {1, 2}}, {(1, 2): "tuple key"}, b"bytes"])
def test_same_error_for_what_json_cannot_encode(value: Any) -> None:
    with pytest.raises(TypeError) as expected:
        json.dumps(value)
    with pytest.raises(TypeError) as got:
        _json.dumps(value)
    assert str(got.value) == str(expected.value)


def test_circular_references_are_found_every_time() -> None:
    loop: list[Any] = []
    loop.append(loop)
    for _ in range(2):  # a fresh record per call: no stale entry after an error
        with pytest.raises(ValueError, match="Circular reference detected"):
            _json.dumps(loop)
    shared = [1]
    assert _json.dumps([shared, shared]) == "[[1], [1]]"
