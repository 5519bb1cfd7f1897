"""Routes (a method + handler on a resource) and path resources (plain, dynamic)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from typing import TypeVar

from yarl import URL

from ._abc import NO_METHODS, AbstractResource, AbstractRoute, IndexKey, MatchInfo, Resolution
from ._errors import URLBuildError
from ._names import METH_ANY, validate_method
from ._pattern import PathPattern, parse_pattern
from ._protocols import ExpectHandler, Routable
from ._quoting import quote_path, unquote_safe

__all__ = [
    "DynamicResource",
    "PlainResource",
    "Resource",
    "ResourceRoute",
    "Route",
]

H = TypeVar("H")


class Route(AbstractRoute[H]):
    """A handler for one method (or ``*``) on a resource (aiohttp's ``ResourceRoute``)."""

    __slots__ = ("_resource", "expect_handler", "handler", "method")

    def __init__(
        self,
        method: str,
        handler: H,
        resource: AbstractResource[H],
        *,
        expect_handler: ExpectHandler | None = None,
    ) -> None:
        self.method = validate_method(method)
        self.handler = handler
        self._resource = resource
        self.expect_handler = expect_handler

    @property
    def resource(self) -> AbstractResource[H]:
        return self._resource

    @property
    def name(self) -> str | None:
        return self.resource.name

    def url_for(self, **parts: str) -> URL:
        return self.resource.url_for(**parts)

    def get_info(self) -> dict[str, object]:
        return self.resource.get_info()

    def __repr__(self) -> str:
        handler = getattr(self.handler, "__qualname__", None) or repr(self.handler)
        name = f" name={self.name!r}" if self.name is not None else ""
        return f"<Route {self.method} {self.resource.canonical}{name} -> {handler}>"


class Resource(AbstractResource[H]):
    """A resource holding one route per method; matching is left to subclasses."""

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._routes: dict[str, Route[H]] = {}
        self._any_route: Route[H] | None = None
        self._allowed: frozenset[str] = NO_METHODS
        self._frozen = False

    def add_route(
        self, method: str, handler: H, *, expect_handler: ExpectHandler | None = None
    ) -> Route[H]:
        route = Route(method, handler, self, expect_handler=expect_handler)
        self.register_route(route)
        return route

    def register_route(self, route: Route[H]) -> None:
        if self._frozen:
            raise RuntimeError(
                f"cannot add {route.method} to {self.canonical!r}: the router is frozen "
                "(the app has started)"
            )
        existing = self._routes.get(route.method, self._any_route)
        if existing is not None:
            raise RuntimeError(
                f"added route will never be executed: method {existing.method} is already "
                f"registered for {self.canonical!r}"
            )
        if route.method == METH_ANY:
            self._any_route = route
        self._routes[route.method] = route
        self._allowed = frozenset(self._routes)

    def route_for(self, method: str) -> Route[H] | None:
        """The route that answers ``method`` here (its own, or the ``*`` route)."""
        return self._routes.get(method, self._any_route)

    @property
    def any_route(self) -> Route[H] | None:
        """The ``*`` route, answering every method without a route of its own."""
        return self._any_route

    def freeze(self) -> None:
        self._frozen = True

    @abstractmethod
    def match(self, path: str) -> dict[str, str] | None:
        """The variables when ``path`` (decoded) matches, else None."""

    def resolve_sync(self, request: Routable, method: str, path: str) -> Resolution[H]:
        variables = self.match(path)
        if variables is None:
            return None, NO_METHODS
        route = self._routes.get(method, self._any_route)
        if route is None:
            return None, self._allowed
        return MatchInfo(variables, route), self._allowed

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[Route[H]]:
        return iter(self._routes.values())


class _PatternResource(Resource[H]):
    def __init__(self, path: str, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._orig_path = path
        self._prefix = ""
        self._pattern = self._parse(path)

    @staticmethod
    def _parse(path: str) -> PathPattern:
        return parse_pattern(path or "/")

    @property
    def pattern(self) -> PathPattern:
        return self._pattern

    @property
    def canonical(self) -> str:
        return self._pattern.canonical

    def add_prefix(self, prefix: str) -> None:
        self._prefix = prefix + self._prefix
        self._pattern = self._parse(self._prefix + self._orig_path)

    def raw_match(self, path: str) -> bool:
        return self._orig_path == path

    def index_key(self) -> IndexKey:
        return IndexKey(self._pattern.segments, self._pattern.open_ended)


class PlainResource(_PatternResource[H]):
    """A path without variables: matched by string equality (and a dict in the index).

    An empty path matches ``/``; as in aiohttp, ``canonical`` and ``get_info()``
    still report ``''`` until the router freezes.
    """

    def __init__(self, path: str, *, name: str | None = None) -> None:
        super().__init__(path, name=name)
        self._path = self._pattern.canonical
        self._text = self._pattern.text

    def add_prefix(self, prefix: str) -> None:
        super().add_prefix(prefix)
        self._path = self._pattern.canonical
        self._text = self._pattern.text

    @property
    def canonical(self) -> str:
        return "" if self._unfrozen_empty() else self._path

    def _unfrozen_empty(self) -> bool:
        return not self._frozen and not self._orig_path and not self._prefix

    def match(self, path: str) -> dict[str, str] | None:
        return {} if path == self._text else None

    def url_for(self, **parts: str) -> URL:
        if parts:
            raise URLBuildError(
                f"url_for() of {self._describe()} takes no parts, got: {', '.join(sorted(parts))}"
            )
        return URL.build(path=self._path, encoded=True)

    def get_info(self) -> dict[str, object]:
        return {"path": "" if self._unfrozen_empty() else self._text}

    def _describe(self) -> str:
        return f"route {self.name!r} ({self._path})" if self.name else self._path

    def __repr__(self) -> str:
        name = f" {self.name!r}" if self.name is not None else ""
        return f"<PlainResource{name} {self._path}>"


class DynamicResource(_PatternResource[H]):
    """A path with ``{variables}``: matched by one compiled regex on the encoded path."""

    def match(self, path: str) -> dict[str, str] | None:
        regex = self._pattern.regex
        found = None if regex is None else regex.fullmatch(path)
        if found is None:
            return None
        variables = found.groupdict()
        for value in variables.values():
            if "%" in value:
                return {key: unquote_safe(value) for key, value in variables.items()}
        return variables

    def resolve_sync(self, request: Routable, method: str, path: str) -> Resolution[H]:
        regex = self._pattern.regex
        found = None if regex is None else regex.fullmatch(path)
        if found is None:
            return None, NO_METHODS
        route = self._routes.get(method, self._any_route)
        if route is None:
            return None, self._allowed
        variables = found.groupdict()
        for value in variables.values():
            if "%" in value:
                variables = {key: unquote_safe(value) for key, value in variables.items()}
                break
        return MatchInfo(variables, route), self._allowed

    def url_for(self, **parts: str) -> URL:
        expected = self._pattern.variables
        missing = [name for name in expected if name not in parts]
        extra = sorted(name for name in parts if name not in expected)
        if missing or extra:
            problems = []
            if missing:
                problems.append(f"missing part(s): {', '.join(missing)}")
            if extra:
                problems.append(f"unexpected part(s): {', '.join(extra)}")
            raise URLBuildError(
                f"url_for() of {self._describe()}: {'; '.join(problems)} "
                f"(expected exactly: {', '.join(expected)})"
            )
        path = self._pattern.canonical.format_map(
            {key: quote_path(str(value)) for key, value in parts.items()}
        )
        return URL.build(path=path, encoded=True)

    def get_info(self) -> dict[str, object]:
        return {"formatter": self._pattern.canonical, "pattern": self._pattern.regex}

    def _describe(self) -> str:
        canonical = self._pattern.canonical
        return f"route {self.name!r} ({canonical})" if self.name else canonical

    def __repr__(self) -> str:
        name = f" {self.name!r}" if self.name is not None else ""
        return f"<DynamicResource{name} {self._pattern.canonical}>"


ResourceRoute = Route  # aiohttp's name for the route of a resource
