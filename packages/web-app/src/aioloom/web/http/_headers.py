"""Parsing of header values that requests and responses share."""

from __future__ import annotations

import datetime
import email.utils
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
]

_ETAG = re.compile(r'(W/)?"([\x21\x23-\x7e\x80-\xff]*)"')
_ETAG_LIST_ITEM = re.compile(r'\s*(?:(W/)?"([\x21\x23-\x7e\x80-\xff]*)")\s*(?:,|$)')
ETAG_ANY = "*"


@dataclass(frozen=True, slots=True)
class ETag:
    value: str
    is_weak: bool = False


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
    if isinstance(value, datetime.datetime):
        value = value.timestamp()
    return email.utils.formatdate(value, usegmt=True)
