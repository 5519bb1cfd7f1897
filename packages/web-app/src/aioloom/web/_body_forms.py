"""``request.post()``: urlencoded and multipart forms, bounded by client_max_size."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from multidict import MultiDictProxy

from ._exceptions import HTTPBadRequest, HTTPRequestEntityTooLarge
from ._form import read_form
from ._multipart_errors import FormError, RequestBodyTooLarge

if TYPE_CHECKING:
    from ._request import BaseRequest

__all__ = ["read_post"]


async def read_post(request: BaseRequest) -> MultiDictProxy[Any]:
    """Parse the form while reading it; large uploads spill to temporary files
    that are closed (and so removed) when the request ends."""
    try:
        form = await read_form(
            request.headers.get("Content-Type", ""),
            request.content,
            max_size=request.client_max_size or None,
            charset=request.charset or "utf-8",
        )
    except RequestBodyTooLarge as exc:
        raise HTTPRequestEntityTooLarge(max_size=exc.max_size, actual_size=exc.actual_size) from exc
    except FormError as exc:
        raise HTTPBadRequest(text=f"malformed form: {exc}") from exc
    request._on_cleanup(form.close)
    return form.fields
