"""A request's body: read whole, as text or JSON, as a form, or as multipart parts.

``RequestBody`` is the part of ``BaseRequest`` that consumes the body stream; it
needs only the parsed head, the stream and the size limit.

As in aiohttp, an urlencoded form is read with ``read()`` (so it stays cached
for ``read()``/``text()`` afterwards, and a body a middleware already read is
parsed from that cache), while a multipart form streams from the socket with
large uploads spilled to temporary files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from multidict import MultiDict, MultiDictProxy

from aioloom.http_parser import RequestHead

from ..bodies._errors import RequestBodyTooLarge
from ..bodies._form import read_form
from ..bodies._reader import MultipartReader
from ..bodies._stream import BodyStream
from ._exceptions import HTTPRequestEntityTooLarge
from ._headers import parse_content_type
from ._json import JSONDecoder
from ._streams import StreamReader

__all__ = ["RequestBody"]

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "TRACE", "DELETE"})
_FORM_TYPES = frozenset({"", "application/x-www-form-urlencoded", "multipart/form-data"})


class _BytesStream:
    """A body already in memory, served as the stream ``read_form`` reads."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    async def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk = self._data[self._pos : end]
        self._pos += len(chunk)
        return chunk

    def at_eof(self) -> bool:
        return self._pos >= len(self._data)


class RequestBody:
    """The body half of ``BaseRequest`` (a mixin: ``BaseRequest`` sets these fields)."""

    _head: RequestHead
    _payload: StreamReader
    _client_max_size: int

    _read_bytes: bytes | None = None
    _post: MultiDictProxy[Any] | None = None
    _cleanups: list[Callable[[], None]] | None = None

    @property
    def content_type(self) -> str:
        return parse_content_type(self._head.headers.get("Content-Type"))[0]

    @property
    def charset(self) -> str | None:
        return parse_content_type(self._head.headers.get("Content-Type"))[1].get("charset")

    @property
    def content(self) -> StreamReader:
        return self._payload

    @property
    def body_exists(self) -> bool:
        return self._head.chunked or bool(self._head.content_length)

    @property
    def can_read_body(self) -> bool:
        return not self._payload.at_eof()

    @property
    def has_body(self) -> bool:
        return self.body_exists

    @property
    def client_max_size(self) -> int:
        return self._client_max_size

    async def read(self) -> bytes:
        """The whole body, read once and cached; 413 past ``client_max_size``."""
        if self._read_bytes is None:
            limit = self._client_max_size
            announced = self._head.content_length
            if limit and announced is not None and announced > limit:
                raise HTTPRequestEntityTooLarge(max_size=limit, actual_size=announced)
            if announced is not None:  # the parser delivers exactly this much: in bounds
                self._read_bytes = await self._payload.read()
                return self._read_bytes
            body = bytearray()
            while True:
                chunk = await self._payload.readany()
                if not chunk:
                    break
                size = len(body) + len(chunk)
                if limit and size > limit:  # checked before the chunk is kept
                    raise HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
                body += chunk
            self._read_bytes = bytes(body)
        return self._read_bytes

    async def text(self) -> str:
        body = await self.read()
        return body.decode(self.charset or "utf-8")

    async def json(self, *, loads: JSONDecoder = json.loads) -> Any:
        return loads(await self.text())

    async def post(self) -> MultiDictProxy[Any]:
        """Form fields of an urlencoded or multipart body (cached)."""
        if self._post is not None:
            return self._post
        content_type = self.content_type
        if self._head.method not in _BODY_METHODS or content_type not in _FORM_TYPES:
            self._post = MultiDictProxy(MultiDict())
            return self._post
        stream: BodyStream
        if self._read_bytes is not None:
            stream = _BytesStream(self._read_bytes)
        elif content_type != "multipart/form-data":
            stream = _BytesStream(await self.read())  # 413 while reading, then cached
        else:
            stream = self._payload
        limit = self._client_max_size
        try:
            form = await read_form(
                self._head.headers.get("Content-Type", ""),
                stream,
                max_size=limit or None,
                charset=self.charset or "utf-8",
            )
        except RequestBodyTooLarge as exc:
            raise HTTPRequestEntityTooLarge(
                max_size=exc.max_size, actual_size=exc.actual_size
            ) from exc
        # A malformed form raises FormError, a ValueError as in aiohttp; the server
        # answers it 400 when the handler lets it through.
        self._on_cleanup(form.close)  # upload files are closed (and removed) when it ends
        self._post = form.fields
        return self._post

    async def multipart(self) -> MultipartReader:
        """A streaming reader over a ``multipart/*`` body; a part read whole is bounded by
        ``client_max_size`` (413), as in aiohttp, a part read in chunks is not."""
        return MultipartReader(
            self._head.headers, self._payload, max_part_size=self._client_max_size or None
        )

    async def release(self) -> None:
        """Read and discard the rest of the body."""
        while not self._payload.at_eof():
            if not await self._payload.readany():
                break

    def _on_cleanup(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the request ends (e.g. close upload temp files)."""
        if self._cleanups is None:
            self._cleanups = []
        self._cleanups.append(callback)

    def _cleanup(self) -> None:
        cleanups = self._cleanups
        while cleanups:
            cleanups.pop()()
