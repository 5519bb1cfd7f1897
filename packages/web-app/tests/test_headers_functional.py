"""Header values as aiohttp reports them: ETag, Last-Modified, Content-Type, Location, limits."""

from __future__ import annotations

import datetime

import httpx
import pytest

from aioloom import web
from aioloom.web.http._headers import format_http_date, parse_content_type

from .conftest import ServeFactory

# -- ETag ------------------------------------------------------------------------------


def test_etag_any_reads_back() -> None:
    response = web.StreamResponse()
    response.etag = "*"
    assert response.etag == web.ETag(value="*")
    assert response.headers["ETag"] == "*"
    response.etag = web.ETag("*", is_weak=True)  # "*" has no weak form
    assert response.headers["ETag"] == "*"


@pytest.mark.parametrize("header", ["forgotten quotes", '"\u2200 x \u2209 ascii"', '""', 'W/"a'])
def test_malformed_etag_header_reads_as_none(header: str) -> None:
    response = web.StreamResponse()
    response.headers["ETag"] = header
    assert response.etag is None


@pytest.mark.parametrize(
    "value", ['"invalid"', "\u043f\u043e\u0432\u0438\u043d\u0435\u043d", web.ETag("bad \xa9"), ""]
)
def test_invalid_etag_value_is_refused(value: str | web.ETag) -> None:
    response = web.StreamResponse()
    with pytest.raises(ValueError, match="is not a valid etag"):
        response.etag = value


def test_etag_of_unsupported_type_is_refused() -> None:
    response = web.StreamResponse()
    with pytest.raises(ValueError, match="Unsupported etag type"):
        response.etag = 123  # type: ignore[assignment]


# -- Last-Modified ---------------------------------------------------------------------------


def test_last_modified_rounds_a_fraction_up() -> None:
    moment = datetime.datetime(2020, 12, 2, 9, 51, 2, 500000, datetime.UTC)
    by_datetime, by_timestamp = web.StreamResponse(), web.StreamResponse()
    by_datetime.last_modified = moment
    by_timestamp.last_modified = moment.timestamp()
    assert by_datetime.headers["Last-Modified"] == by_timestamp.headers["Last-Modified"]
    rounded_up = datetime.datetime(2020, 12, 2, 9, 51, 3, tzinfo=datetime.UTC)
    assert by_datetime.last_modified == rounded_up


def test_whole_seconds_and_naive_datetimes() -> None:
    assert format_http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert format_http_date(1.0) == "Thu, 01 Jan 1970 00:00:01 GMT"
    naive = datetime.datetime(2020, 1, 2, 3, 4, 5)  # read as UTC, as aiohttp does
    assert format_http_date(naive) == "Thu, 02 Jan 2020 03:04:05 GMT"
    with pytest.raises(TypeError, match="Unsupported type for last_modified: object"):
        web.StreamResponse().last_modified = object()  # type: ignore[assignment]


# -- Content-Type ----------------------------------------------------------------------------


def test_invalid_content_type_reads_as_octet_stream() -> None:
    response = web.Response(text="test test", content_type="jpeg")
    assert response.content_type == "application/octet-stream"
    assert response.charset == "utf-8"
    assert response.headers["Content-Type"] == "jpeg; charset=utf-8"


@pytest.mark.parametrize("header", ["jpeg", "a/b/c", "; charset=x", ""])
def test_media_type_without_one_slash_is_octet_stream(header: str) -> None:
    assert parse_content_type(header)[0] == "application/octet-stream"


@pytest.mark.asyncio
async def test_request_with_invalid_content_type(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=request.content_type)

    app = web.Application()
    app.router.add_post("/", handler)
    server = await serve(app)
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"http://127.0.0.1:{server.port}/", content=b"x", headers={"Content-Type": "jpeg"}
        )
    assert response.text == "application/octet-stream"


# -- Location of a redirect ------------------------------------------------------------------


@pytest.mark.asyncio
async def test_redirect_location_with_crlf_cannot_inject_a_header(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    app = web.Application()
    app.router.add_get("/", handler)
    server = await serve(app)
    conn = await server.connect()
    # The handler gets CR, LF and a space decoded from the query string.
    await conn.send(b"GET /?to=/next%0D%0ASet-Cookie:%20evil=1 HTTP/1.1\r\nHost: x\r\n\r\n")
    head = (await conn.read_response()).partition(b"\r\n\r\n")[0]
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 302 Found"
    assert b"Location: /nextSet-Cookie:%20evil=1" in lines
    assert not any(line.lower().startswith(b"set-cookie") for line in lines)
    # The connection is still good for the next request.
    await conn.send(b"GET /?to=/caf%C3%A9 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert b"\r\nLocation: /caf%C3%A9\r\n" in await conn.read_response()


def test_location_is_normalized_as_aiohttp_does() -> None:
    assert web.HTTPFound("/redirect\r\n").headers["Location"] == "/redirect"
    assert web.HTTPFound("/a b").headers["Location"] == "/a%20b"
    assert web.HTTPFound("/a%2Fb?x=1").headers["Location"] == "/a%2Fb?x=1"


# -- a header line over the limit ---------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "extra",
    [
        b"Long-Header: " + b"ab" * 8129 + b"\r\n",  # one field over max_field_size
        b"".join(b"X-%d: 1\r\n" % i for i in range(200)),  # more than max_headers
    ],
)
async def test_oversized_header_section_is_400_as_aiohttp(
    serve: ServeFactory, extra: bytes
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", handler)
    server = await serve(app)
    conn = await server.connect()
    await conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n" + extra + b"\r\n")
    data = await conn.read_until_closed()
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"\r\nConnection: close\r\n" in data
