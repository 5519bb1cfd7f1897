"""The indexed lookup returns exactly what a linear scan in registration order returns.

Checked twice per table: before ``freeze()`` (candidates from the trie, each
resource deciding) and after it (the compiled index answering from precomputed
per-method plans, falling back to the candidates when it cannot).
"""

from __future__ import annotations

import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioloom.router import MatchInfo, UrlDispatcher
from aioloom.router._abc import AbstractResource, Resolution
from aioloom.router._dispatcher import _PathRequest
from aioloom.router._index import rank
from aioloom.router._protocols import Routable
from aioloom.router._quoting import decode_path
from aioloom.router._routes import DynamicResource, PlainResource, Resource

SEGMENTS = ["a", "b", "ab", "x1", "", "%C3%A4", "ä"]
PATTERN_SEGMENTS = [
    *SEGMENTS,
    "{v}",
    "{v}",
    "{v}",
    "a{v}",
    "{v}b",
    r"{v:\d+}",
    "{v:[ab]+}",
    "{v:.*}",
    "{v:.+}",
    "{v:[^/]*}",
    "x{v:[0-9]}",
    "{v:[{}a]+}",
]
REQUEST_SEGMENTS = [
    *SEGMENTS,
    *("1", "12", "aab", "x7", "a/b", "{a}", "a}", "%7Ba%7D", "a%2Fb", "%c3%a4", "a%2fb%25"),
]
METHODS = ["GET", "POST", "*"]


class CustomPlain(PlainResource[str]):
    """A subclass: the compiled index must not assume how it matches."""

    def match(self, path: str) -> dict[str, str] | None:
        return None if path.endswith("/b") else super().match(path)


class CustomDynamic(DynamicResource[str]):
    def match(self, path: str) -> dict[str, str] | None:
        return None if path.endswith("/b") else super().match(path)

    def resolve_sync(self, request: Routable, method: str, path: str) -> Resolution[str]:
        return Resource.resolve_sync(self, request, method, path)  # the one that calls match()


# A small alphabet makes overlapping tables (a literal and a variable branch both
# matching, a custom resource where a plain one would answer...) common.
DENSE_PATTERN_SEGMENTS = ["a", "b", "", "{v}", "{v}", "{v:.*}", "a{v}"]
DENSE_REQUEST_SEGMENTS = ["a", "b", "", "{a}", "x1"]


@st.composite
def route_paths(draw: st.DrawFn, dense: bool) -> str:
    alphabet = DENSE_PATTERN_SEGMENTS if dense else PATTERN_SEGMENTS
    parts = draw(st.lists(st.sampled_from(alphabet), min_size=1, max_size=4))
    out = []
    for number, part in enumerate(parts):
        out.append(part.replace("{v", f"{{v{number}"))
    return "/" + "/".join(out)


def request_paths(dense: bool) -> st.SearchStrategy[str]:
    alphabet = DENSE_REQUEST_SEGMENTS if dense else REQUEST_SEGMENTS
    return st.one_of(
        st.lists(st.sampled_from(alphabet), min_size=0, max_size=5).map(
            lambda parts: "/" + "/".join(parts)
        ),
        st.sampled_from(["", "a", "a/b", "//", "/a//b"]),
    )


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str]]]:
    """Routes (method, path, custom resource?) and probes (method, path)."""
    dense = draw(st.booleans())
    table = draw(
        st.lists(
            st.tuples(
                st.sampled_from(METHODS),
                route_paths(dense),
                st.sampled_from([False] * 5 + [True]),
            ),
            min_size=1,
            max_size=25,
        )
    )
    probes = draw(
        st.lists(
            st.tuples(st.sampled_from(["GET", "POST", "PUT", "HEAD"]), request_paths(dense)),
            max_size=15,
        )
    )
    return table, probes


def linear(resources: list[AbstractResource[str]], method: str, path: str) -> MatchInfo[str]:
    """The reference: every resource, in aiohttp's order (deepest literal prefix first)."""
    request = _PathRequest(method, path, None)
    path = decode_path(path)  # what the router matches
    allowed: set[str] = set()
    ranked = sorted(enumerate(resources), key=lambda item: rank(item[0], item[1].canonical))
    for _, resource in ranked:
        match, methods = resource.resolve_sync(request, method, path)
        if match is not None:
            return match
        allowed |= methods
    if allowed:
        return MatchInfo({}, None, http_status=405, allowed_methods=frozenset(allowed))
    return MatchInfo({}, None, http_status=404)


def check(router: UrlDispatcher[str], probes: list[tuple[str, str]]) -> None:
    resources = list(router.resources())
    for method, path in probes:
        slow = linear(resources, method, path)
        for fast in (
            router.resolve_path(method, path),
            router.resolve_parts(_PathRequest(method, path, None), method, path),
        ):
            assert type(fast) is MatchInfo
            assert fast.route is slow.route, (method, path)
            assert dict(fast) == dict(slow), (method, path)
            assert fast.http_status == slow.http_status, (method, path)
            assert fast.allowed_methods == slow.allowed_methods, (method, path)
            assert fast.apps == ()
            assert fast.current_app is None
            assert not fast.frozen


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(example=tables())
def test_indexed_lookup_equals_linear_scan(
    example: tuple[list[tuple[str, str, bool]], list[tuple[str, str]]],
) -> None:
    table, probes = example
    router: UrlDispatcher[str] = UrlDispatcher()
    for number, (method, path, custom) in enumerate(table):
        if custom:
            kind = DynamicResource if "{" in path else PlainResource
            resource = (CustomDynamic if kind is DynamicResource else CustomPlain)(path)
            router.register_resource(resource)
        else:
            resource = router.add_resource(path)
        if resource.route_for(method) is None and not (method == "*" and len(resource)):
            resource.add_route(method, f"h{number}")
    check(router, probes)  # not frozen: the trie's candidates, each resource deciding
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # shadowed routes are expected in random tables
        router.freeze()
    check(router, probes)  # frozen: the compiled index


def test_compiled_index_answers_the_benchmark_shapes() -> None:
    """The shapes of tools/bench/bench_router.py take the precomputed path."""
    router: UrlDispatcher[str] = UrlDispatcher()
    for i in range(50):
        router.add_get(f"/r{i}/{{x}}/detail", f"d{i}")
        router.add_get(f"/api/{{x}}/item{i}", f"s{i}")
        router.add_post(f"/plain{i}", f"p{i}")
    router.freeze()
    index = router._index
    assert index.compiled
    match = index.resolve("GET", "/r49/a b/detail")  # (the index gets the decoded path)
    assert match is not None
    assert (match.handler, dict(match)) == ("d49", {"x": "a b"})
    match = index.resolve("HEAD", "/api/abc/item7")
    assert match is not None
    assert (match.handler, dict(match)) == ("s7", {"x": "abc"})
    match = index.resolve("GET", "/plain3")
    assert match is not None
    assert (match.http_status, match.allowed_methods) == (405, {"POST"})
    for path in ("/nomatch/abc/detail", "/api/abc/nomatch", "/api/abc", "nope", ""):
        match = index.resolve("GET", path)
        assert match is not None, path
        assert match.http_status == 404, path
    assert index.resolve("GET", "/api/{x}/item1") is None  # braces: the regexes decide
    assert router.resolve_path("GET", "/api/{x}/item1").http_status == 404


def test_compiled_index_defers_to_order_where_branches_overlap() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    router.add_get("/{v0}/b", "h0")
    router.add_get("/a/{v1}", "h1")
    router.add_get("/{v2}/{v3}", "h2")
    router.freeze()
    assert router.resolve_path("GET", "/a/b").handler == "h1"  # the deeper literal prefix
    assert router.resolve_path("GET", "/a/x").handler == "h1"
    assert router.resolve_path("GET", "/c/x").handler == "h2"


def test_compiled_index_asks_resource_subclasses() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    custom = CustomDynamic("/d/{v0}")
    router.register_resource(custom)
    custom.add_route("GET", "h0")
    plain = CustomPlain("/e/b")
    router.register_resource(plain)
    plain.add_route("GET", "h1")
    router.add_get("/d/{v1}", "h2")
    router.add_get("/e/{v2}", "h3")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the diagnostics assume the base classes' matching
        router.freeze()
    assert router.resolve_path("GET", "/d/x").handler == "h0"
    assert router.resolve_path("GET", "/d/b").handler == "h2"  # the subclass said no
    assert router.resolve_path("GET", "/e/b").handler == "h3"  # this one too


def test_compiled_index_answers_literal_prefix_then_variable_without_a_walk() -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    for i in range(100):
        router.add_get(f"/r{i}/{{x}}", f"r{i}")
    router.add_get("/users/me", "me")
    router.add_get("/users/{id}", "user")
    router.add_post("/users/{uid}", "new user")
    router.add_get("/a/b/{v}", "deep")
    router.add_get("/a/{v}/c", "other")  # "/a" has a variable child: "/a/b" is no tail
    router.freeze()
    index = router._index
    assert {"/users", "/r7"} <= set(index._tails)
    assert "/a/b" not in index._tails
    cases = {
        ("GET", "/users/42"): ("user", {"id": "42"}, 200),
        ("POST", "/users/a%20b"): ("new user", {"uid": "a b"}, 200),
        ("GET", "/users/me"): ("me", {}, 200),  # the literal child wins, the usual way
        ("DELETE", "/users/42"): (None, {}, 405),
        ("GET", "/r99/x"): ("r99", {"x": "x"}, 200),
        ("GET", "/a/b/x"): ("deep", {"v": "x"}, 200),
    }
    for (method, path), (handler, variables, status) in cases.items():
        match = router.resolve_path(method, path)
        assert (match.handler, dict(match), match.http_status) == (handler, variables, status)
    # What the tail shortcut leaves to the walk: empty or braced last segments.
    assert index.resolve("GET", "/users/") is not None
    assert router.resolve_path("GET", "/users/").http_status == 404
    assert index.resolve("GET", "/users/{x}") is None
    assert index.resolve("GET", "/users/x}") is None
    slugs: UrlDispatcher[str] = UrlDispatcher()
    slugs.add_get("/{slug}", "slug")
    slugs.freeze()
    assert "" in slugs._index._tails
    assert dict(slugs.resolve_path("GET", "/about")) == {"slug": "about"}
    assert slugs.resolve_path("GET", "about").http_status == 404  # not "/about"
