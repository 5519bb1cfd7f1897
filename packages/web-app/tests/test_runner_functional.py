"""Runners and sites at their edges, as aiohttp 3.14: the bound port of ``port=0``,
stopping a site that is not running, and graceful shutdown waiting for a handler
that outlived its connection."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from aioloom import web


async def _hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


@pytest.mark.asyncio
async def test_tcpsite_port_is_the_bound_port_for_port_0() -> None:
    app = web.Application()
    app.router.add_get("/", _hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    assert site.port == 0
    await site.start()
    try:
        port = site.port
        assert port != 0
        assert port == runner.addresses[0][1]
        assert site.name == f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"http://127.0.0.1:{port}/")).text == "hello"
    finally:
        await runner.cleanup()
    assert site.port == port  # still the port it listened on, as the name says


@pytest.mark.asyncio
async def test_stopping_a_site_that_is_not_running_raises() -> None:
    runner = web.AppRunner(web.Application())
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        with pytest.raises(RuntimeError, match=r"not registered.*never started"):
            await site.stop()
        assert runner.sites == set()
        await site.start()
        assert runner.sites == {site}
        await site.stop()
        assert runner.sites == set()
        with pytest.raises(RuntimeError, match="not registered"):
            await site.stop()
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_shutdown_waits_for_a_handler_that_suppressed_its_cancellation() -> None:
    # handler_cancellation=True cancels the handler when its client goes away;
    # a handler that catches that and carries on is still waited for by
    # graceful shutdown (as aiohttp), not cancelled again behind its back.
    suppressed = asyncio.Event()
    release = asyncio.Event()
    log: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            log.append("suppressed")
            suppressed.set()
            await release.wait()
            await asyncio.sleep(0.2)
            log.append("done")
        return web.Response(text="late")

    async def on_shutdown(app: web.Application) -> None:
        release.set()

    app = web.Application()
    app.router.add_get("/", handler)
    app.on_shutdown.append(on_shutdown)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", site.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(0.1)  # the handler is running
        writer.close()
        await writer.wait_closed()
        await asyncio.wait_for(suppressed.wait(), 5)
    finally:
        started = time.monotonic()
        await runner.cleanup()
    assert log == ["suppressed", "done"]
    assert time.monotonic() - started < 4  # it ended by itself, not by the timeout


@pytest.mark.asyncio
async def test_shutdown_timeout_given_to_a_site_is_the_runners_with_a_warning() -> None:
    started = asyncio.Event()

    async def endless(request: web.Request) -> web.Response:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")  # pragma: no cover

    app = web.Application()
    app.router.add_get("/", endless)
    runner = web.AppRunner(app)
    await runner.setup()
    with pytest.warns(DeprecationWarning, match="shutdown_timeout should be set on BaseRunner"):
        site = web.TCPSite(runner, "127.0.0.1", 0, shutdown_timeout=0.2)
    await site.start()
    _, writer = await asyncio.open_connection("127.0.0.1", site.port)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(started.wait(), 5)
        before = time.monotonic()
        await runner.cleanup()
        assert time.monotonic() - before < 3  # 0.2 s, not the default 60 s
    finally:
        writer.close()
