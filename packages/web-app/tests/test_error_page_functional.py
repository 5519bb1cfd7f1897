"""A handler's failure answered as aiohttp answers it: 500 page by Accept, 504 for a timeout."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from aioloom import web

pytestmark = pytest.mark.asyncio


def _app(debug: bool = False) -> web.Application:
    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("a handler's bug")

    async def slow(request: web.Request) -> web.Response:
        async with asyncio.timeout(0.01):
            await asyncio.sleep(1)
        return web.Response()

    app = web.Application(debug=debug)
    app.router.add_get("/broken", broken)
    app.router.add_get("/slow", slow)
    return app


@pytest.mark.parametrize(
    ("accept", "debug", "content_type", "start", "has_trace"),
    [
        ("*/*", False, "text/plain", "500 Internal Server Error\n\nServer got itself", False),
        ("text/html", False, "text/html", "<html><head><title>500 Internal", False),
        ("*/*", True, "text/plain", "500 Internal Server Error\n\nTraceback", True),
        ("text/html,*/*", True, "text/html", "<html><head><title>500 Internal", True),
    ],
)
async def test_the_500_page(
    serve, accept: str, debug: bool, content_type: str, start: str, has_trace: bool
) -> None:
    server = await serve(_app(debug))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        response = await client.get("/broken", headers={"Accept": accept})
    assert response.status_code == 500
    assert response.headers["Content-Type"] == f"{content_type}; charset=utf-8"
    assert response.headers["Connection"] == "close"
    assert response.text.startswith(start)
    shown = "a handler&#x27;s bug" in response.text or "a handler's bug" in response.text
    assert shown is has_trace


async def test_a_timeout_in_the_handler_is_504(serve) -> None:
    server = await serve(_app())
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        response = await client.get("/slow")
    assert response.status_code == 504
    assert response.text.startswith("504 Gateway Timeout")
