"""The handler types, defined beside ``Request`` (which they take)."""

from ._request import Handler, Middleware, RawHandler

__all__ = ["Handler", "Middleware", "RawHandler"]
