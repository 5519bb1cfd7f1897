"""Responses: StreamResponse (streamed), Response (whole body), json_response."""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Iterator, Mapping, MutableMapping
from http import HTTPStatus
from http.cookies import Morsel
from typing import TYPE_CHECKING, Any, TypeVar, overload

from multidict import CIMultiDict, istr

from aioloom.http_parser import serialize_response_head

from ._cookies import expired_morsel, make_morsel, render_cookie
from ._headers import ETag, format_http_date, parse_content_type, parse_http_date
from ._keys import ResponseKey
from ._typedefs import JSONEncoder
from ._writer import StreamWriter

if TYPE_CHECKING:
    from ._request import BaseRequest

__all__ = ["StreamResponse", "Response", "json_response", "ContentCoding"]

T = TypeVar("T")
SERVER_SOFTWARE = "aioloom"
_NO_BODY_STATUSES = frozenset({204, 304})
_CONTENT_TYPE = istr("Content-Type")
_CONTENT_LENGTH = istr("Content-Length")
_TRANSFER_ENCODING = istr("Transfer-Encoding")
_date_cache: tuple[int, str] = (0, "")


class ContentCoding:
    """Content codings a response can be compressed with."""

    deflate = "deflate"
    gzip = "gzip"
    identity = "identity"


def _http_date_now() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, format_http_date(now))
    return _date_cache[1]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class StreamResponse(MutableMapping[str | ResponseKey[Any], Any]):
    """A response whose body the handler writes piece by piece after ``prepare``.

    It is a state machine: created, then prepared (head decided), then finished
    by ``write_eof``. A response belongs to one request: sending it to another
    raises ``RuntimeError``.
    """

    _body_expected = True

    def __init__(
        self,
        *,
        status: int = 200,
        reason: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._headers: CIMultiDict[str] = CIMultiDict(headers) if headers else CIMultiDict()
        self._cookies: dict[str, Morsel[str]] = {}
        self._state: dict[str | ResponseKey[Any], Any] = {}
        self._chunked = False
        self._compression: str | None = None
        self._compression_force: str | None = None
        self._keep_alive: bool | None = None
        self._request: BaseRequest | None = None
        self._writer: StreamWriter | None = None
        self._eof_sent = False
        self._head_only = False
        self._body_length = 0
        self.set_status(status, reason)

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
        self._reason = reason if reason is not None else _reason(self._status)
        if "\r" in self._reason or "\n" in self._reason:
            raise ValueError("reason phrase must not contain CR or LF")

    def _prepared_guard(self) -> bool:
        return getattr(self, "_writer", None) is not None

    @property
    def headers(self) -> CIMultiDict[str]:
        return self._headers

    @property
    def cookies(self) -> Mapping[str, Morsel[str]]:
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
        samesite: str | None = None,
        partitioned: bool | None = None,
    ) -> None:
        self._cookies[name] = make_morsel(
            name,
            value,
            expires=expires,
            domain=domain,
            max_age=max_age,
            path=path,
            secure=secure,
            httponly=httponly,
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
        self._cookies[name] = expired_morsel(
            name, domain=domain, path=path, secure=secure, httponly=httponly, samesite=samesite
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
        value = self._headers.get("ETag")
        if value is None:
            return None
        weak = value.startswith("W/")
        return ETag(value[3 if weak else 1 : -1], weak)

    @etag.setter
    def etag(self, value: ETag | str | None) -> None:
        if value is None:
            self._headers.pop("ETag", None)
        elif isinstance(value, str):
            if value == "*":
                self._headers["ETag"] = "*"
            else:
                self._check_etag(value)
                self._headers["ETag"] = f'"{value}"'
        else:
            self._check_etag(value.value)
            self._headers["ETag"] = f'{"W/" if value.is_weak else ""}"{value.value}"'

    @staticmethod
    def _check_etag(value: str) -> None:
        if any(c == '"' or ord(c) < 0x21 or ord(c) == 0x7F for c in value):
            raise ValueError(f"ETag value {value!r} has characters that are not allowed")

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

    def enable_compression(self, force: str | None = None) -> None:
        """Compress the body; ``force`` picks a coding, else Accept-Encoding decides."""
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

    async def prepare(self, request: BaseRequest) -> StreamWriter | None:
        if self._request is not None and self._request is not request:
            raise RuntimeError(
                "this response was already sent for another request; "
                "create a new response object for every request"
            )
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
        self._apply_compression(request, writer)
        writer.set_head(self._serialize_head(request, writer))
        self._writer = writer
        return writer

    def _apply_compression(self, request: BaseRequest, writer: StreamWriter) -> None:
        if self._compression is None:
            return
        coding = self._compression_force
        if coding is None:
            accepted = request.headers.get("Accept-Encoding", "").lower()
            coding = next((c for c in ("gzip", "deflate") if c in accepted), None)
        if coding in (None, "identity"):
            return
        if coding not in ("gzip", "deflate"):
            raise ValueError(f"unsupported content coding {coding!r}")
        self._headers["Content-Encoding"] = coding
        self._headers.add("Vary", "Accept-Encoding")
        self._headers.pop(_CONTENT_LENGTH, None)
        writer.enable_compression(coding)
        self._chunked = True

    def _serialize_head(self, request: BaseRequest, writer: StreamWriter) -> bytes:
        headers = self._headers
        version = request.version
        for morsel in self._cookies.values():
            headers.add("Set-Cookie", render_cookie(morsel))
        status = self._status
        no_body = status in _NO_BODY_STATUSES or 100 <= status < 200
        if no_body:
            headers.pop(_CONTENT_LENGTH, None)
            headers.pop(_TRANSFER_ENCODING, None)
        elif self._chunked:
            if version < (1, 1):
                raise RuntimeError(f"chunked encoding needs HTTP/1.1, the request is {version}")
            writer.enable_chunking()
            headers[_TRANSFER_ENCODING] = "chunked"
            headers.pop(_CONTENT_LENGTH, None)
        elif _CONTENT_LENGTH not in headers:
            if version >= (1, 1) and not self._head_only:
                writer.enable_chunking()
                headers[_TRANSFER_ENCODING] = "chunked"
            elif not self._head_only:
                self._keep_alive = False  # HTTP/1.0: the body ends when we close
        headers.setdefault(_CONTENT_TYPE, "application/octet-stream")
        headers.setdefault("Date", _http_date_now())
        headers.setdefault("Server", SERVER_SOFTWARE)
        if self._keep_alive:
            if version == (1, 0):
                headers["Connection"] = "keep-alive"
        elif version >= (1, 1):
            headers["Connection"] = "close"
        return serialize_response_head(
            status, self._reason, headers.items(), f"{version[0]}.{version[1]}"
        )

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
        if self._request is not None:
            self._request._response_finished(self)

    # -- per-response storage ----------------------------------------------------------

    @overload
    def __getitem__(self, key: ResponseKey[T]) -> T: ...
    @overload
    def __getitem__(self, key: str) -> Any: ...
    def __getitem__(self, key: str | ResponseKey[Any]) -> Any:
        return self._state[key]

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
    ) -> None:
        if body is not None and text is not None:
            raise ValueError("body and text are not allowed together")
        super().__init__(status=status, reason=reason, headers=headers)
        if headers is not None and _CONTENT_TYPE in self._headers and (content_type or charset):
            raise ValueError(
                "passing both Content-Type header and content_type or charset params is forbidden"
            )
        self._body = b""
        if text is not None:
            if not isinstance(text, str):
                raise TypeError(f"text argument must be str ({type(text).__name__!r})")
            charset = charset or "utf-8"
            if _CONTENT_TYPE not in self._headers:
                self._headers[_CONTENT_TYPE] = f"{content_type or 'text/plain'}; charset={charset}"
            self._body = text.encode(charset)
        else:
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
            self._headers[_CONTENT_TYPE] = "text/plain; charset=utf-8"
        self._body = value.encode(self.charset or "utf-8")

    async def _start(self, request: BaseRequest) -> StreamWriter:
        if not self._chunked and self._compression is None:
            self._headers[_CONTENT_LENGTH] = str(len(self._body))
        return await super()._start(request)

    async def write_eof(self, data: bytes = b"") -> None:
        if self._eof_sent:
            return
        await super().write_eof(self._body + data if data else self._body)


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
    dumps: JSONEncoder = json.dumps,
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
