"""Streaming multipart reader: ``await request.multipart()`` gives a MultipartReader.

aiohttp's API: ``MultipartReader.next()`` / ``async for`` yield a BodyPartReader per part,
or a nested MultipartReader for a ``multipart/*`` part. A part's ``content`` is a view
that ends at its delimiter, so a nested reader frames its own body and cannot read past
the enclosing part.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from multidict import CIMultiDict, CIMultiDictProxy

from ._content_disposition import content_disposition_filename, parse_content_disposition
from ._decoders import PartDecoder, make_part_decoder
from ._errors import InvalidBoundary, PartDecodeError, RequestBodyTooLarge, TooManyParts
from ._grammar import check_reader_boundary, parse_content_type
from ._scanner import BoundaryScanner
from ._stream import BodyStream, LimitedStream

__all__ = ["BodyPartReader", "MultipartReader"]

DEFAULT_MAX_DECOMPRESSED_SIZE = 64 * 1024 * 1024


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None and not isinstance(headers, CIMultiDict | CIMultiDictProxy):
        lname = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lname), None)
    return value


def _media_type(headers: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    value = _header(headers, "Content-Type")
    if value is None:
        return "", {}
    try:
        return parse_content_type(value)
    except ValueError:
        return "", {}


class _PartContent:
    """The body of one part, as a BodyStream that ends at the part's delimiter."""

    __slots__ = ("_index", "_scanner")

    def __init__(self, scanner: BoundaryScanner) -> None:
        self._scanner = scanner
        self._index = scanner.part_index

    async def read(self, n: int = -1) -> bytes:
        if self._scanner.part_index != self._index:
            return b""  # the reader has moved on to a later part
        if n >= 0:
            return await self._scanner.read_body(n)
        chunks = []
        while chunk := await self._scanner.read_body(65536):
            chunks.append(chunk)
        return b"".join(chunks)

    def at_eof(self) -> bool:
        return self._scanner.part_index != self._index or self._scanner.at_part_end()


class BodyPartReader:
    """One part of a multipart body: its headers and a stream of its body bytes."""

    chunk_size = 8192

    def __init__(
        self,
        headers: Mapping[str, str],
        content: BodyStream,
        *,
        subtype: str = "mixed",
        default_charset: str | None = None,
        max_decompressed_size: int = DEFAULT_MAX_DECOMPRESSED_SIZE,
        max_read_size: int | None = None,
    ) -> None:
        self.headers: CIMultiDictProxy[str] = (
            headers
            if isinstance(headers, CIMultiDictProxy)
            else CIMultiDictProxy(CIMultiDict(headers))
        )
        self._content = content
        self._is_form_data = subtype == "form-data"
        self._default_charset = default_charset
        self._max_decompressed_size = max_decompressed_size
        self._max_read_size = max_read_size
        self._at_eof = False

    def at_eof(self) -> bool:
        return self._at_eof

    async def read_chunk(self, size: int = chunk_size) -> bytes:
        """Up to ``size`` raw (undecoded) bytes of the body; b"" at its end."""
        if size < 1:
            raise ValueError("read_chunk() size must be positive")
        if self._at_eof:
            return b""
        data = await self._content.read(size)
        if not data or self._content.at_eof():
            self._at_eof = True
        return data

    async def read(self, *, decode: bool = False) -> bytes:
        """The whole (remaining) body; decoded as ``decode()`` does if ``decode``.

        This buffers the part in memory, so it is bounded by ``max_read_size``
        (RequestBodyTooLarge: a 413 from the server); read_chunk() is not.
        """
        limit = self._max_read_size
        data = bytearray()
        while chunk := await self.read_chunk(self.chunk_size):
            if limit is not None and len(data) + len(chunk) > limit:  # before keeping it
                raise RequestBodyTooLarge(limit, len(data) + len(chunk))
            data += chunk
        return self.decode(bytes(data)) if decode else bytes(data)

    async def release(self) -> None:
        """Skip the rest of the body."""
        while await self.read_chunk(self.chunk_size):
            pass

    def decode(self, data: bytes) -> bytes:
        """Undo Content-Transfer-Encoding (base64, quoted-printable) and, outside
        form-data, Content-Encoding (gzip, deflate; bounded)."""
        decoder = make_part_decoder(
            self.headers,
            content_encoding=not self._is_form_data,
            max_output=self._max_decompressed_size,
        )
        return decoder.feed(data) + decoder.flush()

    def decoder(self) -> PartDecoder:
        """A streaming decoder doing what ``decode()`` does, for a body read chunk by chunk."""
        return make_part_decoder(
            self.headers,
            content_encoding=not self._is_form_data,
            max_output=self._max_decompressed_size,
        )

    def get_charset(self, default: str) -> str:
        _, params = _media_type(self.headers)
        return params.get("charset", self._default_charset or default)

    async def text(self, *, encoding: str | None = None) -> str:
        data = await self.read(decode=True)
        return _decode_text(data, encoding or self.get_charset(default="utf-8"))

    async def json(self, *, encoding: str | None = None) -> Any:
        """The body parsed as JSON, or None if it is empty (as aiohttp does)."""
        data = await self.read(decode=True)
        if not data:
            return None
        text = _decode_text(data, encoding or self.get_charset(default="utf-8"))
        try:
            return json.loads(text)
        except ValueError as exc:
            raise PartDecodeError(f"invalid JSON in part: {exc}") from None

    async def form(self, *, encoding: str | None = None) -> list[tuple[str, str]]:
        """The body parsed as application/x-www-form-urlencoded."""
        data = await self.read(decode=True)
        charset = encoding or self.get_charset(default="utf-8")
        text = _decode_text(data.rstrip(), charset)
        try:
            return parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict")
        except UnicodeDecodeError:
            raise PartDecodeError(f"urlencoded part is not valid {charset}") from None

    @cached_property
    def _disposition_params(self) -> dict[str, str]:
        _, params = parse_content_disposition(self.headers.get("Content-Disposition"))
        return params

    @property
    def name(self) -> str | None:
        """The ``name`` Content-Disposition parameter; BadContentDisposition if malformed."""
        return content_disposition_filename(self._disposition_params, "name")

    @property
    def filename(self) -> str | None:
        """The file name, RFC 8187/2231 ``filename*`` preferred over ``filename``."""
        return content_disposition_filename(self._disposition_params, "filename")


def _decode_text(data: bytes, charset: str) -> str:
    try:
        return data.decode(charset)
    except LookupError:
        raise PartDecodeError(f"unknown charset {charset[:40]!r}") from None
    except UnicodeDecodeError:
        raise PartDecodeError(f"part is not valid {charset[:40]}") from None


class MultipartReader:
    """Reads a ``multipart/*`` body part by part.

    Beyond aiohttp's ``(headers, content)``, keyword-only limits: ``max_size`` bounds the
    bytes read from ``content`` (RequestBodyTooLarge), ``max_part_size`` what one
    part's whole-part ``read()`` (and text, json, form) may buffer, as aiohttp
    bounds it by ``client_max_size``, ``max_parts`` the number of parts,
    ``max_part_headers`` / ``max_header_line`` each part's header block.
    """

    part_reader_cls: ClassVar[type[BodyPartReader]] = BodyPartReader

    def __init__(
        self,
        headers: Mapping[str, str],
        content: BodyStream,
        *,
        max_size: int | None = None,
        max_part_size: int | None = None,
        max_parts: int | None = None,
        max_part_headers: int = 32,
        max_header_line: int = 8190,
        max_decompressed_size: int = DEFAULT_MAX_DECOMPRESSED_SIZE,
    ) -> None:
        value = _header(headers, "Content-Type")
        if value is None:
            raise InvalidBoundary("multipart body without a Content-Type header")
        try:
            mimetype, params = parse_content_type(value)
        except ValueError as exc:
            raise InvalidBoundary(f"invalid Content-Type: {exc}") from None
        if not mimetype.startswith("multipart/"):
            raise InvalidBoundary(f"Content-Type {mimetype!r} is not multipart")
        boundary = params.get("boundary")
        if boundary is None:
            raise InvalidBoundary("multipart Content-Type without a boundary parameter")
        try:
            check_reader_boundary(boundary)
        except ValueError as exc:
            raise InvalidBoundary(str(exc)) from None
        self.headers = headers
        self._subtype = mimetype.partition("/")[2]
        if max_size is not None:
            content = LimitedStream(content, max_size)
        self._content = content
        self._limits = (max_parts, max_part_headers, max_header_line, max_decompressed_size)
        self._max_part_size = max_part_size
        self._scanner = BoundaryScanner(
            content,
            boundary.encode("ascii"),
            max_header_line=max_header_line,
            max_headers=max_part_headers,
        )
        self._last: BodyPartReader | MultipartReader | None = None
        self._at_eof = False
        self._parts = 0

    def at_eof(self) -> bool:
        """True once the closing boundary has been read."""
        return self._at_eof

    def __aiter__(self) -> MultipartReader:
        return self

    async def __anext__(self) -> BodyPartReader | MultipartReader:
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    async def next(self) -> BodyPartReader | MultipartReader | None:
        """The next part, releasing the previous one; None after the closing boundary."""
        if self._at_eof:
            return None
        if self._last is not None:
            await self._last.release()
            self._last = None
        headers = await self._scanner.next_part()
        if headers is None:
            self._at_eof = True
            return None
        self._parts += 1
        max_parts, max_part_headers, max_header_line, max_decompressed = self._limits
        if max_parts is not None and self._parts > max_parts:
            raise TooManyParts(f"more than {max_parts} parts in a multipart body")
        content = _PartContent(self._scanner)
        part: BodyPartReader | MultipartReader
        if _media_type(headers)[0].startswith("multipart/"):
            part = type(self)(
                headers,
                content,
                max_part_size=self._max_part_size,
                max_parts=max_parts,
                max_part_headers=max_part_headers,
                max_header_line=max_header_line,
                max_decompressed_size=max_decompressed,
            )
        else:
            part = self.part_reader_cls(
                headers,
                content,
                subtype=self._subtype,
                max_decompressed_size=max_decompressed,
                max_read_size=self._max_part_size,
            )
        self._last = part
        return part

    async def release(self) -> None:
        """Skip every remaining part, up to and including the closing boundary."""
        while (part := await self.next()) is not None:
            await part.release()
