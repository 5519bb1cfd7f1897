"""What this package needs from its callers, as structural types."""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["HeadersLike", "TransportLike"]


class HeadersLike(Protocol):
    """Read access to HTTP headers with case-insensitive names.

    ``Mapping[str, str]`` with lower-case lookups handled by the caller, or a
    multidict ``CIMultiDictProxy``. When the object also has
    ``getall(name, default)`` (as multidicts do), repeated header lines are
    joined with commas, as RFC 9110 section 5.3 allows.
    """

    def get(self, key: str, /) -> str | None: ...


class TransportLike(Protocol):
    """The part of ``asyncio.Transport`` the connection layer uses."""

    def write(self, data: bytes, /) -> None: ...

    def is_closing(self) -> bool: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...

    def get_extra_info(self, name: str, default: Any = None, /) -> Any: ...
