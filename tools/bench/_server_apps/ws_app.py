"""The WebSocket echo server of bench_ws_server.py, one per framework.

    python -m _server_apps.ws_app aioloom|aiohttp|websockets asyncio|uvloop    (cwd: tools/bench)

aioloom and aiohttp run the same WebSocketResponse handler at GET /ws; the
``websockets`` package runs its own server. No compression (the client does not
offer it), no keep-alive pings, messages up to 16 MiB.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from ._common import BACKLOG, announce, serve

MAX_SIZE = 16 * 1024 * 1024


def build_app(web: Any) -> Any:
    async def echo(request: Any) -> Any:
        ws = web.WebSocketResponse(max_msg_size=MAX_SIZE)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == web.WSMsgType.TEXT:
                await ws.send_str(msg.data)
            elif msg.type == web.WSMsgType.BINARY:
                await ws.send_bytes(msg.data)
        return ws

    app = web.Application()
    app.router.add_get("/ws", echo)
    return app


def main() -> None:
    framework, loop_name = sys.argv[1], sys.argv[2]

    if framework == "websockets":
        from websockets.asyncio.server import ServerConnection
        from websockets.asyncio.server import serve as ws_serve

        async def handler(ws: ServerConnection) -> None:
            async for message in ws:
                await ws.send(message)

        async def start() -> object:
            server = await ws_serve(
                handler,
                "127.0.0.1",
                0,
                compression=None,
                max_size=MAX_SIZE,
                ping_interval=None,
                backlog=BACKLOG,
            )
            announce(next(iter(server.sockets)).getsockname()[1])
            return server

    elif framework in ("aioloom", "aiohttp"):
        web: Any = importlib.import_module(f"{framework}.web")

        async def start() -> object:
            runner = web.AppRunner(build_app(web), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0, backlog=BACKLOG)
            await site.start()
            announce(runner.addresses[0][1])
            return runner

    else:
        raise SystemExit(f"unknown framework {framework!r}")

    serve(start, loop_name)


if __name__ == "__main__":
    main()
