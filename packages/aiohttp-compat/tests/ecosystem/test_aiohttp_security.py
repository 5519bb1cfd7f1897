"""aiohttp-security: login (remember), check_authorized, permits, logout (forget)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]


async def test_login_check_authorized_logout(serve) -> None:
    import aiohttp_security
    import aiohttp_session
    from aiohttp import web
    from aiohttp_security import (
        AbstractAuthorizationPolicy,
        SessionIdentityPolicy,
        check_authorized,
        check_permission,
        forget,
        remember,
    )
    from aiohttp_session.cookie_storage import EncryptedCookieStorage
    from cryptography import fernet

    class Policy(AbstractAuthorizationPolicy):
        async def authorized_userid(self, identity: str) -> str | None:
            return identity if identity in ("alice", "bob") else None

        async def permits(self, identity: str | None, permission: str, context=None) -> bool:  # type: ignore[no-untyped-def]
            return identity == "alice" and permission == "admin"

    async def login(request: web.Request) -> web.Response:
        response = web.HTTPFound("/")
        await remember(request, response, request.query["user"])
        raise response

    async def private(request: web.Request) -> web.Response:
        user = await check_authorized(request)
        return web.Response(text=f"hello {user}")

    async def admin(request: web.Request) -> web.Response:
        await check_permission(request, "admin")
        return web.Response(text="admin")

    async def logout(request: web.Request) -> web.Response:
        await check_authorized(request)
        response = web.Response(text="bye")
        await forget(request, response)
        return response

    app = web.Application()
    # Encrypted: SimpleCookieStorage's cookie is not read back yet (see its own test).
    aiohttp_session.setup(app, EncryptedCookieStorage(fernet.Fernet.generate_key()[:32]))
    aiohttp_security.setup(app, SessionIdentityPolicy(), Policy())
    app.router.add_get("/login", login)
    app.router.add_get("/", private)
    app.router.add_get("/admin", admin)
    app.router.add_get("/logout", logout)
    async with serve(app) as client:
        assert (await client.get("/")).status_code == 401
        response = await client.get("/login", params={"user": "bob"})
        assert response.status_code == 302
        assert (await client.get("/")).text == "hello bob"
        assert (await client.get("/admin")).status_code == 403
        assert (await client.get("/logout")).text == "bye"
        assert (await client.get("/")).status_code == 401
        await client.get("/login", params={"user": "alice"})
        assert (await client.get("/admin")).text == "admin"
