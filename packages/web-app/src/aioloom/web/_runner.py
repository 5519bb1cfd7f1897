"""Runners own an app's lifecycle; sites own listening sockets."""

from __future__ import annotations

import asyncio
import functools
import socket

from ._app import Application
from ._dispatch import handle_request
from ._protocol import HttpProtocol

__all__ = ["AppRunner", "TCPSite"]


class AppRunner:
    def __init__(self, app: Application) -> None:
        self.app = app
        self.sites: list[TCPSite] = []

    async def setup(self) -> None:
        self.app.freeze()
        await self.app.startup()

    def make_protocol(self) -> HttpProtocol:
        return HttpProtocol(self.app, functools.partial(handle_request, self.app))

    @property
    def addresses(self) -> list[tuple[str, int]]:
        return [address for site in self.sites for address in site.addresses]

    async def cleanup(self) -> None:
        for site in self.sites:
            await site.stop()
        await self.app.shutdown()
        await self.app.cleanup()


class TCPSite:
    def __init__(self, runner: AppRunner, host: str = "0.0.0.0", port: int = 8080) -> None:
        self._runner = runner
        self._host = host
        self._port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._runner.make_protocol, self._host, self._port, reuse_address=True
        )
        self._runner.sites.append(self)

    @property
    def addresses(self) -> list[tuple[str, int]]:
        if self._server is None:
            return []
        result = []
        for sock in self._server.sockets:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                host, port = sock.getsockname()[:2]
                result.append((str(host), int(port)))
        return result

    @property
    def name(self) -> str:
        host, port = self.addresses[0] if self.addresses else (self._host, self._port)
        return f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
