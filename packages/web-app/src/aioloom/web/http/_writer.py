"""Writes one response to the transport: head, body (chunked and/or compressed), EOF.

The head is held back until the first body bytes or the end, so a small
response leaves in a single ``transport.write``. Every ``write`` applies
back-pressure: while the transport's buffer is above its high-water mark the
call waits for it to drain. With compression on, each ``write`` is flushed so
what was written reaches the client (Server-Sent Events work compressed), and
chunks above ``EXECUTOR_THRESHOLD`` are compressed in the default executor.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from ._compression import EXECUTOR_THRESHOLD, Compressor, make_compressor

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
        self._compressor: Compressor | None = None
        self.chunked = False
        self.buffer_size = 0
        self.output_size = 0
        self._eof = False

    def enable_chunking(self) -> None:
        self.chunked = True

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        """Compress the body with ``encoding`` (gzip, deflate, br or zstd if available);
        ``strategy`` is zlib's, for gzip and deflate."""
        self._compressor = make_compressor(encoding, strategy)

    @property
    def compressing(self) -> bool:
        return self._compressor is not None

    def set_head(self, head: bytes) -> None:
        self._pending_head = head

    async def _compress(self, data: bytes, *, last: bool) -> bytes:
        compressor = self._compressor
        if compressor is None:
            return data

        def run() -> bytes:
            out = compressor.compress(data) if data else b""
            return out + (compressor.finish() if last else compressor.flush())

        if len(data) > EXECUTOR_THRESHOLD:
            return await asyncio.get_running_loop().run_in_executor(None, run)
        return run()

    def _chunk(self, data: bytes) -> bytes:
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
        framed = self._chunk(await self._compress(bytes(chunk), last=False)) if chunk else b""
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
        data = self._chunk(await self._compress(bytes(chunk), last=True))
        if self.chunked:
            data += _LAST_CHUNK
        self._eof = True
        self._send(data)
        if self._target.writing_paused():
            await self._target.drain()

    def write_eof_now(self, chunk: bytes) -> None:
        """The whole (uncompressed) rest of the body and the end, without waiting.

        For a response whose body is known: the caller drains afterwards if the
        transport asked us to pause.
        """
        if self._eof:
            return
        if self._compressor is not None:
            raise RuntimeError("a compressed body cannot be written without awaiting")
        self.buffer_size += len(chunk)
        data = b"%x\r\n%b\r\n0\r\n\r\n" % (len(chunk), chunk) if self.chunked and chunk else chunk
        if self.chunked and not chunk:
            data = _LAST_CHUNK
        self._eof = True
        self._send(data)

    async def drain(self) -> None:
        await self._target.drain()

    def note_sent(self, size: int) -> None:
        """Count body bytes that went out around the writer (``loop.sendfile``)."""
        self.buffer_size += size
        self.output_size += size
