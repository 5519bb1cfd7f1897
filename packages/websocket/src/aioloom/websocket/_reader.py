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
- TEXT is checked as UTF-8 as its bytes arrive: a frame whose payload comes in
  several reads is unmasked and validated piece by piece, so the read that brings
  the first byte that cannot start or continue valid UTF-8 fails the connection
  (compressed text is checked once each frame is inflated).
The first violation yields ``WSMessage(ERROR, WebSocketError(code))`` and ends
reading; so does a Close frame (everything after it is ignored).

Speed: a whole frame in one read is parsed, unmasked and delivered in ``feed``
itself; a frame split across reads is unmasked piece by piece as the pieces come
(the key is rotated by each piece's length) and its pieces are joined once.
"""

from __future__ import annotations

from codecs import utf_8_decode

from . import _mask
from ._close import parse_close_payload
from ._deflate import PerMessageDeflate
from ._errors import WebSocketError
from ._mask import TRANSLATE_FROM
from ._types import WSCloseCode, WSMessage, WSMsgType

__all__ = ["FrameReader"]

_TEXT = WSMsgType.TEXT
_BINARY = WSMsgType.BINARY
_PING = WSMsgType.PING
_PONG = WSMsgType.PONG
_CLOSE = WSMsgType.CLOSE
_ERROR = WSMsgType.ERROR
_PROTOCOL_ERROR = WSCloseCode.PROTOCOL_ERROR
_INVALID_TEXT = WSCloseCode.INVALID_TEXT

# WSMessage(type, data, extra) without the Python-level NamedTuple __new__.
_new_message = tuple.__new__
_from_bytes = int.from_bytes

# For the payloads of the one-read fast path (n < 126 bytes): the 32-bit key times
# _KEY_SPREAD[n] repeats it over at least n bytes; & _LOW_BYTES[n] cuts it to n.
_KEY_SPREAD = tuple(
    int.from_bytes(b"\x01\x00\x00\x00" * ((n + 3) >> 2), "little") for n in range(126)
)
_LOW_BYTES = tuple((1 << (8 * n)) - 1 for n in range(126))

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
        "_deflate",
        "_done",
        "_head",
        "_idle",
        "_mask_bit",
        "_max_size",
        "_msg_compressed",
        "_msg_inflated",
        "_msg_opcode",
        "_msg_size",
        "_need",
        "_p_fields",
        "_p_key",
        "_p_text",
        "_pending",
        "_short_end",
        "_text_parts",
        "_utf8_tail",
    )

    def __init__(
        self,
        *,
        is_client: bool,
        max_msg_size: int = 4 * 1024 * 1024,
        deflate: PerMessageDeflate | None = None,
    ) -> None:
        self._mask_bit = 0 if is_client else 0x80
        self._max_size = max_msg_size
        self._deflate = deflate
        self._done = False
        self._idle = True  # not done, no pending frame, no header tail
        # The usual frame has a 7-bit length below this minus _mask_bit (it must fit
        # max_msg_size; longer ones take the general path, which refuses them).
        self._short_end = self._mask_bit + (min(126, max_msg_size + 1) if max_msg_size else 126)
        self._head = b""  # bytes of an incomplete frame header
        # A frame whose header is read but whose payload is incomplete
        # (all valid while _pending is not None):
        self._pending: list[bytes | bytearray | memoryview] | None = None  # unmasked pieces
        self._need = 0  # payload bytes still to come
        self._p_fields: tuple[int, int, bool] = (0, 0, False)  # fin, opcode, rsv1
        self._p_key: bytes | None = None  # its mask key, rotated to the next byte
        self._p_text = False  # pieces are decoded into _text_parts as they come
        # The data message in progress (opcode 0: none):
        self._msg_opcode = 0
        self._msg_compressed = False
        self._msg_inflated = 0
        self._msg_size = 0
        self._text_parts: list[str] = []
        self._bin_parts: list[bytes] = []
        self._utf8_tail = b""  # the undecoded end of a text message: an incomplete code point

    @property
    def done(self) -> bool:
        """True after a Close frame or a violation: further input is ignored."""
        return self._done

    def feed(self, data: bytes) -> list[WSMessage]:
        out: list[WSMessage] = []
        try:
            if self._idle:
                buf = data
                pos = 0
            elif self._done:
                return out
            elif self._pending is not None:
                pos = self._continue(data, out)
                if pos < 0:
                    return out
                buf = data
            else:
                buf = self._head + data
                self._head = b""
                self._idle = True
                pos = 0
            size = len(buf)
            mask_bit = self._mask_bit
            while size - pos >= 2:
                b0 = buf[pos]
                b1 = buf[pos + 1]
                if (b0 == 0x81 or b0 == 0x82) and mask_bit <= b1 < self._short_end:
                    # The usual frame: FIN, TEXT or BINARY, no RSV, masked as it must be,
                    # a 7-bit length within max_msg_size; complete in this read?
                    if mask_bit:
                        start = pos + 6
                        length = b1 - 0x80
                    else:
                        start = pos + 2
                        length = b1
                    end = start + length
                    if end <= size and not self._msg_opcode:
                        if mask_bit:
                            # One int holds the key (low 32 bits) and the payload above it.
                            value = _from_bytes(buf[pos + 2 : end], "little")
                            payload = (
                                (value >> 32)
                                ^ (value & 0xFFFFFFFF) * _KEY_SPREAD[length] & _LOW_BYTES[length]
                            ).to_bytes(length, "little")
                        else:
                            payload = buf[start:end]
                        pos = end
                        if b0 == 0x81:
                            try:
                                text = payload.decode("utf-8")
                            except UnicodeDecodeError:
                                raise WebSocketError(
                                    _INVALID_TEXT, "Invalid UTF-8 in text"
                                ) from None
                            out.append(_new_message(WSMessage, (_TEXT, text, None)))
                        else:
                            out.append(_new_message(WSMessage, (_BINARY, payload, None)))
                        continue
                # Any other frame, with every check.
                opcode = b0 & 0x0F
                fin = b0 & 0x80
                rsv1 = bool(b0 & 0x40)
                length = b1 & 0x7F
                self._check_header(b0, opcode, length)
                if b1 & 0x80 != mask_bit:
                    raise WebSocketError(
                        _PROTOCOL_ERROR,
                        "Received unmasked frame from a client"
                        if mask_bit
                        else "Received masked frame from a server",
                    )
                header_end = pos + 2 + _EXTRA_LENGTH[length] + (4 if mask_bit else 0)
                if header_end > size:  # the first two bytes are valid; wait for the rest
                    break
                if length > 125:
                    length = self._long_length(buf, pos, length)
                max_size = self._max_size
                if max_size and opcode < 8 and self._msg_size + length > max_size:
                    raise WebSocketError(
                        WSCloseCode.MESSAGE_TOO_BIG,
                        f"Message size {self._msg_size + length} exceeds limit {max_size}",
                    )
                end = header_end + length
                if end > size:
                    # Only the announced, already-checked length is ever awaited.
                    self._start_pending(buf, header_end, length, fin, opcode, rsv1)
                    return out
                frame: bytes | bytearray
                if not mask_bit:
                    frame = buf[header_end:end]
                elif length < TRANSLATE_FROM:
                    key = buf[header_end - 4 : header_end] * ((length >> 2) + 1)
                    frame = (
                        _from_bytes(buf[header_end:end], "little")
                        ^ _from_bytes(key[:length], "little")
                    ).to_bytes(length, "little")
                else:
                    frame = _mask.unmask(
                        buf[header_end - 4 : header_end], memoryview(buf)[header_end:end]
                    )
                pos = end
                if fin and 0 < opcode < 3 and not rsv1:  # a whole uncompressed message
                    if opcode == 1:
                        try:
                            text = frame.decode("utf-8")
                        except UnicodeDecodeError:
                            raise WebSocketError(_INVALID_TEXT, "Invalid UTF-8 in text") from None
                        out.append(_new_message(WSMessage, (_TEXT, text, None)))
                    else:
                        out.append(_new_message(WSMessage, (_BINARY, bytes(frame), None)))
                    continue
                self._frame(fin, opcode, rsv1, bytes(frame), out)
                if self._done:
                    return out
            if pos < size:
                self._head = buf[pos:]
                self._idle = False
        except WebSocketError as exc:
            self._done = True
            self._idle = False
            self._pending = None
            self._head = b""
            self._text_parts = []
            self._bin_parts = []
            out.append(WSMessage(_ERROR, exc, None))
        return out

    # -- frame headers ------------------------------------------------------------

    def _check_header(self, b0: int, opcode: int, length: int) -> None:
        if b0 & 0x30:
            raise WebSocketError(_PROTOCOL_ERROR, "Received frame with RSV2 or RSV3 set")
        if opcode > 2:
            if opcode < 8 or opcode > 10:
                raise WebSocketError(_PROTOCOL_ERROR, f"Received reserved opcode {opcode}")
            if not b0 & 0x80:
                raise WebSocketError(_PROTOCOL_ERROR, "Received fragmented control frame")
            if length > 125:
                raise WebSocketError(
                    _PROTOCOL_ERROR, "Received control frame with payload over 125 bytes"
                )
            if b0 & 0x40:
                raise WebSocketError(_PROTOCOL_ERROR, "Received control frame with RSV1 set")
        elif opcode:
            if self._msg_opcode:
                raise WebSocketError(
                    _PROTOCOL_ERROR, "Received new message before the fragmented one ended"
                )
            if b0 & 0x40 and self._deflate is None:
                raise WebSocketError(_PROTOCOL_ERROR, "Received frame with RSV1 set")
        else:
            if not self._msg_opcode:
                raise WebSocketError(
                    _PROTOCOL_ERROR, "Received continuation frame without a message"
                )
            if b0 & 0x40:
                raise WebSocketError(_PROTOCOL_ERROR, "Received continuation frame with RSV1 set")

    @staticmethod
    def _long_length(buf: bytes, pos: int, length: int) -> int:
        if length == 126:
            length = (buf[pos + 2] << 8) | buf[pos + 3]
            if length < 126:
                raise WebSocketError(_PROTOCOL_ERROR, "Payload length not minimally encoded")
            return length
        length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
        if length >> 63:
            raise WebSocketError(_PROTOCOL_ERROR, "Payload length over 63 bits")
        if length < 65536:
            raise WebSocketError(_PROTOCOL_ERROR, "Payload length not minimally encoded")
        return length

    # -- frames split across reads ---------------------------------------------------

    def _start_pending(
        self,
        buf: bytes,
        start: int,
        length: int,
        fin: int,
        opcode: int,
        rsv1: bool,
    ) -> None:
        """The frame at ``buf[start:]`` announces ``length`` bytes that are not all here."""
        self._p_fields = (fin, opcode, rsv1)
        self._p_key = buf[start - 4 : start] if self._mask_bit else None
        # Uncompressed text is decoded as it arrives, so bad UTF-8 fails at once.
        text = opcode == 1 or (opcode == 0 and self._msg_opcode == 1)
        self._p_text = text and not rsv1 and not (opcode == 0 and self._msg_compressed)
        if self._p_text:
            if opcode == 1:
                self._msg_opcode = 1
                self._msg_compressed = False
                self._msg_inflated = 0
                self._utf8_tail = b""
            self._msg_size += length
        self._pending = []
        self._idle = False
        self._need = length
        if start < len(buf):
            self._add_piece(memoryview(buf)[start:])

    def _continue(self, data: bytes, out: list[WSMessage]) -> int:
        """Feed ``data`` to the pending frame; where its next frame starts, or -1."""
        need = self._need
        size = len(data)
        if size < need:
            self._add_piece(data)
            return -1
        self._add_piece(data if size == need else memoryview(data)[:need])
        self._finish_pending(out)
        if self._done or size == need:
            return -1
        return need

    def _add_piece(self, piece: bytes | memoryview) -> None:
        size = len(piece)
        self._need -= size
        key = self._p_key
        part: bytes | bytearray | memoryview = piece
        if key is not None:
            if size < TRANSLATE_FROM:
                part = (
                    int.from_bytes(piece, "little")
                    ^ int.from_bytes((key * ((size >> 2) + 1))[:size], "little")
                ).to_bytes(size, "little")
            else:
                part = _mask.unmask(key, piece)
            shift = size & 3
            if shift:
                self._p_key = key[shift:] + key[:shift]
        if self._p_text:
            self._decode(part, False)
        elif self._pending is not None:
            self._pending.append(part)

    def _finish_pending(self, out: list[WSMessage]) -> None:
        fin, opcode, rsv1 = self._p_fields
        pieces = self._pending
        self._pending = None
        self._idle = True
        if not self._p_text:
            self._frame(fin, opcode, rsv1, b"".join(pieces or ()), out)
            return
        if not fin:
            return
        self._decode(b"", True)
        self._msg_opcode = 0
        self._msg_size = 0
        out.append(_new_message(WSMessage, (_TEXT, "".join(self._text_parts), None)))
        self._text_parts = []

    # -- whole frames -------------------------------------------------------------------

    def _decode(self, data: bytes | bytearray | memoryview, final: bool) -> None:
        """Append the text of ``data`` (more bytes of the text message) to the message."""
        tail = self._utf8_tail
        if tail:
            data = tail + data
        try:
            text, used = utf_8_decode(data, "strict", final)
        except UnicodeDecodeError:
            raise WebSocketError(_INVALID_TEXT, "Invalid UTF-8 in text") from None
        if used < len(data):
            # CPython's decoder holds back ED A0..BF (a UTF-16 surrogate) until more
            # bytes come; it can never become valid, so fail now.
            tail = bytes(data[used:])
            if len(tail) >= 2 and tail[0] == 0xED and tail[1] >= 0xA0:
                raise WebSocketError(_INVALID_TEXT, "Invalid UTF-8 in text")
            self._utf8_tail = tail
        else:
            self._utf8_tail = b""
        if text:
            self._text_parts.append(text)

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
                self._idle = False
                out.append(WSMessage(_CLOSE, code, reason))
            return
        if opcode:
            if fin and not rsv1:  # the common case: one uncompressed frame
                if opcode == 1:
                    try:
                        text = payload.decode("utf-8")
                    except UnicodeDecodeError:
                        raise WebSocketError(_INVALID_TEXT, "Invalid UTF-8 in text") from None
                    out.append(WSMessage(_TEXT, text, None))
                else:
                    out.append(WSMessage(_BINARY, payload, None))
                return
            self._msg_opcode = opcode
            self._msg_compressed = rsv1
            self._msg_inflated = 0
            self._utf8_tail = b""
        self._msg_size += len(payload)
        if self._msg_compressed:
            deflate = self._deflate
            if deflate is None:  # pragma: no cover - RSV1 is refused without deflate
                raise WebSocketError(_PROTOCOL_ERROR, "Compressed frame without deflate")
            max_size = self._max_size
            limit = max_size - self._msg_inflated if max_size else None
            payload = deflate.decompress(payload, bool(fin), limit)
            self._msg_inflated += len(payload)
        if self._msg_opcode == 1:
            self._decode(payload, bool(fin))
        else:
            self._bin_parts.append(payload)
        if not fin:
            return
        if self._msg_opcode == 1:
            out.append(WSMessage(_TEXT, "".join(self._text_parts), None))
            self._text_parts = []
        else:
            out.append(WSMessage(_BINARY, b"".join(self._bin_parts), None))
            self._bin_parts = []
        self._msg_opcode = 0
        self._msg_size = 0
