"""Type aliases shared by the web modules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..http._request import BaseRequest, Request
    from ..http._response import StreamResponse

__all__ = ["Handler", "Middleware", "RawHandler"]

Handler = Callable[["Request"], Awaitable["StreamResponse"]]
RawHandler = Callable[["BaseRequest"], Awaitable["StreamResponse"]]
Middleware = Callable[["Request", Handler], Awaitable["StreamResponse"]]
JSONEncoder = Callable[[Any], str]
JSONDecoder = Callable[[str], Any]
