"""The middleware decorator and ``normalize_path_middleware``."""

from __future__ import annotations

import re
from typing import TypeVar

from ..http._exceptions import HTTPMove, HTTPPermanentRedirect
from ..http._stream_response import StreamResponse
from ._request import Request
from ._typedefs import Handler, Middleware

__all__ = ["middleware", "normalize_path_middleware"]

M = TypeVar("M", bound=Middleware)
_SLASHES = re.compile(r"//+")


def middleware(func: M) -> M:
    """Mark ``async def mw(request, handler)`` as a (new style) middleware."""
    func.__middleware_version__ = 1  # type: ignore[attr-defined]
    return func


def normalize_path_middleware(
    *,
    append_slash: bool = True,
    remove_slash: bool = False,
    merge_slashes: bool = True,
    redirect_class: type[HTTPMove] = HTTPPermanentRedirect,
) -> Middleware:
    """Redirect a path that has no route to a normalized one that has.

    Tries, in order: merged slashes, an added (or removed) trailing slash, and
    both. Only when the original path has no route (the router's 404 or 405),
    and only to a candidate that resolves to a route for this method. The result is
    always a path on this host: a leading ``//`` is merged, so a redirect can
    never point at another host.
    """
    if append_slash and remove_slash:
        raise ValueError("append_slash and remove_slash cannot both be True")

    @middleware
    async def normalize(request: Request, handler: Handler) -> StreamResponse:
        if request.match_info.http_status != 200:
            path = request.raw_path.partition("?")[0]
            query = request.query_string
            candidates: list[str] = []
            if merge_slashes:
                candidates.append(_SLASHES.sub("/", path))
            if append_slash and not path.endswith("/"):
                candidates.append(path + "/")
                if merge_slashes:
                    candidates.append(_SLASHES.sub("/", path + "/"))
            if remove_slash and path.endswith("/") and path != "/":
                candidates.append(path[:-1])
                if merge_slashes:
                    candidates.append(_SLASHES.sub("/", path)[:-1] or "/")
            for candidate in candidates:
                # Never emit '//host' (protocol-relative) or a path not on this host.
                candidate = "/" + candidate.lstrip("/")
                if candidate == path:
                    continue
                clone = request.clone(rel_url=candidate)
                if (await request.app.router.resolve(clone)).http_status == 200:
                    location = candidate + ("?" + query if query else "")
                    raise redirect_class(location)
        return await handler(request)

    return normalize
