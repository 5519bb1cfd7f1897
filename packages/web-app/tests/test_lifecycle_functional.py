"""Application lifecycle as aiohttp 3.14 runs it: cleanup contexts written with
``@asynccontextmanager``, cancellation in cleanup, the order of start-up and
freezing in ``AppRunner``, and the deprecated ``loop=``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from aioloom import web

POOL = web.AppKey("pool", dict)


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{site.port}"


# -- cleanup contexts ----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_asynccontextmanager_and_generator_contexts_serve_and_clean_up() -> None:
    log: list[str] = []

    async def generator_ctx(app: web.Application) -> AsyncIterator[None]:
        log.append("enter generator")
        yield
        log.append("exit generator")

    @asynccontextmanager
    async def pool_ctx(app: web.Application) -> AsyncIterator[None]:
        log.append("enter pool")
        app[POOL] = {"open": True}
        try:
            yield
        finally:
            app[POOL]["open"] = False
            log.append("exit pool")

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=f"pool open: {request.app[POOL]['open']}")

    app = web.Application()
    app.cleanup_ctx.append(generator_ctx)
    app.cleanup_ctx.append(pool_ctx)
    app.router.add_get("/", handler)
    runner, url = await _serve(app)
    try:
        async with httpx.AsyncClient() as client:
            assert (await client.get(url)).text == "pool open: True"
        assert log == ["enter generator", "enter pool"]
    finally:
        await runner.cleanup()
    assert log == ["enter generator", "enter pool", "exit pool", "exit generator"]
    assert app[POOL] == {"open": False}


@pytest.mark.asyncio
async def test_error_in_a_context_managers_exit_is_raised_as_is() -> None:
    error = RuntimeError("exit failed")
    log: list[str] = []

    async def generator_ctx(app: web.Application) -> AsyncIterator[None]:
        yield
        log.append("generator cleaned up")

    @asynccontextmanager
    async def failing(app: web.Application) -> AsyncIterator[None]:
        yield
        raise error

    app = web.Application()
    app.cleanup_ctx.extend([generator_ctx, failing])
    app.freeze()
    await app.startup()
    with pytest.raises(RuntimeError) as info:
        await app.cleanup()
    assert info.value is error
    assert log == ["generator cleaned up"]


def _cancelled_on_exit(log: list[str], name: str) -> Any:
    async def context(app: web.Application) -> AsyncIterator[None]:
        yield
        log.append(name)
        raise asyncio.CancelledError(name)

    return context


@pytest.mark.asyncio
async def test_cancelled_error_in_cleanup_is_collected_and_others_still_run() -> None:
    log: list[str] = []

    async def fine(app: web.Application) -> AsyncIterator[None]:
        yield
        log.append("fine")

    async def failing(app: web.Application) -> AsyncIterator[None]:
        yield
        log.append("failing")
        raise ValueError("failing")

    app = web.Application()
    app.cleanup_ctx.extend([fine, failing, _cancelled_on_exit(log, "cancelled")])
    app.freeze()
    await app.startup()
    with pytest.raises(web.CleanupError) as info:
        await app.cleanup()
    assert log == ["cancelled", "failing", "fine"]
    errors = info.value.exceptions
    assert [type(e) for e in errors] == [asyncio.CancelledError, ValueError]

    single = web.Application()
    single.cleanup_ctx.append(_cancelled_on_exit(log, "alone"))
    single.freeze()
    await single.startup()
    with pytest.raises(asyncio.CancelledError, match="alone"):
        await single.cleanup()


@pytest.mark.asyncio
async def test_cancelling_the_cleanup_from_outside_still_cancels() -> None:
    # A timeout around cleanup must end as a timeout (its CancelledError must
    # propagate), even when other contexts failed meanwhile.
    log: list[str] = []

    async def failing(app: web.Application) -> AsyncIterator[None]:
        yield
        log.append("failing")
        raise ValueError("failing")

    async def slow(app: web.Application) -> AsyncIterator[None]:
        yield
        log.append("slow")
        await asyncio.Event().wait()

    app = web.Application()
    app.cleanup_ctx.extend([failing, slow])
    app.freeze()
    await app.startup()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await app.cleanup()
    assert log == ["slow", "failing"]


@pytest.mark.asyncio
async def test_a_context_that_is_neither_generator_nor_context_manager() -> None:
    async def no_yield(app: web.Application) -> None:
        return None

    app = web.Application()
    app.cleanup_ctx.append(no_yield)  # type: ignore[arg-type]
    app.freeze()
    with pytest.raises(TypeError, match=r"async generator functions.*returned coroutine"):
        await app.startup()


# -- AppRunner: start-up, then freeze ----------------------------------------------------


@pytest.mark.asyncio
async def test_startup_callbacks_may_still_add_routes() -> None:
    async def late(request: web.Request) -> web.Response:
        return web.Response(text="added at start-up")

    async def on_startup(app: web.Application) -> None:
        app.router.add_get("/late", late)

    app = web.Application()
    app.on_startup.append(on_startup)
    runner, url = await _serve(app)
    try:
        async with httpx.AsyncClient() as client:
            assert (await client.get(url + "/late")).text == "added at start-up"
        assert app.frozen
        with pytest.raises(RuntimeError):
            app.router.add_get("/later", late)
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_failed_setup_closes_started_contexts_only() -> None:
    log: list[str] = []

    async def context(app: web.Application) -> AsyncIterator[None]:
        log.append("context start")
        yield
        log.append("context cleanup")

    async def failing_startup(app: web.Application) -> None:
        raise ConnectionError("database down")

    async def on_cleanup(app: web.Application) -> None:
        log.append("on_cleanup")  # pragma: no cover - must not run

    app = web.Application()
    app.cleanup_ctx.append(context)
    app.on_startup.append(failing_startup)
    app.on_cleanup.append(on_cleanup)
    runner = web.AppRunner(app)
    with pytest.raises(ConnectionError):
        await runner.setup()
    await runner.cleanup()
    assert log == ["context start", "context cleanup"]


@pytest.mark.asyncio
async def test_runner_cleanup_without_setup_does_nothing() -> None:
    log: list[str] = []

    async def on_cleanup(app: web.Application) -> None:
        log.append("on_cleanup")  # pragma: no cover - must not run

    app = web.Application()
    app.on_cleanup.append(on_cleanup)
    runner = web.AppRunner(app)
    await runner.cleanup()
    assert runner.app is app
    assert log == []


# -- the deprecated loop ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_loop_argument_is_accepted_with_a_deprecation_warning() -> None:
    loop = asyncio.get_running_loop()
    with pytest.warns(DeprecationWarning, match="loop argument is deprecated"):
        app = web.Application(loop=loop)
    with pytest.warns(DeprecationWarning, match="loop property is deprecated"):
        assert app.loop is loop

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    app.router.add_get("/", hello)
    runner, url = await _serve(app)
    try:
        async with httpx.AsyncClient() as client:
            assert (await client.get(url)).text == "hello"
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_the_loop_is_the_serving_one_and_must_not_differ() -> None:
    app = web.Application()
    sub = web.Application()
    app.add_subapp("/sub", sub)
    with pytest.warns(DeprecationWarning, match="loop property"):
        assert app.loop is None
    runner = web.AppRunner(app)
    await runner.setup()
    await runner.cleanup()
    with pytest.warns(DeprecationWarning, match="loop property"):
        assert app.loop is sub.loop is asyncio.get_running_loop()

    other = asyncio.new_event_loop()
    try:
        with pytest.warns(DeprecationWarning, match="loop argument"):
            bound = web.Application(loop=other)
        with pytest.raises(RuntimeError, match="different loop"):
            await web.AppRunner(bound).setup()
    finally:
        other.close()
