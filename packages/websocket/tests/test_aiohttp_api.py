"""The asyncio layer's parts of aiohttp 3.14's WebSocket API: the lower-case message
types, ``decode_text``, ``writer_limit``, ``send_frame``'s compression,
``send_json_bytes``, ``close(drain=...)``, and a handshake on any method."""

from __future__ import annotations

import asyncio
import json

import pytest
from ws_testutil import frame, memory_pair

from aioloom.websocket import (
    DeflateParams,
    HandshakeError,
    WSCloseCode,
    WSMsgType,
    server_handshake,
)

KEY = "dGhlIHNhbXBsZSBub25jZQ=="
HANDSHAKE = {
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Key": KEY,
    "Sec-WebSocket-Version": "13",
}
asyncio_test = pytest.mark.asyncio


def test_lower_case_aliases_are_the_members() -> None:
    # aiohttp 3.14's WSMsgType has exactly these eight aliases.
    for alias in ("text", "binary", "ping", "pong", "close", "closing", "closed", "error"):
        assert getattr(WSMsgType, alias) is WSMsgType[alias.upper()]
    # Aliases are not members of their own: iteration and len() are unchanged.
    assert len(WSMsgType) == 9
    assert WSMsgType(1) is WSMsgType.text


@asyncio_test
async def test_decode_text_false_hands_text_on_as_bytes() -> None:
    client, server, _, _ = memory_pair(decode_text=False)
    await client.send_str("h\u00e9llo")
    await client.send_bytes(b"raw")
    await client.send_str('{"a": 1}')
    msg = await server.receive()
    assert msg.type is WSMsgType.TEXT
    assert msg.data == "h\u00e9llo".encode()
    assert await server.receive_bytes() == b"raw"
    assert await server.receive_json(loads=lambda data: json.loads(data)) == {"a": 1}


@asyncio_test
async def test_decode_text_false_still_fails_invalid_utf8() -> None:
    _, server, _, _ = memory_pair(decode_text=False)
    server.feed_data(frame(0x1, b"\xff\xfe"))
    msg = await server.receive()
    assert msg.type is WSMsgType.ERROR
    assert server.close_code == WSCloseCode.INVALID_TEXT


async def _blocks(coro: asyncio.Future[None] | asyncio.Task[None]) -> bool:
    await asyncio.sleep(0.01)
    return not coro.done()


@asyncio_test
async def test_writer_limit_sends_past_a_paused_transport_until_the_limit() -> None:
    _, server, _, _ = memory_pair(writer_limit=100)
    server.pause_writing()
    # 3 frames of 42 bytes: the first two stay under the limit, the third passes it.
    await asyncio.wait_for(server.send_bytes(b"x" * 40), 1)
    await asyncio.wait_for(server.send_bytes(b"x" * 40), 1)
    third = asyncio.ensure_future(server.send_bytes(b"x" * 40))
    assert await _blocks(third)
    server.resume_writing()
    await asyncio.wait_for(third, 1)


@asyncio_test
async def test_writer_limit_zero_waits_at_every_write() -> None:
    _, server, _, _ = memory_pair()
    server.pause_writing()
    send = asyncio.ensure_future(server.send_str("a"))
    assert await _blocks(send)
    server.resume_writing()
    await asyncio.wait_for(send, 1)


@asyncio_test
async def test_send_frame_compresses_whole_messages_only() -> None:
    client, server, _, st = memory_pair(deflate=DeflateParams())
    await server.send_frame(b"a" * 200, WSMsgType.TEXT)
    assert st.written[-1][0] == 0xC1  # FIN, RSV1 (compressed), TEXT
    await server.send_frame(b"b" * 200, WSMsgType.BINARY, compress=False)
    assert st.written[-1][0] == 0x82
    await server.send_frame(b"c", WSMsgType.TEXT, fin=False)
    assert st.written[-1][0] == 0x01  # a fragment: as given
    await server.send_frame(b"d", WSMsgType.CONTINUATION)
    await server.send_frame(b"p", WSMsgType.PING)
    assert st.written[-1][0] == 0x89
    with pytest.raises(ValueError, match="close"):
        await server.send_frame(b"", WSMsgType.CLOSE)
    assert (await client.receive()).data == "a" * 200
    assert (await client.receive()).data == b"b" * 200
    assert (await client.receive()).data == "cd"


@asyncio_test
async def test_send_json_bytes_sends_binary() -> None:
    client, server, _, _ = memory_pair()
    await server.send_json_bytes({"k": [1]}, dumps=lambda obj: json.dumps(obj).encode())
    msg = await client.receive()
    assert msg.type is WSMsgType.BINARY
    assert json.loads(msg.data) == {"k": [1]}
    with pytest.raises(TypeError):
        await server.send_json_bytes({1}, dumps=lambda obj: json.dumps(obj).encode())


@asyncio_test
@pytest.mark.parametrize("drain", [True, False])
async def test_close_with_drain_waits_for_a_paused_transport(drain: bool) -> None:
    _, server, _, _ = memory_pair()
    server.pause_writing()
    closing = asyncio.ensure_future(server.close(drain=drain))
    await asyncio.sleep(0)
    server.feed_data(frame(0x8, b"\x03\xe8"))  # the peer's Close
    if drain:
        assert await _blocks(closing)
        server.resume_writing()
    assert await asyncio.wait_for(closing, 1) is True
    assert server.close_code == WSCloseCode.OK


def test_require_get_false_accepts_other_methods() -> None:
    with pytest.raises(HandshakeError) as refused:
        server_handshake("POST", HANDSHAKE)
    assert refused.value.status == 405
    accepted = server_handshake("POST", HANDSHAKE, require_get=False)
    assert accepted.key == KEY
