"""Middlewares over a real socket: the docs' examples, 404/405, 500s, normalize_path."""

from __future__ import annotations

import asyncio

import pytest

from aioloom import web
from aioloom.testing import AioloomClient


async def _status_location(port: int, target: str) -> tuple[int, str | None]:
    """Send ``target`` verbatim (clients rewrite ``//x`` paths); status and Location."""
    request = f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    head = (await _raw(port, request.encode())).split(b"\r\n\r\n", 1)[0].decode()
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    location = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "location":
            location = value.strip()
    return status, location


async def _raw(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    return data


@pytest.mark.asyncio
async def test_docs_middleware_order_printout(
    aioloom_client: AioloomClient, capsys: pytest.CaptureFixture[str]
) -> None:
    # web_advanced.rst, "Example": the exact printout of the docs.
    async def test(request: web.Request) -> web.Response:
        print("Handler function called")
        return web.Response(text="Hello")

    @web.middleware
    async def middleware1(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        print("Middleware 1 called")
        response = await handler(request)
        print("Middleware 1 finished")
        return response

    @web.middleware
    async def middleware2(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        print("Middleware 2 called")
        response = await handler(request)
        print("Middleware 2 finished")
        return response

    app = web.Application(middlewares=[middleware1, middleware2])
    app.router.add_get("/", test)
    client = await aioloom_client(app)
    capsys.readouterr()
    response = await client.get("/")
    assert await response.text() == "Hello"
    assert capsys.readouterr().out.splitlines() == [
        "Middleware 1 called",
        "Middleware 2 called",
        "Handler function called",
        "Middleware 2 finished",
        "Middleware 1 finished",
    ]


@pytest.mark.asyncio
async def test_docs_middleware_modifies_response(aioloom_client: AioloomClient) -> None:
    # web_advanced.rst: a middleware appending a wink to every text response.
    @web.middleware
    async def wink(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        resp = await handler(request)
        assert isinstance(resp, web.Response)
        resp.text = resp.text + " wink"
        return resp

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello")

    app = web.Application(middlewares=[wink])
    app.router.add_get("/", hello)
    client = await aioloom_client(app)
    assert await (await client.get("/")).text() == "Hello wink"


@pytest.mark.asyncio
async def test_docs_middleware_factory(aioloom_client: AioloomClient) -> None:
    # web_advanced.rst "Middleware Factory": a function that returns a middleware.
    def middleware_factory(text: str) -> web.Middleware:
        @web.middleware
        async def sample_middleware(
            request: web.Request, handler: web.Handler
        ) -> web.StreamResponse:
            resp = await handler(request)
            assert isinstance(resp, web.Response)
            resp.text = resp.text + text
            return resp

        return sample_middleware

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello")

    app = web.Application(middlewares=[middleware_factory(" wink"), middleware_factory(" x")])
    app.router.add_get("/", hello)
    client = await aioloom_client(app)
    # Inner middleware (last in the list) modifies the response first.
    assert await (await client.get("/")).text() == "Hello x wink"


def _json_error_app() -> web.Application:
    # The docs' / FAQ's JSON error middleware.
    @web.middleware
    async def error_middleware(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
            if response.status != 404:
                return response
            message = response.reason
        except web.HTTPException as ex:
            if ex.status != 404:
                raise
            message = ex.reason
        return web.json_response({"error": message}, status=404)

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hi")

    async def returns_404(request: web.Request) -> web.Response:
        return web.Response(status=404, reason="Gone Fishing")

    async def raises_403(request: web.Request) -> web.Response:
        raise web.HTTPForbidden()

    app = web.Application(middlewares=[error_middleware])
    app.router.add_get("/", hello)
    app.router.add_get("/returned", returns_404)
    app.router.add_get("/forbidden", raises_403)
    return app


@pytest.mark.asyncio
async def test_docs_json_404_error_middleware(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(_json_error_app)
    response = await client.get("/no/such/page")
    assert response.status == 404
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert await response.json() == {"error": "Not Found"}
    response = await client.get("/returned")
    assert response.status == 404
    assert await response.json() == {"error": "Gone Fishing"}
    response = await client.get("/forbidden")
    assert response.status == 403
    assert await response.text() == "403: Forbidden"
    assert (await client.get("/")).status == 200


@pytest.mark.asyncio
async def test_middlewares_see_router_404_and_405_as_exceptions(
    aioloom_client: AioloomClient,
) -> None:
    seen: list[tuple[type[BaseException], int]] = []

    @web.middleware
    async def spy(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException as exc:
            seen.append((type(exc), exc.status))
            raise

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hi")

    app = web.Application(middlewares=[spy])
    app.router.add_get("/", hello)
    client = await aioloom_client(app)
    assert (await client.get("/missing")).status == 404
    response = await client.post("/")
    assert response.status == 405
    assert response.headers["Allow"] == "GET,HEAD"
    assert seen == [(web.HTTPNotFound, 404), (web.HTTPMethodNotAllowed, 405)]


@pytest.mark.asyncio
async def test_middleware_sees_match_info_and_can_short_circuit(
    aioloom_client: AioloomClient,
) -> None:
    @web.middleware
    async def auth(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        if request.headers.get("X-Token") != "secret":
            return web.Response(status=401, text=f"denied {request.match_info.get('name')}")
        return await handler(request)

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text=f"hi {request.match_info['name']}")

    app = web.Application(middlewares=[auth])
    app.router.add_get("/{name}", hello)
    client = await aioloom_client(app)
    response = await client.get("/ada")
    assert response.status == 401
    assert await response.text() == "denied ada"
    response = await client.get("/ada", headers={"X-Token": "secret"})
    assert await response.text() == "hi ada"


@pytest.mark.asyncio
async def test_middleware_can_replace_request_with_clone(aioloom_client: AioloomClient) -> None:
    @web.middleware
    async def https_behind_proxy(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        return await handler(request.clone(scheme="https", host="example.com", remote="10.0.0.1"))

    async def show(request: web.Request) -> web.Response:
        return web.Response(text=f"{request.url} {request.remote} {request.secure}")

    app = web.Application(middlewares=[https_behind_proxy])
    app.router.add_get("/path", show)
    client = await aioloom_client(app)
    text = await (await client.get("/path?a=1")).text()
    assert text == "https://example.com/path?a=1 10.0.0.1 True"


@pytest.mark.asyncio
async def test_undecorated_middleware_is_rejected_clearly() -> None:
    async def plain(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        return await handler(request)

    app = web.Application(middlewares=[plain])
    with pytest.raises(TypeError, match=r"web\.middleware"):
        app.freeze()


# -- unhandled exceptions ------------------------------------------------------------


def _boom_app(*, debug: bool) -> web.Application:
    async def boom(request: web.Request) -> web.Response:
        raise ValueError("secret detail")

    app = web.Application(debug=debug)
    app.router.add_get("/boom", boom)
    return app


@pytest.mark.asyncio
async def test_non_http_exception_is_500_and_logged(
    aioloom_client: AioloomClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await aioloom_client(_boom_app(debug=False))
    response = await client.get("/boom")
    assert response.status == 500
    body = await response.text()
    assert "500 Internal Server Error" in body
    assert "secret detail" not in body
    assert "Traceback" not in body
    records = [r for r in caplog.records if r.levelname == "ERROR"]
    assert records
    assert records[-1].exc_info is not None
    assert "ValueError: secret detail" in caplog.text


@pytest.mark.asyncio
async def test_traceback_in_body_only_in_debug_mode(
    aioloom_client: AioloomClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await aioloom_client(_boom_app(debug=True))
    response = await client.get("/boom")
    assert response.status == 500
    body = await response.text()
    assert "Traceback" in body
    assert "ValueError: secret detail" in body
    assert "ValueError: secret detail" in caplog.text


@pytest.mark.asyncio
async def test_middleware_exception_is_500(
    aioloom_client: AioloomClient, caplog: pytest.LogCaptureFixture
) -> None:
    @web.middleware
    async def broken(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        raise KeyError("mw bug")

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hi")

    app = web.Application(middlewares=[broken])
    app.router.add_get("/", hello)
    client = await aioloom_client(app)
    assert (await client.get("/")).status == 500
    assert "mw bug" in caplog.text


# -- normalize_path_middleware -------------------------------------------------------


def _normalize_app(**kwargs: object) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=request.path)

    app = web.Application(middlewares=[web.normalize_path_middleware(**kwargs)])  # type: ignore[arg-type]
    app.router.add_get("/resource1", handler)
    app.router.add_get("/resource2/", handler)
    app.router.add_get("/resource1/a/b", handler)
    app.router.add_get("/resource2/a/b/", handler)
    app.router.add_post("/post-only/", handler)
    return app


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/resource1", 200, None),
        ("/resource1/", 404, None),
        ("/resource2", 308, "/resource2/"),
        ("/resource2?p1=1&p2=2", 308, "/resource2/?p1=1&p2=2"),
        ("/resource2/", 200, None),
        ("//resource1//a//b", 308, "/resource1/a/b"),
        ("//resource1//a//b/", 404, None),
        ("///resource1//a//b", 308, "/resource1/a/b"),
        ("/////resource1/a///b", 308, "/resource1/a/b"),
        ("/////resource1/a//b/", 404, None),
        ("/resource1/a/b?p=1", 200, None),
        ("//resource2//a//b", 308, "/resource2/a/b/"),
        ("//resource2//a//b?p=1", 308, "/resource2/a/b/?p=1"),
        ("/resource2/a/b", 308, "/resource2/a/b/"),
    ],
)
@pytest.mark.asyncio
async def test_normalize_path_append_and_merge(
    aioloom_client: AioloomClient, path: str, status: int, location: str | None
) -> None:
    client = await aioloom_client(_normalize_app())
    assert await _status_location(client.server.port, path) == (status, location)


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/resource1", 200, None),
        ("/resource1/", 308, "/resource1"),
        ("/resource1//", 308, "/resource1"),
        ("/resource2/", 200, None),
        ("//resource1//a//b/", 308, "/resource1/a/b"),
        ("/resource1/a/b/?p=1", 308, "/resource1/a/b?p=1"),
    ],
)
@pytest.mark.asyncio
async def test_normalize_path_remove_slash(
    aioloom_client: AioloomClient, path: str, status: int, location: str | None
) -> None:
    client = await aioloom_client(_normalize_app(append_slash=False, remove_slash=True))
    assert await _status_location(client.server.port, path) == (status, location)


@pytest.mark.asyncio
async def test_normalize_path_no_merge_and_redirect_class(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(
        _normalize_app(merge_slashes=False, redirect_class=web.HTTPMovedPermanently)
    )
    response = await client.get("/resource2", follow_redirects=False)
    assert response.status == 301
    assert response.headers["Location"] == "/resource2/"
    assert await _status_location(client.server.port, "//resource2//a//b") == (404, None)


@pytest.mark.asyncio
async def test_normalize_path_does_not_redirect_to_a_405(aioloom_client: AioloomClient) -> None:
    # /post-only/ exists for POST only: a GET must not be sent there (aiohttp: the
    # candidate must resolve to a route, not to a 405).
    client = await aioloom_client(_normalize_app())
    response = await client.get("/post-only", follow_redirects=False)
    assert response.status == 404


def test_normalize_path_rejects_both_append_and_remove() -> None:
    with pytest.raises(ValueError, match="append_slash"):
        web.normalize_path_middleware(append_slash=True, remove_slash=True)


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "///evil.example", "//evil.example//", "//evil.example//resource2"],
)
@pytest.mark.asyncio
async def test_GHSA_v6wp_4m6f_gcjg_never_redirects_to_another_host(
    aioloom_client: AioloomClient, target: str
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(middlewares=[web.normalize_path_middleware()])
    app.router.add_get("/evil.example", handler)
    app.router.add_get("/evil.example/", handler)
    app.router.add_get("/evil.example/resource2/", handler)
    client = await aioloom_client(app)
    status, location = await _status_location(client.server.port, target)
    assert status == 308
    assert location is not None
    assert location.startswith("/")
    assert not location.startswith("//"), location
