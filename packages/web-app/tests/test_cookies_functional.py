"""Cookies over a real socket: request.cookies, set_cookie round trips, resp.cookies."""

from __future__ import annotations

import asyncio
import http.client
import json
import string
import threading
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aioloom import web

from .conftest import ServeFactory


async def _echo_cookies(request: web.Request) -> web.Response:
    return web.json_response(dict(request.cookies))


async def _set_from_body(request: web.Request) -> web.Response:
    """Sets the cookie the body names; 422 when set_cookie refuses it."""
    data = await request.json()
    response = web.Response(text="set")
    try:
        response.set_cookie(data["name"], data["value"])
    except ValueError as exc:
        return web.Response(status=422, text=str(exc))
    return response


def _app() -> web.Application:
    app = web.Application()
    app.router.add_get("/echo", _echo_cookies)
    app.router.add_post("/set", _set_from_body)
    return app


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b'a="two words"; b=1', {"a": "two words", "b": "1"}),
        (b'a="x;y"; b=1', {"a": "x;y", "b": "1"}),
        (rb'a="1\0542\"3"', {"a": '1,2"3'}),
        (b"{lb}=1; p/q=2; Secure", {"{lb}": "1", "p/q": "2", "Secure": ""}),
        (b"ok=1; bad,name=2; =x; last=3", {"ok": "1", "last": "3"}),
    ],
)
async def test_request_cookies_over_the_wire(
    serve: ServeFactory, header: bytes, expected: dict[str, str]
) -> None:
    server = await serve(_app())
    conn = await server.connect()
    await conn.send(b"GET /echo HTTP/1.1\r\nHost: x\r\nCookie: " + header + b"\r\n\r\n")
    response = await conn.read_response()
    assert response.startswith(b"HTTP/1.1 200 ")
    assert json.loads(response.partition(b"\r\n\r\n")[2]) == expected


@pytest.mark.asyncio
async def test_json_session_cookie_survives_requests(serve: ServeFactory) -> None:
    """aiohttp-session's cookie storage: a JSON document in one cookie, read back each time."""

    async def visit(request: web.Request) -> web.Response:
        raw = request.cookies.get("AIOHTTP_SESSION")
        session = json.loads(raw)["session"] if raw else {"visits": 0, "tags": ["a,b", "c;d"]}
        session["visits"] += 1
        response = web.json_response(session)
        document = {"created": int(time.time()), "session": session}
        response.set_cookie("AIOHTTP_SESSION", json.dumps(document), httponly=True)
        return response

    app = web.Application()
    app.router.add_get("/", visit)
    server = await serve(app)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        for visits in (1, 2, 3):
            response = await client.get("/")
            assert response.json() == {"visits": visits, "tags": ["a,b", "c;d"]}
        # The shape on the wire: SimpleCookie's quoting, escapes and all.
        assert response.headers["set-cookie"].startswith('AIOHTTP_SESSION="{\\"created\\": ')


@pytest.mark.asyncio
async def test_resp_cookies_is_a_simple_cookie_sent_as_edited(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        response = web.Response(text="ok")
        response.set_cookie("a", "1", domain="example.com", secure=True)
        response.set_cookie("a", "2")  # updates: domain and secure stay, as in aiohttp
        response.del_cookie("gone")
        response.set_cookie("p", "v", partitioned=True)
        assert isinstance(response.cookies, SimpleCookie)
        response.cookies["a"]["max-age"] = 10
        response.cookies["plain"] = "x y"
        return response

    app = web.Application()
    app.router.add_get("/", handler)
    server = await serve(app)
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = (await conn.read_response()).partition(b"\r\n\r\n")[0].decode()
    lines = sorted(line for line in head.split("\r\n") if line.startswith("Set-Cookie: "))
    assert lines == [
        "Set-Cookie: a=2; Domain=example.com; Max-Age=10; Path=/; Secure",
        'Set-Cookie: gone=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/',
        "Set-Cookie: p=v; Partitioned; Path=/",
        'Set-Cookie: plain="x y"',
    ]


def test_resp_cookies_str_and_output() -> None:
    response = web.StreamResponse()
    assert response.cookies == {}
    assert str(response.cookies) == ""
    response.set_cookie("name", "")
    assert str(response.cookies) == 'Set-Cookie: name=""; Path=/'
    response.del_cookie("name")
    response.set_cookie("name", "val")  # the expiry and Max-Age of the deletion are gone
    assert response.cookies.output() == "Set-Cookie: name=val; Path=/"
    assert response.cookies.output(header="Cookie:") == "Cookie: name=val; Path=/"


def test_a_response_without_cookies_builds_no_cookie_jar() -> None:
    response = web.Response(text="hot path")
    response.headers["X-Other"] = "1"
    assert response._cookies_dict is None


@pytest.mark.parametrize(
    ("name", "value", "attributes"),
    [
        ("path", "v", {}),  # a reserved attribute name
        ("bad name", "v", {}),
        ("ok", "v", {"path": "/a\r\nX-Evil: 1"}),
        ("ok", "v", {"domain": "a; Secure"}),
        ("ok", "\ud800", {}),  # cannot be encoded at all
    ],
)
def test_set_cookie_refuses_what_cannot_be_sent(
    name: str, value: str, attributes: dict[str, str]
) -> None:
    response = web.StreamResponse()
    with pytest.raises(ValueError, match="cookie"):
        response.set_cookie(name, value, **attributes)  # type: ignore[arg-type]
    assert name not in response.cookies


# -- property: whatever set_cookie accepts comes back unchanged ----------------------------


@pytest.fixture(scope="module")
def server_port() -> Iterator[int]:
    """One server for every example, on a loop in a thread (hypothesis drives it blocking)."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(_app(), access_log=None)
    ready = threading.Event()
    ports: list[int] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        ports.append(int(runner.addresses[0][1]))
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(20)
    yield ports[0]
    loop.call_soon_threadsafe(loop.stop)
    thread.join(20)


_NAME_CHARS = string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~:"


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(_NAME_CHARS, min_size=1, max_size=12), value=st.text(max_size=40))
@example(name="s", value='{"k": [1, "a;b", "\\""]}')
@example(name="u", value="\u20ac \xe9 \udcff")  # beyond Latin-1 goes out as UTF-8
@example(name="c", value="line\r\nbreak\x00")
@example(name="e", value="")
def test_set_cookie_round_trips_through_request_cookies(
    server_port: int, name: str, value: str
) -> None:
    """Set-Cookie from the server, its pair sent back byte for byte, read by request.cookies."""
    conn = http.client.HTTPConnection("127.0.0.1", server_port, timeout=10)
    try:
        body = json.dumps({"name": name, "value": value})
        conn.request("POST", "/set", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        if response.status == 422:  # refused: a reserved name, or text no header can carry
            return
        assert response.status == 200
        # http.client gives header text as Latin-1: back to the bytes on the wire.
        set_cookie = response.getheader("Set-Cookie", "").encode("latin-1")
        pair = set_cookie.partition(b"; Path=/")[0]  # name=coded-value, as a browser keeps it
        conn.putrequest("GET", "/echo")
        conn.putheader("Cookie", pair)
        conn.endheaders()
        echoed = conn.getresponse()
        assert echoed.status == 200
        assert json.loads(echoed.read()) == {name: value}
    finally:
        conn.close()
