"""The indexed lookup returns exactly what a linear scan in registration order returns."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioloom.router import MatchInfo, UrlDispatcher
from aioloom.router._abc import AbstractResource
from aioloom.router._dispatcher import _PathRequest

SEGMENTS = ["a", "b", "ab", "x1", "", "%C3%A4"]
PATTERN_SEGMENTS = [
    *SEGMENTS,
    "{v}",
    "a{v}",
    "{v}b",
    r"{v:\d+}",
    "{v:[ab]+}",
    "{v:.*}",
    "{v:.+}",
    "{v:[^/]*}",
    "x{v:[0-9]}",
]
METHODS = ["GET", "POST", "*"]


@st.composite
def route_paths(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(PATTERN_SEGMENTS), min_size=1, max_size=4))
    out = []
    for number, part in enumerate(parts):
        out.append(part.replace("{v", f"{{v{number}"))
    return "/" + "/".join(out)


request_paths = st.lists(
    st.sampled_from([*SEGMENTS, "1", "12", "aab", "x7", "a/b"]), min_size=0, max_size=5
).map(lambda parts: "/" + "/".join(parts))


def linear(resources: list[AbstractResource[str]], method: str, path: str) -> MatchInfo[str]:
    request = _PathRequest(method, path, None)
    allowed: set[str] = set()
    for resource in resources:
        match, methods = resource.resolve(request, method, path)
        if match is not None:
            return match
        allowed |= methods
    if allowed:
        return MatchInfo({}, None, http_status=405, allowed_methods=frozenset(allowed))
    return MatchInfo({}, None, http_status=404)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.lists(st.tuples(st.sampled_from(METHODS), route_paths()), min_size=1, max_size=25),
    probes=st.lists(st.tuples(st.sampled_from(["GET", "POST", "PUT"]), request_paths), max_size=15),
)
def test_indexed_lookup_equals_linear_scan(
    table: list[tuple[str, str]], probes: list[tuple[str, str]]
) -> None:
    router: UrlDispatcher[str] = UrlDispatcher()
    for number, (method, path) in enumerate(table):
        resource = router.add_resource(path)
        if resource.route_for(method) is None and not (method == "*" and len(resource)):
            resource.add_route(method, f"h{number}")
    resources = list(router.resources())
    for method, path in probes:
        fast = router.resolve_path(method, path)
        slow = linear(resources, method, path)
        assert fast.route is slow.route, (method, path)
        assert dict(fast) == dict(slow)
        assert fast.http_status == slow.http_status
        assert fast.allowed_methods == slow.allowed_methods
