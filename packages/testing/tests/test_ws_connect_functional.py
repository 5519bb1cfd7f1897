"""TestClient.ws_connect, over a socket and in-process: the same tests in both modes.

The peer is aioloom's own ``web.WebSocketResponse``; the last tests use an
independent server (the ``websockets`` library) over a socket, so a bug shared
by our client and our server cannot hide.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.typing import Subprotocol
from yarl import URL

from aioloom import web
from aioloom.testing import BaseTestServer, TestClient, TestServer
from aioloom.web import BaseRunner
from aioloom.websocket import WSCloseCode, WSMsgType, WSServerHandshakeError

SEEN = web.AppKey("seen", list)  # what the handlers saw: headers, cookies, close codes...


async def echo(request: web.Request) -> web.WebSocketResponse:
    """Echo each message keeping its type; "close" closes with 4000, "bye" ends the handler."""
    seen = request.app[SEEN]
    seen.append(("headers", dict(request.headers), dict(request.cookies)))
    ws = web.WebSocketResponse(protocols=["chat"])
    await ws.prepare(request)
    async for msg in ws:
        if msg.type is WSMsgType.TEXT:
            if msg.data == "close":
                await ws.close(code=4000, message="asked to")
            elif msg.data == "bye":
                break
            else:
                await ws.send_str(msg.data)
        elif msg.type is WSMsgType.BINARY:
            await ws.send_bytes(msg.data)
    seen.append(("closed", ws.close_code))
    return ws


async def greet_and_leave(request: web.Request) -> web.WebSocketResponse:
    """Sends right after the 101 and closes without reading a thing first."""
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    await ws.send_str("hello")
    await ws.send_bytes(b"\x00" * 10)
    await ws.close(code=4001, message="done")
    return ws


async def silent(request: web.Request) -> web.WebSocketResponse:
    """Does not answer pings: a client heartbeat must give up."""
    ws = web.WebSocketResponse(autoping=False)
    await ws.prepare(request)
    async for msg in ws:  # without autoping, pings are messages
        assert msg.type is WSMsgType.PING
    return ws


async def plain(request: web.Request) -> web.Response:
    return web.Response(text="not a websocket")


def make_app() -> web.Application:
    app = web.Application()
    app[SEEN] = []
    app.router.add_get("/ws", echo)
    app.router.add_get("/greet", greet_and_leave)
    app.router.add_get("/silent", silent)
    app.router.add_get("/plain", plain)
    return app


@pytest.fixture(params=["socket", "in_process"])
def mode(request: pytest.FixtureRequest) -> str:
    mode: str = request.param
    return mode


def client_for(mode: str, app: web.Application | None = None) -> TestClient:
    return TestClient(TestServer(app or make_app(), in_process=mode == "in_process"))


@pytest.mark.asyncio
async def test_text_binary_json_and_iteration(mode: str) -> None:
    async with client_for(mode) as client:
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
        assert client.app is not None
        seen = client.app[SEEN]
    (_, headers, cookies), closed = seen
    assert headers["X-Hello"] == "1"
    assert headers["Cookie"] == "sid=s1"
    assert cookies == {"sid": "s1"}
    assert closed == ("closed", WSCloseCode.OK)  # as aiohttp: the code of the peer's answer


@pytest.mark.asyncio
async def test_close_codes_both_ways(mode: str) -> None:
    async with client_for(mode) as client:
        ws = await client.ws_connect("/ws", protocols=["chat"])
        await ws.send_str("close")
        msg = await ws.receive()
        assert (msg.type, msg.data, msg.extra) == (WSMsgType.CLOSE, 4000, "asked to")
        assert ws.closed
        assert ws.close_code == 4000
        assert (await ws.receive()).type is WSMsgType.CLOSED

        ws = await client.ws_connect("/ws", protocols=["chat"])
        assert await ws.close(code=4002, message=b"client done")
        assert not await ws.close()
        assert ws.closed
        assert ws.close_code == WSCloseCode.OK
        assert client.app is not None
        for _ in range(100):  # the server's handler ends once it has answered our Close
            if client.app[SEEN][-1][0] == "closed":
                break
            await asyncio.sleep(0.01)
        assert client.app[SEEN][-1] == ("closed", 4002)


@pytest.mark.asyncio
async def test_server_sends_first_and_closes(mode: str) -> None:
    async with client_for(mode) as client, client.ws_connect("/greet") as ws:
        assert ws.protocol is None
        assert await ws.receive_str() == "hello"
        assert await ws.receive_bytes() == b"\x00" * 10
        msg = await ws.receive()
        assert (msg.type, msg.data, msg.extra) == (WSMsgType.CLOSE, 4001, "done")
        assert ws.close_code == 4001


@pytest.mark.asyncio
async def test_client_close_and_await_form(mode: str) -> None:
    async with client_for(mode) as client:
        ws = await client.ws_connect("/ws", protocols=["chat"], compress=0, heartbeat=5.0)
        assert not ws.compress
        await ws.send_str(json.dumps([1]))
        assert await ws.receive_json() == [1]
        assert await ws.close()
        assert ws.closed
        assert ws.close_code == WSCloseCode.OK
    # An unclosed WebSocket is closed with the client, and the server sees it go.
    app = make_app()
    async with client_for(mode, app) as client:
        left_open = await client.ws_connect("/ws", protocols=["chat"])
        await left_open.send_str("ping")
        assert await left_open.receive_str() == "ping"
    assert left_open.closed
    assert left_open.close_code == WSCloseCode.OK
    assert app[SEEN][-1] == ("closed", WSCloseCode.OK)


@pytest.mark.asyncio
async def test_large_messages_compressed_and_not(mode: str) -> None:
    payload = os.urandom(1024 * 1024)  # incompressible: fills the connection's buffers
    text = "abc" * 300_000
    async with client_for(mode) as client:
        for compress in (15, 0):
            async with client.ws_connect("/ws", protocols=["chat"], compress=compress) as ws:
                assert ws.compress is bool(compress)
                await ws.send_bytes(payload)
                await ws.send_str(text)
                assert await ws.receive_bytes() == payload
                assert await ws.receive_str() == text


@pytest.mark.asyncio
async def test_heartbeat(mode: str) -> None:
    async with client_for(mode) as client:
        # Pings answered by the server keep the connection open.
        async with client.ws_connect("/ws", protocols=["chat"], heartbeat=0.2) as ws:
            await asyncio.sleep(0.5)  # pings at 0.2 and 0.4, pongs due 0.1 later
            await ws.send_str("still here")
            assert await ws.receive_str() == "still here"
        # Unanswered, the client gives up after heartbeat / 2 more.
        ws = await client.ws_connect("/silent", heartbeat=0.05)
        msg = await ws.receive()
        assert msg.type is WSMsgType.ERROR
        assert isinstance(msg.data, TimeoutError)
        assert ws.closed
        assert ws.close_code == WSCloseCode.ABNORMAL_CLOSURE


@pytest.mark.asyncio
async def test_refused_handshake(mode: str) -> None:
    async with client_for(mode) as client:
        with pytest.raises(WSServerHandshakeError) as info:
            await client.ws_connect("/plain")
        assert info.value.status == 200
        with pytest.raises(WSServerHandshakeError) as info:
            await client.ws_connect("/nowhere")
        assert info.value.status == 404
        with pytest.raises(ValueError, match="CR or LF"):
            await client.ws_connect("/ws", headers={"X-Bad": "a\r\nb"})
        # The client still works afterwards.
        async with client.ws_connect("/ws", protocols=["chat"]) as ws:
            await ws.send_str("ok")
            assert await ws.receive_str() == "ok"


@pytest.mark.asyncio
async def test_peer_addresses(mode: str) -> None:
    async with client_for(mode) as client, client.ws_connect("/greet") as ws:
        peer = ws.get_extra_info("peername")
        assert peer[0] == "127.0.0.1"
        if mode == "socket":
            assert peer[1] == client.port
        await ws.receive_str()


# -- an independent server: the websockets library, over a socket -----------------------


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
async def test_independent_server() -> None:
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
            await ws.send_str("one")
            await ws.send_str("close")
            received = [msg async for msg in ws]
            assert [(m.type, m.data) for m in received] == [(WSMsgType.TEXT, "one")]
            assert ws.close_code == 4000
        left_open = await client.ws_connect("/", protocols=["chat"], compress=0)
        assert not left_open.compress
    assert left_open.closed
    headers = server.seen_headers[0]
    assert headers["X-Hello"] == "1"
    assert headers["Cookie"] == "sid=s1"


# -- the in-memory connection underneath in-process mode ---------------------------------


class Recorder(asyncio.Protocol):
    """Records what an end of the connection is told; the server side answers upgrades."""

    def __init__(self, *, server: bool = False, answer: bytes = b"") -> None:
        self.server = server
        self.answer = answer
        self.transport: asyncio.Transport | None = None
        self.events: list[Any] = []
        self.data = bytearray()
        self.switched = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.events.append("made")

    def data_received(self, data: bytes) -> None:
        self.data += data
        if self.server and not self.switched and b"\r\n\r\n" in self.data:
            self.switched = True
            self.data.clear()
            assert self.transport is not None
            self.transport.write(self.answer)
        elif self.server and self.switched:
            assert self.transport is not None
            self.transport.write(data.upper())

    def eof_received(self) -> bool | None:
        self.events.append("eof")
        return self.server  # the server half-closes, as RequestHandler does once upgraded

    def connection_lost(self, exc: Exception | None) -> None:
        self.events.append(("lost", exc))

    def pause_writing(self) -> None:
        self.events.append("pause_writing")

    def resume_writing(self) -> None:
        self.events.append("resume_writing")


UPGRADE = [("Host", "test"), ("Upgrade", "x"), ("Connection", "Upgrade")]
SWITCHED = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n"


async def turns(n: int = 3) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_memory_pipe_bytes_flow_control_and_close() -> None:
    from aioloom.testing._inprocess import InProcessTransport

    servers: list[Recorder] = []

    def factory() -> Recorder:
        servers.append(Recorder(server=True, answer=SWITCHED + b"early"))
        return servers[-1]

    pipes = InProcessTransport(factory)
    client = Recorder()
    status, headers, transport = await pipes.upgrade("/", UPGRADE, client)
    server = servers[0]
    assert status == 101
    assert ("Upgrade", "x") in headers
    assert transport is not None
    assert server.transport is not None
    assert client.events == ["made"]
    await turns()
    assert client.data == b"early"  # what followed the 101, delivered on a later turn
    client.data.clear()

    transport.write(b"abc")
    assert server.data == b""  # not synchronously
    await turns()
    assert server.data == b"abc"
    assert client.data == b"ABC"
    client.data.clear()

    transport.pause_reading()
    assert not transport.is_reading()
    server.transport.write(b"held")
    await turns()
    assert client.data == b""
    transport.resume_reading()
    await turns()
    assert client.data == b"held"
    client.data.clear()

    # A full pipe pauses its writer until the reader takes the bytes.
    server.transport.pause_reading()
    transport.write(b"z" * (300 * 1024))
    assert client.events[-1] == "pause_writing"
    assert transport.get_write_buffer_size() == 300 * 1024
    await turns()
    assert server.data == b"abc"
    server.transport.resume_reading()
    await turns()
    assert client.events[-1] == "resume_writing"
    assert len(server.data) == 3 + 300 * 1024
    await turns()
    client.data.clear()

    # The client closes: its last bytes, then the end of stream; the server half-closes.
    transport.write(b"last")
    transport.close()
    assert transport.is_closing()
    await turns()
    assert server.data.endswith(b"last")
    # (the server's 300 KiB echo paused it too, until the client took it)
    assert server.events == ["made", "pause_writing", "resume_writing", "eof"]
    assert client.events[-1] == ("lost", None)
    assert not server.transport.is_closing()
    server.transport.write(b"dropped")
    server.transport.close()
    await turns()
    assert client.data == b""
    assert server.events[-1] == ("lost", None)
    await pipes.aclose()


@pytest.mark.asyncio
async def test_memory_pipe_server_closes_or_aborts_first() -> None:
    from aioloom.testing._inprocess import InProcessTransport

    servers: list[Recorder] = []

    def factory() -> Recorder:
        servers.append(Recorder(server=True, answer=SWITCHED))
        return servers[-1]

    pipes = InProcessTransport(factory)
    client = Recorder()
    _, _, transport = await pipes.upgrade("/", UPGRADE, client)
    server = servers[-1]
    assert transport is not None
    assert server.transport is not None
    server.transport.write(b"bye")
    server.transport.close()
    await turns()
    # The client reads the rest, then the end of stream, and its transport closes.
    assert client.data == b"bye"
    assert client.events == ["made", "eof", ("lost", None)]
    assert transport.is_closing()

    client = Recorder()
    _, _, transport = await pipes.upgrade("/", UPGRADE, client)
    server = servers[-1]
    assert transport is not None
    assert server.transport is not None
    transport.pause_reading()
    server.transport.write(b"never read")
    transport.write(b"x" * 10)
    transport.abort()  # what it had not sent yet is dropped
    await turns()
    assert server.data == b""
    assert server.events == ["made", "eof"]
    assert client.data == b""
    assert client.events[-1] == ("lost", None)
    server.transport.close()
    await turns()

    refusing = InProcessTransport(
        lambda: Recorder(server=True, answer=b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
    )
    assert await refusing.upgrade("/", UPGRADE, Recorder()) == (
        403,
        [("Content-Length", "0")],
        None,
    )
    await refusing.aclose()
    await pipes.aclose()
