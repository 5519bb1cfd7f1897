from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from yarl import URL

from aioloom.router import (
    Domain,
    DomainResource,
    HostRoutable,
    MaskDomain,
    MatchInfo,
    PrefixedResource,
    Routable,
    UrlDispatcher,
    domain_rule,
)


def sync_resolve(router: UrlDispatcher[str], request: Routable) -> MatchInfo[str]:
    """What ``await router.resolve(request)`` answers, the way a server asks."""
    return router.resolve_parts(request, request.method, request.rel_url.raw_path)


@dataclass(frozen=True)
class Req:
    method: str
    target: str
    host: str = "example.com"
    rel_url: URL = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rel_url", URL(self.target))


@dataclass(frozen=True)
class NoHost:
    method: str
    rel_url: URL


def test_host_routable_protocol() -> None:
    _: HostRoutable = Req("GET", "/")


def test_prefixed_router_resolves_below_its_prefix_and_records_the_owner() -> None:
    root: UrlDispatcher[str] = UrlDispatcher()
    sub: UrlDispatcher[str] = UrlDispatcher()
    sub.add_get("/", "sub-index", name="sub-index")
    sub.add_get("", "sub-root")
    sub.add_get("/items/{id}", "item", name="item")
    resource = root.add_prefixed_router("/api", sub, owner="subapp")
    assert isinstance(resource, PrefixedResource)
    root.add_get("/other", "other")
    match = sync_resolve(root, Req("GET", "/api/items/3"))
    assert match.handler == "item"
    assert dict(match) == {"id": "3"}
    assert match.apps == ("subapp",)
    assert match.current_app == "subapp"
    match.add_app("root")  # the web layer adds the root owner
    assert match.apps == ("root", "subapp")
    assert match.current_app == "subapp"
    assert sync_resolve(root, Req("GET", "/api/")).handler == "sub-index"
    assert sync_resolve(root, Req("GET", "/api")).handler == "sub-root"
    assert sync_resolve(root, Req("GET", "/apix")).http_status == 404
    assert sync_resolve(root, Req("GET", "/other")).handler == "other"
    # url_for of sub-router routes includes the prefix
    assert sub["item"].url_for(id="7") == URL("/api/items/7")
    assert sub["sub-index"].url_for() == URL("/api/")
    # routes of the nested router are visible through the resource
    assert len(resource) == 6  # GET and HEAD of three resources
    with pytest.raises(RuntimeError, match="not supported"):
        resource.url_for()


def test_nested_404_and_405_are_final_and_carry_the_owner() -> None:
    root: UrlDispatcher[str] = UrlDispatcher()
    sub: UrlDispatcher[str] = UrlDispatcher()
    sub.add_post("/form", "post")
    root.add_prefixed_router("/sub", sub, owner="subapp")
    root.add_get("/sub/{late}", "never")  # (under the same literal prefix, tried after)
    missing = sync_resolve(root, Req("GET", "/sub/late"))
    assert missing.http_status == 404
    assert missing.apps == ("subapp",)
    not_allowed = sync_resolve(root, Req("GET", "/sub/form"))
    assert not_allowed.http_status == 405
    assert not_allowed.allowed_methods == {"POST"}
    assert not_allowed.apps == ("subapp",)


def test_routes_added_after_nesting_get_the_prefix_and_deep_nesting() -> None:
    root: UrlDispatcher[str] = UrlDispatcher()
    mid: UrlDispatcher[str] = UrlDispatcher()
    leaf: UrlDispatcher[str] = UrlDispatcher()
    mid.add_prefixed_router("/b", leaf, owner="leaf")
    root.add_prefixed_router("/a", mid, owner="mid")
    leaf.add_get("/c/{x}", "deep", name="deep")
    mid.add_get("/m", "mid-route")
    match = sync_resolve(root, Req("GET", "/a/b/c/1"))
    assert match.handler == "deep"
    assert match.apps == ("mid", "leaf")
    assert match.current_app == "leaf"
    assert leaf["deep"].url_for(x="1") == URL("/a/b/c/1")
    assert sync_resolve(root, Req("GET", "/a/m")).handler == "mid-route"
    assert leaf.prefix == "/a/b"


def test_prefix_validation() -> None:
    root: UrlDispatcher[str] = UrlDispatcher()
    for bad in ("api", "/", "/{x}"):
        with pytest.raises(ValueError, match="prefix"):
            root.add_prefixed_router(bad, UrlDispatcher(), owner=None)
    with pytest.raises(ValueError, match="itself"):
        root.add_prefixed_router("/x", root)
    sub: UrlDispatcher[str] = UrlDispatcher()
    root.add_prefixed_router("/trailing/", sub)
    sub.add_get("/x", "x")
    assert sync_resolve(root, Req("GET", "/trailing/x")).handler == "x"


def test_freezing_the_parent_freezes_nested_routers() -> None:
    root: UrlDispatcher[str] = UrlDispatcher()
    sub: UrlDispatcher[str] = UrlDispatcher()
    root.add_prefixed_router("/s", sub)
    root.freeze()
    assert sub.frozen


def test_domain_router_exact_and_mask() -> None:
    root: UrlDispatcher[str] = UrlDispatcher()
    exact: UrlDispatcher[str] = UrlDispatcher()
    masked: UrlDispatcher[str] = UrlDispatcher()
    exact.add_get("/", "exact")
    masked.add_get("/", "masked")
    root.add_get("/", "root")
    resource = root.add_domain_router("Example.com", exact, owner="exact-app")
    assert isinstance(resource, DomainResource)
    root.add_domain_router("*.example.com", masked, owner="masked-app")
    # domain resources are consulted first, even when registered after a path route
    match = sync_resolve(root, Req("GET", "/", host="example.com"))
    assert match.handler == "exact"
    assert match.apps == ("exact-app",)
    assert sync_resolve(root, Req("GET", "/", host="EXAMPLE.COM:8080")).handler == "exact"
    assert sync_resolve(root, Req("GET", "/", host="api.example.com")).handler == "masked"
    assert sync_resolve(root, Req("GET", "/", host="a.b.example.com")).handler == "masked"
    assert sync_resolve(root, Req("GET", "/", host="other.org")).handler == "root"
    assert sync_resolve(root, Req("GET", "/", host="")).handler == "root"
    # a matched domain's 404 is final (as in aiohttp)
    assert sync_resolve(root, Req("GET", "/nope", host="example.com")).apps == ("exact-app",)


def test_domain_routing_needs_a_host() -> None:
    root: UrlDispatcher[str] = UrlDispatcher()
    root.add_domain_router("example.com", UrlDispatcher())
    with pytest.raises(TypeError, match="host"):
        sync_resolve(root, NoHost("GET", URL("/")))
    assert root.resolve_path("GET", "/", host="other").http_status == 404


def test_domain_rules() -> None:
    assert isinstance(domain_rule("*.example.com"), MaskDomain)
    assert domain_rule("example.com.").canonical == "example.com"
    assert Domain("example.com:8080").match("example.com:8080")
    assert not Domain("example.com:8080").match("example.com:9090")
    assert not MaskDomain("*.example.com").match("example.com")
    assert MaskDomain("*.example.com").match_domain("a.example.com")  # aiohttp's names
    assert Domain("Example.com:81").get_info() == {"domain": "example.com:81"}
    assert not MaskDomain("*.example.com:81").match("a.example.com:82")
    for bad in ("", "http://example.com", "exa mple.com", "-bad.com", "a/b"):
        with pytest.raises(ValueError, match=r"domain|Domain"):
            Domain(bad)
