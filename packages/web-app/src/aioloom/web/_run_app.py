"""run_app: serve an application until interrupted."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from ._app import Application
from ._runner import AppRunner, TCPSite

__all__ = ["run_app"]


async def _serve(
    app: Application, host: str, port: int, print_: Callable[..., None] | None
) -> None:
    runner = AppRunner(app)
    await runner.setup()
    site = TCPSite(runner, host, port)
    try:
        await site.start()
        if print_ is not None:
            print_(f"======== Running on {site.name} ========\n(Press CTRL+C to quit)")
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def run_app(
    app: Application,
    *,
    host: str = "0.0.0.0",
    port: int = 8080,
    print: Callable[..., None] | None = print,
) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(app, host, port, print))
