"""The middleware decorator, old-style middleware factories and ``normalize_path_middleware``."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from ..http._exceptions import HTTPMove, HTTPPermanentRedirect
from ..http._stream_response import StreamResponse
from ._request import Request
from ._typedefs import Handler, Middleware

__all__ = [
    "middleware",
    "normalize_path_middleware",
    "is_new_style",
    "takes_a_request",
    "old_style_adapter",
]

M = TypeVar("M", bound=Middleware)
_SLASHES = re.compile(r"//+")


def middleware(func: M) -> M:
    """Mark ``async def mw(request, handler)`` as a (new style) middleware."""
    func.__middleware_version__ = 1  # type: ignore[attr-defined]
    return func


def is_new_style(func: object) -> bool:
    """Whether ``func`` was marked by ``@web.middleware`` (``mw(request, handler)``)."""
    return getattr(func, "__middleware_version__", None) == 1


def takes_a_request(func: Callable[..., object]) -> bool:
    """Whether ``func``'s first parameter is a request (named so, or annotated so).

    An old-style factory takes the app first. A function that takes the request
    first is a new-style middleware whose ``@web.middleware`` was forgotten:
    run as a factory it would get the app for a request.
    """
    try:
        parameters = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):  # not introspectable (a builtin, a C function)
        return False
    if not parameters:
        return False
    first = parameters[0]
    return first.name in ("request", "req") or "Request" in str(first.annotation)


def old_style_adapter(factory: Callable[..., Awaitable[Any]], app: object) -> Middleware:
    """Run an old-style middleware factory, ``await factory(app, handler)``, as a middleware.

    aiohttp 3 still runs these (with a DeprecationWarning at start-up) and calls
    the factory again for every request, so this does too: a factory may rely on it.
    """

    async def old_style(request: Request, handler: Handler) -> StreamResponse:
        wrapped = await factory(app, handler)
        if not callable(wrapped):
            raise TypeError(
                f"old-style middleware {factory!r} must return the wrapped handler "
                f"(an async function of the request), not {wrapped!r}"
            )
        return cast(StreamResponse, await wrapped(request))

    return middleware(old_style)


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
