"""A small aiohttp.web application, written for aiohttp only (no aioloom import).

The compat tests serve it through ``python -m aioloom.aiohttp_compat``, the
Gunicorn worker, and run its own pytest-aiohttp suite (``notes_tests.py``).
"""

from __future__ import annotations

import os

from aiohttp import web

NOTES = web.AppKey("notes", dict)
routes = web.RouteTableDef()


@web.middleware
async def server_header(request: web.Request, handler):  # type: ignore[no-untyped-def]
    response = await handler(request)
    response.headers["X-Served-By"] = f"notes/{os.getpid()}"
    return response


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    return web.Response(text=f"{len(request.app[NOTES])} notes")


@routes.view("/notes/{name}", name="note")
class Note(web.View):
    async def get(self) -> web.Response:
        notes = self.request.app[NOTES]
        name = self.request.match_info["name"]
        if name not in notes:
            raise web.HTTPNotFound(text=f"no note {name}")
        return web.json_response({"name": name, "text": notes[name]})

    async def put(self) -> web.Response:
        name = self.request.match_info["name"]
        self.request.app[NOTES][name] = await self.request.text()
        raise web.HTTPFound(self.request.app.router["note"].url_for(name=name))


async def fill(app: web.Application) -> None:
    app[NOTES]["hello"] = "world"


def create_app(argv: list[str] | None = None) -> web.Application:
    app = web.Application(middlewares=[server_header])
    app[NOTES] = {}
    app.add_routes(routes)
    app.on_startup.append(fill)
    return app


async def gunicorn_app() -> web.Application:
    return create_app()
