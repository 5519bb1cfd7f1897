"""Runners own a server's lifecycle; sites own listening sockets."""

from __future__ import annotations

import asyncio
import signal
import socket
import ssl as _ssl
import warnings
from abc import ABC, abstractmethod
from typing import Any

from yarl import URL

from ..application._app import Application
from ..application._request import Request
from ..http._request import make_request_factory
from ._server import Server

__all__ = [
    "BaseRunner",
    "AppRunner",
    "ServerRunner",
    "BaseSite",
    "TCPSite",
    "UnixSite",
    "SockSite",
    "GracefulExit",
]


class GracefulExit(SystemExit):
    """Raised by the SIGINT/SIGTERM handlers to start a graceful shutdown."""

    code = 1


def _raise_graceful_exit() -> None:
    raise GracefulExit()


class BaseRunner(ABC):
    def __init__(
        self, *, handle_signals: bool = False, shutdown_timeout: float = 60.0, **kwargs: Any
    ) -> None:
        self._handle_signals = handle_signals
        self._shutdown_timeout = shutdown_timeout
        self._kwargs = kwargs
        self._server: Server | None = None
        self._sites: list[BaseSite] = []

    @property
    def server(self) -> Server | None:
        return self._server

    @property
    def sites(self) -> set[BaseSite]:
        return set(self._sites)

    @property
    def addresses(self) -> list[Any]:
        addresses: list[Any] = []
        for site in self._sites:
            server = site._server
            if server is not None:
                addresses.extend(sock.getsockname() for sock in server.sockets)
        return addresses

    async def setup(self) -> None:
        loop = asyncio.get_running_loop()
        if self._handle_signals:
            try:
                loop.add_signal_handler(signal.SIGINT, _raise_graceful_exit)
                loop.add_signal_handler(signal.SIGTERM, _raise_graceful_exit)
            except NotImplementedError:  # Windows, or not the main thread
                pass
        self._server = await self._make_server()

    @abstractmethod
    async def shutdown(self) -> None:
        """Run the application's on_shutdown (nothing for a raw server)."""

    @abstractmethod
    async def _make_server(self) -> Server: ...

    @abstractmethod
    async def _cleanup_server(self) -> None: ...

    async def cleanup(self) -> None:
        """The graceful shutdown sequence.

        1. stop listening; 2. close idle connections, mark busy ones to close
        after their response; 3. on_shutdown; 4. wait up to shutdown_timeout for
        running handlers; 5. close what is left and cancel its handlers;
        6. on_cleanup and cleanup contexts. (run_app then cancels stray tasks.)
        """
        for site in list(self._sites):
            await site.stop()
        if self._server is not None:
            await asyncio.sleep(0)  # let just-accepted connections start
            self._server.pre_shutdown()
            await self.shutdown()
            await self._server.shutdown(self._shutdown_timeout)
        await self._cleanup_server()
        self._server = None
        if self._handle_signals:
            loop = asyncio.get_running_loop()
            try:
                loop.remove_signal_handler(signal.SIGINT)
                loop.remove_signal_handler(signal.SIGTERM)
            except NotImplementedError:
                pass

    def _reg_site(self, site: BaseSite) -> None:
        if site in self._sites:
            raise RuntimeError(f"site {site} is already registered in runner {self}")
        self._sites.append(site)

    def _check_site(self, site: BaseSite) -> None:
        if site not in self._sites:
            raise RuntimeError(
                f"site {site} is not registered in runner {self}: it was never started "
                "or was stopped already"
            )

    def _unreg_site(self, site: BaseSite) -> None:
        self._check_site(site)
        self._sites.remove(site)


class ServerRunner(BaseRunner):
    """Runs a low-level ``web.Server``."""

    def __init__(self, web_server: Server, *, handle_signals: bool = False, **kwargs: Any) -> None:
        super().__init__(handle_signals=handle_signals, **kwargs)
        self._web_server = web_server

    async def shutdown(self) -> None:
        return None

    async def _make_server(self) -> Server:
        return self._web_server

    async def _cleanup_server(self) -> None:
        return None


class AppRunner(BaseRunner):
    """Runs an ``Application``: freezes it, runs startup, and shuts it down in order."""

    def __init__(self, app: Application, *, handle_signals: bool = False, **kwargs: Any) -> None:
        if not isinstance(app, Application):
            raise TypeError(f"AppRunner needs an Application, not {type(app).__name__}")
        super().__init__(handle_signals=handle_signals, **kwargs)
        self._app = app

    @property
    def app(self) -> Application:
        return self._app

    async def shutdown(self) -> None:
        await self._app.shutdown()

    async def _make_server(self) -> Server:
        app = self._app
        app._set_loop(asyncio.get_running_loop())
        max_size = app.client_max_size
        kwargs: dict[str, Any] = {"debug": app.debug, **app._handler_args, **self._kwargs}
        make_request = make_request_factory(Request, client_max_size=max_size)
        # Made (and its keywords checked) before on_startup runs: a typo fails fast.
        server = Server(app._handle, request_factory=make_request, **kwargs)  # type: ignore[arg-type]
        # As aiohttp: start-up callbacks may still add routes, middlewares and
        # state; the app freezes once they all succeeded. Until then cleanup()
        # closes only the cleanup contexts that started.
        app.on_startup.freeze()
        await app.startup()
        app.freeze()
        return server

    async def _cleanup_server(self) -> None:
        await self._app.cleanup()


class BaseSite(ABC):
    def __init__(
        self,
        runner: BaseRunner,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: _ssl.SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        if runner.server is None:
            raise RuntimeError("call runner.setup() before making a site")
        if shutdown_timeout != 60.0:
            # Deprecated in aiohttp 3.9 and still honoured: it is the runner's.
            warnings.warn(
                "shutdown_timeout should be set on BaseRunner", DeprecationWarning, stacklevel=3
            )
            runner._shutdown_timeout = shutdown_timeout
        self._runner = runner
        self._ssl_context = ssl_context
        self._backlog = backlog
        self._server: asyncio.Server | None = None

    @property
    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def _create(self, server: Server) -> asyncio.Server: ...

    async def start(self) -> None:
        server = self._runner.server
        if server is None:
            raise RuntimeError("the runner was cleaned up; set it up again first")
        self._runner._reg_site(self)
        try:
            self._server = await self._create(server)
        except BaseException:
            self._runner._unreg_site(self)
            raise

    async def stop(self) -> None:
        """Stop listening; a RuntimeError if this site is not running in its runner."""
        self._runner._check_site(self)
        if self._server is not None:
            self._server.close()
            self._server = None
        self._runner._unreg_site(self)

    def __str__(self) -> str:
        return self.name


class TCPSite(BaseSite):
    def __init__(
        self,
        runner: BaseRunner,
        host: str | None = None,
        port: int | None = None,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: _ssl.SSLContext | None = None,
        backlog: int = 128,
        reuse_address: bool | None = None,
        reuse_port: bool | None = None,
    ) -> None:
        super().__init__(
            runner, shutdown_timeout=shutdown_timeout, ssl_context=ssl_context, backlog=backlog
        )
        self._host = host
        self._port = port if port is not None else (8443 if ssl_context else 8080)
        self._bound_port: int | None = None
        self._reuse_address = reuse_address
        self._reuse_port = reuse_port

    @property
    def port(self) -> int:
        """The port listened on once started (the one chosen for ``port=0``),
        before that the one asked for."""
        return self._port if self._bound_port is None else self._bound_port

    @property
    def name(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        host = "0.0.0.0" if not self._host else self._host
        return str(URL.build(scheme=scheme, host=host, port=self.port))

    async def _create(self, server: Server) -> asyncio.Server:
        loop = asyncio.get_running_loop()
        listening = await loop.create_server(
            server,
            self._host,
            self._port,
            ssl=self._ssl_context,
            backlog=self._backlog,
            reuse_address=self._reuse_address,
            reuse_port=self._reuse_port,
        )
        sockets = listening.sockets
        self._bound_port = sockets[0].getsockname()[1] if sockets else self._port
        return listening


class UnixSite(BaseSite):
    def __init__(
        self,
        runner: BaseRunner,
        path: str,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: _ssl.SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        super().__init__(
            runner, shutdown_timeout=shutdown_timeout, ssl_context=ssl_context, backlog=backlog
        )
        self._path = path

    @property
    def name(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://unix:{self._path}:"

    async def _create(self, server: Server) -> asyncio.Server:
        loop = asyncio.get_running_loop()
        return await loop.create_unix_server(
            server, self._path, ssl=self._ssl_context, backlog=self._backlog
        )


class SockSite(BaseSite):
    def __init__(
        self,
        runner: BaseRunner,
        sock: socket.socket,
        *,
        shutdown_timeout: float = 60.0,
        ssl_context: _ssl.SSLContext | None = None,
        backlog: int = 128,
    ) -> None:
        super().__init__(
            runner, shutdown_timeout=shutdown_timeout, ssl_context=ssl_context, backlog=backlog
        )
        self._sock = sock
        scheme = "https" if ssl_context else "http"
        if hasattr(socket, "AF_UNIX") and sock.family == socket.AF_UNIX:
            self._name = f"{scheme}://unix:{sock.getsockname()}:"
        else:
            host, port = sock.getsockname()[:2]
            self._name = str(URL.build(scheme=scheme, host=host, port=port))

    @property
    def name(self) -> str:
        return self._name

    async def _create(self, server: Server) -> asyncio.Server:
        loop = asyncio.get_running_loop()
        return await loop.create_server(
            server, sock=self._sock, ssl=self._ssl_context, backlog=self._backlog
        )
