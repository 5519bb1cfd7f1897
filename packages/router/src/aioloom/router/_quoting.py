"""Percent-encoding of route paths and URL parts, done the way yarl does it.

Routing matches the *decoded* request path, as aiohttp 3.14 does (yarl's
``path_safe``): every ``%XX`` is decoded except ``%2F`` and ``%25``, which stay
encoded (upper-cased) so that a decoded ``/`` never becomes a segment boundary
and a decoded ``%`` never starts an escape. Route paths are written in that same
decoded form (``/café/{name}``); their canonical, URL-building form is encoded.
"""

from __future__ import annotations

from functools import lru_cache

from yarl import URL

__all__ = ["decode_path", "quote_path", "requote_path", "unquote_path", "unquote_safe"]

# Decoding builds a yarl URL; clients repeat their paths, so the last ones are kept.
_DECODE_CACHE_SIZE = 256


def quote_path(value: str) -> str:
    """Percent-encode ``value`` for a URL path (``/`` stays a separator)."""
    return URL.build(path=value, encoded=False).raw_path


def requote_path(value: str) -> str:
    """Encode what must be encoded, keeping existing ``%XX`` sequences as they are."""
    result = quote_path(value)
    if "%" in value:
        result = result.replace("%25", "%")
    return result


def unquote_path(value: str) -> str:
    """Decode an encoded path part completely (``%2F`` becomes ``/``)."""
    if "%" not in value:
        return value
    return URL.build(path=value, encoded=True).path


@lru_cache(maxsize=_DECODE_CACHE_SIZE)
def _decode(raw_path: str) -> str:
    return URL.build(path=raw_path, encoded=True).path_safe


def decode_path(raw_path: str) -> str:
    """The path routing matches: ``raw_path`` decoded except ``%2F`` and ``%25``.

    Idempotent (a decoded path decodes to itself), and free for a path without ``%``.
    """
    if "%" not in raw_path:
        return raw_path
    return _decode(raw_path)


def unquote_safe(value: str) -> str:
    """A matched part of a decoded path as handlers see it (``%2F``: ``/``, ``%25``: ``%``)."""
    if "%" not in value:
        return value
    return value.replace("%2F", "/").replace("%25", "%")
