"""HTTP exceptions that are also responses (raise them or return them)."""

from __future__ import annotations

from collections.abc import Iterable

from ._response import Response

__all__ = ["HTTPException", "HTTPNotFound", "HTTPMethodNotAllowed", "HTTPInternalServerError"]


class HTTPException(Response, Exception):
    status_code = -1

    def __init__(self, *, text: str | None = None, headers: dict[str, str] | None = None) -> None:
        Response.__init__(self, status=self.status_code, headers=headers, text=text)
        Exception.__init__(self, self.reason)
        if text is None:
            self.text = f"{self.status}: {self.reason}"


class HTTPNotFound(HTTPException):
    status_code = 404


class HTTPMethodNotAllowed(HTTPException):
    status_code = 405

    def __init__(self, method: str, allowed_methods: Iterable[str]) -> None:
        allowed = sorted(allowed_methods)
        super().__init__(headers={"Allow": ",".join(allowed)})
        self.method = method.upper()
        self.allowed_methods = frozenset(allowed)


class HTTPInternalServerError(HTTPException):
    status_code = 500
