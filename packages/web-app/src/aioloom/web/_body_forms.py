"""``request.post()``: urlencoded and multipart forms, bounded by client_max_size."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from multidict import MultiDict, MultiDictProxy

from ._exceptions import HTTPBadRequest, HTTPRequestEntityTooLarge

if TYPE_CHECKING:
    from ._request import BaseRequest

__all__ = ["read_post"]


async def read_post(request: BaseRequest) -> MultiDictProxy[Any]:
    if request.content_type == "multipart/form-data":
        raise HTTPBadRequest(text="multipart forms are not supported yet")
    body = await request.read()  # enforces client_max_size while reading
    limit = request.client_max_size
    if limit and len(body) > limit:
        raise HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
    charset = request.charset or "utf-8"
    try:
        pairs = parse_qsl(
            body.decode(charset), keep_blank_values=True, strict_parsing=False,
            encoding=charset, max_num_fields=10_000,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise HTTPBadRequest(text=f"malformed form body: {exc}") from exc
    return MultiDictProxy(MultiDict(pairs))
