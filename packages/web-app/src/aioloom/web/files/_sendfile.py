"""Sending a slice of an open file: ``loop.sendfile`` when it can, chunked reads when not.

The kernel path is used only for a plain (non-TLS) transport whose body is neither
compressed nor chunked, on a loop that implements it (asyncio's selector loops do;
uvloop and TLS transports do not). Everything else reads ``chunk_size`` bytes at a
time in the default executor and writes them through the response, which waits
for the transport to drain between chunks.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import BinaryIO

from ..http._writer import StreamWriter

__all__ = ["send_file_range"]

# Set to any value to never use the kernel path (like aiohttp's AIOHTTP_NOSENDFILE).
_NOSENDFILE = bool(os.environ.get("AIOLOOM_NOSENDFILE"))


def _read_at(file: BinaryIO, offset: int, size: int) -> bytes:
    file.seek(offset)
    return file.read(size)


async def _send_chunks(
    write: Callable[[bytes], Awaitable[None]],
    write_eof: Callable[[bytes], Awaitable[None]],
    file: BinaryIO,
    offset: int,
    count: int,
    chunk_size: int,
) -> None:
    loop = asyncio.get_running_loop()
    while count > 0:
        chunk = await loop.run_in_executor(None, _read_at, file, offset, min(chunk_size, count))
        if not chunk:
            break  # the file shrank under us: the client sees a short body and a close
        offset += len(chunk)
        count -= len(chunk)
        if count > 0:
            await write(chunk)
        else:
            # The last piece goes out with the end of the body: one write, and a
            # compressed body ends in one final block (aiohttp's bytes exactly).
            await write_eof(chunk)


async def send_file_range(
    transport: asyncio.Transport | None,
    writer: StreamWriter,
    write: Callable[[bytes], Awaitable[None]],
    write_eof: Callable[[bytes], Awaitable[None]],
    file: BinaryIO,
    offset: int,
    count: int,
    *,
    chunk_size: int,
) -> None:
    """Send ``count`` bytes of ``file`` from ``offset``; the head is already set on ``writer``.

    Through the response's ``write`` and, for the last piece, ``write_eof`` (the
    caller ends the body itself when the kernel path sent it, or the file shrank).
    """
    if (
        _NOSENDFILE
        or transport is None
        or writer.compressing
        or writer.chunked
        or transport.get_extra_info("sslcontext") is not None
    ):
        await _send_chunks(write, write_eof, file, offset, count, chunk_size)
        return
    if transport.is_closing():
        raise ConnectionResetError("Connection lost")
    await writer.write_headers()
    loop = asyncio.get_running_loop()
    try:
        sent = await loop.sendfile(transport, file, offset, count, fallback=False)
    except (NotImplementedError, asyncio.SendfileNotAvailableError):
        # Raised before any byte of the file went out: fall back to reading.
        await _send_chunks(write, write_eof, file, offset, count, chunk_size)
        return
    writer.note_sent(sent)
