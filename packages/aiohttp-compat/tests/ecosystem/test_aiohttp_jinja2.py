"""aiohttp-jinja2: @template on functions and views, render_template, context processors."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]


async def test_templates_views_and_context_processors(serve) -> None:
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web

    templates = {
        "hello.html": "{{ greeting }}, {{ name }} ({{ site }})",
        "view.html": "view {{ request.method }} {{ value }}",
    }

    @aiohttp_jinja2.template("hello.html")
    async def hello(request: web.Request) -> dict[str, str]:
        return {"name": request.match_info["name"]}

    class Page(web.View):
        @aiohttp_jinja2.template("view.html")
        async def get(self) -> dict[str, int]:
            return {"value": 7}

    async def rendered(request: web.Request) -> web.Response:
        response = aiohttp_jinja2.render_template("hello.html", request, {"name": "direct"})
        response.headers["X-Rendered"] = "yes"
        return response

    async def greeting(request: web.Request) -> dict[str, str]:
        return {"greeting": "Hello"}

    app = web.Application()
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.DictLoader(templates),
        context_processors=[greeting, aiohttp_jinja2.request_processor],
    )
    app.router.add_get("/hello/{name}", hello)
    app.router.add_view("/page", Page)
    app.router.add_get("/direct", rendered)

    @web.middleware
    async def site(request: web.Request, handler):  # type: ignore[no-untyped-def]
        request[aiohttp_jinja2.REQUEST_CONTEXT_KEY]["site"] = "notes"
        return await handler(request)

    app.middlewares.append(site)
    async with serve(app) as client:
        response = await client.get("/hello/you")
        assert (response.status_code, response.text) == (200, "Hello, you (notes)")
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        response = await client.get("/page")
        assert response.text == "view GET 7"
        response = await client.get("/direct")
        assert (response.text, response.headers["X-Rendered"]) == ("Hello, direct (notes)", "yes")
