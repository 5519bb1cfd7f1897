"""ClientResponse: an httpx response with aiohttp's client ergonomics."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["ClientResponse"]


class ClientResponse:
    """``status``, ``reason``, ``headers`` and awaitable ``read/text/json`` as in aiohttp."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.headers: CIMultiDictProxy[str] = CIMultiDictProxy(
            CIMultiDict(response.headers.multi_items())
        )

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def reason(self) -> str:
        return self._response.reason_phrase

    @property
    def version(self) -> str:
        return self._response.http_version

    @property
    def httpx_response(self) -> httpx.Response:
        """The underlying httpx response, for what this wrapper does not cover."""
        return self._response

    async def read(self) -> bytes:
        return await self._response.aread()

    async def text(self, encoding: str | None = None) -> str:
        body = await self.read()
        return body.decode(encoding or self._response.encoding or "utf-8")

    async def json(self, *, loads: Callable[[str], Any] = json.loads) -> Any:
        return loads(await self.text())

    def __repr__(self) -> str:
        return f"<ClientResponse {self.status} {self.reason}>"
