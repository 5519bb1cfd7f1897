"""Header values that decide framing and connection handling, checked strictly."""

from __future__ import annotations

from multidict import CIMultiDict

from ._abnf import CONTENT_LENGTH, MAX_LENGTH_DIGITS
from ._decoders import SUPPORTED_ENCODINGS
from ._errors import BadRequest, NotImplementedEncoding, PayloadTooLarge
from ._limits import Limits

__all__ = [
    "content_length",
    "connection_tokens",
    "transfer_codings",
    "request_transfer_encoding",
    "content_encoding",
]


def content_length(value: str, limits: Limits) -> int:
    """Content-Length must be plain ASCII digits: no sign, space, list or hex."""
    if CONTENT_LENGTH.fullmatch(value) is None:
        raise BadRequest(f"invalid Content-Length {value!r}: not a plain decimal number")
    if len(value) > MAX_LENGTH_DIGITS:
        raise BadRequest(f"Content-Length {value} overflows")
    length = int(value)
    if limits.max_body_size is not None and length > limits.max_body_size:
        raise PayloadTooLarge(f"Content-Length {length} exceeds {limits.max_body_size} bytes")
    return length


def connection_tokens(fields: CIMultiDict[str]) -> set[str]:
    """Lower-cased tokens of every Connection field (a comma-separated list)."""
    return {
        token.strip(" \t").lower()
        for value in fields.getall("Connection")
        if value.isascii()
        for token in value.split(",")
    }


def transfer_codings(value: str) -> list[str]:
    """The codings of a Transfer-Encoding field, lower-cased; rejects junk."""
    if not value.isascii():
        raise BadRequest(f"invalid Transfer-Encoding {value!r}")
    codings = [coding.strip(" \t").lower() for coding in value.split(",")]
    if "" in codings:
        raise BadRequest(f"empty element in Transfer-Encoding {value!r}")
    if codings.count("chunked") > 1:
        raise BadRequest("Transfer-Encoding applies chunked more than once")
    return codings


def request_transfer_encoding(value: str) -> None:
    """A request body's transfer codings must be exactly ``chunked``."""
    codings = transfer_codings(value)
    if codings[-1] != "chunked":
        raise BadRequest(f"Transfer-Encoding {value!r} does not end with chunked")
    if len(codings) > 1:
        raise NotImplementedEncoding(f"Transfer-Encoding {value!r}: only chunked is implemented")


def content_encoding(fields: CIMultiDict[str]) -> str | None:
    """The Content-Encoding if it is a single coding we know, else None."""
    values = fields.getall("Content-Encoding")
    if len(values) != 1 or not values[0].isascii():
        return None
    coding = values[0].strip(" \t").lower()
    return coding if coding in SUPPORTED_ENCODINGS else None
