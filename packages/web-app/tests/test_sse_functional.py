"""The Server-Sent Events example (examples/sse.py), read with httpx streaming."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from aioloom.testing import AioloomClient

pytestmark = pytest.mark.asyncio

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sse.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("aioloom_example_sse", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def parse_events(text: str) -> list[dict[str, str]]:
    events = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            name, _, value = line.partition(": ")
            fields[name] = fields[name] + "\n" + value if name in fields else value
        if "data" in fields:
            events.append(fields)
    return events


async def test_sse_example_streams_events_until_the_client_leaves(
    aioloom_client: AioloomClient,
) -> None:
    sse = load_example()
    app = sse.init_app(interval=0.02)
    client = await aioloom_client(app)
    buffer = ""
    async with client.http.stream("GET", "/events") as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["Transfer-Encoding"] == "chunked"
        async with asyncio.timeout(10):
            async for text in response.aiter_text():
                buffer += text
                if len(parse_events(buffer)) >= 3:
                    break
        assert len(app[sse.active_key]) == 1
    events = parse_events(buffer)[:3]
    assert [event["event"] for event in events] == ["tick"] * 3
    assert [event["id"] for event in events] == ["0", "1", "2"]
    assert [json.loads(event["data"])["n"] for event in events] == [0, 1, 2]
    assert buffer.startswith("retry: 2000\n\n")
    # The client closed the connection: the handler notices and ends.
    async with asyncio.timeout(10):
        while app[sse.active_key]:  # noqa: ASYNC110 - polling the example's own state
            await asyncio.sleep(0.01)


async def test_sse_resumes_after_last_event_id(aioloom_client: AioloomClient) -> None:
    sse = load_example()
    client = await aioloom_client(sse.init_app(interval=0.01))
    for last_id, first in (("41", "42"), ("\u0664\u0661", "0"), ("x", "0")):
        buffer = ""
        headers = {"Last-Event-ID": last_id.encode()}  # non-ASCII digits are not a number
        async with client.http.stream("GET", "/events", headers=headers) as response:
            async with asyncio.timeout(10):
                async for text in response.aiter_text():
                    buffer += text
                    if parse_events(buffer):
                        break
        assert parse_events(buffer)[0]["id"] == first


async def test_format_event_splits_lines() -> None:
    sse = load_example()
    assert (
        sse.format_event("a\nb", event="x", event_id="7")
        == b"id: 7\nevent: x\ndata: a\ndata: b\n\n"
    )
    assert sse.format_event("") == b"data: \n\n"
