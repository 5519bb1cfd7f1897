"""Application: typed state, freezing, signals, cleanup contexts, handler kinds."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from typing import Any

import pytest

from aioloom import web
from aioloom.testing import AioloomClient, TestServer

COUNTER = web.AppKey("counter", int)
NAMES = web.AppKey("names", list)
LOG = web.AppKey("log", list)


# -- typed state -------------------------------------------------------------------------


def test_app_key_state() -> None:
    app = web.Application()
    app[COUNTER] = 1
    assert app[COUNTER] == 1
    assert app.get(COUNTER) == 1
    assert app.get(web.AppKey("missing", int)) is None
    assert app.get(web.AppKey("missing", int), 5) == 5
    assert COUNTER in app
    assert len(app) == 1
    assert list(app) == [COUNTER]
    del app[COUNTER]
    assert COUNTER not in app
    with pytest.raises(KeyError):
        app[COUNTER]
    assert repr(COUNTER) == "<AppKey(counter, type=int)>"
    assert COUNTER.name == "counter"
    assert app  # an empty app is still truthy
    other = web.AppKey("counter", int)
    app[other] = 2
    assert COUNTER not in app  # keys compare by identity, not by name


def test_str_key_warns_but_works() -> None:
    app = web.Application()
    with pytest.warns(web.NotAppKeyWarning, match="web.AppKey"):
        app["legacy"] = "value"
    assert app["legacy"] == "value"
    assert app.get("legacy") == "value"


def test_app_keys_sort_before_strings_and_by_name() -> None:
    assert sorted([web.AppKey("b", int), web.AppKey("a", int)], key=lambda k: k.name)[0].name == "a"
    assert web.AppKey("b", int) < web.AppKey("c", int)


# -- freezing --------------------------------------------------------------------------------


async def _hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


@pytest.mark.asyncio
async def test_started_app_is_frozen(aioloom_client: AioloomClient) -> None:
    app = web.Application()
    app[NAMES] = []
    app.router.add_get("/", _hello)
    client = await aioloom_client(app)
    assert app.frozen
    with pytest.raises(RuntimeError, match="cannot change the state of a started application"):
        app[COUNTER] = 1
    with pytest.raises(RuntimeError, match="cannot change the state"):
        del app[NAMES]
    app[NAMES].append("mutable objects inside are fine")
    with pytest.raises(RuntimeError, match="frozen"):
        app.router.add_get("/late", _hello)
    with pytest.raises(RuntimeError, match="frozen"):
        app.add_routes([web.get("/late", _hello)])
    for signal in (app.on_startup, app.on_shutdown, app.on_cleanup, app.on_response_prepare):
        with pytest.raises(RuntimeError, match="frozen"):
            signal.append(_noop)
    with pytest.raises(RuntimeError, match="frozen"):
        app.cleanup_ctx.append(_ctx)
    with pytest.raises(RuntimeError, match="frozen"):
        app.middlewares.append(_mw)
    with pytest.raises(RuntimeError, match="started"):
        app.add_subapp("/sub", web.Application())
    assert (await client.get("/")).status == 200


async def _noop(app: web.Application) -> None:
    return None


async def _ctx(app: web.Application) -> AsyncIterator[None]:
    yield


@web.middleware
async def _mw(request: web.Request, handler: web.Handler) -> web.StreamResponse:
    return await handler(request)


def test_app_cannot_be_added_twice_or_to_itself() -> None:
    app = web.Application()
    sub = web.Application()
    app.add_subapp("/a", sub)
    with pytest.raises(RuntimeError, match="added before"):
        app.add_subapp("/b", sub)
    lone = web.Application()
    with pytest.raises(ValueError, match="own sub-application"):
        lone.add_subapp("/self", lone)
    with pytest.raises(ValueError, match="prefix"):
        web.Application().add_subapp("/", web.Application())


# -- signals -----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_signals_run_in_order_with_the_app() -> None:
    log: list[str] = []
    app = web.Application()
    app[LOG] = log

    def recorder(name: str) -> Any:
        async def callback(a: web.Application) -> None:
            assert a is app
            a[LOG].append(name)

        return callback

    app.on_startup.append(recorder("startup 1"))
    app.on_startup.append(recorder("startup 2"))
    app.on_shutdown.append(recorder("shutdown 1"))
    app.on_shutdown.append(recorder("shutdown 2"))
    app.on_cleanup.append(recorder("cleanup 1"))
    app.on_cleanup.append(recorder("cleanup 2"))
    app.router.add_get("/", _hello)
    async with TestServer(app):
        assert log == ["startup 1", "startup 2"]
    assert log == [
        "startup 1",
        "startup 2",
        "shutdown 1",
        "shutdown 2",
        "cleanup 1",
        "cleanup 2",
    ]


@pytest.mark.asyncio
async def test_signal_send_needs_freeze_and_startup_error_propagates() -> None:
    app = web.Application()

    async def fail(a: web.Application) -> None:
        raise ConnectionError("database down")

    app.on_startup.append(fail)
    with pytest.raises(RuntimeError, match="frozen"):
        await app.on_startup.send(app)
    server = TestServer(app)
    with pytest.raises(ConnectionError, match="database down"):
        await server.start_server()


# -- cleanup contexts ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_docs_cleanup_ctx_ordering() -> None:
    # web_advanced.rst "Cleanup Context": start-up in order, clean-up in reverse,
    # contexts before on_startup callbacks and their clean-up before on_cleanup's.
    log: list[str] = []

    def ctx(name: str) -> Any:
        async def context(app: web.Application) -> AsyncIterator[None]:
            log.append(f"{name} start")
            yield
            log.append(f"{name} cleanup")

        return context

    async def on_startup(app: web.Application) -> None:
        log.append("on_startup")

    async def on_cleanup(app: web.Application) -> None:
        log.append("on_cleanup")

    app = web.Application()
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.cleanup_ctx.append(ctx("db"))
    app.cleanup_ctx.append(ctx("redis"))
    app.router.add_get("/", _hello)
    async with TestServer(app):
        assert log == ["db start", "redis start", "on_startup"]
    assert log == [
        "db start",
        "redis start",
        "on_startup",
        "redis cleanup",
        "db cleanup",
        "on_cleanup",
    ]


@pytest.mark.asyncio
async def test_cleanup_runs_only_for_started_contexts() -> None:
    log: list[str] = []

    async def good(app: web.Application) -> AsyncIterator[None]:
        log.append("good start")
        yield
        log.append("good cleanup")

    async def bad(app: web.Application) -> AsyncIterator[None]:
        log.append("bad start")
        raise ValueError("cannot start")
        yield  # pragma: no cover

    async def never(app: web.Application) -> AsyncIterator[None]:
        log.append("never start")  # pragma: no cover
        yield  # pragma: no cover

    app = web.Application()
    app.cleanup_ctx.extend([good, bad, never])
    runner = web.AppRunner(app)
    with pytest.raises(ValueError, match="cannot start"):
        await runner.setup()
    await app.cleanup()
    assert log == ["good start", "bad start", "good cleanup"]


@pytest.mark.asyncio
async def test_all_cleanup_failures_are_raised_together() -> None:
    def failing(message: str) -> Any:
        async def context(app: web.Application) -> AsyncIterator[None]:
            yield
            raise ValueError(message)

        return context

    async def fine(app: web.Application) -> AsyncIterator[None]:
        yield

    async def twice(app: web.Application) -> AsyncIterator[None]:
        yield
        yield

    app = web.Application()
    app.cleanup_ctx.extend([failing("first"), fine, failing("second"), twice])
    app.freeze()
    await app.startup()
    with pytest.raises(web.CleanupError) as info:
        await app.cleanup()
    messages = [str(e) for e in info.value.exceptions]
    assert messages[1:] == ["second", "first"]
    assert "more than one 'yield'" in messages[0]

    single = web.Application()
    single.cleanup_ctx.append(failing("only"))
    single.freeze()
    await single.startup()
    with pytest.raises(ValueError, match="only"):
        await single.cleanup()


@pytest.mark.asyncio
async def test_cleanup_ctx_without_yield() -> None:
    async def no_yield(app: web.Application) -> AsyncIterator[None]:
        return
        yield  # pragma: no cover

    app = web.Application()
    app.cleanup_ctx.append(no_yield)
    app.freeze()
    with pytest.raises(RuntimeError, match="has no 'yield'"):
        await app.startup()


@pytest.mark.asyncio
async def test_docs_cleanup_ctx_with_app_key(aioloom_client: AioloomClient) -> None:
    # The docs' pattern: a context creates a resource kept under an AppKey.
    resource_key = web.AppKey("resource", dict)
    closed: list[bool] = []

    async def persistent_session(app: web.Application) -> AsyncIterator[None]:
        app[resource_key] = {"open": True}
        yield
        closed.append(True)

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(request.app[resource_key])

    app = web.Application()
    app.cleanup_ctx.append(persistent_session)
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    assert await (await client.get("/")).json() == {"open": True}
    await client.close()
    assert closed == [True]


# -- handler kinds -------------------------------------------------------------------------------


class Handlers:
    def __init__(self, greeting: str) -> None:
        self.greeting = greeting

    async def hello(self, request: web.Request) -> web.Response:
        return web.Response(text=f"{self.greeting} from a bound method")


def plain_function(request: web.Request) -> web.Response:
    return web.Response(text="from a plain function")


async def with_arg(request: web.Request, *, suffix: str) -> web.Response:
    return web.Response(text=f"partial {suffix}")


class Greeting(web.View):
    async def get(self) -> web.Response:
        return web.Response(text=f"view GET {self.request.match_info['name']}")

    async def post(self) -> web.Response:
        data = await self.request.post()
        return web.Response(text=f"view POST {data['x']}")


@pytest.mark.asyncio
async def test_handler_kinds(aioloom_client: AioloomClient) -> None:
    app = web.Application()
    app.router.add_get("/coroutine", _hello)
    app.router.add_get("/plain", plain_function)  # type: ignore[arg-type]
    app.router.add_get("/bound", Handlers("hi").hello)
    app.router.add_get("/partial", functools.partial(with_arg, suffix="ok"))
    app.router.add_view("/view/{name}", Greeting)  # type: ignore[arg-type]
    app.add_routes([web.get("/routedef", _hello), web.view("/view2/{name}", Greeting)])
    client = await aioloom_client(app)
    assert await (await client.get("/coroutine")).text() == "hello"
    assert await (await client.get("/plain")).text() == "from a plain function"
    assert await (await client.get("/bound")).text() == "hi from a bound method"
    assert await (await client.get("/partial")).text() == "partial ok"
    assert await (await client.get("/view/ada")).text() == "view GET ada"
    assert await (await client.get("/view2/bob")).text() == "view GET bob"
    assert await (await client.get("/routedef")).text() == "hello"
    assert await (await client.post("/view/ada", data={"x": "1"})).text() == "view POST 1"


@pytest.mark.asyncio
async def test_route_table_def(aioloom_client: AioloomClient) -> None:
    routes = web.RouteTableDef()

    @routes.get("/")
    async def index(request: web.Request) -> web.Response:
        return web.Response(text="index")

    @routes.view("/v/{name}")
    class V(web.View):
        async def get(self) -> web.Response:
            return web.Response(text="v")

    app = web.Application()
    app.add_routes(routes)
    client = await aioloom_client(app)
    assert await (await client.get("/")).text() == "index"
    assert await (await client.get("/v/x")).text() == "v"


@pytest.mark.asyncio
async def test_handler_args_reach_the_server() -> None:
    app = web.Application(handler_args={"keepalive_timeout": 0.2})
    app.router.add_get("/", _hello)
    async with TestServer(app) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 5)  # closed by the idle timeout
        assert data.endswith(b"hello")
        writer.close()
        await writer.wait_closed()


def test_application_defaults() -> None:
    app = web.Application()
    assert app.debug is False
    assert app.client_max_size == 1024**2
    assert isinstance(app.router, web.UrlDispatcher)
    assert list(app.middlewares) == []
    assert app() is app  # usable as its own factory
    router = web.UrlDispatcher()
    assert web.Application(router=router).router is router
    assert web.Application(debug=True).debug is True


@pytest.mark.asyncio
async def test_routing_builds_no_url(aioloom_client: AioloomClient) -> None:
    # The server routes on the parsed request line; a handler that never reads the
    # URL never pays for one. Reading it later gives the usual URL.
    built_before_handler: list[object] = []

    async def user(request: web.Request) -> web.Response:
        built_before_handler.append(request._head._url)
        return web.Response(
            text=f"{request.match_info['id']}|{request.path}|{request.query_string}"
        )

    app = web.Application()
    app.router.add_get("/users/{id}", user)
    client = await aioloom_client(app)
    resp = await client.get("/users/a%20b?x=1")
    assert await resp.text() == "a b|/users/a b|x=1"
    assert built_before_handler == [None]


@pytest.mark.asyncio
async def test_a_router_overriding_resolve_is_asked(aioloom_client: AioloomClient) -> None:
    asked: list[str] = []

    class RecordingRouter(web.UrlDispatcher):
        def resolve(self, request: Any) -> Any:
            asked.append(request.rel_url.raw_path)
            return super().resolve(request)

    app = web.Application(router=RecordingRouter())

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hi")

    app.router.add_get("/hello", hello)
    client = await aioloom_client(app)
    resp = await client.get("/hello")
    assert await resp.text() == "hi"
    assert asked == ["/hello"]
