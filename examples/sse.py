"""Server-Sent Events: a stream of timestamped events until the client goes away.

Run it with ``python examples/sse.py`` and open http://127.0.0.1:8080/ in a browser,
or ``curl -N http://127.0.0.1:8080/events``.

The response is a StreamResponse with ``Content-Type: text/event-stream``, sent
with chunked encoding; each ``await response.write()`` goes out at once (and waits
if the client reads slowly). When the client disconnects, the next write raises
ConnectionResetError and the handler ends.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import itertools
import json
import re

from aioloom import web

interval_key = web.AppKey("interval", float)
# The requests being streamed to right now (a handler removes itself when it ends).
active_key = web.AppKey("active", set[web.Request])
_EVENT_ID = re.compile(r"[0-9]{1,18}", re.ASCII)  # never int() on raw header text

PAGE = """<!doctype html>
<title>aioloom SSE</title>
<ul id="events"></ul>
<script>
  const source = new EventSource("/events");
  source.addEventListener("tick", (event) => {
    const item = document.createElement("li");
    item.textContent = event.data;
    document.getElementById("events").append(item);
  });
</script>
"""


def format_event(data: str, *, event: str | None = None, event_id: str | None = None) -> bytes:
    """One event in the text/event-stream format; multi-line data becomes several lines."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    lines.extend(f"data: {line}" for line in data.splitlines() or [""])
    return ("\n".join(lines) + "\n\n").encode()


async def events(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    response.enable_chunked_encoding()
    await response.prepare(request)
    interval = request.app[interval_key]
    last_id = request.headers.get("Last-Event-ID", "")
    start = int(last_id) + 1 if _EVENT_ID.fullmatch(last_id) else 0
    active = request.app[active_key]
    active.add(request)
    try:
        await response.write(b"retry: 2000\n\n")
        for number in itertools.count(start):
            now = datetime.datetime.now(datetime.UTC).isoformat()
            payload = json.dumps({"n": number, "time": now})
            await response.write(format_event(payload, event="tick", event_id=str(number)))
            await asyncio.sleep(interval)
    except ConnectionError:
        pass  # the client went away: stop producing events
    finally:
        active.discard(request)
    return response


async def index(request: web.Request) -> web.Response:
    return web.Response(text=PAGE, content_type="text/html")


def init_app(argv: list[str] | None = None, *, interval: float | None = None) -> web.Application:
    """The app. ``argv`` comes from the CLI, as aiohttp's ``python -m aiohttp.web``
    passes it: ``python -m aioloom.web examples.sse:init_app --interval 0.5``."""
    if interval is None:
        options = argparse.ArgumentParser(prog="examples.sse:init_app")
        options.add_argument("--interval", type=float, default=1.0, help="seconds between events")
        interval = options.parse_args(argv or []).interval
    app = web.Application()
    app[interval_key] = interval
    app[active_key] = set()
    app.router.add_get("/", index)
    app.router.add_get("/events", events)
    return app


if __name__ == "__main__":
    web.run_app(init_app(), host="127.0.0.1", port=8080)
