"""``get_payload``: the payload ``Response(body=...)`` makes of a body that is not bytes."""

from __future__ import annotations

import io
import sys
from collections.abc import AsyncIterable
from typing import Any

from ..bodies._reader import BodyPartReader
from ..bodies._writer import MultipartWriter
from ._payload import AsyncIterablePayload, BasePayload, BytesPayload, Payload, StringPayload
from ._payload_io import IOBasePayload, TextIOPayload
from ._payload_parts import BodyPartReaderPayload, MultipartWriterPayload

__all__ = ["get_payload"]


def get_payload(value: Any, *, encoding: str | None = None) -> Payload:
    """The payload for a body: a payload as it is, else one made for its type.

    bytes-likes, ``str``, text and binary file objects (``io`` buffers
    included), a part of ``request.multipart()``, a ``MultipartWriter``, any
    object with the ``Payload`` interface (aiohttp's payloads), an async
    iterable of bytes. ``encoding`` is for text. ValueError for anything else.
    """
    if isinstance(value, BasePayload):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return BytesPayload(value)
    if isinstance(value, str):
        return StringPayload(value, encoding=encoding)
    if isinstance(value, io.TextIOBase):
        return TextIOPayload(value, encoding=encoding)
    if isinstance(value, io.IOBase):
        return IOBasePayload(value)
    if isinstance(value, BodyPartReader):
        return BodyPartReaderPayload(value)
    if isinstance(value, MultipartWriter):
        return MultipartWriterPayload(value)
    if isinstance(value, Payload):
        return value
    if isinstance(value, AsyncIterable):
        return AsyncIterablePayload(value)
    foreign = _from_aiohttp_registry(value)
    if foreign is not None:
        return foreign
    raise ValueError(f"Unsupported body type {type(value)!r}")


def _from_aiohttp_registry(value: Any) -> Payload | None:
    """aiohttp's payload registry, for types registered there (``aiohttp.streamer``'s
    objects, an application's ``@payload_type``): code written for aiohttp passes
    them as bodies. Asked only when aiohttp is already imported; never imported here."""
    registry: Any = sys.modules.get("aiohttp.payload")
    if registry is None:
        return None
    try:
        payload = registry.get_payload(value)
    except registry.LookupError:
        return None
    return payload if isinstance(payload, Payload) else None
