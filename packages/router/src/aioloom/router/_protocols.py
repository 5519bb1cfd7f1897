"""What the router needs from a caller's request object, and nothing more."""

from __future__ import annotations

from typing import Protocol

from yarl import URL

__all__ = ["Routable"]


class Routable(Protocol):
    """Anything with an HTTP method and a relative URL can be routed."""

    @property
    def method(self) -> str: ...

    @property
    def rel_url(self) -> URL: ...
