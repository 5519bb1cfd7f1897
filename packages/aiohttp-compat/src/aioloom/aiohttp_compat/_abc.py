"""The server half of ``aiohttp.abc`` as aioloom answers it.

``aiohttp.abc`` is imported by aiohttp's client too, so the module stays
aiohttp's and only its server-side names are pointed elsewhere while compat is
installed:

* ``AbstractView`` and ``AbstractAccessLogger`` become aioloom's own classes:
  extensions subclass them (aiohttp-pydantic's views, aiohttp-devtools' access
  logger) and aioloom's server must recognise those subclasses as its own.
* ``AbstractRouter`` and ``AbstractMatchInfo`` have no counterpart an aioloom
  application could be given in their place, so they become the two ABCs below,
  with aioloom's dispatcher and match info registered as virtual subclasses:
  ``isinstance(app.router, AbstractRouter)`` holds, as extensions expect. They
  are separate classes (not aiohttp's with a registration) so that
  ``uninstall()`` leaves aiohttp's ABCs exactly as they were.

The client half (``AbstractResolver``, ``AbstractCookieJar``,
``AbstractStreamWriter``, ``ResolveResult``...) stays aiohttp's.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from aioloom.web import AbstractAccessLogger, AbstractView, UrlDispatcher, UrlMappingMatchInfo

__all__ = ["AbstractRouter", "AbstractMatchInfo", "SERVER_ABC"]


class AbstractRouter(ABC):
    """What aiohttp calls a router: something that resolves a request to a match."""

    @abstractmethod
    def resolve(self, request: Any) -> Any:
        """The match for ``request`` (aiohttp awaits it; aioloom resolves synchronously)."""


class AbstractMatchInfo(ABC):
    """What aiohttp calls a match: the handler found for a request, with its apps."""

    @property
    @abstractmethod
    def handler(self) -> Any:
        """The handler that answers the request."""

    @property
    @abstractmethod
    def apps(self) -> tuple[Any, ...]:
        """The application and the sub-applications the match went through."""


AbstractRouter.register(UrlDispatcher)
AbstractMatchInfo.register(UrlMappingMatchInfo)

# Name in aiohttp.abc -> what it is while compat is installed.
SERVER_ABC: dict[str, object] = {
    "AbstractView": AbstractView,
    "AbstractAccessLogger": AbstractAccessLogger,
    "AbstractRouter": AbstractRouter,
    "AbstractMatchInfo": AbstractMatchInfo,
}
