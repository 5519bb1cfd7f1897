"""What the multipart and form readers need from a request body, and a size-limiting view."""

from __future__ import annotations

from typing import Protocol

from ._errors import RequestBodyTooLarge

__all__ = ["BodyStream", "ByteWriter", "LimitedStream"]


class BodyStream(Protocol):
    """A request body. ``read(n)`` with ``n > 0`` returns 1..n bytes, or b"" only at EOF."""

    async def read(self, n: int = -1) -> bytes: ...

    def at_eof(self) -> bool: ...


class ByteWriter(Protocol):
    """Where MultipartWriter.write() sends the serialized body."""

    async def write(self, data: bytes) -> None: ...


class LimitedStream:
    """Counts bytes as they are read and raises RequestBodyTooLarge past ``max_size``.

    Each read asks for at most one byte more than the remaining budget, so an oversized
    body is detected having buffered at most ``max_size + 1`` bytes.
    """

    __slots__ = ("_max_size", "_stream", "bytes_read")

    def __init__(self, stream: BodyStream, max_size: int) -> None:
        self._stream = stream
        self._max_size = max_size
        self.bytes_read = 0

    async def read(self, n: int = -1) -> bytes:
        if n < 0:
            chunks = []
            while chunk := await self.read(65536):
                chunks.append(chunk)
            return b"".join(chunks)
        if self.bytes_read > self._max_size:  # already refused: never read on
            raise RequestBodyTooLarge(self._max_size, self.bytes_read)
        budget = self._max_size - self.bytes_read + 1
        data = await self._stream.read(min(n, budget))
        self.bytes_read += len(data)
        if self.bytes_read > self._max_size:
            raise RequestBodyTooLarge(self._max_size, self.bytes_read)
        return data

    def at_eof(self) -> bool:
        return self._stream.at_eof()
