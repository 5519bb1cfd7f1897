"""permessage-deflate (RFC 7692): negotiation for both roles and the codec."""

import zlib

import pytest
from ws_testutil import SansIOPair, frame

from aioloom.websocket import (
    DeflateParams,
    FrameReader,
    PerMessageDeflate,
    WebSocketError,
    WSMessage,
    WSMsgType,
    WSServerHandshakeError,
    client_accept_deflate,
    client_deflate_offer,
    parse_extensions,
    server_negotiate_deflate,
)


def test_parse_extensions() -> None:
    value = 'permessage-deflate; client_max_window_bits, foo; a="b,c" ; d, , bar'
    assert parse_extensions(value) == [
        ("permessage-deflate", [("client_max_window_bits", None)]),
        ("foo", [("a", "b,c"), ("d", None)]),
        ("bar", []),
    ]


@pytest.mark.parametrize("value", ["per message", "a;", "a; =1", "a, ;b", 'a; b="x'])
def test_parse_extensions_rejects_bad_syntax(value: str) -> None:
    with pytest.raises(ValueError, match="invalid extension list"):
        parse_extensions(value)


def test_server_accepts_autobahn_offer() -> None:
    params = server_negotiate_deflate(
        "permessage-deflate; client_no_context_takeover; client_max_window_bits"
    )
    assert params == DeflateParams(client_no_context_takeover=True)
    assert params.response_value() == "permessage-deflate; client_no_context_takeover"


def test_server_echoes_server_parameters() -> None:
    params = server_negotiate_deflate(
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=9"
    )
    assert params is not None
    assert params.response_value() == (
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=9"
    )


def test_server_picks_first_acceptable_of_several_offers() -> None:
    header = (
        "permessage-deflate; server_max_window_bits=20, "
        'permessage-deflate; server_max_window_bits="10", permessage-deflate'
    )
    params = server_negotiate_deflate(header)
    assert params == DeflateParams(server_max_window_bits=10)


@pytest.mark.parametrize(
    "header",
    [
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; unknown_param",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=010",
        "permessage-deflate; client_max_window_bits=abc",
        "permessage-deflate; server_no_context_takeover=1",
        "x-webkit-deflate-frame",
        "permessage-deflate;;",
        "",
    ],
)
def test_server_declines_bad_offers(header: str) -> None:
    assert server_negotiate_deflate(header) is None


def test_server_can_force_no_context_takeover() -> None:
    params = server_negotiate_deflate("permessage-deflate", no_context_takeover=True)
    assert params == DeflateParams(server_no_context_takeover=True)


def test_client_offer_and_accept() -> None:
    assert client_deflate_offer() == "permessage-deflate; client_max_window_bits"
    offer = client_deflate_offer(server_max_window_bits=10, client_no_context_takeover=True)
    assert offer == (
        "permessage-deflate; client_max_window_bits; server_max_window_bits=10; "
        "client_no_context_takeover"
    )
    params = client_accept_deflate(
        "permessage-deflate; server_max_window_bits=10; client_max_window_bits=12",
        server_max_window_bits=10,
    )
    assert params == DeflateParams(server_max_window_bits=10, client_max_window_bits=12)
    assert client_accept_deflate(None) is None


@pytest.mark.parametrize(
    ("header", "match"),
    [
        ("permessage-deflate, permessage-deflate", "did not offer"),
        ("x-other", "did not offer"),
        ("permessage-deflate; foo", "unknown"),
        ("permessage-deflate; server_no_context_takeover; server_no_context_takeover", "dupl"),
        ("permessage-deflate; server_max_window_bits=16", "invalid"),
        ("permessage-deflate; client_no_context_takeover=1", "no value"),
        ("permessage-deflate; server_max_window_bits=12", "larger than offered"),
        ("permessage-deflate;", "invalid Sec-WebSocket-Extensions"),
    ],
)
def test_client_rejects_bad_responses(header: str, match: str) -> None:
    with pytest.raises(WSServerHandshakeError, match=match):
        client_accept_deflate(header, server_max_window_bits=11)


@pytest.mark.parametrize(
    "params",
    [
        DeflateParams(),
        DeflateParams(server_no_context_takeover=True, client_no_context_takeover=True),
        DeflateParams(server_max_window_bits=9, client_max_window_bits=9),
        DeflateParams(server_max_window_bits=8, client_max_window_bits=8),
    ],
)
def test_compressed_round_trip_both_directions(params: DeflateParams) -> None:
    pair = SansIOPair(deflate=params)
    for i in range(5):
        text = f"hello {i} " * 200
        data = pair.client.send_text(text)
        assert pair.c2s(data) == [WSMessage(WSMsgType.TEXT, text, None)]
        data = pair.server.send_bytes(text.encode())
        assert pair.s2c(data) == [WSMessage(WSMsgType.BINARY, text.encode(), None)]


def test_rsv1_set_only_when_compressing() -> None:
    pair = SansIOPair(deflate=DeflateParams())
    assert pair.server.send_text("x" * 100)[0] & 0x40
    assert not pair.server.send_text("x" * 100, compress=False)[0] & 0x40
    assert not pair.server.send_ping(b"x")[0] & 0x40
    assert pair.c2s(pair.client.send_text("plain", compress=False))[0].data == "plain"


def test_window_8_is_sent_uncompressed() -> None:
    pair = SansIOPair(deflate=DeflateParams(server_max_window_bits=8))
    data = pair.server.send_text("x" * 1000)
    assert not data[0] & 0x40
    assert pair.s2c(data)[0].data == "x" * 1000


def test_no_context_takeover_messages_are_independent() -> None:
    codec = PerMessageDeflate(DeflateParams(server_no_context_takeover=True), is_client=False)
    first = codec.compress(b"abcdefgh" * 100)
    second = codec.compress(b"abcdefgh" * 100)
    # Each message inflates on its own: nothing refers to the previous one.
    fresh = zlib.decompressobj(wbits=-15)
    assert fresh.decompress(second + b"\x00\x00\xff\xff") == b"abcdefgh" * 100
    assert first == second


def test_empty_message_compressed() -> None:
    pair = SansIOPair(deflate=DeflateParams())
    assert pair.c2s(pair.client.send_bytes(b"")) == [WSMessage(WSMsgType.BINARY, b"", None)]


def test_fragmented_compressed_message() -> None:
    codec = PerMessageDeflate(DeflateParams(), is_client=True)
    payload = codec.compress("fragmented ☃ text ".encode() * 50)
    third = len(payload) // 3
    data = (
        frame(1, payload[:third], fin=False, rsv=4)
        + frame(9, b"mid")
        + frame(0, payload[third : 2 * third], fin=False)
        + frame(0, payload[2 * third :])
    )
    reader = FrameReader(
        is_client=False, deflate=PerMessageDeflate(DeflateParams(), is_client=False)
    )
    msgs = reader.feed(data)
    assert msgs == [
        WSMessage(WSMsgType.PING, b"mid", None),
        WSMessage(WSMsgType.TEXT, "fragmented ☃ text " * 50, None),
    ]


def test_rsv1_on_continuation_rejected() -> None:
    reader = FrameReader(
        is_client=False, deflate=PerMessageDeflate(DeflateParams(), is_client=False)
    )
    msgs = reader.feed(frame(2, b"", fin=False) + frame(0, b"", rsv=4))
    assert msgs[-1].type is WSMsgType.ERROR
    assert msgs[-1].data.code == 1002


def test_rsv1_on_control_frame_rejected_with_deflate() -> None:
    reader = FrameReader(
        is_client=False, deflate=PerMessageDeflate(DeflateParams(), is_client=False)
    )
    msgs = reader.feed(frame(9, b"", rsv=4))
    assert msgs[-1].data.code == 1002


def test_corrupt_deflate_data_is_1002() -> None:
    reader = FrameReader(
        is_client=False, deflate=PerMessageDeflate(DeflateParams(), is_client=False)
    )
    msgs = reader.feed(frame(2, b"\xff\xff\xff\xff", rsv=4))
    assert isinstance(msgs[-1].data, WebSocketError)
    assert msgs[-1].data.code == 1002


def test_compressed_invalid_utf8_is_1007() -> None:
    codec = PerMessageDeflate(DeflateParams(), is_client=True)
    reader = FrameReader(
        is_client=False, deflate=PerMessageDeflate(DeflateParams(), is_client=False)
    )
    msgs = reader.feed(frame(1, codec.compress(b"ok\xff"), rsv=4))
    assert msgs[-1].data.code == 1007
