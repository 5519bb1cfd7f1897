"""The result of resolving a request: variables plus the route, or a 404/405."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from ._routes import Route

__all__ = ["MatchInfo"]

H = TypeVar("H")


class MatchInfo(dict[str, str], Generic[H]):
    """Path variables (decoded) of a match; ``route`` is None for 404 and 405.

    ``http_status`` is 200 for a match, 404 when no resource matched the path and
    405 when one did but not for this method (``allowed_methods`` then lists the
    methods that would have matched, for the ``Allow`` header).
    """

    __slots__ = ("allowed_methods", "http_status", "route")

    def __init__(
        self,
        variables: dict[str, str],
        route: Route[H] | None,
        *,
        http_status: int = 200,
        allowed_methods: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(variables)
        self.route = route
        self.http_status = http_status
        self.allowed_methods = allowed_methods

    @property
    def handler(self) -> H | None:
        return None if self.route is None else self.route.handler
