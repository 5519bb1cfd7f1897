"""The router of ``aioloom.router``, specialized to web handlers.

The router package is generic over the handler type and knows nothing of
requests or files; here it gets web's handler type and the static-file
handler that serves what its static resources resolve.
"""

from __future__ import annotations

from aioloom import router as _router

from ..http._exceptions import HTTPException, HTTPMethodNotAllowed, HTTPNotFound
from ._static_handler import StaticResource, make_static_handler
from ._typedefs import Handler

__all__ = [
    "UrlDispatcher",
    "RouteTableDef",
    "PrefixedSubAppResource",
    "MatchedSubAppResource",
    "http_error",
]

# aiohttp's names for the resources of sub-applications (by prefix, by domain)
PrefixedSubAppResource = _router.PrefixedResource
MatchedSubAppResource = _router.DomainResource


def http_error(status: int, method: str, allowed_methods: frozenset[str]) -> HTTPException:
    """``match_info.http_exception`` of a 404 or 405, as aiohttp reports it."""
    if status == 405:
        return HTTPMethodNotAllowed(method, allowed_methods)
    return HTTPNotFound()


class UrlDispatcher(_router.UrlDispatcher[Handler]):
    """aiohttp's ``UrlDispatcher``: add routes, ``await resolve(request)``, build URLs."""

    static_resource_class = StaticResource

    def __init__(self) -> None:
        super().__init__(static_handler_factory=make_static_handler, error_factory=http_error)


class RouteTableDef(_router.RouteTableDef[Handler]):
    """A list of route definitions filled by decorators: ``@routes.get('/')``."""
