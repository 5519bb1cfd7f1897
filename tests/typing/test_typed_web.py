"""The application model used the way aiohttp's docs use it, checked by ``mypy --strict``.

``assert_type`` makes mypy prove the typed keys: ``app[KEY]`` has the key's type
(no ``Any``), through ``request.app``, ``request.config_dict`` and the request
and response storages. pytest runs the same module over a real socket.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import assert_type

import pytest

from aioloom import web
from aioloom.testing import AioloomClient


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.closed = False

    async def fetch(self, key: str) -> str:
        return f"{key}@{self.url}"


DB = web.AppKey("db", Database)
GREETING = web.AppKey("greeting", str)
COUNTS = web.AppKey("counts", dict[str, int])
USER = web.RequestKey("user", str)
TIMING = web.ResponseKey("timing", float)

routes = web.RouteTableDef()


async def db_context(app: web.Application) -> AsyncIterator[None]:
    app[DB] = Database("sqlite://")
    yield
    app[DB].closed = True


async def on_startup(app: web.Application) -> None:
    app[COUNTS]["startups"] = app[COUNTS].get("startups", 0) + 1


@web.middleware
async def auth(request: web.Request, handler: web.Handler) -> web.StreamResponse:
    request[USER] = request.headers.get("X-User", "anonymous")
    response = await handler(request)
    response[TIMING] = 0.5
    return response


async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
    timing = response.get(TIMING)
    assert_type(timing, float | None)
    response.headers["X-Timing"] = str(timing)


@routes.get("/items/{key}")
async def item(request: web.Request) -> web.Response:
    db = request.app[DB]
    assert_type(db, Database)
    user = request[USER]
    assert_type(user, str)
    greeting = request.config_dict[GREETING]
    assert_type(greeting, str)
    value = await db.fetch(request.match_info["key"])
    return web.json_response({"value": value, "user": user, "greeting": greeting})


@routes.view("/view")
class Counter(web.View):
    async def get(self) -> web.Response:
        counts = self.request.config_dict[COUNTS]
        assert_type(counts, dict[str, int])
        return web.Response(text=str(counts["startups"]))


async def not_found(request: web.Request) -> web.Response:
    raise web.HTTPNotFound(text="nothing here")


def create_app() -> web.Application:
    app = web.Application(middlewares=[auth], client_max_size=2**20)
    app[GREETING] = "hello"
    app[COUNTS] = {}
    app.cleanup_ctx.append(db_context)
    app.on_startup.append(on_startup)
    app.on_response_prepare.append(on_prepare)
    app.add_routes(routes)
    app.add_routes([web.get("/missing", not_found)])
    admin = web.Application()
    admin.router.add_get("/items/{key}", item, name="admin-item")
    app.add_subapp("/admin", admin)
    got = app.get(GREETING)
    assert_type(got, str | None)
    assert_type(app.get(GREETING, "default"), str)
    return app


def test_keys_are_typed_without_a_server() -> None:
    app = create_app()
    assert_type(app[GREETING], str)
    assert_type(app[COUNTS], dict[str, int])
    key: web.AppKey[str] = GREETING
    assert key.name == "greeting"


@pytest.mark.asyncio
async def test_typed_app_over_the_wire(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(create_app)
    response = await client.get("/items/k", headers={"X-User": "ada"})
    assert await response.json() == {"value": "k@sqlite://", "user": "ada", "greeting": "hello"}
    assert response.headers["X-Timing"] == "0.5"
    response = await client.get("/admin/items/k")
    # The sub-app has no DB of its own: request.app is isolated from the parent.
    assert response.status == 500
    assert await (await client.get("/view")).text() == "1"
    response = await client.get("/missing")
    assert response.status == 404
    assert await response.text() == "nothing here"
