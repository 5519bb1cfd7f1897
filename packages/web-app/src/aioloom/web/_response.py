"""Responses: StreamResponse (streamed), Response (whole body), json_response."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, MutableMapping
from concurrent.futures import Executor
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any, TypeVar, overload

from multidict import CIMultiDict, istr

from ._compression import (
    EXECUTOR_THRESHOLD,
    add_vary,
    compress_body,
    make_compressor,
    negotiate,
)
from ._cookies import ResponseCookies, del_cookie, render_cookie, set_cookie
from ._headers import (
    ETag,
    etag_from_header,
    etag_header,
    format_http_date,
    parse_content_type,
    parse_http_date,
)
from ._json import dumps as default_dumps
from ._keys import ResponseKey
from ._response_head import (
    PlainKey,
    http_date_now,
    plain_head,
    remember_plain_head,
    response_head,
)
from ._typedefs import JSONEncoder
from ._writer import StreamWriter

if TYPE_CHECKING:
    from ._request import BaseRequest

__all__ = ["StreamResponse", "Response", "json_response", "ContentCoding"]

T = TypeVar("T")
SERVER_SOFTWARE = "aioloom"
# Answers that never carry a body: 1xx, 204 and 304.
_BODYLESS_STATUSES = frozenset({*range(100, 200), 204, 304})
_TEXT_PLAIN_UTF8 = "text/plain; charset=utf-8"
_CONTENT_TYPE = istr("Content-Type")
_CONTENT_LENGTH = istr("Content-Length")
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


class StreamResponse(MutableMapping[str | ResponseKey[Any], Any]):
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

    _cookies_dict: ResponseCookies | None = None
    _state_dict: dict[str | ResponseKey[Any], Any] | None = None
    _chunked = False
    _compression: str | None = None
    _compression_force: str | None = None
    _keep_alive: bool | None = None
    _request: BaseRequest | None = None
    _writer: StreamWriter | None = None
    _eof_sent = False
    _head_only = False
    _body_length = 0

    @property
    def _cookies(self) -> ResponseCookies:
        cookies = self._cookies_dict
        if cookies is None:
            cookies = self._cookies_dict = ResponseCookies()
        return cookies

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
        if "\r" in reason or "\n" in reason:
            raise ValueError("reason phrase must not contain CR or LF")
        self._reason = reason

    def _prepared_guard(self) -> bool:
        return self._writer is not None or self._eof_sent

    @property
    def headers(self) -> CIMultiDict[str]:
        return self._headers

    @property
    def cookies(self) -> SimpleCookie:
        return self._cookies

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        expires: str | None = None,
        domain: str | None = None,
        max_age: int | str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        version: str | None = None,
        samesite: str | None = None,
        partitioned: bool | None = None,
    ) -> None:
        set_cookie(
            self._cookies,
            name,
            value,
            expires=expires,
            domain=domain,
            max_age=max_age,
            path=path,
            secure=secure,
            httponly=httponly,
            version=version,
            samesite=samesite,
            partitioned=partitioned,
        )

    def del_cookie(
        self,
        name: str,
        *,
        domain: str | None = None,
        path: str = "/",
        secure: bool | None = None,
        httponly: bool | None = None,
        samesite: str | None = None,
    ) -> None:
        del_cookie(
            self._cookies,
            name,
            domain=domain,
            path=path,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
        )

    @property
    def content_length(self) -> int | None:
        value = self._headers.get(_CONTENT_LENGTH)
        return int(value) if value is not None else None

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        if value is None:
            self._headers.pop(_CONTENT_LENGTH, None)
            return
        if self._chunked:
            raise RuntimeError("content length cannot be set for a chunked response")
        self._headers[_CONTENT_LENGTH] = str(int(value))

    @property
    def content_type(self) -> str:
        return parse_content_type(self._headers.get(_CONTENT_TYPE))[0]

    @content_type.setter
    def content_type(self, value: str) -> None:
        charset = self.charset
        self._headers[_CONTENT_TYPE] = f"{value}; charset={charset}" if charset else str(value)

    @property
    def charset(self) -> str | None:
        return parse_content_type(self._headers.get(_CONTENT_TYPE))[1].get("charset")

    @charset.setter
    def charset(self, value: str | None) -> None:
        content_type = self.content_type
        if content_type == "application/octet-stream" and value is not None:
            raise RuntimeError("set content_type before charset (not application/octet-stream)")
        self._headers[_CONTENT_TYPE] = (
            f"{content_type}; charset={value.lower()}" if value else content_type
        )

    @property
    def last_modified(self) -> datetime.datetime | None:
        return parse_http_date(self._headers.get("Last-Modified"))

    @last_modified.setter
    def last_modified(self, value: int | float | datetime.datetime | str | None) -> None:
        if value is None:
            self._headers.pop("Last-Modified", None)
        elif isinstance(value, str):
            self._headers["Last-Modified"] = value
        else:
            self._headers["Last-Modified"] = format_http_date(value)

    @property
    def etag(self) -> ETag | None:
        return etag_from_header(self._headers.get("ETag"))

    @etag.setter
    def etag(self, value: ETag | str | None) -> None:
        if value is None:
            self._headers.pop("ETag", None)
        else:
            self._headers["ETag"] = etag_header(value)

    # -- framing ------------------------------------------------------------------

    @property
    def chunked(self) -> bool:
        return self._chunked

    def enable_chunked_encoding(self) -> None:
        if _CONTENT_LENGTH in self._headers:
            raise RuntimeError("a response with a content length cannot be chunked")
        self._chunked = True

    @property
    def compression(self) -> bool:
        return self._compression is not None

    def enable_compression(self, force: str | bool | None = None) -> None:
        """Compress the body; ``force`` picks a coding, else Accept-Encoding decides.

        Negotiation honours q-values among gzip, deflate, br and zstd (the last two
        when their libraries are installed) and adds ``Vary: Accept-Encoding``.
        """
        if isinstance(force, bool):  # aiohttp's old spelling: True means deflate
            force = ContentCoding.deflate if force else None
        if force is not None and force != ContentCoding.identity:
            make_compressor(force)  # ValueError now for a coding we cannot produce
        self._compression = force or "auto"
        self._compression_force = force

    @property
    def keep_alive(self) -> bool | None:
        return self._keep_alive

    def force_close(self) -> None:
        self._keep_alive = False

    @property
    def body_length(self) -> int:
        return self._body_length

    @property
    def prepared(self) -> bool:
        return self._eof_sent or self._writer is not None

    @property
    def task(self) -> Any:
        return None if self._request is None else self._request.task

    # -- sending --------------------------------------------------------------------

    def _check_owner(self, request: BaseRequest) -> None:
        """One request, one response: refuse a response started for another request."""
        mine = self._request
        if mine is not None and mine._as_received() is not request._as_received():
            raise RuntimeError(
                "this response was already sent for another request; "
                "create a new response object for every request"
            )

    def _send_now(self, request: BaseRequest) -> bool:
        """Send the whole response without awaiting, if possible; a stream cannot."""
        return False

    async def prepare(self, request: BaseRequest) -> StreamWriter | None:
        """Send the head (once); preparing again for the same request is a no-op."""
        self._check_owner(request)
        if self._eof_sent:
            return None
        if self._writer is not None:
            return self._writer
        return await self._start(request)

    async def _start(self, request: BaseRequest) -> StreamWriter:
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

    async def _apply_compression(self, request: BaseRequest, writer: StreamWriter) -> None:
        """A streamed body is compressed by the writer, chunk by chunk."""
        coding = self._content_coding(request)
        if coding is None:
            return
        self._headers[_CONTENT_ENCODING] = coding
        self._headers.pop(_CONTENT_LENGTH, None)
        if request.method == "HEAD":
            return  # the same headers as GET, but no compressed bytes at all
        writer.enable_compression(coding)
        if request.version >= (1, 1):
            self._chunked = True  # HTTP/1.0: the body ends when the connection closes

    def _content_coding(self, request: BaseRequest) -> str | None:
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

    def _serialize_head(self, request: BaseRequest, writer: StreamWriter | None) -> bytes:
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
        if _CONTENT_TYPE not in headers:
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


class Response(StreamResponse):
    """A response with its whole body known up front (text or bytes)."""

    # Whether _send_now may write this class's responses in one go: not for a
    # subclass that changes how a response is prepared or finished.
    _sends_whole = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if any(name in cls.__dict__ for name in ("prepare", "_start", "write_eof")):
            cls._sends_whole = False

    # Compression of the body: above this size it runs in ``_zlib_executor``.
    _zlib_executor_size: int | None = EXECUTOR_THRESHOLD
    _zlib_executor: Executor | None = None
    _compressed_body: bytes | None = None

    def __init__(
        self,
        *,
        body: bytes | bytearray | None = None,
        status: int = 200,
        reason: str | None = None,
        text: str | None = None,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
        charset: str | None = None,
        zlib_executor_size: int | None = None,
        zlib_executor: Executor | None = None,
    ) -> None:
        if body is not None and text is not None:
            raise ValueError("body and text are not allowed together")
        _start_head(self, status, reason, headers)  # (StreamResponse.__init__, without super())
        if zlib_executor_size is not None:
            self._zlib_executor_size = zlib_executor_size
        if zlib_executor is not None:
            self._zlib_executor = zlib_executor
        if content_type is not None or charset is not None:
            if headers and _CONTENT_TYPE in self._headers:
                raise ValueError(
                    "passing both Content-Type header and content_type or charset params "
                    "is forbidden"
                )
            if content_type is not None and "charset" in content_type.lower():
                raise ValueError("charset must not be in content_type argument")
        if text is not None:
            if not isinstance(text, str):
                raise TypeError(f"text argument must be str ({type(text).__name__!r})")
            charset = charset or "utf-8"
            if headers is None or _CONTENT_TYPE not in self._headers:
                self._headers[_CONTENT_TYPE] = (
                    _TEXT_PLAIN_UTF8
                    if content_type is None and charset == "utf-8"
                    else f"{content_type or 'text/plain'}; charset={charset}"
                )
            self._body = text.encode(charset)
            return
        self._body = b""
        if body is not None:
            if not isinstance(body, bytes | bytearray):
                raise TypeError(f"body must be bytes, not {type(body).__name__}")
            self._body = bytes(body)
        if content_type is not None:
            self._headers[_CONTENT_TYPE] = (
                f"{content_type}; charset={charset}" if charset else content_type
            )
        elif charset is not None:
            raise ValueError("charset needs content_type for a bytes body")

    @property
    def body(self) -> bytes:
        return self._body

    @body.setter
    def body(self, value: bytes | bytearray) -> None:
        if not isinstance(value, bytes | bytearray):
            raise TypeError(f"body must be bytes, not {type(value).__name__}")
        self._body = bytes(value)

    @property
    def text(self) -> str:
        return self._body.decode(self.charset or "utf-8")

    @text.setter
    def text(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"text argument must be str ({type(value).__name__!r})")
        if self.content_type == "application/octet-stream":
            self._headers[_CONTENT_TYPE] = _TEXT_PLAIN_UTF8
        self._body = value.encode(self.charset or "utf-8")

    async def _start(self, request: BaseRequest) -> StreamWriter:
        if not self._chunked:
            self._headers[_CONTENT_LENGTH] = str(len(self._body))
        return await super()._start(request)

    async def _apply_compression(self, request: BaseRequest, writer: StreamWriter) -> None:
        """The whole body is compressed up front (off the loop when large): Content-Length stays."""
        coding = self._content_coding(request)
        if coding is None:
            return
        self._compressed_body = await compress_body(
            coding,
            self._body,
            executor_threshold=self._zlib_executor_size,
            executor=self._zlib_executor,
        )
        self._headers[_CONTENT_ENCODING] = coding
        if not self._chunked:
            self._headers[_CONTENT_LENGTH] = str(len(self._compressed_body))

    def _send_now(self, request: BaseRequest) -> bool:
        """Head and body in one write, without awaiting, when nothing needs to wait.

        The server's fast path for a handler's ``Response``: no compression, no
        chunking, no ``on_response_prepare`` callbacks, not prepared yet and not
        a subclass that changes how it is sent. False means: use prepare() and
        write_eof().
        """
        if (
            not self._sends_whole
            or self._writer is not None
            or self._eof_sent
            or self._compression is not None
            or self._chunked
            or request._prepare_hooks
        ):
            return False
        self._request = request  # (the server checked it is not another request's)
        if self._keep_alive is None:
            self._keep_alive = not request._head.should_close
        self._head_only = request._head.method == "HEAD"
        body = self._body
        headers = self._headers
        content_type = headers.get(_CONTENT_TYPE) if len(headers) == 1 else None
        if content_type is None or self._cookies_dict or self._status in _BODYLESS_STATUSES:
            headers[_CONTENT_LENGTH] = str(len(body))
            data = self._serialize_head(request, None)
        else:
            # Only a Content-Type: the head depends on a few values, remembered.
            key: PlainKey = (
                self._status,
                self._reason,
                request._version,
                self._keep_alive,
                content_type,
                len(body),
            )
            remembered = plain_head(key)
            if remembered is None:
                headers[_CONTENT_LENGTH] = str(len(body))
                data = self._serialize_head(request, None)
                remember_plain_head(key, data, headers)
            else:
                data, added = remembered
                headers.extend(added)
        if body and not self._head_only and self._body_expected:
            data += body
        request._connection.write(data)
        self._body_length = len(data)
        self._eof_sent = True  # (the handler is done: no need to mark the request)
        return True

    async def write_eof(self, data: bytes = b"") -> None:
        if self._eof_sent:
            return
        body = self._body if self._compressed_body is None else self._compressed_body
        if data and self._compressed_body is not None:
            raise RuntimeError("cannot append raw data to a compressed Response body")
        await super().write_eof(body + data if data else body)


_SENTINEL: Any = object()


def json_response(
    data: Any = _SENTINEL,
    *,
    text: str | None = None,
    body: bytes | None = None,
    status: int = 200,
    reason: str | None = None,
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json",
    dumps: JSONEncoder = default_dumps,
) -> Response:
    if data is not _SENTINEL:
        if text or body:
            raise ValueError("only one of data, text, or body should be specified")
        text = dumps(data)
    return Response(
        text=text,
        body=body,
        status=status,
        reason=reason,
        headers=headers,
        content_type=content_type,
    )
