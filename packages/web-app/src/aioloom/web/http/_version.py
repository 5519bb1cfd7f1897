"""``HttpVersion``: the request's protocol version as the web layer reports it."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["HttpVersion", "HttpVersion10", "HttpVersion11"]


class HttpVersion(NamedTuple):
    major: int
    minor: int


HttpVersion10 = HttpVersion(1, 0)
HttpVersion11 = HttpVersion(1, 1)
_VERSIONS: dict[tuple[int, int], HttpVersion] = {(1, 0): HttpVersion10, (1, 1): HttpVersion11}


def _version(major: int, minor: int) -> HttpVersion:
    """The web layer's version tuple for the parser's (cached: a handful exist)."""
    version = HttpVersion(major, minor)
    if len(_VERSIONS) < 16:
        _VERSIONS[(major, minor)] = version
    return version
