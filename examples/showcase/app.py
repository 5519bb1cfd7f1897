"""The showcase: a page with a WebSocket chat, a server-sent-events ticker, a file
upload, a JSON API and static assets, in one small application.

Serve it with ``python tools/dev.py demo`` (or
``python -m aioloom.web -H 127.0.0.1 -P 8080 examples.showcase.app:create_app``)
and open http://127.0.0.1:8080/.

This file runs on aiohttp too: change ``from aioloom import web`` to
``from aiohttp import web`` and serve it with ``python -m aiohttp.web``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import weakref
from pathlib import Path
from typing import cast

from aioloom import web

STATIC = Path(__file__).resolve().parent / "static"
NOTES = web.AppKey("notes", list[dict[str, str]])
CHAT = web.AppKey("chat", weakref.WeakSet[web.WebSocketResponse])
TICK_SECONDS = web.AppKey("tick_seconds", float)
MAX_UPLOAD = 2 * 1024 * 1024
_COUNT = re.compile(r"[0-9]{1,4}", re.ASCII)


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def list_notes(request: web.Request) -> web.Response:
    return web.json_response({"notes": request.app[NOTES]})


async def add_note(request: web.Request) -> web.Response:
    try:
        data = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="send JSON") from None
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not 0 < len(text.strip()) <= 200:
        raise web.HTTPUnprocessableEntity(text="'text' must be 1 to 200 characters")
    note = {"id": str(len(request.app[NOTES]) + 1), "text": text.strip()}
    request.app[NOTES].append(note)
    return web.json_response(note, status=201)


async def upload(request: web.Request) -> web.Response:
    reader = await request.multipart()
    async for field in reader:
        # A nested multipart has no name. (aiohttp.web does not export BodyPartReader,
        # so this file does not test for it: the string annotation stays unevaluated.)
        if getattr(field, "name", None) != "file":
            continue
        part = cast("web.BodyPartReader", field)
        digest, size = hashlib.sha256(), 0
        while chunk := await part.read_chunk(65536):
            size += len(chunk)
            if size > MAX_UPLOAD:
                raise web.HTTPRequestEntityTooLarge(max_size=MAX_UPLOAD, actual_size=size)
            digest.update(chunk)
        return web.json_response(
            {"filename": part.filename, "size": size, "sha256": digest.hexdigest()}
        )
    raise web.HTTPBadRequest(text="no 'file' field")


async def ticker(request: web.Request) -> web.StreamResponse:
    # ?count=N ends the stream after N events (the tests use it); else it runs on.
    raw_count = request.query.get("count", "")
    count = int(raw_count) if _COUNT.fullmatch(raw_count) else None
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    n = 0
    try:
        while count is None or n < count:
            event = json.dumps({"n": n, "notes": len(request.app[NOTES])})
            await response.write(f"id: {n}\nevent: tick\ndata: {event}\n\n".encode())
            n += 1
            await asyncio.sleep(request.app[TICK_SECONDS])
    except ConnectionError:
        pass  # the browser went away
    return response


async def chat(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    members = request.app[CHAT]
    members.add(ws)
    try:
        async for message in ws:
            if message.type != web.WSMsgType.TEXT:
                continue
            try:
                data = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(data, dict):
                continue
            name, text = str(data.get("name", "?")), str(data.get("text", ""))
            said = {"name": name[:40], "text": text[:500]}
            for member in list(members):
                if not member.closed:
                    await member.send_json(said)
    finally:
        members.discard(ws)
    return ws


async def close_chat(app: web.Application) -> None:
    members = app[CHAT]
    for ws in list(members):
        await ws.close(code=1001, message=b"server shutdown")


def create_app(argv: list[str] | None = None) -> web.Application:
    """The application; ``argv`` is what the CLI passes after the factory's name."""
    app = web.Application(client_max_size=MAX_UPLOAD + 64 * 1024)
    app[NOTES] = [{"id": "1", "text": "Welcome to aioloom"}]
    app[CHAT] = weakref.WeakSet()
    app[TICK_SECONDS] = 1.0
    app.on_shutdown.append(close_chat)
    app.router.add_get("/", index)
    app.router.add_get("/api/notes", list_notes)
    app.router.add_post("/api/notes", add_note)
    app.router.add_post("/upload", upload)
    app.router.add_get("/events", ticker)
    app.router.add_get("/ws", chat)
    app.router.add_static("/static/", STATIC)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=8080)
