"""``json_response`` and ``json_bytes_response``: a ``Response`` whose body is a value
serialized to JSON (by an encoder returning ``str`` or, like orjson's, ``bytes``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._json import JSONEncoder
from ._json import dumps as default_dumps
from ._response import Response

__all__ = ["json_response", "json_bytes_response", "JSONBytesEncoder"]

JSONBytesEncoder = Callable[[Any], bytes]

_SENTINEL: Any = object()


def json_response(
    data: Any = _SENTINEL,
    *,
    text: str | None = None,
    body: bytes | None = None,
    status: int = 200,
    reason: str | None = None,
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json",
    dumps: JSONEncoder = default_dumps,
) -> Response:
    if data is not _SENTINEL:
        if text or body:
            raise ValueError("only one of data, text, or body should be specified")
        text = dumps(data)
    return Response(
        text=text,
        body=body,
        status=status,
        reason=reason,
        headers=headers,
        content_type=content_type,
    )


def json_bytes_response(
    data: Any = _SENTINEL,
    *,
    dumps: JSONBytesEncoder,
    body: bytes | None = None,
    status: int = 200,
    reason: str | None = None,
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json",
) -> Response:
    """``json_response`` for an encoder that returns bytes (orjson): no decode and re-encode."""
    if data is not _SENTINEL:
        if body is not None:
            raise ValueError("only one of data or body should be specified")
        body = dumps(data)
    return Response(
        body=body,
        status=status,
        reason=reason,
        headers=headers,
        content_type=content_type,
    )
