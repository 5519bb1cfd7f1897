"""Response heads, remembered: a server sends the same few heads over and over.

Serializing checks every name and value (no response splitting) and formats
each line; looking the finished bytes up by their inputs costs a fraction of
that. The key holds every input, so a hit is exactly what serializing would
give. The ``Date`` value changes every second, so entries go stale quickly:
the table is simply emptied when full. Large heads (cookies, long values) are
not kept, so the table stays small.
"""

from __future__ import annotations

from multidict import CIMultiDict

from aioloom.http_parser import serialize_response_head

__all__ = ["response_head"]

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
