"""The resolution model: resources, their routes, and the match a resolution yields.

``AbstractResource`` is what the dispatcher needs from any resource,
``AbstractRoute`` what every route offers, ``MatchInfo`` the answer (variables
and the route, or a 404/405). They refer to each other, so they live together.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from http import HTTPStatus
from typing import Generic, TypeVar

from yarl import URL

from ._pattern import Segment
from ._protocols import ExpectHandler, Routable
from ._quoting import decode_path

__all__ = [
    "AbstractResource",
    "AbstractRoute",
    "ErrorFactory",
    "IndexKey",
    "MatchInfo",
    "Resolution",
    "new_error",
    "new_match",
]

H = TypeVar("H")

NO_METHODS: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class IndexKey:
    """Where a resource sits in the lookup index.

    ``segments`` are the leading path segments every matching path has;
    ``open_ended`` means further segments are not known to the index (prefix
    resources, variables that may match ``/``). A resource without an index key
    is tried for every path, in registration order.
    """

    segments: tuple[Segment, ...]
    open_ended: bool


class AbstractResource(Sized, Iterable["AbstractRoute[H]"], abc.ABC):
    """A thing the dispatcher can match: a path pattern, a prefix, a domain...

    Subclass it and pass an instance to ``UrlDispatcher.register_resource`` for
    custom matching. Both ways of resolving return ``(None, methods)`` to let the
    dispatcher try later resources, or a MatchInfo (a match, or a final 404/405)
    to stop:

    * ``resolve_sync(request, method, path)``: what the built-in resources
      implement, and what a server's per-request routing calls;
    * ``await resolve(request)``: aiohttp's interface. By default it calls
      ``resolve_sync``; a subclass that overrides it (aiohttp-style, or to wrap
      the built-in answer) is honoured: its router then resolves through
      ``await router.resolve(request)`` only (``resolves_synchronously`` is False).
    """

    # Set per class: resolve() may be skipped for resolve_sync() (see __init_subclass__).
    sync_resolve = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        mro = cls.__mro__
        defines_async = next(i for i, klass in enumerate(mro) if "resolve" in vars(klass))
        defines_sync = next(i for i, klass in enumerate(mro) if "resolve_sync" in vars(klass))
        # resolve() overridden below the class that implements resolve_sync(): it decides
        cls.sync_resolve = defines_sync <= defines_async

    def __init__(self, *, name: str | None = None) -> None:
        self._name = name

    @property
    def name(self) -> str | None:
        return self._name

    @property
    @abc.abstractmethod
    def canonical(self) -> str:
        """The canonical path, e.g. ``/users/{id}``."""

    @abc.abstractmethod
    def url_for(self, **parts: str) -> URL:
        """Build the URL of this resource; URLBuildError for missing or extra parts."""

    def resolve_sync(self, request: Routable, method: str, path: str) -> Resolution[H]:
        """Match ``path`` (decoded: ``request.rel_url.path_safe``) and ``method``."""
        raise NotImplementedError(
            f"{type(self).__name__} implements neither resolve_sync() nor resolve()"
        )

    async def resolve(self, request: Routable) -> Resolution[H]:
        """aiohttp's ``await resource.resolve(request)``: ``(match_info or None, methods)``."""
        return self.resolve_sync(request, request.method, decode_path(request.rel_url.raw_path))

    @abc.abstractmethod
    def add_prefix(self, prefix: str) -> None:
        """Prepend a plain, encoded prefix (``/sub``) to every path matched."""

    def freeze(self) -> None:
        """Called once when the dispatcher freezes."""

    def raw_match(self, path: str) -> bool:
        """True when this resource was created from exactly ``path``."""
        return False

    def index_key(self) -> IndexKey | None:
        """Where to index this resource; None means "try for every path"."""
        return None

    def get_info(self) -> dict[str, object]:
        return {}


class AbstractRoute(abc.ABC, Generic[H]):
    """What every route offers (aiohttp's ``AbstractRoute``): a method, a handler,
    its resource, an expect handler, ``url_for`` and ``get_info``."""

    __slots__ = ()

    method: str
    handler: H
    expect_handler: ExpectHandler | None

    @property
    @abc.abstractmethod
    def name(self) -> str | None: ...

    @property
    @abc.abstractmethod
    def resource(self) -> AbstractResource[H] | None: ...

    @abc.abstractmethod
    def url_for(self, **parts: str) -> URL: ...

    @abc.abstractmethod
    def get_info(self) -> dict[str, object]: ...


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
        route: AbstractRoute[H] | None,
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
    route: AbstractRoute[H] | None,
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


# (a match or a final answer, methods the path allows): like aiohttp's resolve().
Resolution = tuple[MatchInfo[H] | None, frozenset[str]]
