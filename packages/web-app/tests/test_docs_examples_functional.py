"""Examples from aiohttp's server docs and FAQ, run unchanged with ``from aioloom import web``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from aioloom import web
from aioloom.testing import AioloomClient


@pytest.mark.asyncio
async def test_quickstart_hello(aioloom_client: AioloomClient) -> None:
    # web_quickstart.rst / index.rst
    async def handle(request: web.Request) -> web.Response:
        name = request.match_info.get("name", "Anonymous")
        text = "Hello, " + name
        return web.Response(text=text)

    app = web.Application()
    app.add_routes([web.get("/", handle), web.get("/{name}", handle)])
    client = await aioloom_client(app)
    assert await (await client.get("/")).text() == "Hello, Anonymous"
    assert await (await client.get("/John")).text() == "Hello, John"


@pytest.mark.asyncio
async def test_quickstart_json_and_redirect(aioloom_client: AioloomClient) -> None:
    # web_quickstart.rst: "JSON Response" and "Redirects" (raise HTTPFound with url_for).
    async def handler(request: web.Request) -> web.Response:
        data = {"some": "data"}
        return web.json_response(data)

    async def old(request: web.Request) -> web.Response:
        location = request.app.router["json"].url_for()
        raise web.HTTPFound(location=location)

    app = web.Application()
    app.router.add_get("/json", handler, name="json")
    app.router.add_get("/old", old)
    client = await aioloom_client(app)
    response = await client.get("/old", follow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/json"
    assert await (await client.get("/old", follow_redirects=True)).json() == {"some": "data"}


@pytest.mark.asyncio
async def test_faq_store_data_in_request_from_middleware(aioloom_client: AioloomClient) -> None:
    # FAQ "How can middleware store data for web handlers to use?"
    @web.middleware
    async def user_middleware(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        request["user"] = "ada"
        return await handler(request)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=request["user"])

    app = web.Application(middlewares=[user_middleware])
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    assert await (await client.get("/")).text() == "ada"


@pytest.mark.asyncio
async def test_faq_background_task_in_cleanup_ctx(aioloom_client: AioloomClient) -> None:
    # web_advanced.rst "Background tasks": start in a cleanup context, cancel on cleanup.
    ticks = web.AppKey("ticks", list)
    listener = web.AppKey("listener", asyncio.Task)  # type: ignore[type-abstract]

    async def listen(app: web.Application) -> None:
        while True:
            app[ticks].append(1)
            await asyncio.sleep(0.01)

    async def background_tasks(app: web.Application) -> AsyncIterator[None]:
        app[listener] = asyncio.create_task(listen(app))
        yield
        app[listener].cancel()
        with pytest.raises(asyncio.CancelledError):
            await app[listener]

    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(0.05)
        return web.Response(text=str(len(request.app[ticks]) > 0))

    app = web.Application()
    app[ticks] = []
    app.cleanup_ctx.append(background_tasks)
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    assert await (await client.get("/")).text() == "True"
    await client.close()
    assert app[listener].cancelled()


@pytest.mark.asyncio
async def test_expect_handler_per_route(aioloom_client: AioloomClient) -> None:
    # web_reference.rst: add_route(..., expect_handler=...).
    async def check_auth(request: web.Request) -> None:
        if request.headers.get("Authorization") != "Bearer ok":
            raise web.HTTPForbidden(text="no upload for you")
        assert request.transport is not None
        request.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    async def upload(request: web.Request) -> web.Response:
        return web.Response(text=f"got {len(await request.read())}")

    app = web.Application()
    app.router.add_post("/guarded", upload, expect_handler=check_auth)  # type: ignore[arg-type]
    app.router.add_post("/open", upload)
    client = await aioloom_client(app)

    async def exchange(path: str, auth: str = "") -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        head += f"Authorization: {auth}\r\n" if auth else ""
        head += "Content-Length: 5\r\nConnection: close\r\n\r\n"
        writer.write(head.encode())
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        if interim.startswith(b"HTTP/1.1 100"):
            writer.write(b"hello")
            interim += await asyncio.wait_for(reader.read(), 5)
        else:
            interim += await asyncio.wait_for(reader.read(), 5)
        writer.close()
        await writer.wait_closed()
        return interim

    data = await exchange("/open")
    assert data.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    assert data.endswith(b"got 5")
    data = await exchange("/guarded", "Bearer ok")
    assert data.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    data = await exchange("/guarded")
    assert data.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert data.endswith(b"no upload for you")
