"""ClientResponse: an httpx response with aiohttp's client ergonomics.

The body is not read until asked for (``read``/``text``/``json`` or the
``content`` stream), as in aiohttp; reading it all, ``release()`` or leaving
``async with`` gives the connection back.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from http.cookies import CookieError, SimpleCookie
from types import TracebackType
from typing import Any, Self

import httpx
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

__all__ = ["ClientResponse", "ClientResponseError", "ContentTypeError", "StreamContent"]


class ClientResponseError(Exception):
    """``raise_for_status()`` on a 4xx/5xx response (aiohttp's ``ClientResponseError``)."""

    def __init__(self, status: int, message: str, headers: CIMultiDictProxy[str]) -> None:
        super().__init__(f"{status}, message={message!r}")
        self.status = status
        self.message = message
        self.headers = headers


class ContentTypeError(ClientResponseError):
    """``json()`` found another ``Content-Type`` than the one expected."""


class StreamContent:
    """The response body as a stream: aiohttp's ``ClientResponse.content`` reader.

    ``read(n)``, ``readany()``, ``readexactly(n)``, ``readline()``,
    ``readuntil(sep)``, ``iter_chunked(n)``, ``iter_any()``, ``iter_chunks()``;
    iterating it with ``async for`` gives lines.
    """

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self._eof = False

    async def _fill(self) -> bool:
        """Buffer the next non-empty chunk; False at the end of the body."""
        while not self._eof:
            try:
                chunk = await anext(self._chunks)
            except StopAsyncIteration:
                self._eof = True
                break
            if chunk:
                self._buffer += chunk
                return True
        return False

    def _take(self, n: int) -> bytes:
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data

    def at_eof(self) -> bool:
        return self._eof and not self._buffer

    is_eof = at_eof

    async def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (as soon as any are there); all the rest when ``n`` < 0."""
        if n < 0:
            while await self._fill():
                pass
            return self._take(len(self._buffer))
        if n == 0:
            return b""
        if not self._buffer:
            await self._fill()
        return self._take(n)

    async def readany(self) -> bytes:
        """Whatever is buffered, or the next chunk; b"" at the end."""
        if not self._buffer:
            await self._fill()
        return self._take(len(self._buffer))

    async def readexactly(self, n: int) -> bytes:
        while len(self._buffer) < n and await self._fill():
            pass
        if len(self._buffer) < n:
            partial = self._take(len(self._buffer))
            raise asyncio.IncompleteReadError(partial, n)
        return self._take(n)

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        """Up to and including ``separator``, or the rest of the body when it never comes."""
        if not separator:
            raise ValueError("separator must not be empty")
        start = 0
        while True:
            found = self._buffer.find(separator, start)
            if found >= 0:
                return self._take(found + len(separator))
            start = max(0, len(self._buffer) - len(separator) + 1)
            if not await self._fill():
                return self._take(len(self._buffer))

    async def readline(self) -> bytes:
        return await self.readuntil(b"\n")

    async def readchunk(self) -> tuple[bytes, bool]:
        """The next received chunk and True; ``(b"", False)`` at the end."""
        data = await self.readany()
        return data, bool(data)

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        """Chunks of at most ``n`` bytes."""
        while chunk := await self.read(n):
            yield chunk

    async def iter_any(self) -> AsyncIterator[bytes]:
        """Chunks as they arrive."""
        while chunk := await self.readany():
            yield chunk

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        while True:
            data, more = await self.readchunk()
            if not more:
                return
            yield data, more

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[bytes]:
        while line := await self.readline():
            yield line


class ClientResponse:
    """``status``, ``reason``, ``headers``, ``cookies``, awaitable ``read/text/json``
    and the ``content`` stream, as in aiohttp."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.headers: CIMultiDictProxy[str] = CIMultiDictProxy(
            CIMultiDict(response.headers.multi_items())
        )
        self._body: bytes | None = None
        self._content: StreamContent | None = None
        self._cookies: SimpleCookie | None = None

    # -- the head -------------------------------------------------------------------

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def reason(self) -> str:
        return self._response.reason_phrase

    @property
    def ok(self) -> bool:
        return self.status < 400

    @property
    def version(self) -> str:
        return self._response.http_version

    @property
    def method(self) -> str:
        return self._response.request.method

    @property
    def url(self) -> URL:
        return URL(str(self._response.url))

    real_url = url

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        return tuple(self._response.headers.raw)

    @property
    def content_type(self) -> str:
        value = self.headers.get("Content-Type", "application/octet-stream")
        return value.partition(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        return self._response.charset_encoding

    @property
    def content_length(self) -> int | None:
        value = self.headers.get("Content-Length")
        return int(value) if value is not None and value.isascii() and value.isdigit() else None

    @property
    def cookies(self) -> SimpleCookie:
        """The cookies this response sets (``Set-Cookie``), as aiohttp gives them."""
        if self._cookies is None:
            jar: SimpleCookie = SimpleCookie()
            for header in self.headers.getall("Set-Cookie", []):
                try:
                    jar.load(header)
                except CookieError:
                    continue
            self._cookies = jar
        return self._cookies

    @property
    def history(self) -> tuple[ClientResponse, ...]:
        """The redirect responses that led here, oldest first."""
        return tuple(ClientResponse(r) for r in self._response.history)

    @property
    def httpx_response(self) -> httpx.Response:
        """The underlying httpx response, for what this wrapper does not cover."""
        return self._response

    def raise_for_status(self) -> None:
        if not self.ok:
            raise ClientResponseError(self.status, self.reason, self.headers)

    # -- the body -------------------------------------------------------------------

    @property
    def content(self) -> StreamContent:
        """The body as a stream (read it once: ``read()`` afterwards gives the rest)."""
        if self._content is None:
            self._content = StreamContent(self._response.aiter_bytes())
        return self._content

    async def read(self) -> bytes:
        """The whole (decoded) body, cached; the connection is released afterwards."""
        if self._body is None:
            self._body = await self.content.read()
            await self.release()
        return self._body

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        body = await self.read()
        return body.decode(encoding or self.charset or "utf-8", errors)

    async def json(
        self,
        *,
        encoding: str | None = None,
        loads: Callable[[str], Any] = json.loads,
        content_type: str | None = None,
    ) -> Any:
        """The body parsed as JSON.

        Unlike aiohttp, any ``Content-Type`` is accepted unless ``content_type``
        names the one to insist on (``ContentTypeError`` otherwise).
        """
        if content_type is not None and content_type not in self.content_type:
            raise ContentTypeError(
                self.status,
                f"Attempt to decode JSON with unexpected mimetype: {self.content_type}",
                self.headers,
            )
        text = await self.text(encoding)
        return loads(text) if text.strip() else None

    @property
    def closed(self) -> bool:
        return self._response.is_closed

    async def release(self) -> None:
        """Give the connection back (the rest of the body, if any, is dropped)."""
        await self._response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.release()

    def __repr__(self) -> str:
        return f"<ClientResponse({self.url}) [{self.status} {self.reason}]>"
