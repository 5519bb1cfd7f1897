"""Incremental HTTP/1.x request parser (sans-IO).

Rules: one ``find(b"\\r\\n\\r\\n")`` finds the end of a head; the head is
validated as a whole (``_fields.parse_head``), then the request line, then the
fields that decide framing: Transfer-Encoding with Content-Length, a
Transfer-Encoding that is not exactly ``chunked``, a malformed or duplicated
Content-Length, a duplicated Host or other singleton field are all rejected
(400 unless noted). Bodies are read by the readers in ``_body``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from hmac import compare_digest

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ._abnf import (
    HEAD_CHECK_TABLE,
    LOOKALIKE_FRAMING_FIELD,
    REQUEST_LINE,
    REQUEST_LINE_PREFIX,
    SINGLETON_FIELDS,
)
from ._decoders import make_decoder
from ._errors import BadRequest, HttpParserError, UriTooLong, VersionNotSupported
from ._events import HTTP10, HTTP11, HttpVersion, make_request_head
from ._fields import PartialBlockScan, duplicated_singletons, parse_head
from ._framing import (
    connection_tokens,
    content_encoding,
    content_length,
    request_transfer_encoding,
)
from ._limits import Limits
from ._machine import CHUNKED, LENGTH, NO_BODY, Framing, MessageParser
from ._request_head import split_request_head, split_request_line
from ._url import origin_form_path, target_to_url

__all__ = ["RequestParser", "DEFAULT_UPGRADE_PROTOCOLS"]

_SEPARATORS = re.compile(r"[-_]+")
DEFAULT_UPGRADE_PROTOCOLS = frozenset({"websocket", "tcp"})
_NO_BODY_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "TRACE"})
# The fields that decide keep-alive, upgrade, body framing and Expect.
_FRAMING_FIELDS = frozenset(
    {"connection", "transfer-encoding", "content-length", "expect", "content-encoding"}
)


def _request_line_error(line: str) -> BadRequest:
    parts = line.split(" ")
    if len(parts) != 3:
        return BadRequest("malformed request line: expected 'METHOD SP target SP HTTP/x.y'")
    method, target, version = parts
    if REQUEST_LINE.fullmatch(f"{method} / HTTP/1.1") is None:
        return BadRequest(f"invalid method {method!r} in request line")
    if REQUEST_LINE.fullmatch(f"GET {target} HTTP/1.1") is None:
        return BadRequest("invalid character in request target")
    return BadRequest(f"invalid HTTP version {version!r} in request line")


def _check_partial_request_line(line: bytes, complete: bool) -> None:
    if line == b"\r":
        return  # the start of an empty line between pipelined requests
    if complete:
        match = REQUEST_LINE.fullmatch(line.decode("latin-1"))
        if match is None:
            raise _request_line_error(line.decode("latin-1"))
        major, minor = match.group(3), match.group(4)
    else:
        prefix = REQUEST_LINE_PREFIX.fullmatch(line)
        if prefix is None:
            raise _request_line_error(line.decode("latin-1") + " ")
        if prefix.group(1) is None:
            return
        major, minor = chr(line[-3 - line.endswith(b"\r")]), prefix.group(1).decode()
    if major != "1" or minor not in ("0", "1"):
        raise VersionNotSupported(f"HTTP version {major}.{minor} is not supported")


def _check_lookalikes(names: Iterable[str]) -> None:
    """Reject names that some proxies would read as a framing field."""
    for name in names:
        lowered = name.lower()
        normal = _SEPARATORS.sub("-", lowered)
        if normal != lowered and normal in ("transfer-encoding", "content-length"):
            raise BadRequest(f"header name {name!r} resembles {normal!r}")


class RequestParser(MessageParser):
    """Parse requests from a byte stream; see ``MessageParser`` for the API.

    ``decompress`` decodes gzip/deflate (and br/zstd when installed) request
    bodies, bounded by ``Limits.max_decompressed_size``. The parser switches
    protocols (every later byte becomes ``UpgradeData``) after a CONNECT
    request, and after a request with ``Connection: upgrade`` whose Upgrade
    value is in ``upgrade_protocols`` (None: any). ``require_host`` rejects an
    HTTP/1.1 request without Host (RFC 9112 §3.2).
    """

    _what = "request"

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        decompress: bool = True,
        upgrade_protocols: frozenset[str] | None = DEFAULT_UPGRADE_PROTOCOLS,
        require_host: bool = False,
    ) -> None:
        super().__init__(limits, UriTooLong)
        self._decompress = decompress
        self._upgrade_protocols = upgrade_protocols
        self._require_host = require_host
        # The header fields of the last request (the bytes after its request
        # line) and what the fast path made of them: a browser or an API
        # client on a keep-alive connection often sends the same ones again.
        self._last_fields: tuple[bytes, CIMultiDict[str], list[str]] | None = None

    def _make_scan(self, first_line_error: type[HttpParserError]) -> PartialBlockScan:
        return PartialBlockScan(
            self._limits.max_line_size,
            first_line_error,
            "request head",
            _check_partial_request_line,
            singletons=SINGLETON_FIELDS,
        )

    def _parse_head(self, head: bytes) -> Framing:
        line_end = head.find(b"\r\n")
        last = self._last_fields
        if last is not None:
            # The same field bytes as last time passed every check that looks
            # at fields alone, whatever the request line: only that line and
            # the framing (which mixes both) are checked again. Compared in
            # constant time: how long a prefix matched must not show.
            fields_bytes = last[0]
            if (
                line_end > 0
                and len(head) - line_end - 2 == len(fields_bytes)
                and compare_digest(head[line_end + 2 :], fields_bytes)
            ):
                line = split_request_line(head[:line_end], self._limits)
                if line is not None:
                    return self._framing(*line, last[1], last[2])
        split = split_request_head(head, self._limits)
        if split is None:
            return self._parse_head_slow(head)
        if line_end > 0 and len(head) - line_end - 2 <= self._limits.max_remembered_head_size:
            self._last_fields = (head[line_end + 2 :], split[3], split[4])
        return self._framing(*split)

    def _parse_head_slow(self, head: bytes) -> Framing:
        """The step-by-step checks: the reference for verdicts and messages."""
        line, fields, special = parse_head(
            head, self._limits, HEAD_CHECK_TABLE, UriTooLong, "request line"
        )
        match = REQUEST_LINE.fullmatch(line)
        if match is None:
            raise _request_line_error(line)
        if (b"_" in head or b"--" in head) and LOOKALIKE_FRAMING_FIELD.search(head):
            _check_lookalikes(fields.keys())
        method, target, major, minor = match.groups()
        if major != "1" or minor not in ("0", "1"):
            raise VersionNotSupported(f"HTTP version {major}.{minor} is not supported")
        version = HTTP11 if minor == "1" else HTTP10
        specials = [name.decode("ascii") for name in special]
        return self._framing(method, target, version, fields, specials)

    def _framing(
        self,
        method: str,
        target: str,
        version: HttpVersion,
        fields: CIMultiDict[str],
        specials: list[str],
    ) -> Framing:
        """The checks after the grammar, and the framing of the body.

        ``specials`` holds the lower-cased names of the fields in
        ``SPECIAL_NAMES``, in order. Fields are looked up by lower-case
        names: the CIMultiDict then need not lower-case the name first.
        """
        url: URL | None
        if target[0] == "/" and method != "CONNECT":
            url = None  # origin-form: RequestHead builds the URL when it is first read
            raw_path = target
            if "?" in target or "#" in target:
                raw_path = origin_form_path(target)
        else:
            url = target_to_url(method, target)  # validates the other forms now
            raw_path = url.raw_path
        close = version is HTTP10
        upgrade = chunked = expect = False
        length: int | None = None
        compression: str | None = None
        kind = NO_BODY
        names = set(specials)
        if len(names) != len(specials):
            duplicate = duplicated_singletons(specials)
            if duplicate is not None:
                raise BadRequest(f"duplicate {duplicate!r} header field")
        if not names.isdisjoint(_FRAMING_FIELDS):  # one check for the common GET
            if "connection" in names:
                value = fields["connection"]
                if (value == "keep-alive" or value.lower() == "keep-alive") and specials.count(
                    "connection"
                ) == 1:
                    close = False
                else:
                    tokens = connection_tokens(fields)
                    if "close" in tokens:
                        close = True
                    elif "keep-alive" in tokens:
                        close = False
                    upgrade = "upgrade" in tokens and bool(fields.get("upgrade"))
            if "transfer-encoding" in names:
                if "content-length" in names:
                    raise BadRequest("Content-Length together with Transfer-Encoding")
                if version is HTTP10:
                    raise BadRequest("Transfer-Encoding in an HTTP/1.0 request")
                value = fields["transfer-encoding"]
                if value != "chunked":
                    request_transfer_encoding(value)
                chunked = True
                kind = CHUNKED
            elif "content-length" in names:
                length = content_length(fields["content-length"], self._limits)
                if length:
                    kind = LENGTH
            if "expect" in names and version is HTTP11:
                expect = fields["expect"].lower() == "100-continue"
            if "content-encoding" in names:
                compression = content_encoding(fields)
        if self._require_host and version is HTTP11 and "host" not in names:
            raise BadRequest("HTTP/1.1 request without a Host header field")
        if kind != NO_BODY and method in _NO_BODY_METHODS:
            # A body on a method without body semantics is ambiguous for
            # intermediaries: parse it, but never reuse the connection.
            close = True
        switch = method == "CONNECT"
        if switch:
            # CONNECT: every byte after the head belongs to the tunnel.
            upgrade = True
            kind = NO_BODY
        elif upgrade:
            protocols = self._upgrade_protocols
            switch = protocols is None or fields["upgrade"].strip(" \t").lower() in protocols
        decoder = None
        if compression is not None and self._decompress and kind != NO_BODY:
            decoder = make_decoder(compression, self._limits.max_decompressed_size)
        event = make_request_head(
            method,
            target,
            raw_path,
            url,
            version,
            CIMultiDictProxy(fields),
            close,
            upgrade,
            chunked,
            expect,
            length,
            compression,
        )
        return event, kind, length or 0, decoder, switch
