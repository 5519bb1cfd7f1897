"""``Request``: a ``BaseRequest`` inside an application, and the handler types.

A request knows the route that matched it and, through the route's app chain,
the application running its handler now. The application is seen through
``AppLike``, the part of ``Application`` a request and its handler use: this
module sits below ``Application`` (whose router is typed by ``Handler``), so it
cannot import it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, Protocol, TypeVar, cast, overload

from aioloom.http_parser import RequestHead
from aioloom.router import MatchInfo
from aioloom.router import UrlDispatcher as _Router

from ..http._keys import AppKey
from ..http._request import BaseRequest
from ..http._stream_response import StreamResponse
from ._chain_map import ChainMapProxy
from ._signals import Signal

__all__ = ["Request", "AppLike", "Handler", "RawHandler", "Middleware"]

T = TypeVar("T")

Handler = Callable[["Request"], Awaitable[StreamResponse]]
RawHandler = Callable[[BaseRequest], Awaitable[StreamResponse]]
Middleware = Callable[["Request", Handler], Awaitable[StreamResponse]]


class AppLike(Protocol):
    """What ``request.app`` offers: ``Application``'s state, router and signals."""

    @overload
    def __getitem__(self, key: AppKey[T]) -> T: ...
    @overload
    def __getitem__(self, key: str) -> Any: ...
    @overload
    def get(self, key: AppKey[T], default: None = ...) -> T | None: ...
    @overload
    def get(self, key: AppKey[T], default: T) -> T: ...
    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...
    def __contains__(self, key: object) -> bool: ...
    def __iter__(self) -> Iterator[str | AppKey[Any]]: ...
    def __len__(self) -> int: ...
    @property
    def router(self) -> _Router[Handler]: ...
    @property
    def debug(self) -> bool: ...
    @property
    def frozen(self) -> bool: ...
    @property
    def client_max_size(self) -> int: ...
    @property
    def on_startup(self) -> Signal: ...
    @property
    def on_shutdown(self) -> Signal: ...
    @property
    def on_cleanup(self) -> Signal: ...
    @property
    def on_response_prepare(self) -> Signal: ...


class Request(BaseRequest):
    """A request inside an ``Application``: knows its app and its route."""

    _match_info: MatchInfo[Handler] | None = None

    def _clone_with(self, head: RequestHead) -> Request:
        clone = Request(
            head,
            self._payload,
            self._connection,
            self._task,
            client_max_size=self._client_max_size,
            state=self._state.copy(),
        )
        clone._match_info = self._match_info
        return clone

    def clone(self, **kwargs: Any) -> Request:
        result = super().clone(**kwargs)
        if not isinstance(result, Request):  # pragma: no cover - _clone_with guarantees it
            raise TypeError("clone of a Request must be a Request")
        return result

    @property
    def match_info(self) -> MatchInfo[Handler]:
        if self._match_info is None:
            raise RuntimeError("the request has not been routed yet")
        return self._match_info

    @property
    def app(self) -> AppLike:
        """The application whose middleware or handler is running now."""
        app = None if self._match_info is None else self._match_info.current_app
        if app is None:
            raise RuntimeError("the request is not bound to an application")
        return cast(AppLike, app)

    @property
    def config_dict(self) -> ChainMapProxy:
        """The storage of the app chain up to the current app, innermost first."""
        apps = cast("tuple[AppLike, ...]", self.match_info.apps)
        current = self.app
        chain = []
        for app in apps:
            chain.append(app)
            if app is current:
                break
        return ChainMapProxy(reversed(cast("list[Mapping[str | AppKey[Any], Any]]", chain)))

    async def _prepare_hook(self, response: StreamResponse) -> None:
        if self._match_info is None:
            return
        for app in cast("tuple[AppLike, ...]", self._match_info.apps):
            signal = app.on_response_prepare
            if signal:  # most apps have no callbacks: skip making a coroutine
                await signal.send(self, response)
