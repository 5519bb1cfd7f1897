"""Exceptions and warnings raised by the router."""

from __future__ import annotations

__all__ = ["RouteShadowingWarning", "URLBuildError"]


class URLBuildError(KeyError, ValueError):
    """``url_for()`` got missing or unexpected parts (a KeyError as in aiohttp; a ValueError)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class RouteShadowingWarning(UserWarning):
    """A route can never match: an earlier route matches every request it would."""
