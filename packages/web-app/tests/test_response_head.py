"""The remembered response heads, and what goes on the wire for heads without a body."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict

from aioloom import web
from aioloom.http_parser import serialize_response_head
from aioloom.web import _response_head
from aioloom.web._response_head import response_head

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
