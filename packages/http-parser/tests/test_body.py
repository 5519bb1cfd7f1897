"""Chunked bodies: the repeated-size-line shortcut agrees with parsing each line."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aioloom.http_parser import Body, EndOfMessage, HttpParserError, Limits, RequestParser

HEAD = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"


def parse(wire: bytes, cuts: list[int], limits: Limits | None = None) -> Any:
    parser = RequestParser(limits)
    body = b""
    trailers = None
    edges = [0, *sorted(set(cuts)), len(wire)]
    try:
        for start, stop in itertools.pairwise(edges):
            for event in parser.feed(wire[start:stop]):
                if isinstance(event, Body):
                    body += event.data
                elif isinstance(event, EndOfMessage):
                    trailers = event.trailers and list(event.trailers.items())
    except HttpParserError as exc:
        return type(exc), exc.message
    return body, trailers


size_lines = st.one_of(
    st.sampled_from(["%x", "%X", "0%x", "%x;a=b", "%x ;a", '%x;q="x y"']),
    st.sampled_from(["%x\n", "-%x", "%x z", "0x%x", "%x\r"]),  # invalid
)


@st.composite
def chunked_bodies(draw: Any) -> bytes:
    wire = HEAD
    size = draw(st.integers(1, 40))
    line = draw(size_lines)
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.integers(0, 3)) == 0:  # mostly the same size line again
            size = draw(st.integers(1, 40))
            line = draw(size_lines)
        data = draw(st.binary(min_size=size, max_size=size))
        end = draw(st.sampled_from([b"\r\n"] * 6 + [b"\n", b"xx", b"\r"]))
        wire += (line % size).encode() + b"\r\n" + data + end
    return wire + draw(st.sampled_from([b"0\r\n\r\n", b"0\r\nX: 1\r\n\r\n", b"0\r\n"]))


@settings(max_examples=400, deadline=None)
@given(chunked_bodies(), st.data())
def test_whole_and_split_feeds_agree(wire: bytes, data: Any) -> None:
    whole = parse(wire, [])
    bytewise = parse(wire, list(range(len(wire))))
    assert whole == bytewise
    cuts = data.draw(st.lists(st.integers(0, len(wire)), max_size=8))
    assert parse(wire, cuts) == whole
    small = Limits(max_body_size=60, max_chunk_line_size=6)
    assert parse(wire, [], small) == parse(wire, list(range(len(wire))), small)


def test_data_that_looks_like_the_next_size_line() -> None:
    trap = b"a\r\n4\r\nxxxx\r\n"  # 10 bytes of data holding "CRLF 4 CRLF"
    wire = HEAD + b"4\r\nabcd\r\n" + b"c\r\n" + trap + b"\r\n" + b"4\r\nwxyz\r\n0\r\n\r\n"
    assert parse(wire, []) == (b"abcd" + trap + b"wxyz", None)


def test_repeated_size_lines_still_count_towards_the_body_limit() -> None:
    wire = HEAD + b"4\r\nabcd\r\n" * 5 + b"0\r\n\r\n"
    error = parse(wire, [], Limits(max_body_size=17))
    assert error[0].__name__ == "PayloadTooLarge"
    assert parse(wire, [], Limits(max_body_size=20)) == (b"abcd" * 5, None)


def test_size_line_at_the_limit_does_not_depend_on_the_split() -> None:
    wire = HEAD + b"10;a=b\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n"
    limits = Limits(max_chunk_line_size=6)  # "10;a=b" is 6 bytes
    assert parse(wire, [], limits) == (b"x" * 16, None)
    assert parse(wire, [len(HEAD) + 7], limits) == (b"x" * 16, None)  # cut after the CR
    too_long = HEAD + b"10;a=bc\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n"
    assert parse(too_long, [len(HEAD) + 7], limits)[0].__name__ == "BadRequest"
    assert parse(too_long, [], limits)[0].__name__ == "BadRequest"
