"""Test servers: an application (or a raw handler) served on 127.0.0.1 on a free port.

``in_process=True`` serves without a socket: the client then talks to the same
connection protocol through an in-memory transport (see ``_inprocess``).
"""

from __future__ import annotations

import socket
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

from yarl import URL

from aioloom.web import (
    Application,
    AppRunner,
    BaseRequest,
    BaseRunner,
    Server,
    ServerRunner,
    SockSite,
    StreamResponse,
)

__all__ = ["BaseTestServer", "TestServer", "RawTestServer", "unused_port"]

RawHandler = Callable[[BaseRequest], Awaitable[StreamResponse]]


def unused_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that was free a moment ago (prefer port 0 where you can)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class BaseTestServer(ABC):
    """Runs a ``web.Server`` behind a runner; the client finds it with ``make_url``.

    ``host`` and ``port`` (None: a free port) say where to listen; the remaining
    keyword arguments go to the runner (``shutdown_timeout``, ``access_log``,
    ``handler_cancellation``, ``keepalive_timeout``...). With ``in_process=True``
    nothing listens and only the in-process client can reach the server.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        *,
        scheme: str = "http",
        host: str = "127.0.0.1",
        port: int | None = None,
        in_process: bool = False,
        **kwargs: Any,
    ) -> None:
        self.scheme = scheme
        self.host = host
        self.port: int | None = port
        self.in_process = in_process
        self.runner: BaseRunner | None = None
        self._kwargs = kwargs
        self._root: URL | None = None
        self._socket: socket.socket | None = None
        self._closed = False

    @abstractmethod
    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        """A runner for what this server serves (not set up yet)."""

    async def start_server(self, **kwargs: Any) -> None:
        """Set the runner up (the app's on_startup runs here) and start listening."""
        if self.runner is not None:
            return
        self._closed = False
        runner = await self._make_runner(**{**self._kwargs, **kwargs})
        await runner.setup()
        self.runner = runner
        if self.in_process:
            self._root = URL.build(scheme=self.scheme, host=self.host, port=self.port)
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port or 0))
            site = SockSite(runner, sock)
            await site.start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            self.runner = None
            raise
        self._socket = sock
        self.port = int(sock.getsockname()[1])
        self._root = URL.build(scheme=self.scheme, host=self.host, port=self.port)

    @property
    def started(self) -> bool:
        return self.runner is not None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def web_server(self) -> Server:
        """The low-level ``web.Server``: a connection protocol factory."""
        server = None if self.runner is None else self.runner.server
        if server is None:
            raise RuntimeError("the test server is not started; await start_server() first")
        return server

    def make_url(self, path: str | URL = "") -> URL:
        """The absolute URL of ``path`` (relative to the server's root)."""
        if self._root is None:
            raise RuntimeError("the test server is not started; await start_server() first")
        url = URL(path)
        if url.absolute:
            raise ValueError(f"make_url() expects a relative path, not {str(path)!r}")
        return self._root.join(url)

    async def close(self) -> None:
        """Stop listening, shut down gracefully, run on_shutdown and on_cleanup."""
        if self.runner is not None:
            runner, self.runner = self.runner, None
            try:
                await runner.cleanup()
            finally:
                if self._socket is not None:
                    self._socket.close()
                    self._socket = None
                self._root = None
        self._closed = True

    async def __aenter__(self) -> Self:
        await self.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class TestServer(BaseTestServer):
    """Serves an ``Application`` (through an ``AppRunner``)."""

    def __init__(
        self,
        app: Application,
        *,
        scheme: str = "http",
        host: str = "127.0.0.1",
        port: int | None = None,
        in_process: bool = False,
        **kwargs: Any,
    ) -> None:
        if not isinstance(app, Application):
            raise TypeError(f"TestServer needs a web.Application, not {type(app).__name__}")
        super().__init__(scheme=scheme, host=host, port=port, in_process=in_process, **kwargs)
        self.app = app

    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        return AppRunner(self.app, **kwargs)


class RawTestServer(BaseTestServer):
    """Serves a raw ``handler(request) -> response`` through a low-level ``web.Server``."""

    def __init__(
        self,
        handler: RawHandler,
        *,
        scheme: str = "http",
        host: str = "127.0.0.1",
        port: int | None = None,
        in_process: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(scheme=scheme, host=host, port=port, in_process=in_process, **kwargs)
        self.handler = handler

    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        runner_keys = ("shutdown_timeout", "handle_signals")
        runner_kwargs = {key: kwargs.pop(key) for key in runner_keys if key in kwargs}
        return ServerRunner(Server(self.handler, **kwargs), **runner_kwargs)
