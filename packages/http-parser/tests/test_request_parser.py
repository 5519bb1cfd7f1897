"""Request parser: features, limits and every http-parser advisory of SECURITY-CHECKLIST."""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
import zlib
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioloom.http_parser import (
    HTTP10,
    BadRequest,
    Body,
    EndOfMessage,
    HeadersTooLarge,
    HttpParserError,
    Limits,
    NotImplementedEncoding,
    PayloadTooLarge,
    RequestHead,
    RequestParser,
    UpgradeData,
    UriTooLong,
    VersionNotSupported,
)


def parse(data: bytes, **kwargs: Any) -> list[Any]:
    return RequestParser(**kwargs).feed(data)


def rejects(data: bytes, error: type[HttpParserError] = BadRequest, **kwargs: Any) -> str:
    """Assert ``data`` is rejected with ``error``, fed whole and byte by byte."""
    with pytest.raises(error) as whole:
        RequestParser(**kwargs).feed(data)
    with pytest.raises(HttpParserError):
        feed_bytewise(RequestParser(**kwargs), data)
    return whole.value.message


def feed_bytewise(parser: RequestParser, data: bytes) -> None:
    for i in range(len(data)):
        parser.feed(data[i : i + 1])
    parser.feed_eof()


def feed_repeatedly(parser: RequestParser, data: bytes, times: int) -> None:
    for _ in range(times):
        parser.feed(data)


def body_of(events: list[Any]) -> bytes:
    return b"".join(e.data for e in events if isinstance(e, Body))


# -- basics -------------------------------------------------------------------


def test_simple_get() -> None:
    head, end = parse(b"GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\n")
    assert isinstance(head, RequestHead)
    assert (head.method, head.target, head.url.path, head.url.query_string) == (
        "GET",
        "/a?b=c",
        "/a",
        "b=c",
    )
    assert head.headers["host"] == "x"
    assert head.raw_headers == ((b"Host", b"x"),)
    assert not head.should_close
    assert end == EndOfMessage()


def test_url_percent_encoding_round_trips_like_aiohttp() -> None:
    (head, _) = parse(b"GET /%D0%BF%D1%83%D1%82%D1%8C/a%2Fb?q=%20%26x#frag HTTP/1.1\r\n\r\n")
    assert str(head.url) == "/%D0%BF%D1%83%D1%82%D1%8C/a%2Fb?q=%20%26x#frag"
    assert head.url.raw_path == "/%D0%BF%D1%83%D1%82%D1%8C/a%2Fb"
    assert head.url.path == "/путь/a/b"
    assert head.url.query["q"] == " &x"


def test_absolute_form_and_connect_and_asterisk() -> None:
    (head, _) = parse(b"GET http://example.com:8080/p?q HTTP/1.1\r\n\r\n")
    assert (head.url.host, head.url.port, head.url.path) == ("example.com", 8080, "/p")
    (head, _) = parse(b"OPTIONS * HTTP/1.1\r\n\r\n")
    assert head.target == "*"
    events = parse(b"CONNECT example.com:443 HTTP/1.1\r\n\r\nTLS bytes")
    assert events[0].upgrade
    assert events[-1] == UpgradeData(b"TLS bytes")
    rejects(b"GET http:/nohost HTTP/1.1\r\n\r\n")
    rejects(b"GET * HTTP/1.1\r\n\r\n")
    rejects(b"CONNECT /path HTTP/1.1\r\n\r\n")


def test_keep_alive_rules() -> None:
    assert not parse(b"GET / HTTP/1.1\r\n\r\n")[0].should_close
    assert parse(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")[0].should_close
    assert parse(b"GET / HTTP/1.0\r\n\r\n")[0].should_close
    head = parse(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")[0]
    assert not head.should_close
    assert head.version == HTTP10


def test_data_after_connection_close_is_an_error() -> None:
    parser = RequestParser()
    assert len(parser.feed(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")) == 2
    with pytest.raises(BadRequest, match="closes the connection"):
        parser.feed(b"GET / HTTP/1.1\r\n\r\n")


def test_expect_continue() -> None:
    head = parse(b"PUT / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n")[0]
    assert head.expect_continue
    assert head.content_length == 1


def test_body_is_streamed_as_it_arrives() -> None:
    parser = RequestParser()
    events = parser.feed(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
    assert events[1:] == [Body(b"abc")]
    assert parser.feed(b"defg") == [Body(b"defg")]
    assert parser.feed(b"hijGET") == [Body(b"hij"), EndOfMessage()]
    assert parser.buffered == 3


def test_chunked_with_extensions_and_trailers() -> None:
    events = parse(
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4;name=value;q="a \\"b\\""\r\nWiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\nX-A: 1\r\n\r\n'
    )
    assert events[0].chunked
    assert body_of(events) == b"Wikipedia"
    trailers = events[-1].trailers
    assert trailers is not None
    assert trailers["expires"] == "never"
    assert trailers["X-A"] == "1"


def test_upgrade_hands_back_bytes_untouched() -> None:
    parser = RequestParser()
    events = parser.feed(
        b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05"
    )
    assert events[0].upgrade
    assert events[1] == EndOfMessage()
    assert events[2] == UpgradeData(b"\x81\x05")
    assert parser.feed(b"GET / HTTP/1.1\r\n\r\n") == [UpgradeData(b"GET / HTTP/1.1\r\n\r\n")]
    assert parser.upgraded


def test_upgrade_to_unlisted_protocol_keeps_parsing_http() -> None:
    events = parse(
        b"GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"
    )
    assert events[0].upgrade
    assert events[2].target == "/2"
    events = parse(
        b"GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nPRI", upgrade_protocols=None
    )
    assert events[-1] == UpgradeData(b"PRI")


def test_upgrade_after_body() -> None:
    events = parse(
        b"POST / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: websocket\r\nContent-Length: 2\r\n"
        b"\r\nhiRAW"
    )
    assert events[1:] == [Body(b"hi"), EndOfMessage(), UpgradeData(b"RAW")]


def test_pipelining_receive_and_next_events() -> None:
    parser = RequestParser()
    parser.receive(b"GET /1 HTTP/1.1\r\n\r\n" * 5)
    first = parser.next_events(2)
    assert [e.target for e in first if isinstance(e, RequestHead)] == ["/1", "/1"]
    assert parser.buffered == 3 * len(b"GET /1 HTTP/1.1\r\n\r\n")
    assert parser.next_events(0) == []
    assert len(parser.next_events()) == 6
    assert parser.buffered == 0


def test_next_events_defers_an_error_after_good_messages() -> None:
    parser = RequestParser()
    parser.receive(b"GET / HTTP/1.1\r\n\r\nGET /\x00 HTTP/1.1\r\n\r\n")
    assert len(parser.next_events()) == 2
    with pytest.raises(BadRequest):
        parser.next_events()
    with pytest.raises(BadRequest):
        parser.feed(b"")


def test_feed_eof() -> None:
    parser = RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\n\r\n")
    assert parser.feed_eof() == []
    with pytest.raises(BadRequest):
        parser.receive(b"x")
    parser = RequestParser()
    parser.feed(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab")
    with pytest.raises(BadRequest, match="middle of a request body"):
        parser.feed_eof()
    parser = RequestParser()
    parser.feed(b"GET / HTT")
    with pytest.raises(BadRequest, match="middle of a request head"):
        parser.feed_eof()


def test_errors_carry_status_and_message() -> None:
    message = rejects(b"GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n")
    assert "Content-Length" in message
    rejects(b"GET / HTTP/2.0\r\n\r\n", VersionNotSupported)
    rejects(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", NotImplementedEncoding)
    assert NotImplementedEncoding.status == 501
    assert VersionNotSupported.status == 505


def test_require_host_knob() -> None:
    rejects(b"GET / HTTP/1.1\r\n\r\n", require_host=True)
    assert parse(b"GET / HTTP/1.0\r\n\r\n", require_host=True)


def test_body_on_get_is_parsed_but_connection_not_reused() -> None:
    events = parse(b"GET / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")
    assert events[0].should_close
    assert body_of(events) == b"hi"


def test_max_body_size() -> None:
    limits = Limits(max_body_size=4)
    rejects(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", PayloadTooLarge, limits=limits)
    rejects(
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\n",
        PayloadTooLarge,
        limits=limits,
    )


def test_leading_empty_lines_are_ignored() -> None:
    assert parse(b"\r\n\r\nGET / HTTP/1.1\r\n\r\n")[0].method == "GET"


# -- decompression ------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_content_encoding_is_decoded(encoding: str) -> None:
    payload = b"hello world " * 100
    if encoding == "gzip":
        body = gzip.compress(payload)
    elif encoding == "deflate":
        body = zlib.compress(payload)
    else:
        compressor = zlib.compressobj(wbits=-15)
        body = compressor.compress(payload) + compressor.flush()
        encoding = "deflate"
    head = f"POST / HTTP/1.1\r\nContent-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n"
    parser = RequestParser()
    events: list[Any] = []
    wire = head.encode() + body
    for i in range(0, len(wire), 13):
        events += parser.feed(wire[i : i + 13])
    assert events[0].compression == encoding
    assert body_of(events) == payload
    assert body_of(parse(wire, decompress=False)) == body


def test_GHSA_6mq8_rvhq_8wgg_decompression_bounded_while_inflating() -> None:
    bomb = gzip.compress(b"\0" * 10_000_000)
    wire = b"POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb)
    parser = RequestParser(Limits(max_decompressed_size=100_000))
    produced: list[int] = []

    def stream() -> None:
        for i in range(0, len(wire) + len(bomb), 1024):
            for event in parser.feed((wire + bomb)[i : i + 1024]):
                if isinstance(event, Body):
                    produced.append(len(event.data))

    with pytest.raises(PayloadTooLarge):
        stream()
    assert sum(produced) <= 100_000


def test_GHSA_g3cq_j2xw_wf74_decompression_bounded_in_one_feed() -> None:
    bomb = zlib.compress(b"a" * 5_000_000)
    wire = b"POST / HTTP/1.1\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n" % len(bomb)
    rejects(wire + bomb, PayloadTooLarge, limits=Limits(max_decompressed_size=1000))


def test_corrupt_compressed_body_is_400() -> None:
    wire = b"POST / HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope"
    rejects(wire)


# -- SECURITY-CHECKLIST: http-parser --------------------------------------------


def test_GHSA_xx9p_xxvh_7g8j_content_length_with_transfer_encoding() -> None:
    message = rejects(
        b"POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    assert "Transfer-Encoding" in message
    assert BadRequest.status == 400


@pytest.mark.parametrize("bad", [b"\r", b"\n", b"\x00"])
def test_GHSA_45c4_8wx5_qw6w_cr_lf_nul_in_header_value(bad: bytes) -> None:
    rejects(b"GET / HTTP/1.1\r\nX-A: a" + bad + b"b\r\n\r\n")


@pytest.mark.parametrize(
    "wire",
    [
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n  , identity\r\n\r\n",  # obs-fold
        b"POST / HTTP/1.1\r\nContent-Length : 4\r\n\r\nabcd",  # space before colon
        b"POST / HTTP/1.1\r\nContent-Length: 4 4\r\n\r\nabcd",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
        b"POST / HTTP/1.1\r\n Transfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding:\x0bchunked\r\n\r\n",
        b"POST / HTTP/1.1\rTransfer-Encoding: chunked\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    ],
)
def test_GHSA_pjjw_qhg8_p2p9_llhttp_8_smuggling_pairs(wire: bytes) -> None:
    rejects(wire)


@pytest.mark.parametrize(
    "line",
    [
        b"GET  / HTTP/1.1",
        b"GET /\tHTTP/1.1",
        b"GET / HTTP/1.1 ",
        b"G\x00ET / HTTP/1.1",
        b"GET /a b HTTP/1.1",
        b"GET\t/ HTTP/1.1",
        b"GET / http/1.1",
        b"GET / HTTP/1.1x",
        b"G(T / HTTP/1.1",
    ],
)
def test_GHSA_gfw2_4jvh_wgfg_invalid_request_line(line: bytes) -> None:
    rejects(line + b"\r\n\r\n")


@pytest.mark.parametrize(
    "name", [b"Bad Name", b"Bad\tName", b'Bad"Name', b"Bad(Name)", b"", b"Na\x7fme", b"N\xc3\xa4me"]
)
def test_GHSA_8qpw_xqxj_h4r2_invalid_header_name(name: bytes) -> None:
    rejects(b"GET / HTTP/1.1\r\n" + name + b": v\r\n\r\n")


@pytest.mark.parametrize("ext", [b"1;a=\nb", b"1;a\n", b"1;a=b\r\r\n"])
def test_GHSA_8495_4g3g_x7pr_newline_in_chunk_extension(ext: bytes) -> None:
    rejects(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + ext + b"\r\nx\r\n0\r\n\r\n")


def test_unbounded_chunk_extension_is_rejected() -> None:
    head = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a="
    parser = RequestParser(Limits(max_chunk_line_size=100))
    parser.feed(head)
    with pytest.raises(BadRequest, match="chunk-size line longer"):
        feed_repeatedly(parser, b"x" * 10, 20)


@pytest.mark.parametrize(
    "trailer",
    [b"Bad Name: x\r\n", b"X: a\x00b\r\n", b" folded\r\n", b"X: " + b"a" * 9000 + b"\r\n"],
)
def test_GHSA_9548_qrrj_x5pj_malformed_or_oversized_trailers(trailer: bytes) -> None:
    wire = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n" + trailer
    with pytest.raises(HttpParserError):
        RequestParser().feed(wire + b"\r\n")


def test_GHSA_w2fm_2cpv_w7v5_trailer_count_bounded_by_max_headers() -> None:
    limits = Limits(max_headers=10)
    wire = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + b"X: 1\r\n" * 11
    rejects(wire + b"\r\n", HeadersTooLarge, limits=limits)
    parser = RequestParser(limits)
    parser.feed(wire[:60])
    with pytest.raises(HeadersTooLarge):  # rejected before the section ends
        parser.feed(wire[60:])


@pytest.mark.parametrize(
    "wire",
    [
        "POST / HTTP/1.1\r\nContent-Length: \u0661\r\n\r\n".encode(),
        "POST / HTTP/1.1\r\nContent-Length: 1\u0661\r\n\r\n".encode(),
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\u0661\r\nx\r\n".encode(),
        b"POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\nx",
        b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 1_0\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n+1\r\nx\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x1\r\nx\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1 \r\nx\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1_0\r\nx\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"f" * 17 + b"\r\n",
    ],
)
def test_GHSA_69f9_5gxw_wvc2_non_ascii_digits_and_junk_in_numbers(wire: bytes) -> None:
    rejects(wire)


def test_GHSA_mqqc_3gqh_h2x8_non_ascii_digits_in_status() -> None:
    from aioloom.http_parser import ResponseParser

    with pytest.raises(BadRequest):
        ResponseParser().feed("HTTP/1.1 2\u06610 OK\r\n\r\n".encode())


def test_GHSA_c427_h43c_vf67_duplicate_host() -> None:
    assert "host" in rejects(b"GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n")


@pytest.mark.parametrize(
    "name", [b"Content-Type", b"Authorization", b"Content-Length", b"Transfer-Encoding"]
)
def test_GHSA_c427_h43c_vf67_duplicate_singletons(name: bytes) -> None:
    value = b"chunked" if name == b"Transfer-Encoding" else b"1"
    rejects(
        b"POST / HTTP/1.1\r\n" + name + b": " + value + b"\r\n" + name + b": " + value + b"\r\n\r\n"
    )


def test_repeated_list_fields_are_kept() -> None:
    head = parse(b"GET / HTTP/1.1\r\nAccept: a\r\nAccept: b\r\nCookie: x\r\nCookie: y\r\n\r\n")[0]
    assert head.headers.getall("accept") == ["a", "b"]


@pytest.mark.parametrize("ctl", [0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1F, 0x7F])
def test_GHSA_63hf_3vf5_4wqf_control_bytes_in_header_value(ctl: int) -> None:
    rejects(b"GET / HTTP/1.1\r\nX-A: a" + bytes([ctl]) + b"b\r\n\r\n")


def test_tab_and_obs_text_in_values_are_allowed() -> None:
    head = parse(b"GET / HTTP/1.1\r\nX-A: a\tb \xc3\xa9\xff\r\n\r\n")[0]
    assert head.raw_headers == ((b"X-A", b"a\tb \xc3\xa9\xff"),)


@pytest.mark.parametrize(
    ("prefix", "filler", "error"),
    [
        (b"GET /", b"a", UriTooLong),
        (b"GET / HTTP/1.1\r\nX-A: ", b"a", HeadersTooLarge),
        (b"GET / HTTP/1.1\r\n", b"X: 1\r\n", HeadersTooLarge),
    ],
)
def test_GHSA_63hw_fmq6_xxg2_limits_counted_across_segments(
    prefix: bytes, filler: bytes, error: type[HttpParserError]
) -> None:
    limits = Limits(max_line_size=100, max_field_size=100, max_headers=10)
    parser = RequestParser(limits)
    parser.feed(prefix)
    fed = [len(prefix)]

    def trickle() -> None:
        for _ in range(1000):
            fed[0] += len(filler)
            parser.feed(filler)

    with pytest.raises(error):
        trickle()
    assert fed[0] < 200  # rejected as soon as the running total passed the limit


def test_GHSA_4fvr_rgm6_gqmc_pipelined_requests_stay_buffered() -> None:
    parser = RequestParser()
    one = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    parser.receive(one * 10_000)
    events = parser.next_events(32)
    assert sum(isinstance(e, RequestHead) for e in events) == 32
    assert parser.buffered == len(one) * (10_000 - 32)


def test_GHSA_g84x_mcqj_x9qq_tiny_chunks_cost_linear_time() -> None:
    count = 50_000
    wire = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1\r\na\r\n" * count
    parser = RequestParser()
    start = time.perf_counter()
    events = parser.feed(wire + b"0\r\n\r\n")
    elapsed = time.perf_counter() - start
    assert body_of(events) == b"a" * count
    assert len(events) == 3  # chunks of one feed are coalesced into one Body
    assert elapsed < 2.0


def test_duplicate_transfer_encoding_chunked() -> None:
    rejects(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n")
    rejects(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n")


def test_bare_lf_rejected_at_once() -> None:
    parser = RequestParser()
    with pytest.raises(BadRequest, match="bare LF"):
        parser.feed(b"GET / HTTP/1.1\nHost: a\n")
    rejects(b"GET / HTTP/1.1\r\nHost: a\n\r\n")
    rejects(b"GET / HTTP/1.1\r\nHost: a\r\n\n")


def test_bare_cr_rejected_at_once() -> None:
    parser = RequestParser()
    with pytest.raises(BadRequest, match="bare CR"):
        parser.feed(b"GET / HTTP/1.1\r\nHost: a\rb")


def test_lookalike_framing_names_rejected() -> None:
    rejects(b"POST / HTTP/1.1\r\nTransfer_Encoding: chunked\r\n\r\n")
    rejects(b"POST / HTTP/1.1\r\nContent--Length: 1\r\n\r\n")


def test_GHSA_jj3x_wxrx_4x23_rejects_under_python_O() -> None:
    code = (
        "from aioloom.http_parser import RequestParser, HttpParserError\n"
        "try:\n"
        "    RequestParser().feed(b'POST / HTTP/1.1\\r\\nContent-Length: 1\\r\\n"
        "Transfer-Encoding: chunked\\r\\n\\r\\n')\n"
        "except HttpParserError as e:\n"
        "    print(e.status)\n"
    )
    out = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "400"


# -- fast paths (whole-head match, URL cache, event constructors) -------------


def _head_summary(data: bytes) -> tuple[Any, ...]:
    events = RequestParser().feed(data)
    head = events[0]
    assert isinstance(head, RequestHead)
    return head.method, head.target, head.url, list(head.headers.items()), head.should_close


def test_fast_and_slow_head_paths_agree() -> None:
    # Trailing OWS and an over-long head take the slow path; the result is the same.
    plain = b"GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nX-B:\t2\r\n\r\n"
    trailing = b"GET /a?b=1 HTTP/1.1\r\nHost: x \r\nX-A: 1\t\r\nX-B:\t2  \r\n\r\n"
    assert _head_summary(plain) == _head_summary(trailing)
    padding = b"X-Pad: " + b"p" * 8000 + b"\r\n"
    long_head = plain[:-2] + padding * 3 + b"\r\n"
    summary = _head_summary(long_head)
    assert summary[3][:3] == _head_summary(plain)[3]
    assert len(summary[3]) == 6


def test_fast_path_events_are_the_frozen_classes() -> None:
    import dataclasses

    events = RequestParser().feed(b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")
    head, body, end = events
    assert type(head) is RequestHead
    assert type(body) is Body
    assert type(end) is EndOfMessage
    assert body == Body(b"hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        head.method = "GET"  # type: ignore[misc]


def test_url_cache_is_bounded_and_keyed_by_the_exact_target() -> None:
    from aioloom.http_parser import _url

    cache_info = _url.origin_form_url.cache_info
    for i in range(_url.URL_CACHE_SIZE * 2):
        assert RequestParser().feed(b"GET /p%d HTTP/1.1\r\n\r\n" % i)[0].url.path == f"/p{i}"
    assert cache_info().currsize <= _url.URL_CACHE_SIZE
    a = _head_summary(b"GET /%7e?q HTTP/1.1\r\n\r\n")[2]
    b = _head_summary(b"GET /~?q HTTP/1.1\r\n\r\n")[2]
    assert a.raw_path == "/%7e"
    assert b.raw_path == "/~"


# -- the URL of an origin-form target is built when first read -----------------


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/a/b",
        "/a?b=c",
        "/a#frag",
        "/a?b#c?d",
        "/a#b?c",
        "/%D0%BF?q=%20#f",
        "/a:b/c:d",
        "//double/slash",
        "/?",
        "/#",
    ],
)
def test_lazy_url_is_the_url_aiohttp_builds(target: str) -> None:
    (head, _) = parse(b"GET %s HTTP/1.1\r\n\r\n" % target.encode())
    assert head._url is None  # nothing built while parsing
    rest, _, fragment = target.partition("#")
    path, _, query = rest.partition("?")
    expected = URL.build(path=path, query_string=query, fragment=fragment, encoded=True)
    assert head.raw_path == expected.raw_path == path
    url = head.url
    assert (str(url), url.raw_path, url.raw_query_string, url.raw_fragment) == (
        str(expected),
        expected.raw_path,
        expected.raw_query_string,
        expected.raw_fragment,
    )
    assert head.url is url  # built once


def test_other_target_forms_get_their_url_while_parsing() -> None:
    (head, _) = parse(b"GET http://example.com/p?q HTTP/1.1\r\n\r\n")
    assert head._url is not None
    assert head.raw_path == head.url.raw_path == "/p"
    (head, _) = parse(b"OPTIONS * HTTP/1.1\r\n\r\n")
    assert head.raw_path == head.url.raw_path
    (head, _) = parse(b"CONNECT example.com:443 HTTP/1.1\r\n\r\n")
    assert head.url.raw_host == "example.com"
    assert head.raw_path == head.url.raw_path


def test_request_head_constructor_and_replace_keep_the_url() -> None:
    import dataclasses

    headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())
    args = ("GET", "/a b", HTTP10, headers, True, False, False, False, None)
    built = RequestHead(*args)
    assert built.raw_path == "/a b"
    assert built.url == URL.build(path="/a b", encoded=True)
    given = RequestHead(*args, url=URL("/a b"))  # a URL not built from the target is kept
    assert given.raw_path == "/a%20b"
    assert given.url.raw_path == "/a%20b"
    assert built != given  # they route differently
    assert built == RequestHead(*args, url=built.url)  # the URL itself is not compared
    replaced = dataclasses.replace(given, method="POST", url=given.url)
    assert (replaced.method, replaced.url, replaced.raw_path) == ("POST", given.url, "/a%20b")
    with pytest.raises(ValueError, match="not origin-form: pass its url"):
        RequestHead("OPTIONS", "*", HTTP10, headers, True, False, False, False, None)
    absolute = URL("http://h/p")
    assert RequestHead("GET", "http://h/p", *args[2:], url=absolute).raw_path == "/p"
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.raw_path = "/x"  # type: ignore[misc]


def test_a_declined_upgrade_parses_what_followed_as_http() -> None:
    parser = RequestParser()
    parser.receive(
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    events = parser.next_events()
    assert parser.upgraded
    handed_out = b"".join(e.data for e in events if isinstance(e, UpgradeData))
    assert handed_out == b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
    parser.decline_upgrade(handed_out)
    assert not parser.upgraded
    parser.receive(b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n")
    targets = [e.target for e in parser.next_events() if isinstance(e, RequestHead)]
    assert targets == ["/b", "/c"]


def test_decline_upgrade_needs_a_switch() -> None:
    parser = RequestParser()
    parser.receive(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    parser.next_events()
    with pytest.raises(RuntimeError, match="did not switch"):
        parser.decline_upgrade(b"")
