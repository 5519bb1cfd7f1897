"""make_mocked_request: handlers and responses unit-tested without a server."""

from __future__ import annotations

import ssl

import pytest
from yarl import URL

from aioloom import web
from aioloom.router import MatchInfo
from aioloom.testing import RecordingConnection, RecordingTransport, make_mocked_request

KEY = web.AppKey("key", str)


def test_request_line_headers_and_defaults() -> None:
    request = make_mocked_request("get", "/a/b?x=1&x=2", headers={"Host": "h.test", "X-A": "1"})
    assert isinstance(request, web.Request)
    assert request.method == "GET"
    assert request.path == "/a/b"
    assert request.query.getall("x") == ["1", "2"]
    assert request.headers["X-A"] == "1"
    assert request.host == "h.test"
    assert request.url.human_repr() == "http://h.test/a/b?x=1&x=2"
    assert request.version == (1, 1)
    assert request.keep_alive
    assert request.remote == "127.0.0.1"
    assert not request.secure
    assert request.match_info == {}


def test_closing_version_and_ssl() -> None:
    assert not make_mocked_request("GET", "/", closing=True).keep_alive
    assert not make_mocked_request("GET", "/", version=web.HttpVersion(1, 0)).keep_alive
    assert make_mocked_request("GET", "/", version=(1, 0), headers={"Connection": "keep-alive"})
    secure = make_mocked_request("GET", "/", sslcontext=ssl.create_default_context())
    assert secure.secure


def test_match_info_and_app() -> None:
    app = web.Application()
    app[KEY] = "value"
    request = make_mocked_request("GET", "/users/7", match_info={"id": "7"}, app=app)
    assert request.match_info["id"] == "7"
    assert request.app is app
    assert request.app[KEY] == "value"
    assert request.config_dict[KEY] == "value"
    # Without an app, the request still has one (empty), as with aiohttp's mock app.
    assert isinstance(make_mocked_request("GET", "/").app, web.Application)
    ready: MatchInfo[object] = MatchInfo({"x": "1"}, None)
    assert make_mocked_request("GET", "/", match_info=ready).match_info is ready


@pytest.mark.asyncio
async def test_handler_called_directly_reads_the_payload() -> None:
    async def handler(request: web.Request) -> web.Response:
        data = await request.json()
        return web.json_response({"got": data, "id": request.match_info["id"]})

    request = make_mocked_request(
        "POST",
        "/items/3",
        headers={"Content-Type": "application/json", "Content-Length": "8"},
        match_info={"id": "3"},
        payload=b'{"a": 1}',
    )
    response = await handler(request)
    assert response.status == 200
    assert response.body == b'{"got": {"a": 1}, "id": "3"}'


@pytest.mark.asyncio
async def test_prepared_response_bytes_are_recorded() -> None:
    request = make_mocked_request("GET", "/")
    response = web.StreamResponse(headers={"X-Out": "1"})
    await response.prepare(request)
    await response.write(b"hello ")
    await response.write_eof(b"world")
    transport = request.transport
    assert isinstance(transport, RecordingTransport)
    head, _, body = transport.output.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"X-Out: 1" in head
    assert b"Transfer-Encoding: chunked" in head
    assert body == b"6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n"


@pytest.mark.asyncio
async def test_own_protocol_and_writer_receive_the_output() -> None:
    connection = RecordingConnection()
    request = make_mocked_request("GET", "/", protocol=connection)
    response = web.Response(text="x")
    await response.prepare(request)
    await response.write_eof()
    assert connection.output.startswith(b"HTTP/1.1 200 OK")

    writer = RecordingConnection()
    split = make_mocked_request("GET", "/", writer=writer)
    response = web.Response(text="to the writer")
    await response.prepare(split)
    await response.write_eof()
    assert writer.output.endswith(b"to the writer")
    assert isinstance(split.transport, RecordingTransport)
    assert split.transport.output == b""


@pytest.mark.asyncio
async def test_http_exception_handlers_unit_tested() -> None:
    async def handler(request: web.Request) -> web.Response:
        if "token" not in request.headers:
            raise web.HTTPUnauthorized()
        return web.Response(text="ok")

    with pytest.raises(web.HTTPUnauthorized):
        await handler(make_mocked_request("GET", "/"))
    assert (await handler(make_mocked_request("GET", "/", headers={"token": "t"}))).text == "ok"


def test_absolute_form_target() -> None:
    # As a server takes a proxy-style request: the host from the URL (not from the
    # Host header), the scheme from the connection, a relative rel_url.
    request = make_mocked_request("GET", "https://example.com:8443/p/a?x=1", {"Host": "other"})
    assert request.host == "example.com"
    assert request.scheme == "http"
    assert request.url == URL("http://example.com:8443/p/a?x=1")
    assert request.rel_url == URL("/p/a?x=1")
    assert (request.path, request.path_qs) == ("/p/a", "/p/a?x=1")
    assert request.raw_path == "https://example.com:8443/p/a?x=1"
    tls = ssl.create_default_context()
    secure = make_mocked_request("GET", "http://example.com/", sslcontext=tls)
    assert secure.url == URL("https://example.com/")
    clone = request.clone(host="foo.test", scheme="https")
    assert clone.host == "foo.test"
    assert clone.url == URL("https://foo.test:8443/p/a?x=1")


def test_host_falls_back_to_the_local_address_without_a_port() -> None:
    assert make_mocked_request("GET", "/").host == "127.0.0.1"
    assert make_mocked_request("GET", "/", headers={"Host": ""}).host == ""
    v6 = RecordingTransport(sockname=("::1", 8080, 0, 0))  # type: ignore[arg-type]
    assert make_mocked_request("GET", "/", transport=v6).url == URL("http://[::1]/")
    unix = RecordingTransport(sockname="/run/app.sock")  # type: ignore[arg-type]
    assert make_mocked_request("GET", "/", transport=unix).host == "/run/app.sock"
    closed = make_mocked_request("GET", "/")
    closed.protocol.transport = None  # type: ignore[misc]
    assert closed.host == ""


@pytest.mark.asyncio
async def test_protocol_and_writer() -> None:
    async def answer(interim: bool) -> tuple[bytes, int]:
        connection = RecordingConnection()
        request = make_mocked_request("GET", "/", protocol=connection)
        assert request.protocol is connection
        assert request.writer is request.writer
        if interim:
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        response = web.StreamResponse()
        writer = await response.prepare(request)
        assert writer is request.writer  # one writer per request, as in aiohttp
        await response.write_eof(b"x")
        return connection.output, response.body_length

    plain, length = await answer(False)
    output, length_after_interim = await answer(True)
    assert output == b"HTTP/1.1 100 Continue\r\n\r\n" + plain
    assert length_after_interim == length  # the interim answer is not the response's

    connection, writer = RecordingConnection(), RecordingConnection()
    split = make_mocked_request("GET", "/", protocol=connection, writer=writer)
    assert split.protocol is connection  # still what the caller passed
    assert split.clone().protocol is connection


@pytest.mark.asyncio
async def test_on_response_prepare_of_a_frozen_app_runs() -> None:
    seen: list[str] = []

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        seen.append(request.path)
        response.headers["X-Signal"] = "1"

    app = web.Application()
    app.on_response_prepare.append(on_prepare)
    app.freeze()
    request = make_mocked_request("GET", "/p", app=app)
    response = web.Response(text="x")
    await response.prepare(request)
    await response.write_eof()
    assert seen == ["/p"]
    assert isinstance(request.transport, RecordingTransport)
    assert b"X-Signal: 1" in request.transport.output
