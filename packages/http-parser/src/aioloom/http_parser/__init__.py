"""aioloom.http_parser: a strict, fast sans-IO HTTP/1.x parser and serializer."""

from .__about__ import __version__
from ._date import http_date
from ._decoders import available_encodings
from ._errors import (
    BadRequest,
    HeadersTooLarge,
    HttpParserError,
    NotImplementedEncoding,
    PayloadTooLarge,
    UnsupportedContentEncoding,
    UriTooLong,
    VersionNotSupported,
)
from ._events import (
    HTTP10,
    HTTP11,
    Body,
    EndOfMessage,
    Event,
    HttpVersion,
    RequestHead,
    ResponseHead,
    UpgradeData,
)
from ._limits import Limits
from ._request_parser import DEFAULT_UPGRADE_PROTOCOLS, RequestParser
from ._response_parser import ResponseParser
from ._writer import ChunkedEncoder, serialize_request_head, serialize_response_head

__all__ = [
    "__version__",
    # parsers
    "RequestParser",
    "ResponseParser",
    "Limits",
    "DEFAULT_UPGRADE_PROTOCOLS",
    "available_encodings",
    # events
    "Event",
    "RequestHead",
    "ResponseHead",
    "Body",
    "EndOfMessage",
    "UpgradeData",
    "HttpVersion",
    "HTTP10",
    "HTTP11",
    # errors
    "HttpParserError",
    "BadRequest",
    "PayloadTooLarge",
    "UriTooLong",
    "HeadersTooLarge",
    "UnsupportedContentEncoding",
    "NotImplementedEncoding",
    "VersionNotSupported",
    # writer
    "serialize_response_head",
    "serialize_request_head",
    "ChunkedEncoder",
    "http_date",
]
