"""The request-head fast paths agree with the step-by-step checks; reusing the
last request's header fields changes speed, never a result."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import istr

from aioloom.http_parser import BadRequest, HttpParserError, Limits, RequestParser
from aioloom.http_parser._field_names import KNOWN_FIELDS, MARK
from aioloom.http_parser._request_head import split_request_head

SMALL = Limits(max_line_size=40, max_field_size=80, max_headers=4)


def outcome(parser: RequestParser, head: bytes, slow: bool) -> Any:
    parse = parser._parse_head_slow if slow else parser._parse_head
    try:
        event, kind, length, decoder, switch = parse(head)
    except HttpParserError as exc:
        return type(exc), exc.message
    fields = {name: getattr(event, name) for name in event.__slots__}
    fields["headers"] = [(str(k), v) for k, v in event.headers.items()]
    return type(event), fields, kind, length, type(decoder), switch


def agree(head: bytes, limits: Limits | None = None) -> None:
    parser = RequestParser(limits)
    assert outcome(parser, head, slow=False) == outcome(parser, head, slow=True)


KNOWN = sorted({name[1:] for name in KNOWN_FIELDS})
methods = st.sampled_from(["GET", "POST", "PUT", "CONNECT", "OPTIONS", "X-Y", "G@T", "", "get"])
targets = st.one_of(
    st.sampled_from(["/", "/a?b=c#d", "*", "example.com:443", "http://h/p", "/a b", "", "/é"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12).map("/".__add__),
)
versions = st.sampled_from(
    ["HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "http/1.1", "HTTP/1.1 "]
)
names = st.one_of(
    st.sampled_from(KNOWN),
    st.sampled_from(KNOWN).map(str.upper),
    st.sampled_from(
        ["X-Custom", "x_y", "Transfer_Encoding", "Content--Length", "A B", "A:B", "", "é"]
    ),
    st.text("!#$%&'*+-.^_`|~09AZaz", min_size=1, max_size=6),
)
separators = st.sampled_from([": ", ": ", ": ", ":", ":  ", ": \t", ":\t", " : "])
values = st.one_of(
    st.sampled_from(
        [
            "keep-alive",
            "close",
            "Upgrade",
            "websocket",
            "chunked",
            "gzip, chunked",
            "5",
            "100-continue",
            "gzip",
            "a: b",
            "",
            " ",
            "x ",
            "a\tb",
            "é",
            "1, 2",
        ]
    ),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=10),
)
raw_values = st.one_of(
    values.map(lambda v: v.encode("utf-8")),
    st.sampled_from([b"\xff\xfe", b"a\x00b", b"a\x7fb", b"a\rb", b"a\nb", b"a\x01"]),
)


@st.composite
def heads(draw: Any) -> bytes:
    line = f"{draw(methods)} {draw(targets)} {draw(versions)}".encode()
    lines = [line]
    for _ in range(draw(st.integers(0, 6))):
        name = draw(names).encode("utf-8")
        lines.append(name + draw(separators).encode() + draw(raw_values))
    if draw(st.booleans()):
        lines.insert(1, b"Host: a")
    return b"\r\n".join(lines)


@settings(max_examples=600, deadline=None)
@given(heads(), st.booleans())
def test_fast_path_agrees_with_the_slow_path(head: bytes, small: bool) -> None:
    agree(head, SMALL if small else None)


@pytest.mark.parametrize(
    "head",
    [
        b"GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nConnection: keep-alive",
        b"POST / HTTP/1.0\r\nContent-Length: 5\r\nContent-Encoding: gzip",
        b"GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket",
        b"GET / HTTP/1.1\r\nhost: a\r\nHOST: b",
        b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + b"y" * 100,
    ],
)
def test_common_heads_take_the_fast_path_and_agree(head: bytes) -> None:
    assert split_request_head(head, Limits()) is not None
    agree(head)
    agree(head, SMALL)


@pytest.mark.parametrize(
    "head",
    [
        b"GET / HTTP/1.1\r\nX-A: a: b\r\nHost: x",  # ": " inside a value
        b"GET / HTTP/1.1\r\nX-A:  1",  # whitespace to strip
        b"GET / HTTP/1.1\r\nX-A: 1 \r\nX-B: 2",
        b"GET / HTTP/1.1\r\nX-A: \r\nX-B: 2",
        b"GET / HTTP/1.1\r\nX-A: a\tb",
        b"GET / HTTP/1.1\r\nX-A: 1\r\nX-B",  # a line without ": "
        b"GET / HTTP/1.1\r\nX-A: a: b\r\nEvil",  # would realign the items
        b"GET / HTTP/1.1\r\nX-A: a\rb",
        b"GET / HTTP/1.1\r\nTransfer_Encoding: chunked",
        b"GET / HTTP/1.2\r\nHost: a",
    ],
)
def test_unusual_heads_take_the_slow_path(head: bytes) -> None:
    assert split_request_head(head, Limits()) is None
    agree(head)


def test_known_field_table() -> None:
    for marked, (key, special) in KNOWN_FIELDS.items():
        assert marked.startswith(MARK)
        assert type(key) is istr
        assert key == marked[1:]
        assert special is None or special == key.lower()
    assert KNOWN_FIELDS[MARK + "sec-websocket-key"][1] is None
    assert KNOWN_FIELDS[MARK + "Sec-Websocket-Key"][0] == "Sec-Websocket-Key"
    assert KNOWN_FIELDS[MARK + "content-length"][1] == "content-length"
    assert MARK + "CONTENT-LENGTH" not in KNOWN_FIELDS


# -- reusing the last request's header fields --------------------------------------


def field_blocks() -> st.SearchStrategy[bytes]:
    common = st.sampled_from(
        [
            b"Host: a",
            b"Connection: keep-alive",
            b"Connection: close",
            b"Content-Length: 5",
            b"Transfer-Encoding: chunked",
            b"Expect: 100-continue",
            b"Cookie: s=1",
            b"X-A: a: b",
            b"X-Long: " + b"y" * 100,
        ]
    )
    drawn = st.tuples(names, separators, raw_values).map(
        lambda t: t[0].encode("utf-8") + t[1].encode() + t[2]
    )
    return st.lists(st.one_of(common, drawn), min_size=1, max_size=6).map(b"\r\n".join)


request_lines = st.one_of(
    st.sampled_from(
        [
            b"GET /x HTTP/1.1",
            b"POST /x HTTP/1.1",
            b"GET /x HTTP/1.0",
            b"HEAD / HTTP/1.1",
            b"CONNECT h:443 HTTP/1.1",
            b"GET /" + b"a" * 40 + b" HTTP/1.1",
            b"GET /a\tb HTTP/1.1",
            b"GET /a\rb HTTP/1.1",
            b"GET /\xc3\xa9 HTTP/1.1",
            b"GET  / HTTP/1.1",
        ]
    ),
    st.builds(lambda m, t, v: f"{m} {t} {v}".encode(), methods, targets, versions),
)


@st.composite
def head_sequences(draw: Any) -> list[bytes]:
    # A few blocks of fields, each sent again under other request lines.
    blocks = draw(st.lists(field_blocks(), min_size=1, max_size=3))
    heads: list[bytes] = []
    for _ in range(draw(st.integers(1, 10))):
        if heads and draw(st.booleans()):
            heads.append(draw(st.sampled_from(heads)))  # a head again, line and all
        else:
            heads.append(draw(request_lines) + b"\r\n" + draw(st.sampled_from(blocks)))
    return heads


def outcomes(limits: Limits, heads: list[bytes]) -> list[Any]:
    """What one parser (one connection) makes of each head, in turn."""
    parser = RequestParser(limits)
    return [outcome(parser, head, slow=False) for head in heads]


@settings(max_examples=600, deadline=None)
@given(head_sequences(), st.sampled_from([None, SMALL]), st.sampled_from([4096, 20]))
def test_reusing_fields_changes_no_result(
    heads: list[bytes], small: Limits | None, keep: int
) -> None:
    base = small or Limits()
    on = outcomes(dataclasses.replace(base, max_remembered_head_size=keep), heads)
    off = outcomes(dataclasses.replace(base, max_remembered_head_size=0), heads)
    assert on == off


def test_repeated_fields_are_reused_and_still_checked_with_the_new_line() -> None:
    parser = RequestParser()
    fields = b"Host: a\r\nContent-Length: 5\r\nX: 1"
    first, *_ = parser._parse_head(b"POST /a HTTP/1.1\r\n" + fields)
    second, *_ = parser._parse_head(b"PUT /b HTTP/1.1\r\n" + fields)
    assert second.headers == first.headers
    assert (second.method, second.target) == ("PUT", "/b")
    assert parser._last_fields is not None
    assert parser._last_fields[0] == fields
    # What mixes the line and the fields is decided again: a body on GET closes.
    third, *_ = parser._parse_head(b"GET /c HTTP/1.1\r\n" + fields)
    assert third.should_close
    assert not second.should_close
    assert outcome(parser, b"GET / HTTP/1.2\r\n" + fields, slow=False) == outcome(
        RequestParser(), b"GET / HTTP/1.2\r\n" + fields, slow=True
    )
    # The request line is held to its limit whatever the fields.
    small = RequestParser(SMALL)
    small._parse_head(b"GET / HTTP/1.1\r\nHost: a")
    long_line = b"GET /" + b"a" * 40 + b" HTTP/1.1\r\nHost: a"
    assert outcome(small, long_line, slow=False) == outcome(RequestParser(SMALL), long_line, True)
    # Transfer-Encoding is refused in HTTP/1.0 even when the fields were fine in 1.1.
    chunked = b"Host: a\r\nTransfer-Encoding: chunked"
    parser._parse_head(b"POST / HTTP/1.1\r\n" + chunked)
    with pytest.raises(BadRequest, match=r"HTTP/1\.0"):
        parser._parse_head(b"POST / HTTP/1.0\r\n" + chunked)


def test_only_identical_bytes_are_reused_and_the_size_is_bounded() -> None:
    parser = RequestParser(Limits(max_remembered_head_size=10))
    parser._parse_head(b"GET / HTTP/1.1\r\nHost: a")
    assert parser._last_fields is not None
    assert parser._last_fields[0] == b"Host: a"
    reused = parser._last_fields
    parser._parse_head(b"GET / HTTP/1.1\r\nHost: b")  # same length, other bytes
    assert parser._last_fields is not reused
    assert parser._last_fields[0] == b"Host: b"
    parser._parse_head(b"GET / HTTP/1.1\r\nHost: a-long-name")  # over the bound: not kept
    assert parser._last_fields[0] == b"Host: b"
    off = RequestParser(Limits(max_remembered_head_size=0))
    off._parse_head(b"GET / HTTP/1.1\r\nHost: a")
    assert off._last_fields is None
