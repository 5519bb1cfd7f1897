"""Multipart objects as response bodies: a part being read, a multipart body being built.

``Response(body=part)`` with a part from ``request.multipart()`` streams the
part through: each chunk is read from the request, decoded
(Content-Transfer-Encoding, and Content-Encoding outside form-data, as
``part.read(decode=True)`` does) and written before the next is read, so a
large upload is never held whole. As with aiohttp, the response says
``application/octet-stream`` and names the part in its Content-Disposition.
``Response(body=MultipartWriter(...))`` sends a multipart body.
"""

from __future__ import annotations

from multidict import CIMultiDict, istr

from ..bodies._errors import BadContentDisposition
from ..bodies._reader import BodyPartReader
from ..bodies._writer import MultipartWriter
from ._payload import BasePayload, PayloadWriter

__all__ = ["BodyPartReaderPayload", "MultipartWriterPayload"]

_CHUNK = 64 * 1024
_CONTENT_TYPE = istr("Content-Type")


class BodyPartReaderPayload(BasePayload):
    """One part of a request's multipart body, streamed into the response (once)."""

    def __init__(self, part: BodyPartReader) -> None:
        super().__init__()
        self._part = part
        params: dict[str, str] = {}
        if part.name is not None:
            params["name"] = part.name
        if part.filename is not None:
            params["filename"] = part.filename
        if params:
            try:
                self.set_content_disposition("attachment", True, "utf-8", **params)
            except ValueError as exc:  # names come from the client: a 400, not a 500
                raise BadContentDisposition(f"part name cannot be sent back: {exc}") from None

    async def write(self, writer: PayloadWriter) -> None:
        part = self._part
        decoder = part.decoder()
        while chunk := await part.read_chunk(_CHUNK):
            if decoded := decoder.feed(chunk):
                await writer.write(decoded)
        if rest := decoder.flush():
            await writer.write(rest)


class MultipartWriterPayload(BasePayload):
    """A ``MultipartWriter`` as a body: its headers (Content-Type with the boundary) and size."""

    def __init__(self, multipart: MultipartWriter) -> None:
        headers = CIMultiDict(multipart.headers)
        super().__init__(content_type=headers.pop(_CONTENT_TYPE), headers=headers)
        self._multipart = multipart
        self._size = multipart.size

    async def write(self, writer: PayloadWriter) -> None:
        await self._multipart.write(writer)
