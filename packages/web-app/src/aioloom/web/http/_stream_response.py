"""``StreamResponse``: the response state machine and the head it sends.

Created, then prepared (the head decided and written), then finished by
``write_eof``. What it needs from the request it answers is ``PreparingRequest``
(``BaseRequest`` sits above this module: its ``read()`` raises HTTP exceptions,
which are responses).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, MutableMapping
from http import HTTPStatus
from typing import Any, Protocol, TypeVar, overload

from multidict import CIMultiDict, CIMultiDictProxy, istr

from aioloom.http_parser import RequestHead

from ._compression import add_vary, make_compressor, negotiate
from ._cookies import render_cookie
from ._keys import ResponseKey
from ._response_fields import CONTENT_LENGTH as _CONTENT_LENGTH
from ._response_fields import CONTENT_TYPE as _CONTENT_TYPE
from ._response_fields import ResponseFields
from ._response_head import http_date_now, response_head
from ._version import HttpVersion
from ._writer import StreamWriter, WriteTarget

__all__ = ["StreamResponse", "PreparingRequest", "ContentCoding"]

T = TypeVar("T")
SERVER_SOFTWARE = "aioloom"
# Answers that never carry a body: 1xx, 204 and 304.
_BODYLESS_STATUSES = frozenset({*range(100, 200), 204, 304})
_TRANSFER_ENCODING = istr("Transfer-Encoding")
_DATE = istr("Date")
_SERVER = istr("Server")
_CONNECTION = istr("Connection")
_CONTENT_ENCODING = istr("Content-Encoding")


class ContentCoding:
    """Content codings a response can be compressed with."""

    deflate = "deflate"
    gzip = "gzip"
    identity = "identity"
    br = "br"  # needs brotli
    zstd = "zstd"  # needs zstandard (or Python 3.14)


_REASONS = {status.value: status.phrase for status in HTTPStatus}


def _reason(status: int) -> str:
    return _REASONS.get(status, "")


def _start_head(
    response: StreamResponse, status: int, reason: str | None, headers: Mapping[str, str] | None
) -> None:
    """A response per request: only the headers and status are set here; the rest
    are class-level defaults until first changed."""
    response._headers = CIMultiDict(headers) if headers else CIMultiDict()
    if reason is None:
        response._status = status = int(status)
        response._reason = _REASONS.get(status, "")
    else:
        response.set_status(status, reason)


class PreparingRequest(Protocol):
    """What a response needs from the request it answers (``BaseRequest`` has it all)."""

    @property
    def method(self) -> str: ...
    @property
    def version(self) -> HttpVersion: ...
    @property
    def headers(self) -> CIMultiDictProxy[str]: ...
    @property
    def keep_alive(self) -> bool: ...
    @property
    def task(self) -> Any: ...
    @property
    def transport(self) -> Any: ...
    # the server's fast path reads these directly
    @property
    def _head(self) -> RequestHead: ...
    @property
    def _version(self) -> HttpVersion: ...
    @property
    def _connection(self) -> WriteTarget: ...
    @property
    def _prepare_hooks(self) -> bool: ...

    _prepared_response: StreamResponse | None

    def _as_received(self) -> PreparingRequest: ...
    async def _prepare_hook(self, response: StreamResponse) -> None: ...
    def _make_writer(self) -> StreamWriter: ...


class StreamResponse(ResponseFields, MutableMapping[str | ResponseKey[Any], Any]):
    """A response whose body the handler writes piece by piece after ``prepare``.

    It is a state machine: created, then prepared (head decided), then finished
    by ``write_eof``. A response belongs to one request: sending it to another
    raises ``RuntimeError``.
    """

    _body_expected = True
    _headers: CIMultiDict[str]
    _status: int
    _reason: str

    def __init__(
        self,
        *,
        status: int = 200,
        reason: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        _start_head(self, status, reason, headers)

    _state_dict: dict[str | ResponseKey[Any], Any] | None = None
    _compression: str | None = None
    _compression_force: str | None = None
    _compression_strategy: int | None = None
    _keep_alive: bool | None = None
    _request: PreparingRequest | None = None
    _writer: StreamWriter | None = None
    _eof_sent = False
    _head_only = False
    _body_length = 0

    @property
    def _state(self) -> dict[str | ResponseKey[Any], Any]:
        state = self._state_dict
        if state is None:
            state = self._state_dict = {}
        return state

    # -- status, headers, cookies ------------------------------------------------

    @property
    def status(self) -> int:
        return self._status

    @property
    def reason(self) -> str:
        return self._reason

    def set_status(self, status: int, reason: str | None = None) -> None:
        if self._prepared_guard():
            raise RuntimeError("cannot change the status after the headers were sent")
        self._status = int(status)
        if reason is None:
            self._reason = _REASONS.get(self._status, "")
            return
        reason = str(reason)  # a dict of field errors, say, is sent as str() (as aiohttp)
        if "\r" in reason or "\n" in reason:
            raise ValueError("reason phrase must not contain CR or LF")
        self._reason = reason

    def _prepared_guard(self) -> bool:
        return self._writer is not None or self._eof_sent

    @property
    def headers(self) -> CIMultiDict[str]:
        return self._headers

    # -- framing ------------------------------------------------------------------

    @property
    def chunked(self) -> bool:
        return self._chunked

    def enable_chunked_encoding(self, chunk_size: int | None = None) -> None:
        """Send the body chunked. ``chunk_size`` is accepted, as by aiohttp, and ignored."""
        if _CONTENT_LENGTH in self._headers:
            raise RuntimeError("a response with a content length cannot be chunked")
        if chunk_size is not None:
            warnings.warn("Chunk size is deprecated #1615", DeprecationWarning, stacklevel=2)
        self._chunked = True

    @property
    def compression(self) -> bool:
        return self._compression is not None

    def enable_compression(
        self, force: str | bool | None = None, strategy: int | None = None
    ) -> None:
        """Compress the body; ``force`` picks a coding, else Accept-Encoding decides.

        Negotiation honours q-values among gzip, deflate, br and zstd (the last two
        when their libraries are installed) and adds ``Vary: Accept-Encoding``.
        ``strategy`` is zlib's (``zlib.Z_FILTERED``...), for gzip and deflate.
        """
        if isinstance(force, bool):  # aiohttp's old spelling: True deflate, False identity
            warnings.warn(
                "Using boolean for force is deprecated #3318", DeprecationWarning, stacklevel=2
            )
            force = ContentCoding.deflate if force else ContentCoding.identity
        if force is not None and force != ContentCoding.identity:
            make_compressor(force, strategy)  # ValueError now for what we cannot produce
        self._compression = force or "auto"
        self._compression_force = force
        self._compression_strategy = strategy

    @property
    def keep_alive(self) -> bool | None:
        return self._keep_alive

    def force_close(self) -> None:
        self._keep_alive = False

    @property
    def body_length(self) -> int:
        return self._body_length

    @property
    def output_length(self) -> int:
        """Body bytes handed to the writer so far (before compression and chunking).

        Deprecated in aiohttp, as here; ``body_length`` counts what was sent. Like
        aiohttp's, it needs a writer: a response sent whole in one write has none.
        """
        warnings.warn("output_length is deprecated", DeprecationWarning, stacklevel=2)
        if self._writer is None:
            raise RuntimeError("output_length needs a prepared response with a writer")
        return self._writer.buffer_size

    @property
    def prepared(self) -> bool:
        return self._eof_sent or self._writer is not None

    @property
    def task(self) -> Any:
        return None if self._request is None else self._request.task

    # -- sending --------------------------------------------------------------------

    def _check_owner(self, request: PreparingRequest) -> None:
        """One request, one response: refuse a response started for another request."""
        mine = self._request
        if mine is not None and mine._as_received() is not request._as_received():
            raise RuntimeError(
                "this response was already sent for another request; "
                "create a new response object for every request"
            )

    def _send_now(self, request: PreparingRequest) -> bool:
        """Send the whole response without awaiting, if possible; a stream cannot."""
        return False

    async def prepare(self, request: PreparingRequest) -> StreamWriter | None:
        """Send the head (once); preparing again for the same request is a no-op."""
        self._check_owner(request)
        if self._eof_sent:
            return None
        if self._writer is not None:
            return self._writer
        return await self._start(request)

    async def _start(self, request: PreparingRequest) -> StreamWriter:
        self._request = request
        if self._keep_alive is None:
            self._keep_alive = request.keep_alive
        await request._prepare_hook(self)
        writer = request._make_writer()
        self._head_only = request.method == "HEAD"
        if self._compression is not None:
            await self._apply_compression(request, writer)
        writer.set_head(self._serialize_head(request, writer))
        self._writer = writer
        request._as_received()._prepared_response = self
        return writer

    async def _apply_compression(self, request: PreparingRequest, writer: StreamWriter) -> None:
        """A streamed body is compressed by the writer, chunk by chunk."""
        coding = self._content_coding(request)
        if coding is None:
            return
        self._headers[_CONTENT_ENCODING] = coding
        self._headers.pop(_CONTENT_LENGTH, None)
        if request.method == "HEAD":
            return  # the same headers as GET, but no compressed bytes at all
        writer.enable_compression(coding, self._compression_strategy)
        if request.version >= (1, 1):
            self._chunked = True  # HTTP/1.0: the body ends when the connection closes

    def _content_coding(self, request: PreparingRequest) -> str | None:
        """The coding to compress with, None for identity; negotiating adds ``Vary``."""
        status = self._status
        if (
            self._compression is None
            or status in _BODYLESS_STATUSES
            or _CONTENT_ENCODING in self._headers  # already encoded, e.g. a .gz file
            or "Content-Range" in self._headers  # a range of the identity bytes
        ):
            return None
        force = self._compression_force
        if force is not None:
            return None if force == ContentCoding.identity else force
        add_vary(self._headers, "Accept-Encoding")
        return negotiate(request.headers.get("Accept-Encoding"))

    def _serialize_head(self, request: PreparingRequest, writer: StreamWriter | None) -> bytes:
        """Complete the headers (framing, Date, Server, Connection) and serialize them.

        ``writer`` is None only when Content-Length is set and nothing is chunked.
        """
        headers = self._headers
        version = request._version
        if self._cookies_dict:
            for morsel in self._cookies_dict.values():
                headers.add("Set-Cookie", render_cookie(morsel))
        status = self._status
        if status in _BODYLESS_STATUSES:
            headers.pop(_CONTENT_LENGTH, None)
            headers.pop(_TRANSFER_ENCODING, None)
            self._head_only = True  # 1xx, 204 and 304 answers never carry a body
        elif self._chunked:
            if version < (1, 1):
                raise RuntimeError(f"chunked encoding needs HTTP/1.1, the request is {version}")
            if not self._head_only and writer is not None:  # HEAD: no body, no last chunk
                writer.enable_chunking()
            headers[_TRANSFER_ENCODING] = "chunked"
            headers.pop(_CONTENT_LENGTH, None)
        elif _CONTENT_LENGTH not in headers:
            if version >= (1, 1) and not self._head_only and writer is not None:
                writer.enable_chunking()
                headers[_TRANSFER_ENCODING] = "chunked"
            elif not self._head_only:
                self._keep_alive = False  # HTTP/1.0: the body ends when we close
        if (
            _CONTENT_TYPE not in headers
            and status not in _BODYLESS_STATUSES
            and self.content_length != 0
        ):
            # Only a body has a type: a bodiless status or an empty body gets none.
            headers[_CONTENT_TYPE] = "application/octet-stream"
        if _DATE not in headers:
            headers[_DATE] = http_date_now()
        if _SERVER not in headers:
            headers[_SERVER] = SERVER_SOFTWARE
        if self._keep_alive:
            if version == (1, 0):
                headers[_CONNECTION] = "keep-alive"
        elif version >= (1, 1):
            headers[_CONNECTION] = "close"
        return response_head(status, self._reason, version, headers)

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._eof_sent:
            raise RuntimeError("cannot call write() after write_eof()")
        if self._writer is None:
            raise RuntimeError("cannot call write() before prepare()")
        if not self._head_only and self._body_expected:
            await self._writer.write(bytes(data))

    async def drain(self) -> None:
        if self._writer is None:
            raise RuntimeError("response has not been started")
        await self._writer.drain()

    async def write_eof(self, data: bytes = b"") -> None:
        if self._eof_sent:
            return
        if self._writer is None:
            raise RuntimeError("response has not been started")
        if self._head_only or not self._body_expected:
            data = b""
        await self._writer.write_eof(data)
        self._body_length = self._writer.output_size
        self._eof_sent = True

    # -- per-response storage ----------------------------------------------------------

    @overload
    def __getitem__(self, key: ResponseKey[T]) -> T: ...
    @overload
    def __getitem__(self, key: str) -> Any: ...
    def __getitem__(self, key: str | ResponseKey[Any]) -> Any:
        return self._state[key]

    @overload  # type: ignore[override]
    def get(self, key: ResponseKey[T], default: None = ...) -> T | None: ...
    @overload
    def get(self, key: ResponseKey[T], default: T) -> T: ...
    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...
    def get(self, key: str | ResponseKey[Any], default: Any = None) -> Any:
        return self._state.get(key, default)

    def __setitem__(self, key: str | ResponseKey[Any], value: Any) -> None:
        self._state[key] = value

    def __delitem__(self, key: str | ResponseKey[Any]) -> None:
        del self._state[key]

    def __iter__(self) -> Iterator[str | ResponseKey[Any]]:
        return iter(self._state)

    def __len__(self) -> int:
        return len(self._state)

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        state = "eof" if self._eof_sent else "prepared" if self._writer else "not prepared"
        return f"<{type(self).__name__} {self._status} {self._reason} {state}>"
