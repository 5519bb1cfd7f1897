"""Typed parse errors: each carries the HTTP status a server should answer with."""

from __future__ import annotations

__all__ = [
    "HttpParserError",
    "BadRequest",
    "PayloadTooLarge",
    "UriTooLong",
    "HeadersTooLarge",
    "NotImplementedEncoding",
]


class HttpParserError(Exception):
    """Base class of every error the parser raises on bad input."""

    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(HttpParserError):
    status = 400


class PayloadTooLarge(HttpParserError):
    status = 413


class UriTooLong(HttpParserError):
    status = 414


class HeadersTooLarge(HttpParserError):
    status = 431


class NotImplementedEncoding(HttpParserError):
    status = 501
