"""The result of resolving a request: variables plus the route, or a 404/405."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Generic, TypeVar

from ._protocols import ExpectHandler

if TYPE_CHECKING:  # annotations only: _routes imports this module at runtime
    from ._routes import Route

__all__ = ["ErrorFactory", "MatchInfo", "new_error", "new_match"]

H = TypeVar("H")

# Makes a caller's exception for a 404/405 answer: (status, method, allowed methods).
ErrorFactory = Callable[[int, str, frozenset[str]], BaseException]


class MatchInfo(dict[str, str], Generic[H]):
    """Path variables (decoded) of a match; ``route`` is None for 404 and 405.

    ``http_status`` is 200 for a match, 404 when no resource matched the path and
    405 when one did but not for this method (``allowed_methods`` then lists the
    methods that would have matched, for the ``Allow`` header).

    ``apps`` is the chain of owners (e.g. applications) whose routers were
    traversed, outermost first; ``current_app`` starts as the innermost one. The
    router adds the owners of nested routers; the caller adds the root owner with
    ``add_app`` and then calls ``freeze`` (or does both with ``finish``).

    ``http_exception`` is None for a match; for a 404/405 it is the exception
    the router's ``error_factory`` makes (aiohttp.web's HTTPNotFound or
    HTTPMethodNotAllowed in ``aioloom.web``), made once, when first asked for.
    """

    # (_error is set for 404/405 only: a match never pays for it)
    __slots__ = (
        "_apps",
        "_current_app",
        "_error",
        "_frozen",
        "allowed_methods",
        "http_status",
        "route",
    )
    _error: tuple[ErrorFactory, str] | BaseException

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

    @property
    def http_exception(self) -> BaseException | None:
        """The exception that answers a 404/405 (None for a match or without a factory)."""
        error: tuple[ErrorFactory, str] | BaseException | None = getattr(self, "_error", None)
        if error is None or isinstance(error, BaseException):
            return error
        factory, method = error
        exception = factory(self.http_status, method, self.allowed_methods)
        self._error = exception
        return exception

    def get_info(self) -> dict[str, object]:
        if self.route is not None:
            return self.route.get_info()
        exception = self.http_exception
        return {} if exception is None else {"http_exception": exception}

    def __repr__(self) -> str:
        if self.route is None:  # (aiohttp's wording)
            return f"<MatchInfoError {self.http_status}: {HTTPStatus(self.http_status).phrase}>"
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


def new_error(
    http_status: int,
    allowed_methods: frozenset[str],
    method: str,
    factory: ErrorFactory | None,
) -> MatchInfo[H]:
    """A 404 or 405 answer whose ``http_exception`` ``factory`` makes on demand."""
    match: MatchInfo[H] = new_match(None, http_status, allowed_methods)
    if factory is not None:
        match._error = (factory, method)
    return match
