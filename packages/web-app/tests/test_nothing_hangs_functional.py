"""Property: on one keep-alive connection, nothing the client sends hangs the server.

Hypothesis makes sequences of requests (valid, malformed heads, bad chunk sizes,
undecodable gzip, truncated bodies, bodies sent in pieces) to handlers that read
all, part or none of the body, answer early, stream, raise, fail or cancel
themselves. Every request must get its answer or the connection must close,
within a deadline; no answer may promise keep-alive on a connection the server
then closes; and ``runner.cleanup()`` must finish promptly afterwards. Run on
asyncio's loop and on uvloop. The client is a raw socket with its own reader.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioloom import web

DEADLINE = 8.0


# -- the server -------------------------------------------------------------------------


async def _read_all(request: web.Request) -> web.Response:
    return web.Response(text=f"all {len(await request.read())}")


async def _read_part(request: web.Request) -> web.Response:
    return web.Response(text=f"part {len(await request.content.read(10))}")


async def _read_none(request: web.Request) -> web.Response:
    return web.Response(text="none")


async def _raise(request: web.Request) -> web.Response:
    raise web.HTTPBadRequest(reason={"field": "missing"})  # type: ignore[arg-type]


async def _fail(request: web.Request) -> web.Response:
    raise RuntimeError("a handler's bug")


async def _cancel(request: web.Request) -> web.Response:
    task = asyncio.current_task()
    assert task is not None
    task.cancel()
    await asyncio.sleep(1)
    return web.Response(text="not reached")


async def _stream(request: web.Request) -> web.StreamResponse:
    size = len(await request.read())
    response = web.StreamResponse()
    await response.prepare(request)
    await response.write(f"stream {size}".encode())
    return response


MODES: dict[str, web.Handler] = {
    "all": _read_all,
    "part": _read_part,
    "none": _read_none,
    "raise": _raise,
    "fail": _fail,
    "cancel": _cancel,
    "stream": _stream,
}
# Modes after which the connection may end without an answer.
SILENT_MODES = frozenset({"cancel"})


def _app() -> web.Application:
    app = web.Application(client_max_size=4000)
    for mode, handler in MODES.items():
        app.router.add_route("*", f"/{mode}", handler)
    return app


# -- the client -------------------------------------------------------------------------


@dataclass(frozen=True)
class Req:
    kind: str
    mode: str
    size: int
    pieces: int  # sent in this many writes, with a pause between

    def encode(self) -> bytes:
        head = f"POST /{self.mode} HTTP/1.1\r\nHost: x\r\n"
        body = b"b" * self.size
        if self.kind == "get":
            return f"GET /{self.mode} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        if self.kind == "length":
            return f"{head}Content-Length: {self.size}\r\n\r\n".encode() + body
        if self.kind == "chunked":
            chunk = f"{self.size:x}\r\n".encode() + body + b"\r\n" if self.size else b""
            return f"{head}Transfer-Encoding: chunked\r\n\r\n".encode() + chunk + b"0\r\n\r\n"
        if self.kind == "bad_chunk":
            return f"{head}Transfer-Encoding: chunked\r\n\r\n".encode() + b"zz\r\n"
        if self.kind == "bad_gzip":
            return (
                f"{head}Content-Encoding: gzip\r\nContent-Length: {self.size + 4}\r\n\r\n".encode()
                + b"test"
                + body
            )
        if self.kind == "junk":
            return b"\x00junk\r\n\r\n"
        if self.kind == "truncated":  # announces more than it sends, then half-closes
            return f"{head}Content-Length: {self.size + 50}\r\n\r\n".encode() + body
        raise AssertionError(self.kind)


requests = st.builds(
    Req,
    kind=st.sampled_from(["get", "length", "chunked", "bad_chunk", "bad_gzip", "junk"]),
    mode=st.sampled_from(sorted(MODES)),
    size=st.sampled_from([0, 5, 3000, 6000]),
    pieces=st.integers(1, 3),
)
scenarios = st.tuples(
    st.lists(requests, min_size=1, max_size=5),
    st.one_of(
        st.none(),
        st.builds(
            Req,
            st.just("truncated"),
            st.sampled_from(sorted(MODES)),
            st.sampled_from([0, 10]),
            st.just(1),
        ),
    ),
)


@dataclass
class Answer:
    status: int
    closes: bool


async def _read_answer(reader: asyncio.StreamReader) -> Answer | None:
    """One response (Content-Length, chunked or none), or None at end of stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise AssertionError(f"cut in the middle of a head: {exc.partial!r}") from exc
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    fields = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
    if fields.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    return Answer(status, fields.get("connection", "").lower() == "close")


async def _scenario(sequence: list[Req], last: Req | None) -> None:
    runner = web.AppRunner(_app(), access_log=None, lingering_time=2.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    sent = [*sequence, *([last] if last else [])]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        async with asyncio.timeout(DEADLINE):
            await _exchange(reader, writer, sent, last is not None)
    finally:
        writer.close()
        started = time.monotonic()
        await runner.cleanup()
        assert time.monotonic() - started < 3, "runner.cleanup() took too long"


async def _send(writer: asyncio.StreamWriter, request: Req) -> None:
    data = request.encode()
    step = max(1, len(data) // request.pieces)
    for i in range(0, len(data), step):
        writer.write(data[i : i + step])
        try:
            await writer.drain()
        except ConnectionError:
            return  # the server closed: what it answered so far is judged below
        if request.pieces > 1:
            await asyncio.sleep(0.005)


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sent: list[Req], half_close: bool
) -> None:
    sending = asyncio.create_task(_send_all(writer, sent, half_close))
    answers: list[Answer] = []
    try:
        while len(answers) < len(sent):
            try:
                answer = await _read_answer(reader)
            except ConnectionResetError:
                answer = None
            if answer is None:
                break
            answers.append(answer)
            if answer.closes:
                break
    finally:
        sending.cancel()
    _judge(sent, answers, half_close)
    if answers and not answers[-1].closes and len(answers) == len(sent) and not half_close:
        # Promised keep-alive: the connection must still serve.
        writer.write(b"GET /all HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        again = await _read_answer(reader)
        assert again is not None, "a kept-alive connection was closed"
        assert again.status == 200
    else:
        # The server said it closes (or went silent): it must, promptly (the deadline),
        # and say nothing more.
        try:
            rest = await reader.read()
        except ConnectionResetError:
            rest = b""
        assert rest == b"", f"bytes after the last answer: {rest[:80]!r}"


async def _send_all(writer: asyncio.StreamWriter, sent: list[Req], half_close: bool) -> None:
    for request in sent:
        await _send(writer, request)
    if half_close and not writer.is_closing():
        writer.write_eof()


def _judge(sent: list[Req], answers: list[Answer], half_close: bool) -> None:
    for request, answer in zip(sent, answers, strict=False):
        assert answer.status < 500 or request.mode == "fail", (request, answer)
    if len(answers) < len(sent) and answers and not answers[-1].closes and not half_close:
        # Ended without saying so: only a request that may go unanswered explains it.
        # (A client's FIN ends the conversation, as in aiohttp: what was not answered
        # by then may go unanswered.)
        unanswered = sent[len(answers)]
        assert unanswered.mode in SILENT_MODES, (
            f"answer {len(answers)} promised keep-alive, then the connection closed "
            f"without answering {unanswered}"
        )


def _loops() -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    loops: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {"asyncio": asyncio.new_event_loop}
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is in the test environment
        return loops
    loops["uvloop"] = uvloop.new_event_loop
    return loops


@pytest.mark.slow
@pytest.mark.parametrize("loop", sorted(_loops()))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios)
def test_nothing_hangs_on_one_keep_alive_connection(
    loop: str, scenario: tuple[list[Req], Req | None]
) -> None:
    sequence, last = scenario
    with asyncio.Runner(loop_factory=_loops()[loop]) as runner:
        runner.run(_scenario(sequence, last))
