import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aioloom.websocket import _mask, apply_mask


def reference(mask: bytes, data: bytes) -> bytes:
    return bytes(b ^ mask[i % 4] for i, b in enumerate(data))


@given(st.binary(min_size=4, max_size=4), st.binary(max_size=3000))
def test_matches_per_byte_reference(mask: bytes, data: bytes) -> None:
    assert apply_mask(mask, data) == reference(mask, data)


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 1023, 1024, 1025, 4096, 70001])
def test_round_trip_both_routes(size: int) -> None:
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    mask = b"\xa1\xb2\xc3\xd4"
    masked = apply_mask(mask, data)
    assert len(masked) == size
    assert apply_mask(mask, masked) == data
    assert masked == reference(mask, data)


def test_accepts_bytearray_and_memoryview() -> None:
    mask = b"\x00\xff\x00\xff"
    assert apply_mask(mask, bytearray(b"abcd")) == reference(mask, b"abcd")
    assert apply_mask(mask, memoryview(b"abcd" * 400)) == reference(mask, b"abcd" * 400)


def test_the_route_under_test_is_the_one_in_use(masking_route: str) -> None:
    """The suite's parametrization really swaps the route the reader and writer use."""
    expected = _mask.python_unmask if masking_route == "python" else _mask.accelerated_unmask
    assert _mask.unmask is expected
    assert type(_mask.unmask(b"\x01\x02\x03\x04", b"x" * 600)) is (
        bytearray if masking_route == "python" else bytes
    )


def test_extensions_can_be_turned_off() -> None:
    code = "from aioloom.websocket import _mask; print(_mask.accelerated_unmask is None)"
    env = {**os.environ, "AIOLOOM_NO_EXTENSIONS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
