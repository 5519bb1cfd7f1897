"""aiohttp-middlewares: the error, timeout and cors middlewares."""

from __future__ import annotations

import asyncio
import time

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]


async def test_error_timeout_and_cors_middlewares(serve) -> None:
    from aiohttp import web
    from aiohttp_middlewares import cors_middleware, error_middleware, timeout_middleware

    async def boom(request: web.Request) -> web.Response:
        raise web.HTTPConflict()

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="late")

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    app = web.Application(
        middlewares=[
            cors_middleware(origins=["http://client.example"]),
            error_middleware(),
            timeout_middleware(0.2),
        ]
    )
    app.router.add_get("/boom", boom)
    app.router.add_get("/slow", slow)
    app.router.add_get("/", hello)
    async with serve(app) as client:
        response = await client.get("/boom")
        assert response.status_code == 409
        assert response.json() == {"detail": "Conflict"}
        response = await client.get("/missing")
        assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})
        started = time.monotonic()
        response = await client.get("/slow")
        # The timeout cancels the handler; the error middleware answers the
        # TimeoutError with its 500, as on aiohttp.
        assert time.monotonic() - started < 3
        assert response.status_code == 500
        assert "detail" in response.json()
        response = await client.get("/", headers={"Origin": "http://client.example"})
        assert response.text == "hello"
        assert response.headers["Access-Control-Allow-Origin"] == "http://client.example"
