"""Typed keys for app, request and response storage.

``app[KEY]`` is typed for mypy when ``KEY = web.AppKey("name", Type)``; plain
string keys still work, but an app warns about them as aiohttp does, because
two libraries may pick the same string.
"""

from __future__ import annotations

from typing import Generic, TypeVar, final

__all__ = ["AppKey", "RequestKey", "ResponseKey", "NotAppKeyWarning"]

T = TypeVar("T")


class NotAppKeyWarning(UserWarning):
    """A plain ``str`` was used as an application key; prefer ``web.AppKey``."""


class _Key(Generic[T]):
    __slots__ = ("_name", "_type")

    def __init__(self, name: str, t: type[T] | None = None) -> None:
        self._name = name
        self._type = t

    @property
    def name(self) -> str:
        return self._name

    # Keys sort before plain strings (as aiohttp's AppKey): ``sorted(app)`` works
    # on mixed keys, from either side of the comparison.
    def __lt__(self, other: object) -> bool:
        if isinstance(other, _Key):
            return self._name < other._name
        return True

    def __gt__(self, other: object) -> bool:
        if isinstance(other, _Key):
            return self._name > other._name
        return False

    def __repr__(self) -> str:
        t = self._type
        type_name = "<<Unknown>>" if t is None else getattr(t, "__qualname__", repr(t))
        return f"<{type(self).__name__}({self._name}, type={type_name})>"


@final
class AppKey(_Key[T]):
    """A key for ``Application`` storage whose value type mypy knows."""


@final
class RequestKey(_Key[T]):
    """A key for per-request storage."""


@final
class ResponseKey(_Key[T]):
    """A key for per-response storage."""
