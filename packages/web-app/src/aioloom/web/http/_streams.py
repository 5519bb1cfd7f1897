"""The request body stream: bytes from the connection to the handler.

The connection feeds data as the parser delivers it; when more than
``high_water`` bytes wait unread, reading from the socket pauses, and resumes
once the handler has consumed the buffer below ``low_water``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from typing import Protocol

__all__ = [
    "StreamReader",
    "EMPTY_PAYLOAD",
    "FlowControl",
    "EofStream",
    "RequestPayloadError",
    "PayloadAccessError",
]


class EofStream(Exception):
    """Raised by ``readchunk``-style internals at the end of the stream."""


class RequestPayloadError(Exception):
    """The request body is malformed, cannot be decoded, or ended before its end.

    Raised by every read of the body (``request.read()``, ``text()``, ``json()``,
    ``post()``, ``multipart()``, ``request.content.*``); left uncaught, the
    server answers 400 and closes the connection.
    """


class PayloadAccessError(Exception):
    """The request body was read after the request's handler had finished."""


class FlowControl(Protocol):
    def pause_reading(self) -> None: ...
    def resume_reading(self) -> None: ...


class _NoFlowControl:
    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


class StreamReader:
    """An asyncio byte stream with aiohttp's ``StreamReader`` reading methods."""

    def __init__(
        self,
        flow: FlowControl | None = None,
        *,
        limit: int = 2**16,
        max_line: int | None = None,
    ) -> None:
        self._flow = flow or _NoFlowControl()
        self._high_water = limit * 2
        self._low_water = limit
        self._max_line = max_line or limit
        self._buffer: deque[bytes] = deque()
        self._size = 0
        self._eof = False
        self._paused = False
        self._waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._total = 0
        self._discarding = False

    # -- the producer side (the connection) ------------------------------------

    def feed_data(self, data: bytes) -> None:
        if not data:
            return
        if self._discarding:
            self._total += len(data)
            return
        self._buffer.append(data)
        self._size += len(data)
        self._total += len(data)
        if self._waiter is not None:
            self._wake()
        if self._size > self._high_water and not self._paused:
            self._paused = True
            self._flow.pause_reading()

    def feed_eof(self) -> None:
        self._eof = True
        self._wake()

    def set_exception(self, exc: BaseException) -> None:
        self._exception = exc
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)
        self._waiter = None

    def exception(self) -> BaseException | None:
        return self._exception

    def discard(self, exc: BaseException) -> None:
        """Nobody will read the rest: drop what is buffered and what still comes.

        Later reads raise ``exc``; the connection keeps feeding until the end
        of the body, so the bytes are counted but never kept.
        """
        self._discarding = True
        self._buffer.clear()
        self._size = 0
        self.set_exception(exc)
        if self._paused:
            self._paused = False
            self._flow.resume_reading()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._waiter = None

    # -- the consumer side (the handler) ---------------------------------------

    @property
    def total_bytes(self) -> int:
        return self._total

    def is_eof(self) -> bool:
        return self._eof

    def at_eof(self) -> bool:
        return self._eof and not self._size

    async def _wait(self, what: str) -> None:
        if self._exception is not None:
            raise self._exception
        if self._waiter is not None:
            raise RuntimeError(f"{what}() called while another task is already waiting for data")
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    def _take(self, n: int) -> bytes:
        """Remove and return up to ``n`` buffered bytes (``n < 0``: everything)."""
        if n < 0 or n >= self._size:
            data = b"".join(self._buffer) if len(self._buffer) != 1 else self._buffer[0]
            self._buffer.clear()
            self._size = 0
        else:
            parts = []
            left = n
            while left:
                head = self._buffer[0]
                if len(head) <= left:
                    parts.append(self._buffer.popleft())
                    left -= len(head)
                else:
                    parts.append(head[:left])
                    self._buffer[0] = head[left:]
                    left = 0
            data = b"".join(parts)
            self._size -= n
        if self._paused and self._size < self._low_water:
            self._paused = False
            self._flow.resume_reading()
        return data

    def unread_data(self, data: bytes) -> None:
        """Push bytes back to the front (parsers that read one block too far)."""
        if data:
            self._buffer.appendleft(data)
            self._size += len(data)

    async def read(self, n: int = -1) -> bytes:
        """``n`` bytes at most; with ``n < 0`` everything until EOF."""
        if n == 0:
            return b""
        if n < 0:
            # Take the data as it comes: waiting for EOF with a full buffer would
            # keep reading from the socket paused, and EOF would never come.
            parts: list[bytes] = []
            while True:
                if self._size:
                    parts.append(self._take(-1))
                if self._eof:
                    return parts[0] if len(parts) == 1 else b"".join(parts)
                await self._wait("read")
        while not self._size and not self._eof:
            await self._wait("read")
        return self._take(n)

    async def readany(self) -> bytes:
        while not self._size and not self._eof:
            await self._wait("readany")
        return self._take(len(self._buffer[0]) if self._buffer else 0)

    async def readchunk(self) -> tuple[bytes, bool]:
        """The next buffered chunk as aiohttp gives it: ``(data, end_of_http_chunk)``."""
        data = await self.readany()
        return data, False

    async def readexactly(self, n: int) -> bytes:
        # Like read(-1): collect as data comes, or reading would stay paused
        # whenever ``n`` is larger than the buffer's high-water mark.
        parts: list[bytes] = []
        missing = n
        while True:
            if self._size:
                part = self._take(min(missing, self._size))
                parts.append(part)
                missing -= len(part)
            if not missing:
                return parts[0] if len(parts) == 1 else b"".join(parts)
            if self._eof:
                raise asyncio.IncompleteReadError(b"".join(parts), n)
            await self._wait("readexactly")

    async def readline(self) -> bytes:
        return await self.readuntil(b"\n")

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        """Bytes up to and including ``separator``, or to EOF; at most the line limit."""
        checked = 0
        while True:
            joined = b"".join(self._buffer)
            if len(self._buffer) > 1:
                self._buffer.clear()
                self._buffer.append(joined)
            found = joined.find(separator, max(0, checked - len(separator) + 1))
            if found >= 0:
                end = found + len(separator)
                if end > self._max_line:
                    raise ValueError(f"line is longer than {self._max_line} bytes")
                return self._take(end)
            if len(joined) > self._max_line:
                raise ValueError(f"line is longer than {self._max_line} bytes")
            if self._eof:
                return self._take(-1)
            checked = len(joined)
            await self._wait("readuntil")

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        while True:
            data = await self.read(n)
            if not data:
                return
            yield data

    async def iter_any(self) -> AsyncIterator[bytes]:
        while True:
            data = await self.readany()
            if not data:
                return
            yield data

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        while True:
            data, end = await self.readchunk()
            if not data:
                return
            yield data, end

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[bytes]:
        while True:
            line = await self.readline()
            if not line:
                return
            yield line

    def __repr__(self) -> str:
        state = " eof" if self._eof else ""
        return f"<StreamReader {self._size} bytes{state}>"


class _EmptyStreamReader(StreamReader):
    """The body of a request that has none: always at EOF."""

    def __init__(self) -> None:
        super().__init__()
        self._eof = True

    def feed_data(self, data: bytes) -> None:
        raise RuntimeError("the empty payload cannot receive data")


EMPTY_PAYLOAD: StreamReader = _EmptyStreamReader()
