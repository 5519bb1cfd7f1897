"""TestClient: real HTTP over TCP to a test server, through httpx.

httpx is an independent client, so a bug in our parser cannot hide behind the
same bug in our client. The method signatures are aiohttp's (``data=``,
``allow_redirects=``...); httpx's own keyword arguments (``content=``,
``files=``, ``follow_redirects=``, ``timeout=``...) are accepted as well.
"""

from __future__ import annotations

from collections.abc import Coroutine, Generator, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

import httpx
from yarl import URL

from aioloom.web import Application

from ._client_body import has_header, multi_items, request_body
from ._client_ws import ws_connect_in_process
from ._cookies import CookieJar
from ._inprocess import InProcessTransport
from ._response import ClientResponse
from ._server import BaseTestServer, TestServer

if TYPE_CHECKING:
    from aioloom.websocket import ClientWebSocket

__all__ = ["TestClient", "RequestContextManager", "ClientSession"]

T = TypeVar("T")

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
        extra_headers = request_body(data, build, headers)
        if extra_headers:
            headers = [*multi_items(headers or {}), *extra_headers]
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
        if cookies and not has_header(pairs, "cookie"):
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
            ws = await ws_connect_in_process(self._in_process, url, **options)
        else:
            ws = await connect(
                str(url.with_scheme("wss" if url.scheme == "https" else "ws")), **options
            )
        self._websockets = [w for w in self._websockets if not w.closed]
        self._websockets.append(ws)
        return ws

    def __repr__(self) -> str:
        return f"<TestClient for {self.server!r}>"
