"""From a request to a response: routing, the handler, and error mapping."""

from __future__ import annotations

import logging

from ._app import Application
from ._exceptions import HTTPException, HTTPInternalServerError, HTTPMethodNotAllowed, HTTPNotFound
from ._request import Request
from ._response import Response

__all__ = ["handle_request"]

server_logger = logging.getLogger("aioloom.web.server")


async def handle_request(app: Application, request: Request) -> Response:
    try:
        match = app.router.resolve(request)
        handler = match.handler
        if handler is None:
            if match.http_status == 405:
                raise HTTPMethodNotAllowed(request.method, match.allowed_methods)
            raise HTTPNotFound()
        request.match_info = dict(match)
        return await handler(request)
    except HTTPException as exc:
        return exc
    except Exception:
        server_logger.exception("Error handling request %s %s", request.method, request.path)
        return HTTPInternalServerError()
