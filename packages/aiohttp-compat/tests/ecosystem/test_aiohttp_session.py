"""aiohttp-session: SimpleCookieStorage and EncryptedCookieStorage keep a session."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]


def _app(storage: object) -> object:
    import aiohttp_session
    from aiohttp import web

    async def visit(request: web.Request) -> web.Response:
        session = await aiohttp_session.get_session(request)
        session["visits"] = session.get("visits", 0) + 1
        return web.Response(text=str(session["visits"]))

    async def forget(request: web.Request) -> web.Response:
        session = await aiohttp_session.get_session(request)
        session.invalidate()
        return web.Response(text="gone")

    app = web.Application()
    aiohttp_session.setup(app, storage)  # type: ignore[arg-type]
    app.router.add_get("/", visit)
    app.router.add_get("/forget", forget)
    return app


async def _survives(serve, app: object) -> None:
    async with serve(app) as client:  # type: ignore[arg-type]
        assert [(await client.get("/")).text for _ in range(3)] == ["1", "2", "3"]
        assert "AIOHTTP_SESSION" in client.cookies
        assert (await client.get("/forget")).text == "gone"
        assert (await client.get("/")).text == "1"


async def test_simple_cookie_storage(serve) -> None:
    from aiohttp_session import SimpleCookieStorage

    await _survives(serve, _app(SimpleCookieStorage()))


async def test_encrypted_cookie_storage(serve) -> None:
    from aiohttp_session.cookie_storage import EncryptedCookieStorage
    from cryptography import fernet

    await _survives(serve, _app(EncryptedCookieStorage(fernet.Fernet.generate_key()[:32])))
