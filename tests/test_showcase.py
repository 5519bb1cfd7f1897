"""The showcase application (examples/showcase/app.py), in process."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from aioloom.testing import AioloomClient

APP_FILE = Path(__file__).resolve().parent.parent / "examples" / "showcase" / "app.py"


def load_showcase(name: str = "showcase_app", source: str | None = None) -> ModuleType:
    """The app file as a module; ``source`` replaces its text (the aiohttp variant)."""
    spec = importlib.util.spec_from_file_location(name, APP_FILE)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    code = compile(source or APP_FILE.read_text(), str(APP_FILE), "exec")
    exec(code, module.__dict__)  # noqa: S102 - the repository's own example
    return module


create_app = load_showcase().create_app


@pytest.fixture
def in_process() -> dict[str, bool]:
    return {"in_process": True}


@pytest.mark.asyncio
async def test_page_and_static_assets(aioloom_client: AioloomClient) -> None:
    # Over a socket: in-process mode does not deliver FileResponse bodies yet.
    client = await aioloom_client(create_app)
    page = await client.get("/")
    assert page.status == 200
    assert page.content_type == "text/html"
    text = await page.text()
    for asset in ("/static/app.js", "/static/style.css"):
        assert asset in text
    script = await client.get("/static/app.js")
    assert script.status == 200
    assert "new WebSocket" in await script.text()
    assert (await client.get("/static/../app.py")).status == 404


@pytest.mark.asyncio
async def test_json_api(aioloom_client: AioloomClient, in_process: dict[str, bool]) -> None:
    client = await aioloom_client(create_app, server_kwargs=in_process)
    assert await (await client.get("/api/notes")).json() == {
        "notes": [{"id": "1", "text": "Welcome to aioloom"}]
    }
    created = await client.post("/api/notes", json={"text": "  second  "})
    assert created.status == 201
    assert await created.json() == {"id": "2", "text": "second"}
    assert (await client.post("/api/notes", json={"text": ""})).status == 422
    assert (await client.post("/api/notes", data=b"{not json")).status == 400
    assert len((await (await client.get("/api/notes")).json())["notes"]) == 2


@pytest.mark.asyncio
async def test_upload_reports_size_and_digest(
    aioloom_client: AioloomClient, in_process: dict[str, bool]
) -> None:
    client = await aioloom_client(create_app, server_kwargs=in_process)
    data = bytes(range(256)) * 1000
    response = await client.post("/upload", files={"file": ("blob.bin", data, "application/x")})
    assert await response.json() == {
        "filename": "blob.bin",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    assert (await client.post("/upload", files={"other": ("x", b"1", "text/plain")})).status == 400
    too_big = b"x" * (2 * 1024 * 1024 + 1)
    response = await client.post("/upload", files={"file": ("big", too_big, "application/x")})
    assert response.status == 413


@pytest.mark.asyncio
async def test_ticker_streams_events(
    aioloom_client: AioloomClient, in_process: dict[str, bool]
) -> None:
    client = await aioloom_client(create_app, server_kwargs=in_process)
    response = await client.get("/events?count=2")
    assert response.headers["Content-Type"] == "text/event-stream"
    body = await response.text()
    assert body.count("event: tick\n") == 2
    assert 'data: {"n": 1, "notes": 1}' in body


@pytest.mark.asyncio
async def test_chat_broadcasts_to_every_member(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(create_app)
    alice = await client.ws_connect("/ws")
    bob = await client.ws_connect("/ws")
    await alice.send_json({"name": "alice", "text": "hi bob"})
    assert await bob.receive_json() == {"name": "alice", "text": "hi bob"}
    assert await alice.receive_json() == {"name": "alice", "text": "hi bob"}
    await alice.send_str("not json")  # ignored, the connection stays open
    await bob.send_json({"name": "bob", "text": "hi"})
    assert await alice.receive_json() == {"name": "bob", "text": "hi"}
    await alice.close()
    await bob.close()
