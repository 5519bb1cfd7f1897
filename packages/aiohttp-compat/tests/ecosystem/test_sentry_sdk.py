"""sentry-sdk's AioHttpIntegration: a failing handler gives an event with request data.

In a child process: the integration patches the Application and UrlDispatcher
classes it finds once per process, and those are aioloom's under compat.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest

SCRIPT = textwrap.dedent(
    """
    import asyncio, json
    from aioloom.aiohttp_compat import install
    install()
    import httpx, sentry_sdk
    from aiohttp import web
    from sentry_sdk.integrations.aiohttp import AioHttpIntegration
    from sentry_sdk.transport import Transport

    events = []

    class Capture(Transport):
        def capture_envelope(self, envelope):
            for item in envelope.items:
                if item.type == "event":
                    events.append(item.payload.json)

    sentry_sdk.init(
        dsn="http://public@sentry.invalid/1",
        transport=Capture,
        integrations=[AioHttpIntegration()],
        default_integrations=False,
    )

    async def broken(request):
        raise ZeroDivisionError("no notes")

    async def main():
        app = web.Application()
        app.router.add_get("/notes/{id}", broken)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/notes/3?x=1")
        await runner.cleanup()
        sentry_sdk.flush()
        print(json.dumps({"status": response.status_code, "events": events}))

    asyncio.run(main())
    """
)


@pytest.fixture(scope="module")
def event() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 500
    [event] = report["events"]
    found: dict[str, Any] = event
    return found


def test_an_event_with_request_data_for_a_failing_handler(event: dict[str, Any]) -> None:
    [exception] = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("ZeroDivisionError", "no notes")
    assert event["request"]["method"] == "GET"
    assert event["request"]["url"].endswith("/notes/3")
    assert event["request"]["query_string"] == "x=1"


def test_the_transaction_is_named_by_the_route(event: dict[str, Any]) -> None:
    assert event["transaction"] == "/notes/{id}"
