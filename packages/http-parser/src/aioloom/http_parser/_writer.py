"""Serializing response heads: status line and headers in one ``bytes``."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["serialize_response_head"]

_FORBIDDEN = frozenset("\r\n\x00")


def _check(text: str, what: str) -> None:
    if not _FORBIDDEN.isdisjoint(text):
        raise ValueError(f"{what} {text!r} contains CR, LF or NUL; refusing to write it")


def serialize_response_head(
    status: int, reason: str, headers: Iterable[tuple[str, str]], version: str = "1.1"
) -> bytes:
    _check(reason, "reason phrase")
    parts = [f"HTTP/{version} {status} {reason}\r\n"]
    for name, value in headers:
        _check(name, "header name")
        _check(value, "header value")
        parts.append(f"{name}: {value}\r\n")
    parts.append("\r\n")
    return "".join(parts).encode("latin-1")
