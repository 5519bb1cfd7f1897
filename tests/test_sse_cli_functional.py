"""examples/sse.py served by the real CLI, which passes its extra argv as aiohttp's does."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx


def _events(port: int, wanted: int) -> list[dict[str, object]]:
    got: list[dict[str, object]] = []
    with httpx.stream("GET", f"http://127.0.0.1:{port}/events", timeout=10) as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        for line in response.iter_lines():
            if line.startswith("data: "):
                got.append(json.loads(line.removeprefix("data: ")))
                if len(got) == wanted:
                    break
    return got


def test_sse_example_streams_past_the_first_event(serve_cli: Callable[..., int]) -> None:
    port = serve_cli("examples.sse:init_app")
    assert [event["n"] for event in _events(port, 2)] == [0, 1]


def test_sse_example_takes_its_interval_from_argv(serve_cli: Callable[..., int]) -> None:
    port = serve_cli("examples.sse:init_app", "--interval", "0.01")
    assert [event["n"] for event in _events(port, 5)] == [0, 1, 2, 3, 4]
