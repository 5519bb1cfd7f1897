"""Property tests: any split gives the same events; h11 agrees on valid requests."""

from __future__ import annotations

import itertools
import re
from typing import Any

import h11
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from aioloom.http_parser import (
    Body,
    EndOfMessage,
    HttpParserError,
    RequestHead,
    RequestParser,
)

TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
PCHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@%/"
VCHARS = "".join(chr(c) for c in range(0x21, 0x7F))
# Names the parser treats specially: framing, connection handling, singletons
# (a repeat is rejected) and decoding. Compared after folding "_" and runs of
# "-" into one "-", since look-alikes of framing fields are rejected too.
RESERVED = {
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "expect",
    "content-encoding",
    "content-type",
    "content-location",
    "content-range",
    "authorization",
    "proxy-authorization",
    "etag",
    "max-forwards",
    "server",
    "user-agent",
}


def _ordinary(name: str) -> bool:
    return re.sub(r"[-_]+", "-", name.lower()) not in RESERVED


names = st.text(TCHARS, min_size=1, max_size=20).filter(_ordinary)
values = st.builds(
    lambda a, b: (a + " " + b).strip(),
    st.text(VCHARS, max_size=20),
    st.text(VCHARS, max_size=20),
)


@st.composite
def requests(draw: Any) -> tuple[bytes, dict[str, Any]]:
    method = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "X-CUSTOM"]))
    target = "/" + draw(st.text(PCHARS.replace("%", ""), max_size=30))
    if draw(st.booleans()):
        target += "?" + draw(st.text(PCHARS.replace("%", "") + "?", max_size=20))
    fields = [("Host", "example.com"), *draw(st.lists(st.tuples(names, values), max_size=8))]
    body = draw(st.binary(max_size=300)) if method in ("POST", "PUT", "PATCH") else b""
    chunked = bool(body) and draw(st.booleans())
    if chunked:
        sizes = draw(st.lists(st.integers(1, 64), min_size=1, max_size=8))
        encoded, rest = b"", body
        for size in sizes:
            if rest:
                encoded += b"%x\r\n%b\r\n" % (len(rest[:size]), rest[:size])
                rest = rest[size:]
        if rest:
            encoded += b"%x\r\n%b\r\n" % (len(rest), rest)
        fields.append(("Transfer-Encoding", "chunked"))
        wire_body = encoded + b"0\r\n\r\n"
    else:
        if body:
            fields.append(("Content-Length", str(len(body))))
        wire_body = body
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in fields)
    wire = head.encode("ascii") + b"\r\n" + wire_body
    return wire, {"method": method, "target": target, "fields": fields, "body": body}


def summarize(events: list[Any]) -> list[Any]:
    out: list[Any] = []
    for event in events:
        if isinstance(event, Body):
            if out and isinstance(out[-1], bytes):
                out[-1] += event.data
            else:
                out.append(event.data)
        elif isinstance(event, RequestHead):
            out.append((event.method, event.target, event.url, list(event.headers.items())))
        elif isinstance(event, EndOfMessage):
            out.append(("end", None if event.trailers is None else list(event.trailers.items())))
        else:
            out.append(event)
    return out


def parse_in_pieces(data: bytes, cuts: list[int]) -> tuple[list[Any], str | None]:
    parser = RequestParser()
    events: list[Any] = []
    edges = [0, *sorted(set(cuts)), len(data)]
    try:
        for start, stop in itertools.pairwise(edges):
            events += parser.feed(data[start:stop])
    except HttpParserError as exc:
        return summarize(events), type(exc).__name__
    return summarize(events), None


@settings(max_examples=150, deadline=None)
@given(st.lists(requests(), min_size=1, max_size=3), st.data())
def test_any_split_gives_the_same_events(batch: list[Any], data: Any) -> None:
    wire = b"".join(item[0] for item in batch)
    whole = parse_in_pieces(wire, [])
    assert whole[1] is None
    cuts = data.draw(st.lists(st.integers(0, len(wire)), max_size=20))
    assert parse_in_pieces(wire, cuts) == whole


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200), st.data())
def test_any_split_of_junk_gives_the_same_outcome(junk: bytes, data: Any) -> None:
    wire = b"GET / HTTP/1.1\r\nHost: a\r\n" + junk
    whole = parse_in_pieces(wire, [])
    cuts = data.draw(st.lists(st.integers(0, len(wire)), max_size=10))
    split = parse_in_pieces(wire, cuts)
    assert (split[1] is None) == (whole[1] is None)
    if whole[1] is None:
        assert split == whole


def h11_parse(wire: bytes) -> tuple[str, str, list[tuple[str, str]], bytes]:
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(wire)
    body = b""
    request = None
    while True:
        event = conn.next_event()
        if isinstance(event, h11.Request):
            request = event
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage) or event is h11.NEED_DATA:
            break
    assert request is not None
    headers = [(n.decode(), v.decode()) for n, v in request.headers.raw_items()]
    return request.method.decode(), request.target.decode(), headers, body


@settings(max_examples=200, deadline=None)
@given(requests())
def test_same_result_as_h11(item: tuple[bytes, dict[str, Any]]) -> None:
    wire, _ = item
    events = RequestParser().feed(wire)
    head = events[0]
    assert isinstance(head, RequestHead)
    body = b"".join(e.data for e in events if isinstance(e, Body))
    assert isinstance(events[-1], EndOfMessage)
    ours = (head.method, head.target, list(head.headers.items()), body)
    assert ours == h11_parse(wire)


@settings(max_examples=300, deadline=None)
@given(
    st.text(PCHARS, max_size=30),
    st.one_of(st.none(), st.text(PCHARS + "?", max_size=15)),
    st.one_of(st.none(), st.text(PCHARS + "?#", max_size=15)),
)
def test_raw_path_and_lazy_url_match_the_eager_build(
    path: str, query: str | None, fragment: str | None
) -> None:
    # The parser no longer builds an origin-form URL; what it reports must be what
    # building it says (raw_path is what routers match).
    target = "/" + path + ("" if query is None else "?" + query)
    target += "" if fragment is None else "#" + fragment
    (head, _) = RequestParser().feed(b"GET %s HTTP/1.1\r\n\r\n" % target.encode())
    rest, _, frag = target.partition("#")
    raw_path, _, raw_query = rest.partition("?")
    eager = URL.build(path=raw_path, query_string=raw_query, fragment=frag, encoded=True)
    assert head.raw_path == eager.raw_path
    assert str(head.url) == str(eager)
    assert head.url.raw_path == head.raw_path
