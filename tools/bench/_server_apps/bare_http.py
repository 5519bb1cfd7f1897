"""The ceiling of bench_server.py: a bare asyncio.Protocol answering fixed bytes.

    python -m _server_apps.bare_http bare asyncio|uvloop    (cwd: tools/bench)

It splits requests on CRLFCRLF, skips a Content-Length body (and echoes it, so the
/echo workload sends as many bytes as the frameworks do) and answers every other
request with the same fixed 200 response. No routing, no headers parsed: nothing a
framework could do on this loop is cheaper.
"""

from __future__ import annotations

import asyncio
import sys
from typing import cast

from ._common import BACKLOG, announce, serve

RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 13\r\n\r\nHello, World!"
)
ECHO_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
CONTENT_LENGTH = b"\r\ncontent-length:"


class BareProtocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        out: list[bytes] = []
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buffer[:end]
            start = head.lower().find(CONTENT_LENGTH)
            if start < 0:
                out.append(RESPONSE)
                buffer = buffer[end + 4 :]
                continue
            line_end = head.find(b"\r\n", start + 2)
            value = head[start + len(CONTENT_LENGTH) : line_end if line_end >= 0 else None]
            size = int(value)
            if len(buffer) < end + 4 + size:
                break
            body = buffer[end + 4 : end + 4 + size]
            out.append(ECHO_HEAD + str(size).encode() + b"\r\n\r\n" + body)
            buffer = buffer[end + 4 + size :]
        self.buffer = buffer
        if out and self.transport is not None:
            self.transport.write(b"".join(out))


def main() -> None:
    loop_name = sys.argv[2]

    async def start() -> object:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(BareProtocol, "127.0.0.1", 0, backlog=BACKLOG)
        announce(server.sockets[0].getsockname()[1])
        return server

    serve(start, loop_name)


if __name__ == "__main__":
    main()
