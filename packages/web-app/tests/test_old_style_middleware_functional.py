"""Old-style middleware factories, ``await factory(app, handler)``: deprecated in
aiohttp 3 but still run, with a DeprecationWarning when the app freezes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aioloom import web
from aioloom.testing import AioloomClient

OldStyle = Callable[[web.Application, web.Handler], Awaitable[web.Handler]]


def _factory(log: list[tuple[str, object]], name: str) -> OldStyle:
    async def middleware_factory(app: web.Application, handler: web.Handler) -> web.Handler:
        log.append(("factory " + name, app))

        async def middleware(request: web.Request) -> web.StreamResponse:
            log.append(("before " + name, app))
            response = await handler(request)
            log.append(("after " + name, app))
            return response

        return middleware

    return middleware_factory


async def _ok(request: web.Request) -> web.Response:
    return web.Response(text="OK")


@pytest.mark.asyncio
async def test_old_style_factory_runs_per_request_with_a_warning(
    aioloom_client: AioloomClient,
) -> None:
    log: list[tuple[str, object]] = []

    class Suffix:
        """A class whose instances are old-style factories, as aiohttp's docs allowed."""

        async def __call__(self, app: web.Application, handler: web.Handler) -> web.Handler:
            async def middleware(request: web.Request) -> web.StreamResponse:
                response = await handler(request)
                assert isinstance(response, web.Response)
                response.text = (response.text or "") + " [old style]"
                return response

            return middleware

    app = web.Application()
    old: Any = _factory(log, "old")
    app.middlewares.extend([old, Suffix()])
    app.router.add_get("/", _ok)
    with pytest.warns(DeprecationWarning, match="old-style middleware") as warned:
        client = await aioloom_client(app)
    messages = sorted(str(w.message) for w in warned)
    assert len(messages) == 2
    assert messages[0].startswith('old-style middleware "<')
    assert messages[0].endswith('" deprecated, see #2252')
    assert "Suffix object" in messages[1]

    for _ in range(2):
        response = await client.get("/")
        assert response.status == 200
        assert await response.text() == "OK [old style]"
    # The factory is called again for every request, as aiohttp does.
    assert [entry for entry, _ in log] == ["factory old", "before old", "after old"] * 2


@pytest.mark.asyncio
async def test_old_style_factories_of_sub_apps_get_their_own_app(
    aioloom_client: AioloomClient,
) -> None:
    log: list[tuple[str, object]] = []
    order: list[str] = []

    @web.middleware
    async def new_style(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        order.append("new")
        return await handler(request)

    old: Any = _factory(log, "old")
    root = web.Application(middlewares=[old, new_style])
    sub1 = web.Application(middlewares=[old])
    sub2 = web.Application(middlewares=[old])
    sub2.router.add_get("/to", _ok)
    # Each app warns when it freezes: a sub-app when it is added, the root at start.
    with pytest.warns(DeprecationWarning, match="old-style middleware"):
        sub1.add_subapp("/b/", sub2)
    with pytest.warns(DeprecationWarning, match="old-style middleware"):
        root.add_subapp("/a/", sub1)
    with pytest.warns(DeprecationWarning, match="old-style middleware"):
        client = await aioloom_client(root)

    response = await client.get("/a/b/to")
    assert response.status == 200
    assert [(entry, app) for entry, app in log if not entry.startswith("factory")] == [
        ("before old", root),
        ("before old", sub1),
        ("before old", sub2),
        ("after old", sub2),
        ("after old", sub1),
        ("after old", root),
    ]
    assert order == ["new"]


@pytest.mark.asyncio
async def test_a_middleware_taking_a_request_must_be_decorated() -> None:
    # Run as a factory it would be given the app for a request: refused, not guessed.
    async def forgot_decorator(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        return await handler(request)  # pragma: no cover

    app = web.Application(middlewares=[forgot_decorator])
    with pytest.raises(TypeError, match=r"takes a request.*@web\.middleware"):
        app.freeze()
