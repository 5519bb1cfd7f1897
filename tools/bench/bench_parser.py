"""Request parser benchmark: aioloom vs aiohttp (pure Python and C), h11, httptools.

Three workloads (issue 3), one run, side by side, median of repeats:
  get        a ~430-byte browser GET with 10 headers, fed to a keep-alive parser
  pipelined  one buffer of 100 such GETs (time per request)
  chunked    a POST whose 64 KiB body comes as 16 chunks of 4 KiB (chunked coding)

A RequestParser remembers its last request's header fields (the bytes after
the request line): a next head with byte-identical fields reuses their parse;
the request line and the framing checks run on every head. The get and
pipelined workloads repeat one request, so their fields repeat. Extra
aioloom-only rows show what that reuse is worth: ``get`` with it off
(``Limits(max_remembered_head_size=0)``); ``get-distinct``: GETs of the same
shape in which no field line repeats between requests (a counter in every
value, the Connection line replaced by an X-Request-Id), built before the
measured loop, with the reuse on and off; and ``get-new-target``: the same
fields under a new target each time (as a browser fetching a run of images
sends). Their ratios are against the other
parsers' ``get`` numbers (those parsers keep no state between requests).

Every parser must deliver the full message in the measured loop: aioloom
builds RequestHead (CIMultiDict headers) and Body events, and the loop reads
each head's yarl URL (built on first read), as aiohttp builds one per message; aiohttp
builds RawRequestMessage and feeds the payload StreamReader; h11 produces
Request/Data/EndOfMessage events (a fresh Connection per message, since a
server-side h11 connection needs a response before its next cycle);
httptools only runs callbacks that collect url, headers and body.

    hatch run bench:python tools/bench/bench_parser.py [--repeat N] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aioloom.http_parser import Limits, RequestHead, RequestParser

GET = (
    b"GET /products/shoes?color=blue&size=42 HTTP/1.1\r\n"
    b"Host: www.example.com\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Firefox/120.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: en-US,en;q=0.5\r\n"
    b"Accept-Encoding: gzip, deflate, br\r\n"
    b"Connection: keep-alive\r\n"
    b"Upgrade-Insecure-Requests: 1\r\n"
    b"Cookie: session=abc123; theme=dark\r\n"
    b"Cache-Control: max-age=0\r\n"
    b"Referer: https://www.example.com/\r\n\r\n"
)
PIPELINED = GET * 100
_CHUNK = b"x" * 4096
CHUNKED = (
    (
        b"POST /upload HTTP/1.1\r\nHost: www.example.com\r\n"
        b"Content-Type: application/octet-stream\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + b"1000\r\n" + _CHUNK + b"\r\n"
    )
    + (b"1000\r\n" + _CHUNK + b"\r\n") * 15
    + b"0\r\n\r\n"
)

WORKLOADS: dict[str, tuple[bytes, int]] = {
    "get": (GET, 1),
    "pipelined": (PIPELINED, 100),
    "chunked": (CHUNKED, 1),
}


def distinct_gets(count: int) -> list[bytes]:
    """``count`` GETs like GET in which no field line repeats between them."""
    head, _, _ = GET.partition(b"\r\n\r\n")
    start, *fields = head.split(b"\r\n")
    out = []
    for i in range(count):
        lines = [
            b"X-Request-Id: %d" % i if line.startswith(b"Connection:") else b"%s-%d" % (line, i)
            for line in fields
        ]
        out.append(b"\r\n".join([start, *lines]) + b"\r\n\r\n")
    return out


def new_target_gets(count: int) -> list[bytes]:
    """``count`` GETs like GET with the same fields and a new target each."""
    return [GET.replace(b"size=42", b"size=%d" % i, 1) for i in range(count)]


def with_urls(events: list[Any]) -> list[Any]:
    """Read every head's URL: aiohttp's parser builds one per message, ours on first read."""
    for event in events:
        if type(event) is RequestHead:
            event.url  # noqa: B018 -- the read builds it
    return events


def aioloom_runner(data: bytes, messages: int, limits: Limits | None = None) -> Callable[[], Any]:
    parser = RequestParser(limits)

    def run() -> Any:
        return with_urls(parser.feed(data))

    return run


def aioloom_sequence_runner(
    make: Callable[[int], list[bytes]], limits: Limits | None = None
) -> Callable[[], Any]:
    parser = RequestParser(limits)
    inputs = make(4096)
    feed = parser.feed
    state = [0]

    def run() -> Any:
        i = state[0]
        state[0] = (i + 1) & 4095
        return with_urls(feed(inputs[i]))

    return run


class _Protocol:
    """What aiohttp's StreamReader needs from a protocol (flow control)."""

    _reading_paused = False

    def pause_reading(self) -> None: ...

    def resume_reading(self, resume_parser: bool = True) -> None: ...


def aiohttp_runner(kind: str) -> Callable[[bytes, int], Callable[[], Any]] | None:
    try:
        from aiohttp import http_parser
    except ImportError:
        return None
    cls = getattr(
        http_parser, "HttpRequestParserPy" if kind == "py" else "HttpRequestParserC", None
    )
    if cls is None or (kind == "c" and cls is http_parser.HttpRequestParserPy):
        return None
    loop = asyncio.new_event_loop()

    def make(data: bytes, messages: int) -> Callable[[], Any]:
        parser = cls(_Protocol(), loop, 2**16, max_line_size=8190, max_field_size=8190)

        def run() -> Any:
            messages, _, _ = parser.feed_data(data)
            for _, payload in messages:
                buffer = getattr(payload, "_buffer", None)
                if buffer is not None:
                    buffer.clear()  # drop delivered body bytes, as a reader would
            return messages

        return run

    return make


def h11_runner(data: bytes, messages: int) -> Callable[[], Any]:
    import h11

    one = data[: len(data) // messages]

    def run() -> Any:
        out = []
        for _ in range(messages):
            conn = h11.Connection(h11.SERVER)
            conn.receive_data(one)
            while True:
                event = conn.next_event()
                out.append(event)
                if type(event) is h11.EndOfMessage or event is h11.NEED_DATA:
                    break
        return out

    return run


def httptools_runner(data: bytes, messages: int) -> Callable[[], Any] | None:
    try:
        import httptools
    except ImportError:
        return None

    class Callbacks:
        def __init__(self) -> None:
            self.headers: list[tuple[bytes, bytes]] = []
            self.body: list[bytes] = []
            self.url = b""

        def on_url(self, url: bytes) -> None:
            self.url = url

        def on_header(self, name: bytes, value: bytes) -> None:
            self.headers.append((name, value))

        def on_body(self, body: bytes) -> None:
            self.body.append(body)

        def on_message_complete(self) -> None:
            self.headers = []
            self.body = []

    parser = httptools.HttpRequestParser(Callbacks())

    def run() -> Any:
        parser.feed_data(data)

    return run


def measure(run: Callable[[], Any], messages: int, repeat: int, budget: float) -> float:
    """Median microseconds per message over ``repeat`` timed batches."""
    start = time.perf_counter()
    run()
    loops = 1
    while time.perf_counter() - start < budget / repeat / 4:
        for _ in range(loops):
            run()
        loops *= 2
    samples = []
    for _ in range(repeat):
        begin = time.perf_counter()
        for _ in range(loops):
            run()
        samples.append((time.perf_counter() - begin) / loops / messages * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=0.5, help="seconds per measurement")
    parser.add_argument("--quick", action="store_true", help="aioloom only")
    parser.add_argument("--json", type=Path, help="write every measurement to this file")
    args = parser.parse_args()

    makers: dict[str, Callable[[bytes, int], Callable[[], Any] | None]] = {
        "aioloom": aioloom_runner
    }
    if not args.quick:
        candidates = (
            ("aiohttp-py", aiohttp_runner("py")),
            ("aiohttp-c", aiohttp_runner("c")),
            ("h11", h11_runner),
            ("httptools", httptools_runner),
        )
        makers.update({name: maker for name, maker in candidates if maker is not None})

    results: dict[str, dict[str, float]] = {}
    for workload, (data, messages) in WORKLOADS.items():
        for name, maker in makers.items():
            run = maker(data, messages)
            if run is not None:
                results.setdefault(workload, {})[name] = measure(
                    run, messages, args.repeat, args.budget
                )

    names = list(makers)
    print(f"{'workload':<10} " + " ".join(f"{n + ' µs':>14}" for n in names))
    for workload, row in results.items():
        print(f"{workload:<10} " + " ".join(f"{row.get(n, float('nan')):>14.2f}" for n in names))
    print()
    print("speed of aioloom relative to each (>1: aioloom faster)")
    others = [n for n in names if n != "aioloom"]
    print(f"{'workload':<10} " + " ".join(f"{'vs ' + n:>14}" for n in others))
    for workload, row in results.items():
        ours = row["aioloom"]
        print(
            f"{workload:<10} "
            + " ".join(f"{row.get(n, float('nan')) / ours:>13.2f}x" for n in others)
        )
    print("targets: >= 3x vs aiohttp-py and >= 6x vs h11 on every workload")

    off = Limits(max_remembered_head_size=0)
    extra = {
        "get, reuse off": aioloom_runner(GET, 1, off),
        "get-new-target, reuse on": aioloom_sequence_runner(new_target_gets),
        "get-distinct, reuse on": aioloom_sequence_runner(distinct_gets),
        "get-distinct, reuse off": aioloom_sequence_runner(distinct_gets, off),
    }
    extra_results: dict[str, float] = {}
    print()
    print("aioloom with other inputs (ratios against the others' get)")
    get = results.get("get", {})
    print(f"{'row':<24} {'µs':>8} " + " ".join(f"{'vs ' + n:>14}" for n in others))
    for label, run in extra.items():
        ours = extra_results[label] = measure(run, 1, args.repeat, args.budget)
        print(
            f"{label:<24} {ours:>8.2f} "
            + " ".join(f"{get.get(n, float('nan')) / ours:>13.2f}x" for n in others)
        )
    if args.json:
        config = {"repeat": args.repeat, "budget": args.budget, "quick": args.quick}
        report = {"config": config, "us_per_message": results, "aioloom_other": extra_results}
        args.json.write_text(json.dumps(report, indent=2))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
