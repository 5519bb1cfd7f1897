"""aiohttp-debugtoolbar: the toolbar is injected into HTML pages and its pages are served."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]

PAGE = "<html><head><title>notes</title></head><body><p>notes</p></body></html>"


def _app() -> object:
    import aiohttp_debugtoolbar
    from aiohttp import web

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def data(request: web.Request) -> web.Response:
        return web.json_response({"notes": 1})

    async def broken(request: web.Request) -> web.Response:
        raise ZeroDivisionError("no notes")

    app = web.Application()
    aiohttp_debugtoolbar.setup(app)
    app.router.add_get("/", page)
    app.router.add_get("/data", data)
    app.router.add_get("/broken", broken)
    return app


async def test_the_toolbar_is_injected_into_an_html_page(serve) -> None:
    async with serve(_app()) as client:  # type: ignore[arg-type]
        response = await client.get("/")
        assert response.status_code == 200
        assert response.text.startswith("<html><head><title>notes</title>")
        assert '<div id="pDebug">' in response.text
        assert response.text.index('<div id="pDebug">') < response.text.index("</body>")
        assert int(response.headers["Content-Length"]) == len(response.content)
        # The toolbar's own page for that request, with its panels.
        match = re.search(r'href="(/_debugtoolbar/[0-9a-f]+)"', response.text)
        assert match is not None
        toolbar = await client.get(match.group(1))
        assert toolbar.status_code == 200
        for panel in ("Header", "Performance", "Request Vars", "Routes", "Middlewares"):
            assert panel in toolbar.text
        css = await client.get("/_debugtoolbar/static/css/toolbar.css")
        assert css.status_code == 200


async def test_json_is_left_alone(serve) -> None:
    async with serve(_app()) as client:  # type: ignore[arg-type]
        response = await client.get("/data")
        assert response.json() == {"notes": 1}


async def test_an_exception_is_intercepted(serve) -> None:
    async with serve(_app()) as client:  # type: ignore[arg-type]
        response = await client.get("/broken")
        assert response.status_code == 500
        assert "ZeroDivisionError" in response.text
        assert "no notes" in response.text
        assert '<div id="pDebug">' in response.text
