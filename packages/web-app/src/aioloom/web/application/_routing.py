"""The router of ``aioloom.router``, specialized to web handlers.

The router package is generic over the handler type and knows nothing of
requests or files; here it gets web's handler type and the static-file
handler that serves what its static resources resolve.
"""

from __future__ import annotations

from aioloom import router as _router

from ._static_handler import make_static_handler
from ._typedefs import Handler

__all__ = ["UrlDispatcher", "RouteTableDef"]


class UrlDispatcher(_router.UrlDispatcher[Handler]):
    """aiohttp's ``UrlDispatcher``: add routes, resolve requests, build URLs."""

    def __init__(self) -> None:
        super().__init__(static_handler_factory=make_static_handler)


class RouteTableDef(_router.RouteTableDef[Handler]):
    """A list of route definitions filled by decorators: ``@routes.get('/')``."""
