"""run_app in this process, as aiohttp 3.14's: server keywords forwarded to the
runner, the user's frames in a start-up error, leftover tasks reported at exit."""

from __future__ import annotations

import asyncio
import socket
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from aioloom import web


@pytest.fixture
def sock() -> Iterator[socket.socket]:
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    yield listening
    listening.close()


def _raise_graceful_exit() -> None:
    raise web.GracefulExit()


def _then_stop(work: Callable[[int], Any], port: int, seen: list[str]) -> Callable[..., None]:
    """A ``print`` for run_app: called once listening; runs ``work``, then stops the app."""

    running: list[asyncio.Task[None]] = []  # a reference, so the task is not collected

    def on_ready(*args: object) -> None:
        seen.append("listening")
        loop = asyncio.get_running_loop()

        async def run() -> None:
            try:
                await work(port)
            finally:
                loop.call_soon(_raise_graceful_exit)

        running.append(loop.create_task(run()))

    return on_ready


async def _status_of(port: int, target: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    status = await reader.readline()
    writer.close()
    return status.split(b" ")[1]


async def _hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


def test_run_app_forwards_server_keywords(sock: socket.socket) -> None:
    statuses: list[bytes] = []
    seen: list[str] = []

    async def work(port: int) -> None:
        statuses.append(await _status_of(port, "/"))
        statuses.append(await _status_of(port, "/" + "a" * 300))

    app = web.Application()
    app.router.add_get("/", _hello)
    port = sock.getsockname()[1]
    web.run_app(app, sock=sock, print=_then_stop(work, port, seen), max_line_size=100)
    assert seen == ["listening"]
    assert statuses[0] == b"200"
    assert statuses[1] in (b"400", b"414")  # the request line is over max_line_size


def test_run_app_unknown_keyword_is_a_type_error_before_listening(sock: socket.socket) -> None:
    seen: list[str] = []

    async def work(port: int) -> None:
        return None

    app = web.Application()
    port = sock.getsockname()[1]
    with pytest.raises(TypeError, match="bogus_knob"):
        web.run_app(app, sock=sock, print=_then_stop(work, port, seen), bogus_knob=1)
    assert seen == []


def test_startup_error_keeps_the_users_frame(sock: socket.socket) -> None:
    async def failing_ctx(app: web.Application) -> AsyncIterator[None]:
        raise RuntimeError("boom from failing_ctx")
        yield  # pragma: no cover

    app = web.Application()
    app.cleanup_ctx.append(failing_ctx)
    with pytest.raises(RuntimeError, match="boom from failing_ctx") as info:
        web.run_app(app, sock=sock, print=None)
    frames = [frame.name for frame in traceback.extract_tb(info.tb)]
    assert "failing_ctx" in frames, frames


def test_leftover_tasks_failing_at_exit_go_to_the_loop_exception_handler(
    sock: socket.socket,
) -> None:
    error = RuntimeError("failed while cancelled")
    tasks: list[asyncio.Task[None]] = []
    reported: list[dict[str, Any]] = []
    seen: list[str] = []

    async def fail_when_cancelled() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise error from None

    async def on_startup(app: web.Application) -> None:
        tasks.append(asyncio.create_task(fail_when_cancelled()))

    async def work(port: int) -> None:
        return None

    app = web.Application()
    app.on_startup.append(on_startup)
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda loop, context: reported.append(context))
    port = sock.getsockname()[1]
    web.run_app(app, sock=sock, print=_then_stop(work, port, seen), loop=loop)
    assert loop.is_closed()
    assert reported == [
        {
            "message": "unhandled exception during asyncio.run() shutdown",
            "exception": error,
            "task": tasks[0],
        }
    ]
