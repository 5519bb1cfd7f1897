"""Every HTTP exception class, raised and returned, over a real socket."""

from __future__ import annotations

import asyncio
import pickle
from http import HTTPStatus
from typing import Any

import pytest

from aioloom import web
from aioloom.testing import AioloomClient

SUCCESS = {
    web.HTTPOk: 200,
    web.HTTPCreated: 201,
    web.HTTPAccepted: 202,
    web.HTTPNonAuthoritativeInformation: 203,
    web.HTTPNoContent: 204,
    web.HTTPResetContent: 205,
    web.HTTPPartialContent: 206,
}
REDIRECTS = {
    web.HTTPMultipleChoices: 300,
    web.HTTPMovedPermanently: 301,
    web.HTTPFound: 302,
    web.HTTPSeeOther: 303,
    web.HTTPUseProxy: 305,
    web.HTTPTemporaryRedirect: 307,
    web.HTTPPermanentRedirect: 308,
}
CLIENT_ERRORS = {
    web.HTTPBadRequest: 400,
    web.HTTPUnauthorized: 401,
    web.HTTPPaymentRequired: 402,
    web.HTTPForbidden: 403,
    web.HTTPNotFound: 404,
    web.HTTPNotAcceptable: 406,
    web.HTTPProxyAuthenticationRequired: 407,
    web.HTTPRequestTimeout: 408,
    web.HTTPConflict: 409,
    web.HTTPGone: 410,
    web.HTTPLengthRequired: 411,
    web.HTTPPreconditionFailed: 412,
    web.HTTPRequestURITooLong: 414,
    web.HTTPUnsupportedMediaType: 415,
    web.HTTPRequestRangeNotSatisfiable: 416,
    web.HTTPExpectationFailed: 417,
    web.HTTPMisdirectedRequest: 421,
    web.HTTPUnprocessableEntity: 422,
    web.HTTPFailedDependency: 424,
    web.HTTPUpgradeRequired: 426,
    web.HTTPPreconditionRequired: 428,
    web.HTTPTooManyRequests: 429,
    web.HTTPRequestHeaderFieldsTooLarge: 431,
}
SERVER_ERRORS = {
    web.HTTPInternalServerError: 500,
    web.HTTPNotImplemented: 501,
    web.HTTPBadGateway: 502,
    web.HTTPServiceUnavailable: 503,
    web.HTTPGatewayTimeout: 504,
    web.HTTPVersionNotSupported: 505,
    web.HTTPVariantAlsoNegotiates: 506,
    web.HTTPInsufficientStorage: 507,
    web.HTTPLoopDetected: 508,
    web.HTTPNotExtended: 510,
    web.HTTPNetworkAuthenticationRequired: 511,
}
# Classes whose constructor takes extra positional arguments.
SPECIAL: dict[type[web.HTTPException], int] = {
    web.HTTPMethodNotAllowed: 405,
    web.HTTPRequestEntityTooLarge: 413,
    web.HTTPUnavailableForLegalReasons: 451,
}
ALL: dict[type[web.HTTPException], int] = {
    **SUCCESS,
    **REDIRECTS,
    web.HTTPNotModified: 304,
    **CLIENT_ERRORS,
    **SERVER_ERRORS,
    **SPECIAL,
}
EMPTY_BODY = {204, 205, 304}


def make(cls: type[web.HTTPException], **kwargs: Any) -> web.HTTPException:
    if issubclass(cls, web.HTTPMove):
        return cls("/elsewhere?x=1", **kwargs)
    if cls is web.HTTPMethodNotAllowed:
        return web.HTTPMethodNotAllowed("put", ["POST", "GET"], **kwargs)
    if cls is web.HTTPRequestEntityTooLarge:
        return web.HTTPRequestEntityTooLarge(100, 200, **kwargs)
    if cls is web.HTTPUnavailableForLegalReasons:
        return web.HTTPUnavailableForLegalReasons("https://example.com/legal", **kwargs)
    return cls(**kwargs)


def test_every_exception_of_aiohttps_docs_is_exported() -> None:
    exported = {getattr(web, name) for name in web.__all__ if name.startswith("HTTP")}
    assert set(ALL) <= exported
    assert len(ALL) == len(set(ALL.values()))


@pytest.mark.parametrize(("cls", "status"), list(ALL.items()), ids=lambda v: str(v))
def test_hierarchy(cls: type[web.HTTPException], status: int) -> None:
    assert cls.status_code == status
    assert issubclass(cls, web.HTTPException)
    assert issubclass(cls, Exception)
    assert issubclass(cls, web.Response)
    base = {
        2: web.HTTPSuccessful,
        3: web.HTTPRedirection,
        4: web.HTTPClientError,
        5: web.HTTPServerError,
    }[status // 100]
    assert issubclass(cls, base)
    if status >= 400:
        assert issubclass(cls, web.HTTPError)
    else:
        assert not issubclass(cls, web.HTTPError)
    exc = make(cls)
    assert exc.status == status
    assert exc.reason == HTTPStatus(status).phrase
    assert str(exc) == exc.reason


def _app(cls: type[web.HTTPException], *, returned: bool) -> web.Application:
    async def handler(request: web.Request) -> web.StreamResponse:
        exc = make(cls, headers={"X-Custom": "yes"})
        if returned:
            return exc
        raise exc

    app = web.Application()
    app.router.add_get("/", handler)
    return app


@pytest.mark.parametrize("returned", [False, True], ids=["raised", "returned"])
@pytest.mark.parametrize(("cls", "status"), list(ALL.items()), ids=lambda v: str(v))
@pytest.mark.asyncio
async def test_raised_and_returned_over_the_wire(
    aioloom_client: AioloomClient, cls: type[web.HTTPException], status: int, returned: bool
) -> None:
    client = await aioloom_client(_app(cls, returned=returned))
    response = await client.get("/", follow_redirects=False)
    assert response.status == status
    assert response.reason == HTTPStatus(status).phrase
    assert response.headers["X-Custom"] == "yes"
    body = await response.text()
    if status in EMPTY_BODY:
        assert body == ""
        # RFC 9110: no body for 204/304; 205 may say so with Content-Length: 0.
        assert response.headers.get("Content-Length", "0") == "0"
        if status != 205:
            assert "Content-Length" not in response.headers
    elif cls is web.HTTPRequestEntityTooLarge:
        assert body == "Maximum request body size 100 exceeded, actual body size 200"
    else:
        assert body == f"{status}: {HTTPStatus(status).phrase}"
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    if issubclass(cls, web.HTTPMove):
        assert response.headers["Location"] == "/elsewhere?x=1"
    if cls is web.HTTPMethodNotAllowed:
        assert response.headers["Allow"] == "GET,POST"
    if cls is web.HTTPUnavailableForLegalReasons:
        assert response.headers["Link"] == '<https://example.com/legal>; rel="blocked-by"'


def test_redirect_attributes_and_empty_location() -> None:
    exc = web.HTTPFound("/a")
    assert exc.location == "/a"
    assert exc.headers["Location"] == "/a"
    with pytest.raises(ValueError, match="location"):
        web.HTTPFound("")


def test_method_not_allowed_attributes() -> None:
    exc = web.HTTPMethodNotAllowed("patch", {"GET", "POST"})
    assert exc.method == "PATCH"
    assert exc.allowed_methods == frozenset({"GET", "POST"})
    assert exc.headers["Allow"] == "GET,POST"
    empty = web.HTTPMethodNotAllowed("GET", [])
    assert empty.allowed_methods == frozenset()
    assert empty.headers["Allow"] == ""


def test_request_entity_too_large_attributes() -> None:
    exc = web.HTTPRequestEntityTooLarge(max_size=10, actual_size=11)
    assert (exc.max_size, exc.actual_size) == (10, 11)
    assert exc.text == "Maximum request body size 10 exceeded, actual body size 11"
    custom = web.HTTPRequestEntityTooLarge(10, 11, text="too big")
    assert custom.text == "too big"


def test_unavailable_for_legal_reasons_link() -> None:
    exc = web.HTTPUnavailableForLegalReasons(link="http://x.example/why")
    assert str(exc.link) == "http://x.example/why"
    assert web.HTTPUnavailableForLegalReasons(None).link is None


@pytest.mark.parametrize("cls", [web.HTTPBadRequest, web.HTTPFound, web.HTTPServiceUnavailable])
def test_all_accept_headers_reason_text_body_content_type(
    cls: type[web.HTTPException],
) -> None:
    exc = make(
        cls, headers={"X-A": "1"}, reason="Custom", text="{}", content_type="application/json"
    )
    assert exc.reason == "Custom"
    assert exc.text == "{}"
    assert exc.content_type == "application/json"
    assert exc.headers["X-A"] == "1"
    with pytest.warns(DeprecationWarning, match="body argument is deprecated"):
        exc = make(cls, body=b"\x00\x01", content_type="application/octet-stream")
    assert exc.body == b"\x00\x01"
    with (
        pytest.warns(DeprecationWarning, match="body argument is deprecated"),
        pytest.raises(ValueError, match="body and text"),
    ):
        make(cls, body=b"x", text="x")


@pytest.mark.asyncio
async def test_custom_text_reason_and_content_type_over_the_wire(
    aioloom_client: AioloomClient,
) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        raise web.HTTPTooManyRequests(
            reason="Slow Down",
            text='{"retry": 5}',
            content_type="application/json",
            headers={"Retry-After": "5"},
        )

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    response = await client.get("/")
    assert response.status == 429
    assert response.reason == "Slow Down"
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert await response.json() == {"retry": 5}


@pytest.mark.asyncio
async def test_same_exception_instance_raised_for_two_requests(
    aioloom_client: AioloomClient,
) -> None:
    shared = web.HTTPForbidden(text="nope")

    async def handler(request: web.Request) -> web.StreamResponse:
        raise shared

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    for _ in range(2):
        response = await client.get("/")
        assert response.status == 403
        assert await response.text() == "nope"


@pytest.mark.parametrize("error", [web.HTTPBadRequest, ValueError])
@pytest.mark.asyncio
async def test_exception_after_prepare_closes_instead_of_a_second_head(
    aioloom_client: AioloomClient, caplog: pytest.LogCaptureFixture, error: type[Exception]
) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"partial")
        raise error()

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aioloom_client(app)
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"partial" in data
    assert data.count(b"HTTP/1.1 ") == 1, data


def test_exception_pickles() -> None:
    exc = web.HTTPNotFound(reason="Nope", text="gone")
    copy = pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own data
    assert type(copy) is web.HTTPNotFound
    assert copy.status == 404
    assert copy.reason == "Nope"
    assert copy.text == "gone"
