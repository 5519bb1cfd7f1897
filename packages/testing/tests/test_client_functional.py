"""TestClient against a real app, over a socket and in-process: the same tests in both modes."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio
from multidict import MultiDict

from aioloom import web
from aioloom.testing import (
    AioloomClient,
    ClientResponseError,
    ContentTypeError,
    RawTestServer,
    TestClient,
    TestServer,
)

MakeClient = Callable[[web.Application], Awaitable[TestClient]]
STEP = web.AppKey("step", asyncio.Event)


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "path": request.path,
            "query": list(request.query.items()),
            "content_type": request.content_type,
            "body": body.decode("latin-1"),
            "headers": {k: v for k, v in request.headers.items() if k.lower().startswith("x-")},
            "cookies": dict(request.cookies),
            "host": request.host,
            "remote": request.remote,
        }
    )


async def form(request: web.Request) -> web.Response:
    data = await request.post()
    return web.json_response([[k, str(v)] for k, v in data.items()])


async def set_cookie(request: web.Request) -> web.Response:
    response = web.Response(text="set")
    response.set_cookie("session", request.match_info["value"])
    return response


async def redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound("/echo")


async def chunks(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    await response.prepare(request)
    await response.write(b"line one\nline ")
    await request.app[STEP].wait()  # the test reads the first chunk before this one exists
    await response.write(b"two\n" + b"x" * 10)
    await response.write_eof()
    return response


async def boom(request: web.Request) -> web.Response:
    raise ZeroDivisionError("handler bug")


async def upload_size(request: web.Request) -> web.Response:
    total = 0
    async for chunk in request.content.iter_any():
        total += len(chunk)
    return web.Response(text=str(total))


def make_app() -> web.Application:
    app = web.Application()
    app[STEP] = asyncio.Event()
    app.router.add_route("*", "/echo", echo)
    app.router.add_post("/form", form)
    app.router.add_get("/cookie/{value}", set_cookie)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/chunks", chunks)
    app.router.add_get("/boom", boom)
    app.router.add_post("/upload", upload_size)
    return app


@pytest.fixture(params=["socket", "in_process"])
def mode(request: pytest.FixtureRequest) -> str:
    mode: str = request.param
    return mode


@pytest_asyncio.fixture
async def client(aioloom_client: AioloomClient, mode: str) -> TestClient:
    return await aioloom_client(make_app, server_kwargs={"in_process": mode == "in_process"})


@pytest.mark.asyncio
async def test_methods_and_body_kinds(client: TestClient) -> None:
    for method in ("get", "post", "put", "patch", "delete", "options"):
        response = await getattr(client, method)("/echo")
        assert response.status == 200
        assert (await response.json())["method"] == method.upper()
    head = await client.head("/echo")
    assert head.status == 200
    assert await head.read() == b""

    raw = await (await client.post("/echo", data=b"\x00raw")).json()
    assert raw["body"] == "\x00raw"
    assert raw["content_type"] == "application/octet-stream"
    text = await (await client.post("/echo", data="héllo")).json()
    assert text["body"] == "héllo".encode().decode("latin-1")
    assert text["content_type"] == "text/plain"
    js = await (await client.post("/echo", json={"a": [1, 2]})).json()
    assert json.loads(js["body"]) == {"a": [1, 2]}
    assert js["content_type"] == "application/json"
    legacy = await (await client.post("/echo", content=b"httpx style")).json()
    assert legacy["body"] == "httpx style"


@pytest.mark.asyncio
async def test_forms_params_and_headers(client: TestClient) -> None:
    fields = await (await client.post("/form", data={"a": "1", "b": "é"})).json()
    assert fields == [["a", "1"], ["b", "é"]]
    repeated = await (await client.post("/form", data=MultiDict([("a", "1"), ("a", "2")]))).json()
    assert repeated == [["a", "1"], ["a", "2"]]
    pairs = await (await client.post("/form", data=[("x", "1"), ("x", "2")])).json()
    assert pairs == [["x", "1"], ["x", "2"]]
    files = await (
        await client.post("/form", data={"n": "v"}, files={"f": ("f.txt", b"hi", "text/plain")})
    ).json()
    assert files[0] == ["n", "v"]
    assert files[1][0] == "f"

    got = await (
        await client.get(
            "/echo", params=MultiDict([("q", "1"), ("q", "2")]), headers={"X-Test": "yes"}
        )
    ).json()
    assert got["query"] == [["q", "1"], ["q", "2"]]
    assert got["headers"] == {"X-Test": "yes"}
    assert got["remote"] == "127.0.0.1"
    assert got["host"] == client.make_url("/").split("//")[1].rstrip("/")


@pytest.mark.asyncio
async def test_cookie_jar_persists_across_requests(client: TestClient) -> None:
    response = await client.get("/cookie/abc")
    assert response.cookies["session"].value == "abc"
    assert "session" in client.cookie_jar
    assert [m.value for m in client.session.cookie_jar] == ["abc"]
    sent = await (await client.get("/echo")).json()
    assert sent["cookies"] == {"session": "abc"}
    extra = await (await client.get("/echo", cookies={"other": "1"})).json()
    assert extra["cookies"] == {"session": "abc", "other": "1"}
    assert client.cookie_jar.filter_cookies(client.make_url("/"))["session"].value == "abc"
    client.cookie_jar.clear()
    assert (await (await client.get("/echo")).json())["cookies"] == {}
    client.cookie_jar.update_cookies({"manual": "m"})
    assert (await (await client.get("/echo")).json())["cookies"] == {"manual": "m"}


@pytest.mark.asyncio
async def test_redirects_follow_by_default_like_aiohttp(client: TestClient) -> None:
    followed = await client.get("/redirect")
    assert followed.status == 200
    assert [r.status for r in followed.history] == [302]
    assert followed.url.path == "/echo"
    stopped = await client.get("/redirect", allow_redirects=False)
    assert stopped.status == 302
    assert stopped.headers["Location"] == "/echo"
    legacy = await client.get("/redirect", follow_redirects=False)  # the httpx spelling
    assert legacy.status == 302


@pytest.mark.asyncio
async def test_content_streams_while_the_handler_still_runs(client: TestClient) -> None:
    assert client.app is not None
    async with client.get("/chunks") as response:
        assert response.status == 200
        assert await response.content.readline() == b"line one\n"
        client.app[STEP].set()
        assert await response.content.readline() == b"line two\n"
        assert [c async for c in response.content.iter_chunked(4)] == [b"xxxx", b"xxxx", b"xx"]
        assert response.content.at_eof()
    assert response.closed


@pytest.mark.asyncio
async def test_read_after_partial_content_read_gives_the_rest(client: TestClient) -> None:
    assert client.app is not None
    client.app[STEP].set()
    response = await client.get("/chunks")
    assert await response.content.readexactly(5) == b"line "
    assert await response.read() == b"one\nline two\n" + b"x" * 10
    assert await response.text() == "one\nline two\n" + "x" * 10
    assert response.closed


@pytest.mark.asyncio
async def test_release_drops_an_unread_body(client: TestClient) -> None:
    response = await client.get("/echo")
    await response.release()
    assert response.closed
    assert (await client.get("/echo")).status == 200


@pytest.mark.asyncio
async def test_raise_for_status_and_json_content_type(client: TestClient) -> None:
    missing = await client.get("/nowhere")
    assert not missing.ok
    with pytest.raises(ClientResponseError) as info:
        missing.raise_for_status()
    assert info.value.status == 404
    with pytest.raises(ContentTypeError):
        await missing.json(content_type="application/json")
    ok = await client.get("/echo")
    ok.raise_for_status()
    assert ok.content_type == "application/json"
    assert ok.charset == "utf-8"


@pytest.mark.asyncio
async def test_handler_exception_is_a_logged_500(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="aioloom.web.server"):
        response = await client.get("/boom")
    assert response.status == 500
    assert any(
        record.exc_info and record.exc_info[0] is ZeroDivisionError for record in caplog.records
    )


@pytest.mark.asyncio
async def test_large_streamed_upload_goes_through_flow_control(client: TestClient) -> None:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(64):
            yield b"z" * 65536

    response = await client.post("/upload", data=body())
    assert await response.text() == str(64 * 65536)


@pytest.mark.asyncio
async def test_oversized_body_gets_413_before_it_is_all_sent(client: TestClient) -> None:
    async def too_big(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="unreachable")

    app = web.Application(client_max_size=1024)
    app.router.add_post("/", too_big)
    async with TestClient(TestServer(app, in_process=client.server.in_process)) as small:
        response = await small.post("/", data=b"x" * 200_000)
        assert response.status == 413


@pytest.mark.asyncio
async def test_raw_server_in_both_modes(mode: str) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text=f"raw {request.method} {request.path_qs}")

    server = RawTestServer(handler, in_process=mode == "in_process")
    async with TestClient(server) as client:
        assert client.app is None
        assert await (await client.get("/a?b=1")).text() == "raw GET /a?b=1"


@pytest.mark.asyncio
async def test_usable_without_pytest_fixtures() -> None:
    app = make_app()
    async with TestClient(TestServer(app)) as client:
        assert client.app is app
        assert client.host == "127.0.0.1"
        assert isinstance(client.port, int)
        assert client.port > 0
        assert client.make_url("/x?y=1") == f"http://127.0.0.1:{client.port}/x?y=1"
        assert str(client.server.make_url("/x")) == f"http://127.0.0.1:{client.port}/x"
        assert (await client.get("/echo")).status == 200
        # The client speaks real HTTP over TCP: any HTTP client can reach the server.
        async with httpx.AsyncClient() as other:
            assert (await other.get(client.make_url("/echo"))).status_code == 200
    assert client.closed
    assert client.server.closed


@pytest.mark.asyncio
async def test_in_process_opens_no_socket() -> None:
    async with TestClient(TestServer(make_app(), in_process=True)) as client:
        assert client.port is None
        assert (await client.get("/echo")).status == 200
        assert client.server.runner is not None
        assert client.server.runner.addresses == []


@pytest.mark.asyncio
async def test_unknown_keyword_is_a_type_error(client: TestClient) -> None:
    with pytest.raises(TypeError, match="nonsense"):
        await client.get("/echo", nonsense=1)


def test_classes_are_not_collected() -> None:
    assert TestClient.__test__ is False
    assert TestServer.__test__ is False
    assert RawTestServer.__test__ is False
