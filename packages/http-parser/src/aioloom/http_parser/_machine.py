"""The state machine shared by the request and response parsers.

Rules:
- ``receive`` only buffers; ``next_events(max_messages)`` parses. Between
  messages it starts at most ``max_messages`` new heads, so a server can bound
  its queue of unanswered requests and leave the rest buffered
  (GHSA-4fvr-rgm6-gqmc); ``buffered`` tells how many bytes wait.
- A message is a head, Body events as bytes arrive, then EndOfMessage. The
  body reader is picked from ``_READERS`` by the framing the head announced.
- After a message that switches protocols every later byte is UpgradeData.
- After a message that closes the connection more data is an error.
- An error ends the parser. ``next_events`` first returns the events of the
  messages before the bad bytes and raises on the next call; ``feed`` raises
  at once. Errors are only ``HttpParserError`` subclasses.
- The buffer is a bytes object consumed through an offset; it becomes a
  bytearray only while a partial message waits for more data.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from multidict import CIMultiDictProxy

from ._body import BodyReader, ChunkedReader, FixedLengthReader, UntilCloseReader, take
from ._decoders import Decoder
from ._errors import BadRequest, HttpParserError
from ._events import (
    Body,
    EndOfMessage,
    Event,
    RequestHead,
    ResponseHead,
    UpgradeData,
    make_body,
)
from ._fields import PartialBlockScan
from ._limits import Limits

__all__ = ["MessageParser", "NO_BODY", "LENGTH", "CHUNKED", "UNTIL_CLOSE", "Framing"]

NO_BODY, LENGTH, CHUNKED, UNTIL_CLOSE = range(4)

# (head event, framing kind, content length, decoder, switch protocols after it)
Framing = tuple[RequestHead | ResponseHead, int, int, Decoder | None, bool]

_READERS: dict[int, Callable[[Limits, int], BodyReader]] = {
    LENGTH: lambda limits, length: FixedLengthReader(length),
    CHUNKED: lambda limits, length: ChunkedReader(limits),
    UNTIL_CLOSE: lambda limits, length: UntilCloseReader(limits.max_body_size),
}

_END = EndOfMessage()


class MessageParser(ABC):
    """Base of ``RequestParser`` and ``ResponseParser`` (not public)."""

    _what = "message"
    # Heads end with CRLFCRLF and there is no bare LF (False: lenient responses).
    _strict_heads = True

    def __init__(self, limits: Limits | None, first_line_error: type[HttpParserError]) -> None:
        self._limits = limits or Limits()
        self._buf: bytes | bytearray = b""
        self._pos = 0
        self._reader: BodyReader | None = None
        self._decoder: Decoder | None = None
        self._error: HttpParserError | None = None
        self._upgraded = False
        self._switch_after_body = False
        self._close_after_body = False
        self._closed = False
        self._eof = False
        self._scan = self._make_scan(first_line_error)
        self._scanning = False

    # -- public API -------------------------------------------------------------

    @property
    def buffered(self) -> int:
        """Bytes received but not parsed yet (left by ``next_events``)."""
        return len(self._buf) - self._pos

    @property
    def error(self) -> HttpParserError | None:
        """The error that ended this parser; ``next_events`` raises it on the next call."""
        return self._error

    @property
    def upgraded(self) -> bool:
        """True once the parser switched protocols; later bytes are UpgradeData."""
        return self._upgraded

    def decline_upgrade(self, data: bytes = b"") -> None:
        """The switch was not made (the server answered the upgrade request normally).

        ``data`` is what was handed out as ``UpgradeData``; it and every later
        byte are parsed as HTTP again.
        """
        if not self._upgraded:
            raise RuntimeError("decline_upgrade() called on a parser that did not switch protocols")
        self._upgraded = False
        self.receive(data)

    def receive(self, data: bytes) -> None:
        """Buffer ``data`` without parsing it."""
        buf = self._buf
        pos = self._pos
        if pos >= len(buf) and type(data) is bytes and not self._eof:
            self._buf = data  # the common case: nothing was left over
            self._pos = 0
            return
        if self._eof:
            raise BadRequest("data received after end of input")
        if not data:
            return
        if pos >= len(buf):
            self._buf = data if type(data) is bytes else bytes(data)
            self._pos = 0
        elif isinstance(buf, bytearray):
            if pos:
                del buf[:pos]
                self._pos = 0
            buf += data
        else:
            grown = bytearray(memoryview(buf)[pos:])
            grown += data
            self._buf = grown
            self._pos = 0

    def next_events(self, max_messages: int | None = None) -> list[Event]:
        """Parse buffered bytes; start at most ``max_messages`` new messages.

        The body of a message already started is always parsed as far as the
        buffer goes. ``None`` means no bound.
        """
        if self._error is not None:
            raise self._error
        events: list[Event] = []
        try:
            self._run(events, max_messages)
        except HttpParserError as exc:
            self._fail(exc)
            if not events:
                raise
        return events

    def feed(self, data: bytes) -> list[Event]:
        """``receive(data)`` and parse everything; raises on the first error."""
        if self._error is not None:
            raise self._error
        if self._pos >= len(self._buf) and type(data) is bytes and not self._eof:
            self._buf = data  # the common case: nothing was left over
            self._pos = 0
        else:
            self.receive(data)
        events: list[Event] = []
        try:
            self._run(events, None)
        except HttpParserError as exc:
            self._fail(exc)
            raise
        return events

    def feed_eof(self) -> list[Event]:
        """Signal the end of input: finish a read-until-close body, or raise
        if a message was cut off. Returns the last events."""
        events = self.next_events()
        if self._error is not None:
            raise self._error
        self._eof = True
        if self._upgraded:
            return events
        reader = self._reader
        if reader is not None:
            if not reader.eof():
                self._fail(BadRequest(f"connection closed in the middle of a {self._what} body"))
                raise self._fail_error()
            self._finish_body(events)
        elif self._pos < len(self._buf):
            self._fail(BadRequest(f"connection closed in the middle of a {self._what} head"))
            raise self._fail_error()
        return events

    # -- machinery --------------------------------------------------------------

    def _fail(self, exc: HttpParserError) -> None:
        self._error = exc
        self._buf = b""
        self._pos = 0
        self._reader = None

    def _fail_error(self) -> HttpParserError:
        if self._error is None:  # pragma: no cover - called right after _fail
            return BadRequest("parser failed")
        return self._error

    def _make_scan(self, first_line_error: type[HttpParserError]) -> PartialBlockScan:
        return PartialBlockScan(self._limits.max_line_size, first_line_error, f"{self._what} head")

    @abstractmethod
    def _parse_head(self, head: bytes) -> Framing:
        """Check a whole head and decide how its body is framed."""

    def _find_head(self, buf: bytes | bytearray, pos: int) -> tuple[int, int]:
        """(end of head, start of what follows) or (-1, -1) if incomplete."""
        end = buf.find(b"\r\n\r\n", pos)
        if end < 0:
            return -1, -1
        return end, end + 4

    def _skip_empty_lines(self, buf: bytes | bytearray, pos: int) -> int:
        while buf.startswith(b"\r\n", pos):
            pos += 2
        return pos

    def _run(self, events: list[Event], max_messages: int | None) -> None:
        buf = self._buf
        pos = self._pos
        size = len(buf)
        started = 0
        append = events.append
        strict = self._strict_heads
        parse_head = self._parse_head
        reader = self._reader
        try:
            while True:
                if reader is not None:
                    pos = self._read_body(buf, pos, events)
                    if not reader.done:
                        break
                    reader = None  # (the body is finished: _read_body cleared it)
                if pos >= size:
                    break
                if self._upgraded:
                    append(UpgradeData(take(buf, pos, size)))
                    pos = size
                    break
                if max_messages is not None and started >= max_messages:
                    break
                if buf[pos] == 0x0D or not strict:
                    pos = self._skip_empty_lines(buf, pos)
                    if pos >= size:
                        break
                if self._closed:
                    raise BadRequest(f"data after a {self._what} that closes the connection")
                if strict:
                    end = buf.find(b"\r\n\r\n", pos)
                    after = end + 4
                else:
                    end, after = self._find_head(buf, pos)
                if end < 0:
                    self._scanning = True
                    self._scan.check(buf, pos, self._limits)
                    break
                if self._scanning:
                    self._scanning = False
                    self._scan.reset()
                if type(buf) is bytes:
                    head, kind, length, decoder, switch = parse_head(buf[pos:end])
                else:
                    head, kind, length, decoder, switch = parse_head(take(buf, pos, end))
                pos = after
                started += 1
                append(head)
                if kind == NO_BODY:
                    append(_END)
                    if switch:
                        self._upgraded = True
                    elif head.should_close:
                        self._closed = True
                elif kind == LENGTH and size - pos >= length and decoder is None:
                    # The whole body is buffered: no reader needed.
                    append(make_body(take(buf, pos, pos + length)))
                    append(_END)
                    pos += length
                    if switch:
                        self._upgraded = True
                    elif head.should_close:
                        self._closed = True
                else:
                    reader = self._reader = _READERS[kind](self._limits, length)
                    self._decoder = decoder
                    self._switch_after_body = switch
                    self._close_after_body = head.should_close
        finally:
            if pos >= size:
                self._buf = b""
                self._pos = 0
            else:
                self._pos = pos

    def _read_body(self, buf: bytes | bytearray, pos: int, events: list[Event]) -> int:
        reader = self._reader
        if reader is None:  # pragma: no cover - checked by the caller
            return pos
        pieces: list[bytes] = []
        pos = reader.read(buf, pos, pieces)
        if pieces:
            self._emit(pieces, events)
        if reader.done:
            self._finish_body(events)
        return pos

    def _emit(self, pieces: list[bytes], events: list[Event]) -> None:
        decoder = self._decoder
        if decoder is not None:
            pieces = [out for piece in pieces for out in decoder.decode(piece)]
            if not pieces:
                return
        events.append(make_body(pieces[0] if len(pieces) == 1 else b"".join(pieces)))

    def _finish_body(self, events: list[Event]) -> None:
        reader = self._reader
        decoder = self._decoder
        if decoder is not None:
            rest = decoder.flush()
            if rest:
                events.append(Body(b"".join(rest)))
        trailers = reader.trailers if reader is not None else None
        self._reader = None
        self._decoder = None
        events.append(EndOfMessage(CIMultiDictProxy(trailers)) if trailers else _END)
        self._message_done(self._close_after_body, self._switch_after_body)

    def _message_done(self, close: bool, switch: bool) -> None:
        if switch:
            self._upgraded = True
        elif close:
            self._closed = True
