from __future__ import annotations

from pathlib import Path

import pytest

import aioloom.router as r
from aioloom.router import RouteDef, RouteTableDef, StaticDef, UrlDispatcher


def test_route_definition_functions() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    routes = router.add_routes(
        [
            r.get("/g", "get", name="g"),
            r.get("/nohead", "get2", allow_head=False),
            r.post("/p", "post"),
            r.put("/p", "put"),
            r.patch("/p", "patch"),
            r.delete("/p", "delete"),
            r.head("/h", "head"),
            r.options("/o", "options"),
            r.route("PROPFIND", "/dav", "dav"),
            r.view("/v", "View"),
        ]
    )
    assert [route.method for route in routes] == [
        "GET",
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
        "PROPFIND",
        "*",
    ]
    assert router.resolve_path("HEAD", "/g").handler == "get"
    assert router.resolve_path("HEAD", "/nohead").http_status == 405
    assert router.resolve_path("PATCH", "/v").handler == "View"
    assert "g" in router
    assert repr(r.get("/x", "h")) == "<RouteDef GET /x -> 'h', allow_head=True, name=None>"


def test_route_table_def_decorators_iteration_and_indexing(tmp_path: Path) -> None:
    routes: RouteTableDef[str] = RouteTableDef()

    @routes.get("/a", name="a")
    def a() -> str:
        return "a"

    routes.post("/a")("post-handler")
    routes.put("/a")("put")
    routes.patch("/a")("patch")
    routes.delete("/a")("delete")
    routes.head("/h")("head")
    routes.options("/a")("options")
    routes.route("PROPFIND", "/dav")("dav")
    routes.view("/view")("View")
    routes.static("/static", tmp_path)
    assert len(routes) == 10
    assert isinstance(routes[0], RouteDef)
    assert isinstance(routes[-1], StaticDef)
    assert len(routes[1:3]) == 2
    assert routes[0] in routes
    assert list(routes)[1].handler == "post-handler"  # type: ignore[attr-defined]
    assert repr(routes) == "<RouteTableDef count=10>"
    router: UrlDispatcher[str] = UrlDispatcher(static_handler_factory=lambda res: "static")
    router.add_routes(routes)
    assert router.resolve_path("GET", "/a").handler is a
    assert router.resolve_path("PROPFIND", "/dav").handler == "dav"
    assert router.resolve_path("DELETE", "/view").handler == "View"
    assert router.resolve_path("GET", "/static/x").handler == "static"


def test_static_def_needs_the_factory(tmp_path: Path) -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    with pytest.raises(RuntimeError, match="static_handler_factory"):
        router.add_routes([r.static("/s", tmp_path)])
