"""Incremental HTTP/1.x response parser (sans-IO), for clients and tests.

Rules (RFC 9112 §6.3): a response to HEAD, and any 1xx, 204 or 304, has no
body; 101 and a 2xx answer to CONNECT switch protocols; chunked framing wins
only as the last transfer coding, otherwise the body runs until the
connection closes (``feed_eof`` ends it). Strict by default; ``lenient=True``
accepts what real-world servers send: bare LF line ends, obs-fold, control
characters other than NUL/CR/LF in values, duplicated identical
Content-Length and Content-Length beside chunked (chunked wins).
"""

from __future__ import annotations

from collections import deque

from multidict import CIMultiDictProxy

from ._abnf import (
    HEAD_CHECK_TABLE,
    HEAD_END_LENIENT,
    LENIENT_EOL,
    LENIENT_HEAD_CHECK_TABLE,
    OBS_FOLD,
    STATUS_LINE,
)
from ._decoders import make_decoder
from ._errors import BadRequest, HttpParserError, NotImplementedEncoding, VersionNotSupported
from ._events import HTTP10, HTTP11, ResponseHead
from ._fields import PartialBlockScan, parse_head
from ._framing import connection_tokens, content_encoding, content_length, transfer_codings
from ._limits import Limits
from ._machine import CHUNKED, LENGTH, NO_BODY, UNTIL_CLOSE, Framing, MessageParser

__all__ = ["ResponseParser"]


def _check_partial_status_line(line: bytes, complete: bool) -> None:
    if line == b"\r":
        return  # the start of an empty line between responses
    text = line.decode("utf-8", "surrogateescape")
    if complete:
        if STATUS_LINE.fullmatch(text) is None:
            raise BadRequest("malformed status line: expected 'HTTP/x.y SP 3DIGIT SP reason'")
        return
    if not "HTTP/1.1 200 ".startswith(text[:5]):
        raise BadRequest("malformed status line: expected 'HTTP/x.y SP 3DIGIT SP reason'")
    if len(text) >= 8 and (text[5] != "1" or text[7] not in "01"):
        raise VersionNotSupported(f"HTTP version {text[5]}.{text[7]} is not supported")


class ResponseParser(MessageParser):
    """Parse responses; tell it the method of each request with
    ``expect_response_to`` (or ``request_method`` for the first one) so that
    responses to HEAD and CONNECT are framed right. Default method: GET."""

    _what = "response"

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        decompress: bool = True,
        lenient: bool = False,
        request_method: str | None = None,
    ) -> None:
        self._lenient = lenient
        self._strict_heads = not lenient
        super().__init__(limits, BadRequest)
        self._decompress = decompress
        self._methods: deque[str] = deque()
        if request_method is not None:
            self._methods.append(request_method)

    def expect_response_to(self, method: str) -> None:
        """Queue the method of the next request sent on this connection."""
        self._methods.append(method)

    def _make_scan(self, first_line_error: type[HttpParserError]) -> PartialBlockScan:
        return PartialBlockScan(
            self._limits.max_line_size,
            first_line_error,
            "response head",
            _check_partial_status_line,
            strict=not self._lenient,
        )

    def _find_head(self, buf: bytes | bytearray, pos: int) -> tuple[int, int]:
        if not self._lenient:
            return super()._find_head(buf, pos)
        match = HEAD_END_LENIENT.search(buf, pos)
        if match is None:
            return -1, -1
        return match.start(), match.end()

    def _skip_empty_lines(self, buf: bytes | bytearray, pos: int) -> int:
        if not self._lenient:
            return super()._skip_empty_lines(buf, pos)
        while buf.startswith(b"\r\n", pos) or buf.startswith(b"\n", pos):
            pos += 1 if buf[pos] == 0x0A else 2
        return pos

    def _parse_head(self, head: bytes) -> Framing:
        limits = self._limits
        table = HEAD_CHECK_TABLE
        if self._lenient:
            head = OBS_FOLD.sub(b" ", LENIENT_EOL.sub(b"\r\n", head))
            table = LENIENT_HEAD_CHECK_TABLE
        line, fields, special = parse_head(head, limits, table, BadRequest, "status line")
        match = STATUS_LINE.fullmatch(line)
        if match is None:
            raise BadRequest("malformed status line: expected 'HTTP/x.y SP 3DIGIT SP reason'")
        major, minor, code, reason = match.groups()
        if major != "1" or minor not in ("0", "1"):
            raise VersionNotSupported(f"HTTP version {major}.{minor} is not supported")
        status = int(code)
        if status < 100:
            raise BadRequest(f"invalid status code {code}")
        version = HTTP11 if minor == "1" else HTTP10
        method = self._methods[0] if self._methods else "GET"
        if (status >= 200 or status == 101) and self._methods:
            self._methods.popleft()
        names = set(special)
        if not self._lenient and special.count(b"content-length") > 1:
            raise BadRequest("duplicate 'content-length' header field")
        close = version is HTTP10
        tokens = connection_tokens(fields) if b"connection" in names else set()
        if "close" in tokens:
            close = True
        elif "keep-alive" in tokens:
            close = False
        length: int | None = None
        if b"content-length" in names:
            values = set(fields.getall("Content-Length"))
            if len(values) > 1:
                raise BadRequest("differing Content-Length values")
            length = content_length(values.pop(), limits)
        chunked = switch = False
        kind = NO_BODY
        if status == 101 or (method == "CONNECT" and 200 <= status < 300):
            switch = True
        elif method == "HEAD" or status < 200 or status in (204, 304):
            pass
        elif b"transfer-encoding" in names:
            if length is not None and not self._lenient:
                raise BadRequest("Content-Length together with Transfer-Encoding")
            length = None
            codings = transfer_codings(",".join(fields.getall("Transfer-Encoding")))
            if codings[-1] == "chunked":
                if len(codings) > 1:
                    raise NotImplementedEncoding("only the chunked transfer coding is implemented")
                chunked = True
                kind = CHUNKED
            else:
                kind = UNTIL_CLOSE
                close = True
        elif length is not None:
            kind = LENGTH if length else NO_BODY
        else:
            kind = UNTIL_CLOSE
            close = True
        compression = content_encoding(fields) if b"content-encoding" in names else None
        decoder = None
        if compression is not None and self._decompress and kind != NO_BODY:
            decoder = make_decoder(compression, limits.max_decompressed_size)
        event = ResponseHead(
            status,
            reason or "",
            version,
            CIMultiDictProxy(fields),
            close,
            switch,
            chunked,
            length,
            compression,
        )
        return event, kind, length or 0, decoder, switch
