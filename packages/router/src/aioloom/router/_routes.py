"""Resources (a path pattern) and routes (a method + handler on a resource)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Resource", "Route"]

H = TypeVar("H")

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class Route(Generic[H]):
    method: str
    handler: H
    resource: Resource[H]


class Resource(Generic[H]):
    """A path pattern: plain (``/about``) or with ``{name}`` variables."""

    def __init__(self, path: str) -> None:
        if not path.startswith("/"):
            raise ValueError(f"route path {path!r} must start with '/'")
        self.path = path
        self.routes: list[Route[H]] = []
        pattern = ""
        last = 0
        for match in _VARIABLE.finditer(path):
            pattern += re.escape(path[last : match.start()])
            pattern += f"(?P<{match.group(1)}>[^{{}}/]+)"
            last = match.end()
        pattern += re.escape(path[last:])
        self._pattern = re.compile(pattern)
        self.is_plain = last == 0

    def match(self, path: str) -> dict[str, str] | None:
        found = self._pattern.fullmatch(path)
        return None if found is None else found.groupdict()

    def add_route(self, method: str, handler: H) -> Route[H]:
        route = Route(method.upper(), handler, self)
        self.routes.append(route)
        return route
