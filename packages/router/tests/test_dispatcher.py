from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from yarl import URL

from aioloom.router import (
    AbstractResource,
    DynamicResource,
    MatchInfo,
    PlainResource,
    Resolution,
    Routable,
    Route,
    RouteShadowingWarning,
    URLBuildError,
    UrlDispatcher,
)


@dataclass(frozen=True)
class Req:
    method: str
    target: str
    host: str = "example.com"
    rel_url: URL = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rel_url", URL(self.target))


def resolve(router: UrlDispatcher[str], method: str, target: str) -> MatchInfo[str]:
    request = Req(method, target)
    return router.resolve_parts(request, method, request.rel_url.raw_path)


def test_routable_protocol_is_satisfied_structurally() -> None:
    _: Routable = Req("GET", "/")


def test_plain_and_dynamic_routes() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/", "index")
    router.add_get("/users/{id}", "user")
    match = resolve(router, "GET", "/users/42")
    assert match.http_status == 200
    assert match.handler == "user"
    assert dict(match) == {"id": "42"}
    assert resolve(router, "GET", "/").handler == "index"
    assert isinstance(router.resources(), object)
    kinds = [type(resource) for resource in router.resources()]
    assert kinds == [PlainResource, DynamicResource]


def test_add_get_answers_head_unless_disabled() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/a", "a")
    router.add_get("/b", "b", allow_head=False)
    assert resolve(router, "HEAD", "/a").handler == "a"
    no_head = resolve(router, "HEAD", "/b")
    assert no_head.http_status == 405
    assert no_head.allowed_methods == {"GET"}


def test_every_shortcut_registers_its_method() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_post("/x", "post")
    router.add_put("/x", "put")
    router.add_patch("/x", "patch")
    router.add_delete("/x", "delete")
    router.add_head("/x", "head")
    router.add_options("/x", "options")
    for method in ("POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
        assert resolve(router, method, "/x").handler == method.lower()
    assert len(router.resources()) == 1  # consecutive same path: one resource
    assert resolve(router, "GET", "/x").allowed_methods == {
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
    }


def test_star_method_and_views_match_any_method() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_route("*", "/any", "any")
    route = router.add_view("/view", "ViewClass")
    assert route.method == "*"
    for method in ("GET", "POST", "PROPFIND"):
        assert resolve(router, method, "/any").handler == "any"
        assert resolve(router, method, "/view").handler == "ViewClass"


def test_405_collects_allowed_methods_and_404_otherwise() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/a/{x}", "get")
    router.add_post("/a/b", "post")
    match = resolve(router, "DELETE", "/a/b")
    assert match.http_status == 405
    assert match.route is None
    assert match.handler is None
    assert match.allowed_methods == {"GET", "HEAD", "POST"}
    missing = resolve(router, "GET", "/nope")
    assert missing.http_status == 404
    assert missing.allowed_methods == frozenset()


def test_deepest_literal_prefix_wins_then_registration_order() -> None:
    """aiohttp 3.14's order: resources filed under a longer literal prefix of the
    path are tried first; under one prefix, the first registered wins."""
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/{a}/{b}", "generic")
    router.add_post("/x/{b}", "specific")
    router.add_get("/x/{b}", "same resource, GET")
    router.add_get("/x/{c}", "shadowed")
    router.add_get("/{name}", "greet")
    router.add_get("/about", "about")
    assert resolve(router, "GET", "/x/1").handler == "same resource, GET"
    assert resolve(router, "POST", "/x/1").handler == "specific"
    assert resolve(router, "GET", "/y/1").handler == "generic"
    assert resolve(router, "GET", "/about").handler == "about"
    assert resolve(router, "GET", "/bob").handler == "greet"
    with pytest.warns(RouteShadowingWarning, match="/x/{c}"):
        router.freeze()  # the compiled index agrees
    assert resolve(router, "GET", "/x/1").handler == "same resource, GET"
    assert resolve(router, "GET", "/about").handler == "about"


def test_a_later_route_matches_when_the_earlier_one_has_not_the_method() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_post("/{name}", "post")
    router.add_get("/about", "about")
    assert resolve(router, "GET", "/about").handler == "about"
    assert resolve(router, "POST", "/about").handler == "post"


def test_duplicate_method_on_a_resource_is_rejected() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    resource = router.add_resource("/r")
    resource.add_route("GET", "a")
    with pytest.raises(RuntimeError, match="already registered"):
        resource.add_route("GET", "b")
    resource.add_route("*", "any")
    with pytest.raises(RuntimeError, match=r"method \* is already registered"):
        resource.add_route("POST", "c")


def test_invalid_method_is_rejected() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    with pytest.raises(ValueError, match="not a valid HTTP method"):
        router.add_route("GE T", "/", "x")


def test_add_resource_with_several_methods_and_names() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    resource = router.add_resource("/items/{id}", name="item")
    get = resource.add_route("GET", "get")
    resource.add_route("PUT", "put")
    assert get.name == "item"
    assert router["item"] is resource
    assert "item" in router
    assert list(router) == ["item"]
    assert len(router) == 1
    assert router.named_resources()["item"] is resource
    with pytest.raises(TypeError):
        router.named_resources()["x"] = resource  # type: ignore[index]
    assert resolve(router, "PUT", "/items/1").handler == "put"


def test_routes_and_resources_views() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    first = router.add_get("/a", "a")
    router.add_post("/b", "b")
    routes = router.routes()
    assert len(routes) == 3  # GET, HEAD, POST
    assert first in routes
    assert [route.method for route in routes] == ["HEAD", "GET", "POST"]
    resources = router.resources()
    assert len(resources) == 2
    assert first.resource in resources


@pytest.mark.parametrize("name", ["1abc", "a b", "class", "a.for", "", "a..b", "-a"])
def test_invalid_route_names_are_rejected(name: str) -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    with pytest.raises(ValueError, match="incorrect route name"):
        router.add_get("/", "x", name=name)


def test_valid_dotted_names_and_duplicates() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/a", "x", name="api.v1:items-list")
    with pytest.raises(ValueError, match=r"duplicate route name 'api\.v1:items-list'"):
        router.add_get("/b", "y", name="api.v1:items-list")


def test_url_for_plain_and_dynamic() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/about us", "a", name="about")
    router.add_get("/users/{id}/{tab}", "u", name="user")
    assert router["about"].url_for() == URL("/about%20us")
    url = router["user"].url_for(id="a b/ä?", tab="x%y")
    assert isinstance(url, URL)
    assert url.raw_path == "/users/a%20b/%C3%A4%3F/x%25y"
    assert str(url.with_query(page=2)) == "/users/a%20b/%C3%A4%3F/x%25y?page=2"


def test_url_for_missing_and_extra_parts_are_clear_errors() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/users/{id}", "u", name="user")
    router.add_get("/plain", "p", name="plain")
    with pytest.raises(URLBuildError, match="missing part\\(s\\): id"):
        router["user"].url_for()
    with pytest.raises(KeyError):  # aiohttp raised KeyError for a missing part
        router["user"].url_for()
    with pytest.raises(ValueError, match="unexpected part\\(s\\): extra"):
        router["user"].url_for(id="1", extra="2")
    with pytest.raises(URLBuildError, match="takes no parts"):
        router["plain"].url_for(x="1")


@pytest.mark.parametrize("frozen", [False, True])
def test_the_decoded_path_is_matched_as_aiohttp_does(frozen: bool) -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/путь", "plain")
    router.add_get("/путь/{x}", "dyn", name="dyn")
    router.add_get("/enc/{x:\u0430.*}", "custom")
    router.add_get("/467,802/hello", "comma")
    router.add_get("/1%2C3/hello", "written encoded")
    router.add_get(r"/ids/{ids:([0-9]+)(,([0-9]+))*}", "groups")
    router.add_get("/café", "cafe")
    if frozen:
        router.freeze()
    assert resolve(router, "GET", "/путь").handler == "plain"
    assert resolve(router, "GET", "/%D0%BF%D1%83%D1%82%D1%8C").handler == "plain"
    assert resolve(router, "GET", "/%d0%bf%d1%83%d1%82%d1%8c").handler == "plain"
    match = resolve(router, "GET", "/путь/абв")
    assert match.handler == "dyn"
    assert dict(match) == {"x": "абв"}
    # %2F and %25 stay encoded while matching: one segment, decoded in the value
    assert dict(resolve(router, "GET", "/путь/a%2Fb%25")) == {"x": "a/b%"}
    assert dict(resolve(router, "GET", "/путь/a%2fb%2541")) == {"x": "a/b%41"}
    assert resolve(router, "GET", "/путь/a/b").http_status == 404
    # a custom regex sees the decoded path
    assert dict(resolve(router, "GET", "/enc/%D0%B0%D0%B1")) == {"x": "\u0430\u0431"}
    assert resolve(router, "GET", "/467%2C802/hello").handler == "comma"
    assert resolve(router, "GET", "/467,802/hello").handler == "comma"
    # a route path is read decoded: its %2C is the text "%2C", which no decoded path has
    assert resolve(router, "GET", "/1%2C3/hello").http_status == 404
    assert dict(resolve(router, "GET", "/ids/467%2C802")) == {"ids": "467,802"}
    assert resolve(router, "GET", "/caf%c3%a9").handler == "cafe"
    assert resolve(router, "GET", "/caf%C3%A9").handler == "cafe"
    assert router["dyn"].url_for(x="я").raw_path == "/%D0%BF%D1%83%D1%82%D1%8C/%D1%8F"
    assert router["dyn"].canonical == "/%D0%BF%D1%83%D1%82%D1%8C/{x}"


def test_freeze_rejects_later_changes() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    resource = router.add_resource("/a")
    router.freeze()
    assert router.frozen
    router.freeze()  # idempotent
    with pytest.raises(RuntimeError, match="frozen"):
        router.add_get("/b", "b")
    with pytest.raises(RuntimeError, match="frozen"):
        router.add_resource("/a")  # even when it would reuse the last resource
    with pytest.raises(RuntimeError, match="frozen"):
        resource.add_route("GET", "x")


def test_expect_handler_is_stored_and_returned_in_the_match() -> None:
    async def expect(request: object) -> None:
        return None

    router: UrlDispatcher[str] = UrlDispatcher()
    route = router.add_post("/upload", "up", expect_handler=expect)
    assert route.expect_handler is expect
    assert resolve(router, "POST", "/upload").expect_handler is expect
    router.add_get("/plain", "p")
    assert resolve(router, "GET", "/plain").expect_handler is None
    assert resolve(router, "GET", "/nope").expect_handler is None


def test_path_variants_trailing_slash_and_empty_segments() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/a/", "slash")
    router.add_get("/a", "noslash")
    router.add_get("/x/{y}", "x")
    assert resolve(router, "GET", "/a/").handler == "slash"
    assert resolve(router, "GET", "/a").handler == "noslash"
    assert resolve(router, "GET", "/x/").http_status == 404
    assert resolve(router, "GET", "/x//").http_status == 404


def test_tail_catch_all() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/files/{tail:.+}", "files")
    router.add_get("/{any:.*}", "fallback")
    assert dict(resolve(router, "GET", "/files/a/b/c.txt")) == {"tail": "a/b/c.txt"}
    assert resolve(router, "GET", "/files").handler == "fallback"
    assert dict(resolve(router, "GET", "/")) == {"any": ""}


def test_resolve_path_for_adapters() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/a/{b}", "x")
    assert dict(router.resolve_path("GET", "/a/%C3%A4")) == {"b": "ä"}


class OnlyEven(AbstractResource[str]):
    """A custom resource: matches /n where n is an even number."""

    def __init__(self) -> None:
        super().__init__(name="even")
        self.route = Route("GET", "even", self)

    @property
    def canonical(self) -> str:
        return "/{even}"

    def url_for(self, **parts: str) -> URL:
        return URL.build(path="/" + parts["n"])

    def resolve_sync(self, request: Routable, method: str, path: str) -> Resolution[str]:
        number = path[1:]
        if not (number.isascii() and number.isdigit() and int(number) % 2 == 0):
            return None, frozenset()
        if method != "GET":
            return None, frozenset({"GET"})
        return MatchInfo({"n": number}, self.route), frozenset({"GET"})

    def add_prefix(self, prefix: str) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        return 1

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter([self.route])


def test_register_resource_accepts_custom_resources_in_order() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/2", "two")
    custom = OnlyEven()
    router.register_resource(custom)
    router.add_get("/{n}", "any")
    assert router.resolves_synchronously
    assert resolve(router, "GET", "/2").handler == "two"
    assert resolve(router, "GET", "/4").handler == "even"
    assert resolve(router, "GET", "/5").handler == "any"
    assert router["even"] is custom
    assert custom.route in router.routes()
    with pytest.raises(TypeError, match="AbstractResource"):
        router.register_resource("nope")  # type: ignore[arg-type]


def test_match_info_apps_chain() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/", "x")
    match = resolve(router, "GET", "/")
    assert match.apps == ()
    assert match.current_app is None
    match.add_app("root")
    assert match.apps == ("root",)
    assert match.current_app == "root"
    match.freeze()
    with pytest.raises(RuntimeError, match="freeze"):
        match.add_app("other")
    with pytest.raises(RuntimeError, match="expected one of"):
        match.current_app = "other"
    assert repr(match) == "<MatchInfo {}: <Route GET / -> 'x'>>"
    assert repr(resolve(router, "GET", "/no")) == "<MatchInfoError 404: Not Found>"
    # finish(): add_app + freeze in one call, returning the final chain
    nested = resolve(router, "GET", "/")
    nested.add_app("inner")
    assert nested.finish("root") == ("root", "inner") == nested.apps
    assert (nested.current_app, nested.frozen) == ("inner", True)
    with pytest.raises(RuntimeError, match="freeze"):
        nested.finish("again")
    plain = resolve(router, "GET", "/")
    assert (plain.finish("root"), plain.current_app) == (("root",), "root")


def test_add_resource_rejects_relative_paths() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    with pytest.raises(ValueError, match="must start with '/'"):
        router.add_get("about", "x")


class AsyncEven(OnlyEven):
    """aiohttp's way: only ``async def resolve(request)``."""

    async def resolve(self, request: Routable) -> Resolution[str]:
        await asyncio.sleep(0)  # e.g. a look-up elsewhere
        return OnlyEven.resolve_sync(self, request, request.method, request.rel_url.path)


class WrappingPlain(PlainResource[str]):
    """A built-in resource whose resolve() wraps the built-in answer."""

    async def resolve(self, request: Routable) -> Resolution[str]:
        match, methods = await super().resolve(request)
        if match is not None:
            match["wrapped"] = "yes"
        return match, methods


@pytest.mark.asyncio
async def test_resources_that_override_resolve_are_awaited() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/2", "two")
    router.register_resource(AsyncEven())
    wrapped = WrappingPlain("/w")
    router.register_resource(wrapped)
    wrapped.add_route("GET", "w")
    router.add_get("/{n}", "any")
    router.freeze()
    assert not router.resolves_synchronously
    assert (await router.resolve(Req("GET", "/2"))).handler == "two"
    assert (await router.resolve(Req("GET", "/4"))).handler == "even"
    assert (await router.resolve(Req("GET", "/5"))).handler == "any"
    assert dict(await router.resolve(Req("GET", "/w"))) == {"wrapped": "yes"}
    missing = await router.resolve(Req("POST", "/4"))
    assert (missing.http_status, missing.allowed_methods) == (405, {"GET", "HEAD"})
    with pytest.raises(RuntimeError, match="must be awaited"):
        resolve(router, "GET", "/4")
    # nested: the outer router must await too
    inner: UrlDispatcher[str] = UrlDispatcher()
    inner_wrapped = WrappingPlain("/w")
    inner.register_resource(inner_wrapped)
    inner_wrapped.add_route("GET", "inner w")
    outer: UrlDispatcher[str] = UrlDispatcher()
    outer.add_prefixed_router("/sub", inner, owner="sub")
    outer.freeze()
    assert not outer.resolves_synchronously
    match = await outer.resolve(Req("GET", "/sub/w"))
    assert (match.handler, match.apps, dict(match)) == ("inner w", ("sub",), {"wrapped": "yes"})


@pytest.mark.asyncio
async def test_await_resolve_on_routers_and_resources_as_aiohttp() -> None:
    router: UrlDispatcher[str] = UrlDispatcher(error_factory=lambda *args: LookupError(*args))
    resource = router.add_resource("/r/{x}")
    resource.add_route("GET", "get")
    assert await resource.resolve(Req("GET", "/r/a%20b")) == ({"x": "a b"}, {"GET"})
    assert await resource.resolve(Req("PUT", "/r/1")) == (None, {"GET"})
    assert await resource.resolve(Req("GET", "/other")) == (None, set())
    match = await router.resolve(Req("GET", "/r/1"))
    assert (match.handler, match.http_exception) == ("get", None)
    not_allowed = await router.resolve(Req("PUT", "/r/1"))
    error = not_allowed.http_exception
    assert isinstance(error, LookupError)
    assert error.args == (405, "PUT", frozenset({"GET"}))
    assert not_allowed.http_exception is error  # made once
    assert not_allowed.get_info() == {"http_exception": error}
    assert (await router.resolve(Req("GET", "/nope"))).http_exception.args[0] == 404  # type: ignore[union-attr]
    assert UrlDispatcher[str]().resolve_path("GET", "/").http_exception is None  # no factory
