"""Events emitted by the parsers: frozen, slotted dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from multidict import CIMultiDictProxy
from yarl import URL

__all__ = ["HttpVersion", "RequestHead", "Body", "EndOfMessage", "Event"]


@dataclass(frozen=True, slots=True)
class HttpVersion:
    major: int
    minor: int


HTTP10 = HttpVersion(1, 0)
HTTP11 = HttpVersion(1, 1)


@dataclass(frozen=True, slots=True)
class RequestHead:
    method: str
    target: str
    url: URL
    version: HttpVersion
    headers: CIMultiDictProxy[str]
    raw_headers: tuple[tuple[bytes, bytes], ...]
    should_close: bool
    upgrade: bool
    chunked: bool
    expect_continue: bool
    content_length: int | None


@dataclass(frozen=True, slots=True)
class Body:
    data: bytes


@dataclass(frozen=True, slots=True)
class EndOfMessage:
    trailers: CIMultiDictProxy[str] | None = None


Event = RequestHead | Body | EndOfMessage
