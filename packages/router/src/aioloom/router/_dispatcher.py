"""The URL dispatcher: registration order decides which route wins."""

from __future__ import annotations

from typing import Generic, TypeVar

from ._match import MatchInfo
from ._protocols import Routable
from ._routes import Resource, Route

__all__ = ["UrlDispatcher"]

H = TypeVar("H")


class UrlDispatcher(Generic[H]):
    def __init__(self) -> None:
        self._resources: list[Resource[H]] = []
        self._frozen = False

    def add_resource(self, path: str) -> Resource[H]:
        if self._frozen:
            raise RuntimeError("cannot add routes: the router is frozen (the app has started)")
        resource: Resource[H] = Resource(path)
        self._resources.append(resource)
        return resource

    def add_route(self, method: str, path: str, handler: H) -> Route[H]:
        return self.add_resource(path).add_route(method, handler)

    def add_get(self, path: str, handler: H, *, allow_head: bool = True) -> Route[H]:
        resource = self.add_resource(path)
        if allow_head:
            resource.add_route("HEAD", handler)
        return resource.add_route("GET", handler)

    def freeze(self) -> None:
        self._frozen = True

    @property
    def frozen(self) -> bool:
        return self._frozen

    def resolve(self, request: Routable) -> MatchInfo[H]:
        method = request.method
        path = request.rel_url.path
        allowed: set[str] = set()
        for resource in self._resources:
            variables = resource.match(path)
            if variables is None:
                continue
            for route in resource.routes:
                if route.method in (method, "*"):
                    return MatchInfo(variables, route)
                allowed.add(route.method)
        if allowed:
            return MatchInfo({}, None, http_status=405, allowed_methods=frozenset(allowed))
        return MatchInfo({}, None, http_status=404)
