"""Shared helpers: compat installed for one test, and servers over a real socket."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from aioloom import web
from aioloom.aiohttp_compat import install, uninstall

# Modules bound to whichever aiohttp.web was there when they were imported: the
# real one (another test imported it) or the stand-in. Each compat test imports
# them afresh and drops them afterwards.
_BOUND = (
    "aiohttp.web",  # and every aiohttp.web_* module
    "aiohttp.worker",
    "aiohttp.test_utils",
    "aiohttp.pytest_plugin",
    "aiohttp_",  # the extensions
    "prometheus_client.aiohttp",
    "opentelemetry.instrumentation.aiohttp_server",
    "pytest_aiohttp",
    "webargs.aiohttpparser",  # aiohttp-apispec's request parser
)


def _bound(name: str) -> bool:
    return name.startswith(_BOUND)


@pytest.fixture
def compat() -> Iterator[None]:
    """aiohttp's server modules resolve to aioloom's for this test only."""
    stashed = {name: sys.modules.pop(name) for name in list(sys.modules) if _bound(name)}
    install()
    try:
        yield
    finally:
        uninstall()
        for name in [name for name in sys.modules if _bound(name)]:
            del sys.modules[name]
        sys.modules.update(stashed)


@asynccontextmanager
async def _serve(app: web.Application, **kwargs: Any) -> AsyncIterator[httpx.AsyncClient]:
    """``app`` on 127.0.0.1, a free port; an httpx client pointed at it."""
    runner = web.AppRunner(app, **kwargs)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            yield client
    finally:
        await runner.cleanup()


@pytest.fixture
def serve() -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """``async with serve(app, **runner_kwargs) as client``: httpx over a real socket."""
    return _serve
