"""Route resolution: aioloom.router vs aiohttp, Starlette and Falcon, side by side.

Two route-table shapes, 10/100/1000/5000 routes each:
  distinct: /r{i}/{x}/detail   (every route has its own first segment)
  shared:   /api/{x}/item{i}   (every route shares the prefix /api/{x}/)
Two lookups: the last-registered route, and a path that matches nothing (404).
Each cell is the median of repeats of a timed loop (per-call microseconds).

Usage: hatch run bench:python tools/bench/bench_router.py [--quick] [--check] [--json OUT]
(--check exits 1 when a target of issue 4 is missed; --json writes every cell to OUT).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yarl import URL

from aioloom.router import UrlDispatcher

SIZES = (10, 100, 1000, 5000)
SHAPES = ("distinct", "shared")
LOOKUPS = ("last", "404")
FRAMEWORKS = ("aioloom", "aiohttp", "starlette", "falcon")


def template(shape: str, i: int) -> str:
    return f"/r{i}/{{x}}/detail" if shape == "distinct" else f"/api/{{x}}/item{i}"


def target(shape: str, lookup: str, n: int) -> str:
    if shape == "distinct":
        return f"/r{n - 1}/abc/detail" if lookup == "last" else "/nomatch/abc/detail"
    return f"/api/abc/item{n - 1}" if lookup == "last" else "/api/abc/nomatch"


@dataclass(frozen=True)
class _Request:
    method: str
    rel_url: URL


def build_aioloom(shape: str, n: int, path: str) -> tuple[Callable[[], object], object]:
    router: UrlDispatcher[str] = UrlDispatcher()
    for i in range(n):
        router.add_get(template(shape, i), f"h{i}")
    router.freeze()
    request = _Request("GET", URL(path))
    raw_path = request.rel_url.raw_path

    def call() -> object:  # the server's per-request call: method and path from the request line
        return router.resolve_parts(request, "GET", raw_path).handler

    return call, call()


def build_aiohttp(shape: str, n: int, path: str) -> tuple[Callable[[], object], object]:
    from aiohttp import web  # type: ignore[import-not-found, unused-ignore]
    from aiohttp.test_utils import make_mocked_request  # type: ignore[import-not-found, unused-ignore]

    app = web.Application()
    handlers: list[Any] = []
    for i in range(n):

        async def handler(request: web.Request) -> web.Response:
            return web.Response()

        handler.__name__ = f"h{i}"
        handlers.append(handler)
        app.router.add_get(template(shape, i), handler)
    app.router.freeze()
    request = make_mocked_request("GET", path, app=app)
    resolve = app.router.resolve

    def call() -> object:
        coro = resolve(request)
        try:
            coro.send(None)
        except StopIteration as done:
            match = done.value
        else:  # pragma: no cover - resolve never suspends
            raise RuntimeError("resolve suspended")
        return None if match.http_exception is not None else match.handler.__name__

    return call, call()


def build_starlette(shape: str, n: int, path: str) -> tuple[Callable[[], object], object]:
    from starlette.routing import Match, Route  # type: ignore[import-not-found, unused-ignore]

    def endpoint(request: object) -> None:
        return None

    routes = [Route(template(shape, i), endpoint, name=f"h{i}") for i in range(n)]
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}

    def call() -> object:  # what Router.__call__ does, minus ASGI plumbing
        for route in routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return route.name
        return None

    return call, call()


def build_falcon(shape: str, n: int, path: str) -> tuple[Callable[[], object], object]:
    from falcon.routing import CompiledRouter  # type: ignore[import-not-found, unused-ignore]

    router = CompiledRouter()
    for i in range(n):
        resource = type(f"h{i}", (), {"on_get": lambda self, req, resp: None})()
        router.add_route(template(shape, i), resource)
    router.find("/warm-up")  # compiles

    def call() -> object:
        found = router.find(path)
        return None if found is None else type(found[0]).__name__

    return call, call()


BUILDERS = {
    "aioloom": build_aioloom,
    "aiohttp": build_aiohttp,
    "starlette": build_starlette,
    "falcon": build_falcon,
}


def measure(call: Callable[[], object], repeats: int, budget: float) -> float:
    """Median per-call time in microseconds."""
    number = 1
    while True:  # calibrate: one timed loop should take about ``budget`` seconds
        start = time.perf_counter()
        for _ in range(number):
            call()
        elapsed = time.perf_counter() - start
        if elapsed >= budget / 4 or number >= 1 << 20:
            break
        number *= 4
    number = max(1, int(number * budget / max(elapsed, 1e-9) / 1))
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            call()
        samples.append((time.perf_counter() - start) / number * 1e6)
    return statistics.median(samples)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    repeats, budget = (3, 0.01) if quick else (5, 0.03)
    results: dict[tuple[str, str, int, str], float] = {}
    print(
        f"{'shape':9} {'lookup':6} {'routes':>6} "
        + " ".join(f"{f:>10}" for f in FRAMEWORKS)
        + f" {'aiohttp/us':>11} {'falcon/us':>10} {'starlette/us':>13}"
    )
    for shape in SHAPES:
        for lookup in LOOKUPS:
            for n in SIZES:
                path = target(shape, lookup, n)
                expected = None if lookup == "404" else f"h{n - 1}"
                row = []
                for framework in FRAMEWORKS:
                    call, answer = BUILDERS[framework](shape, n, path)
                    if answer != expected:
                        raise SystemExit(f"{framework} {shape} {lookup} {n}: got {answer!r}")
                    results[shape, lookup, n, framework] = measure(call, repeats, budget)
                    row.append(results[shape, lookup, n, framework])
                ours = row[0]
                print(
                    f"{shape:9} {lookup:6} {n:>6} "
                    + " ".join(f"{value:>9.2f}u" for value in row)
                    + f" {row[1] / ours:>10.1f}x {row[3] / ours:>9.1f}x {row[2] / ours:>12.1f}x"
                )
    failures = check(results)
    print("\nall targets met" if not failures else "\nMISSED:\n  " + "\n  ".join(failures))
    if "--json" in argv:
        out = Path(argv[argv.index("--json") + 1])
        cells = [
            {"shape": s, "lookup": lo, "routes": n, "framework": f, "us_per_call": us}
            for (s, lo, n, f), us in results.items()
        ]
        report = {"config": {"quick": quick, "repeats": repeats, "budget": budget}}
        out.write_text(json.dumps({**report, "cells": cells, "failures": failures}, indent=2))
        print(f"wrote {out}")
    return 1 if failures and "--check" in argv else 0


def check(results: dict[tuple[str, str, int, str], float]) -> list[str]:
    failures = []
    print("\ntargets (issue 4):")

    def report(ok: bool, text: str) -> None:
        print(f"  [{'ok' if ok else 'MISS'}] {text}")
        if not ok:
            failures.append(text)

    for shape in SHAPES:
        for lookup in LOOKUPS:
            small = results[shape, lookup, 10, "aioloom"]
            large = results[shape, lookup, 5000, "aioloom"]
            report(
                large <= 1.5 * small,
                f"{shape}/{lookup}: 5000 routes {large:.2f}us <= 1.5 x 10 routes {small:.2f}us"
                f" (ratio {large / small:.2f})",
            )
    wanted = {
        ("distinct", "last"): 1.2,
        ("distinct", "404"): 3.0,
        ("shared", "last"): 100.0,
        ("shared", "404"): 100.0,
    }
    for (shape, lookup), factor in wanted.items():
        speedup = results[shape, lookup, 1000, "aiohttp"] / results[shape, lookup, 1000, "aioloom"]
        report(speedup >= factor, f"{shape}/{lookup} @1000: {speedup:.1f}x aiohttp (>= {factor}x)")
    for shape in SHAPES:
        for lookup in LOOKUPS:
            for n in SIZES[1:]:
                ratio = results[shape, lookup, n, "falcon"] / results[shape, lookup, n, "aioloom"]
                report(ratio > 1.0, f"{shape}/{lookup} @{n}: {ratio:.2f}x faster than Falcon")
    return failures


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
