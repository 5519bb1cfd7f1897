"""``BaseRequest``: one HTTP request as a raw handler (``web.Server``) sees it.

The parsed head, connection facts, parsed header values, the body (the
``RequestBody`` half) and per-request storage. ``Request`` (application layer)
adds the app and the route.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from types import MappingProxyType
from typing import Any, TypeVar, overload

from multidict import CIMultiDict, CIMultiDictProxy, MultiDictProxy
from yarl import URL

from aioloom.http_parser import HTTP11, RequestHead

from ._cookie_header import parse_cookie_header
from ._forwarded import parse_forwarded
from ._headers import ETag, parse_etags, parse_http_date
from ._keys import RequestKey
from ._protocols import ConnectionInfo
from ._range import parse_range
from ._request_body import RequestBody
from ._stream_response import StreamResponse
from ._streams import StreamReader
from ._version import _VERSIONS, HttpVersion, HttpVersion11, _version
from ._writer import StreamWriter

__all__ = ["BaseRequest", "HttpVersion", "make_request_factory"]

T = TypeVar("T")


def _receive(
    request: BaseRequest,
    head: RequestHead,
    payload: StreamReader,
    connection: ConnectionInfo,
    client_max_size: int,
) -> None:
    """What every request needs; everything else is a class-level default until used."""
    request._head = head
    request._payload = payload
    request._connection = connection
    request._client_max_size = client_max_size
    version = head.version
    if version is HTTP11:  # the parser's constant: skip the lookup
        request._version = HttpVersion11
    else:
        key = (version.major, version.minor)
        request._version = _VERSIONS.get(key) or _version(*key)


R = TypeVar("R", bound="BaseRequest")


def make_request_factory(
    cls: type[R], *, client_max_size: int = 1024**2
) -> Callable[[RequestHead, StreamReader, ConnectionInfo], R]:
    """Makes the server's requests of ``cls`` without calling ``cls(...)``.

    Calling a class with keywords costs CPython 3.11 two conversions of the
    keywords (about 0.2 µs of a 20 µs request); the server's requests need only
    ``_receive``.
    """
    new = cls.__new__

    def make(head: RequestHead, payload: StreamReader, connection: ConnectionInfo) -> R:
        request = new(cls)
        _receive(request, head, payload, connection, client_max_size)
        return request

    return make


class BaseRequest(RequestBody, MutableMapping[str | RequestKey[Any], Any]):
    """One HTTP request: parsed head, streamed body, and per-request storage."""

    # set by _receive (every request has them)
    _head: RequestHead
    _payload: StreamReader
    _connection: ConnectionInfo
    _client_max_size: int
    _version: HttpVersion

    def __init__(
        self,
        head: RequestHead,
        payload: StreamReader,
        connection: ConnectionInfo,
        task: asyncio.Task[Any] | None = None,
        *,
        client_max_size: int = 1024**2,
        state: dict[str | RequestKey[Any], Any] | None = None,
        scheme: str | None = None,
        host: str | None = None,
        remote: str | None = None,
    ) -> None:
        _receive(self, head, payload, connection, client_max_size)
        self._task = task
        if state is not None:
            self._state_dict = state
        if scheme is not None:
            self._scheme = scheme
        if host is not None:
            self._host = host
        if remote is not None:
            self._remote = remote

    _task: asyncio.Task[Any] | None = None  # (the server sets it when the handler starts)

    # A clone's request as received (None on that request itself: a reference to
    # itself would make every request a cycle for the garbage collector). A
    # response prepared with a clone still belongs to that request, to no other.
    _origin: BaseRequest | None = None

    def _as_received(self) -> BaseRequest:
        """This request, or for a clone the request it was cloned from."""
        return self if self._origin is None else self._origin

    _scheme: str | None = None
    _host: str | None = None
    _remote: str | None = None
    # ``request.writer``, made on first use (on the request as received): the
    # response prepared for this request writes through the same one, as in aiohttp.
    _writer: StreamWriter | None = None
    # What ``request.protocol`` answers when it is not the connection itself (a
    # mocked request whose response bytes go to a separate writer).
    _protocol: Any = None
    # The response whose head was sent for this request (set on the origin): after
    # that, an error can no longer become a response of its own.
    _prepared_response: StreamResponse | None = None
    # Per-request storage, made on first use (most requests never store anything).
    _state_dict: dict[str | RequestKey[Any], Any] | None = None

    @property
    def _state(self) -> dict[str | RequestKey[Any], Any]:
        state = self._state_dict
        if state is None:
            state = self._state_dict = {}
        return state

    # Whether preparing a response must await ``on_response_prepare`` callbacks
    # (set by the app when it routes the request).
    _prepare_hooks = False
    _cache_dict: dict[str, Any] | None = None

    @property
    def _cache(self) -> dict[str, Any]:
        cache = self._cache_dict
        if cache is None:
            cache = self._cache_dict = {}
        return cache

    def clone(
        self,
        *,
        method: str | None = None,
        rel_url: str | URL | None = None,
        headers: Mapping[str, str] | None = None,
        scheme: str | None = None,
        host: str | None = None,
        remote: str | None = None,
        client_max_size: int | None = None,
    ) -> BaseRequest:
        """A copy with some parts replaced.

        The body stream (and a form already parsed, if any) is shared; the
        per-request storage is copied, as aiohttp does. A request whose body was
        read whole cannot be cloned (``RuntimeError``, as in aiohttp).
        """
        if self._read_bytes:  # aiohttp's rule: a body read whole is not carried over
            raise RuntimeError("Cannot clone request after reading its content")
        changes: dict[str, Any] = {}
        if method is not None:
            changes["method"] = method.upper()
        if rel_url is not None:
            url = URL(rel_url)  # absolute: its host and path win, as for an absolute-form target
            changes["url"] = url
            changes["target"] = str(url)
        else:
            changes["url"] = self._head.url  # (replace() would rebuild it from the target)
        if headers is not None:
            changes["headers"] = CIMultiDictProxy(CIMultiDict(headers))
        clone = self._clone_with(dataclasses.replace(self._head, **changes))
        clone._scheme = scheme if scheme is not None else self._scheme
        clone._host = host if host is not None else self._host
        clone._remote = remote if remote is not None else self._remote
        if client_max_size is not None:
            clone._client_max_size = client_max_size
        clone._read_bytes = self._read_bytes
        clone._post = self._post
        clone._protocol = self._protocol
        clone._origin = self._as_received()
        return clone

    def _clone_with(self, head: RequestHead) -> BaseRequest:
        return BaseRequest(
            head,
            self._payload,
            self._connection,
            self._task,
            client_max_size=self._client_max_size,
            state=self._state.copy(),
        )

    # -- the request line and headers -----------------------------------------------

    @property
    def method(self) -> str:
        return self._head.method

    @property
    def version(self) -> HttpVersion:
        return self._version

    @property
    def rel_url(self) -> URL:
        url = self._head.url
        if url.absolute:  # an absolute-form target (a request meant for a proxy)
            return self._relative_of(url)
        return url

    def _relative_of(self, url: URL) -> URL:
        cache = self._cache
        relative: URL | None = cache.get("rel_url")
        if relative is None:
            relative = cache["rel_url"] = url.relative()
        return relative

    @property
    def path(self) -> str:
        return self._head.url.path

    @property
    def raw_path(self) -> str:
        return (
            self._head.url.raw_path_qs if self._head.target.startswith("/") else self._head.target
        )

    @property
    def path_qs(self) -> str:
        return str(self.rel_url)

    @property
    def query(self) -> MultiDictProxy[str]:
        return self._head.url.query

    @property
    def query_string(self) -> str:
        return self._head.url.query_string

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return self._head.headers

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        return self._head.raw_headers

    @property
    def keep_alive(self) -> bool:
        return not self._head.should_close

    @property
    def message(self) -> RequestHead:
        return self._head

    # -- connection facts -----------------------------------------------------------

    @property
    def transport(self) -> asyncio.Transport | None:
        return self._connection.transport

    @property
    def protocol(self) -> ConnectionInfo:
        """The connection this request arrived on (the server's ``RequestHandler``)."""
        protocol: ConnectionInfo = self._connection if self._protocol is None else self._protocol
        return protocol

    @property
    def writer(self) -> StreamWriter:
        """Writes bytes to the connection as they are: e.g. a custom ``expect_handler``'s
        ``await request.writer.write(b"HTTP/1.1 100 Continue\\r\\n\\r\\n")``.

        The response prepared for this request writes through the same writer.
        """
        origin = self._as_received()
        writer = origin._writer
        if writer is None:
            writer = origin._writer = StreamWriter(origin._connection)
        return writer

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        transport = self._connection.transport
        return default if transport is None else transport.get_extra_info(name, default)

    def _extra(self, name: str) -> Any:
        """The transport's ``name`` or None (asked with the name only, as aiohttp asks)."""
        transport = self._connection.transport
        return None if transport is None else transport.get_extra_info(name)

    @property
    def task(self) -> asyncio.Task[Any] | None:
        return self._task

    @property
    def scheme(self) -> str:
        if self._scheme is not None:
            return self._scheme
        return "https" if self._extra("sslcontext") is not None else "http"

    @property
    def secure(self) -> bool:
        return self.scheme == "https"

    @property
    def host(self) -> str:
        """As aiohttp: a ``clone(host=)`` value, the host of an absolute-form target,
        the ``Host`` header, else the local socket's address (no port; ``[addr]`` for
        IPv6, the path for a Unix socket) or ``""``. Never taken from proxies."""
        if self._host is not None:
            return self._host
        url = self._head.url
        if url.absolute:
            return url.host or ""
        host = self._head.headers.get("Host")
        if host is not None:
            return host
        sockname = self._extra("sockname")
        if sockname is None:
            return ""
        if isinstance(sockname, tuple):
            # (host, port, flowinfo, scope_id): bracketed, as a URL authority needs it
            return f"[{sockname[0]}]" if len(sockname) == 4 else str(sockname[0])
        return str(sockname)

    @property
    def remote(self) -> str | None:
        if self._remote is not None:
            return self._remote
        peer = self._extra("peername")
        if isinstance(peer, list | tuple) and peer:
            return str(peer[0])
        return None if peer is None else str(peer)

    @property
    def url(self) -> URL:
        url = self._head.url
        if url.absolute:
            # The target names the host (RFC 9112 §3.2.2); the scheme is the connection's
            # (a peer cannot claim https); a clone's host replaces the target's.
            if url.scheme:
                url = url.with_scheme(self.scheme)
            if self._host is not None:
                url = url.with_host(self._host)
            return url
        return URL.build(scheme=self.scheme, authority=self.host).join(url)

    @property
    def forwarded(self) -> tuple[MappingProxyType[str, str], ...]:
        """Parsed ``Forwarded`` elements (RFC 7239); informational only."""
        if "forwarded" not in self._cache:
            self._cache["forwarded"] = parse_forwarded(self.headers.getall("Forwarded", []))
        result: tuple[MappingProxyType[str, str], ...] = self._cache["forwarded"]
        return result

    # -- parsed header values ------------------------------------------------------------

    @property
    def cookies(self) -> Mapping[str, str]:
        if "cookies" not in self._cache:
            parsed: dict[str, str] = {}
            for header in self.headers.getall("Cookie", []):
                parsed.update(parse_cookie_header(header))
            self._cache["cookies"] = MappingProxyType(parsed)
        cookies: Mapping[str, str] = self._cache["cookies"]
        return cookies

    @property
    def content_length(self) -> int | None:
        return self._head.content_length

    @property
    def if_modified_since(self) -> datetime.datetime | None:
        return parse_http_date(self.headers.get("If-Modified-Since"))

    @property
    def if_unmodified_since(self) -> datetime.datetime | None:
        return parse_http_date(self.headers.get("If-Unmodified-Since"))

    @property
    def if_range(self) -> datetime.datetime | None:
        return parse_http_date(self.headers.get("If-Range"))

    @property
    def if_match(self) -> tuple[ETag, ...] | None:
        return parse_etags(self.headers.get("If-Match"))

    @property
    def if_none_match(self) -> tuple[ETag, ...] | None:
        return parse_etags(self.headers.get("If-None-Match"))

    @property
    def http_range(self) -> slice:
        """The ``Range`` header as a slice; ``ValueError`` when malformed."""
        return parse_range(self.headers.get("Range"))

    # -- hooks the response calls ------------------------------------------------------------

    async def _prepare_hook(self, response: StreamResponse) -> None:
        return None

    def _send_continue(self) -> None:
        """The interim ``100 Continue`` answer to ``Expect: 100-continue``."""
        self._connection.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def _make_writer(self) -> StreamWriter:
        writer = self._as_received()._writer
        if writer is None:
            return StreamWriter(self._connection)
        # Bytes written before the response (an interim 100 Continue) are not its body.
        writer.buffer_size = writer.output_size = 0
        return writer

    # -- storage ----------------------------------------------------------------------------

    @overload
    def __getitem__(self, key: RequestKey[T]) -> T: ...
    @overload
    def __getitem__(self, key: str) -> Any: ...
    def __getitem__(self, key: str | RequestKey[Any]) -> Any:
        return self._state[key]

    @overload  # type: ignore[override]
    def get(self, key: RequestKey[T], default: None = ...) -> T | None: ...
    @overload
    def get(self, key: RequestKey[T], default: T) -> T: ...
    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...
    def get(self, key: str | RequestKey[Any], default: Any = None) -> Any:
        return self._state.get(key, default)

    def __setitem__(self, key: str | RequestKey[Any], value: Any) -> None:
        self._state[key] = value

    def __delitem__(self, key: str | RequestKey[Any]) -> None:
        del self._state[key]

    def __iter__(self) -> Iterator[str | RequestKey[Any]]:
        return iter(self._state)

    def __len__(self) -> int:
        return len(self._state)

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.method} {self.path} >"
