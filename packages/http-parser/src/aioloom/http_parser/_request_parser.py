"""Incremental HTTP/1.x request parser (sans-IO).

Rules: bytes go in through ``feed``; events come out in order. A message is a
``RequestHead``, then zero or more ``Body``, then ``EndOfMessage``. The parser
never waits on I/O and never buffers more than one line past a limit.
"""

from __future__ import annotations

import re

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ._errors import BadRequest, HeadersTooLarge, UriTooLong
from ._events import HTTP10, Body, EndOfMessage, Event, HttpVersion, RequestHead
from ._limits import Limits

__all__ = ["RequestParser"]

_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_REQUEST_LINE = re.compile(rb"(" + _TOKEN + rb") (\S+) HTTP/([0-9])\.([0-9])")
_HEADER = re.compile(rb"(" + _TOKEN + rb"):[ \t]*([^\x00-\x08\x0a-\x1f\x7f]*?)[ \t]*")
_DIGITS = re.compile(rb"[0-9]{1,18}")


class RequestParser:
    def __init__(self, limits: Limits | None = None) -> None:
        self._limits = limits or Limits()
        self._buffer = bytearray()
        self._body_left = 0

    def feed(self, data: bytes) -> list[Event]:
        self._buffer += data
        events: list[Event] = []
        while True:
            if self._body_left:
                if not self._buffer:
                    break
                chunk = bytes(self._buffer[: self._body_left])
                del self._buffer[: len(chunk)]
                self._body_left -= len(chunk)
                events.append(Body(chunk))
                if not self._body_left:
                    events.append(EndOfMessage())
                continue
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                self._check_incomplete_head()
                break
            head = bytes(self._buffer[:end])
            del self._buffer[: end + 4]
            message = self._parse_head(head)
            events.append(message)
            if message.content_length:
                self._body_left = message.content_length
            else:
                events.append(EndOfMessage())
        return events

    def _check_incomplete_head(self) -> None:
        limit = self._limits.max_line_size + self._limits.max_field_size * self._limits.max_headers
        if len(self._buffer) > limit:
            raise HeadersTooLarge("request head exceeds the size limit")

    def _parse_head(self, head: bytes) -> RequestHead:
        lines = head.split(b"\r\n")
        if len(lines[0]) > self._limits.max_line_size:
            raise UriTooLong(f"request line longer than {self._limits.max_line_size} bytes")
        line = _REQUEST_LINE.fullmatch(lines[0])
        if line is None:
            raise BadRequest("malformed request line")
        if len(lines) - 1 > self._limits.max_headers:
            raise HeadersTooLarge(f"more than {self._limits.max_headers} header fields")
        raw: list[tuple[bytes, bytes]] = []
        headers: CIMultiDict[str] = CIMultiDict()
        for field in lines[1:]:
            if len(field) > self._limits.max_field_size:
                raise HeadersTooLarge(f"header field longer than {self._limits.max_field_size} bytes")
            match = _HEADER.fullmatch(field)
            if match is None:
                raise BadRequest("malformed header field")
            name, value = match.group(1), match.group(2)
            raw.append((name, value))
            headers.add(name.decode("ascii"), value.decode("latin-1"))
        length: int | None = None
        if "Content-Length" in headers:
            text = headers["Content-Length"].encode("ascii")
            if _DIGITS.fullmatch(text) is None:
                raise BadRequest("Content-Length is not a plain decimal number")
            length = int(text)
        version = HttpVersion(int(line.group(3)), int(line.group(4)))
        connection = headers.get("Connection", "").lower()
        target = line.group(2).decode("ascii", "surrogateescape")
        return RequestHead(
            method=line.group(1).decode("ascii"),
            target=target,
            url=URL(target, encoded=True),
            version=version,
            headers=CIMultiDictProxy(headers),
            raw_headers=tuple(raw),
            should_close=connection == "close" or (version == HTTP10 and connection != "keep-alive"),
            upgrade=False,
            chunked=False,
            expect_continue=headers.get("Expect", "").lower() == "100-continue",
            content_length=length,
        )
