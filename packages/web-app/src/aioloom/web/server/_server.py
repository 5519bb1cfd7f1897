"""The low-level server: a protocol factory that tracks its connections."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aioloom.http_parser import RequestHead

from ..http._protocols import ConnectionInfo
from ..http._request import BaseRequest, make_request_factory
from ..http._stream_response import StreamResponse
from ..http._streams import StreamReader
from ._access_log import AbstractAccessLogger, AccessLogger, access_logger
from ._protocol import RequestHandler
from ._settings import validate_settings

__all__ = ["Server"]

RequestFactory = Callable[[RequestHead, StreamReader, ConnectionInfo], BaseRequest]


class Server:
    """``web.Server(handler)``: serve raw ``BaseRequest`` handlers without an app.

    Calling the server makes a connection protocol; ``shutdown`` closes them
    gracefully.
    """

    def __init__(
        self,
        handler: Callable[[BaseRequest], Awaitable[StreamResponse]],
        *,
        request_factory: RequestFactory | None = None,
        handler_cancellation: bool = False,
        **kwargs: Any,
    ) -> None:
        self.handler = handler
        self.request_factory: RequestFactory = request_factory or make_request_factory(BaseRequest)
        access_log_class: type[AbstractAccessLogger] = kwargs.pop("access_log_class", AccessLogger)
        access_log: logging.Logger | None = kwargs.pop("access_log", access_logger)
        log_format: str = kwargs.pop("access_log_format", AccessLogger.LOG_FORMAT)
        kwargs.pop("loop", None)  # (aiohttp's deprecated loop argument)
        self._kwargs = validate_settings(kwargs)
        self._kwargs["handler_cancellation"] = handler_cancellation
        self._kwargs["access_logger"] = (
            None if access_log is None else access_log_class(access_log, log_format)
        )
        self._connections: dict[RequestHandler, None] = {}
        self.requests_count = 0

    @property
    def connections(self) -> list[RequestHandler]:
        return list(self._connections)

    def _connection_made(self, protocol: RequestHandler) -> None:
        self._connections[protocol] = None

    def _connection_lost(self, protocol: RequestHandler) -> None:
        task = protocol.task
        if task is not None and not task.done():
            # A handler may outlive its connection (it ignored, or suppressed, the
            # cancellation): graceful shutdown still waits for it, as aiohttp does.
            task.add_done_callback(lambda _: self._connections.pop(protocol, None))
            return
        self._connections.pop(protocol, None)

    def __call__(self) -> RequestHandler:
        return RequestHandler(self, **self._kwargs)

    def pre_shutdown(self) -> None:
        """Close idle keep-alive connections; busy ones close after their response."""
        for protocol in list(self._connections):
            protocol.close_when_idle()

    async def shutdown(self, timeout: float | None = None) -> None:  # noqa: ASYNC109 - aiohttp API
        """Wait up to ``timeout`` for running handlers, then cancel and close the rest."""
        self.pre_shutdown()
        tasks = [p.task for p in self._connections if p.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        remaining = [p.task for p in self._connections if p.task is not None]
        for protocol in list(self._connections):
            protocol.force_close()
        if remaining:
            await asyncio.wait(remaining, timeout=5)
