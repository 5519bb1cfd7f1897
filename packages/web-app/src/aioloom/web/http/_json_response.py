"""``json_response``: a ``Response`` whose body is a value serialized to JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._json import JSONEncoder
from ._json import dumps as default_dumps
from ._response import Response

__all__ = ["json_response"]

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
