"""``TestClient.ws_connect`` for an in-process server: the real handshake, in memory."""

from __future__ import annotations

import asyncio

import httpx
from multidict import CIMultiDict
from yarl import URL

from aioloom.websocket import (
    ClientWebSocket,
    Connection,
    WebSocketProtocol,
    WSServerHandshakeError,
    client_handshake,
)

from ._inprocess import InProcessTransport

__all__ = ["ws_connect_in_process"]

# What aioloom.websocket.connect allows for the TCP connect plus the opening handshake.
_WS_OPEN_TIMEOUT = 10.0


async def ws_connect_in_process(
    transport: InProcessTransport,
    url: URL,
    *,
    protocols: tuple[str, ...],
    compress: int,
    heartbeat: float | None,
    max_msg_size: int,
    timeout: float,  # noqa: ASYNC109 - the close timeout, as in aiohttp
    receive_timeout: float | None,
    autoclose: bool,
    autoping: bool,
    origin: str | None,
    headers: list[tuple[str, str]],
) -> ClientWebSocket:
    """``aioloom.websocket.connect`` over the in-memory connection: same handshake, same
    ``ClientWebSocket``, same errors (WSServerHandshakeError when refused)."""
    handshake = client_handshake(protocols=protocols, compress=compress, origin=origin)
    host = url.host or "localhost"
    host_header = f"[{host}]" if ":" in host else host
    if url.explicit_port:
        host_header += f":{url.port}"
    request = [("Host", host_header), *handshake.headers, *headers]
    for name, value in request:
        if "\r" in name or "\n" in name or "\r" in value or "\n" in value:
            raise ValueError("CR or LF in a request header")
    proto = WebSocketProtocol()
    try:
        async with asyncio.timeout(_WS_OPEN_TIMEOUT):
            status, response_headers, ws_transport = await transport.upgrade(
                url.raw_path_qs, request, proto
            )
    except httpx.RemoteProtocolError as exc:
        raise WSServerHandshakeError(f"Connection closed during the handshake: {exc}") from exc
    try:
        accepted = handshake.verify(status, CIMultiDict(response_headers))
    except BaseException:
        if ws_transport is not None:
            ws_transport.abort()
        raise
    if ws_transport is None:  # pragma: no cover - verify() passes only a 101
        raise WSServerHandshakeError("the connection was not switched", status=status)
    ws = ClientWebSocket(
        ws_transport,
        Connection(is_client=True, max_msg_size=max_msg_size, deflate=accepted.deflate),
        protocol=accepted.protocol,
        timeout=timeout,
        receive_timeout=receive_timeout,
        autoclose=autoclose,
        autoping=autoping,
        heartbeat=heartbeat,
    )
    proto.attach(ws)
    return ws
