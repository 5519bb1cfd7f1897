"""The HTTP app of bench_server.py, the same code for aioloom and aiohttp.

    python -m _server_apps.http_app aioloom|aiohttp asyncio|uvloop    (cwd: tools/bench)

Routes: GET / (plaintext), GET /json (json_response), GET /users/{id} registered
after 1000 parametrised filler routes /r{i}/{x}, POST /echo (answers the body).
Served with AppRunner + TCPSite on 127.0.0.1, access_log=None.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from ._common import BACKLOG, announce, serve

FILLER_ROUTES = 1000


def build_app(web: Any) -> Any:
    async def plaintext(request: Any) -> Any:
        return web.Response(text="Hello, World!")

    async def json_(request: Any) -> Any:
        return web.json_response({"message": "Hello, World!"})

    async def filler(request: Any) -> Any:
        return web.Response(text="filler")

    async def user(request: Any) -> Any:
        return web.Response(text=request.match_info["id"])

    async def echo(request: Any) -> Any:
        return web.Response(body=await request.read())

    app = web.Application()
    app.router.add_get("/", plaintext)
    app.router.add_get("/json", json_)
    app.router.add_post("/echo", echo)
    for i in range(FILLER_ROUTES):
        app.router.add_get(f"/r{i}/{{x}}", filler)
    app.router.add_get("/users/{id}", user)
    return app


def main() -> None:
    framework, loop_name = sys.argv[1], sys.argv[2]
    if framework not in ("aioloom", "aiohttp"):
        raise SystemExit(f"unknown framework {framework!r}")
    web: Any = importlib.import_module(f"{framework}.web")

    async def start() -> object:
        runner = web.AppRunner(build_app(web), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=BACKLOG)
        await site.start()
        announce(runner.addresses[0][1])
        return runner

    serve(start, loop_name)


if __name__ == "__main__":
    main()
