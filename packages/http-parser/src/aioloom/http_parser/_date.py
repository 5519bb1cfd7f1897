"""The ``Date`` header value, formatted once per second."""

from __future__ import annotations

import time
from email.utils import formatdate

__all__ = ["http_date"]

_cache: tuple[int, str] = (0, "")


def http_date(now: float | None = None) -> str:
    """IMF-fixdate for ``now`` (default: the current time), cached per second."""
    global _cache
    second = int(time.time() if now is None else now)
    if _cache[0] != second:
        _cache = (second, formatdate(second, usegmt=True))
    return _cache[1]
