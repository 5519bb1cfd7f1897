"""TestClient: real HTTP over TCP to a TestServer, through httpx."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx

from ._response import ClientResponse
from ._server import TestServer

__all__ = ["TestClient"]


class TestClient:
    __test__ = False  # not a pytest test class

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self._http: httpx.AsyncClient | None = None

    async def start_server(self) -> None:
        await self.server.start_server()
        self._http = httpx.AsyncClient(base_url=str(self.server.make_url("/")))

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("the test client is not started; use 'async with' or start_server()")
        return self._http

    def make_url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def request(self, method: str, path: str, **kwargs: Any) -> ClientResponse:
        response = await self.http.request(method, path, **kwargs)
        await response.aread()
        return ClientResponse(response)

    async def get(self, path: str, **kwargs: Any) -> ClientResponse:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> ClientResponse:
        return await self.request("POST", path, **kwargs)

    async def head(self, path: str, **kwargs: Any) -> ClientResponse:
        return await self.request("HEAD", path, **kwargs)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        await self.server.close()

    async def __aenter__(self) -> TestClient:
        await self.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
