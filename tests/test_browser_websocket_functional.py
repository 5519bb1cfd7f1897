"""Headless Chromium opens a WebSocket to our server from a page we serve.

The page echoes messages through the server and posts what it saw back over
plain HTTP, so the test needs no browser automation library: only the
``chromium`` binary (Debian's package; .ci/run installs it).
"""

from __future__ import annotations

import asyncio
import subprocess
import tempfile

import pytest

from aioloom import web

PAGE = """<!doctype html>
<html><body><script>
const ws = new WebSocket(`ws://${location.host}/ws`);
const seen = [];
ws.onopen = () => { ws.send("one"); ws.send("two"); ws.send(new Uint8Array([1, 2, 3])); };
ws.binaryType = "arraybuffer";
ws.onmessage = (event) => {
  const data = event.data;
  seen.push(typeof data === "string" ? data : Array.from(new Uint8Array(data)).join(","));
  if (seen.length === 3) { ws.close(1000, "done"); }
};
ws.onclose = (event) => {
  fetch("/result", {method: "POST", body: JSON.stringify({seen, code: event.code})});
};
</script></body></html>
"""

RESULT = web.AppKey("result", asyncio.Future)


async def page(request: web.Request) -> web.Response:
    return web.Response(text=PAGE, content_type="text/html")


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type == web.WSMsgType.TEXT:
            await ws.send_str(f"echo:{message.data}")
        elif message.type == web.WSMsgType.BINARY:
            await ws.send_bytes(message.data)
    return ws


async def result(request: web.Request) -> web.Response:
    request.app[RESULT].set_result(await request.json())
    return web.Response()


@pytest.mark.asyncio
async def test_chromium_echoes_through_our_websocket(serve_app) -> None:
    chromium = serve_app.require("chromium")
    app = web.Application()
    app[RESULT] = asyncio.get_running_loop().create_future()
    app.router.add_get("/", page)
    app.router.add_get("/ws", echo)
    app.router.add_post("/result", result)
    port = await serve_app.start(app)
    with tempfile.TemporaryDirectory() as profile:
        browser = await asyncio.create_subprocess_exec(
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"http://127.0.0.1:{port}/",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            outcome = await asyncio.wait_for(app[RESULT], 60)
        finally:
            browser.kill()
            await browser.wait()
    assert outcome == {"seen": ["echo:one", "echo:two", "1,2,3"], "code": 1000}
