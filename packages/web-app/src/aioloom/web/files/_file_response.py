"""FileResponse: a file from disk with validators, conditional and range requests.

What it decides, in order: which file to send (the file, or a precompressed
``.br``/``.gz`` sibling the client accepts), the preconditions (412/304, see
``_conditional``), then Range (206/416, see ``_range``), then the body through
``loop.sendfile`` or chunked reads (see ``_sendfile``). A file that is missing
answers 404, one that cannot be read or is not a regular file 403.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..http._compression import add_vary, parse_accept_encoding
from ..http._range import RangeNotSatisfiable, select_range
from ..http._stream_response import PreparingRequest, StreamResponse
from ..http._writer import StreamWriter
from ._conditional import Precondition, evaluate_preconditions, if_range_allows
from ._sendfile import send_file_range

__all__ = ["FileResponse"]

FALLBACK_CONTENT_TYPE = "application/octet-stream"
# Precompressed siblings, most preferred first: coding → file name suffix.
PRECOMPRESSED_SUFFIXES: Mapping[str, str] = {"br": ".br", "gzip": ".gz"}

# A file that is itself compressed (x.tar.gz) is sent as what it is, not as a
# tar with Content-Encoding: gzip; so the guesser knows no encodings.
_TYPES = mimetypes.MimeTypes()
_TYPES.encodings_map.clear()
for _type, _suffix in (
    ("application/gzip", ".gz"),
    ("application/x-brotli", ".br"),
    ("application/x-bzip2", ".bz2"),
    ("application/x-xz", ".xz"),
    ("application/zstd", ".zst"),
):
    _TYPES.add_type(_type, _suffix)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


@dataclass(slots=True)
class _OpenFile:
    file: BinaryIO
    size: int
    etag: str
    last_modified: int  # whole seconds, rounded up: what Last-Modified says
    coding: str | None  # the Content-Encoding of a precompressed sibling
    varies: bool  # a sibling exists, so the answer depends on Accept-Encoding


def _open_regular(path: Path) -> tuple[BinaryIO, os.stat_result]:
    """Open without blocking on FIFOs, and check what was opened (no stat/open race)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PermissionError(f"not a regular file: {path}")
        return os.fdopen(fd, "rb"), info
    except BaseException:
        os.close(fd)
        raise


def choose_coding(accept_encoding: str | None, offered: Mapping[str, Path]) -> str | None:
    """The offered coding the client prefers; None when it rates identity higher or none fits."""
    if not accept_encoding or not offered:
        return None
    accepted = parse_accept_encoding(accept_encoding)
    wildcard = accepted.get("*")
    identity = accepted.get("identity", 0.0)  # preferred only when named with a higher q
    best, best_q = None, 0.0
    for coding in offered:
        quality = accepted.get(coding, wildcard or 0.0)
        if quality > best_q:
            best, best_q = coding, quality
    return best if best is not None and best_q >= identity else None


class FileResponse(StreamResponse):
    """Send the file at ``path``; the content type comes from its name."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        chunk_size: int = 256 * 1024,
        status: int = 200,
        reason: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status=status, reason=reason, headers=headers)
        self._path = Path(path)
        self._chunk_size = chunk_size

    @property
    def path(self) -> Path:
        return self._path

    # -- choosing and opening the file (blocking: runs in the executor) ---------------------

    def _compressed_variants(self) -> dict[str, Path]:
        """Regular-file siblings ``<name>.br``/``<name>.gz``; symlinks are not followed."""
        variants: dict[str, Path] = {}
        for coding, suffix in PRECOMPRESSED_SUFFIXES.items():
            candidate = self._path.with_name(self._path.name + suffix)
            try:
                if stat.S_ISREG(candidate.lstat().st_mode):
                    variants[coding] = candidate
            except (OSError, ValueError):
                continue
        return variants

    def _open(self, accept_encoding: str | None) -> _OpenFile:
        variants = self._compressed_variants()
        coding = choose_coding(accept_encoding, variants)
        opened: tuple[BinaryIO, os.stat_result] | None = None
        if coding is not None:
            try:
                opened = _open_regular(variants[coding])
            except OSError:
                coding = None  # gone or replaced meanwhile: send the file itself
        if opened is None:
            opened = _open_regular(self._path)
        file, info = opened
        return _OpenFile(
            file=file,
            size=info.st_size,
            etag=f"{info.st_mtime_ns:x}-{info.st_size:x}",
            last_modified=-(-info.st_mtime_ns // 1_000_000_000),
            coding=coding,
            varies=bool(variants),
        )

    # -- answering ------------------------------------------------------------------------

    async def prepare(self, request: PreparingRequest) -> StreamWriter | None:
        if self.prepared:
            return await super().prepare(request)
        loop = asyncio.get_running_loop()
        try:
            opened = await loop.run_in_executor(
                None, self._open, request.headers.get("Accept-Encoding")
            )
        except PermissionError:
            return await self._empty(request, 403)
        except (OSError, ValueError):  # missing, a symlink loop, a NUL in the name...
            return await self._empty(request, 404)
        try:
            return await self._send(request, opened)
        finally:
            opened.file.close()

    async def _empty(self, request: PreparingRequest, status: int) -> StreamWriter | None:
        self.set_status(status)
        self.content_length = 0
        return await super().prepare(request)

    async def _send(self, request: PreparingRequest, opened: _OpenFile) -> StreamWriter | None:
        headers = self._headers
        if "Content-Type" not in headers:
            headers["Content-Type"] = _TYPES.guess_type(self._path.name)[0] or FALLBACK_CONTENT_TYPE
        if opened.varies:
            add_vary(headers, "Accept-Encoding")
        etag, last_modified = opened.etag, opened.last_modified

        outcome = evaluate_preconditions(
            request.method, request.headers, etag=etag, last_modified=last_modified
        )
        if outcome is Precondition.FAILED:
            return await self._empty(request, 412)
        self.etag = etag
        self.last_modified = last_modified
        if outcome is Precondition.NOT_MODIFIED:
            self.set_status(304)
            return await super().prepare(request)

        byte_range = None
        range_header = request.headers.get("Range")
        if (
            range_header is not None
            and request.method in ("GET", "HEAD")
            and if_range_allows(
                request.headers.get("If-Range"), etag=etag, last_modified=last_modified
            )
        ):
            try:
                byte_range = select_range(range_header, opened.size)
            except RangeNotSatisfiable:
                headers["Content-Range"] = f"bytes */{opened.size}"
                return await self._empty(request, 416)

        if opened.coding is not None:
            headers["Content-Encoding"] = opened.coding
        headers["Accept-Ranges"] = "bytes"
        offset, count = 0, opened.size
        if byte_range is not None:
            self.set_status(206)
            headers["Content-Range"] = byte_range.content_range
            offset, count = byte_range.start, byte_range.length
        self.content_length = count

        writer = await super().prepare(request)
        if writer is not None and count and request.method != "HEAD":
            await send_file_range(
                request.transport,
                writer,
                self.write,
                self.write_eof,
                opened.file,
                offset,
                count,
                chunk_size=self._chunk_size,
            )
        await self.write_eof()
        return writer
