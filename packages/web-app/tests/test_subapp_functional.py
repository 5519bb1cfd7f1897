"""Nested applications: prefixes, domains, middleware chains, signals, config_dict."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from aioloom import web
from aioloom.testing import AioloomClient, TestServer

LEVEL = web.AppKey("level", str)
ROOT_ONLY = web.AppKey("root_only", str)
MIDDLE_ONLY = web.AppKey("middle_only", str)
LEAF_ONLY = web.AppKey("leaf_only", str)
TRACE = web.RequestKey("trace", list)


def _tracing(name: str) -> web.Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        request.setdefault(TRACE, []).append(f"{name}>{request.app[LEVEL]}")
        response = await handler(request)
        request[TRACE].append(f"<{name}")
        response.headers.add("X-Trace", name)
        return response

    return middleware


def _three_levels() -> web.Application:
    async def leaf_handler(request: web.Request) -> web.Response:
        config = request.config_dict
        return web.json_response(
            {
                "level": config[LEVEL],
                "root_only": config[ROOT_ONLY],
                "middle_only": config[MIDDLE_ONLY],
                "leaf_only": config[LEAF_ONLY],
                "missing": config.get(web.AppKey("nope", str)),
                "app_level": request.app[LEVEL],
                "app_has_root_key": ROOT_ONLY in request.app,
                "trace": request[TRACE],
                "url_for": str(request.app.router["leaf"].url_for(name="x")),
                "apps": [a[LEVEL] for a in request.match_info.apps],  # type: ignore[index]
            }
        )

    async def middle_handler(request: web.Request) -> web.Response:
        return web.json_response({"level": request.config_dict[LEVEL], "trace": request[TRACE]})

    root = web.Application(middlewares=[_tracing("root1"), _tracing("root2")])
    root[LEVEL] = "root"
    root[ROOT_ONLY] = "r"
    middle = web.Application(middlewares=[_tracing("middle")])
    middle[LEVEL] = "middle"
    middle[MIDDLE_ONLY] = "m"
    leaf = web.Application(middlewares=[_tracing("leaf")])
    leaf[LEVEL] = "leaf"
    leaf[LEAF_ONLY] = "l"
    leaf.router.add_get("/item/{name}", leaf_handler, name="leaf")
    middle.router.add_get("/here", middle_handler)
    middle.add_subapp("/leaf", leaf)
    root.add_subapp("/middle", middle)
    return root


@pytest.mark.asyncio
async def test_config_dict_through_three_levels(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(_three_levels)
    response = await client.get("/middle/leaf/item/x")
    assert response.status == 200
    assert await response.json() == {
        "level": "leaf",
        "root_only": "r",
        "middle_only": "m",
        "leaf_only": "l",
        "missing": None,
        "app_level": "leaf",
        "app_has_root_key": False,
        "trace": ["root1>root", "root2>root", "middle>middle", "leaf>leaf"],
        "url_for": "/middle/leaf/item/x",
        "apps": ["root", "middle", "leaf"],
    }
    # Middlewares are chained outer first (and unwind inner first).
    assert response.headers.getall("X-Trace") == ["leaf", "middle", "root2", "root1"]
    response = await client.get("/middle/here")
    assert await response.json() == {
        "level": "middle",
        "trace": ["root1>root", "root2>root", "middle>middle"],
    }


@pytest.mark.asyncio
async def test_config_dict_in_each_middleware_sees_its_own_app(
    aioloom_client: AioloomClient,
) -> None:
    seen: list[tuple[str, bool]] = []

    def spy(name: str) -> web.Middleware:
        @web.middleware
        async def middleware(request: web.Request, handler: web.Handler) -> web.StreamResponse:
            seen.append((request.config_dict[LEVEL], LEAF_ONLY in request.config_dict))
            return await handler(request)

        return middleware

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    root = web.Application(middlewares=[spy("root")])
    root[LEVEL] = "root"
    leaf = web.Application(middlewares=[spy("leaf")])
    leaf[LEVEL] = "leaf"
    leaf[LEAF_ONLY] = "l"
    leaf.router.add_get("/", handler)
    root.add_subapp("/leaf/", leaf)
    client = await aioloom_client(root)
    assert (await client.get("/leaf/")).status == 200
    assert seen == [("root", False), ("leaf", True)]


@pytest.mark.asyncio
async def test_subapp_404_and_405_go_through_its_middlewares(
    aioloom_client: AioloomClient,
) -> None:
    seen: list[str] = []

    def catcher(name: str) -> web.Middleware:
        @web.middleware
        async def middleware(request: web.Request, handler: web.Handler) -> web.StreamResponse:
            try:
                return await handler(request)
            except web.HTTPException as exc:
                seen.append(f"{name}:{exc.status}")
                raise

        return middleware

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    root = web.Application(middlewares=[catcher("root")])
    sub = web.Application(middlewares=[catcher("sub")])
    sub.router.add_get("/x", handler)
    root.add_subapp("/sub", sub)
    client = await aioloom_client(root)
    assert (await client.get("/sub/missing")).status == 404
    response = await client.post("/sub/x")
    assert response.status == 405
    assert response.headers["Allow"] == "GET,HEAD"
    assert (await client.get("/elsewhere")).status == 404
    assert seen == ["sub:404", "root:404", "sub:405", "root:405", "root:404"]


@pytest.mark.asyncio
async def test_on_response_prepare_through_the_chain(aioloom_client: AioloomClient) -> None:
    def add(name: str) -> Any:
        async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
            response.headers.add("X-Prepared", f"{name}:{request.app[LEVEL]}")

        return on_prepare

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    root = web.Application()
    root[LEVEL] = "root"
    root.on_response_prepare.append(add("root"))
    sub = web.Application()
    sub[LEVEL] = "sub"
    sub.on_response_prepare.append(add("sub"))
    sub.router.add_get("/", handler)
    root.router.add_get("/", handler)
    root.add_subapp("/sub", sub)
    client = await aioloom_client(root)
    response = await client.get("/sub/")
    # As in aiohttp: outer app's callbacks first; once the middleware chain has
    # unwound, request.app is the app that owns the route (the innermost).
    assert response.headers.getall("X-Prepared") == ["root:sub", "sub:sub"]
    response = await client.get("/")
    assert response.headers.getall("X-Prepared") == ["root:root"]
    # Errors (404 in the sub-app) are prepared through the chain too.
    response = await client.get("/sub/missing")
    assert response.status == 404
    assert response.headers.getall("X-Prepared") == ["root:sub", "sub:sub"]


@pytest.mark.asyncio
async def test_on_response_prepare_of_one_app_only_runs_for_its_routes(
    aioloom_client: AioloomClient,
) -> None:
    # Whether a route's chain has callbacks is worked out once per route: check
    # it is right for each route, on the first request and the ones after.
    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["X-Prepared"] = "sub"

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    root = web.Application()
    sub = web.Application()
    sub.on_response_prepare.append(on_prepare)
    sub.router.add_get("/", handler)
    root.router.add_get("/", handler)
    root.add_subapp("/sub", sub)
    client = await aioloom_client(root)
    for _ in range(3):
        assert "X-Prepared" not in (await client.get("/")).headers
        assert (await client.get("/sub/")).headers.get("X-Prepared") == "sub"
        assert "X-Prepared" not in (await client.get("/missing")).headers
        assert (await client.get("/sub/missing")).headers.get("X-Prepared") == "sub"


@pytest.mark.asyncio
async def test_lifecycle_signals_reach_subapps_with_the_subapp() -> None:
    log: list[tuple[str, str]] = []

    def record(signal: str) -> Any:
        async def callback(app: web.Application) -> None:
            log.append((signal, app[LEVEL]))

        return callback

    def ctx(app: web.Application) -> AsyncIterator[None]:
        async def gen() -> AsyncIterator[None]:
            log.append(("ctx start", app[LEVEL]))
            yield
            log.append(("ctx cleanup", app[LEVEL]))

        return gen()

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    root = web.Application()
    root[LEVEL] = "root"
    sub = web.Application()
    sub[LEVEL] = "sub"
    domain = web.Application()
    domain[LEVEL] = "domain"
    for app in (root, sub, domain):
        app.on_startup.append(record("startup"))
        app.on_shutdown.append(record("shutdown"))
        app.on_cleanup.append(record("cleanup"))
        app.cleanup_ctx.append(ctx)
        app.router.add_get("/", handler)
    root.add_subapp("/sub", sub)
    root.add_domain("example.com", domain)
    async with TestServer(root):
        assert log == [
            ("ctx start", "root"),
            ("startup", "root"),
            ("ctx start", "sub"),
            ("startup", "sub"),
            ("ctx start", "domain"),
            ("startup", "domain"),
        ]
        log.clear()
    assert log == [
        ("shutdown", "root"),
        ("shutdown", "sub"),
        ("shutdown", "domain"),
        ("ctx cleanup", "root"),
        ("cleanup", "root"),
        ("ctx cleanup", "sub"),
        ("cleanup", "sub"),
        ("ctx cleanup", "domain"),
        ("cleanup", "domain"),
    ]
    for app in (root, sub, domain):
        assert app.frozen
        with pytest.raises(RuntimeError, match="started application"):
            app[LEVEL] = "changed"


@pytest.mark.asyncio
async def test_subapp_state_can_be_set_during_its_startup(aioloom_client: AioloomClient) -> None:
    async def on_startup(app: web.Application) -> None:
        app[LEAF_ONLY] = "set at startup"

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=request.app[LEAF_ONLY])

    root = web.Application()
    sub = web.Application()
    sub.on_startup.append(on_startup)
    sub.router.add_get("/", handler)
    root.add_subapp("/sub", sub)
    client = await aioloom_client(root)
    assert await (await client.get("/sub/")).text() == "set at startup"


@pytest.mark.asyncio
async def test_add_domain(aioloom_client: AioloomClient) -> None:
    def make(name: str) -> web.Application:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(text=f"{name} {request.host} {request.match_info.get('x', '')}")

        app = web.Application()
        app.router.add_get("/", handler)
        app.router.add_get("/p/{x}", handler, name="p")
        return app

    root = make("root")
    api = make("api")
    wildcard = make("wildcard")
    root.add_domain("api.example.com", api)
    root.add_domain("*.example.com", wildcard)
    client = await aioloom_client(root)

    async def text(path: str, host: str) -> str:
        response = await client.get(path, headers={"Host": host})
        return f"{response.status} {await response.text()}"

    assert await text("/", "api.example.com") == "200 api api.example.com "
    assert await text("/", "API.Example.COM:8080") == "200 api API.Example.COM:8080 "
    assert await text("/p/1", "www.example.com") == "200 wildcard www.example.com 1"
    assert await text("/", "a.b.example.com") == "200 wildcard a.b.example.com "
    assert await text("/", "example.com") == "200 root example.com "
    assert await text("/", "example.com.evil.org") == "200 root example.com.evil.org "
    assert await text("/", "notexample.com") == "200 root notexample.com "
    # Once a domain matched, its answer is final: no fall back to the root's routes.
    assert (await text("/nothing", "api.example.com")).startswith("404")
    assert str(api.router["p"].url_for(x="1")) == "/p/1"


def test_add_domain_validates() -> None:
    app = web.Application()
    with pytest.raises(TypeError):
        app.add_domain(1, web.Application())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"not valid|empty"):
        app.add_domain("", web.Application())
    with pytest.raises(ValueError, match="scheme"):
        app.add_domain("http://example.com", web.Application())


@pytest.mark.asyncio
async def test_subapp_url_for_includes_prefix(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        url = request.app.router["named"].url_for(id="7").with_query({"q": "1"})
        return web.Response(text=str(url))

    root = web.Application()
    sub = web.Application()
    sub.router.add_get("/things/{id}", handler, name="named")
    resource = root.add_subapp("/api/v1", sub)
    assert resource.prefix == "/api/v1"
    client = await aioloom_client(root)
    assert await (await client.get("/api/v1/things/1")).text() == "/api/v1/things/7?q=1"
    assert "named" not in root.router


@pytest.mark.asyncio
async def test_subapps_are_isolated(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "own": request.app.get(LEVEL),
                "parent_key_via_app": request.app.get(ROOT_ONLY),
                "parent_key_via_config": request.config_dict.get(ROOT_ONLY),
            }
        )

    root = web.Application()
    root[ROOT_ONLY] = "r"
    one = web.Application()
    one[LEVEL] = "one"
    two = web.Application()
    two[LEVEL] = "two"
    one.router.add_get("/", handler)
    two.router.add_get("/", handler)
    root.add_subapp("/one", one)
    root.add_subapp("/two", two)
    client = await aioloom_client(root)
    assert await (await client.get("/one/")).json() == {
        "own": "one",
        "parent_key_via_app": None,
        "parent_key_via_config": "r",
    }
    assert (await (await client.get("/two/")).json())["own"] == "two"
