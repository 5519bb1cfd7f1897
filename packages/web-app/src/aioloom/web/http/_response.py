"""``Response``: a response whose whole body is known up front (text or bytes)."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any

from ._compression import EXECUTOR_THRESHOLD, compress_body
from ._response_fields import CONTENT_LENGTH as _CONTENT_LENGTH
from ._response_fields import CONTENT_TYPE as _CONTENT_TYPE
from ._response_head import PlainKey, plain_head, remember_plain_head
from ._stream_response import (
    _BODYLESS_STATUSES,
    _CONTENT_ENCODING,
    PreparingRequest,
    StreamResponse,
    _start_head,
)
from ._writer import StreamWriter

__all__ = ["Response"]

_TEXT_PLAIN_UTF8 = "text/plain; charset=utf-8"


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

    async def _start(self, request: PreparingRequest) -> StreamWriter:
        if not self._chunked:
            self._headers[_CONTENT_LENGTH] = str(len(self._body))
        return await super()._start(request)

    async def _apply_compression(self, request: PreparingRequest, writer: StreamWriter) -> None:
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

    def _send_now(self, request: PreparingRequest) -> bool:
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
