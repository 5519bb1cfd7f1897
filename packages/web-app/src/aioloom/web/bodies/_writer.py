"""MultipartWriter: build a multipart body (e.g. a multipart response) from parts.

Boundaries follow RFC 2046 and header names and values are checked (no CR, LF or other
control characters), so an application cannot be made to emit a smuggled header.
"""

from __future__ import annotations

import asyncio
import io
import json
import mimetypes
import os
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from types import TracebackType
from typing import IO, Any
from urllib.parse import urlencode

from multidict import CIMultiDict

from ._content_disposition import content_disposition_header
from ._grammar import (
    check_writer_boundary,
    has_ctl,
    is_token,
    parse_content_type,
    quote_param,
)
from ._stream import ByteWriter

__all__ = ["BodyPartWriter", "MultipartWriter"]

_CHUNK = 65536


def _check_header(name: str, value: str) -> None:
    if not is_token(name):
        raise ValueError(f"invalid header name {name!r}")
    if has_ctl(value):
        raise ValueError(f"control character (CR, LF, NUL...) in header {name!r}")


class BodyPartWriter:
    """One part of a MultipartWriter: its headers and its body (bytes, a binary file
    object read from its current position, or a nested MultipartWriter)."""

    __slots__ = ("_body", "headers")

    def __init__(
        self, body: bytes | IO[bytes] | MultipartWriter, headers: CIMultiDict[str]
    ) -> None:
        for name, value in headers.items():
            _check_header(name, value)
        self._body = body
        self.headers = headers

    def set_content_disposition(
        self, disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
    ) -> None:
        """Set Content-Disposition, e.g. ``("attachment", filename="report.pdf")``."""
        value = content_disposition_header(disptype, quote_fields, _charset, **params)
        self.headers["Content-Disposition"] = value

    @property
    def size(self) -> int | None:
        """Body size in bytes, or None if it cannot be known without reading."""
        body = self._body
        if isinstance(body, bytes):
            return len(body)
        if isinstance(body, MultipartWriter):
            return body.size
        if isinstance(body, io.BytesIO):
            return len(body.getbuffer()) - body.tell()
        try:
            return os.fstat(body.fileno()).st_size - body.tell()
        except (OSError, AttributeError, ValueError):
            return None

    def _head(self) -> bytes:
        for name, value in self.headers.items():  # headers stay mutable after append()
            _check_header(name, value)
        lines = "".join(f"{name}: {value}\r\n" for name, value in self.headers.items())
        return (lines + "\r\n").encode("utf-8")

    async def _chunks(self) -> AsyncIterator[bytes]:
        body = self._body
        if isinstance(body, bytes):
            yield body
        elif isinstance(body, MultipartWriter):
            async for chunk in body.iter_chunks():
                yield chunk
        elif isinstance(body, io.BytesIO):
            while chunk := body.read(_CHUNK):
                yield chunk
        else:  # a real file: reads may block, keep them off the event loop
            while chunk := await asyncio.to_thread(body.read, _CHUNK):
                yield chunk


class MultipartWriter:
    """A ``multipart/<subtype>`` body; ``headers`` holds its Content-Type with the boundary.

    Serialize with ``await writer.write(stream)`` or ``async for chunk in
    writer.iter_chunks()``; ``size`` is the exact length when every part's is known.
    Iterating the writer yields its parts.
    """

    def __init__(self, subtype: str = "mixed", boundary: str | None = None) -> None:
        if not is_token(subtype):
            raise ValueError(f"invalid multipart subtype {subtype!r}")
        boundary = uuid.uuid4().hex if boundary is None else boundary
        check_writer_boundary(boundary)
        self._boundary = boundary
        self._parts: list[BodyPartWriter] = []
        self.headers: CIMultiDict[str] = CIMultiDict(
            {"Content-Type": f"multipart/{subtype}; boundary={quote_param(boundary)}"}
        )

    @property
    def boundary(self) -> str:
        return self._boundary

    def __enter__(self) -> MultipartWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass

    def __iter__(self) -> Iterator[BodyPartWriter]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __bool__(self) -> bool:
        return True

    def set_content_disposition(
        self, disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
    ) -> None:
        """Set Content-Disposition on the writer itself (when nested in another one)."""
        value = content_disposition_header(disptype, quote_fields, _charset, **params)
        self.headers["Content-Disposition"] = value

    def append(
        self,
        obj: str | bytes | bytearray | memoryview | IO[bytes] | MultipartWriter,
        headers: Mapping[str, str] | None = None,
    ) -> BodyPartWriter:
        """Add a part. str is encoded with the charset of a given Content-Type (default
        text/plain; charset=utf-8); bytes default to application/octet-stream; a binary
        file object is read from its position and named after its file name."""
        hdrs: CIMultiDict[str] = CIMultiDict(headers or {})
        body: bytes | IO[bytes] | MultipartWriter
        filename: str | None = None
        if isinstance(obj, str):
            ctype = hdrs.setdefault("Content-Type", "text/plain; charset=utf-8")
            body = obj.encode(_charset_of(ctype))
        elif isinstance(obj, bytes | bytearray | memoryview):
            hdrs.setdefault("Content-Type", "application/octet-stream")
            body = bytes(obj)
        elif isinstance(obj, MultipartWriter):
            for name, value in obj.headers.items():
                hdrs.setdefault(name, value)
            body = obj
        elif "b" not in str(getattr(obj, "mode", "b")):
            raise TypeError("MultipartWriter.append() needs a binary file, not a text file")
        else:
            body = obj
            filename = _file_name(obj)
            guessed = mimetypes.guess_type(filename)[0] if filename else None
            hdrs.setdefault("Content-Type", guessed or "application/octet-stream")
        part = BodyPartWriter(body, hdrs)
        if filename and "Content-Disposition" not in hdrs:
            part.set_content_disposition("attachment", filename=filename)
        self._parts.append(part)
        return part

    def append_json(self, obj: Any, headers: Mapping[str, str] | None = None) -> BodyPartWriter:
        hdrs: CIMultiDict[str] = CIMultiDict(headers or {})
        hdrs.setdefault("Content-Type", "application/json")
        return self.append(json.dumps(obj).encode("utf-8"), hdrs)

    def append_form(
        self,
        obj: Mapping[str, str] | Iterable[tuple[str, str]],
        headers: Mapping[str, str] | None = None,
    ) -> BodyPartWriter:
        hdrs: CIMultiDict[str] = CIMultiDict(headers or {})
        hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        pairs = list(obj.items()) if isinstance(obj, Mapping) else list(obj)
        return self.append(urlencode(pairs, doseq=False).encode("utf-8"), hdrs)

    @property
    def size(self) -> int | None:
        """The serialized length, or None if a part's size is unknown."""
        dash = len(self._boundary) + 2
        total = dash + 4  # "--" boundary "--" CRLF
        for part in self._parts:
            size = part.size
            if size is None:
                return None
            total += dash + 2 + len(part._head()) + size + 2
        return total

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """The serialized body, piece by piece."""
        dash = b"--" + self._boundary.encode("ascii")
        for part in self._parts:
            yield dash + b"\r\n" + part._head()
            async for chunk in part._chunks():
                yield chunk
            yield b"\r\n"
        yield dash + b"--\r\n"

    async def write(self, writer: ByteWriter) -> None:
        async for chunk in self.iter_chunks():
            await writer.write(chunk)


def _charset_of(ctype: str) -> str:
    try:
        return parse_content_type(ctype)[1].get("charset", "utf-8")
    except ValueError:
        return "utf-8"


def _file_name(obj: IO[bytes]) -> str | None:
    name = getattr(obj, "name", None)
    return os.path.basename(name) if isinstance(name, str) else None
