"""The Application: router, typed state, middlewares, signals and sub-apps."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
)
from functools import partial, update_wrapper
from typing import Any, TypeVar, cast, overload

from multidict import istr

from aioloom.router import (
    AbstractRoute,
    DomainResource,
    MatchInfo,
    PrefixedResource,
    RouteRegistrar,
)

from ..http._keys import AppKey, NotAppKeyWarning
from ..http._stream_response import StreamResponse
from ._cleanup_ctx import CleanupContext
from ._dispatch import as_coroutine, expect_then_run, handler_of
from ._middlewares import is_new_style, old_style_adapter, takes_a_request
from ._request import Request
from ._routing import UrlDispatcher
from ._signals import FrozenList, Signal
from ._typedefs import Handler, Middleware

__all__ = ["Application"]

# The router's own resolve(), as imported: anything else in its place is called.
_OWN_RESOLVE = UrlDispatcher.resolve

T = TypeVar("T")
web_logger = logging.getLogger("aioloom.web")
# A route's app chain, its handler inside their middlewares, whether any app of
# the chain has on_response_prepare callbacks.
_Dispatch = tuple[tuple["Application", ...], Handler, bool]
_EXPECT = istr("Expect")  # (an istr: the header lookup need not fold its case)


class Application(MutableMapping[str | AppKey[Any], Any]):
    """An application: routes, state typed by ``AppKey``, lifecycle signals.

    It freezes when started: routes, middlewares, signals and state then refuse
    changes, so every request sees one consistent configuration.
    """

    def __init__(
        self,
        *,
        logger: logging.Logger = web_logger,
        middlewares: Iterable[Middleware] = (),
        handler_args: Mapping[str, Any] | None = None,
        client_max_size: int = 1024**2,
        debug: bool = False,
        router: UrlDispatcher | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if loop is not None:
            warnings.warn("loop argument is deprecated", DeprecationWarning, stacklevel=2)
        self._loop = loop
        self._router = router if router is not None else UrlDispatcher()
        # A router that overrides resolve() is asked through it; ours is given the
        # method and path from the parsed request line.
        self._routes_parts = type(self._router).resolve is _OWN_RESOLVE
        self.logger = logger
        self._debug = debug
        self._handler_args = dict(handler_args or {})
        self._client_max_size = client_max_size
        self._middlewares: FrozenList[Middleware] = FrozenList(middlewares)
        self._state: dict[str | AppKey[Any], Any] = {}
        self._frozen = False
        self._pre_frozen = False
        # State stays writable until start-up has finished: on_startup callbacks and
        # cleanup contexts store what they create (the docs' pattern).
        self._state_frozen = False
        self._subapps: list[Application] = []
        self._on_startup: Signal = Signal(self)
        self._on_shutdown: Signal = Signal(self)
        self._on_cleanup: Signal = Signal(self)
        self._on_response_prepare: Signal = Signal(self)
        self._cleanup_ctx: CleanupContext[Application] = CleanupContext()
        # Contexts start before, and clean up before, the callbacks users append.
        self._on_startup.append(self._cleanup_ctx._on_startup)
        self._on_cleanup.append(self._cleanup_ctx._on_cleanup)
        self._middleware_chain: tuple[Middleware, ...] = ()
        self._chains: dict[tuple[Handler, tuple[Application, ...]], Handler] = {}
        self._dispatch: dict[object, _Dispatch] = {}

    # -- configuration ---------------------------------------------------------------

    @property
    def router(self) -> UrlDispatcher:
        return self._router

    @property
    def middlewares(self) -> FrozenList[Middleware]:
        return self._middlewares

    @property
    def debug(self) -> bool:
        return self._debug

    @property
    def on_startup(self) -> Signal:
        return self._on_startup

    @property
    def on_shutdown(self) -> Signal:
        return self._on_shutdown

    @property
    def on_cleanup(self) -> Signal:
        return self._on_cleanup

    @property
    def on_response_prepare(self) -> Signal:
        return self._on_response_prepare

    @property
    def cleanup_ctx(self) -> CleanupContext[Application]:
        return self._cleanup_ctx

    @property
    def client_max_size(self) -> int:
        return self._client_max_size

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """Deprecated (as in aiohttp): the loop given, or the one the app was started on."""
        warnings.warn("loop property is deprecated", DeprecationWarning, stacklevel=2)
        return self._loop

    def _set_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bind the app and its sub-apps to the loop that serves them."""
        if self._loop is not None and self._loop is not loop:
            raise RuntimeError(
                "web.Application instance initialized with different loop: "
                "create the application without loop= or run it on that loop"
            )
        self._loop = loop
        for subapp in self._subapps:
            subapp._set_loop(loop)

    def add_routes(self, routes: Iterable[RouteRegistrar[Any]]) -> list[AbstractRoute[Handler]]:
        """``app.add_routes([web.get('/', handler)])``: the router's ``add_routes``."""
        return self._router.add_routes(routes)

    def add_subapp(self, prefix: str, subapp: Application) -> PrefixedResource[Handler]:
        """Serve ``subapp`` under ``prefix``; its middlewares run inside this app's."""
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a str")
        prefix = prefix.rstrip("/")
        if not prefix:
            raise ValueError("a sub-application prefix cannot be empty or '/'")
        self._check_subapp(subapp)
        resource = self._router.add_prefixed_router(prefix, subapp.router, owner=subapp)
        self._adopt(subapp)
        return resource

    def add_domain(self, domain: str, subapp: Application) -> DomainResource[Handler]:
        """Serve ``subapp`` for requests whose Host matches ``domain`` (``*.x.com`` too)."""
        if not isinstance(domain, str):
            raise TypeError("domain must be a str")
        self._check_subapp(subapp)
        resource = self._router.add_domain_router(domain, subapp.router, owner=subapp)
        self._adopt(subapp)
        return resource

    def _check_subapp(self, subapp: Application) -> None:
        if self._frozen:
            raise RuntimeError("cannot add a sub-application to a started application")
        if subapp._frozen or subapp._pre_frozen:
            raise RuntimeError("cannot add a sub-application that was started or added before")
        if subapp is self:
            raise ValueError("an application cannot be its own sub-application")

    def _adopt(self, subapp: Application) -> None:
        self._on_startup.append(partial(_send_to, subapp.startup))
        self._on_shutdown.append(partial(_send_to, subapp.shutdown))
        self._on_cleanup.append(partial(_send_to, subapp.cleanup))
        self._subapps.append(subapp)
        subapp.pre_freeze()

    # -- freezing ---------------------------------------------------------------------

    @property
    def frozen(self) -> bool:
        return self._frozen

    def pre_freeze(self) -> None:
        if self._pre_frozen:
            return
        self._pre_frozen = True
        self._router.freeze()  # as aiohttp: a sub-app's routes are fixed once it is added
        self._middlewares.freeze()
        self._on_startup.freeze()
        self._on_shutdown.freeze()
        self._on_cleanup.freeze()
        self._on_response_prepare.freeze()
        self._cleanup_ctx.freeze()
        chain = [_set_current_app(self)]
        for middleware in self._middlewares:
            if not is_new_style(middleware):
                if takes_a_request(middleware):
                    raise TypeError(
                        f"{middleware!r} takes a request, so it is a middleware: decorate "
                        "it with @web.middleware (undecorated, it would be run as an "
                        "old-style factory, middleware(app, handler))"
                    )
                warnings.warn(
                    f'old-style middleware "{middleware!r}" deprecated, see #2252',
                    DeprecationWarning,
                    stacklevel=2,
                )
                middleware = old_style_adapter(middleware, self)
            chain.append(middleware)
        # Outer middlewares run first: wrap from the last to the first.
        self._middleware_chain = tuple(chain)

    def freeze(self) -> None:
        if self._frozen:
            return
        self.pre_freeze()
        self._frozen = True
        for subapp in self._subapps:
            subapp.freeze()
        self._router.freeze()
        # Resources that must be awaited are known once the routers are frozen; and a
        # resolve() wrapped since (instrumentation such as sentry-sdk patches the
        # class) must be called, as aiohttp calls it.
        self._routes_parts = (
            type(self._router).resolve is _OWN_RESOLVE and self._router.resolves_synchronously
        )

    # -- lifecycle ----------------------------------------------------------------------

    async def startup(self) -> None:
        """Run ``on_startup`` (cleanup contexts first); the state is frozen afterwards."""
        await self._on_startup.send(self)
        self._state_frozen = True

    async def shutdown(self) -> None:
        await self._on_shutdown.send(self)

    async def cleanup(self) -> None:
        """Run ``on_cleanup`` (cleanup contexts first).

        Before the app was frozen (an ``AppRunner`` freezes it once start-up
        succeeded) only the cleanup contexts that started are closed, as aiohttp
        does: a failed start-up, or a runner never set up, runs no callbacks.
        """
        if self._on_cleanup.frozen:
            await self._on_cleanup.send(self)
        else:
            await self._cleanup_ctx._on_cleanup(self)

    def __call__(self) -> Application:
        """gunicorn calls the object it is given; an app stands for its own factory."""
        return self

    # -- request handling -------------------------------------------------------------

    def _handle(
        self, request: Request, match_info: MatchInfo[Handler] | None = None
    ) -> Awaitable[StreamResponse]:
        """Route ``request``; the awaitable that answers it (the server awaits it).

        A plain function, not a coroutine: one coroutine frame less per request.
        The server checks that the response is not another request's.
        ``match_info`` is given only by ``_handle_awaiting_resolve``.
        """
        head = request._head
        if match_info is None:
            if not self._routes_parts:
                return self._handle_awaiting_resolve(request)
            match_info = self._router.resolve_parts(request, head.method, head.raw_path)
        apps = match_info.finish(self)
        request._match_info = match_info
        dispatch = self._dispatch.get(match_info.route)
        if dispatch is None or dispatch[0] != apps:
            dispatch = self._dispatch_for(match_info, apps)  # type: ignore[arg-type]
        _, chain, request._prepare_hooks = dispatch
        if _EXPECT in head.headers:
            return expect_then_run(request, match_info, chain)
        return chain(request)

    async def _handle_awaiting_resolve(self, request: Request) -> StreamResponse:
        """A router subclass's resolve(), or resources that must be awaited: aiohttp's way."""
        # (Application's own _handle: instrumentation that wraps the class's, as
        # sentry-sdk does, is already running around this call.)
        return await _own_handle(self, request, await self._router.resolve(request))

    def _dispatch_for(
        self, match_info: MatchInfo[Handler], apps: tuple[Application, ...]
    ) -> _Dispatch:
        """The handler in the middlewares of its app chain, and whether any app of
        the chain has ``on_response_prepare`` callbacks.

        Middlewares and signals are frozen with the app, so this never changes
        for a route; building it per request cost more than the routing.
        """
        handler = handler_of(match_info)
        key = (handler, apps)
        chain = self._chains.get(key)
        if chain is None:
            chain = self._chains[key] = self._wrap(handler, apps)
        dispatch = (apps, chain, any(app._on_response_prepare for app in apps))
        if match_info.route is not None:  # 404 and 405 depend on more than a route
            self._dispatch[match_info.route] = dispatch
        return dispatch

    def _wrap(self, handler: Handler, apps: tuple[Application, ...]) -> Handler:
        handler = as_coroutine(handler)
        if not any(app._middlewares for app in apps):
            return handler  # the router already made the innermost app current
        for app in reversed(apps):
            for middleware in reversed(app._middleware_chain):
                # aiohttp passes the next handler by keyword; partial keeps the frame count low.
                bound = cast(
                    Handler, partial(cast(Callable[..., Any], middleware), handler=handler)
                )
                handler = update_wrapper(bound, handler)
        return handler

    # -- state ---------------------------------------------------------------------------

    def _check_frozen(self) -> None:
        if self._state_frozen:
            raise RuntimeError(
                "cannot change the state of a started application; "
                "set it before startup or store mutable objects in it"
            )

    @overload
    def __getitem__(self, key: AppKey[T]) -> T: ...
    @overload
    def __getitem__(self, key: str) -> Any: ...
    def __getitem__(self, key: str | AppKey[Any]) -> Any:
        return self._state[key]

    @overload
    def __setitem__(self, key: AppKey[T], value: T) -> None: ...
    @overload
    def __setitem__(self, key: str, value: Any) -> None: ...
    def __setitem__(self, key: str | AppKey[Any], value: Any) -> None:
        self._check_frozen()
        if not isinstance(key, AppKey):
            warnings.warn(
                "It is recommended to use web.AppKey instances for keys.\n"
                "https://docs.aiohttp.org/en/stable/web_advanced.html#application-s-config",
                NotAppKeyWarning,
                stacklevel=2,
            )
        self._state[key] = value

    def __delitem__(self, key: str | AppKey[Any]) -> None:
        self._check_frozen()
        del self._state[key]

    @overload  # type: ignore[override]
    def get(self, key: AppKey[T], default: None = ...) -> T | None: ...
    @overload
    def get(self, key: AppKey[T], default: T) -> T: ...
    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...
    def get(self, key: str | AppKey[Any], default: Any = None) -> Any:
        return self._state.get(key, default)

    def __iter__(self) -> Iterator[str | AppKey[Any]]:
        return iter(self._state)

    def __len__(self) -> int:
        return len(self._state)

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<Application 0x{id(self):x}>"


_own_handle = Application._handle


async def _send_to(step: Callable[[], Awaitable[None]], app: Application) -> None:
    """Run a sub-app's lifecycle step when its parent's runs; the sub-app is the argument."""
    await step()


def _set_current_app(app: Application) -> Middleware:
    async def set_current_app(request: Request, handler: Handler) -> StreamResponse:
        match_info = request.match_info
        previous = match_info.current_app
        match_info.current_app = app
        try:
            return await handler(request)
        finally:
            match_info.current_app = previous

    set_current_app.__middleware_version__ = 1  # type: ignore[attr-defined]
    return set_current_app


CleanupCallback = Callable[[Application], AsyncIterator[None]]
