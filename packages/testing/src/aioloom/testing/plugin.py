"""The pytest plugin (entry point ``pytest11``): fixtures on pytest-asyncio."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

import pytest_asyncio

from aioloom.web import Application

from ._client import TestClient
from ._server import TestServer

__all__ = ["AioloomClient", "aioloom_client"]

AppOrFactory = Application | Callable[[], Application | Awaitable[Application]]


class AioloomClient(Protocol):
    """The type of the ``aioloom_client`` fixture: call it with an app or a factory."""

    async def __call__(self, app_or_factory: AppOrFactory) -> TestClient: ...


async def _build(app_or_factory: AppOrFactory) -> Application:
    if isinstance(app_or_factory, Application):
        return app_or_factory
    made = app_or_factory()
    return made if isinstance(made, Application) else await made


@pytest_asyncio.fixture
async def aioloom_client() -> AsyncIterator[AioloomClient]:
    clients: list[TestClient] = []

    async def go(app_or_factory: AppOrFactory) -> TestClient:
        client = TestClient(TestServer(await _build(app_or_factory)))
        await client.start_server()
        clients.append(client)
        return client

    yield go
    for client in reversed(clients):
        await client.close()
