"""File objects and ``io`` buffers as response bodies, read chunk by chunk.

A body from a file object is never read whole: it goes out in 64 KiB chunks,
each read in the default executor (a disk or a pipe may block) except from
in-memory buffers (``BytesIO``, ``StringIO``), which are read inline, giving
other tasks a turn between chunks. Binary files of known size get a
Content-Length; text is encoded as it is read, so its size is only known at
the end (the response is chunked). As with aiohttp, the Content-Type is
guessed from the file's name and a named file is sent as an attachment; the
file is closed once sent, an in-memory buffer is left open.
"""

from __future__ import annotations

import asyncio
import codecs
import io
import mimetypes
import os
import stat
from collections.abc import Callable, Mapping
from typing import IO, Any

from multidict import istr

from ._payload import OCTET_STREAM, BasePayload, PayloadWriter, charset_of

__all__ = ["IOBasePayload", "TextIOPayload"]

_CHUNK = 64 * 1024
_CONTENT_DISPOSITION = istr("Content-Disposition")


def _file_name(value: Any) -> str | None:
    """The base name of a file object's ``name`` (not ``<stdin>``, not a descriptor)."""
    name = getattr(value, "name", None)
    if isinstance(name, str) and name and not (name[0] == "<" and name[-1] == ">"):
        return os.path.basename(name)
    return None


def _tell(value: Any) -> int | None:
    try:
        position = value.tell()
    except (OSError, AttributeError, ValueError):  # not seekable, or closed
        return None
    return position if isinstance(position, int) else None


class IOBasePayload(BasePayload):
    """A binary file object (``open(path, "rb")``, ``BytesIO``, any ``io.IOBase``).

    Sent from its current position. ``disposition`` (None: no header) and the
    file name make its Content-Disposition; ``content_type`` defaults to a
    guess from the file name.
    """

    def __init__(
        self,
        value: IO[Any] | io.IOBase,
        *,
        disposition: str | None = "attachment",
        filename: str | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if filename is None:
            filename = _file_name(value)
        if content_type is None:
            guessed = mimetypes.guess_type(filename)[0] if filename else None
            content_type = guessed or OCTET_STREAM
        super().__init__(content_type=content_type, headers=headers, filename=filename)
        has_disposition = _CONTENT_DISPOSITION in self._headers
        if filename is not None and disposition is not None and not has_disposition:
            self.set_content_disposition(disposition, filename=filename)
        self._value: Any = value
        self._in_memory = isinstance(value, io.BytesIO | io.StringIO)
        self._start = _tell(value)
        self._size = self._measure()

    def _measure(self) -> int | None:
        """Bytes from the start position to the end, if that is knowable now."""
        value = self._value
        if isinstance(value, io.BytesIO):
            with value.getbuffer() as buffer:
                return max(buffer.nbytes - (self._start or 0), 0)
        try:
            status = os.fstat(value.fileno())
        except (OSError, AttributeError, ValueError):
            return None
        # A pipe or a socket reports a size of 0 whatever will come out of it.
        if self._start is None or not stat.S_ISREG(status.st_mode):
            return None
        return max(status.st_size - self._start, 0)

    def _rewind(self) -> None:
        """Back to the start position, so a payload sent twice sends the same bytes."""
        if self._start is not None:
            try:
                self._value.seek(self._start)
            except (OSError, AttributeError, ValueError):
                self._start = None

    def _reader(self) -> Callable[[], bytes]:
        """A function returning the next chunk of bytes, b"" at the end."""
        read = self._value.read

        def next_chunk() -> bytes:
            return read(_CHUNK) or b""

        return next_chunk

    async def write(self, writer: PayloadWriter) -> None:
        self._rewind()
        next_chunk = self._reader()
        if self._in_memory:
            chunk = next_chunk()
            while chunk:
                await writer.write(chunk)
                chunk = next_chunk()
                if chunk:
                    await asyncio.sleep(0)  # a large buffer must not hold the loop
            return
        loop = asyncio.get_running_loop()
        while chunk := await loop.run_in_executor(None, next_chunk):
            await writer.write(chunk)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The whole body as text. It reads the file here, blocking: not for large files."""
        self._rewind()
        data = self._value.read()
        return bytes(data or b"").decode(encoding, errors)

    async def close(self) -> None:
        if not self._in_memory:
            self._value.close()


class TextIOPayload(IOBasePayload):
    """A text file object (``open(path)``, ``StringIO``, ``TextIOWrapper``), encoded as read.

    The encoding is ``encoding``, else the charset of ``content_type``, else
    UTF-8; the Content-Type defaults to ``text/plain`` with that charset.
    """

    def __init__(
        self,
        value: IO[str] | io.TextIOBase,
        *,
        encoding: str | None = None,
        disposition: str | None = "attachment",
        filename: str | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if encoding is None:
            encoding = "utf-8" if content_type is None else charset_of(content_type)
        codecs.lookup(encoding)  # LookupError now, not halfway through the body
        if content_type is None:
            content_type = f"text/plain; charset={encoding}"
        self.encoding = encoding
        super().__init__(
            value,
            disposition=disposition,
            filename=filename,
            content_type=content_type,
            headers=headers,
        )

    def _measure(self) -> int | None:
        # Newline translation and re-encoding: the byte count is known only once sent.
        return None

    def _reader(self) -> Callable[[], bytes]:
        read = self._value.read
        # Incremental: a codec with a byte-order mark (UTF-16) writes it once.
        encode = codecs.getincrementalencoder(self.encoding)().encode

        def next_chunk() -> bytes:
            text = read(_CHUNK) or ""
            return encode(text, not text)

        return next_chunk

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The whole text (read here, blocking)."""
        self._rewind()
        return str(self._value.read() or "")
