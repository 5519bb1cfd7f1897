"""Percent-encoding of route paths and URL parts, done the way yarl does it."""

from __future__ import annotations

from yarl import URL

__all__ = ["quote_path", "requote_path", "unquote_path"]


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
    """Decode a matched, percent-encoded path part (``%2F`` becomes ``/``)."""
    if "%" not in value:
        return value
    return URL.build(path=value, encoded=True).path
