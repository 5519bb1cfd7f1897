"""opentelemetry-instrumentation-aiohttp-server: a span per request, named by the route."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]


async def test_a_span_per_request_named_by_the_route(serve) -> None:
    from opentelemetry.instrumentation.aiohttp_server import AioHttpServerInstrumentor
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = AioHttpServerInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        from aiohttp import web

        async def user(request: web.Request) -> web.Response:
            return web.Response(text=request.match_info["id"])

        app = web.Application()  # the instrumented subclass, with its tracing middleware
        app.router.add_get("/users/{id}", user)
        async with serve(app) as client:
            assert (await client.get("/users/7")).text == "7"
            assert (await client.get("/users/8")).text == "8"
    finally:
        instrumentor.uninstrument()
    spans = exporter.get_finished_spans()
    assert [span.name for span in spans] == ["GET /users/{id}", "GET /users/{id}"]
    attributes = spans[0].attributes or {}
    assert attributes.get("http.response.status_code", attributes.get("http.status_code")) == 200
