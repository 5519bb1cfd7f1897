"""The Application: a router, state and lifecycle signals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

from aioloom.router import UrlDispatcher

from ._request import Request
from ._response import Response

__all__ = ["Application", "Handler"]

Handler = Callable[[Request], Awaitable[Response]]
_Signal = list[Callable[["Application"], Awaitable[None]]]


class Application(MutableMapping[str, Any]):
    def __init__(self) -> None:
        self._router: UrlDispatcher[Handler] = UrlDispatcher()
        self._state: dict[str, Any] = {}
        self.on_startup: _Signal = []
        self.on_shutdown: _Signal = []
        self.on_cleanup: _Signal = []

    @property
    def router(self) -> UrlDispatcher[Handler]:
        return self._router

    def freeze(self) -> None:
        self._router.freeze()

    async def startup(self) -> None:
        for callback in self.on_startup:
            await callback(self)

    async def shutdown(self) -> None:
        for callback in self.on_shutdown:
            await callback(self)

    async def cleanup(self) -> None:
        for callback in self.on_cleanup:
            await callback(self)

    def __getitem__(self, key: str) -> Any:
        return self._state[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._state[key] = value

    def __delitem__(self, key: str) -> None:
        del self._state[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._state)

    def __len__(self) -> int:
        return len(self._state)
