"""Routing as aiohttp 3.14's callers use it, over a real socket with httpx.

Decoded-path matching (``%2C``, lower-case escapes, non-ASCII), the order of
resolution (deepest literal prefix first), ``await router.resolve()`` from a
middleware, and resources or routers whose ``resolve()`` must be awaited.
"""

from __future__ import annotations

import warnings

import httpx
import pytest
from yarl import URL

from aioloom import web
from aioloom.router import Resolution, Routable

from .conftest import ServeFactory


async def _echo(request: web.Request) -> web.Response:
    resource = request.match_info.route.resource  # type: ignore[union-attr]
    name = resource.canonical if resource is not None else "?"
    return web.json_response({"route": name, "vars": dict(request.match_info)})


@pytest.mark.asyncio
async def test_the_decoded_path_is_matched(serve: ServeFactory) -> None:
    app = web.Application()
    app.router.add_get("/467,802/hello", _echo)
    app.router.add_get(r"/ids/{ids:([0-9]+)(,([0-9]+))*}", _echo)
    app.router.add_get("/café", _echo)
    app.router.add_get("/v/{name}", _echo)
    server = await serve(app)
    async with httpx.AsyncClient() as client:
        base = f"http://127.0.0.1:{server.port}"

        async def get(raw: str) -> httpx.Response:
            # a raw request target, escapes as written (httpx keeps a given raw_path)
            return await client.get(base, extensions={"target": raw.encode()})

        response = await get("/467%2C802/hello")
        assert response.status_code == 200
        response = await get("/ids/467%2C802%2C24834")
        assert response.json()["vars"] == {"ids": "467,802,24834"}
        assert (await get("/caf%c3%a9")).status_code == 200
        assert (await get("/caf%C3%A9")).status_code == 200
        assert (await get("/v/a%2Fb")).json()["vars"] == {"name": "a/b"}
        assert (await get("/v/a/b")).status_code == 404
        assert (await get("/v/%7Bx%7D")).status_code == 404


@pytest.mark.asyncio
async def test_the_deepest_literal_prefix_answers_first(serve: ServeFactory) -> None:
    app = web.Application()
    app.router.add_get("/{name}", _echo)
    app.router.add_get("/about", _echo)
    app.router.add_get("/users/{id}", _echo)
    app.router.add_get("/users/me", _echo)
    sub = web.Application()
    sub.router.add_get("/c", _echo)
    app.add_subapp("/s/s", sub)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is shadowed here
        server = await serve(app)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        assert (await client.get("/about")).json()["route"] == "/about"
        assert (await client.get("/bob")).json()["route"] == "/{name}"
        assert (await client.get("/users/me")).json()["route"] == "/users/me"
        assert (await client.get("/users/7")).json()["route"] == "/users/{id}"
        assert (await client.get("/s/s/c")).json()["route"] == "/s/s/c"


@pytest.mark.asyncio
async def test_a_middleware_awaits_router_resolve(serve: ServeFactory) -> None:
    seen: list[object] = []

    @web.middleware
    async def probe(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        match_info = await request.app.router.resolve(request)
        seen.append((match_info.http_exception, match_info.get_info()))
        return await handler(request)

    app = web.Application(middlewares=[probe])
    app.router.add_get("/here", _echo)
    server = await serve(app)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        assert (await client.get("/here")).status_code == 200
        assert (await client.post("/here")).status_code == 405
        assert (await client.get("/gone")).status_code == 404
    assert seen[0] == (None, {"path": "/here"})
    not_allowed, info = seen[1]
    assert isinstance(not_allowed, web.HTTPMethodNotAllowed)
    assert not_allowed.allowed_methods == {"GET", "HEAD"}
    assert info == {"http_exception": not_allowed}
    assert isinstance(seen[2][0], web.HTTPNotFound)


class _EvenNumbers(web.AbstractResource):
    """aiohttp-style: only ``async def resolve(request)``."""

    def __init__(self) -> None:
        super().__init__(name="even")
        self._route = web.ResourceRoute("GET", _echo, self)
        self._prefix = ""

    @property
    def canonical(self) -> str:  # (where it is tried: before later routes under its prefix)
        return self._prefix + "/{even}"

    def url_for(self, **parts: str) -> URL:
        return URL.build(path="/" + parts["n"])

    async def resolve(self, request: Routable) -> Resolution[web.Handler]:
        path = request.rel_url.path
        if not path.startswith(self._prefix + "/"):
            return None, frozenset()
        number = path[len(self._prefix) + 1 :]
        if not (number.isascii() and number.isdigit() and int(number) % 2 == 0):
            return None, frozenset()
        if request.method != "GET":
            return None, frozenset({"GET"})
        return web.UrlMappingMatchInfo({"n": number}, self._route), frozenset({"GET"})

    def add_prefix(self, prefix: str) -> None:
        self._prefix = prefix + self._prefix

    def __len__(self) -> int:
        return 1

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter([self._route])


class _CountingRouter(web.UrlDispatcher):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def resolve(self, request: Routable) -> web.UrlMappingMatchInfo:
        self.calls += 1
        return await super().resolve(request)


@pytest.mark.asyncio
async def test_awaited_resources_and_router_subclasses_are_honoured(serve: ServeFactory) -> None:
    app = web.Application()
    app.router.register_resource(_EvenNumbers())
    app.router.add_get("/{n}", _echo)
    counting = _CountingRouter()
    counting.add_get("/c", _echo)
    sub = web.Application(router=counting)
    app.add_subapp("/sub", sub)
    outer = web.Application(router=_CountingRouter())
    outer.add_subapp("/app", app)
    server = await serve(outer)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        assert (await client.get("/app/4")).json() == {"route": "/app/{even}", "vars": {"n": "4"}}
        assert (await client.get("/app/5")).json()["route"] == "/app/{n}"
        assert (await client.post("/app/4")).status_code == 405
        assert (await client.get("/app/sub/c")).status_code == 200
    assert outer.router.calls == 4  # type: ignore[attr-defined]
