"""The request object handed to handlers."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from multidict import CIMultiDictProxy
from yarl import URL

from aioloom.http_parser import RequestHead

if TYPE_CHECKING:
    from ._app import Application

__all__ = ["Request"]


class Request:
    """One HTTP request: the parsed head, the body stream and the routing result."""

    def __init__(self, head: RequestHead, app: Application) -> None:
        self._head = head
        self._app = app
        self._body = bytearray()
        self._body_done = asyncio.Event()
        self.match_info: dict[str, str] = {}

    @property
    def method(self) -> str:
        return self._head.method

    @property
    def rel_url(self) -> URL:
        return self._head.url

    @property
    def path(self) -> str:
        return self._head.url.path

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return self._head.headers

    @property
    def app(self) -> Application:
        return self._app

    @property
    def keep_alive(self) -> bool:
        return not self._head.should_close

    def _feed_body(self, data: bytes) -> None:
        self._body += data

    def _end_body(self) -> None:
        self._body_done.set()

    async def read(self) -> bytes:
        await self._body_done.wait()
        return bytes(self._body)

    async def text(self) -> str:
        return (await self.read()).decode("utf-8")
