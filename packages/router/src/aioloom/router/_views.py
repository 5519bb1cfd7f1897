"""Read-only views over a dispatcher's resources and routes."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Sequence, Sized
from typing import TypeVar

from ._abc import AbstractResource, AbstractRoute

__all__ = ["ResourcesView", "RoutesView"]

H = TypeVar("H")


class ResourcesView(Sized, Iterable[AbstractResource[H]], Container[AbstractResource[H]]):
    def __init__(self, resources: Sequence[AbstractResource[H]]) -> None:
        self._resources = tuple(resources)

    def __len__(self) -> int:
        return len(self._resources)

    def __iter__(self) -> Iterator[AbstractResource[H]]:
        return iter(self._resources)

    def __contains__(self, resource: object) -> bool:
        return resource in self._resources


class RoutesView(Sized, Iterable[AbstractRoute[H]], Container[AbstractRoute[H]]):
    def __init__(self, resources: Iterable[AbstractResource[H]]) -> None:
        self._routes = tuple(route for resource in resources for route in resource)

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute[H]]:
        return iter(self._routes)

    def __contains__(self, route: object) -> bool:
        return route in self._routes
