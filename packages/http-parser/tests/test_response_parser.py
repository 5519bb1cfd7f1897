"""Response parser: framing rules, EOF-delimited bodies, lenient mode."""

from __future__ import annotations

from typing import Any

import pytest

from aioloom.http_parser import (
    BadRequest,
    Body,
    EndOfMessage,
    ResponseHead,
    ResponseParser,
    UpgradeData,
)


def body_of(events: list[Any]) -> bytes:
    return b"".join(e.data for e in events if isinstance(e, Body))


def test_content_length_and_keep_alive() -> None:
    events = ResponseParser().feed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
    head = events[0]
    assert isinstance(head, ResponseHead)
    assert (head.status, head.reason, head.should_close) == (200, "OK", False)
    assert events[1:] == [Body(b"hi"), EndOfMessage()]


def test_read_until_close() -> None:
    parser = ResponseParser()
    events = parser.feed(b"HTTP/1.1 200 OK\r\n\r\nsome")
    assert events[0].should_close
    assert events[1:] == [Body(b"some")]
    assert parser.feed(b" more") == [Body(b" more")]
    assert parser.feed_eof() == [EndOfMessage()]


@pytest.mark.parametrize("status", [100, 103, 204, 304])
def test_statuses_without_body(status: int) -> None:
    wire = b"HTTP/1.1 %d X\r\nContent-Length: 5\r\n\r\n" % status
    events = ResponseParser().feed(wire + b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert [type(e) for e in events] == [ResponseHead, EndOfMessage, ResponseHead, EndOfMessage]


def test_head_response_has_no_body() -> None:
    parser = ResponseParser(request_method="HEAD")
    parser.expect_response_to("GET")
    events = parser.feed(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
    )
    assert events[0].content_length == 5
    assert events[1] == EndOfMessage()
    assert body_of(events) == b"x"


def test_switching_protocols() -> None:
    events = ResponseParser().feed(b"HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\n\r\n\x81\x00")
    assert events[0].upgrade
    assert events[-1] == UpgradeData(b"\x81\x00")
    events = ResponseParser(request_method="CONNECT").feed(b"HTTP/1.1 200 OK\r\n\r\ntunnel")
    assert events[-1] == UpgradeData(b"tunnel")


def test_chunked_response_and_non_final_chunked_is_until_close() -> None:
    events = ResponseParser().feed(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
    )
    assert body_of(events) == b"hi"
    assert events[-1] == EndOfMessage()
    parser = ResponseParser()
    events = parser.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\nraw")
    assert events[0].should_close
    assert body_of(events) == b"raw"


def test_strict_rejects_what_lenient_accepts() -> None:
    wire = b"HTTP/1.1 200 OK\nX-A: 1\n  folded\nX-B: \x01\nContent-Length: 2\n\nok"
    with pytest.raises(BadRequest):
        ResponseParser().feed(wire)
    events = ResponseParser(lenient=True).feed(wire)
    assert events[0].headers["X-A"] == "1 folded"
    assert events[0].headers["X-B"] == "\x01"
    assert body_of(events) == b"ok"


def test_lenient_still_rejects_nul_and_cl_te_is_te() -> None:
    with pytest.raises(BadRequest):
        ResponseParser(lenient=True).feed(b"HTTP/1.1 200 OK\r\nX: a\x00\r\n\r\n")
    events = ResponseParser(lenient=True).feed(
        b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"1\r\nx\r\n0\r\n\r\n"
    )
    assert body_of(events) == b"x"
    with pytest.raises(BadRequest):
        ResponseParser().feed(
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n"
        )


def test_cut_off_response_body_is_an_error() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")
    with pytest.raises(BadRequest):
        parser.feed_eof()


def test_bad_status_lines() -> None:
    for line in (b"HTTP/1.1 20 OK", b"HTTP/1.1 2000 OK", b"HTTP/1.1 099 X", b"HTTP/1.1 abc"):
        with pytest.raises(BadRequest):
            ResponseParser().feed(line + b"\r\n\r\n")
