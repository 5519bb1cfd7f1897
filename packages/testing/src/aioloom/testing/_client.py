"""TestClient: real HTTP over TCP to a test server, through httpx.

httpx is an independent client, so a bug in our parser cannot hide behind the
same bug in our client. The method signatures are aiohttp's (``data=``,
``allow_redirects=``...); httpx's own keyword arguments (``content=``,
``files=``, ``follow_redirects=``, ``timeout=``...) are accepted as well.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterable, Coroutine, Generator, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

import httpx
from multidict import CIMultiDict
from yarl import URL

from aioloom.web import Application

from ._cookies import CookieJar
from ._inprocess import InProcessTransport
from ._response import ClientResponse
from ._server import BaseTestServer, TestServer

if TYPE_CHECKING:
    from aioloom.websocket import ClientWebSocket

__all__ = ["TestClient", "RequestContextManager", "ClientSession"]

T = TypeVar("T")

# What aioloom.websocket.connect allows for the TCP connect plus the opening handshake.
_WS_OPEN_TIMEOUT = 10.0

# httpx.AsyncClient.build_request / send keywords passed through unchanged.
_BUILD_KEYS = frozenset({"content", "files", "timeout", "extensions"})
_SEND_KEYS = frozenset({"auth", "follow_redirects"})


class RequestContextManager(Generic[T]):
    """Await it for the result, or ``async with`` it to close the result on exit."""

    __slots__ = ("_coro", "_result")

    def __init__(self, coro: Coroutine[Any, Any, T]) -> None:
        self._coro = coro
        self._result: T | None = None

    def __await__(self) -> Generator[Any, None, T]:
        return self._coro.__await__()

    async def __aenter__(self) -> T:
        self._result = await self._coro
        return self._result

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        result = self._result
        if isinstance(result, ClientResponse):
            await result.release()
        elif result is not None:
            close = getattr(result, "close", None)
            if close is not None:
                await close()


class ClientSession:
    """What aiohttp tests reach through ``client.session``: the cookie jar and state."""

    def __init__(self, client: TestClient) -> None:
        self._client = client

    @property
    def cookie_jar(self) -> CookieJar:
        return self._client.cookie_jar

    @property
    def closed(self) -> bool:
        return self._client._http is None

    @property
    def http(self) -> httpx.AsyncClient:
        return self._client.http


def _multi_items(data: Any) -> list[tuple[str, Any]]:
    items = data.items() if isinstance(data, Mapping) else data
    return [(str(key), value) for key, value in items]


def _form(data: Any) -> dict[str, Any]:
    """A mapping or pairs as httpx form data (repeated keys become lists)."""
    if type(data) is dict:
        return data
    form: dict[str, Any] = {}
    for key, value in _multi_items(data):
        if key in form:
            previous = form[key]
            form[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            form[key] = value
    return form


def _has_header(headers: Any, name: str) -> bool:
    if headers is None:
        return False
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return any(str(key).lower() == name for key, _ in pairs)


class TestClient:
    """A client for one test server: ``async with TestClient(TestServer(app)) as client:``.

    Keyword arguments go to ``httpx.AsyncClient`` (``headers``, ``timeout``...).
    Requests are relative to the server's root; cookies persist across requests.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, server: BaseTestServer, **kwargs: Any) -> None:
        if not isinstance(server, BaseTestServer):
            raise TypeError(f"TestClient needs a test server, not {type(server).__name__}")
        self.server = server
        self._httpx_kwargs = kwargs
        self._http: httpx.AsyncClient | None = None
        self._in_process: InProcessTransport | None = None
        self._cookies = httpx.Cookies()
        self._responses: list[ClientResponse] = []
        self._websockets: list[ClientWebSocket] = []
        self._closed = False

    # -- lifecycle ------------------------------------------------------------------

    async def start_server(self) -> None:
        await self.server.start_server()
        if self._http is not None:
            return
        self._in_process = None
        if self.server.in_process:
            web_server = self.server.web_server
            self._in_process = InProcessTransport(web_server, sockname=(self.server.host, 80))
        self._http = httpx.AsyncClient(
            base_url=str(self.server.make_url("")),
            cookies=self._cookies,
            transport=self._in_process,
            **self._httpx_kwargs,
        )
        # The AsyncClient copied our cookies into its own jar: share that one.
        self._cookies = self._http.cookies
        self._closed = False

    async def close(self) -> None:
        """Close open responses and WebSockets, the HTTP client, then the server."""
        try:
            for ws in self._websockets:
                await ws.close()
            for response in self._responses:
                await response.release()
        finally:
            self._websockets.clear()
            self._responses.clear()
            if self._http is not None:
                http, self._http = self._http, None
                await http.aclose()
            await self.server.close()
            self._closed = True

    async def __aenter__(self) -> Self:
        await self.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- what the test can look at -----------------------------------------------------

    @property
    def http(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient``."""
        if self._http is None:
            raise RuntimeError("the test client is not started; use 'async with' or start_server()")
        return self._http

    @property
    def app(self) -> Application | None:
        """The application under test (None for a raw server)."""
        return self.server.app if isinstance(self.server, TestServer) else None

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int | None:
        return self.server.port

    @property
    def scheme(self) -> str:
        return self.server.scheme

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def cookie_jar(self) -> CookieJar:
        """The cookies collected so far; they are sent back with later requests."""
        return CookieJar(self._http.cookies if self._http is not None else self._cookies)

    @property
    def session(self) -> ClientSession:
        return ClientSession(self)

    def make_url(self, path: str | URL) -> str:
        """The absolute URL of ``path`` on the test server (a ``str``; aiohttp's is a URL)."""
        return str(self.server.make_url(path))

    # -- requests -------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str | URL,
        *,
        params: Any = None,
        headers: Any = None,
        data: Any = None,
        json: Any = None,
        cookies: Any = None,
        allow_redirects: bool = True,
        **kwargs: Any,
    ) -> RequestContextManager[ClientResponse]:
        """Send a request; await it for the response, or ``async with`` it.

        ``data`` may be a mapping or pairs (a form), bytes or str (the raw body), a
        file object, or an (async) iterable of bytes (streamed, chunked).
        """
        return RequestContextManager(
            self._request(
                method,
                path,
                params=params,
                headers=headers,
                data=data,
                json=json,
                cookies=cookies,
                allow_redirects=allow_redirects,
                **kwargs,
            )
        )

    async def _request(
        self,
        method: str,
        path: str | URL,
        *,
        params: Any,
        headers: Any,
        data: Any,
        json: Any,
        cookies: Any,
        allow_redirects: bool,
        **kwargs: Any,
    ) -> ClientResponse:
        unknown = set(kwargs) - _BUILD_KEYS - _SEND_KEYS
        if unknown:
            raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
        build: dict[str, Any] = {k: v for k, v in kwargs.items() if k in _BUILD_KEYS}
        send: dict[str, Any] = {k: v for k, v in kwargs.items() if k in _SEND_KEYS}
        send.setdefault("follow_redirects", allow_redirects)
        if isinstance(headers, Mapping) and not isinstance(headers, dict):
            headers = list(headers.items())  # a CIMultiDict: keep repeated names
        if isinstance(params, Mapping) and not isinstance(params, dict):
            params = list(params.items())
        extra_headers = self._body(data, build, headers)
        if extra_headers:
            headers = [*_multi_items(headers or {}), *extra_headers]
        http = self.http
        request = http.build_request(
            method,
            str(path),
            params=params,
            headers=headers,
            json=json,
            cookies=dict(cookies.items()) if isinstance(cookies, Mapping) else cookies,
            **build,
        )
        response = ClientResponse(await http.send(request, stream=True, **send))
        self._responses = [r for r in self._responses if not r.closed]
        self._responses.append(response)
        return response

    @staticmethod
    def _body(data: Any, build: dict[str, Any], headers: Any) -> list[tuple[str, str]]:
        """Map aiohttp's ``data=`` onto httpx arguments; returns headers to add."""
        if data is None:
            return []
        if isinstance(data, bytes | bytearray | memoryview):
            build["content"] = bytes(data)
            ctype = "application/octet-stream"
        elif isinstance(data, str):
            build["content"] = data.encode("utf-8")
            ctype = "text/plain; charset=utf-8"
        elif isinstance(data, io.IOBase):
            raw = data.read()
            build["content"] = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
            ctype = "application/octet-stream"
        elif isinstance(data, Mapping) or (
            isinstance(data, list | tuple) and all(isinstance(i, tuple) for i in data)
        ):
            build["data"] = _form(data)
            return []
        elif isinstance(data, AsyncIterable | Iterable):
            build["content"] = data
            ctype = "application/octet-stream"
        else:
            raise TypeError(f"unsupported data= type: {type(data).__name__}")
        if _has_header(headers, "content-type"):
            return []
        return [("Content-Type", ctype)]

    def get(self, path: str | URL, **kwargs: Any) -> RequestContextManager[ClientResponse]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str | URL, **kwargs: Any) -> RequestContextManager[ClientResponse]:
        return self.request("POST", path, **kwargs)

    def put(self, path: str | URL, **kwargs: Any) -> RequestContextManager[ClientResponse]:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str | URL, **kwargs: Any) -> RequestContextManager[ClientResponse]:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str | URL, **kwargs: Any) -> RequestContextManager[ClientResponse]:
        return self.request("DELETE", path, **kwargs)

    def head(self, path: str | URL, **kwargs: Any) -> RequestContextManager[ClientResponse]:
        kwargs.setdefault("allow_redirects", False)  # as aiohttp
        return self.request("HEAD", path, **kwargs)

    def options(self, path: str | URL, **kwargs: Any) -> RequestContextManager[ClientResponse]:
        return self.request("OPTIONS", path, **kwargs)

    # -- WebSocket ------------------------------------------------------------------

    def ws_connect(
        self,
        path: str | URL,
        *,
        protocols: Iterable[str] = (),
        heartbeat: float | None = None,
        compress: int = 15,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        origin: str | None = None,
        timeout: float = 10.0,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        max_msg_size: int = 4 * 1024 * 1024,
    ) -> RequestContextManager[ClientWebSocket]:
        """Open a WebSocket to ``path``: await it, or ``async with`` it to close it on exit.

        Cookies from the jar are sent with the handshake. In in-process mode the
        handshake and the frames go through the in-memory connection instead of
        a socket, with the same client WebSocket on top.
        """
        return RequestContextManager(
            self._ws_connect(
                path,
                protocols=tuple(protocols),
                heartbeat=heartbeat,
                compress=compress,
                headers=headers,
                origin=origin,
                timeout=timeout,
                receive_timeout=receive_timeout,
                autoclose=autoclose,
                autoping=autoping,
                max_msg_size=max_msg_size,
            )
        )

    async def _ws_connect(
        self,
        path: str | URL,
        *,
        protocols: tuple[str, ...],
        heartbeat: float | None,
        compress: int,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
        origin: str | None,
        timeout: float,  # noqa: ASYNC109
        receive_timeout: float | None,
        autoclose: bool,
        autoping: bool,
        max_msg_size: int,
    ) -> ClientWebSocket:
        from aioloom.websocket import connect

        url = URL(self.make_url(path))
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or ())
        cookies = self.cookie_jar.filter_cookies(url)
        if cookies and not _has_header(pairs, "cookie"):
            pairs.append(("Cookie", "; ".join(f"{k}={m.coded_value}" for k, m in cookies.items())))
        options: dict[str, Any] = {
            "protocols": protocols,
            "compress": compress,
            "heartbeat": heartbeat,
            "max_msg_size": max_msg_size,
            "timeout": timeout,
            "receive_timeout": receive_timeout,
            "autoclose": autoclose,
            "autoping": autoping,
            "origin": origin,
            "headers": pairs,
        }
        if self.server.in_process:
            if self._in_process is None:
                raise RuntimeError("the test client is not started; use 'async with'")
            ws = await _ws_connect_in_process(self._in_process, url, **options)
        else:
            ws = await connect(
                str(url.with_scheme("wss" if url.scheme == "https" else "ws")), **options
            )
        self._websockets = [w for w in self._websockets if not w.closed]
        self._websockets.append(ws)
        return ws

    def __repr__(self) -> str:
        return f"<TestClient for {self.server!r}>"


async def _ws_connect_in_process(
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
    from aioloom.websocket import (
        ClientWebSocket,
        Connection,
        WebSocketProtocol,
        WSServerHandshakeError,
        client_handshake,
    )

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
