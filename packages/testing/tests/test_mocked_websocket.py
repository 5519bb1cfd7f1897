"""A WebSocketResponse prepared on ``make_mocked_request``, as aiohttp's handshake
unit tests do it: the 101 and the frames land in the recording transport."""

from __future__ import annotations

import pytest

from aioloom import web
from aioloom.testing import RecordingTransport, make_mocked_request

HEADERS = {
    "Upgrade": "websocket",
    "Connection": "upgrade",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Protocol": "other, chat",
}


@pytest.mark.asyncio
async def test_websocket_prepared_on_a_mocked_request() -> None:
    request = make_mocked_request("GET", "/", headers=HEADERS)
    ws = web.WebSocketResponse(protocols=("chat",))
    await ws.prepare(request)
    assert ws.prepared
    assert ws.ws_protocol == "chat"
    await ws.send_str("hi")
    transport = request.transport
    assert isinstance(transport, RecordingTransport)
    head, _, frames = transport.output.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
    assert b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in head
    assert frames == b"\x81\x02hi"


@pytest.mark.asyncio
async def test_refusal_on_a_mocked_request_is_http_bad_request() -> None:
    request = make_mocked_request("GET", "/", headers={"Upgrade": "websocket"})
    with pytest.raises(web.HTTPBadRequest):
        await web.WebSocketResponse().prepare(request)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("offer", "compress"),
    [
        (None, 0),
        ("permessage-deflate", 15),
        ("permessage-deflate; server_max_window_bits=10", 10),
    ],
)
async def test_compress_reports_the_agreed_window(offer: str | None, compress: int) -> None:
    headers = dict(HEADERS)
    if offer is not None:
        headers["Sec-WebSocket-Extensions"] = offer
    ws = web.WebSocketResponse()
    assert ws.compress is True  # the constructor's choice until the handshake
    await ws.prepare(make_mocked_request("GET", "/", headers=headers))
    assert ws.compress == compress
