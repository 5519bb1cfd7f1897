"""Form posts and uploads over a real socket, sent by httpx and by curl."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess

import pytest

from aioloom import web
from aioloom.testing import AioloomClient

pytestmark = pytest.mark.asyncio


async def store_mp3_handler(request: web.Request) -> web.Response:
    # The upload example of aiohttp's docs, as written there.
    data = await request.post()
    mp3 = data["mp3"]
    filename = mp3.filename
    mp3_file = data["mp3"].file
    content = mp3_file.read()
    return web.Response(
        body=content, headers={"CONTENT-DISPOSITION": f'attachment; filename="{filename}"'}
    )


async def digest(request: web.Request) -> web.Response:
    data = await request.post()
    upload = data["file"]
    sha = hashlib.sha256()
    while chunk := upload.file.read(1 << 20):
        sha.update(chunk)
    return web.json_response(
        {"name": data["name"], "filename": upload.filename, "sha256": sha.hexdigest()}
    )


async def streaming(request: web.Request) -> web.Response:
    reader = await request.multipart()
    names = []
    async for part in reader:
        size = 0
        while chunk := await part.read_chunk():
            size += len(chunk)
        names.append(f"{part.name}:{size}")
    return web.Response(text=",".join(names))


def make_app(max_size: int = 1024**2) -> web.Application:
    app = web.Application(client_max_size=max_size)
    app.router.add_post("/mp3", store_mp3_handler)
    app.router.add_post("/digest", digest)
    app.router.add_post("/stream", streaming)
    return app


async def test_docs_upload_example(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    response = await client.post("/mp3", files={"mp3": ("song.mp3", b"ID3 fake", "audio/mpeg")})
    assert response.status == 200
    assert await response.read() == b"ID3 fake"
    assert response.headers["Content-Disposition"] == 'attachment; filename="song.mp3"'


async def test_urlencoded_form(aioloom_client: AioloomClient) -> None:
    async def form(request: web.Request) -> web.Response:
        data = await request.post()
        return web.json_response({k: data.getall(k) for k in data})

    app = web.Application()
    app.router.add_post("/", form)
    client = await aioloom_client(app)
    response = await client.post("/", data={"a": ["1", "2"], "b": "é"})
    assert await response.json() == {"a": ["1", "2"], "b": ["é"]}


async def test_form_over_client_max_size_is_413(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(lambda: make_app(max_size=1000))
    response = await client.post("/digest", data={"name": "x"}, files={"file": ("f", b"z" * 5000)})
    assert response.status == 413
    assert "Maximum request body size 1000 exceeded" in await response.text()


async def test_malformed_multipart_is_400(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    response = await client.post(
        "/digest",
        content=b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nunterminated',
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status == 400
    assert "malformed form" in await response.text()


async def test_streaming_multipart_reader(aioloom_client: AioloomClient) -> None:
    client = await aioloom_client(make_app)
    response = await client.post(
        "/stream", data={"a": "xyz"}, files={"f": ("f.bin", os.urandom(300_000))}
    )
    assert await response.text() == "a:3,f:300000"


async def test_curl_upload_of_a_large_file(aioloom_client: AioloomClient, tmp_path) -> None:
    curl = shutil.which("curl")
    if curl is None:
        if os.environ.get("CI") == "true":
            pytest.fail("curl is required in CI")
        pytest.skip("curl is not installed")
    payload = tmp_path / "big.bin"
    payload.write_bytes(os.urandom(8 * 1024 * 1024))
    client = await aioloom_client(lambda: make_app(max_size=64 * 1024 * 1024))
    process = await asyncio.create_subprocess_exec(
        curl,
        "-sS",
        "-F",
        "name=big",
        "-F",
        f"file=@{payload}",
        client.make_url("/digest"),
        stdout=subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    result = json.loads(out)
    assert result == {
        "name": "big",
        "filename": "big.bin",
        "sha256": hashlib.sha256(payload.read_bytes()).hexdigest(),
    }
