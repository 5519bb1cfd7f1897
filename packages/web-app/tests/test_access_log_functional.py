"""The access log as aiohttp's: custom loggers run at any level, records carry ``extra``,
Unix-socket peers, and a logger called without a request or response."""

from __future__ import annotations

import contextvars
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from aioloom import web

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("REQUEST_ID")


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def quiet_logger(name: str, level: int) -> tuple[logging.Logger, Records]:
    logger = logging.getLogger(name)
    logger.setLevel(level)
    logger.propagate = False
    handler = Records()
    logger.handlers[:] = [handler]
    return logger, handler


async def hello(request: web.Request) -> web.Response:
    response = web.Response(text="hello")
    response.headers["X-Out"] = "out"
    return response


@web.middleware
async def tag(request: web.Request, handler: web.Handler) -> web.StreamResponse:
    REQUEST_ID.set("req-7")
    return await handler(request)


Start = Callable[..., Awaitable[str]]


@pytest_asyncio.fixture
async def start() -> AsyncIterator[Start]:
    """Serve ``hello`` (behind the ``tag`` middleware) with runner kwargs; yields its URL."""
    runners: list[web.AppRunner] = []

    async def go(**kwargs: Any) -> str:
        app = web.Application(middlewares=[tag])
        app.router.add_get("/{tail:.*}", hello)
        runner = web.AppRunner(app, **kwargs)
        await runner.setup()
        runners.append(runner)
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    yield go
    for runner in runners:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_custom_logger_runs_at_the_default_level(start: Start) -> None:
    logger, _ = quiet_logger("test.access.warning", logging.WARNING)  # INFO is off
    seen: list[tuple[str, int, str]] = []

    class Recorder(web.AbstractAccessLogger):
        # No ``enabled`` override: aiohttp's default is True, whatever the level.
        def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
            seen.append((request.path, response.status, REQUEST_ID.get("unset")))

    url = await start(access_log=logger, access_log_class=Recorder)
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{url}/one")).status_code == 200
    # It runs in the request's context: it sees what the middleware set.
    assert seen == [("/one", 200, "req-7")]


@pytest.mark.asyncio
async def test_a_logger_that_says_it_is_disabled_is_not_called(start: Start) -> None:
    called: list[int] = []

    class Off(web.AbstractAccessLogger):
        def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
            called.append(1)

        @property
        def enabled(self) -> bool:
            return False

    url = await start(access_log_class=Off)
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{url}/")).status_code == 200
    assert called == []


@pytest.mark.asyncio
async def test_records_carry_aiohttps_extra(start: Start) -> None:
    logger, handler = quiet_logger("test.access.info", logging.INFO)
    log_format = '%a %t "%r" %s %b %T %Tf %D %P "%{User-Agent}i" "%{X-Out}o" "%{X-None}i"'
    url = await start(access_log=logger, access_log_format=log_format)
    async with httpx.AsyncClient(headers={"User-Agent": "agent/1"}) as client:
        assert (await client.get(f"{url}/x?q=1")).status_code == 200
    [record] = handler.records
    extra = record.__dict__
    assert extra["remote_address"] == "127.0.0.1"
    assert extra["first_request_line"] == "GET /x?q=1 HTTP/1.1"
    assert extra["response_status"] == 200  # numbers stay numbers, as in aiohttp
    assert isinstance(extra["response_size"], int)
    assert extra["response_size"] > 0
    start_time = r"\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]"
    assert re.fullmatch(start_time, extra["request_start_time"])
    assert re.fullmatch(r"\d+\.\d{6}", extra["request_time_frac"])
    assert extra["request_time"].isdigit()
    assert extra["request_time_micro"].isdigit()
    assert re.fullmatch(r"<\d+>", extra["process_id"])
    assert extra["request_header"] == {"User-Agent": "agent/1", "X-None": "-"}
    assert extra["response_header"] == {"X-Out": "out"}
    line = record.getMessage()
    assert line.startswith(f'127.0.0.1 {extra["request_start_time"]} "GET /x?q=1 HTTP/1.1" 200 ')
    assert line.endswith(' "agent/1" "out" "-"')


@pytest.mark.asyncio
async def test_unix_socket_peer_is_logged_empty(tmp_path: Path) -> None:
    logger, handler = quiet_logger("test.access.unix", logging.INFO)
    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app, access_log=logger, access_log_format="|%a|")
    await runner.setup()
    path = str(tmp_path / "app.sock")
    try:
        await web.UnixSite(runner, path).start()
        transport = httpx.AsyncHTTPTransport(uds=path)
        async with httpx.AsyncClient(transport=transport) as client:
            assert (await client.get("http://unix/")).status_code == 200
    finally:
        await runner.cleanup()
    [record] = handler.records
    # A Unix client socket has no name: "" (as aiohttp), not "-" (no peer at all).
    assert record.getMessage() == "||"
    assert record.__dict__["remote_address"] == ""


def test_logger_called_without_request_or_response() -> None:
    logger, handler = quiet_logger("test.access.none", logging.INFO)
    web.AccessLogger(logger, "%a %r %{Content-Type}i").log(None, None, 0.0)  # type: ignore[arg-type]
    [record] = handler.records
    assert record.getMessage() == "- - (no headers)"
    assert record.__dict__["remote_address"] == "-"
    assert record.__dict__["first_request_line"] == "-"
    assert record.__dict__["request_header"] == {"Content-Type": "(no headers)"}


def test_a_line_that_cannot_be_made_is_logged_as_an_error() -> None:
    logger, handler = quiet_logger("test.access.broken", logging.INFO)
    web.AccessLogger(logger, "%s").log(None, None, 0.0)  # type: ignore[arg-type]
    [record] = handler.records
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Error in logging"
    assert record.exc_info is not None


def test_access_logger_formats_only_when_info_is_on() -> None:
    quiet, _ = quiet_logger("test.access.off", logging.WARNING)
    loud, _ = quiet_logger("test.access.on", logging.INFO)
    assert web.AccessLogger(quiet).enabled is False
    assert web.AccessLogger(loud).enabled is True
