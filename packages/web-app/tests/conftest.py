"""Fixtures for web-app tests that talk raw HTTP bytes over a real socket."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
import pytest_asyncio

from aioloom import web


@dataclass
class RawConnection:
    """A client socket that sends bytes and reads responses as bytes."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    received: bytes = field(default=b"")

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def read_response(self, timeout: float = 10) -> bytes:
        """One response with a Content-Length body (or no body), as raw bytes."""
        async with asyncio.timeout(timeout):
            while b"\r\n\r\n" not in self.received:
                chunk = await self.reader.read(65536)
                if not chunk:
                    raise ConnectionError(f"closed before a full head: {self.received!r}")
                self.received += chunk
            head, _, rest = self.received.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(rest) < length:
                chunk = await self.reader.read(65536)
                if not chunk:
                    raise ConnectionError("closed mid-body")
                rest += chunk
            self.received = rest[length:]
            return head + b"\r\n\r\n" + rest[:length]

    async def read_until_closed(self, timeout: float = 10) -> bytes:
        async with asyncio.timeout(timeout):
            data = self.received + await self.reader.read()
        self.received = b""
        return data

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


@dataclass
class RunningServer:
    runner: web.BaseRunner
    port: int
    connections: list[RawConnection] = field(default_factory=list)

    async def connect(self) -> RawConnection:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        connection = RawConnection(reader, writer)
        self.connections.append(connection)
        return connection


ServeFactory = Callable[..., Awaitable[RunningServer]]


def _loop_factories() -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    factories: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
        "asyncio": asyncio.new_event_loop
    }
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is in the test environment
        return factories
    factories["uvloop"] = uvloop.new_event_loop
    return factories


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Tests marked ``both_loops`` run on asyncio's loop and on uvloop."""
    factories = _loop_factories()
    if item.get_closest_marker("both_loops") is None:
        return {"asyncio": factories["asyncio"]}
    return factories


@pytest_asyncio.fixture
async def serve() -> AsyncIterator[ServeFactory]:
    """Start an app (or a low-level web.Server) on 127.0.0.1:0 with runner kwargs."""
    runners: list[web.BaseRunner] = []
    servers: list[RunningServer] = []

    async def start(app: web.Application | web.Server, **kwargs: object) -> RunningServer:
        runner: web.BaseRunner = (
            web.AppRunner(app, **kwargs)
            if isinstance(app, web.Application)
            else web.ServerRunner(app, **kwargs)
        )
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server = RunningServer(runner, int(runner.addresses[0][1]))
        servers.append(server)
        return server

    yield start
    for server in servers:
        for connection in server.connections:
            await connection.close()
    for runner in reversed(runners):
        await runner.cleanup()
