"""``request.post()``: urlencoded and multipart forms, bounded by client_max_size.

As in aiohttp, an urlencoded body is read with ``request.read()`` (so it stays
cached for ``read()``/``text()`` afterwards, and a body a middleware already read
is parsed from that cache), while a multipart body streams from the socket with
large uploads spilled to temporary files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from multidict import MultiDictProxy

from ..bodies._errors import FormError, RequestBodyTooLarge
from ..bodies._form import read_form
from ._exceptions import HTTPBadRequest, HTTPRequestEntityTooLarge

if TYPE_CHECKING:
    from ..bodies._stream import BodyStream
    from ._request import BaseRequest

__all__ = ["read_post"]


class _BytesStream:
    """A body already in memory, served as the stream ``read_form`` reads."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    async def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk = self._data[self._pos : end]
        self._pos += len(chunk)
        return chunk

    def at_eof(self) -> bool:
        return self._pos >= len(self._data)


async def read_post(request: BaseRequest) -> MultiDictProxy[Any]:
    """Parse the form; upload files are closed (and so removed) when the request ends."""
    limit = request.client_max_size
    content_type = request.headers.get("Content-Type", "")
    stream: BodyStream
    if request._read_bytes is not None:
        stream = _BytesStream(request._read_bytes)
    elif request.content_type != "multipart/form-data":
        stream = _BytesStream(await request.read())  # 413 while reading, then cached
    else:
        stream = request.content
    try:
        form = await read_form(
            content_type,
            stream,
            max_size=limit or None,
            charset=request.charset or "utf-8",
        )
    except RequestBodyTooLarge as exc:
        raise HTTPRequestEntityTooLarge(max_size=exc.max_size, actual_size=exc.actual_size) from exc
    except FormError as exc:
        raise HTTPBadRequest(text=f"malformed form: {exc}") from exc
    request._on_cleanup(form.close)
    return form.fields
