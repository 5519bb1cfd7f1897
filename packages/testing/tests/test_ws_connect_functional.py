"""TestClient.ws_connect against a WebSocket server.

aioloom.web has no server-side WebSocketResponse yet, so the peer is an
independent implementation (the ``websockets`` library) behind a minimal
test server; the aioloom-served variant runs once ``web.WebSocketResponse``
exists.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.typing import Subprotocol
from yarl import URL

from aioloom import web
from aioloom.testing import BaseTestServer, TestClient, TestServer
from aioloom.web import BaseRunner
from aioloom.websocket import WSMsgType


class WebsocketsTestServer(BaseTestServer):
    """A test server whose peer is the ``websockets`` library's server."""

    def __init__(self) -> None:
        super().__init__()
        self.seen_headers: list[dict[str, str]] = []
        self._ws_server: Server | None = None

    async def _make_runner(self, **kwargs: Any) -> BaseRunner:  # pragma: no cover - unused
        raise NotImplementedError

    async def _handler(self, connection: ServerConnection) -> None:
        assert connection.request is not None
        self.seen_headers.append(dict(connection.request.headers.raw_items()))
        async for message in connection:
            if message == "close":
                await connection.close(code=4000, reason="asked to")
                return
            await connection.send(message)  # echo, keeping the type

    async def start_server(self, **kwargs: Any) -> None:
        self._ws_server = await serve(
            self._handler, self.host, 0, subprotocols=[Subprotocol("chat")], compression="deflate"
        )
        self.port = self._ws_server.sockets[0].getsockname()[1]
        self._root = URL.build(scheme="http", host=self.host, port=self.port)

    async def close(self) -> None:
        if self._ws_server is not None:
            self._ws_server.close()
            await self._ws_server.wait_closed()
            self._ws_server = None
        self._closed = True


@pytest.mark.asyncio
async def test_text_binary_json_and_iteration() -> None:
    server = WebsocketsTestServer()
    async with TestClient(server) as client:
        client.cookie_jar.update_cookies({"sid": "s1"})
        async with client.ws_connect("/ws", protocols=["chat"], headers={"X-Hello": "1"}) as ws:
            assert ws.protocol == "chat"
            assert ws.compress
            await ws.send_str("hello")
            assert await ws.receive_str() == "hello"
            await ws.send_bytes(b"\x00\x01")
            assert await ws.receive_bytes() == b"\x00\x01"
            await ws.send_json({"a": [1]})
            assert await ws.receive_json() == {"a": [1]}
            await ws.send_str("one")
            await ws.send_str("close")
            received = [msg async for msg in ws]
            assert [(m.type, m.data) for m in received] == [(WSMsgType.TEXT, "one")]
            assert ws.closed
            assert ws.close_code == 4000
    headers = server.seen_headers[0]
    assert headers["X-Hello"] == "1"
    assert headers["Cookie"] == "sid=s1"


@pytest.mark.asyncio
async def test_client_close_and_await_form() -> None:
    async with TestClient(WebsocketsTestServer()) as client:
        ws = await client.ws_connect("/", protocols=["chat"], compress=0, heartbeat=5.0)
        assert not ws.compress
        await ws.send_str(json.dumps([1]))
        assert await ws.receive_json() == [1]
        assert await ws.close()
        assert ws.closed
    # An unclosed WebSocket is closed with the client.
    async with TestClient(WebsocketsTestServer()) as client:
        left_open = await client.ws_connect("/", protocols=["chat"])
    assert left_open.closed


@pytest.mark.asyncio
async def test_in_process_mode_has_no_websocket() -> None:
    async with TestClient(TestServer(web.Application(), in_process=True)) as client:
        with pytest.raises(RuntimeError, match="needs a socket"):
            await client.ws_connect("/")


@pytest.mark.skipif(
    not hasattr(web, "WebSocketResponse"), reason="aioloom.web has no WebSocketResponse yet"
)
@pytest.mark.asyncio
async def test_against_aioloom_websocket_response() -> None:  # pragma: no cover - future
    async def handler(request: web.Request) -> Any:
        ws = web.WebSocketResponse()  # type: ignore[attr-defined,unused-ignore]
        await ws.prepare(request)
        async for msg in ws:
            await ws.send_str(msg.data.upper())
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    async with TestClient(TestServer(app)) as client, client.ws_connect("/ws") as ws:
        await ws.send_str("shout")
        assert await ws.receive_str() == "SHOUT"
