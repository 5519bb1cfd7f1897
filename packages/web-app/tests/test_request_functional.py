"""Request properties, body reading and caching, clone, Forwarded: over a real socket."""

from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from multidict import CIMultiDictProxy, MultiDictProxy
from yarl import URL

from aioloom import web
from aioloom.testing import AioloomClient

USER = web.RequestKey("user", str)


async def _raw(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    return data


def _body(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[1]


async def _introspect(request: web.Request) -> web.Response:
    assert isinstance(request.headers, CIMultiDictProxy)
    assert isinstance(request.query, MultiDictProxy)
    assert request.task is asyncio.current_task()
    assert request.transport is not None
    info: dict[str, Any] = {
        "method": request.method,
        "version": list(request.version),
        "path": request.path,
        "raw_path": request.raw_path,
        "path_qs": request.path_qs,
        "rel_url": str(request.rel_url),
        "url": str(request.url),
        "host": request.host,
        "scheme": request.scheme,
        "secure": request.secure,
        "remote": request.remote,
        "query": [list(item) for item in request.query.items()],
        "query_string": request.query_string,
        "cookies": dict(request.cookies),
        "match_info": dict(request.match_info),
        "content_type": request.content_type,
        "charset": request.charset,
        "content_length": request.content_length,
        "keep_alive": request.keep_alive,
        "x_multi": request.headers.getall("X-Multi", []),
        "raw_headers_are_bytes": all(
            isinstance(k, bytes) and isinstance(v, bytes) for k, v in request.raw_headers
        ),
        "forwarded": [dict(element) for element in request.forwarded],
        "body_exists": request.body_exists,
        "can_read_body": request.can_read_body,
    }
    return web.json_response(info)


def _app(**kwargs: Any) -> web.Application:
    app = web.Application(**kwargs)
    app.router.add_route("*", "/info/{name}", _introspect)
    return app


@pytest.mark.asyncio
async def test_request_line_and_connection_properties(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(_app())
    response = await client.get(
        "/info/a%20b",
        params=[("q", "1"), ("q", "2"), ("x", "é")],
        headers=[  # type: ignore[arg-type]
            ("X-Multi", "1"),
            ("X-Multi", "2"),
            ("Cookie", 'session=abc; theme="dark"'),
        ],
    )
    info = await response.json()
    port = client.server.port
    assert info["method"] == "GET"
    assert info["version"] == [1, 1]
    assert info["path"] == "/info/a b"
    assert info["raw_path"] == "/info/a%20b?q=1&q=2&x=%C3%A9"
    assert info["path_qs"] == "/info/a%20b?q=1&q=2&x=%C3%A9"
    assert info["rel_url"] == "/info/a%20b?q=1&q=2&x=%C3%A9"
    assert info["host"] == f"127.0.0.1:{port}"
    assert info["url"] == f"http://127.0.0.1:{port}/info/a%20b?q=1&q=2&x=%C3%A9"
    assert info["scheme"] == "http"
    assert info["secure"] is False
    assert info["remote"] == "127.0.0.1"
    assert info["query"] == [["q", "1"], ["q", "2"], ["x", "é"]]
    assert info["query_string"] == "q=1&q=2&x=é"
    assert info["cookies"] == {"session": "abc", "theme": "dark"}
    assert info["match_info"] == {"name": "a b"}
    assert info["content_type"] == "application/octet-stream"
    assert info["charset"] is None
    assert info["content_length"] is None
    assert info["keep_alive"] is True
    assert info["x_multi"] == ["1", "2"]
    assert info["raw_headers_are_bytes"] is True
    assert info["body_exists"] is False
    assert info["can_read_body"] is False


@pytest.mark.asyncio
async def test_content_headers(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(_app())
    response = await client.post(
        "/info/x",
        content=b"hello",
        headers={"Content-Type": "Text/Plain; Charset=ISO-8859-1"},
    )
    info = await response.json()
    assert info["content_type"] == "text/plain"
    assert info["charset"] == "ISO-8859-1"  # as aiohttp: the parameter value as sent
    assert info["content_length"] == 5
    assert info["body_exists"] is True
    assert info["can_read_body"] is True


@pytest.mark.asyncio
async def test_http10_and_keep_alive(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(_app())
    data = await _raw(client.server.port, b"GET /info/v HTTP/1.0\r\nHost: h.example\r\n\r\n")
    info = json.loads(_body(data))
    assert info["version"] == [1, 0]
    assert info["keep_alive"] is False
    assert info["host"] == "h.example"
    assert info["url"] == "http://h.example/info/v"
    data = await _raw(
        client.server.port,
        b"GET /info/v HTTP/1.1\r\nHost: h.example\r\nConnection: close\r\n\r\n",
    )
    assert json.loads(_body(data))["keep_alive"] is False


@pytest.mark.asyncio
async def test_forwarded_is_parsed_but_never_trusted(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(_app())
    response = await client.get(
        "/info/f",
        headers=[  # type: ignore[arg-type]
            (
                "Forwarded",
                'for="[2001:db8::1]:4711";proto=https;host=evil.example, for=192.0.2.43',
            ),
            ("Forwarded", 'for=unknown;by="quoted\\"value, with comma"'),
            ("X-Forwarded-For", "203.0.113.9"),
            ("X-Forwarded-Proto", "https"),
            ("X-Forwarded-Host", "evil.example"),
        ],
    )
    info = await response.json()
    assert info["forwarded"] == [
        {"for": "[2001:db8::1]:4711", "proto": "https", "host": "evil.example"},
        {"for": "192.0.2.43"},
        {"for": "unknown", "by": 'quoted"value, with comma'},
    ]
    port = client.server.port
    assert info["host"] == f"127.0.0.1:{port}"
    assert info["scheme"] == "http"
    assert info["remote"] == "127.0.0.1"
    assert info["url"].startswith(f"http://127.0.0.1:{port}/")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("for=1.2.3.4", [{"for": "1.2.3.4"}]),
        ("For=1.2.3.4;PROTO=http", [{"for": "1.2.3.4", "proto": "http"}]),
        ("for=1.2.3.4,,for=5.6.7.8", [{"for": "1.2.3.4"}, {}, {"for": "5.6.7.8"}]),
        ("garbage, for=5.6.7.8", [{}, {"for": "5.6.7.8"}]),
        ("for=1.2.3.4 for=x, proto=http", [{"for": "1.2.3.4"}, {"proto": "http"}]),
    ],
)
@pytest.mark.asyncio
async def test_forwarded_grammar(
    aioloom_client: AioloomClient, header: str, expected: list[dict[str, str]]
) -> None:
    client = await aioloom_client(_app())
    response = await client.get("/info/f", headers={"Forwarded": header})
    assert (await response.json())["forwarded"] == expected


# -- conditional and range headers ------------------------------------------------------


@pytest.mark.asyncio
async def test_conditional_and_range_headers(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        def iso(value: datetime.datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        def tags(value: tuple[web.ETag, ...] | None) -> list[list[Any]] | None:
            return None if value is None else [[t.value, t.is_weak] for t in value]

        try:
            rng: Any = [request.http_range.start, request.http_range.stop]
        except ValueError:
            rng = "invalid"
        return web.json_response(
            {
                "ims": iso(request.if_modified_since),
                "ius": iso(request.if_unmodified_since),
                "ir": iso(request.if_range),
                "im": tags(request.if_match),
                "inm": tags(request.if_none_match),
                "range": rng,
            }
        )

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    response = await client.get(
        "/",
        headers={
            "If-Modified-Since": date,
            "If-Unmodified-Since": date,
            "If-Range": date,
            "If-Match": '"a", W/"b"',
            "If-None-Match": "*",
            "Range": "bytes=10-19",
        },
    )
    assert await response.json() == {
        "ims": "2015-10-21T07:28:00+00:00",
        "ius": "2015-10-21T07:28:00+00:00",
        "ir": "2015-10-21T07:28:00+00:00",
        "im": [["a", False], ["b", True]],
        "inm": [["*", False]],
        "range": [10, 20],
    }
    response = await client.get(
        "/", headers={"If-Modified-Since": "not a date", "Range": "bytes=-5"}
    )
    body = await response.json()
    assert body["ims"] is None
    assert body["im"] is None
    assert body["range"] == [-5, None]
    response = await client.get("/")
    assert (await response.json())["range"] == [None, None]
    for bad in ("bytes=5-1", "bytes=1-2,4-5", "bytes=--2", "items=1-2", "bytes=-"):
        response = await client.get("/", headers={"Range": bad})
        assert (await response.json())["range"] == "invalid", bad


# -- the body -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_docs_body_read_in_middleware_and_handler(aioloom_client: AioloomClient) -> None:
    # web_advanced.rst: read(), text(), json() and post() cache the body, so a middleware
    # and the handler can both use it.
    seen: list[Any] = []

    @web.middleware
    async def peek(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        if request.content_type == "application/json":
            seen.append(await request.json())
        else:
            seen.append(dict(await request.post()))
        seen.append(await request.read())
        return await handler(request)

    async def handler(request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            data: Any = await request.json()
        else:
            data = dict(await request.post())
        return web.json_response(
            {"data": data, "text": await request.text(), "again": (await request.read()).decode()}
        )

    app = web.Application(middlewares=[peek])
    app.router.add_post("/", handler)
    client = await aioloom_client(app)
    response = await client.post("/", json={"a": [1, 2]})
    assert await response.json() == {
        "data": {"a": [1, 2]},
        "text": '{"a":[1,2]}',
        "again": '{"a":[1,2]}',
    }
    response = await client.post("/", data={"name": "ada", "lang": "py"})
    assert await response.json() == {
        "data": {"name": "ada", "lang": "py"},
        "text": "name=ada&lang=py",
        "again": "name=ada&lang=py",
    }
    assert seen == [
        {"a": [1, 2]},
        b'{"a":[1,2]}',
        {"name": "ada", "lang": "py"},
        b"name=ada&lang=py",
    ]


@pytest.mark.asyncio
async def test_post_after_read_parses_the_cached_body(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        raw = await request.read()
        form = await request.post()
        assert await request.post() is form
        return web.json_response({"raw": raw.decode(), "form": dict(form)})

    app = web.Application()
    app.router.add_post("/", handler)
    client = await aioloom_client(app)
    response = await client.post("/", data={"a": "1", "b": "2"})
    assert await response.json() == {"raw": "a=1&b=2", "form": {"a": "1", "b": "2"}}


@pytest.mark.asyncio
async def test_text_uses_charset_and_json_loads(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        loads_calls: list[str] = []

        def loads(text: str) -> Any:
            loads_calls.append(text)
            return json.loads(text)

        text = await request.text()
        data = await request.json(loads=loads)
        return web.json_response({"text": text, "data": data, "calls": len(loads_calls)})

    app = web.Application()
    app.router.add_post("/", handler)
    client = await aioloom_client(app)
    body = '"café"'.encode("latin-1")
    response = await client.post(
        "/", content=body, headers={"Content-Type": "application/json; charset=latin-1"}
    )
    assert await response.json() == {"text": '"café"', "data": "café", "calls": 1}


@pytest.mark.asyncio
async def test_post_multidict_and_non_form_bodies(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        post = await request.post()
        assert isinstance(post, MultiDictProxy)
        return web.json_response([list(item) for item in post.items()])

    app = web.Application()
    app.router.add_route("*", "/", handler)
    client = await aioloom_client(app)
    response = await client.post("/", content=b"a=1&a=2&b=&c=%20x")
    # No Content-Type: like aiohttp, not a form.
    assert await response.json() == []
    response = await client.post(
        "/",
        content=b"a=1&a=2&b=&c=%20x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert await response.json() == [["a", "1"], ["a", "2"], ["b", ""], ["c", " x"]]
    response = await client.post("/", json={"a": 1})
    assert await response.json() == []
    response = await client.get("/")
    assert await response.json() == []


@pytest.mark.asyncio
async def test_content_stream_consumes(aioloom_client: AioloomClient) -> None:
    async def lines(request: web.Request) -> web.Response:
        first = await request.content.readline()
        exact = await request.content.readexactly(3)
        rest = [chunk async for chunk in request.content.iter_chunked(2)]
        assert request.content.at_eof()
        # Raw reads consumed the body: read() now returns what is left (nothing).
        return web.json_response(
            {
                "first": first.decode(),
                "exact": exact.decode(),
                "rest": [c.decode() for c in rest],
                "read": (await request.read()).decode(),
            }
        )

    async def anything(request: web.Request) -> web.Response:
        total = b""
        async for chunk in request.content.iter_any():
            total += chunk
        return web.Response(body=total + await request.content.read())

    async def readany(request: web.Request) -> web.Response:
        data = b""
        while chunk := await request.content.readany():
            data += chunk
        return web.Response(body=data)

    app = web.Application()
    app.router.add_post("/lines", lines)
    app.router.add_post("/any", anything)
    app.router.add_post("/readany", readany)
    client = await aioloom_client(app)
    response = await client.post("/lines", content=b"line one\nabcdefg")
    assert await response.json() == {
        "first": "line one\n",
        "exact": "abc",
        "rest": ["de", "fg"],
        "read": "",
    }

    async def gen() -> AsyncIterator[bytes]:
        for i in range(5):
            yield f"chunk{i};".encode()
            await asyncio.sleep(0)

    response = await client.post("/any", content=gen())
    assert await response.read() == b"chunk0;chunk1;chunk2;chunk3;chunk4;"
    response = await client.post("/readany", content=b"x" * 300_000)
    assert await response.read() == b"x" * 300_000


@pytest.mark.parametrize("method", ["read", "text", "json", "post"])
@pytest.mark.asyncio
async def test_body_over_client_max_size_is_413_with_both_sizes(
    aioloom_client: AioloomClient, method: str
) -> None:
    async def handler(request: web.Request) -> web.Response:
        await getattr(request, method)()
        return web.Response(text="read")

    app = web.Application(client_max_size=10)
    app.router.add_post("/", handler)
    client = await aioloom_client(app)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post("/", content=b'"' + b"1" * 18 + b'"', headers=headers)
    assert response.status == 413
    assert await response.text() == "Maximum request body size 10 exceeded, actual body size 20"
    response = await client.post("/", content=b'"' + b"1" * 8 + b'"', headers=headers)
    assert response.status == 200  # exactly the limit is accepted

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"1234"

    response = await client.post("/", content=chunks(), headers=headers)
    assert response.status == 413
    text = await response.text()
    assert text.startswith("Maximum request body size 10 exceeded, actual body size ")
    assert int(text.rsplit(" ", 1)[1]) > 10


@pytest.mark.asyncio
async def test_early_413_reaches_a_client_still_sending(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="never")

    app = web.Application(client_max_size=10)
    app.router.add_post("/", handler)
    client = await aioloom_client(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n" + b"x" * 1000)
    await asyncio.sleep(0.2)  # the 413 is decided from Content-Length and sent now
    try:
        writer.write(b"x" * 3_000_000)  # a client that sends its body regardless
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()
    assert data.startswith(b"HTTP/1.1 413 ")


@pytest.mark.asyncio
async def test_client_max_size_zero_disables_the_limit(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=str(len(await request.read())))

    app = web.Application(client_max_size=0)
    app.router.add_post("/", handler)
    client = await aioloom_client(app)
    assert await (await client.post("/", content=b"x" * 2_000_000)).text() == "2000000"


@pytest.mark.asyncio
async def test_default_client_max_size_is_one_mebibyte(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=str(len(await request.read())))

    app = web.Application()
    assert app.client_max_size == 1024**2
    app.router.add_post("/", handler)
    client = await aioloom_client(app)
    assert await (await client.post("/", content=b"x" * 1024**2)).text() == str(1024**2)
    response = await client.post("/", content=b"x" * (1024**2 + 1))
    assert response.status == 413
    assert "actual body size 1048577" in await response.text()


# -- clone and storage -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_clone(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        request[USER] = "ada"
        clone = request.clone(
            method="put",
            rel_url="/other/path?k=v",
            headers={"X-New": "1"},
            scheme="https",
            host="example.com:8443",
            remote="10.1.2.3",
            client_max_size=5,
        )
        assert isinstance(clone, web.Request)
        assert clone.match_info is request.match_info
        assert clone.app is request.app
        plain = request.clone()
        assert plain.method == request.method
        assert plain.rel_url == request.rel_url
        assert plain.headers == request.headers
        # An absolute URL names the host too, as an absolute-form target does.
        proxied = request.clone(rel_url="http://other.example:81/x?y=1")
        assert (proxied.host, proxied.path_qs) == ("other.example", "/x?y=1")
        assert proxied.url == URL("http://other.example:81/x?y=1")
        body = (await plain.read()).decode()  # a clone reads the shared body stream
        with pytest.raises(RuntimeError, match="after reading its content"):
            plain.clone()  # as aiohttp: a body read whole is not carried into a clone
        return web.json_response(
            {
                "method": clone.method,
                "path": clone.path,
                "query": dict(clone.query),
                "headers": dict(clone.headers),
                "url": str(clone.url),
                "secure": clone.secure,
                "remote": clone.remote,
                "client_max_size": clone.client_max_size,
                "user": clone.get(USER),
                "body": body,
                "original": [request.method, str(request.url.path), request.host == "x.test"],
            }
        )

    app = web.Application()
    app.router.add_post("/", handler)
    client = await aioloom_client(app)
    response = await client.post("/", content=b"payload", headers={"Host": "x.test"})
    assert await response.json() == {
        "method": "PUT",
        "path": "/other/path",
        "query": {"k": "v"},
        "headers": {"X-New": "1"},
        "url": "https://example.com:8443/other/path?k=v",
        "secure": True,
        "remote": "10.1.2.3",
        "client_max_size": 5,
        "user": "ada",
        "body": "payload",
        "original": ["POST", "/", True],
    }


@pytest.mark.asyncio
async def test_request_is_a_mutable_mapping_shared_with_middlewares(
    aioloom_client: AioloomClient,
) -> None:
    @web.middleware
    async def login(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        request[USER] = "ada"
        request["legacy"] = 1  # plain str keys are fine on requests
        return await handler(request)

    async def handler(request: web.Request) -> web.Response:
        user: str = request[USER]
        keys = sorted(str(k) for k in request)
        del request["legacy"]
        return web.json_response({"user": user, "len": len(request), "keys": len(keys)})

    app = web.Application(middlewares=[login])
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    assert await (await client.get("/")).json() == {"user": "ada", "len": 1, "keys": 2}


@pytest.mark.asyncio
async def test_request_state_is_per_request(aioloom_client: AioloomClient) -> None:
    async def handler(request: web.Request) -> web.Response:
        count = request.get("count", 0) + 1
        request["count"] = count
        return web.Response(text=str(count))

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    assert [await (await client.get("/")).text() for _ in range(3)] == ["1", "1", "1"]


def test_url_type() -> None:
    assert isinstance(URL("/x"), URL)
