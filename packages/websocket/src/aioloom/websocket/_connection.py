"""Sans-IO WebSocket connection for either role: bytes in, messages out; calls out, bytes out.

Rules:
- ``receive_data`` never raises for peer misbehaviour: it returns the messages
  before the fault and then ``WSMessage(ERROR, WebSocketError)``; the caller
  answers with ``fail(exc.code)`` and closes the transport.
- After the peer's Close, its further bytes are ignored. After our Close,
  nothing else may be sent (RuntimeError).
- Outgoing data is compressed when permessage-deflate was agreed, unless the
  caller says otherwise per message; control frames are never compressed.
"""

from __future__ import annotations

from ._close import build_close_payload
from ._deflate import DeflateParams, PerMessageDeflate
from ._reader import FrameReader
from ._types import WSCloseCode, WSMessage, WSMsgType
from ._writer import build_frame, unmasked_frame

__all__ = ["Connection", "DEFAULT_MAX_MSG_SIZE"]

DEFAULT_MAX_MSG_SIZE = 4 * 1024 * 1024


class Connection:
    """One WebSocket connection after the opening handshake, without I/O."""

    __slots__ = ("_close_sent", "_deflate", "_is_client", "_params", "_plain", "_reader")

    def __init__(
        self,
        *,
        is_client: bool,
        max_msg_size: int = DEFAULT_MAX_MSG_SIZE,
        deflate: DeflateParams | None = None,
        compress_level: int = 6,
    ) -> None:
        if max_msg_size < 0:
            raise ValueError("max_msg_size must be >= 0 (0: unlimited)")
        self._is_client = is_client
        self._params = deflate
        self._deflate = (
            None
            if deflate is None
            else PerMessageDeflate(deflate, is_client=is_client, level=compress_level)
        )
        self._reader = FrameReader(
            is_client=is_client, max_msg_size=max_msg_size, deflate=self._deflate
        )
        self._close_sent = False
        # Unmasked and uncompressed: a server without permessage-deflate.
        self._plain = deflate is None and not is_client

    @property
    def is_client(self) -> bool:
        return self._is_client

    @property
    def deflate(self) -> DeflateParams | None:
        """The agreed permessage-deflate parameters, if any."""
        return self._params

    @property
    def close_sent(self) -> bool:
        return self._close_sent

    @property
    def reading_done(self) -> bool:
        """True once a Close frame or a violation was read: input is ignored."""
        return self._reader.done

    def receive_data(self, data: bytes) -> list[WSMessage]:
        """Messages completed by ``data`` (see the module rules for errors)."""
        return self._reader.feed(data)

    def send_text(self, data: str, *, compress: bool | None = None) -> bytes:
        if self._plain and not self._close_sent:
            return unmasked_frame(0x81, data.encode("utf-8"))
        return self.send_message(WSMsgType.TEXT, data.encode("utf-8"), compress=compress)

    def send_bytes(
        self, data: bytes | bytearray | memoryview, *, compress: bool | None = None
    ) -> bytes:
        if self._plain and not self._close_sent and data.__class__ is bytes:
            return unmasked_frame(0x82, data)
        return self.send_message(WSMsgType.BINARY, data, compress=compress)

    def send_message(
        self,
        opcode: int,
        payload: bytes | bytearray | memoryview,
        *,
        compress: bool | None = None,
    ) -> bytes:
        """One whole TEXT or BINARY message as a single frame."""
        if self._close_sent:
            raise RuntimeError("cannot send after the close frame")
        deflate = self._deflate
        if deflate is not None and compress is not False and deflate.can_compress:
            return build_frame(
                opcode, deflate.compress(bytes(payload)), mask=self._is_client, rsv1=True
            )
        return build_frame(opcode, payload, mask=self._is_client)

    def send_frame(
        self, opcode: int, payload: bytes | bytearray | memoryview, *, fin: bool = True
    ) -> bytes:
        """One raw, uncompressed frame (for sending a message in fragments)."""
        if self._close_sent:
            raise RuntimeError("cannot send after the close frame")
        if opcode >= 8 and (len(payload) > 125 or not fin):
            raise ValueError("control frames carry at most 125 bytes and are not fragmented")
        return build_frame(opcode, payload, mask=self._is_client, fin=fin)

    def send_ping(self, payload: bytes | bytearray | memoryview = b"") -> bytes:
        return self.send_frame(WSMsgType.PING, payload)

    def send_pong(self, payload: bytes | bytearray | memoryview = b"") -> bytes:
        return self.send_frame(WSMsgType.PONG, payload)

    def send_close(self, code: int | None = WSCloseCode.OK, reason: bytes | str = b"") -> bytes:
        """Our Close frame; ValueError for a code or reason that may not be sent."""
        payload = build_close_payload(code, reason)
        frame = self.send_frame(WSMsgType.CLOSE, payload)
        self._close_sent = True
        return frame

    def fail(self, code: int, reason: str = "") -> bytes:
        """The Close frame that fails the connection (b"" when ours was already sent)."""
        if self._close_sent:
            return b""
        raw = reason.encode("utf-8")[:123].decode("utf-8", "ignore").encode("utf-8")
        return self.send_close(code, raw)
