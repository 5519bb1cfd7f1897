"""Class-based views over a real socket: dispatch by method, 405 with Allow."""

from __future__ import annotations

import pytest

from aioloom import web
from aioloom.testing import AioloomClient


class ItemView(web.View):
    async def get(self) -> web.Response:
        return web.Response(text=f"get {self.request.match_info['id']}")

    async def post(self) -> web.Response:
        return web.json_response(await self.request.json(), status=201)

    async def delete(self) -> web.Response:
        raise web.HTTPNoContent()


class EmptyView(web.View):
    pass


def _app() -> web.Application:
    app = web.Application()
    app.router.add_view("/items/{id}", ItemView)  # type: ignore[arg-type]
    app.router.add_view("/empty", EmptyView)  # type: ignore[arg-type]
    return app


@pytest.mark.asyncio
async def test_view_dispatches_on_method(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(_app)
    assert await (await client.get("/items/3")).text() == "get 3"
    response = await client.post("/items/3", json={"a": 1})
    assert response.status == 201
    assert await response.json() == {"a": 1}
    assert (await client.request("DELETE", "/items/3")).status == 204


@pytest.mark.asyncio
async def test_view_missing_method_is_405_with_allow(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(_app)
    response = await client.request("PATCH", "/items/3")
    assert response.status == 405
    assert response.headers["Allow"] == "DELETE,GET,POST"
    response = await client.request("GET", "/empty")
    assert response.status == 405
    assert response.headers["Allow"] == ""


@pytest.mark.asyncio
async def test_view_in_middleware_chain_and_request_property(
    aioloom_client: AioloomClient,
) -> None:
    seen: list[str] = []

    @web.middleware
    async def mw(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        seen.append(request.method)
        return await handler(request)

    class Who(web.View):
        async def get(self) -> web.Response:
            assert isinstance(self.request, web.Request)
            return web.Response(text=self.request.path)

    app = web.Application(middlewares=[mw])
    app.add_routes([web.view("/who", Who)])
    client = await aioloom_client(app)
    assert await (await client.get("/who")).text() == "/who"
    assert (await client.post("/who")).status == 405
    assert seen == ["GET", "POST"]


def test_abstract_view_needs_await() -> None:
    with pytest.raises(TypeError):
        web.AbstractView(None)  # type: ignore[abstract,arg-type]
