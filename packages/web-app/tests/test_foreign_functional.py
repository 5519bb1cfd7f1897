"""aiohttp's own server objects in an aioloom app without compat: a 500 that says why."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import httpx
import pytest

from aioloom import web
from aioloom.web.server._foreign import explain

from .conftest import ServeFactory

aiohttp_web = pytest.importorskip("aiohttp.web")


async def _get(serve: ServeFactory, handler: Callable[[web.Request], Awaitable[object]]) -> int:
    app = web.Application()
    app.router.add_get("/", handler)  # type: ignore[arg-type]
    server = await serve(app)
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{server.port}/")
    return response.status_code


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    [record] = [r for r in caplog.records if r.name == "aioloom.web.server"]
    return record.getMessage()


@pytest.mark.asyncio
async def test_a_returned_aiohttp_response(
    serve: ServeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(request: web.Request) -> object:
        return aiohttp_web.Response(text="from aiohttp")

    with caplog.at_level(logging.ERROR):
        assert await _get(serve, handler) == 500
    message = _logged(caplog)
    assert "returned aiohttp's aiohttp.web_response.Response" in message
    assert "aioloom.aiohttp_compat.install()" in message
    assert "Migrating from aiohttp" in message


@pytest.mark.asyncio
async def test_a_raised_aiohttp_http_exception(
    serve: ServeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(request: web.Request) -> object:
        raise aiohttp_web.HTTPFound("/elsewhere")

    with caplog.at_level(logging.ERROR):
        assert await _get(serve, handler) == 500
    message = _logged(caplog)
    assert "raised aiohttp's aiohttp.web_exceptions.HTTPFound" in message
    assert "aioloom-aiohttp-compat" in message


@pytest.mark.asyncio
async def test_an_aiohttp_app_key_looked_up(
    serve: ServeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    key = aiohttp_web.AppKey("db", str)

    async def handler(request: web.Request) -> object:
        return web.Response(text=request.app[key])

    with caplog.at_level(logging.ERROR):
        assert await _get(serve, handler) == 500
    assert "an aiohttp aiohttp.helpers.AppKey was looked up" in _logged(caplog)


@pytest.mark.asyncio
async def test_ordinary_errors_keep_their_plain_message(
    serve: ServeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(request: web.Request) -> object:
        return object().missing  # type: ignore[attr-defined]

    with caplog.at_level(logging.ERROR):
        assert await _get(serve, handler) == 500
    assert _logged(caplog) == "Error handling request GET /"


def test_explain_names_nothing_for_aioloom_s_own_objects() -> None:
    assert explain(web.HTTPFound("/x")) == ""
    assert explain(KeyError(web.AppKey("k", int))) == ""
    assert explain(AttributeError("x")) == ""
