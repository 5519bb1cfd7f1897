"""Serializer, chunked encoder and Date helper."""

from __future__ import annotations

import email.utils

import pytest

from aioloom.http_parser import (
    Body,
    ChunkedEncoder,
    EndOfMessage,
    RequestParser,
    ResponseParser,
    http_date,
    serialize_request_head,
    serialize_response_head,
)


def test_response_head() -> None:
    head = serialize_response_head(404, "Not Found", [("Content-Length", "0"), ("X", "é")])
    assert head == b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nX: \xe9\r\n\r\n"
    events = ResponseParser().feed(head)
    assert events[0].status == 404


@pytest.mark.parametrize("bad", ["a\rb", "a\nb", "a\x00b", "a\r\nSet-Cookie: x=1"])
def test_GHSA_mwh4_6h8g_pg8w_crlf_in_reason_or_headers(bad: str) -> None:
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        serialize_response_head(200, bad, [])
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        serialize_response_head(200, "OK", [("X-A", bad)])
    with pytest.raises(ValueError, match="token"):
        serialize_response_head(200, "OK", [(bad, "v")])


@pytest.mark.parametrize("name", ["", "a b", "a:b", "ä"])
def test_header_names_must_be_tokens(name: str) -> None:
    with pytest.raises(ValueError, match="token"):
        serialize_response_head(200, "OK", [(name, "v")])


def test_request_head_round_trip() -> None:
    wire = serialize_request_head("GET", "/a?b", [("Host", "x")])
    assert RequestParser().feed(wire)[0].target == "/a?b"
    with pytest.raises(ValueError, match="whitespace"):
        serialize_request_head("GET", "/a b", [])
    with pytest.raises(ValueError, match="token"):
        serialize_request_head("G T", "/", [])


def test_chunked_encoder_with_trailers() -> None:
    encoder = ChunkedEncoder()
    body = encoder.encode(b"hello") + encoder.encode(b"") + encoder.encode(b" world!")
    body += encoder.end([("X-Checksum", "abc")])
    wire = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    events = RequestParser().feed(wire)
    assert b"".join(e.data for e in events if isinstance(e, Body)) == b"hello world!"
    end = events[-1]
    assert isinstance(end, EndOfMessage)
    assert end.trailers is not None
    assert end.trailers["X-Checksum"] == "abc"
    with pytest.raises(ValueError, match="already ended"):
        encoder.encode(b"late")


@pytest.mark.parametrize("trailer", [("X", "a\r\nb"), ("X Y", "v"), ("X", "\x00")])
def test_chunked_encoder_validates_trailers(trailer: tuple[str, str]) -> None:
    with pytest.raises(ValueError, match="refusing"):
        ChunkedEncoder().end([trailer])


def test_http_date_is_imf_fixdate_and_cached() -> None:
    value = http_date(784111777)
    assert value == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert http_date(784111777.9) is value
    assert email.utils.parsedate_to_datetime(http_date()).tzinfo is not None
