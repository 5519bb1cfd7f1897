"""Route definitions: ``get(...)``-style objects and the ``RouteTableDef`` decorator table.

Generic over the handler type, so a web layer can re-export them as
``web.get``, ``web.RouteTableDef`` and so on.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from ._abc import AbstractRoute
from ._dispatcher import UrlDispatcher
from ._names import METH_ANY

__all__ = [
    "AbstractRouteDef",
    "RouteDef",
    "RouteTableDef",
    "StaticDef",
    "delete",
    "get",
    "head",
    "options",
    "patch",
    "post",
    "put",
    "route",
    "static",
    "view",
]

H = TypeVar("H")


class AbstractRouteDef(abc.ABC, Generic[H]):
    @abc.abstractmethod
    def register(self, router: UrlDispatcher[H]) -> list[AbstractRoute[H]]:
        """Add this definition to ``router``; return the routes created."""


@dataclass(frozen=True, repr=False)
class RouteDef(AbstractRouteDef[H]):
    method: str
    path: str
    handler: H
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        info = "".join(f", {key}={value!r}" for key, value in sorted(self.kwargs.items()))
        return f"<RouteDef {self.method} {self.path} -> {self.handler!r}{info}>"

    def register(self, router: UrlDispatcher[H]) -> list[AbstractRoute[H]]:
        if self.method.upper() == "GET":
            return [router.add_get(self.path, self.handler, **self.kwargs)]
        return [router.add_route(self.method, self.path, self.handler, **self.kwargs)]


@dataclass(frozen=True, repr=False)
class StaticDef(AbstractRouteDef[H]):
    prefix: str
    path: str | os.PathLike[str]
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        info = "".join(f", {key}={value!r}" for key, value in sorted(self.kwargs.items()))
        return f"<StaticDef {self.prefix} -> {self.path}{info}>"

    def register(self, router: UrlDispatcher[H]) -> list[AbstractRoute[H]]:
        resource = router.add_static(self.prefix, self.path, **self.kwargs)
        return list(resource)


def route(method: str, path: str, handler: H, **kwargs: Any) -> RouteDef[H]:
    return RouteDef(method, path, handler, kwargs)


def head(path: str, handler: H, **kwargs: Any) -> RouteDef[H]:
    return route("HEAD", path, handler, **kwargs)


def options(path: str, handler: H, **kwargs: Any) -> RouteDef[H]:
    return route("OPTIONS", path, handler, **kwargs)


def get(
    path: str, handler: H, *, name: str | None = None, allow_head: bool = True, **kwargs: Any
) -> RouteDef[H]:
    return route("GET", path, handler, name=name, allow_head=allow_head, **kwargs)


def post(path: str, handler: H, **kwargs: Any) -> RouteDef[H]:
    return route("POST", path, handler, **kwargs)


def put(path: str, handler: H, **kwargs: Any) -> RouteDef[H]:
    return route("PUT", path, handler, **kwargs)


def patch(path: str, handler: H, **kwargs: Any) -> RouteDef[H]:
    return route("PATCH", path, handler, **kwargs)


def delete(path: str, handler: H, **kwargs: Any) -> RouteDef[H]:
    return route("DELETE", path, handler, **kwargs)


def view(path: str, handler: H, **kwargs: Any) -> RouteDef[H]:
    """A class-based view (registered for method ``*``)."""
    return route(METH_ANY, path, handler, **kwargs)


def static(prefix: str, path: str | os.PathLike[str], **kwargs: Any) -> StaticDef[Any]:
    return StaticDef(prefix, path, kwargs)


class RouteTableDef(Sequence[AbstractRouteDef[H]]):
    """Collect routes with decorators, then ``router.add_routes(table)``."""

    def __init__(self) -> None:
        self._items: list[AbstractRouteDef[H]] = []

    def __repr__(self) -> str:
        return f"<RouteTableDef count={len(self._items)}>"

    @overload
    def __getitem__(self, index: int) -> AbstractRouteDef[H]: ...

    @overload
    def __getitem__(self, index: slice) -> list[AbstractRouteDef[H]]: ...

    def __getitem__(self, index: int | slice) -> AbstractRouteDef[H] | list[AbstractRouteDef[H]]:
        return self._items[index]

    def __iter__(self) -> Iterator[AbstractRouteDef[H]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def route(self, method: str, path: str, **kwargs: Any) -> Callable[[H], H]:
        def decorator(handler: H) -> H:
            self._items.append(RouteDef(method, path, handler, kwargs))
            return handler

        return decorator

    def head(self, path: str, **kwargs: Any) -> Callable[[H], H]:
        return self.route("HEAD", path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Callable[[H], H]:
        return self.route("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[H], H]:
        return self.route("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable[[H], H]:
        return self.route("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Callable[[H], H]:
        return self.route("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[H], H]:
        return self.route("DELETE", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> Callable[[H], H]:
        return self.route("OPTIONS", path, **kwargs)

    def view(self, path: str, **kwargs: Any) -> Callable[[H], H]:
        """Decorate a class-based view (method ``*``)."""
        return self.route(METH_ANY, path, **kwargs)

    def static(self, prefix: str, path: str | os.PathLike[str], **kwargs: Any) -> None:
        self._items.append(StaticDef(prefix, path, kwargs))
