"""Response heads, remembered: a server sends the same few heads over and over.

Serializing checks every name and value (no response splitting) and formats
each line; looking the finished bytes up by their inputs costs a fraction of
that. The key holds every input, so a hit is exactly what serializing would
give. The ``Date`` value changes every second, so entries go stale quickly:
the table is simply emptied when full. Large heads (cookies, long values) are
not kept, so the table stays small.

The commonest answer, a ``Response`` whose only header is its Content-Type,
has a second, shorter table: keyed by the few values its head depends on, it
gives the head bytes and the header lines serializing added (Content-Length,
Date, Server, Connection), so the response's headers end up the same as if
they had been completed one by one. It is emptied when the second (and so
the Date) changes.
"""

from __future__ import annotations

import time

from multidict import CIMultiDict

from aioloom.http_parser import serialize_response_head

from ._headers import format_http_date

__all__ = ["response_head", "http_date_now", "plain_head", "remember_plain_head", "PlainKey"]

_MAX_ENTRIES = 256
_MAX_CACHED_HEAD = 1024
_heads: dict[tuple[int, str, tuple[int, int], tuple[tuple[str, str], ...]], bytes] = {}


def response_head(
    status: int, reason: str, version: tuple[int, int], headers: CIMultiDict[str]
) -> bytes:
    """``serialize_response_head`` for these inputs; ValueError for an invalid head."""
    items = tuple(headers.items())
    key = (status, reason, version, items)
    head = _heads.get(key)
    if head is None:
        head = serialize_response_head(status, reason, items, f"{version[0]}.{version[1]}")
        if len(head) <= _MAX_CACHED_HEAD:
            if len(_heads) >= _MAX_ENTRIES:
                _heads.clear()
            _heads[key] = head
    return head


_date: tuple[int, str] = (0, "")

# (status, reason, version, keep-alive, Content-Type, body length)
PlainKey = tuple[int, str, tuple[int, int], bool | None, str, int]
# (head bytes, the (name, value) lines added to the headers, in order)
PlainHead = tuple[bytes, list[tuple[str, str]]]
_plain: dict[PlainKey, PlainHead] = {}


def http_date_now() -> str:
    """The ``Date`` value for now (formatted once per second)."""
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, format_http_date(now))
        _plain.clear()  # their Date is stale
    return _date[1]


def plain_head(key: PlainKey) -> PlainHead | None:
    """The remembered head of a Content-Type-only response, if any."""
    if _date[0] != int(time.time()):
        http_date_now()
        return None
    return _plain.get(key)


def remember_plain_head(key: PlainKey, head: bytes, headers: CIMultiDict[str]) -> None:
    """Remember a head just serialized (with the current Date) from ``headers``.

    They held only the Content-Type before: every line after it was added.
    """
    if len(head) > _MAX_CACHED_HEAD:
        return
    if len(_plain) >= _MAX_ENTRIES:
        _plain.clear()
    _plain[key] = (head, list(headers.items())[1:])
