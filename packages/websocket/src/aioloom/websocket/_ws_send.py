"""Sending on one WebSocket: messages, raw frames, pings, the close handshake.

``write_str``/``write_bytes`` are the synchronous halves of ``send_str``/
``send_bytes`` (a write, then a drain only when the transport asked us to wait);
WebSocketResponse calls them directly. ``close()`` from any task sends our Close,
wakes a waiting reader (which gets CLOSING), then waits up to ``timeout`` for
the peer's Close unless it already came or reading failed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from ._types import WSCloseCode, WSMsgType
from ._writer import SHORT_HEADERS, unmasked_frame, unmasked_header
from ._ws_output import FrameOutput

__all__ = ["Sender"]

_TEXT_HEADERS = SHORT_HEADERS[0x81]
# From this payload size a server writes the header and the payload apart: an extra
# write costs less than copying the payload to prepend a few bytes.
_WRITE_APART_FROM = 1 << 17


class Sender(FrameOutput):
    """The sending half of a WebSocket (``WebSocket`` adds receiving)."""

    def _check_writable(self) -> None:
        if self._closed or self._transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")

    # send_str/send_bytes are a synchronous write plus, only when the transport asked
    # us to wait, a drain; WebSocketResponse calls the write halves directly too.

    def write_str(self, data: str, compress: int | bool | None = None) -> bool:
        """Write one TEXT message now, without waiting.

        True means the transport asked us to pause: ``await drain()`` before
        writing more. ``send_str`` is this plus that wait.
        """
        if not isinstance(data, str):
            raise TypeError(f"data argument must be str ({type(data)!r})")
        self._check_writable()
        conn = self._conn
        if conn._plain and not conn._close_sent:  # a server without deflate: build it here
            payload = data.encode("utf-8")
            size = len(payload)
            if size < 126:
                self._write(_TEXT_HEADERS[size] + payload)
            elif size < _WRITE_APART_FROM:
                self._write(unmasked_frame(0x81, payload))
            else:
                self._write_apart(unmasked_header(0x81, size), payload)
        else:
            self._write(conn.send_text(data, compress=None if compress is None else bool(compress)))
        return self._drain_due()

    def write_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | bool | None = None
    ) -> bool:
        """Write one BINARY message now; True: ``await drain()`` before writing more."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data argument must be byte-ish ({type(data)!r})")
        self._check_writable()
        conn = self._conn
        if (
            data.__class__ is bytes  # immutable: the transport may keep it
            and len(data) >= _WRITE_APART_FROM
            and conn._plain
            and not conn._close_sent
        ):
            self._write_apart(unmasked_header(0x82, len(data)), data)
        else:
            self._write(
                conn.send_bytes(data, compress=None if compress is None else bool(compress))
            )
        return self._drain_due()

    async def send_str(self, data: str, compress: int | bool | None = None) -> None:
        if self.write_str(data, compress):
            await self.drain()

    async def send_bytes(
        self, data: bytes | bytearray | memoryview, compress: int | bool | None = None
    ) -> None:
        if self.write_bytes(data, compress):
            await self.drain()

    async def send_json(
        self,
        data: Any,
        compress: int | bool | None = None,
        *,
        dumps: Callable[[Any], str] = json.dumps,
    ) -> None:
        await self.send_str(dumps(data), compress=compress)

    async def send_json_bytes(
        self,
        data: Any,
        compress: int | bool | None = None,
        *,
        dumps: Callable[[Any], bytes],
    ) -> None:
        """``data`` encoded by a bytes-returning ``dumps`` (orjson's kind), as BINARY."""
        await self.send_bytes(dumps(data), compress=compress)

    async def send_frame(
        self,
        message: bytes | bytearray | memoryview,
        opcode: int,
        compress: int | bool | None = None,
        *,
        fin: bool = True,
    ) -> None:
        """One frame (CONTINUATION/TEXT/BINARY/PING/PONG) with FIN set unless ``fin``
        is False. A whole TEXT or BINARY message is compressed as ``send_bytes``
        would (``compress`` as there); fragments and control frames never are."""
        if opcode == WSMsgType.CLOSE:
            raise ValueError("use close() to send a Close frame")
        self._check_writable()
        if fin and (opcode == WSMsgType.TEXT or opcode == WSMsgType.BINARY):
            self._write(
                self._conn.send_message(
                    opcode, message, compress=None if compress is None else bool(compress)
                )
            )
        else:
            self._write(self._conn.send_frame(opcode, message, fin=fin))
        if self._drain_due():
            await self.drain()

    async def ping(self, message: bytes | str = b"") -> None:
        payload = message.encode("utf-8") if isinstance(message, str) else message
        self._check_writable()
        self._write(self._conn.send_ping(payload))
        if self._drain_due():
            await self.drain()

    async def pong(self, message: bytes | str = b"") -> None:
        payload = message.encode("utf-8") if isinstance(message, str) else message
        self._check_writable()
        self._write(self._conn.send_pong(payload))
        if self._drain_due():
            await self.drain()

    # -- closing -------------------------------------------------------------

    async def close(
        self, *, code: int = WSCloseCode.OK, message: bytes | str = b"", drain: bool = True
    ) -> bool:
        """Send our Close (once) and complete the close handshake; False if already closed.

        With ``drain`` a paused transport must take our Close before the wait for
        the peer's (both within ``timeout``); answering the peer's Close skips that.
        """
        if self._closed:
            return False
        frame = b"" if self._conn.close_sent else self._conn.send_close(code, message)
        self._closed = True
        self._cancel_heartbeat()
        self._flush()
        transport = self._transport
        if frame and not transport.is_closing():
            transport.write(frame)
        self._wake_reader()
        if self._peer_close.done() or transport.is_closing():
            if self._close_code is None:
                self._close_code = (
                    self._peer_close_code if self._peer_close_code is not None else code
                )
            transport.close()
            return True
        try:
            async with asyncio.timeout(self._timeout):
                if drain and self._write_paused:
                    await self.drain()
                await asyncio.shield(self._peer_close)
        except TimeoutError:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
            transport.abort()
            return True
        except asyncio.CancelledError:
            self._close_code = WSCloseCode.ABNORMAL_CLOSURE
            transport.abort()
            raise
        if self._close_code is None:
            self._close_code = (
                self._peer_close_code
                if self._peer_close_code is not None
                else WSCloseCode.ABNORMAL_CLOSURE
            )
        transport.close()
        return True
