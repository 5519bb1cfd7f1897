"""Response bodies that are written rather than held: the ``Payload`` interface.

``Response(body=...)`` keeps bytes (and text, encoded) as they are and sends
them in one write. Anything else becomes a payload: an object that knows its
Content-Type, maybe extra headers (Content-Disposition) and its size, and
that writes itself, chunk by chunk, to the response once the head is out.

The interface is the shape of aiohttp's ``aiohttp.payload.Payload``, so
aiohttp's payload objects (``get_payload(file)``, ``BytesPayload``, its
``MultipartWriter``) work as bodies unchanged. This module holds the
interface, a base class for payloads and the in-memory ones; file objects
are in ``_payload_io`` and multipart parts in ``_payload_parts``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, Mapping
from typing import Any, Protocol, runtime_checkable

from multidict import CIMultiDict, istr

from ..bodies._content_disposition import content_disposition_header
from ._headers import parse_content_type

__all__ = [
    "Payload",
    "PayloadWriter",
    "BasePayload",
    "BytesPayload",
    "StringPayload",
    "AsyncIterablePayload",
    "OCTET_STREAM",
    "charset_of",
]

OCTET_STREAM = "application/octet-stream"
_CONTENT_TYPE = istr("Content-Type")
_CONTENT_DISPOSITION = istr("Content-Disposition")


class PayloadWriter(Protocol):
    """Where a payload writes its bytes: each ``write`` may wait for the client."""

    async def write(self, data: bytes, /) -> None: ...


@runtime_checkable
class Payload(Protocol):
    """A response body that writes itself (what ``Response(body=...)`` keeps).

    ``content_type`` becomes the response's Content-Type and ``headers`` are
    added to the response's (neither replaces a header the response has);
    ``size`` is the exact number of bytes ``write`` sends, or None when it is
    only known at the end (then the response is chunked). ``close`` is awaited
    once the response is done with the payload, sent or not; ``decode`` gives
    the body as text for ``Response.text`` (TypeError if it cannot).
    """

    @property
    def content_type(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def size(self) -> int | None: ...
    async def write(self, writer: PayloadWriter) -> None: ...
    async def close(self) -> None: ...
    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str: ...


def charset_of(content_type: str, default: str = "utf-8") -> str:
    """The charset parameter of a Content-Type value, else ``default``."""
    return parse_content_type(content_type)[1].get("charset", default)


class BasePayload(ABC):
    """Headers, Content-Type, file name and Content-Disposition, for payload classes.

    A subclass implements ``write`` (and ``decode`` if it can be read as text)
    and sets ``_size`` when it knows the size.
    """

    _size: int | None = None

    def __init__(
        self,
        *,
        content_type: str = OCTET_STREAM,
        headers: Mapping[str, str] | None = None,
        filename: str | None = None,
    ) -> None:
        self._headers: CIMultiDict[str] = CIMultiDict({_CONTENT_TYPE: content_type})
        if headers:
            self._headers.update(headers)
        self._filename = filename

    @property
    def content_type(self) -> str:
        return self._headers[_CONTENT_TYPE]

    @property
    def headers(self) -> CIMultiDict[str]:
        return self._headers

    @property
    def size(self) -> int | None:
        return self._size

    @property
    def filename(self) -> str | None:
        return self._filename

    def set_content_disposition(
        self, disptype: str, quote_fields: bool = True, _charset: str = "utf-8", **params: str
    ) -> None:
        """Set Content-Disposition, e.g. ``("inline", filename="report.pdf")``."""
        self._headers[_CONTENT_DISPOSITION] = content_disposition_header(
            disptype, quote_fields, _charset, **params
        )

    @abstractmethod
    async def write(self, writer: PayloadWriter) -> None:
        """Write the body with ``await writer.write(chunk)``, chunk by chunk."""

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        raise TypeError(f"a {type(self).__name__} body cannot be read as text")

    async def close(self) -> None:  # noqa: B027 - a default: most payloads hold nothing
        """Nothing to release by default."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.content_type} size={self.size}>"


class BytesPayload(BasePayload):
    """Bytes, sent as they are (``application/octet-stream`` unless told otherwise)."""

    def __init__(
        self,
        value: bytes | bytearray | memoryview,
        *,
        content_type: str = OCTET_STREAM,
        headers: Mapping[str, str] | None = None,
        filename: str | None = None,
    ) -> None:
        if not isinstance(value, bytes | bytearray | memoryview):
            raise TypeError(f"BytesPayload needs bytes, not {type(value).__name__}")
        super().__init__(content_type=content_type, headers=headers, filename=filename)
        self._value = bytes(value)
        self._size = len(self._value)

    async def write(self, writer: PayloadWriter) -> None:
        await writer.write(self._value)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self._value.decode(encoding, errors)


class StringPayload(BytesPayload):
    """Text, encoded with ``encoding``, else the charset of ``content_type``, else UTF-8."""

    def __init__(
        self,
        value: str,
        *,
        encoding: str | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
        filename: str | None = None,
    ) -> None:
        if not isinstance(value, str):
            raise TypeError(f"StringPayload needs str, not {type(value).__name__}")
        if encoding is None:
            encoding = "utf-8" if content_type is None else charset_of(content_type)
        if content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(
            value.encode(encoding), content_type=content_type, headers=headers, filename=filename
        )
        self.encoding = encoding


class AsyncIterablePayload(BasePayload):
    """An async iterable of bytes (an async generator, say): sent chunked, as it yields.

    It can be sent once. ``close`` closes an async generator, so its ``finally``
    blocks run when the response ends early (the client went away).
    """

    def __init__(
        self,
        value: AsyncIterable[bytes],
        *,
        content_type: str = OCTET_STREAM,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if not isinstance(value, AsyncIterable):
            raise TypeError(f"AsyncIterablePayload needs an async iterable, not {value!r}")
        super().__init__(content_type=content_type, headers=headers)
        self._value = value
        self._iterator: Any = None

    async def write(self, writer: PayloadWriter) -> None:
        if self._iterator is not None:
            raise RuntimeError("an async iterable body can be sent only once")
        self._iterator = iterator = aiter(self._value)
        async for chunk in iterator:
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise TypeError(
                    f"an async iterable body must yield bytes, not {type(chunk).__name__}"
                )
            if chunk:
                await writer.write(bytes(chunk))

    async def close(self) -> None:
        iterator = self._iterator if self._iterator is not None else self._value
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
