"""prometheus-client: its aiohttp metrics handler serves a registry."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]


async def test_metrics_handler(serve) -> None:
    from aiohttp import web
    from prometheus_client import CollectorRegistry, Counter
    from prometheus_client.aiohttp import make_aiohttp_handler

    registry = CollectorRegistry()
    hits = Counter("notes_hits", "Hits.", registry=registry)

    async def hello(request: web.Request) -> web.Response:
        hits.inc()
        return web.Response(text="hello")

    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_get("/metrics", make_aiohttp_handler(registry))
    async with serve(app) as client:
        await client.get("/")
        await client.get("/")
        response = await client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        assert "notes_hits_total 2.0" in response.text
        compressed = await client.get("/metrics", headers={"Accept-Encoding": "gzip"})
        assert compressed.headers.get("Content-Encoding") == "gzip"
        assert "notes_hits_total 2.0" in compressed.text
