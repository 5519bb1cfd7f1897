"""The notes app's own test suite, as written for pytest-aiohttp."""

from aiohttp import web
from aiohttp.test_utils import TestClient
from notes import NOTES, create_app


async def test_index_counts_the_notes(aiohttp_client) -> None:
    client: TestClient = await aiohttp_client(create_app())
    response = await client.get("/")
    assert response.status == 200
    assert await response.text() == "1 notes"
    assert response.headers["X-Served-By"].startswith("notes/")


async def test_a_note_round_trip(aiohttp_client) -> None:
    app = create_app()
    client = await aiohttp_client(app)
    response = await client.put("/notes/todo", data="buy milk", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/notes/todo"
    response = await client.get("/notes/todo")
    assert await response.json() == {"name": "todo", "text": "buy milk"}
    assert app[NOTES]["todo"] == "buy milk"


async def test_a_missing_note(aiohttp_client) -> None:
    client = await aiohttp_client(create_app())
    response = await client.get("/notes/nothing")
    assert response.status == 404
    assert await response.text() == "no note nothing"


async def test_the_server_fixture(aiohttp_server, aiohttp_client) -> None:
    server = await aiohttp_server(create_app())
    client = await aiohttp_client(server)
    assert (await client.get("/")).status == 200


async def test_a_raw_server(aiohttp_raw_server, aiohttp_client) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text=request.path)

    client = await aiohttp_client(await aiohttp_raw_server(handler))
    assert await (await client.get("/raw")).text() == "/raw"


def test_a_free_port(aiohttp_unused_port) -> None:
    assert 0 < aiohttp_unused_port() < 65536
