"""``Response``: a response whose body is given whole (bytes, text) or as a payload.

Bytes and text are kept as bytes and sent with the head in one write (the
server's fast path, ``_send_now``). Any other body (a file object, an async
iterable, a multipart part...) becomes a ``Payload`` (``_payload``), written
after the head by ``write_eof``: with a Content-Length when its size is known,
else chunked.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any

from ._compression import EXECUTOR_THRESHOLD, compress_body
from ._payload import OCTET_STREAM, Payload
from ._payload_lookup import get_payload
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
    """A response with its whole body given up front: bytes, text, or a payload."""

    # Whether _send_now may write this class's responses in one go: not for a
    # subclass that changes how a response is prepared or finished (nor, set on
    # the instance, for a payload body).
    _sends_whole = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if any(name in cls.__dict__ for name in ("prepare", "_start", "write_eof")):
            cls._sends_whole = False

    # Compression of the body: above this size it runs in ``_zlib_executor``.
    _zlib_executor_size: int | None = EXECUTOR_THRESHOLD
    _zlib_executor: Executor | None = None
    _compressed_body: bytes | None = None
    _body: bytes | None = None
    _payload: Payload | None = None

    def __init__(
        self,
        *,
        body: Any = None,
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
            if headers is not None and _CONTENT_TYPE in self._headers:
                self.text = text  # in the header's charset (utf-8 added when it has none)
                return
            charset = charset or "utf-8"
            self._headers[_CONTENT_TYPE] = (
                _TEXT_PLAIN_UTF8
                if content_type is None and charset == "utf-8"
                else f"{content_type or 'text/plain'}; charset={charset}"
            )
            self._body = text.encode(charset)
            return
        if content_type is not None:
            self._headers[_CONTENT_TYPE] = (
                f"{content_type}; charset={charset}" if charset else content_type
            )
        if body is not None:
            self._set_body(body, charset)

    # -- the body ---------------------------------------------------------------------

    @property
    def body(self) -> bytes | Payload | None:
        """The body: bytes (text is kept encoded), a ``Payload``, or None for none."""
        payload = self._payload
        return self._body if payload is None else payload

    @body.setter
    def body(self, value: Any) -> None:
        self._set_body(value, None)

    def _set_body(self, value: Any, charset: str | None) -> None:
        """Keep bytes (and text, encoded) as they are; make anything else a payload.

        Text is encoded with ``charset``, else the charset the Content-Type
        declares, else UTF-8 (then the Content-Type, if missing, says so).
        """
        self._compressed_body = None
        if value is None or isinstance(value, bytes | bytearray | memoryview | str):
            if isinstance(value, str):
                declared = self._headers.get(_CONTENT_TYPE)
                charset = charset or (self.charset if declared else None) or "utf-8"
                if declared is None:
                    self._headers[_CONTENT_TYPE] = f"text/plain; charset={charset}"
                value = value.encode(charset)
            self._body = value if value is None or type(value) is bytes else bytes(value)
            if self._payload is not None:
                self._payload = None
                del self._sends_whole  # (back to the class's answer)
            return
        payload = get_payload(value, encoding=charset or self.charset)
        self._body = None
        self._payload = payload
        self._sends_whole = False  # written after the head, by write_eof
        headers = self._headers
        if _CONTENT_TYPE not in headers:
            headers[_CONTENT_TYPE] = payload.content_type
        for name, field in payload.headers.items():
            if name not in headers:
                headers[name] = field

    @property
    def text(self) -> str | None:
        """The body decoded with the charset (UTF-8 if none); None without a body.

        For a payload this reads it (a file: blocking) or raises TypeError (a stream).
        """
        payload = self._payload
        if payload is not None:
            return payload.decode(self.charset or "utf-8")
        body = self._body
        return None if body is None else body.decode(self.charset or "utf-8")

    @text.setter
    def text(self, value: str) -> None:
        """Encode with the Content-Type's charset; without one, say (and use) UTF-8."""
        if not isinstance(value, str):
            raise TypeError(f"text argument must be str ({type(value).__name__!r})")
        declared = self._headers.get(_CONTENT_TYPE)
        if declared is None or declared == OCTET_STREAM:
            self._headers[_CONTENT_TYPE] = _TEXT_PLAIN_UTF8
            charset = "utf-8"
        else:
            if self.content_type == OCTET_STREAM:
                self.content_type = "text/plain"
            charset = self.charset or ""
            if not charset:
                self.charset = charset = "utf-8"
        self._set_body(value.encode(charset), None)

    @property
    def content_length(self) -> int | None:
        """The Content-Length the response will have, as far as known before sending.

        None when chunked or when a payload's size is only known when it is sent.
        """
        if self._chunked:
            return None
        declared = self._headers.get(_CONTENT_LENGTH)
        if declared is not None:
            return int(declared)
        if self._compressed_body is not None:
            return len(self._compressed_body)
        if self._payload is not None:
            return None
        body = self._body
        return 0 if body is None else len(body)

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        raise RuntimeError("Content length is set automatically")

    # -- sending ----------------------------------------------------------------------

    def _set_length(self, head_only: bool) -> None:
        """Content-Length: the body's. A HEAD answer keeps a length the handler set
        (the GET's) and, with an empty body, has none (the GET's is unknown)."""
        headers = self._headers
        body = self._body
        if not head_only:
            headers[_CONTENT_LENGTH] = str(len(body)) if body else "0"
        elif body and _CONTENT_LENGTH not in headers:
            headers[_CONTENT_LENGTH] = str(len(body))

    async def _start(self, request: PreparingRequest) -> StreamWriter:
        if not self._chunked:
            payload = self._payload
            if payload is None:
                self._set_length(request.method == "HEAD")
            elif _CONTENT_LENGTH not in self._headers and (size := payload.size) is not None:
                self._headers[_CONTENT_LENGTH] = str(size)
        return await super()._start(request)

    async def _apply_compression(self, request: PreparingRequest, writer: StreamWriter) -> None:
        """The whole body is compressed up front (off the loop when large): Content-Length
        stays. A payload is compressed as it is written, chunk by chunk."""
        if self._payload is not None:
            await super()._apply_compression(request, writer)
            return
        coding = self._content_coding(request)
        if coding is None:
            return
        self._compressed_body = await compress_body(
            coding,
            self._body or b"",
            executor_threshold=self._zlib_executor_size,
            executor=self._zlib_executor,
            strategy=self._compression_strategy,
        )
        self._headers[_CONTENT_ENCODING] = coding
        if not self._chunked:
            self._headers[_CONTENT_LENGTH] = str(len(self._compressed_body))

    def _send_now(self, request: PreparingRequest) -> bool:
        """Head and body in one write, without awaiting, when nothing needs to wait.

        The server's fast path for a handler's ``Response``: no compression, no
        chunking, no payload, no ``on_response_prepare`` callbacks, not prepared
        yet and not a subclass that changes how it is sent. False means: use
        prepare() and write_eof().
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
        head_only = self._head_only = request._head.method == "HEAD"
        body = self._body or b""
        headers = self._headers
        content_type = headers.get(_CONTENT_TYPE) if len(headers) == 1 else None
        if (
            content_type is None
            or self._cookies_dict
            or self._status in _BODYLESS_STATUSES
            or (head_only and not body)  # (no Content-Length: not the GET's head)
        ):
            self._set_length(head_only)
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
        payload = self._payload
        if payload is not None:
            await self._write_payload(payload, data)
            return
        body = self._body if self._compressed_body is None else self._compressed_body
        if data and self._compressed_body is not None:
            raise RuntimeError("cannot append raw data to a compressed Response body")
        body = body or b""
        await super().write_eof(body + data if data else body)

    async def _write_payload(self, payload: Payload, data: bytes) -> None:
        """Write the payload (not for HEAD or a bodiless status), close it in any case."""
        writer = self._writer
        if writer is None:
            raise RuntimeError("response has not been started")
        if data:
            raise RuntimeError("cannot append raw data to a payload body")
        try:
            if not self._head_only and self._body_expected:
                declared = self._headers.get(_CONTENT_LENGTH)
                if declared is None or self._chunked or writer.compressing:
                    await payload.write(writer)
                else:
                    await self._write_declared(payload, writer, int(declared))
        finally:
            await payload.close()
        await super().write_eof()

    async def _write_declared(self, payload: Payload, writer: StreamWriter, length: int) -> None:
        """A body framed by Content-Length must be exactly that long: excess bytes are
        dropped (as aiohttp does); a short body cannot be completed, the connection
        is closed."""
        limited = _LengthLimit(writer, length)
        await payload.write(limited)
        if limited.remaining:
            self._keep_alive = False
            raise RuntimeError(
                f"the body ended {limited.remaining} bytes short of its Content-Length {length}"
            )


class _LengthLimit:
    """A writer that passes on at most ``remaining`` bytes."""

    __slots__ = ("_writer", "remaining")

    def __init__(self, writer: StreamWriter, length: int) -> None:
        self._writer = writer
        self.remaining = length

    async def write(self, data: bytes, /) -> None:
        remaining = self.remaining
        if remaining <= 0:
            return
        if len(data) > remaining:
            data = data[:remaining]
        self.remaining = remaining - len(data)
        await self._writer.write(data)
