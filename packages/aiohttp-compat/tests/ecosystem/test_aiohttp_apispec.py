"""aiohttp-apispec: the spec is served with a documented handler's schema; requests are validated.

aiohttp-apispec 2.2.3 requires webargs<6 and apispec<4, which fail on marshmallow 4
(apispec reads ``marshmallow.__version__``) and warn on marshmallow 3.13+: the test
environment pins marshmallow 3.12.2. Both import ``distutils``, deprecated on 3.11,
and aiohttp-apispec keeps its state under string keys of the application
(``NotAppKeyWarning``, as on aiohttp).
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [
    pytest.mark.usefixtures("compat"),
    pytest.mark.asyncio,
    pytest.mark.filterwarnings("ignore:The distutils package is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:It is recommended to use web.AppKey:UserWarning"),
    # webargs raises its 422 as HTTPUnprocessableEntity(body=...), which aiohttp 3.14
    # accepts with this same warning.
    pytest.mark.filterwarnings(
        "ignore:body argument is deprecated for http web exceptions:DeprecationWarning"
    ),
]


def _app() -> Any:
    from aiohttp import web
    from aiohttp_apispec import (
        docs,
        request_schema,
        response_schema,
        setup_aiohttp_apispec,
        validation_middleware,
    )
    from marshmallow import Schema, fields

    class NoteSchema(Schema):
        title = fields.Str(required=True)
        stars = fields.Int(required=True)

    @docs(tags=["notes"], summary="Add a note")
    @request_schema(NoteSchema)
    @response_schema(NoteSchema, 201)
    async def add_note(request: web.Request) -> web.Response:
        return web.json_response(request["data"], status=201)

    async def plain(request: web.Request) -> web.Response:
        return web.Response(text="plain")

    app = web.Application()
    app.router.add_post("/notes", add_note)
    app.router.add_get("/plain", plain)
    app.middlewares.append(validation_middleware)
    setup_aiohttp_apispec(
        app, title="Notes", version="v1", url="/api/docs/swagger.json", swagger_path="/api/docs"
    )
    return app


async def test_the_spec_is_served(serve) -> None:
    async with serve(_app()) as client:
        response = await client.get("/api/docs/swagger.json")
        assert response.status_code == 200
        spec = response.json()
        assert spec["info"] == {"title": "Notes", "version": "v1"}
        operation = spec["paths"]["/notes"]["post"]
        assert (operation["tags"], operation["summary"]) == (["notes"], "Add a note")
        [body] = operation["parameters"]
        assert (body["in"], body["schema"]) == ("body", {"$ref": "#/definitions/Note"})
        assert operation["responses"]["201"]["schema"] == {"$ref": "#/definitions/Note"}
        note = spec["definitions"]["Note"]
        assert note["properties"] == {
            "title": {"type": "string"},
            "stars": {"type": "integer", "format": "int32"},
        }
        assert sorted(note["required"]) == ["stars", "title"]
        assert "/plain" not in spec["paths"]


async def test_a_request_is_validated(serve) -> None:
    async with serve(_app()) as client:
        created = await client.post("/notes", json={"title": "a", "stars": 2})
        assert (created.status_code, created.json()) == (201, {"title": "a", "stars": 2})
        invalid = await client.post("/notes", json={"title": "a", "stars": "many"})
        assert invalid.status_code == 422
        assert "stars" in invalid.json()
        assert (await client.get("/plain")).text == "plain"


async def test_swagger_ui_is_served(serve) -> None:
    async with serve(_app()) as client:
        page = await client.get("/api/docs")
        assert page.status_code == 200
        assert 'href="/static/swagger/swagger-ui.css"' in page.text  # static url_for(filename=)
        assert "/api/docs/swagger.json" in page.text
        css = await client.get("/static/swagger/swagger-ui.css")
        assert (css.status_code, css.headers["Content-Type"]) == (200, "text/css")
