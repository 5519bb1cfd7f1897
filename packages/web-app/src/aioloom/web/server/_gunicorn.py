"""Gunicorn workers: ``gunicorn module:app --worker-class aioloom.web.GunicornWebWorker``.

Needs gunicorn installed (it is not a dependency of aioloom-web). The uvloop
variant needs ``aioloom-web[speedups]``.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import ssl
import sys
from types import FrameType
from typing import Any

from gunicorn.workers import base  # type: ignore[import-not-found,unused-ignore]

from ..application._app import Application
from ._access_log import AccessLogger
from ._runner import AppRunner, SockSite

__all__ = ["GunicornWebWorker", "GunicornUVLoopWebWorker"]


class GunicornWebWorker(base.Worker):  # type: ignore[misc]
    """One worker process: serves the app on gunicorn's sockets until told to stop."""

    alive: bool
    booted: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exit_code = 0
        self._wakeup: asyncio.Future[None] | None = None
        self.loop: asyncio.AbstractEventLoop

    def init_process(self) -> None:
        self.loop = self._new_loop()
        asyncio.set_event_loop(self.loop)
        super().init_process()

    def _new_loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.new_event_loop()

    def run(self) -> None:
        # Not booted until listening, and errors propagate (as aiohttp's worker):
        # gunicorn then logs them, and a worker that failed to boot (start-up
        # raised) stops gunicorn ("Worker failed to boot") instead of being
        # restarted again and again.
        self.booted = False
        task = self.loop.create_task(self._serve())
        try:
            self.loop.run_until_complete(task)
        finally:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()
        sys.exit(self.exit_code)

    async def _load_runner(self) -> AppRunner:
        target = self.wsgi
        if inspect.iscoroutinefunction(target):
            target = await target()
        if isinstance(target, AppRunner):
            return target
        if not isinstance(target, Application):
            raise TypeError(
                "gunicorn must be given an aioloom web.Application or an async function "
                f"returning one, got {target!r}"
            )
        access_log = self.log.access_log if self.cfg.accesslog else None
        log_format = self.cfg.access_log_format
        if "%(" in log_format:  # gunicorn's own format syntax: use ours instead
            log_format = AccessLogger.LOG_FORMAT
        return AppRunner(
            target,
            keepalive_timeout=self.cfg.keepalive,
            access_log=access_log,
            access_log_format=log_format,
            shutdown_timeout=self.cfg.graceful_timeout * 0.95,
        )

    async def _serve(self) -> None:
        runner = await self._load_runner()
        await runner.setup()
        context = self._ssl_context() if self.cfg.is_ssl else None
        for sock in self.sockets:
            await SockSite(runner, sock, ssl_context=context).start()
        self.booted = True
        server = runner.server
        pid = os.getpid()
        try:
            while self.alive:
                self.notify()
                if (
                    self.max_requests
                    and server is not None
                    and (server.requests_count > self.max_requests)
                ):
                    self.alive = False
                    self.log.info("Max requests, shutting down: %s", self)
                elif pid == os.getpid() and self.ppid != os.getppid():
                    self.alive = False
                    self.log.info("Parent changed, shutting down: %s", self)
                else:
                    await self._sleep_or_wake(1.0)
        finally:
            await runner.cleanup()

    async def _sleep_or_wake(self, seconds: float) -> None:
        self._wakeup = self.loop.create_future()
        handle = self.loop.call_later(seconds, self._wake)
        try:
            await self._wakeup
        finally:
            handle.cancel()
            self._wakeup = None

    def _wake(self) -> None:
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)

    def init_signals(self) -> None:
        handlers = {
            signal.SIGQUIT: self.handle_quit,
            signal.SIGTERM: self.handle_exit,
            signal.SIGINT: self.handle_quit,
            signal.SIGWINCH: self.handle_winch,
            signal.SIGUSR1: self.handle_usr1,
            signal.SIGABRT: self.handle_abort,
        }
        for signum, handler in handlers.items():
            self.loop.add_signal_handler(signum, handler, signum, None)
        # Don't let SIGTERM and SIGUSR1 disturb active requests by interrupting syscalls.
        signal.siginterrupt(signal.SIGTERM, False)
        signal.siginterrupt(signal.SIGUSR1, False)

    def handle_quit(self, sig: int, frame: FrameType | None) -> None:
        self.alive = False
        self.cfg.worker_int(self)
        self._wake()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.alive = False
        self._wake()

    def handle_abort(self, sig: int, frame: FrameType | None) -> None:
        self.alive = False
        self.exit_code = 1
        self.cfg.worker_abort(self)
        sys.exit(1)

    def _ssl_context(self) -> ssl.SSLContext:
        cfg = self.cfg
        context = ssl.SSLContext(cfg.ssl_version)
        context.load_cert_chain(cfg.certfile, cfg.keyfile)
        context.verify_mode = cfg.cert_reqs
        if cfg.ca_certs:
            context.load_verify_locations(cfg.ca_certs)
        if cfg.ciphers:
            context.set_ciphers(cfg.ciphers)
        return context


class GunicornUVLoopWebWorker(GunicornWebWorker):
    """The same worker on uvloop's event loop."""

    def _new_loop(self) -> asyncio.AbstractEventLoop:
        import uvloop

        loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
        return loop
