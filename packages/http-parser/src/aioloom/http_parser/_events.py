"""Events emitted by the parsers: frozen, slotted dataclasses.

A message is a head (``RequestHead`` or ``ResponseHead``), zero or more
``Body`` events (delivered as the bytes arrive, already content-decoded when
decoding is on) and one ``EndOfMessage``. After a message that switches
protocols (Upgrade, CONNECT, 101) every later byte comes as ``UpgradeData``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from multidict import CIMultiDictProxy
from yarl import URL

from ._url import origin_form_path, origin_form_url

__all__ = [
    "HttpVersion",
    "HTTP10",
    "HTTP11",
    "RequestHead",
    "ResponseHead",
    "Body",
    "EndOfMessage",
    "UpgradeData",
    "Event",
    "make_request_head",
    "make_body",
]


@dataclass(frozen=True, slots=True, order=True)
class HttpVersion:
    major: int
    minor: int


HTTP10 = HttpVersion(1, 0)
HTTP11 = HttpVersion(1, 1)


def _raw(headers: CIMultiDictProxy[str]) -> tuple[tuple[bytes, bytes], ...]:
    # Values were decoded from validated bytes with utf-8/surrogateescape, so
    # encoding them back gives the exact bytes received (OWS stripped).
    return tuple(
        (name.encode("ascii"), value.encode("utf-8", "surrogateescape"))
        for name, value in headers.items()
    )


@dataclass(frozen=True, slots=True, init=False)
class RequestHead:
    """Request line and header fields of one request.

    ``target`` is the request-target as sent; ``url`` is built from it the way
    aiohttp does (percent-encoding preserved), and ``raw_path`` is that URL's
    encoded path (no query, no fragment), which is what a router matches.
    ``content_length`` is None for chunked bodies and requests without a length
    (body length 0). ``compression`` is the lower-cased Content-Encoding when it
    is one of gzip, deflate, br, zstd (whether or not the parser decodes it).

    The URL of an origin-form target ("/path?query") is only built when ``url``
    is first read: building one cannot fail, and a server that routes on
    ``raw_path`` never needs it for most requests (a yarl URL costs about as
    much as the rest of a small request's parse).
    """

    method: str
    target: str
    version: HttpVersion
    headers: CIMultiDictProxy[str]
    should_close: bool
    upgrade: bool
    chunked: bool
    expect_continue: bool
    content_length: int | None
    compression: str | None
    raw_path: str = field(init=False)
    _url: URL | None = field(init=False, repr=False, compare=False)

    def __init__(
        self,
        method: str,
        target: str,
        version: HttpVersion,
        headers: CIMultiDictProxy[str],
        should_close: bool,
        upgrade: bool,
        chunked: bool,
        expect_continue: bool,
        content_length: int | None,
        compression: str | None = None,
        *,
        url: URL | None = None,
    ) -> None:
        """``url`` defaults to the one built from an origin-form ``target``; give it
        for any other target, or to keep a URL that was not built from the target."""
        if url is None:
            if not target.startswith("/"):
                raise ValueError(f"target {target!r} is not origin-form: pass its url")
            raw_path = origin_form_path(target)
        else:
            raw_path = url.raw_path
        values: tuple[object, ...] = (method, target, version, headers, should_close, upgrade)
        values += (chunked, expect_continue, content_length, compression, raw_path, url)
        for name, value in zip(RequestHead.__slots__, values, strict=True):  # field order
            object.__setattr__(self, name, value)  # (frozen: the parsers use the builder below)

    @property
    def url(self) -> URL:
        url = self._url
        if url is None:
            url = origin_form_url(self.target)
            object.__setattr__(self, "_url", url)
        return url

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """Header (name, value) pairs as the bytes received, OWS stripped."""
        return _raw(self.headers)


@dataclass(frozen=True, slots=True)
class ResponseHead:
    """Status line and header fields of one response."""

    status: int
    reason: str
    version: HttpVersion
    headers: CIMultiDictProxy[str]
    should_close: bool
    upgrade: bool
    chunked: bool
    content_length: int | None
    compression: str | None = None

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """Header (name, value) pairs as the bytes received, OWS stripped."""
        return _raw(self.headers)


@dataclass(frozen=True, slots=True)
class Body:
    data: bytes


@dataclass(frozen=True, slots=True)
class EndOfMessage:
    trailers: CIMultiDictProxy[str] | None = None


@dataclass(frozen=True, slots=True)
class UpgradeData:
    """Bytes after a protocol switch, handed back untouched."""

    data: bytes


Event = RequestHead | ResponseHead | Body | EndOfMessage | UpgradeData


# Fast constructors for the parsers' hot path, and why they exist: a frozen
# dataclass's __init__ stores every field through object.__setattr__, which
# for RequestHead's 12 fields costs about 17k CPU instructions (callgrind)
# against 4k here; the difference is a sixth of a whole GET. These declare
# the same __slots__ (so Python allows the __class__ assignment: same memory
# layout), store the fields as plain attributes and then become the frozen
# class. The result is an ordinary, frozen instance of the event class
# (test_fast_path_events_are_the_frozen_classes).
class _RequestHeadBuilder:
    __slots__ = RequestHead.__slots__

    def __init__(
        self,
        method: str,
        target: str,
        raw_path: str,
        url: URL | None,
        version: HttpVersion,
        headers: CIMultiDictProxy[str],
        should_close: bool,
        upgrade: bool,
        chunked: bool,
        expect_continue: bool,
        content_length: int | None,
        compression: str | None,
    ) -> None:
        self.method = method
        self.target = target
        self.raw_path = raw_path
        self._url = url  # None: built from the (origin-form) target when first read
        self.version = version
        self.headers = headers
        self.should_close = should_close
        self.upgrade = upgrade
        self.chunked = chunked
        self.expect_continue = expect_continue
        self.content_length = content_length
        self.compression = compression
        self.__class__ = RequestHead  # type: ignore[assignment]


class _BodyBuilder:
    __slots__ = Body.__slots__

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.__class__ = Body  # type: ignore[assignment]


make_request_head = cast(
    "Callable[[str, str, str, URL | None, HttpVersion, CIMultiDictProxy[str], bool, bool, "
    "bool, bool, int | None, str | None], RequestHead]",
    cast(Any, _RequestHeadBuilder),
)
make_body = cast("Callable[[bytes], Body]", cast(Any, _BodyBuilder))
