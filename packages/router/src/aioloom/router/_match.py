"""The result of resolving a request: variables plus the route, or a 404/405."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from ._protocols import ExpectHandler

if TYPE_CHECKING:  # annotations only: _routes imports this module at runtime
    from ._routes import Route

__all__ = ["MatchInfo", "new_match"]

H = TypeVar("H")


class MatchInfo(dict[str, str], Generic[H]):
    """Path variables (decoded) of a match; ``route`` is None for 404 and 405.

    ``http_status`` is 200 for a match, 404 when no resource matched the path and
    405 when one did but not for this method (``allowed_methods`` then lists the
    methods that would have matched, for the ``Allow`` header).

    ``apps`` is the chain of owners (e.g. applications) whose routers were
    traversed, outermost first; ``current_app`` starts as the innermost one. The
    router adds the owners of nested routers; the caller adds the root owner with
    ``add_app`` and then calls ``freeze`` (or does both with ``finish``).
    """

    __slots__ = ("_apps", "_current_app", "_frozen", "allowed_methods", "http_status", "route")

    def __init__(
        self,
        variables: dict[str, str],
        route: Route[H] | None,
        *,
        http_status: int = 200,
        allowed_methods: frozenset[str] = frozenset(),
    ) -> None:
        dict.__init__(self, variables)
        self.route = route
        self.http_status = http_status
        self.allowed_methods = allowed_methods
        self._apps: tuple[object, ...] = ()
        self._current_app: object | None = None
        self._frozen = False

    @property
    def handler(self) -> H | None:
        return None if self.route is None else self.route.handler

    @property
    def expect_handler(self) -> ExpectHandler | None:
        """The route's expect handler, or None: the caller then applies its default."""
        return None if self.route is None else self.route.expect_handler

    @property
    def apps(self) -> tuple[object, ...]:
        return self._apps

    def add_app(self, app: object) -> None:
        """Prepend an owner (resolution goes inside out); the first becomes current."""
        if self._frozen:
            raise RuntimeError("cannot change the apps chain after freeze()")
        if self._current_app is None:
            self._current_app = app
        self._apps = (app, *self._apps)

    @property
    def current_app(self) -> object | None:
        return self._current_app

    @current_app.setter
    def current_app(self, app: object) -> None:
        if app is not None and not any(app is owner for owner in self.apps):
            raise RuntimeError(f"expected one of {self.apps!r}, got {app!r}")
        self._current_app = app

    def freeze(self) -> None:
        self._frozen = True

    def finish(self, owner: object) -> tuple[object, ...]:
        """``add_app(owner)`` then ``freeze()`` in one call: the chain it returns
        (``apps``) is final. The caller's last step, with the outermost owner."""
        if self._frozen:
            raise RuntimeError("cannot change the apps chain after freeze()")
        if self._current_app is None:
            self._current_app = owner
        self._apps = apps = (owner, *self._apps)
        self._frozen = True
        return apps

    @property
    def frozen(self) -> bool:
        return self._frozen

    def get_info(self) -> dict[str, object]:
        return {} if self.route is None else self.route.get_info()

    def __repr__(self) -> str:
        if self.route is None:
            return f"<MatchInfo {self.http_status}>"
        return f"<MatchInfo {dict.__repr__(self)}: {self.route!r}>"


_new = MatchInfo.__new__
_NO_METHODS: frozenset[str] = frozenset()


def new_match(
    route: Route[H] | None,
    http_status: int = 200,
    allowed_methods: frozenset[str] = _NO_METHODS,
) -> MatchInfo[H]:
    """A MatchInfo without variables, for the index to fill in (skips ``__init__``)."""
    match: MatchInfo[H] = _new(MatchInfo)
    match.route = route
    match.http_status = http_status
    match.allowed_methods = allowed_methods
    match._apps = ()
    match._current_app = None
    match._frozen = False
    return match
