"""Parsing of header values that requests and responses share."""

from __future__ import annotations

import datetime
import email.utils
import math
import re
from dataclasses import dataclass
from email.message import Message
from types import MappingProxyType

__all__ = [
    "ETag",
    "parse_content_type",
    "parse_http_date",
    "format_http_date",
    "parse_etags",
    "ETAG_ANY",
    "etag_from_header",
    "etag_header",
]

# An entity tag: one or more etagc (RFC 9110 8.8.3) in quotes, W/ for a weak one.
_ETAGC = re.compile(r"[\x21\x23-\x7e\x80-\xff]+")
_ETAG = re.compile(r'(W/)?"([\x21\x23-\x7e\x80-\xff]+)"')
_ETAG_LIST_ITEM = re.compile(r'\s*(?:(W/)?"([\x21\x23-\x7e\x80-\xff]*)")\s*(?:,|$)')
ETAG_ANY = "*"


@dataclass(frozen=True, slots=True)
class ETag:
    value: str
    is_weak: bool = False


def etag_from_header(value: str | None) -> ETag | None:
    """A response's ``ETag`` header as aiohttp reads it: None when absent or malformed."""
    if not value:
        return None
    if value == ETAG_ANY:
        return ETag(ETAG_ANY)
    match = _ETAG.fullmatch(value)
    if match is None:
        return None
    return ETag(match.group(2), bool(match.group(1)))


def etag_header(value: ETag | str) -> str:
    """The ``ETag`` header for ``value``; ValueError for a value no header can carry."""
    if isinstance(value, ETag) and isinstance(value.value, str):
        tag, weak = value.value, value.is_weak
    elif isinstance(value, str):
        tag, weak = value, False
    else:
        raise ValueError(f"Unsupported etag type: {type(value)}; use str, ETag or None")
    if tag == ETAG_ANY:
        return ETAG_ANY
    if _ETAGC.fullmatch(tag) is None:
        raise ValueError(f"Value {tag!r} is not a valid etag (ETag: no quotes, spaces, controls)")
    return f'W/"{tag}"' if weak else f'"{tag}"'


def parse_etags(header: str | None) -> tuple[ETag, ...] | None:
    """``If-Match`` / ``If-None-Match``: a tuple of ETags; ``*`` is ``ETag('*')``."""
    if header is None:
        return None
    if header.strip() == ETAG_ANY:
        return (ETag(ETAG_ANY),)
    tags = []
    position = 0
    while position < len(header):
        match = _ETAG_LIST_ITEM.match(header, position)
        if match is None or match.end() == position:
            break
        tags.append(ETag(match.group(2), bool(match.group(1))))
        position = match.end()
    return tuple(tags)


def parse_content_type(header: str | None) -> tuple[str, MappingProxyType[str, str]]:
    """Media type (lower case) and its parameters; ``application/octet-stream`` when absent."""
    if not header:
        return "application/octet-stream", MappingProxyType({})
    message = Message()
    message["content-type"] = header
    params = {k.lower(): str(v) for k, v in message.get_params(failobj=[])[1:]}
    if header.partition(";")[0].count("/") != 1:
        # Not type/subtype: email's text/plain fallback would invite sniffing;
        # aiohttp (and RFC 9110 8.3) treat it as unknown bytes.
        return "application/octet-stream", MappingProxyType(params)
    return message.get_content_type(), MappingProxyType(params)


def parse_http_date(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def format_http_date(value: datetime.datetime | float) -> str:
    """An IMF-fixdate; a fractional second rounds up (as aiohttp 3.14.2+).

    Rounding down would give a Last-Modified earlier than the file's mtime, and
    a client revalidating with If-Modified-Since would then be told "modified".
    """
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # naive: UTC, as aiohttp reads it (not local time)
            value = value.replace(tzinfo=datetime.UTC)
        value = value.timestamp()
    elif not isinstance(value, int | float):  # aiohttp's words: code matches on them
        raise TypeError(f"Unsupported type for last_modified: {type(value).__name__}")
    return email.utils.formatdate(math.ceil(value), usegmt=True)
