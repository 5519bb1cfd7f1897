"""Security advisories of the application layer that other files do not cover."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import textwrap

import pytest

from aioloom import web
from aioloom.testing import AioloomClient

SERVER = textwrap.dedent(
    """
    import sys
    from aioloom import web

    @web.middleware
    async def allow_everything(request, handler):
        try:
            return await handler(request)
        except web.HTTPMethodNotAllowed:
            return web.Response(text="handled by middleware")

    async def rss(request):
        with open("/proc/self/status") as status:
            line = next(l for l in status if l.startswith("VmRSS:"))
        return web.Response(text=line.split()[1])

    async def page(request):
        return web.Response(text="ok")

    app = web.Application(middlewares=[allow_everything])
    app.router.add_get("/", page)
    app.router.add_get("/rss", rss)
    web.run_app(app, host="127.0.0.1", port=0, access_log=None,
                print=lambda s: print(s.split("http://127.0.0.1:")[1].split(" ")[0], flush=True))
    """
)


async def _pipeline(port: int, request: bytes, count: int, batch: int = 200) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for _ in range(count // batch):
        writer.write(request * batch)
        answered = 0
        while answered < batch:
            chunk = await asyncio.wait_for(reader.read(1 << 16), 10)
            if not chunk:
                raise ConnectionError("server closed the connection")
            answered += chunk.count(b"HTTP/1.1 200")
    writer.close()
    await writer.wait_closed()


async def _rss_kib(port: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /rss HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    return int(data.rpartition(b"\r\n\r\n")[2])


@pytest.mark.asyncio
async def test_GHSA_27mf_ghqm_j3j8_no_memory_growth_when_middleware_handles_405() -> None:
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVER, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert server.stdout is not None
        port = int((await asyncio.wait_for(server.stdout.readline(), 20)).strip())
        disallowed = b"PATCH / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
        await _pipeline(port, disallowed, 20_000)  # warm up allocator and caches
        before = await _rss_kib(port)
        await _pipeline(port, disallowed, 100_000)
        after = await _rss_kib(port)
    finally:
        server.terminate()
        await server.communicate()
    assert after - before < 2048, f"RSS grew from {before} KiB to {after} KiB"


@pytest.mark.asyncio
async def test_GHSA_fh55_r93g_j68g_invalid_cookies_do_not_log(
    aioloom_client: AioloomClient, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(dict(request.cookies))

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    caplog.set_level(logging.DEBUG)
    bad = '"unterminated; ok=1; =novalue; a b=3; ;;; x="y'
    for _ in range(200):
        response = await client.get("/", headers={"Cookie": bad})
        assert response.status == 200
        assert "ok" in await response.json()  # valid pairs survive; the response is read
    response = await client.get("/", headers={"Cookie": "good=1; other=two"})
    assert await response.json() == {"good": "1", "other": "two"}
    # Besides the access log, one debug line per request at most (as aiohttp),
    # however many bad pairs the header holds.
    noisy = [
        r
        for r in caplog.records
        if r.name.startswith(("aioloom", "http.cookies")) and r.name != "aioloom.access"
    ]
    assert len(noisy) <= 200
    assert {(r.levelno, r.name) for r in noisy} <= {(logging.DEBUG, "aioloom.internal")}
    assert all(r.getMessage().startswith("Cannot load cookie") for r in noisy)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("a=1; b=2", {"a": "1", "b": "2"}),
        ('a="quoted"; b=2', {"a": "quoted", "b": "2"}),
        ('"broken; ok=1', {"ok": "1"}),
        # aiohttp 3.14's reading: a bare name is a cookie with an empty value,
        # whitespace ends a pair, an unclosed quote is kept.
        ("=novalue; a b=3; ;;; c=4", {"a": "", "b": "3", "c": "4"}),
        ('x="y; z=5', {"x": '"y', "z": "5"}),
        ("a=1; a=2", {"a": "2"}),
    ],
)
def test_cookie_header_keeps_valid_pairs(header: str, expected: dict[str, str]) -> None:
    from aioloom.web.http._cookie_header import parse_cookie_header

    assert parse_cookie_header(header) == expected
