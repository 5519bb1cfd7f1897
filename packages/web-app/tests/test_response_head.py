"""The remembered response heads, and what goes on the wire for heads without a body."""

from __future__ import annotations

from typing import ClassVar

import pytest
from multidict import CIMultiDict

from aioloom import web
from aioloom.http_parser import serialize_response_head
from aioloom.web.http import _response_head
from aioloom.web.http._response_head import response_head

from .conftest import ServeFactory


def _headers(**values: str) -> CIMultiDict[str]:
    return CIMultiDict((name.replace("_", "-"), value) for name, value in values.items())


def test_a_remembered_head_is_what_serializing_gives() -> None:
    headers = _headers(Content_Type="text/plain", Content_Length="2")
    first = response_head(200, "OK", (1, 1), headers)
    assert first == serialize_response_head(200, "OK", headers.items(), "1.1")
    assert response_head(200, "OK", (1, 1), headers) is first


@pytest.mark.parametrize(
    ("status", "reason", "version", "headers"),
    [
        (201, "OK", (1, 1), {"Content-Length": "2"}),
        (200, "Fine", (1, 1), {"Content-Length": "2"}),
        (200, "OK", (1, 0), {"Content-Length": "2"}),
        (200, "OK", (1, 1), {"Content-Length": "3"}),
        (200, "OK", (1, 1), {"content-length": "2"}),
        (200, "OK", (1, 1), {"Content-Length": "2", "X": "y"}),
    ],
)
def test_every_input_is_part_of_the_key(
    status: int, reason: str, version: tuple[int, int], headers: dict[str, str]
) -> None:
    response_head(200, "OK", (1, 1), CIMultiDict({"Content-Length": "2"}))
    got = response_head(status, reason, version, CIMultiDict(headers))
    expected = serialize_response_head(
        status, reason, list(headers.items()), f"{version[0]}.{version[1]}"
    )
    assert got == expected


def test_an_invalid_head_is_refused_every_time() -> None:
    headers = _headers(X_Bad="a\r\nSet-Cookie: evil=1")
    for _ in range(2):
        with pytest.raises(ValueError, match="CR, LF or NUL"):
            response_head(200, "OK", (1, 1), headers)


def test_the_table_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_response_head, "_heads", {})
    for length in range(_response_head._MAX_ENTRIES * 3):
        response_head(200, "OK", (1, 1), _headers(Content_Length=str(length)))
    assert 0 < len(_response_head._heads) <= _response_head._MAX_ENTRIES
    response_head(200, "OK", (1, 1), _headers(Cookie="x" * 2000))
    kept = _response_head._heads.values()
    assert all(len(head) <= _response_head._MAX_CACHED_HEAD for head in kept)


@pytest.mark.asyncio
@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("status", [204, 304])
async def test_no_body_statuses_send_no_body(
    serve: ServeFactory, status: int, streamed: bool
) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.Response(status=status, body=b"must not be sent")
        if streamed:
            await response.prepare(request)  # the prepare/write_eof path, not the fast one
            await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/", handler)
    server = await serve(app)
    connection = await server.connect()
    await connection.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
    for _ in range(2):
        head = await connection.read_response()
        assert head.startswith(f"HTTP/1.1 {status} ".encode())
        assert head.endswith(b"\r\n\r\n")
        assert b"content-length" not in head.lower()
    await connection.send(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    rest = await connection.read_until_closed()
    assert b"must not be sent" not in connection.received + rest


# -- the table of Content-Type-only heads ----------------------------------------------

_PLAIN_CASES = [
    b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /json HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /created HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /reason HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /bytes HTTP/1.1\r\nHost: x\r\n\r\n",
    b"HEAD /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /text HTTP/1.0\r\n\r\n",
    b"GET /text HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    b"GET /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
]


def _plain_app() -> web.Application:
    async def text(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    async def json(request: web.Request) -> web.Response:
        return web.json_response({"n": 1})

    async def created(request: web.Request) -> web.Response:
        return web.Response(text="made", status=201)

    async def reason(request: web.Request) -> web.Response:
        return web.Response(text="odd", status=200, reason="Fine Thanks")

    async def raw(request: web.Request) -> web.Response:
        return web.Response(body=b"\x00\x01", content_type="application/x-thing")

    app = web.Application()
    for path, handler in [
        ("/text", text),
        ("/json", json),
        ("/created", created),
        ("/reason", reason),
        ("/bytes", raw),
    ]:
        app.router.add_route("*", path, handler)
    return app


class _HeadersLog(web.AbstractAccessLogger):
    """Keeps each response's headers as they are once it was sent."""

    seen: ClassVar[list[list[tuple[str, str]]]] = []

    @property
    def enabled(self) -> bool:
        return True

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        type(self).seen.append([(str(k), v) for k, v in response.headers.items()])


@pytest.mark.asyncio
@pytest.mark.parametrize("request_bytes", _PLAIN_CASES)
async def test_a_remembered_plain_head_sends_and_completes_what_serializing_does(
    serve: ServeFactory,
    monkeypatch: pytest.MonkeyPatch,
    request_bytes: bytes,
) -> None:
    monkeypatch.setattr(_response_head, "_plain", {})
    monkeypatch.setattr(_HeadersLog, "seen", [])
    server = await serve(_plain_app(), access_log_class=_HeadersLog)
    answers = []
    for _ in range(3):  # the first one serializes; the others use the table
        connection = await server.connect()
        await connection.send(request_bytes)
        answers.append(
            await connection.read_until_closed()
            if b"HTTP/1.0\r\n\r\n" in request_bytes or b"close" in request_bytes
            else await connection.read_response()
        )
    assert len(_response_head._plain) == 1
    heads = [answer.partition(b"\r\n\r\n")[0] for answer in answers]
    dates = [line for head in heads for line in head.split(b"\r\n") if line.startswith(b"Date:")]
    if len(set(dates)) == 1:  # not across a change of second
        assert answers[0] == answers[1] == answers[2]
        assert _HeadersLog.seen[0] == _HeadersLog.seen[1] == _HeadersLog.seen[2]
    # The completed headers are exactly what went out, in order.
    for head, headers in zip(heads, _HeadersLog.seen, strict=True):
        _, *lines = head.decode().split("\r\n")
        assert [tuple(line.split(": ", 1)) for line in lines] == headers
    names = [name for name, _ in _HeadersLog.seen[0]]
    assert names[:4] == ["Content-Type", "Content-Length", "Date", "Server"]


@pytest.mark.asyncio
async def test_plain_heads_are_forgotten_when_the_second_changes(
    serve: ServeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_response_head, "_plain", {})
    clock = [1_700_000_000.0]
    monkeypatch.setattr(_response_head.time, "time", lambda: clock[0])
    server = await serve(_plain_app())
    connection = await server.connect()
    await connection.send(b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n")
    first = await connection.read_response()
    clock[0] += 1
    await connection.send(b"GET /text HTTP/1.1\r\nHost: x\r\n\r\n")
    second = await connection.read_response()
    assert b"Date: Tue, 14 Nov 2023 22:13:20 GMT\r\n" in first
    assert b"Date: Tue, 14 Nov 2023 22:13:21 GMT\r\n" in second


@pytest.mark.asyncio
async def test_other_headers_and_cookies_do_not_use_the_plain_table(
    serve: ServeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_response_head, "_plain", {})

    async def extra(request: web.Request) -> web.Response:
        response = web.Response(text="x", headers={"X-A": request.query.get("a", "")})
        if "c" in request.query:
            response.set_cookie("c", request.query["c"])
        return response

    app = web.Application()
    app.router.add_get("/", extra)
    server = await serve(app)
    connection = await server.connect()
    for query in ["a=1", "a=2", "a=1&c=3", "a=1&c=4"]:
        await connection.send(f"GET /?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        answer = await connection.read_response()
        assert f"X-A: {query[2]}\r\n".encode() in answer
        if "c=" in query:
            assert f"Set-Cookie: c={query[-1]}; Path=/\r\n".encode() in answer
    assert _response_head._plain == {}


def test_the_plain_table_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_response_head, "_plain", {})
    headers = _headers(Content_Type="text/plain", Content_Length="1", Date="d", Server="s")
    for length in range(_response_head._MAX_ENTRIES * 3):
        key = (200, "OK", (1, 1), True, "text/plain", length)
        _response_head.remember_plain_head(key, b"HTTP/1.1 200 OK\r\n\r\n", headers)
    assert 0 < len(_response_head._plain) <= _response_head._MAX_ENTRIES
    big = (200, "OK", (1, 1), True, "x" * 2000, 1)
    _response_head.remember_plain_head(big, b"x" * 2000, headers)
    assert big not in _response_head._plain
