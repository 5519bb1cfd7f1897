"""Serializing message heads and chunked bodies.

Names must be tokens; a CR, LF or NUL in a reason phrase, target, header name
or value raises ValueError instead of being written (no response splitting,
GHSA-mwh4-6h8g-pg8w). The check is one pass over the finished text; only a
failing head is examined item by item to name the culprit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["serialize_response_head", "serialize_request_head", "ChunkedEncoder"]

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", re.ASCII)
_VERSION = re.compile(r"[0-9]\.[0-9]", re.ASCII)
_FORBIDDEN = re.compile(r"[\r\n\x00]")


def _culprit(items: Iterable[tuple[str, str]], what: str) -> ValueError:
    for name, value in items:
        if _TOKEN.fullmatch(name) is None:
            return ValueError(f"{what} name {name!r} is not a valid token; refusing to write it")
        if _FORBIDDEN.search(value):
            return ValueError(
                f"{what} value {value!r} contains CR, LF or NUL; refusing to write it"
            )
    return ValueError(f"invalid {what}")  # pragma: no cover - only called on failure


# Header names already proven to be tokens. Applications use a handful of names,
# so checking each once and remembering it saves a regex per header per message;
# the set is bounded so that names taken from requests cannot grow it forever.
_KNOWN_NAMES: set[str] = set()
_MAX_KNOWN_NAMES = 1024
_STATUS_LINES: dict[tuple[int, str, str], str] = {}


def _fields(first: str, headers: Iterable[tuple[str, str]], what: str) -> bytes:
    items = headers if isinstance(headers, list) else list(headers)
    known = _KNOWN_NAMES
    for name, _ in items:
        if name not in known:
            if _TOKEN.fullmatch(name) is None:
                raise _culprit(items, what)
            if len(known) < _MAX_KNOWN_NAMES:
                known.add(name)
    text = "".join([first, *[f"{name}: {value}\r\n" for name, value in items], "\r\n"])
    # Exactly one CR and one LF per line, no NUL: nothing smuggled in a value.
    lines = len(items) + 2
    if text.count("\n") != lines or text.count("\r") != lines or "\x00" in text:
        raise _culprit(items, what)
    return text.encode("latin-1")


def serialize_response_head(
    status: int, reason: str, headers: Iterable[tuple[str, str]], version: str = "1.1"
) -> bytes:
    """``HTTP/version status reason CRLF`` + fields + CRLF, as one ``bytes``."""
    key = (status, reason, version)
    line = _STATUS_LINES.get(key)
    if line is None:
        if _FORBIDDEN.search(reason):
            raise ValueError(
                f"reason phrase {reason!r} contains CR, LF or NUL; refusing to write it"
            )
        if _VERSION.fullmatch(version) is None or not 100 <= status <= 999:
            raise ValueError(f"invalid status line values: HTTP/{version} {status}")
        line = f"HTTP/{version} {status} {reason}\r\n"
        if len(_STATUS_LINES) < _MAX_KNOWN_NAMES:  # checked lines, remembered (bounded)
            _STATUS_LINES[key] = line
    return _fields(line, headers, "header")


def serialize_request_head(
    method: str, target: str, headers: Iterable[tuple[str, str]], version: str = "1.1"
) -> bytes:
    """``method SP target SP HTTP/version CRLF`` + fields + CRLF."""
    if _TOKEN.fullmatch(method) is None:
        raise ValueError(f"method {method!r} is not a valid token")
    if not target or not target.isascii() or any(c <= " " or c == "\x7f" for c in target):
        raise ValueError(f"request target {target!r} contains whitespace or control characters")
    if _VERSION.fullmatch(version) is None:
        raise ValueError(f"invalid HTTP version {version!r}")
    return _fields(f"{method} {target} HTTP/{version}\r\n", headers, "header")


class ChunkedEncoder:
    """Transfer-Encoding: chunked framing for a body written piece by piece."""

    __slots__ = ("_ended",)

    def __init__(self) -> None:
        self._ended = False

    def encode(self, data: bytes) -> bytes:
        """One chunk; empty data gives b"" (an empty chunk would end the body)."""
        if self._ended:
            raise ValueError("chunked body already ended")
        if not data:
            return b""
        return b"%x\r\n%b\r\n" % (len(data), data)

    def end(self, trailers: Iterable[tuple[str, str]] | None = None) -> bytes:
        """The last chunk and the trailer section (names and values validated)."""
        if self._ended:
            raise ValueError("chunked body already ended")
        self._ended = True
        if trailers is None:
            return b"0\r\n\r\n"
        return _fields("0\r\n", trailers, "trailer")
