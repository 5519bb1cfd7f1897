"""aiohttp-sse: an event stream sent with sse_response and EventSourceResponse."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]


async def test_events_are_streamed(serve) -> None:
    from aiohttp import web
    from aiohttp_sse import sse_response

    async def events(request: web.Request) -> web.StreamResponse:
        async with sse_response(request) as stream:
            for n in range(3):
                await stream.send(f"tick {n}", id=str(n), event="tick")
        return stream

    app = web.Application()
    app.router.add_get("/events", events)
    async with serve(app) as client:
        response = await client.get("/events")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        assert response.text.count("event: tick") == 3
        assert "id: 2\r\nevent: tick\r\ndata: tick 2\r\n\r\n" in response.text
