"""aiohttp-pydantic: a validation error is its 4xx; the OpenAPI spec is served."""

# No "from __future__ import annotations": aiohttp-pydantic reads the handlers'
# annotations, which name classes local to the test.

import pytest

pytestmark = [pytest.mark.usefixtures("compat"), pytest.mark.asyncio]


async def test_validation_and_spec(serve) -> None:
    from aiohttp import web
    from aiohttp_pydantic import PydanticView, oas
    from pydantic import BaseModel

    class Note(BaseModel):
        title: str
        stars: int

    class Notes(PydanticView):
        async def get(self, limit: int = 10) -> web.Response:
            return web.json_response({"limit": limit})

        async def post(self, note: Note) -> web.Response:
            return web.json_response(note.model_dump(), status=201)

    app = web.Application()
    app.router.add_view("/notes", Notes)
    oas.setup(app)
    async with serve(app) as client:
        assert (await client.get("/notes", params={"limit": "3"})).json() == {"limit": 3}
        bad = await client.get("/notes", params={"limit": "many"})
        assert bad.status_code == 400
        assert bad.json()[0]["loc"] == ["limit"]
        created = await client.post("/notes", json={"title": "a", "stars": 2})
        assert (created.status_code, created.json()) == (201, {"title": "a", "stars": 2})
        invalid = await client.post("/notes", json={"title": "a"})
        assert invalid.status_code == 400
        spec = await client.get("/oas/spec")
        assert spec.status_code == 200
        assert "/notes" in spec.json()["paths"]
