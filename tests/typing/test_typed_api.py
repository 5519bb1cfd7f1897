"""Typed use of the public API, checked by ``mypy --strict`` (and run by pytest).

The assignments below are the structural pairings the design relies on: a
``web.Request`` satisfies the router's ``Routable`` protocol without either
package importing the other's classes.
"""

from __future__ import annotations

import pytest
from yarl import URL

from aioloom import web
from aioloom.router import MatchInfo, Routable, UrlDispatcher
from aioloom.testing import AioloomClient


async def handler(request: web.Request) -> web.Response:
    routable: Routable = request  # web.Request satisfies the router's protocol
    return web.Response(text=routable.rel_url.path)


def build() -> web.Application:
    app = web.Application()
    app.router.add_get("/{tail}", handler)
    return app


def test_router_is_generic_over_the_handler_type() -> None:
    router: UrlDispatcher[web.Handler] = build().router
    assert isinstance(router, UrlDispatcher)


@pytest.mark.asyncio
async def test_typed_round_trip(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(build)
    response = await client.get("/typed")
    assert await response.text() == "/typed"
    match: MatchInfo[web.Handler] = await build().router.resolve(_FakeRequest())
    assert match.handler is not None


class _FakeRequest:
    method = "GET"

    @property
    def rel_url(self) -> URL:
        return URL("/x")
