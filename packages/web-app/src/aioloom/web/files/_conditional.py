"""Conditional requests (RFC 9110 §13) evaluated against a representation's validators.

The order is the RFC's (§13.2.2): If-Match, else If-Unmodified-Since (→ 412);
then If-None-Match, else If-Modified-Since for GET/HEAD (→ 304, or 412 for other
methods). If-Range is evaluated separately, only to decide whether Range applies
(a date as aiohttp compares it: not modified since).
Dates compare at whole seconds: ``last_modified`` is the value sent in Last-Modified.
A header that does not parse is ignored, as §13.1.3 and §13.1.4 require.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from ..http._headers import ETAG_ANY, ETag, parse_etags, parse_http_date

__all__ = ["Precondition", "evaluate_preconditions", "if_range_allows"]


class Precondition(enum.Enum):
    PROCEED = 200
    NOT_MODIFIED = 304
    FAILED = 412


def _strong_match(etag: str, tags: tuple[ETag, ...]) -> bool:
    return any(tag.value == ETAG_ANY or (not tag.is_weak and tag.value == etag) for tag in tags)


def _weak_match(etag: str, tags: tuple[ETag, ...]) -> bool:
    return any(tag.value in (ETAG_ANY, etag) for tag in tags)


def _timestamp(value: str | None) -> float | None:
    parsed = parse_http_date(value)
    return None if parsed is None else parsed.timestamp()


def evaluate_preconditions(
    method: str, headers: Mapping[str, str], *, etag: str, last_modified: int
) -> Precondition:
    """What a GET (or other method) with these If-* headers gets; ``etag`` is strong."""
    if_match = parse_etags(headers.get("If-Match"))
    if if_match is not None:
        if not _strong_match(etag, if_match):
            return Precondition.FAILED
    else:
        since = _timestamp(headers.get("If-Unmodified-Since"))
        if since is not None and last_modified > since:
            return Precondition.FAILED
    safe = method in ("GET", "HEAD")
    if_none_match = parse_etags(headers.get("If-None-Match"))
    if if_none_match is not None:
        if _weak_match(etag, if_none_match):
            return Precondition.NOT_MODIFIED if safe else Precondition.FAILED
    elif safe:
        since = _timestamp(headers.get("If-Modified-Since"))
        if since is not None and last_modified <= since:
            return Precondition.NOT_MODIFIED
    return Precondition.PROCEED


def if_range_allows(header: str | None, *, etag: str, last_modified: int) -> bool:
    """Whether Range may be honoured: no If-Range, or one that still holds.

    An entity tag must match strongly (§13.1.5; a weak tag never does). A date
    holds when the representation was not modified after it: aiohttp's rule
    (the RFC asks for an exact match with Last-Modified). A value that is
    neither means: send the whole representation.
    """
    if header is None:
        return True
    value = header.strip()
    if value.startswith(('"', "W/")):
        tags = parse_etags(value)
        return tags is not None and len(tags) == 1 and not tags[0].is_weak and tags[0].value == etag
    since = _timestamp(value)
    return since is not None and last_modified <= since
