import pytest

from aioloom.websocket import (
    WebSocketError,
    build_close_payload,
    is_valid_close_code,
    parse_close_payload,
)


@pytest.mark.parametrize("code", [1000, 1001, 1002, 1003, 1007, 1010, 1011, 1014, 3000, 4999])
def test_valid_codes(code: int) -> None:
    assert is_valid_close_code(code)
    assert parse_close_payload(build_close_payload(code, "why")) == (code, "why")


@pytest.mark.parametrize("code", [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535])
def test_invalid_codes_never_sent(code: int) -> None:
    assert not is_valid_close_code(code)
    with pytest.raises(ValueError, match="may not be sent"):
        build_close_payload(code)


def test_reason_limits() -> None:
    assert len(build_close_payload(1000, "x" * 123)) == 125
    with pytest.raises(ValueError, match="123"):
        build_close_payload(1000, "x" * 124)
    with pytest.raises(ValueError, match="needs a close code"):
        build_close_payload(None, "x")
    assert build_close_payload(None) == b""


def test_parse_errors() -> None:
    with pytest.raises(WebSocketError) as info:
        parse_close_payload(b"\x03")
    assert info.value.code == 1002
    with pytest.raises(WebSocketError) as info:
        parse_close_payload(b"\x03\xe8\xc0\x80")
    assert info.value.code == 1007
    assert parse_close_payload(b"") == (0, "")


def test_fail_truncates_reason_on_a_character_boundary() -> None:
    from aioloom.websocket import Connection

    conn = Connection(is_client=False)
    data = conn.fail(1002, "é" * 100)
    assert parse_close_payload(data[2:]) == (1002, "é" * 61)
    assert conn.close_sent
    assert conn.fail(1002) == b""
