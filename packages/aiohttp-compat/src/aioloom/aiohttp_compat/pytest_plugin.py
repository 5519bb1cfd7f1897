"""pytest-aiohttp's fixtures on aioloom: an aiohttp application's test suite, unchanged.

Load it early, so compat is installed before any conftest or test module
imports ``aiohttp.web``: ``addopts = ["-p", "aioloom.aiohttp_compat.pytest_plugin"]``
in the pytest configuration (or ``pytest -p ...``). Importing this module
installs compat; pytest's unconfigure uninstalls it.

* ``aiohttp_client``, ``aiohttp_server``, ``aiohttp_raw_server`` and
  ``aiohttp_unused_port`` are pytest-aioloom's ``aioloom_*`` fixtures under
  pytest-aiohttp's names (same calls, same teardown).
* ``aiohttp_client_cls`` is the class ``aiohttp_client`` makes its clients of
  (``TestClient``); a suite overrides it to use a subclass, as with
  pytest-aiohttp.
* ``aiohttp.test_utils`` resolves to pytest-aioloom's ``TestClient``,
  ``TestServer``, ``RawTestServer``, ``make_mocked_request`` and ``unused_port``,
  and ``aiohttp.pytest_plugin`` to the fixtures' Protocol types, for suites that
  import them for annotations.
* pytest-aiohttp's own plugin (registered as ``aiohttp``), if installed, is
  blocked: its fixtures have the same names and would build aiohttp's servers.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

import aioloom.testing.plugin as aioloom_plugin
from aioloom import testing, web
from aioloom.testing import (
    AioloomClient,
    AioloomRawServer,
    AioloomServer,
    AioloomUnusedPort,
    BaseTestServer,
    TestClient,
)
from aioloom.testing.plugin import AppOrFactory

from ._install import add_modules, install, uninstall
from ._modules import MIGRATION_DOCS

__all__ = [
    "aiohttp_client_cls",
    "aiohttp_client",
    "aiohttp_server",
    "aiohttp_raw_server",
    "aiohttp_unused_port",
    "pytest_addhooks",
    "pytest_configure",
    "pytest_unconfigure",
]

# aiohttp.test_utils names -> pytest-aioloom's objects.
_TEST_UTILS: dict[str, object] = {
    "BaseTestServer": testing.BaseTestServer,
    "TestServer": testing.TestServer,
    "RawTestServer": testing.RawTestServer,
    "TestClient": testing.TestClient,
    "make_mocked_request": testing.make_mocked_request,
    "unused_port": testing.unused_port,
}
_PYTEST_PLUGIN: dict[str, object] = {
    "AiohttpClient": AioloomClient,
    "AiohttpServer": AioloomServer,
    "AiohttpRawServer": AioloomRawServer,
    "AiohttpUnusedPort": AioloomUnusedPort,
}


def _stand_in(name: str, names: dict[str, object]) -> types.ModuleType:
    module = types.ModuleType(name, f"{name} on pytest-aioloom (aioloom-aiohttp-compat).")
    module.__dict__.update(names)
    module.__dict__["__all__"] = list(names)

    def __getattr__(attribute: str) -> object:
        raise AttributeError(
            f"{name}.{attribute} is not provided on aioloom (pytest-aioloom has no "
            f"counterpart); see {MIGRATION_DOCS}",
            name=attribute,
        )

    module.__dict__["__getattr__"] = __getattr__
    return module


def _install() -> None:
    install()
    add_modules(
        {
            "aiohttp.test_utils": _stand_in("aiohttp.test_utils", _TEST_UTILS),
            "aiohttp.pytest_plugin": _stand_in("aiohttp.pytest_plugin", _PYTEST_PLUGIN),
        }
    )


_install()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    # Runs as this plugin registers (from -p: before entry-point plugins load).
    pluginmanager.set_blocked("aiohttp")
    if not pluginmanager.is_registered(aioloom_plugin):
        pluginmanager.register(aioloom_plugin, "aioloom")


def pytest_configure(config: pytest.Config) -> None:
    _install()  # again after an uninstall (e.g. a second in-process pytest run)


def pytest_unconfigure(config: pytest.Config) -> None:
    uninstall()


async def _build(app_or_factory: AppOrFactory) -> web.Application:
    if isinstance(app_or_factory, web.Application):
        return app_or_factory
    made = app_or_factory()
    if inspect.isawaitable(made):
        made = await made
    if not isinstance(made, web.Application):
        raise TypeError(f"the app factory returned {type(made).__name__}, not an Application")
    return made


@pytest.fixture
def aiohttp_client_cls() -> type[TestClient]:
    """The class of ``aiohttp_client``'s clients; override this fixture for a subclass."""
    return TestClient


@pytest_asyncio.fixture
async def aiohttp_client(
    aiohttp_client_cls: type[TestClient],
    aioloom_client: AioloomClient,
    aioloom_server: AioloomServer,
) -> AsyncIterator[AioloomClient]:
    """``await aiohttp_client(app_or_factory, *, server_kwargs=None, **kwargs)``."""
    if aiohttp_client_cls is TestClient:
        yield aioloom_client
        return
    clients: list[TestClient] = []

    async def go(
        app_or_factory: AppOrFactory | BaseTestServer,
        *,
        server_kwargs: dict[str, Any] | None = None,
        **client_kwargs: Any,
    ) -> TestClient:
        if isinstance(app_or_factory, BaseTestServer):
            if server_kwargs:
                raise TypeError("server_kwargs apply to an app, not to a ready test server")
            server: BaseTestServer = app_or_factory
        else:
            server = await aioloom_server(await _build(app_or_factory), **(server_kwargs or {}))
        client = aiohttp_client_cls(server, **client_kwargs)
        clients.append(client)
        await client.start_server()
        return client

    try:
        yield go
    finally:
        while clients:  # newest first; the servers close after, with aioloom_server
            await clients.pop().close()


@pytest.fixture
def aiohttp_server(aioloom_server: AioloomServer) -> AioloomServer:
    """``await aiohttp_server(app, *, host='127.0.0.1', port=None, **kwargs)``."""
    return aioloom_server


@pytest.fixture
def aiohttp_raw_server(aioloom_raw_server: AioloomRawServer) -> AioloomRawServer:
    """``await aiohttp_raw_server(handler, *, port=None, **kwargs)``."""
    return aioloom_raw_server


@pytest.fixture
def aiohttp_unused_port(aioloom_unused_port: AioloomUnusedPort) -> AioloomUnusedPort:
    """``aiohttp_unused_port()``: a free TCP port."""
    return aioloom_unused_port
