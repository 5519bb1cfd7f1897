from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from aioloom.router import RouteShadowingWarning, UrlDispatcher


def test_same_prefix_dynamic_routes_warn_naming_both_routes() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/u/{id}", "by id")
    router.add_get("/u/{name}", "by name")
    with pytest.warns(RouteShadowingWarning) as record:
        router.freeze()
    messages = [str(item.message) for item in record]
    assert len(messages) == 2  # GET and HEAD of /u/{name}
    assert "<Route GET /u/{name} -> 'by name'> can never match" in messages[1]
    assert "<Route GET /u/{id} -> 'by id'>" in messages[1]


def test_a_deeper_literal_prefix_is_not_shadowed() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/{name}", "greet")
    router.add_get("/about", "about")  # tried first (aiohttp 3.14's order)
    router.add_get("/x/{y}", "xy")
    router.add_get("/x/y", "plain")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        router.freeze()
    assert router.shadowed_routes() == []


def test_segment_coverage_and_method_awareness() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_post("/x/{a}", "generic")
    router.add_post("/x/item{i}", "covered")
    router.add_get("/x/{b}", "other method: fine")
    router.add_route("*", "/y/{b}", "star")
    router.add_post("/y/{c}", "covered by star")
    found = {(s.route.handler, s.route.method) for s in router.shadowed_routes()}
    assert found == {("covered", "POST"), ("covered by star", "POST")}


def test_no_false_alarms() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/about", "about")
    router.add_get("/{name}", "greet")  # later dynamic: fine
    router.add_get(r"/n/{id:\d+}", "num")
    router.add_get("/n/{slug}", "slug")  # not covered by \d+
    router.add_get("/a/{x}", "ax")
    router.add_get("/a/{x}/{y}", "axy")  # more segments
    router.add_get("/e/{x:[^/]*}", "maybe empty")
    router.add_get("/e/", "empty")  # '{x}' would not match '' ... but [^/]* does
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shadowed = router.shadowed_routes()
    assert {s.route.handler for s in shadowed} <= {"empty"}


def test_static_and_nested_prefixes_shadow_later_routes(tmp_path: Path) -> None:
    router: UrlDispatcher[str] = UrlDispatcher(static_handler_factory=lambda res: "serve")
    router.add_static("/static", tmp_path)
    router.add_get("/static/{name}", "js")
    router.add_get("/static/app.js", "deeper: tried first")
    router.add_post("/static/{upload}", "post: not static's method")
    router.add_prefixed_router("/sub", UrlDispatcher(), owner="sub")
    router.add_post("/sub/{x}", "under sub")
    found = {(s.route.handler, s.route.method) for s in router.shadowed_routes()}
    assert found == {("js", "GET"), ("js", "HEAD"), ("under sub", "POST")}


def test_freeze_without_shadowing_emits_nothing() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/", "index")
    router.add_get("/{name}", "greet")
    router.freeze()  # pytest runs with filterwarnings=error


def test_shadowing_check_scales() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    for i in range(3000):
        router.add_get(f"/r{i}/{{x}}/detail", f"h{i}")
    router.freeze()
