"""From a routed request to a response: Expect, middlewares, the handler."""

from __future__ import annotations

import inspect
from typing import cast

from aioloom.router import MatchInfo

from ..http._exceptions import HTTPExpectationFailed, HTTPMethodNotAllowed, HTTPNotFound
from ..http._stream_response import StreamResponse
from ._request import Request
from ._typedefs import Handler

__all__ = ["handler_of", "expect_then_run", "default_expect_handler", "as_coroutine"]


async def default_expect_handler(request: Request) -> None:
    """``100-continue`` gets an interim ``100 Continue``; anything else 417."""
    expect = request.headers.get("Expect", "")
    if request.version == (1, 1):
        if expect.lower() == "100-continue":
            request._send_continue()
        else:
            raise HTTPExpectationFailed(text=f"Unknown Expect: {expect}")


async def _not_found(request: Request) -> StreamResponse:
    raise HTTPNotFound()


async def _method_not_allowed(request: Request) -> StreamResponse:
    raise HTTPMethodNotAllowed(request.method, request.match_info.allowed_methods)


def as_coroutine(handler: Handler) -> Handler:
    """Handlers may be coroutine functions, plain functions, or View classes."""
    if inspect.iscoroutinefunction(handler):
        return handler

    async def call(request: Request) -> StreamResponse:
        result: object = handler(request)
        if inspect.isawaitable(result):
            return cast(StreamResponse, await result)
        return cast(StreamResponse, result)

    return call


def handler_of(match_info: MatchInfo[Handler]) -> Handler:
    """The route's handler, or the one that answers 404 / 405."""
    route = match_info.route
    handler = None if route is None else route.handler
    if handler is None:
        handler = _method_not_allowed if match_info.http_status == 405 else _not_found
    return handler


async def expect_then_run(
    request: Request, match_info: MatchInfo[Handler], chain: Handler
) -> StreamResponse:
    """``Expect`` is answered before middlewares and handler, as aiohttp does."""
    expect_handler = match_info.expect_handler or default_expect_handler
    response = await expect_handler(request)
    if response is not None:
        return cast(StreamResponse, response)
    return await chain(request)
