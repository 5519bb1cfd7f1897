"""``run_app``: serve an application until SIGINT/SIGTERM, then shut down gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl as _ssl
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from ..application._app import Application
from ._access_log import AbstractAccessLogger, AccessLogger, access_logger
from ._runner import AppRunner, BaseSite, GracefulExit, SockSite, TCPSite, UnixSite

__all__ = ["run_app"]


async def _run_app(
    app: Application | Awaitable[Application],
    *,
    host: str | Iterable[str] | None,
    port: int | None,
    path: str | Iterable[str] | None,
    sock: socket.socket | Iterable[socket.socket] | None,
    ssl_context: _ssl.SSLContext | None,
    print_: Callable[..., None] | None,
    backlog: int,
    reuse_address: bool | None,
    reuse_port: bool | None,
    runner_kwargs: dict[str, Any],
) -> None:
    if not isinstance(app, Application):
        app = await app
    runner = AppRunner(app, **runner_kwargs)
    await runner.setup()
    sites: list[BaseSite] = []
    try:
        tcp = {
            "ssl_context": ssl_context,
            "backlog": backlog,
            "reuse_address": reuse_address,
            "reuse_port": reuse_port,
        }
        if host is not None:
            hosts = [host] if isinstance(host, str) else list(host)
            sites.extend(TCPSite(runner, h, port, **tcp) for h in hosts)  # type: ignore[arg-type]
        elif (path is None and sock is None) or port is not None:
            sites.append(TCPSite(runner, port=port, **tcp))  # type: ignore[arg-type]
        if path is not None:
            paths = [path] if isinstance(path, str) else list(path)
            sites.extend(
                UnixSite(runner, p, ssl_context=ssl_context, backlog=backlog) for p in paths
            )
        if sock is not None:
            socks = [sock] if isinstance(sock, socket.socket) else list(sock)
            sites.extend(
                SockSite(runner, s, ssl_context=ssl_context, backlog=backlog) for s in socks
            )
        for site in sites:
            await site.start()
        if print_ is not None:
            names = ", ".join(sorted(site.name for site in runner.sites))
            print_(f"======== Running on {names} ========\n(Press CTRL+C to quit)")
        await asyncio.Event().wait()  # until cancelled by a signal or KeyboardInterrupt
    finally:
        await runner.cleanup()


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks left running; report those that fail, as ``asyncio.run`` does."""
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            loop.call_exception_handler(
                {
                    # asyncio.run's words, which aiohttp's run_app uses too
                    "message": "unhandled exception during asyncio.run() shutdown",
                    "exception": task.exception(),
                    "task": task,
                }
            )


def run_app(
    app: Application | Awaitable[Application],
    *,
    host: str | Iterable[str] | None = None,
    port: int | None = None,
    path: str | Iterable[str] | None = None,
    sock: socket.socket | Iterable[socket.socket] | None = None,
    shutdown_timeout: float = 60.0,
    keepalive_timeout: float = 75.0,
    ssl_context: _ssl.SSLContext | None = None,
    print: Callable[..., None] | None = print,
    backlog: int = 128,
    access_log_class: type[AbstractAccessLogger] = AccessLogger,
    access_log_format: str = AccessLogger.LOG_FORMAT,
    access_log: logging.Logger | None = access_logger,
    handle_signals: bool = True,
    reuse_address: bool | None = None,
    reuse_port: bool | None = None,
    handler_cancellation: bool = False,
    loop: asyncio.AbstractEventLoop | None = None,
    **kwargs: Any,
) -> None:
    """Run ``app`` (or a coroutine that returns one) until interrupted.

    Other keyword arguments go to the ``AppRunner`` (and from it to the server):
    ``max_line_size``, ``max_field_size``, ``max_headers``, ``lingering_time``,
    ``read_bufsize``, ``auto_decompress`` and the rest of what it accepts.
    """
    loop = loop or asyncio.new_event_loop()
    # Like aiohttp: configure the default access logger only in debug mode.
    if loop.get_debug() and access_log is access_logger:
        if access_log.level == logging.NOTSET:
            access_log.setLevel(logging.DEBUG)
        if not access_log.hasHandlers():
            access_log.addHandler(logging.StreamHandler())
    main = loop.create_task(
        _run_app(
            app,
            host=host,
            port=port,
            path=path,
            sock=sock,
            ssl_context=ssl_context,
            print_=print,
            backlog=backlog,
            reuse_address=reuse_address,
            reuse_port=reuse_port,
            runner_kwargs={
                "handle_signals": handle_signals,
                "shutdown_timeout": shutdown_timeout,
                "keepalive_timeout": keepalive_timeout,
                "access_log_class": access_log_class,
                "access_log_format": access_log_format,
                "access_log": access_log,
                "handler_cancellation": handler_cancellation,
                **kwargs,
            },
        )
    )
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(main)
    except (GracefulExit, KeyboardInterrupt):
        pass
    finally:
        try:
            # A finished main (start-up failed) is not run again: that would
            # raise its exception anew, with a traceback cut short of the user's
            # frames (Future.result() restores the one saved when it failed).
            if not main.done():
                main.cancel()
                with contextlib.suppress(asyncio.CancelledError, GracefulExit, KeyboardInterrupt):
                    loop.run_until_complete(main)
        finally:
            _cancel_remaining(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            asyncio.set_event_loop(None)
