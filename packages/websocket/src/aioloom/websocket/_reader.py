"""Frame reader: bytes in, ``WSMessage`` out (RFC 6455 section 5, RFC 7692 section 6).

Rules, checked in this order on every frame header, before its payload is read:
- RSV2/RSV3 are never valid; RSV1 only with permessage-deflate, on the first frame
  of a data message.
- Opcodes 3-7 and 11-15 are reserved. Control frames (8-10) have FIN set and at
  most 125 bytes of payload; they may arrive between the fragments of a message.
- The checks that need only the first two bytes run as soon as they arrive.
- A server only accepts masked frames, a client only unmasked ones.
- 16/64-bit lengths must use the shortest form; 64-bit lengths have the top bit clear.
- A continuation needs an open message; a new TEXT/BINARY needs none open.
- ``max_msg_size`` (0: unlimited) bounds the announced length plus what the open
  message already holds, so an oversized frame is refused before it is buffered;
  inflated output is bounded while inflating.
- TEXT is checked as UTF-8 frame by frame, failing in the frame where the bytes
  stop being a valid prefix.
The first violation yields ``WSMessage(ERROR, WebSocketError(code))`` and ends
reading; so does a Close frame (everything after it is ignored).
"""

from __future__ import annotations

import codecs

from ._close import parse_close_payload
from ._deflate import PerMessageDeflate
from ._errors import WebSocketError
from ._mask import apply_mask
from ._types import WSCloseCode, WSMessage, WSMsgType

__all__ = ["FrameReader"]

_TEXT = WSMsgType.TEXT
_BINARY = WSMsgType.BINARY
_PING = WSMsgType.PING
_PONG = WSMsgType.PONG
_CLOSE = WSMsgType.CLOSE
_ERROR = WSMsgType.ERROR
_PROTOCOL_ERROR = WSCloseCode.PROTOCOL_ERROR

_Utf8Decoder = codecs.getincrementaldecoder("utf-8")

# Header size by the 7-bit length field (without the mask key): 126 -> +2, 127 -> +8.
_EXTRA_LENGTH = (0,) * 126 + (2, 8)


class FrameReader:
    """Incremental reader for one direction of one connection.

    ``is_client`` is the role of the endpoint that reads (a client expects
    unmasked frames). ``feed(data)`` returns the messages completed by ``data``:
    TEXT (``str``), BINARY/PING/PONG (``bytes``), CLOSE (code, reason) and at
    most one ERROR, which is always last.
    """

    __slots__ = (
        "_bin_parts",
        "_decoder",
        "_deflate",
        "_done",
        "_head",
        "_head_fields",
        "_max_size",
        "_msg_compressed",
        "_msg_inflated",
        "_msg_opcode",
        "_msg_size",
        "_need",
        "_pending",
        "_pending_size",
        "_text_parts",
        "_want_mask",
    )

    def __init__(
        self,
        *,
        is_client: bool,
        max_msg_size: int = 4 * 1024 * 1024,
        deflate: PerMessageDeflate | None = None,
    ) -> None:
        self._want_mask = not is_client
        self._max_size = max_msg_size
        self._deflate = deflate
        self._done = False
        self._head = b""  # bytes of an incomplete frame header
        # A frame whose header is read but whose payload is incomplete:
        self._need = 0  # its payload length (valid while _pending is not None)
        self._pending: list[bytes] | None = None
        self._pending_size = 0
        self._head_fields: tuple[int, int, bool, bytes | None] = (0, 0, False, None)
        # The data message in progress (opcode 0: none):
        self._msg_opcode = 0
        self._msg_compressed = False
        self._msg_inflated = 0
        self._msg_size = 0
        self._text_parts: list[str] = []
        self._bin_parts: list[bytes] = []
        self._decoder: codecs.IncrementalDecoder | None = None

    @property
    def done(self) -> bool:
        """True after a Close frame or a violation: further input is ignored."""
        return self._done

    def feed(self, data: bytes) -> list[WSMessage]:
        out: list[WSMessage] = []
        if self._done or not data:
            return out
        try:
            self._feed(data, out)
        except WebSocketError as exc:
            self._done = True
            self._pending = None
            self._text_parts = []
            self._bin_parts = []
            out.append(WSMessage(_ERROR, exc, None))
        return out

    def _feed(self, data: bytes, out: list[WSMessage]) -> None:
        pending = self._pending
        if pending is not None:
            pending.append(data)
            self._pending_size += len(data)
            if self._pending_size < self._need:
                return
            buf = b"".join(pending)
            self._pending = None
            p_fin, p_opcode, p_rsv1, p_mask = self._head_fields
            need = self._need
            payload = buf[:need] if len(buf) > need else buf
            if p_mask is not None:
                payload = apply_mask(p_mask, payload)
            self._frame(p_fin, p_opcode, p_rsv1, payload, out)
            if self._done:
                return
            buf = buf[need:]
        elif self._head:
            buf = self._head + data
            self._head = b""
        else:
            buf = data

        want_mask = self._want_mask
        size = len(buf)
        pos = 0
        while pos < size:
            if size - pos < 2:
                break
            b0 = buf[pos]
            b1 = buf[pos + 1]
            length = b1 & 0x7F
            masked = b1 & 0x80
            opcode = b0 & 0x0F
            fin = b0 & 0x80
            rsv1 = b0 & 0x40
            if b0 & 0x30:
                raise WebSocketError(_PROTOCOL_ERROR, "Received frame with RSV2 or RSV3 set")
            if opcode > 2:
                if opcode < 8 or opcode > 10:
                    raise WebSocketError(_PROTOCOL_ERROR, f"Received reserved opcode {opcode}")
                if not fin:
                    raise WebSocketError(_PROTOCOL_ERROR, "Received fragmented control frame")
                if length > 125:
                    raise WebSocketError(
                        _PROTOCOL_ERROR, "Received control frame with payload over 125 bytes"
                    )
                if rsv1:
                    raise WebSocketError(_PROTOCOL_ERROR, "Received control frame with RSV1 set")
            elif opcode:
                if self._msg_opcode:
                    raise WebSocketError(
                        _PROTOCOL_ERROR, "Received new message before the fragmented one ended"
                    )
                if rsv1 and self._deflate is None:
                    raise WebSocketError(_PROTOCOL_ERROR, "Received frame with RSV1 set")
            else:
                if not self._msg_opcode:
                    raise WebSocketError(
                        _PROTOCOL_ERROR, "Received continuation frame without a message"
                    )
                if rsv1:
                    raise WebSocketError(
                        _PROTOCOL_ERROR, "Received continuation frame with RSV1 set"
                    )
            if bool(masked) is not want_mask:
                raise WebSocketError(
                    _PROTOCOL_ERROR,
                    "Received unmasked frame from a client"
                    if want_mask
                    else "Received masked frame from a server",
                )
            header_end = pos + 2 + _EXTRA_LENGTH[length] + (4 if masked else 0)
            if header_end > size:  # the first two bytes are valid; wait for the rest
                break
            if length == 126:
                length = (buf[pos + 2] << 8) | buf[pos + 3]
                if length < 126:
                    raise WebSocketError(_PROTOCOL_ERROR, "Payload length not minimally encoded")
            elif length == 127:
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                if length >> 63:
                    raise WebSocketError(_PROTOCOL_ERROR, "Payload length over 63 bits")
                if length < 65536:
                    raise WebSocketError(_PROTOCOL_ERROR, "Payload length not minimally encoded")
            max_size = self._max_size
            if max_size and opcode < 8 and self._msg_size + length > max_size:
                raise WebSocketError(
                    WSCloseCode.MESSAGE_TOO_BIG,
                    f"Message size {self._msg_size + length} exceeds limit {max_size}",
                )
            mask = buf[header_end - 4 : header_end] if masked else None
            end = header_end + length
            if end > size:
                # Only the announced, already-checked length is ever awaited.
                self._need = length
                self._pending = [buf[header_end:]]
                self._pending_size = size - header_end
                self._head_fields = (fin, opcode, bool(rsv1), mask)
                return
            payload = buf[header_end:end]
            if mask is not None:
                payload = apply_mask(mask, payload)
            pos = end
            self._frame(fin, opcode, bool(rsv1), payload, out)
            if self._done:
                return
        if pos < size:
            self._head = buf[pos:]

    def _frame(
        self, fin: int, opcode: int, rsv1: bool, payload: bytes, out: list[WSMessage]
    ) -> None:
        if opcode > 2:
            if opcode == 9:
                out.append(WSMessage(_PING, payload, None))
            elif opcode == 10:
                out.append(WSMessage(_PONG, payload, None))
            else:
                code, reason = parse_close_payload(payload)
                self._done = True
                out.append(WSMessage(_CLOSE, code, reason))
            return
        if opcode:
            if fin and not rsv1:  # the common case: one uncompressed frame
                if opcode == 1:
                    out.append(WSMessage(_TEXT, _decode(payload), None))
                else:
                    out.append(WSMessage(_BINARY, payload, None))
                return
            self._msg_opcode = opcode
            self._msg_compressed = rsv1
            self._msg_inflated = 0
            self._decoder = _Utf8Decoder() if opcode == 1 else None
        self._msg_size += len(payload)
        if self._msg_compressed:
            deflate = self._deflate
            if deflate is None:  # pragma: no cover - RSV1 is refused without deflate
                raise WebSocketError(_PROTOCOL_ERROR, "Compressed frame without deflate")
            max_size = self._max_size
            limit = max_size - self._msg_inflated if max_size else None
            payload = deflate.decompress(payload, bool(fin), limit)
            self._msg_inflated += len(payload)
        decoder = self._decoder
        if decoder is not None:
            try:
                text = decoder.decode(payload, bool(fin))
            except UnicodeDecodeError:
                raise WebSocketError(WSCloseCode.INVALID_TEXT, "Invalid UTF-8 in text") from None
            if not fin:
                _check_pending(decoder)
            self._text_parts.append(text)
        else:
            self._bin_parts.append(payload)
        if not fin:
            return
        self._msg_opcode = 0
        self._msg_size = 0
        if decoder is not None:
            self._decoder = None
            out.append(WSMessage(_TEXT, "".join(self._text_parts), None))
            self._text_parts = []
        else:
            out.append(WSMessage(_BINARY, b"".join(self._bin_parts), None))
            self._bin_parts = []


def _decode(payload: bytes) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        raise WebSocketError(WSCloseCode.INVALID_TEXT, "Invalid UTF-8 in text") from None


def _check_pending(decoder: codecs.IncrementalDecoder) -> None:
    # CPython's decoder holds back ED A0..BF (a UTF-16 surrogate) until more bytes
    # come; it can never become valid, so fail now rather than one frame later.
    pending = decoder.getstate()[0]
    if len(pending) >= 2 and pending[0] == 0xED and pending[1] >= 0xA0:
        raise WebSocketError(WSCloseCode.INVALID_TEXT, "Invalid UTF-8 in text")
