"""The pytest plugin (entry point ``pytest11``): factory fixtures on pytest-asyncio.

The fixtures are ordinary pytest-asyncio fixtures: this plugin owns no event
loop. They run in the loop pytest-asyncio gives them, which follows
``asyncio_default_fixture_loop_scope``: a test running in a wider loop (e.g.
``@pytest.mark.asyncio(loop_scope="module")``) needs that option set to the
same scope, and a mismatch is reported as such rather than as a stray
"attached to a different loop" error.

Everything a factory made is closed at teardown, newest first, whether the test
passed or failed: clients, then servers (on_shutdown and on_cleanup run there).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

import pytest
import pytest_asyncio

from aioloom.web import Application

from ._client import TestClient
from ._server import BaseTestServer, RawHandler, RawTestServer, TestServer, unused_port

__all__ = [
    "AppOrFactory",
    "AioloomClient",
    "AioloomServer",
    "AioloomRawServer",
    "AioloomUnusedPort",
    "aioloom_client",
    "aioloom_server",
    "aioloom_raw_server",
    "aioloom_unused_port",
    "pytest_addoption",
]

AppOrFactory = Application | Callable[[], Application | Awaitable[Application]]


class AioloomClient(Protocol):
    """``aioloom_client``: a started client for an app, an app factory or a test server."""

    async def __call__(
        self,
        app_or_factory: AppOrFactory | BaseTestServer,
        *,
        server_kwargs: dict[str, Any] | None = None,
        **client_kwargs: Any,
    ) -> TestClient: ...


class AioloomServer(Protocol):
    """``aioloom_server``: a started ``TestServer`` for an app."""

    async def __call__(
        self,
        app: Application,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,
    ) -> TestServer: ...


class AioloomRawServer(Protocol):
    """``aioloom_raw_server``: a started ``RawTestServer`` for a low-level handler."""

    async def __call__(
        self, handler: RawHandler, *, port: int | None = None, **kwargs: Any
    ) -> RawTestServer: ...


class AioloomUnusedPort(Protocol):
    """``aioloom_unused_port``: a TCP port that was free a moment ago."""

    def __call__(self) -> int: ...


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "aioloom_in_process",
        type="bool",
        default=False,
        help="aioloom_client/aioloom_server serve in-process (no socket) unless told otherwise",
    )


_LOOP_MISMATCH = (
    "the aioloom fixtures run in the event loop of scope {fixture!r} but this test runs in"
    " another loop; set asyncio_default_fixture_loop_scope to the test's loop scope"
    " (e.g. 'module' for @pytest.mark.asyncio(loop_scope='module'))"
)


class _Owned:
    """What one fixture made, closed at teardown newest first, all of it."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._loop = asyncio.get_running_loop()
        self._scope = request.config.getini("asyncio_default_fixture_loop_scope") or "function"
        self._in_process = bool(request.config.getini("aioloom_in_process"))
        self._items: list[TestClient | BaseTestServer] = []

    def check_loop(self) -> None:
        if asyncio.get_running_loop() is not self._loop:
            raise RuntimeError(_LOOP_MISMATCH.format(fixture=self._scope))

    def server_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        if self._in_process and "in_process" not in kwargs:
            return {**kwargs, "in_process": True}
        return kwargs

    async def start(self, item: TestClient | BaseTestServer) -> None:
        self._items.append(item)
        await item.start_server()

    async def close_all(self) -> None:
        errors: list[BaseException] = []
        while self._items:
            item = self._items.pop()
            try:
                await item.close()
            except Exception as exc:  # close the rest, then report
                errors.append(exc)
        if errors:
            raise errors[0]


async def _build(app_or_factory: AppOrFactory) -> Application:
    if isinstance(app_or_factory, Application):
        return app_or_factory
    made = app_or_factory()
    if inspect.isawaitable(made):
        made = await made
    if not isinstance(made, Application):
        raise TypeError(f"the app factory returned {type(made).__name__}, not an Application")
    return made


@pytest_asyncio.fixture
async def aioloom_client(request: pytest.FixtureRequest) -> AsyncIterator[AioloomClient]:
    """``await aioloom_client(app_or_factory, *, server_kwargs=None, **client_kwargs)``.

    Accepts an ``Application``, a (sync or async) factory of one, or a test
    server; ``server_kwargs`` go to ``TestServer`` (``in_process=True`` for the
    socket-less mode), ``client_kwargs`` to ``TestClient`` (and httpx).
    """
    owned = _Owned(request)

    async def go(
        app_or_factory: AppOrFactory | BaseTestServer,
        *,
        server_kwargs: dict[str, Any] | None = None,
        **client_kwargs: Any,
    ) -> TestClient:
        owned.check_loop()
        if isinstance(app_or_factory, BaseTestServer):
            if server_kwargs:
                raise TypeError("server_kwargs apply to an app, not to a ready test server")
            server = app_or_factory
        else:
            app = await _build(app_or_factory)
            server = TestServer(app, **owned.server_kwargs(server_kwargs or {}))
        client = TestClient(server, **client_kwargs)
        await owned.start(client)
        return client

    try:
        yield go
    finally:
        await owned.close_all()


@pytest_asyncio.fixture
async def aioloom_server(request: pytest.FixtureRequest) -> AsyncIterator[AioloomServer]:
    """``await aioloom_server(app, *, host='127.0.0.1', port=None, **kwargs)``: a TestServer."""
    owned = _Owned(request)

    async def go(
        app: Application, *, host: str = "127.0.0.1", port: int | None = None, **kwargs: Any
    ) -> TestServer:
        owned.check_loop()
        server = TestServer(app, host=host, port=port, **owned.server_kwargs(kwargs))
        await owned.start(server)
        return server

    try:
        yield go
    finally:
        await owned.close_all()


@pytest_asyncio.fixture
async def aioloom_raw_server(request: pytest.FixtureRequest) -> AsyncIterator[AioloomRawServer]:
    """``await aioloom_raw_server(handler, *, port=None, **kwargs)``: a RawTestServer."""
    owned = _Owned(request)

    async def go(handler: RawHandler, *, port: int | None = None, **kwargs: Any) -> RawTestServer:
        owned.check_loop()
        server = RawTestServer(handler, port=port, **owned.server_kwargs(kwargs))
        await owned.start(server)
        return server

    try:
        yield go
    finally:
        await owned.close_all()


@pytest.fixture
def aioloom_unused_port() -> AioloomUnusedPort:
    """``aioloom_unused_port()``: a free TCP port on 127.0.0.1 (prefer port=None)."""
    return unused_port
