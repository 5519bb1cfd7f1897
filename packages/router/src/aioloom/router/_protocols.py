"""What the router needs from callers, and nothing more (structural typing)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from yarl import URL

__all__ = ["ExpectHandler", "HostRoutable", "Routable"]

# The router stores an expect handler and hands it back; it never calls it.
ExpectHandler = Callable[..., Awaitable[object]]


class Routable(Protocol):
    """Anything with an HTTP method and a relative URL can be routed.

    ``rel_url.raw_path`` is matched: a ``yarl.URL`` built from the request target
    (``URL(target)``) is already requoted the way route paths are stored.
    """

    @property
    def method(self) -> str: ...

    @property
    def rel_url(self) -> URL: ...


class HostRoutable(Routable, Protocol):
    """A routable request that also knows its ``Host`` (needed by domain resources only)."""

    @property
    def host(self) -> str: ...
