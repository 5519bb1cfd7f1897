"""aioloom.http_parser: a sans-IO HTTP/1.x parser and serializer."""

from .__about__ import __version__
from ._errors import (
    BadRequest,
    HeadersTooLarge,
    HttpParserError,
    NotImplementedEncoding,
    PayloadTooLarge,
    UriTooLong,
)
from ._events import Body, EndOfMessage, Event, HttpVersion, RequestHead
from ._limits import Limits
from ._request_parser import RequestParser
from ._writer import serialize_response_head

__all__ = [
    "__version__",
    "RequestParser",
    "Limits",
    "Event",
    "RequestHead",
    "Body",
    "EndOfMessage",
    "HttpVersion",
    "HttpParserError",
    "BadRequest",
    "PayloadTooLarge",
    "UriTooLong",
    "HeadersTooLarge",
    "NotImplementedEncoding",
    "serialize_response_head",
]
