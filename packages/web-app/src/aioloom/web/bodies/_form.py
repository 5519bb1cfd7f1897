"""``await request.post()``: parse an urlencoded or multipart/form-data body.

Every byte read counts against ``max_size`` as it is read (LimitedStream), for file
and non-file fields alike, so an oversized body is refused having buffered at most
``max_size + 1`` bytes. Uploads larger than ``spool_threshold`` go to an anonymous
temporary file, which ``ParsedForm.close()`` (called when the request ends) removes.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
from dataclasses import dataclass
from types import TracebackType
from typing import IO
from urllib.parse import parse_qsl

from multidict import CIMultiDictProxy, MultiDict, MultiDictProxy

from ._content_disposition import parse_content_disposition
from ._decoders import make_part_decoder
from ._errors import (
    BadContentDisposition,
    FormError,
    MultipartError,
    PartDecodeError,
    TooManyFields,
)
from ._grammar import parse_content_type
from ._reader import BodyPartReader, MultipartReader
from ._stream import BodyStream, LimitedStream

__all__ = ["FileField", "FormValue", "ParsedForm", "read_form"]

_CHUNK = 65536
_FILE_WRITE_BATCH = 512 * 1024  # fewer thread hops when writing a spilled upload


@dataclass(frozen=True, slots=True)
class FileField:
    """An uploaded file; ``file`` is a binary file object positioned at 0."""

    name: str
    filename: str
    file: IO[bytes]
    content_type: str
    headers: CIMultiDictProxy[str]


FormValue = str | bytes | FileField


class ParsedForm:
    """The fields of a form and the files holding its uploads.

    ``close()`` closes every upload file (anonymous temporary files vanish on close);
    the web layer calls it when the request ends. Also a context manager.
    """

    __slots__ = ("_files", "fields")

    def __init__(self, fields: MultiDictProxy[FormValue], files: list[IO[bytes]]) -> None:
        self.fields = fields
        self._files = files

    def close(self) -> None:
        files, self._files = self._files, []
        for f in files:
            f.close()

    def __enter__(self) -> ParsedForm:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


async def read_form(
    content_type: str,
    stream: BodyStream,
    *,
    max_size: int | None,
    charset: str = "utf-8",
    max_fields: int = 1000,
    max_part_headers: int = 32,
    max_header_line: int = 8190,
    spool_threshold: int = 1024 * 1024,
    spool_dir: str | None = None,
) -> ParsedForm:
    """Parse a request body as aiohttp's ``Request.post()`` does.

    ``content_type`` is the request's Content-Type value ("" if absent). urlencoded and
    "" are parsed as urlencoded; multipart/form-data part by part; any other type gives
    an empty form without reading. ``max_size`` (client_max_size; None for no limit)
    bounds the bytes read. ``charset`` is the default for text fields and urlencoded
    bodies without one. Non-file parts with a ``text/*`` or no Content-Type become str,
    others bytes; parts with a non-empty filename become FileField.

    Raises RequestBodyTooLarge (413) or a FormError/MultipartError (400). On error every
    file created so far is closed.
    """
    try:
        mimetype, params = parse_content_type(content_type) if content_type else ("", {})
    except ValueError as exc:
        raise FormError(f"invalid Content-Type: {exc}") from None
    if mimetype not in ("", "application/x-www-form-urlencoded", "multipart/form-data"):
        return ParsedForm(MultiDictProxy(MultiDict()), [])
    body: BodyStream = stream if max_size is None else LimitedStream(stream, max_size)
    if mimetype != "multipart/form-data":
        fields = await _read_urlencoded(body, params.get("charset", charset), max_fields)
        return ParsedForm(MultiDictProxy(fields), [])
    spools: list[_Spool] = []
    try:
        reader = MultipartReader(
            {"Content-Type": content_type},
            body,
            max_parts=max_fields,
            max_part_headers=max_part_headers,
            max_header_line=max_header_line,
        )
        out: MultiDict[FormValue] = MultiDict()
        async for part in reader:
            if isinstance(part, MultipartReader):
                raise MultipartError("nested multipart in multipart/form-data is not supported")
            name = _field_name(part)
            ctype = part.headers.get("Content-Type")
            filename = part.filename
            if filename:
                spool = _Spool(spool_threshold, spool_dir)
                spools.append(spool)
                await _copy_part(part, spool)
                f = await spool.finish()
                ctype = ctype or "application/octet-stream"
                out.add(name, FileField(name, filename, f, ctype, part.headers))
            else:
                out.add(name, await _read_field(part, ctype, charset))
        while await body.read(_CHUNK):  # count and drain the epilogue
            pass
    except BaseException:
        for spool in spools:
            spool.file.close()
        raise
    return ParsedForm(MultiDictProxy(out), [spool.file for spool in spools])


def _field_name(part: BodyPartReader) -> str:
    # The messages start with aiohttp's words, for code that matches on them.
    header = part.headers.get("Content-Disposition")
    disptype, _ = parse_content_disposition(header)
    if header is not None and disptype != "form-data":
        raise BadContentDisposition(f"Multipart field is {disptype!r}, not form-data")
    name = part.name
    if name is None:
        raise BadContentDisposition("Multipart field missing name.")
    return name


async def _read_urlencoded(body: BodyStream, charset: str, max_fields: int) -> MultiDict[FormValue]:
    data = bytearray()
    while chunk := await body.read(_CHUNK):
        data += chunk
    try:
        text = bytes(data).rstrip().decode(charset)
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding=charset,
            errors="strict",
            max_num_fields=max_fields,
        )
    except LookupError:
        raise FormError(f"unknown charset {charset[:40]!r}") from None
    except UnicodeDecodeError:
        raise FormError(f"urlencoded form is not valid {charset[:40]}") from None
    except ValueError:  # parse_qsl's "Max number of fields exceeded"
        raise TooManyFields(f"more than {max_fields} fields in an urlencoded form") from None
    out: MultiDict[FormValue] = MultiDict()
    for key, value in pairs:
        out.add(key, value)
    return out


async def _read_field(part: BodyPartReader, ctype: str | None, charset: str) -> str | bytes:
    # The body is bounded by max_size through LimitedStream; base64 and quoted-printable
    # only shrink it, and form-data parts are not decompressed (max_output is unused).
    decoder = make_part_decoder(part.headers, content_encoding=False, max_output=0)
    data = bytearray()
    while chunk := await part.read_chunk(_CHUNK):
        data += decoder.feed(chunk)
    data += decoder.flush()
    mimetype, params = ("", {}) if ctype is None else _parse_part_type(ctype)
    if ctype is not None and not mimetype.startswith("text/"):
        return bytes(data)
    field_charset = params.get("charset", charset)
    try:
        return data.decode(field_charset)
    except LookupError:
        raise PartDecodeError(f"unknown charset {field_charset[:40]!r} in a form part") from None
    except UnicodeDecodeError:
        raise PartDecodeError(f"form field is not valid {field_charset[:40]}") from None


def _parse_part_type(ctype: str) -> tuple[str, dict[str, str]]:
    try:
        return parse_content_type(ctype)
    except ValueError as exc:
        raise MultipartError(f"invalid Content-Type in a form part: {exc}") from None


async def _copy_part(part: BodyPartReader, spool: _Spool) -> None:
    decoder = make_part_decoder(part.headers, content_encoding=False, max_output=0)
    while chunk := await part.read_chunk(_CHUNK):
        if data := decoder.feed(chunk):
            await spool.write(data)
    if data := decoder.flush():
        await spool.write(data)


class _Spool:
    """Memory up to ``threshold`` bytes, then an anonymous temporary file written from a
    worker thread (disk writes must not block the event loop)."""

    __slots__ = ("_dir", "_pending", "_threshold", "file")

    def __init__(self, threshold: int, directory: str | None) -> None:
        self._threshold = threshold
        self._dir = directory
        self._pending = bytearray()
        self.file: IO[bytes] = io.BytesIO()

    async def write(self, data: bytes) -> None:
        if isinstance(self.file, io.BytesIO):
            if self.file.tell() + len(data) <= self._threshold:
                self.file.write(data)
                return
            spilled = await asyncio.to_thread(_temporary_file, self._dir)
            self._pending += self.file.getvalue()
            self.file.close()
            self.file = spilled
        self._pending += data
        if len(self._pending) >= _FILE_WRITE_BATCH:
            await self._flush()

    async def _flush(self) -> None:
        pending, self._pending = bytes(self._pending), bytearray()
        await asyncio.to_thread(self.file.write, pending)

    async def finish(self) -> IO[bytes]:
        if self._pending:
            await self._flush()
        if isinstance(self.file, io.BytesIO):
            self.file.seek(0)
        else:
            await asyncio.to_thread(self._rewind)
        return self.file

    def _rewind(self) -> None:
        self.file.flush()
        self.file.seek(0)


def _temporary_file(directory: str | None) -> IO[bytes]:
    # Anonymous on POSIX (unlinked at creation): nothing is left behind once it is closed.
    return tempfile.TemporaryFile(dir=directory)
