"""StreamResponse / Response / json_response over a real socket: cookies, headers, states."""

from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aioloom import web
from aioloom.testing import AioloomClient

TRACE = web.ResponseKey("trace", list)


async def _raw(port: int, request: bytes, *, timeout: float = 10) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), timeout)
    writer.close()
    await writer.wait_closed()
    return data


def _one(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/", handler)
    return app


# -- cookies ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_set_cookie_all_attributes(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        resp = web.Response(text="ok")
        resp.set_cookie(
            "full",
            "value",
            expires="Wed, 21 Oct 2035 07:28:00 GMT",
            domain="example.com",
            max_age=3600,
            path="/app",
            secure=True,
            httponly=True,
            samesite="Strict",
            partitioned=True,
        )
        resp.set_cookie("plain", "1")
        resp.set_cookie("lax", "2", samesite="Lax", secure=True)
        return resp

    client = await aioloom_client(_one(handler))
    response = await client.get("/")
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getall("Set-Cookie")}
    full = [part.strip() for part in cookies["full"].split(";")]
    assert full[0] == "full=value"
    assert set(full[1:]) == {
        "expires=Wed, 21 Oct 2035 07:28:00 GMT",
        "Domain=example.com",
        "Max-Age=3600",
        "Path=/app",
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
        "Partitioned",
    }
    assert cookies["plain"] == "plain=1; Path=/"
    assert set(cookies["lax"].split("; ")) == {"lax=2", "Path=/", "SameSite=Lax", "Secure"}


@pytest.mark.asyncio
async def test_del_cookie(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        resp = web.Response(text="ok")
        resp.set_cookie("gone", "soon")
        resp.del_cookie("gone")
        resp.del_cookie(
            "scoped", domain="example.com", path="/app", secure=True, httponly=True, samesite="None"
        )
        return resp

    client = await aioloom_client(_one(handler))
    response = await client.get("/")
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getall("Set-Cookie")}
    assert set(cookies) == {"gone", "scoped"}
    gone = set(cookies["gone"].split("; "))
    assert gone == {'gone=""', "expires=Thu, 01 Jan 1970 00:00:00 GMT", "Max-Age=0", "Path=/"}
    scoped = set(cookies["scoped"].split("; "))
    assert scoped >= {
        "Max-Age=0",
        "Domain=example.com",
        "Path=/app",
        "Secure",
        "HttpOnly",
        "SameSite=None",
    }


def test_cookie_values_are_validated() -> None:
    resp = web.StreamResponse()
    with pytest.raises(ValueError, match="forbidden character"):
        resp.set_cookie("a", "b", path="/x\r\nSet-Cookie: evil=1")
    with pytest.raises(ValueError, match="forbidden character"):
        resp.set_cookie("a", "b", domain="x;evil")
    with pytest.raises(ValueError, match="invalid cookie"):
        resp.set_cookie("bad name", "b")
    resp.set_cookie("q", 'has "quotes" and ;')
    assert resp.cookies["q"].value == 'has "quotes" and ;'


@pytest.mark.asyncio
async def test_cookies_set_by_an_exception_are_sent(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        exc = web.HTTPFound("/login")
        exc.set_cookie("flash", "please-login")
        raise exc

    client = await aioloom_client(_one(handler))
    response = await client.get("/", follow_redirects=False)
    assert response.status == 302
    assert response.headers["Set-Cookie"] == "flash=please-login; Path=/"


# -- Response and json_response ------------------------------------------------------------


@pytest.mark.asyncio
async def test_response_constructor_arguments(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        kind = request.query["kind"]
        if kind == "text":
            return web.Response(text="<b>é</b>", content_type="text/html", status=201)
        if kind == "charset":
            return web.Response(text="é", charset="latin-1", reason="Fine Thanks")
        if kind == "body":
            return web.Response(body=b"\x89PNG", content_type="image/png")
        if kind == "empty":
            return web.Response()
        if kind == "headers":
            return web.Response(text="x", headers={"X-A": "1", "Content-Language": "en"})
        return web.Response(body=b"x", headers={"Content-Type": "application/x-thing"})

    client = await aioloom_client(_one(handler))
    response = await client.get("/", params={"kind": "text"})
    assert response.status == 201
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert await response.read() == "<b>é</b>".encode()
    response = await client.get("/", params={"kind": "charset"})
    assert response.reason == "Fine Thanks"
    assert response.headers["Content-Type"] == "text/plain; charset=latin-1"
    assert await response.read() == b"\xe9"
    response = await client.get("/", params={"kind": "body"})
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Length"] == "4"
    response = await client.get("/", params={"kind": "empty"})
    assert "Content-Type" not in response.headers  # no body, no type (as aiohttp)
    assert response.headers["Content-Length"] == "0"
    response = await client.get("/", params={"kind": "headers"})
    assert response.headers["X-A"] == "1"
    assert response.headers["Content-Language"] == "en"
    response = await client.get("/", params={"kind": "ctype-header"})
    assert response.headers["Content-Type"] == "application/x-thing"


def test_response_constructor_errors() -> None:
    with pytest.raises(ValueError, match="body and text"):
        web.Response(body=b"x", text="x")
    with pytest.raises(ValueError, match="Content-Type"):
        web.Response(text="x", headers={"Content-Type": "text/plain"}, content_type="text/html")
    with pytest.raises(ValueError, match="charset"):
        web.Response(text="x", content_type="text/plain; charset=utf-8")
    with pytest.raises(TypeError, match="text"):
        web.Response(text=b"x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Unsupported body type"):
        web.Response(body=object())


def test_response_properties() -> None:
    resp = web.Response(text="hello")
    assert resp.status == 200
    assert resp.reason == "OK"
    assert resp.text == "hello"
    assert resp.body == b"hello"
    assert resp.content_type == "text/plain"
    assert resp.charset == "utf-8"
    resp.content_type = "text/html"
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    resp.charset = "ISO-8859-1"
    assert resp.headers["Content-Type"] == "text/html; charset=iso-8859-1"
    resp.text = "é"
    assert resp.body == b"\xe9"
    resp.set_status(418, "Short And Stout")
    assert (resp.status, resp.reason) == (418, "Short And Stout")
    with pytest.raises(ValueError, match="CR or LF"):
        resp.set_status(200, "OK\r\nX-Evil: 1")
    with pytest.raises(RuntimeError, match="set automatically"):
        resp.content_length = 5  # a Response's length is its body's (as aiohttp)
    stream = web.StreamResponse()
    stream.content_length = 5
    assert stream.content_length == 5
    with pytest.raises(RuntimeError, match="content length"):
        stream.enable_chunked_encoding()
    stream.content_length = None
    stream.enable_chunked_encoding()
    assert stream.chunked
    with pytest.raises(RuntimeError, match="chunked"):
        stream.content_length = 3
    resp.last_modified = datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    assert resp.headers["Last-Modified"] == "Thu, 02 Jan 2020 03:04:05 GMT"
    assert resp.last_modified == datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    resp.last_modified = 0
    assert resp.headers["Last-Modified"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    resp.last_modified = None
    assert "Last-Modified" not in resp.headers
    resp.etag = "abc"
    assert resp.headers["ETag"] == '"abc"'
    assert resp.etag == web.ETag("abc")
    resp.etag = web.ETag("w1", is_weak=True)
    assert resp.headers["ETag"] == 'W/"w1"'
    assert resp.etag == web.ETag("w1", is_weak=True)
    with pytest.raises(ValueError, match="ETag"):
        resp.etag = 'bad"quote'
    resp.etag = None
    assert resp.etag is None
    assert resp.keep_alive is None
    resp.force_close()
    assert resp.keep_alive is False
    plain = web.StreamResponse()
    with pytest.raises(RuntimeError, match="content_type"):
        plain.charset = "utf-8"


@pytest.mark.asyncio
async def test_json_response(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.query.get("custom"):
            return web.json_response(
                {"a": 1}, dumps=lambda obj: json.dumps(obj, indent=1), status=202
            )
        if request.query.get("text"):
            return web.json_response(text='{"t": true}')
        return web.json_response({"é": [1, None]})

    client = await aioloom_client(_one(handler))
    response = await client.get("/")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert await response.json() == {"é": [1, None]}
    response = await client.get("/", params={"custom": "1"})
    assert response.status == 202
    assert await response.text() == '{\n "a": 1\n}'
    response = await client.get("/", params={"text": "1"})
    assert await response.json() == {"t": True}
    with pytest.raises(ValueError, match="only one"):
        web.json_response({"a": 1}, text="{}")


# -- StreamResponse -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_stream_response_chunked_and_back_pressure(aioloom_client: AioloomClient) -> None:
    chunk = b"z" * 65536

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(status=200, reason="Streaming", headers={"X-S": "1"})
        resp.content_type = "text/plain"
        resp.charset = "utf-8"
        await resp.prepare(request)
        for _ in range(160):  # 10 MiB: the transport must pause and resume
            await resp.write(chunk)
        await resp.write_eof()
        return resp

    client = await aioloom_client(_one(handler))
    response = await client.get("/")
    assert response.reason == "Streaming"
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-S"] == "1"
    assert len(await response.read()) == 160 * 65536


@pytest.mark.asyncio
async def test_stream_response_with_content_length(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        resp.content_length = 6
        await resp.prepare(request)
        await resp.write(b"abc")
        await resp.write(b"def")
        return resp

    client = await aioloom_client(_one(handler))
    response = await client.get("/")
    assert response.headers["Content-Length"] == "6"
    assert "Transfer-Encoding" not in response.headers
    assert await response.read() == b"abcdef"


@pytest.mark.asyncio
async def test_force_close_closes_the_connection(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        resp = web.Response(text="bye")
        resp.force_close()
        return resp

    client = await aioloom_client(_one(handler))
    data = await _raw(client.server.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert b"Connection: close\r\n" in data
    assert data.endswith(b"bye")


@pytest.mark.asyncio
async def test_state_machine_errors(aioloom_client: AioloomClient) -> None:
    errors: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        try:
            await resp.write(b"x")
        except RuntimeError as exc:
            errors.append(f"write: {exc}")
        try:
            await resp.write_eof()
        except RuntimeError as exc:
            errors.append(f"write_eof: {exc}")
        assert not resp.prepared
        writer = await resp.prepare(request)
        assert resp.prepared
        # Preparing again for the same request is harmless, as in aiohttp.
        assert await resp.prepare(request) is writer
        try:
            resp.set_status(500)
        except RuntimeError as exc:
            errors.append(f"set_status: {exc}")
        await resp.write(b"body")
        await resp.write_eof()
        await resp.write_eof()  # idempotent
        try:
            await resp.write(b"more")
        except RuntimeError as exc:
            errors.append(f"write after eof: {exc}")
        return resp

    client = await aioloom_client(_one(handler))
    response = await client.get("/")
    assert await response.read() == b"body"
    assert errors == [
        "write: cannot call write() before prepare()",
        "write_eof: response has not been started",
        "set_status: cannot change the status after the headers were sent",
        "write after eof: cannot call write() after write_eof()",
    ]


@pytest.mark.asyncio
async def test_response_reused_for_another_request_is_a_clear_error(
    aioloom_client: AioloomClient, caplog: pytest.LogCaptureFixture
) -> None:
    # One request, one response: a response object cannot be sent twice.
    cached = web.Response(text="cached")
    streamed: list[web.StreamResponse] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        return cached

    async def prepare_old(request: web.Request) -> web.StreamResponse:
        if streamed:
            try:
                await streamed[0].prepare(request)
            except RuntimeError as exc:
                return web.Response(text=f"refused: {exc}")
        resp = web.StreamResponse()
        streamed.append(resp)
        await resp.prepare(request)
        await resp.write_eof(b"first")
        return resp

    app = web.Application()
    app.router.add_get("/", handler)
    app.router.add_get("/stream", prepare_old)
    client = await aioloom_client(app)
    assert await (await client.get("/")).text() == "cached"
    response = await asyncio.wait_for(client.get("/"), 10)
    assert response.status == 500
    assert "already sent for another request" in caplog.text
    assert await (await client.get("/stream")).text() == "first"
    text = await (await client.get("/stream")).text()
    assert text.startswith("refused: this response was already sent for another request")


@pytest.mark.asyncio
async def test_write_eof_then_handler_keeps_working(aioloom_client: AioloomClient) -> None:
    # The FAQ's pattern: answer the client now, finish the work afterwards.
    answered = asyncio.Event()
    finished = asyncio.Event()

    async def ping(request: web.Request) -> web.StreamResponse:
        resp = web.Response(text="pong")
        await resp.prepare(request)
        await resp.write_eof()
        await answered.wait()  # the client already has its answer
        finished.set()
        return resp

    client = await aioloom_client(_one(ping))
    response = await asyncio.wait_for(client.get("/"), 5)
    assert await response.text() == "pong"
    assert not finished.is_set()
    answered.set()
    await asyncio.wait_for(finished.wait(), 5)


@pytest.mark.asyncio
async def test_head_request_sends_no_body(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        await resp.write(b"ignored for HEAD")
        return resp

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    data = await _raw(
        client.server.port, b"HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.endswith(b"\r\n\r\n")


@pytest.mark.asyncio
async def test_response_storage_and_on_response_prepare(aioloom_client: AioloomClient) -> None:
    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["X-Trace"] = ",".join(response[TRACE])

    async def handler(request: web.Request) -> web.Response:
        resp = web.Response(text="ok")
        resp[TRACE] = ["handler"]
        resp["plain"] = 1
        assert len(resp) == 2
        assert set(resp) == {TRACE, "plain"}
        del resp["plain"]
        return resp

    app = _one(handler)
    app.on_response_prepare.append(on_prepare)
    client = await aioloom_client(app)
    response = await client.get("/")
    assert response.headers["X-Trace"] == "handler"


@pytest.mark.asyncio
async def test_http10_response_without_length_closes(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        await resp.write(b"until close")
        return resp

    client = await aioloom_client(_one(handler))
    data = await _raw(client.server.port, b"GET / HTTP/1.0\r\n\r\n")
    assert data.startswith(b"HTTP/1.0 200 OK\r\n")
    assert b"Transfer-Encoding" not in data
    assert data.endswith(b"\r\n\r\nuntil close")


@pytest.mark.asyncio
async def test_handler_returning_none_is_500(
    aioloom_client: AioloomClient, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(request: web.Request) -> Any:
        return None

    client = await aioloom_client(_one(handler))
    assert (await client.get("/")).status == 500
    assert "returned None" in caplog.text
