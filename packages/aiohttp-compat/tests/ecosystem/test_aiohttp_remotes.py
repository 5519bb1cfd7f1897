"""aiohttp-remotes: forwarded headers, allowed hosts, basic auth."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]


async def test_x_forwarded_and_allowed_hosts(serve) -> None:
    import aiohttp_remotes
    from aiohttp import web

    async def where(request: web.Request) -> web.Response:
        return web.Response(text=f"{request.remote} {request.scheme} {request.host}")

    app = web.Application()
    app.router.add_get("/", where)
    await aiohttp_remotes.setup(
        app,
        aiohttp_remotes.XForwardedRelaxed(),
        aiohttp_remotes.AllowedHosts({"app.example"}),
    )
    async with serve(app) as client:
        forwarded = {
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "app.example",
        }
        response = await client.get("/", headers=forwarded)
        assert (response.status_code, response.text) == (200, "203.0.113.9 https app.example")
        response = await client.get("/", headers={"Host": "evil.example"})
        assert response.status_code == 400


async def test_basic_auth(serve) -> None:
    import aiohttp_remotes
    from aiohttp import web

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    app = web.Application()
    app.router.add_get("/", hello)
    await aiohttp_remotes.setup(app, aiohttp_remotes.BasicAuth("user", "secret", "realm"))
    async with serve(app) as client:
        refused = await client.get("/")
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"] == "Basic realm=realm"
        assert (await client.get("/", auth=("user", "secret"))).text == "hello"
