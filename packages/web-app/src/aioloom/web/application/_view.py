"""Class-based views: one method per HTTP verb."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Generator
from typing import Any

from ..http._exceptions import HTTPMethodNotAllowed
from ..http._stream_response import StreamResponse
from ._request import Request

__all__ = ["View", "AbstractView"]

_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace", "connect")


class AbstractView(ABC):
    """Base of class-based views: ``await View(request)`` produces the response."""

    def __init__(self, request: Request) -> None:
        self._request = request

    @property
    def request(self) -> Request:
        return self._request

    @abstractmethod
    def __await__(self) -> Generator[Any, None, StreamResponse]:
        """Produce the response for ``self.request``."""


class View(AbstractView):
    """Dispatches to the lower-case method named after the HTTP verb; 405 otherwise."""

    def __await__(self) -> Generator[Any, None, StreamResponse]:
        return self._dispatch().__await__()

    async def _dispatch(self) -> StreamResponse:
        method = self.request.method.lower()
        handler: Callable[[], Awaitable[StreamResponse]] | None = (
            getattr(self, method, None) if method in _METHODS else None
        )
        if handler is None:
            allowed = {m.upper() for m in _METHODS if hasattr(self, m)}
            raise HTTPMethodNotAllowed(self.request.method, allowed)
        return await handler()
