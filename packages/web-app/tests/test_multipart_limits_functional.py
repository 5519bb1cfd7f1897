"""``client_max_size`` bounds a part of ``request.multipart()`` read whole, as in aiohttp."""

from __future__ import annotations

import httpx
import pytest

from aioloom import web

pytestmark = pytest.mark.asyncio


def _app() -> web.Application:
    async def whole(request: web.Request) -> web.Response:
        reader = await request.multipart()
        part = await reader.next()
        assert isinstance(part, web.BodyPartReader)
        return web.Response(text=str(len(await part.text())))

    async def chunks(request: web.Request) -> web.Response:
        reader = await request.multipart()
        part = await reader.next()
        assert isinstance(part, web.BodyPartReader)
        size = 0
        while chunk := await part.read_chunk(100):
            size += len(chunk)
        return web.Response(text=str(size))

    app = web.Application(client_max_size=1000)
    app.router.add_post("/whole", whole)
    app.router.add_post("/chunks", chunks)
    return app


@pytest.mark.parametrize(("size", "status"), [(1000, 200), (1020, 413), (5000, 413)])
async def test_a_part_read_whole_is_bounded(serve, size: int, status: int) -> None:
    server = await serve(_app())
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        response = await client.post("/whole", files={"f": ("f.txt", b"x" * size)})
    assert response.status_code == status
    if status == 200:
        assert response.text == str(size)


async def test_a_part_read_in_chunks_is_not(serve) -> None:
    server = await serve(_app())
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        response = await client.post("/chunks", files={"f": ("f.txt", b"x" * 5000)})
    assert (response.status_code, response.text) == (200, "5000")
