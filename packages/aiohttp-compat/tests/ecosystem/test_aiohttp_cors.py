"""aiohttp-cors: preflight and actual requests, on resources and on routes."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]

ORIGIN = "http://client.example"


async def test_preflight_and_actual_requests(serve) -> None:
    import aiohttp_cors
    from aiohttp import web

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello", headers={"X-Secret": "1"})

    app = web.Application()
    cors = aiohttp_cors.setup(
        app,
        defaults={
            ORIGIN: aiohttp_cors.ResourceOptions(
                allow_credentials=True, expose_headers=("X-Secret",), allow_headers="*"
            )
        },
    )
    cors.add(app.router.add_route("GET", "/route", hello))
    resource = cors.add(app.router.add_resource("/resource"))
    cors.add(resource.add_route("PUT", hello))
    async with serve(app) as client:
        for path, method in (("/route", "GET"), ("/resource", "PUT")):
            preflight = await client.options(
                path,
                headers={
                    "Origin": ORIGIN,
                    "Access-Control-Request-Method": method,
                    "Access-Control-Request-Headers": "X-Token",
                },
            )
            assert preflight.status_code == 200, path
            assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
            assert method in preflight.headers["Access-Control-Allow-Methods"]
            assert preflight.headers["Access-Control-Allow-Headers"].upper() == "X-TOKEN"
            actual = await client.request(method, path, headers={"Origin": ORIGIN})
            assert actual.text == "hello"
            assert actual.headers["Access-Control-Allow-Origin"] == ORIGIN
            assert actual.headers["Access-Control-Allow-Credentials"] == "true"
            assert actual.headers["Access-Control-Expose-Headers"] == "X-Secret"
        refused = await client.options(
            "/route",
            headers={"Origin": "http://other.example", "Access-Control-Request-Method": "GET"},
        )
        assert refused.status_code == 403
