"""Typed parse errors: each carries the HTTP status a server should answer with."""

from __future__ import annotations

__all__ = [
    "HttpParserError",
    "BadRequest",
    "PayloadTooLarge",
    "UriTooLong",
    "HeadersTooLarge",
    "UnsupportedContentEncoding",
    "NotImplementedEncoding",
    "VersionNotSupported",
]


class HttpParserError(Exception):
    """Base class of every error the parsers raise on bad input.

    ``status`` is the response status a server should answer with; ``message``
    names what was wrong. After an error the parser is unusable: close the
    connection once the error response is written.
    """

    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(HttpParserError):
    """Malformed or ambiguous message (400)."""

    status = 400


class PayloadTooLarge(HttpParserError):
    """Body or decompressed body larger than the limit (413)."""

    status = 413


class UriTooLong(HttpParserError):
    """Request line longer than ``Limits.max_line_size`` (414)."""

    status = 414


class HeadersTooLarge(HttpParserError):
    """A header or trailer field too long, or too many of them (400).

    400, not RFC 6585's 431: aiohttp answers these with 400, and clients and
    tests written against it expect that.
    """

    status = 400


class UnsupportedContentEncoding(HttpParserError):
    """A Content-Encoding we know but cannot decode here, e.g. br without brotli (415)."""

    status = 415


class NotImplementedEncoding(HttpParserError):
    """A Transfer-Encoding other than chunked (501)."""

    status = 501


class VersionNotSupported(HttpParserError):
    """An HTTP version other than 1.0 and 1.1 (505)."""

    status = 505
