"""Writes one response to the transport: head, body (chunked and/or compressed), EOF.

The head is held back until the first body bytes or the end, so a small
response leaves in a single ``transport.write``.
"""

from __future__ import annotations

import zlib
from typing import Protocol

__all__ = ["StreamWriter", "WriteTarget"]

_LAST_CHUNK = b"0\r\n\r\n"


class WriteTarget(Protocol):
    """What the writer needs from the connection."""

    def write(self, data: bytes) -> None: ...
    async def drain(self) -> None: ...
    def writing_paused(self) -> bool: ...


class StreamWriter:
    def __init__(self, target: WriteTarget) -> None:
        self._target = target
        self._pending_head: bytes | None = None
        self._compressor: zlib._Compress | None = None
        self.chunked = False
        self.buffer_size = 0
        self.output_size = 0
        self._eof = False

    def enable_chunking(self) -> None:
        self.chunked = True

    def enable_compression(self, encoding: str = "deflate") -> None:
        wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        self._compressor = zlib.compressobj(wbits=wbits)

    def set_head(self, head: bytes) -> None:
        self._pending_head = head

    def _frame(self, data: bytes) -> bytes:
        if self._compressor is not None:
            data = self._compressor.compress(data)
        if self.chunked and data:
            return b"%x\r\n%b\r\n" % (len(data), data)
        return data

    def _send(self, data: bytes) -> None:
        head = self._pending_head
        if head is not None:
            self._pending_head = None
            data = head + data
        if data:
            self.output_size += len(data)
            self._target.write(data)

    async def write(self, chunk: bytes, *, drain: bool = True) -> None:
        if self._eof:
            raise RuntimeError("cannot write to a response after write_eof()")
        self.buffer_size += len(chunk)
        framed = self._frame(bytes(chunk))
        if framed or self._pending_head is not None:
            self._send(framed)
        if drain and self._target.writing_paused():
            await self._target.drain()

    async def write_headers(self) -> None:
        """Send the head now (e.g. ``100 Continue`` flows or an empty stream start)."""
        self._send(b"")

    async def write_eof(self, chunk: bytes = b"") -> None:
        if self._eof:
            return
        self.buffer_size += len(chunk)
        data = self._frame(bytes(chunk)) if chunk else b""
        if self._compressor is not None:
            tail = self._compressor.flush()
            if self.chunked and tail:
                tail = b"%x\r\n%b\r\n" % (len(tail), tail)
            data += tail
        if self.chunked:
            data += _LAST_CHUNK
        self._eof = True
        self._send(data)
        if self._target.writing_paused():
            await self._target.drain()

    async def drain(self) -> None:
        await self._target.drain()
