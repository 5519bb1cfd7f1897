"""Errors raised while reading a form or a multipart body.

The web layer answers ``FormError`` (and so every ``MultipartError``) with 400 and
``RequestBodyTooLarge`` with 413 ``HTTPRequestEntityTooLarge(max_size, actual_size)``.
"""

from __future__ import annotations

__all__ = [
    "FormError",
    "TooManyFields",
    "MultipartError",
    "InvalidBoundary",
    "MalformedMultipart",
    "TruncatedMultipart",
    "PartHeaderError",
    "TooManyParts",
    "BadContentDisposition",
    "PartDecodeError",
    "RequestBodyTooLarge",
]


class FormError(ValueError):
    """The request body is not a valid form (answer 400)."""


class TooManyFields(FormError):
    """An urlencoded body has more fields than allowed."""


class MultipartError(FormError):
    """The body is not valid multipart (answer 400)."""


class InvalidBoundary(MultipartError):
    """Content-Type is not multipart, or its boundary is missing or invalid."""


class MalformedMultipart(MultipartError):
    """Bytes that break the multipart grammar, e.g. junk after a boundary."""


class TruncatedMultipart(MultipartError):
    """The body ended before the closing boundary (truncated part or missing boundary)."""


class PartHeaderError(MultipartError):
    """A part's header block is malformed or exceeds its limits."""


class TooManyParts(MultipartError):
    """The body has more parts than allowed."""


class BadContentDisposition(MultipartError):
    """A Content-Disposition header that cannot be parsed, or lacks what a form needs."""


class PartDecodeError(MultipartError):
    """A part's transfer encoding, content encoding, charset or JSON is invalid."""


class RequestBodyTooLarge(Exception):
    """The body exceeded ``max_size`` bytes; raised while reading, before buffering more."""

    def __init__(self, max_size: int, actual_size: int) -> None:
        super().__init__(
            f"Maximum request body size {max_size} exceeded, actual body size {actual_size}"
        )
        self.max_size = max_size
        self.actual_size = actual_size
